/* SPDX-License-Identifier: MIT */
/*
 * Thread control blocks: the THREAD protocol (configure, registers, resume, start,
 * suspend, priority, MCP) and the thread's life cycle. A thread object's capability slots hold
 * derived copies of what it runs with; destroying a thread object first stops it (out of every
 * queue), then the deletion code empties those slots (core/delete.c). A saved cpsr is
 * always a user-mode cpsr: whatever writes one here forces user mode.
 *
 * Priorities are bounded by the maximum controlled priority (MCP) of the thread that
 * invokes, as in seL4 and L4: SET_PRIORITY and the Scheduler's RUN_THREAD give a thread
 * at most the caller's MCP, SET_MCP gives at most the caller's MCP. WRITE on a thread object
 * alone is not enough, because every program holds its own thread object with all rights:
 * without the bound any program could run above every other and starve them. A new thread has
 * MCP 0 (its memory arrives zeroed, as in seL4); only the root task's first thread starts with
 * 255, and every other limit is handed down from it, each no higher than the giver's.
 * Why the caller's MCP and not an authority thread object named in the message (seL4's choice):
 * it needs no extra word or lookup, and a thread can only ever pass on what it holds. A
 * server that sets priorities for its clients (a user-level Scheduler, the balancer)
 * acts with its own MCP and so must bound its clients itself.
 */
#include <core/cdt.h>
#include <core/cspace.h>
#include <core/delete.h>
#include <core/invocation.h>
#include <core/ipc.h>
#include <core/sched.h>
#include <lib/string.h>
#include <object/notification.h>
#include <object/thread.h>
#include <object/vspace.h>
#include <arch/processor.h>
#include <arch/memory.h>

/* Flags, GE bits, E and T may be set from user space; the mode is always user. */
#define USER_CPSR_WRITABLE 0xF80F0220u
#define CPSR_THUMB (1u << 5)

/* The memory arrives zeroed (retype, boot allocation): MCP 0, no priority authority. */
void thread_init(struct thread *thread)
{
    thread->context.cpsr = CPSR_MODE_USR;
    thread->priority = 100;
}

void thread_suspend(struct thread *thread)
{
    /* A wait or IPC in progress ends canceled: resumed, the thread must not take its own
     * request registers for a reply. */
    if (thread->state == THREAD_BLOCKED_NOTIFICATION) {
        notification_cancel_wait(thread);
        thread->context.r[0] = PECAN_IPC_CANCELED;
        thread->context.r[1] = pecan_tag(0, 0, 0);
    } else {
        ipc_cancel(thread);
    }
    sched_dequeue(thread);
    thread->state = THREAD_INACTIVE;
}

void thread_complete_call(struct thread *thread, int result, unsigned words, const word_t *values)
{
    struct pecan_utcb *utcb = thread_utcb(thread);
    for (unsigned i = 0; i < words; i++) {
        if (i < PECAN_MSG_REGISTERS)
            thread->context.r[3 + i] = values[i];
        else if (utcb)
            utcb->message[i] = values[i];
    }
    thread->context.r[0] = PECAN_IPC_OK;
    thread->context.r[1] = pecan_tag(result, words, 0);
    sched_enqueue(thread);
}

void thread_destroy_begin(struct capability *cap)
{
    struct thread *thread = (struct thread *)cap->object;
    thread_suspend(thread);
    ipc_thread_destroyed(thread);
}

static struct thread *invoked_thread(const struct invocation *inv)
{
    return (struct thread *)(uintptr_t)inv->slot->cap.object;
}

/* CONFIGURE: words 1-6 are the capability space, address space, UTCB frame, UTCB address,
 * pager and exception handler. A capability argument PECAN_CAP_UNCHANGED keeps that
 * setting, an empty slot clears it. */
struct configure_args {
    struct cte *source[THREAD_SLOT_COUNT];   /* NULL: unchanged */
    word_t utcb_vaddr;
};

static int check_utcb(const struct cte *frame, word_t vaddr)
{
    if (frame->cap.flags & CAP_FLAG_DEVICE)
        return -PECAN_EINVAL;
    if (!cap_has_rights(&frame->cap, PECAN_RIGHT_READ | PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    if (!IS_ALIGNED(vaddr, PECAN_UTCB_SIZE))
        return -PECAN_EALIGN;
    return 0;
}

/* One capability argument: the slot it names (NULL for UNCHANGED), empty or of type.
 * Inline: called once per setting with a constant type. */
static inline int configure_source(const struct capability *root, word_t index, unsigned type,
                                   struct cte **source)
{
    *source = NULL;
    if (index == PECAN_CAP_UNCHANGED)
        return 0;
    struct cte *slot;
    int err = cspace_lookup(root, index, &slot);
    if (err)
        return err;
    if (!cap_is_null(&slot->cap) && slot->cap.type != type)
        return -PECAN_ETYPE;
    *source = slot;
    return 0;
}

/* The settings in slot order, which is word order, so the first bad word is reported. */
static int decode_configure_args(const struct invocation *inv, struct configure_args *args)
{
    const struct capability *root = thread_cspace_root(inv->caller);
    struct cte **source = args->source;
    int err;
    if ((err = configure_source(root, invocation_word(inv, 1), CAP_CNODE,
                                &source[THREAD_SLOT_CSPACE])) != 0 ||
        (err = configure_source(root, invocation_word(inv, 2), CAP_VSPACE,
                                &source[THREAD_SLOT_VSPACE])) != 0 ||
        (err = configure_source(root, invocation_word(inv, 3), CAP_FRAME,
                                &source[THREAD_SLOT_UTCB])) != 0)
        return err;
    args->utcb_vaddr = invocation_word(inv, 4);
    const struct cte *frame = source[THREAD_SLOT_UTCB];
    if (frame && !cap_is_null(&frame->cap) && (err = check_utcb(frame, args->utcb_vaddr)) != 0)
        return err;
    if ((err = configure_source(root, invocation_word(inv, 5), CAP_GATE,
                                &source[THREAD_SLOT_PAGER])) != 0 ||
        (err = configure_source(root, invocation_word(inv, 6), CAP_GATE,
                                &source[THREAD_SLOT_EXCEPTION_HANDLER])) != 0)
        return err;
    return 0;
}

static int decode_configure(struct invocation *inv)
{
    struct thread *thread = invoked_thread(inv);
    struct configure_args args;
    /* Length, then the right on the thread, then the arguments (docs/abi.md). */
    if (inv->length < 7)
        return -PECAN_EMSGTOOSHORT;
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    int err = decode_configure_args(inv, &args);
    if (err)
        return err;
    /* First drop what is replaced (may take a while: restartable), then copy. An empty
     * slot (always, on a new thread) has nothing to drop: skipping it saves the deletion
     * machinery; a zombie an interrupted deletion left in a slot is finished when it is
     * deleted again (core/delete.c).
     * Both loops are unrolled (one body per slot): their bookkeeping cost about as much
     * as the bodies, 60 instructions a call. */
#pragma GCC unroll 5
    for (unsigned s = 0; s < THREAD_SLOT_COUNT; s++) {
        if (args.source[s] && !cap_is_null(&thread->slots[s].cap) &&
            (err = cte_delete(&thread->slots[s], true)) != 0)
            return err;
    }
#pragma GCC unroll 5
    for (unsigned s = 0; s < THREAD_SLOT_COUNT; s++) {
        struct cte *src = args.source[s];
        if (!src || cap_is_null(&src->cap))
            continue;
        cap_derive(&thread->slots[s].cap, &src->cap, PECAN_RIGHTS_ALL);   /* no mapping of its
                                                                             own */
        cdt_insert_sibling(src, &thread->slots[s]);
    }
    if (args.source[THREAD_SLOT_UTCB]) {
        unsigned frame_bits = thread->slots[THREAD_SLOT_UTCB].cap.size_bits;
        thread->utcb_vaddr = args.utcb_vaddr;
        thread->utcb_offset = frame_bits ? args.utcb_vaddr & ((1u << frame_bits) - 1) : 0;
    }
    return 0;
}

static const word_t *context_word(const struct thread *thread, unsigned i)
{
    return i < 13 ? &thread->context.r[i] : &thread->context.sp + (i - 13);
}

static int decode_read_registers(struct invocation *inv)
{
    struct thread *thread = invoked_thread(inv);
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_READ))
        return -PECAN_EPERM;
    if (!thread_utcb(inv->caller))
        return -PECAN_EMSGTOOLONG;   /* 17 words do not fit in registers */
    sched_stall(thread);   /* its registers must be in the thread object, not on another CPU */
    for (unsigned i = 0; i < PECAN_THREAD_REGISTER_COUNT; i++)
        invocation_reply(inv, i, *context_word(thread, i));
    return 0;
}

static int decode_write_registers(struct invocation *inv)
{
    struct thread *thread = invoked_thread(inv);
    if (inv->length < 1 + PECAN_THREAD_REGISTER_COUNT)
        return -PECAN_EMSGTOOSHORT;
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    sched_stall(thread);   /* its registers must be in the thread object, not on another CPU */
    /* The registers are in the order of struct user_context: words 1-5 arrive in the
     * caller's r4-r8, the other twelve in its UTCB (EMSGTOOLONG ruled out a missing one). */
    const struct pecan_utcb *utcb = thread_utcb(inv->caller);
    _Static_assert(offsetof(struct user_context, cpsr) == 16 * sizeof(word_t), "register order");
    _Static_assert(PECAN_MSG_REGISTERS == 6 && PECAN_THREAD_REGISTER_COUNT == 17, "split");
    /* r0-r4 from the caller's r4-r8, r5-pc from UTCB words 6-16: two block copies (the
     * struct assignments compile to load/store multiples). */
    struct five { word_t w[5]; };
    struct eleven { word_t w[11]; };
    *(struct five *)&thread->context.r[0] = *(const struct five *)&inv->caller->context.r[4];
    *(struct eleven *)&thread->context.r[5] = *(const struct eleven *)&utcb->message[6];
    word_t cpsr = utcb->message[PECAN_THREAD_REGISTER_COUNT];
    thread->context.cpsr = (cpsr & USER_CPSR_WRITABLE) | CPSR_MODE_USR;
    return 0;
}

/* Can the thread run: does it have a capability space and an address space? */
static bool thread_can_run(const struct thread *thread)
{
    return thread_vspace(thread) && thread_cspace_root(thread);
}

/* RESUME's effect: an inactive thread becomes runnable; any other is left as it is. */
static void thread_resume(struct thread *thread)
{
    if (thread->state == THREAD_INACTIVE)
        sched_enqueue(thread);
}

static int decode_resume(struct invocation *inv)
{
    struct thread *thread = invoked_thread(inv);
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    if (!thread_can_run(thread))
        return -PECAN_EINVAL;    /* nothing to run in */
    thread_resume(thread);
    return 0;
}

/* START: pc, sp and optionally r0, a fresh user-mode cpsr, then RESUME, in one call: what
 * a thread's creator does after CONFIGURE. It refuses what RESUME and WRITE_REGISTERS
 * refuse, with the same codes. The other registers keep their values (zero on a new
 * thread). On a thread that is not inactive it is WRITE_REGISTERS of those registers and
 * nothing more: a runnable one goes on at pc, a blocked one stays blocked and goes on at
 * pc when its wait ends (with that wait's result in its registers). */
static int decode_start(struct invocation *inv)
{
    struct thread *thread = invoked_thread(inv);
    /* Whether r0 is set depends on the length, so nothing else may follow it. */
    if (inv->length < 3)
        return -PECAN_EMSGTOOSHORT;
    if (inv->length > 4)
        return -PECAN_EMSGTOOLONG;
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    if (!thread_can_run(thread))
        return -PECAN_EINVAL;    /* nothing to run in */
    /* Bit 0 of pc asks for Thumb state, as in a BX; an ARM pc must be word-aligned. */
    word_t pc = invocation_word(inv, 1);
    word_t thumb = pc & 1;
    if (!thumb && (pc & 2))
        return -PECAN_EALIGN;
    sched_stall(thread);   /* its registers must be in the thread object, not on another CPU */
    thread->context.pc = pc & ~(word_t)1;
    thread->context.sp = invocation_word(inv, 2);
    if (inv->length == 4)
        thread->context.r[0] = invocation_word(inv, 3);
    thread->context.cpsr = CPSR_MODE_USR | (thumb ? CPSR_THUMB : 0);
    thread_resume(thread);
    return 0;
}

static int decode_suspend(struct invocation *inv)
{
    struct thread *thread = invoked_thread(inv);
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    thread_suspend(thread);
    return 0;
}

int thread_check_priority(const struct thread *caller, word_t priority)
{
    if (priority > SCHED_MAX_PRIORITY)
        return -PECAN_ERANGE;    /* no such priority */
    if (priority > caller->mcp)
        return -PECAN_EPERM;     /* a priority, but not the caller's to give */
    return 0;
}

/* The argument of SET_PRIORITY and SET_MCP, w1: a priority the caller may give. The
 * checks in the documented order: length, WRITE on the thread, the value. */
static int decode_priority_argument(const struct invocation *inv, word_t *value)
{
    if (inv->length < 2)
        return -PECAN_EMSGTOOSHORT;
    *value = invocation_word(inv, 1);
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    return thread_check_priority(inv->caller, *value);
}

static int decode_set_priority(struct invocation *inv)
{
    word_t priority;
    int err = decode_priority_argument(inv, &priority);
    if (err)
        return err;
    sched_set_priority(invoked_thread(inv), priority);
    return 0;
}

/* SET_MCP: the same checks as SET_PRIORITY, so a thread can give away (or keep for
 * itself) at most the authority it has; lowering its own MCP is for good. The thread's
 * priority stays as it is, even above its new MCP: the MCP bounds what it may give, not
 * what it was given. */
static int decode_set_mcp(struct invocation *inv)
{
    word_t mcp;
    int err = decode_priority_argument(inv, &mcp);
    if (err)
        return err;
    invoked_thread(inv)->mcp = (uint8_t)mcp;
    return 0;
}

static int decode_bind_notification(struct invocation *inv)
{
    struct thread *thread = invoked_thread(inv);
    if (inv->length < 2)
        return -PECAN_EMSGTOOSHORT;
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    word_t index = invocation_word(inv, 1);
    if (index == 0) {
        notification_bind_thread(NULL, thread);
        return 0;
    }
    struct cte *n;
    int err = invocation_lookup_typed(inv, index, CAP_NOTIFICATION, PECAN_RIGHT_READ, &n);
    if (err)
        return err;
    struct notification *notification = (struct notification *)n->cap.object;
    if (notification->bound_thread && notification->bound_thread != thread)
        return -PECAN_EBUSY;
    notification_bind_thread(notification, thread);
    return 0;
}

int thread_decode(struct invocation *inv)
{
    switch (invocation_word(inv, 0)) {
    case PECAN_THREAD_CONFIGURE: return decode_configure(inv);
    case PECAN_THREAD_READ_REGISTERS: return decode_read_registers(inv);
    case PECAN_THREAD_WRITE_REGISTERS: return decode_write_registers(inv);
    case PECAN_THREAD_RESUME: return decode_resume(inv);
    case PECAN_THREAD_SUSPEND: return decode_suspend(inv);
    case PECAN_THREAD_SET_PRIORITY: return decode_set_priority(inv);
    case PECAN_THREAD_BIND_NOTIFICATION: return decode_bind_notification(inv);
    case PECAN_THREAD_START: return decode_start(inv);
    case PECAN_THREAD_SET_MCP: return decode_set_mcp(inv);
    default: return -PECAN_ENOSYS;
    }
}
