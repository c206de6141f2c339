/* SPDX-License-Identifier: MIT */
/*
 * The system call: its entry from the SVC vector, and the IPC fast path.
 *
 * The fast path takes a call to a thread that is waiting for it, and a reply-and-wait to
 * a caller that is waiting for the reply, when the message is in registers only (up to
 * six words, no items, no timeout), the partner is on this CPU and no queued thread has
 * the partner's priority or a higher one. Then the message goes register to register, the
 * sender blocks, and the partner becomes this CPU's current thread directly (no run
 * queue, no scheduling choice) and is entered at once. Everything else, and every case
 * the fast path declines, goes to the general path in C (arch_handle_syscall in
 * arch/armv6/trap.c, then core/invocation.c and core/ipc.c), which does the same with every
 * case covered; the two must leave identical state, and the tests run both.
 *
 * It is assembly because it is the round trip every server pays, twice per call: here
 * the sender's message words are still in r3-r8 from the trap (already saved into its
 * thread object by the entry), and are stored into the partner's saved registers with one store
 * multiple; no stack frame is built; the thread object is found from sp_svc.
 *
 * Rules that keep it correct:
 *   - Every check comes before the first change, so declining leaves nothing to undo.
 *   - It runs with the kernel lock taken without waiting. Then no other CPU can have
 *     asked this CPU to let go of its thread (that only happens while a CPU waits for the
 *     lock), so the thread whose registers sp_svc points past is cpu->executing, the
 *     caller, until it is replaced here.
 *   - Interrupts stay masked from the trap to the return (RFE), as on every kernel path.
 *   - Offsets and constants come from arch/syscall_layout.h, checked against the C
 *     structures at compile time.
 *
 * Registers, from the entry on: r0-r8 hold the caller's r0-r8 (capability index, tag,
 * operation, message words); sp = &caller->context.pc, so CALLER(field) addresses a
 * field of the caller's thread object; r12 = this CPU's struct cpu once the lock is taken; lr =
 * the partner thread once found. r9-r11 are scratch (the caller's are saved).
 */
#include <arch/memory.h>
#include <arch/syscall_layout.h>

#define MODE_SVC 0x13
#define CALLER(field) [sp, #((field) - OFFSET_THREAD_CONTEXT_PC)]

    .arm
    .text

/* Checks the tag in r1 and clears its flags (what the partner receives), or goes to
 * decline: at most six words, no items (bits 6-11, just above the words: one compare
 * checks both), and not gate control (label GATE, a kernel operation on the gate;
 * declining it on replies too keeps a way to make both directions of a round trip take
 * the general path: ipcbench's ipc_rt_cross_as_slowpath). Uses r9. */
.macro fast_tag_or decline
    lsl r9, r1, #20                     /* bits 0-11 to the top */
    cmp r9, #((VALUE_PECAN_MSG_REGISTERS + 1) << 20)
    bhs \decline
    mvn r9, r1, asr #16                 /* the label, inverted */
    cmp r9, #(-1 - VALUE_PECAN_PROTO_GATE)
    beq \decline
    bic r1, r1, #TAG_FLAGS_MASK
.endm

/* The partner (lr) is on this CPU (the caller's), and has no timeout to cancel (that is
 * the general path's work), or goes to decline. Uses r2 and r9. */
.macro partner_here_without_timeout_or decline
    ldrb r9, [lr, #OFFSET_THREAD_CPU]
    ldrb r2, CALLER(OFFSET_THREAD_CPU)
    cmp r9, r2
    bne \decline
    ldr r9, [lr, #OFFSET_THREAD_TIMEOUT_AT]
    ldr r2, [lr, #OFFSET_THREAD_TIMEOUT_AT + 4]
    orrs r9, r9, r2
    bne \decline
.endm

/* The checks on the partner (lr) that both directions share, or goes to decline: it has
 * an address space, and no queued thread of this CPU (r12) has its priority or a higher
 * one (run_queue.highest, core/sched.h), so that it is the thread the scheduler would
 * pick. Equal counts: a thread that an IPC makes runnable goes to the back of its
 * priority's queue (core/sched.c, "Where a woken thread goes"), so a caller that gets
 * its reply while a thread of its priority waits runs after that thread; switching to it
 * directly would let a thread that calls a higher-priority server (moe) keep its CPU for
 * as long as it keeps calling. The general path enqueues it and chooses. Same cost: the
 * condition of one branch.
 * Leaves r9 = this CPU's run queue; uses r10, r11. */
.macro partner_can_run_now_or decline
    ldrb r10, [lr, #OFFSET_THREAD_VSPACE_CAP]   /* its type */
    cmp r10, #VALUE_CAP_VSPACE
    bne \decline
    ldr r9, [r12, #OFFSET_CPU_RUN_QUEUE]
    ldr r10, [r9, #OFFSET_RUN_QUEUE_HIGHEST]
    ldrb r11, [lr, #OFFSET_THREAD_PRIORITY]
    cmp r10, r11
    bge \decline
.endm

/* The status stored for the partner doubles as the zero for the stores after it. */
.if VALUE_PECAN_IPC_OK != 0
.error "syscall.S uses PECAN_IPC_OK as a zero register"
.endif

/* The SVC vector. SVC mode already; lr is the caller's next pc, spsr its cpsr. The
 * registers are saved as vectors.S's trap_entry saves them: sp_svc then points at the
 * caller's saved pc (context.pc), just past r0-r14. */
    .global entry_svc
entry_svc:
    srsdb sp!, #MODE_SVC
    stmdb sp, {r0-r14}^
    mrs r9, spsr
    tst r9, #0xf                /* user mode (0x10) is the only mode with bits 3:0 clear */
    bne kernel_svc              /* vectors.S: a kernel bug, or semihosting */

    /* The kernel lock, without waiting: the word becomes 1 + this CPU's index
     * (core/kernel_lock.h). r12 = this CPU's struct cpu from here on. */
    mrc p15, 0, r12, c13, c0, 4         /* TPIDRPRW */
    ldr r10, =kernel_lock
    ldr r9, [r12, #OFFSET_CPU_INDEX]
    add r9, r9, #1
    ldrex r11, [r10, #OFFSET_KERNEL_LOCK_WORD]
    teq r11, #0
    strexeq r11, r9, [r10, #OFFSET_KERNEL_LOCK_WORD]
    teqeq r11, #0                       /* strex: 0 if the store went through */
    bne syscall_contended
    mcr p15, 0, r11, c7, c10, 5         /* DMB (r11 is 0): the lock before what it covers */

    cmp r2, #VALUE_PECAN_OP_CALL        /* the operation word compared whole: no timeout */
    beq fastpath_call
    cmp r2, #VALUE_PECAN_OP_REPLY_WAIT
    bne syscall_general

/* Reply-and-wait: the reply goes to the implicit reply capability, server->reply_to,
 * whose invariant (core/invariants.c checks it) makes that caller BLOCKED_REPLY with
 * reply_from == server; the server then waits openly. */
fastpath_reply_wait:
    fast_tag_or syscall_general
    ldr lr, CALLER(OFFSET_THREAD_REPLY_TO)
    cmp lr, #0
    beq syscall_general
    ldrb r9, [lr, #OFFSET_THREAD_IPC_FLAGS]
    tst r9, #VALUE_IPC_FLAG_FAULT       /* a fault reply writes registers: general path */
    bne syscall_general
    partner_here_without_timeout_or syscall_general
    /* Nothing else for the server to receive: no queued sender, no pending signal. */
    ldr r9, CALLER(OFFSET_THREAD_SENDERS_HEAD)
    cmp r9, #0
    bne syscall_general
    ldr r9, CALLER(OFFSET_THREAD_BOUND_NOTIFICATION)
    cmp r9, #0
    ldrne r9, [r9, #OFFSET_NOTIFICATION_BITS]
    cmpne r9, #0
    bne syscall_general
    partner_can_run_now_or syscall_general   /* r9 = this CPU's run queue */

    /* The caller runs, with the reply. */
    mov r10, #VALUE_THREAD_RUNNABLE
    strb r10, [lr, #OFFSET_THREAD_STATE]
    str lr, [r9, #OFFSET_RUN_QUEUE_CURRENT]
    mov r0, #VALUE_PECAN_IPC_OK
    mov r2, #0                          /* no badge on a reply */
    add r10, lr, #OFFSET_THREAD_CONTEXT
    stmia r10, {r0-r8}                  /* r0 status, r1 tag, r2 badge, r3-r8 words */
    str r0, CALLER(OFFSET_THREAD_REPLY_TO) /* r0 is 0: the reply capability is used up */
    str r0, [lr, #OFFSET_THREAD_REPLY_FROM]
    strb r0, [lr, #OFFSET_THREAD_IPC_FLAGS]
    /* The server waits for anything. */
    mov r1, #VALUE_THREAD_BLOCKED_RECEIVE
    strb r1, CALLER(OFFSET_THREAD_STATE)
    mov r1, #VALUE_IPC_FLAG_OPEN
    strb r1, CALLER(OFFSET_THREAD_IPC_FLAGS)
    str r0, CALLER(OFFSET_THREAD_RECEIVE_GATE)
    b fast_enter_partner

/* Call: r0 is the capability index. */
fastpath_call:
    /* The lookup's common case (cspace_lookup_one_level in core/cspace.h): the caller's
     * CNode's guard covers every bit above its radix, so one level resolves the index. */
    sub r9, sp, #(OFFSET_THREAD_CONTEXT_PC - OFFSET_THREAD_CSPACE_CAP)
    ldmia r9, {r9, r10, r11, lr}        /* type..size_bits, slots, guard, guard bits */
    and r2, r9, #CAPABILITY_TYPE_MASK
    cmp r2, #VALUE_CAP_CNODE
    bne syscall_general
    lsr r9, r9, #CAPABILITY_SIZE_BITS_SHIFT     /* the radix */
    add lr, lr, r9
    cmp lr, #32
    cmpeq r11, r0, lsr r9               /* the guard: the bits above the radix */
    bne syscall_general
    mvn lr, #0
    bic r0, r0, lr, lsl r9
    add r0, r10, r0, lsl #SLOT_SIZE_BITS        /* r0 = the slot */

    /* A gate, with the right to send, and a message the fast path can carry. Anything
     * else (most kernel objects) goes to the general path with the slot looked up. */
    ldmia r0, {r9, r10, r11}            /* type..size_bits, the gate, the badge */
    and r2, r9, #CAPABILITY_TYPE_MASK
    cmp r2, #VALUE_CAP_GATE
    bne syscall_general_at_slot
    tst r9, #(VALUE_PECAN_RIGHT_WRITE << CAPABILITY_RIGHTS_SHIFT)
    beq syscall_general_at_slot
    fast_tag_or syscall_general_at_slot

    /* The receiver: the gate's bound thread, waiting for this gate (or for anything) on
     * this CPU, with no timeout to cancel and no reply owed. */
    ldr lr, [r10, #OFFSET_GATE_BOUND_THREAD]
    cmp lr, #0
    beq syscall_general_at_slot
    ldrb r9, [lr, #OFFSET_THREAD_STATE]
    cmp r9, #VALUE_THREAD_BLOCKED_RECEIVE
    bne syscall_general_at_slot
    partner_here_without_timeout_or syscall_general_at_slot
    ldr r9, [lr, #OFFSET_THREAD_REPLY_TO]
    cmp r9, #0
    bne syscall_general_at_slot
    ldrb r9, [lr, #OFFSET_THREAD_IPC_FLAGS]
    tst r9, #VALUE_IPC_FLAG_OPEN
    bne 1f
    ldr r9, [lr, #OFFSET_THREAD_RECEIVE_GATE]
    cmp r9, r10
    bne syscall_general_at_slot
1:  mov r2, r11                         /* the badge, delivered in r2 */
    partner_can_run_now_or syscall_general_at_slot   /* r9 = this CPU's run queue */

    /* The receiver runs, with the message and the reply capability. */
    mov r10, #VALUE_THREAD_RUNNABLE
    strb r10, [lr, #OFFSET_THREAD_STATE]
    str lr, [r9, #OFFSET_RUN_QUEUE_CURRENT]
    mov r0, #VALUE_PECAN_IPC_OK
    add r10, lr, #OFFSET_THREAD_CONTEXT
    stmia r10, {r0-r8}                  /* r0 status, r1 tag, r2 badge, r3-r8 words */
    strb r0, [lr, #OFFSET_THREAD_IPC_FLAGS]     /* r0 is 0 */
    str r0, [lr, #OFFSET_THREAD_RECEIVE_GATE]
    sub r10, sp, #OFFSET_THREAD_CONTEXT_PC      /* the caller's thread object */
    str r10, [lr, #OFFSET_THREAD_REPLY_TO]
    /* The caller waits for the reply. */
    str lr, CALLER(OFFSET_THREAD_REPLY_FROM)
    mov r1, #VALUE_THREAD_BLOCKED_REPLY
    strb r1, CALLER(OFFSET_THREAD_STATE)
    /* fall through */

/* Enters the partner lr on this CPU (r12): enter_thread (core/enter.h) with its address
 * space loaded as vspace_load_on (object/vspace.h) does, then the lock released and the
 * return to user mode (vectors.S's arch_return_to_user). */
fast_enter_partner:
    ldr r0, [lr, #(OFFSET_THREAD_VSPACE_CAP + OFFSET_CAPABILITY_OBJECT)]
    ldr r1, [r12, #OFFSET_CPU_ACTIVE_VSPACE]
    cmp r0, r1
    beq 2f
    add r1, r0, #(OFFSET_VSPACE_ASID_ENTRY & ~0xfff)
    ldr r1, [r1, #(OFFSET_VSPACE_ASID_ENTRY & 0xfff)]
    lsr r1, r1, #VSPACE_ASID_ENTRY_SHIFT        /* r1 = the ASID */
    mov r2, #0
    mcr p15, 0, r2, c7, c10, 4          /* DSB: page-table writes before the switch */
    mcr p15, 0, r2, c7, c5, 6           /* flush the branch target cache */
    mcr p15, 0, r1, c13, c0, 1          /* CONTEXTIDR: the ASID */
    add r2, r0, #(0 - KERNEL_VIRT_OFFSET)       /* the page directory's physical address */
    orr r2, r2, #TTBR_WALK_ATTRS
    mcr p15, 0, r2, c2, c0, 0           /* TTBR0; RFE synchronises (arch/mmu.h) */
    str r0, [r12, #OFFSET_CPU_ACTIVE_VSPACE]
    /* The ASID active on a CPU always has the CPU's mark in its shootdown mask. */
    ldr r2, [r12, #OFFSET_CPU_ASID_MARKS]
    mov r3, #1
    strb r3, [r2, r1, lsl #ASID_MARKS_SHIFT]
2:  ldr r0, [lr, #OFFSET_THREAD_UTCB_VADDR]
    mcr p15, 0, r0, c13, c0, 3          /* TPIDRURO: the UTCB pointer */
    str lr, [r12, #OFFSET_CPU_EXECUTING]
    /* kernel_lock_release: DMB, the word cleared, DSB and SEV for CPUs waiting in WFE. */
    mov r0, #0
    mcr p15, 0, r0, c7, c10, 5
    ldr r1, =kernel_lock
    str r0, [r1, #OFFSET_KERNEL_LOCK_WORD]
    mcr p15, 0, r0, c7, c10, 4
    sev
    add sp, lr, #OFFSET_THREAD_CONTEXT_PC
    ldmdb sp, {r0-r14}^
    rfeia sp!                           /* sp_svc is now just past the partner's context */

/* The general path (arch/armv6/trap.c) with the kernel lock held: on the CPU's kernel
 * stack, with this CPU (r12) and the caller (from sp) as arguments. */
syscall_general:                        /* the capability not looked up yet */
    sub r1, sp, #OFFSET_THREAD_CONTEXT_PC
    ldr sp, [r12, #OFFSET_CPU_KERNEL_STACK_TOP]
    mov r0, r12
    bl arch_handle_syscall_lookup
    b arch_return_to_user

syscall_general_at_slot:                /* r0 = the slot of the invoked capability */
    mov r2, r0
    sub r1, sp, #OFFSET_THREAD_CONTEXT_PC
    ldr sp, [r12, #OFFSET_CPU_KERNEL_STACK_TOP]
    mov r0, r12
    bl arch_handle_syscall
    b arch_return_to_user

/* Another CPU holds the kernel lock: wait for it in C. */
syscall_contended:
    ldr sp, [r12, #OFFSET_CPU_KERNEL_STACK_TOP]
    mov r0, r12
    bl arch_handle_syscall_contended
    b arch_return_to_user
