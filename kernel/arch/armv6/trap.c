/* SPDX-License-Identifier: MIT */
/*
 * What the kernel does with each exception. Interrupts are dispatched; a data abort on the
 * probe load is turned into a failed probe; everything else taken in kernel mode is a
 * kernel bug and panics with the full register frame, the fault address and status.
 */
#include <arch/cpu.h>
#include <arch/trap.h>
#include <console.h>
#include <core/fault.h>
#include <core/kernel_lock.h>
#include <core/sched.h>
#include <core/syscall.h>
#include <core/tlb.h>
#include <cpu.h>
#include <irq.h>
#include <object/vspace.h>
#include <panic.h>

static inline word_t cpu_read_contextidr(void) { return CP15_READ(0, c13, c0, 1); }

extern const char arch_probe_load[], arch_probe_store[], arch_probe_fixup[];

static const char *const trap_names[] = {
    [TRAP_RESET] = "reset vector taken",
    [TRAP_UNDEFINED] = "undefined instruction",
    [TRAP_SVC] = "supervisor call from kernel mode",
    [TRAP_PREFETCH_ABORT] = "prefetch abort",
    [TRAP_DATA_ABORT] = "data abort",
    [TRAP_UNUSED_VECTOR] = "unused vector taken",
    [TRAP_IRQ] = "interrupt",
    [TRAP_FIQ] = "fast interrupt (FIQ is never enabled)",
};

/* Fault status (DFSR/IFSR bits [10] and [3:0]), ARM ARM table B4-1. */
static const char *fault_status_text(word_t fsr)
{
    switch ((fsr & 0xf) | ((fsr >> 6) & 0x10)) {
    case 0x1: return "alignment fault";
    case 0x2: return "debug event";
    case 0x3: return "access flag fault (section)";
    case 0x4: return "instruction cache maintenance fault";
    case 0x5: return "translation fault (section)";
    case 0x6: return "access flag fault (page)";
    case 0x7: return "translation fault (page)";
    case 0x8: return "precise external abort";
    case 0x9: return "domain fault (section)";
    case 0xb: return "domain fault (page)";
    case 0xc: return "external abort on translation (first level)";
    case 0xd: return "permission fault (section)";
    case 0xe: return "external abort on translation (second level)";
    case 0xf: return "permission fault (page)";
    case 0x16: return "imprecise external abort";
    default: return "unknown fault status";
    }
}

static const char *mode_name(word_t cpsr)
{
    switch (cpsr & CPSR_MODE_MASK) {
    case CPSR_MODE_USR: return "usr";
    case CPSR_MODE_FIQ: return "fiq";
    case CPSR_MODE_IRQ: return "irq";
    case CPSR_MODE_SVC: return "svc";
    case CPSR_MODE_ABT: return "abt";
    case CPSR_MODE_UND: return "und";
    case CPSR_MODE_SYS: return "sys";
    default: return "???";
    }
}

static void print_frame(const struct trap_frame *f)
{
    for (int i = 0; i < 13; i += 4) {
        for (int j = i; j < i + 4 && j < 13; j++)
            kprintf("  r%-2d %08lx", j, (unsigned long)f->r[j]);
        kprintf("\n");
    }
    kprintf("  sp_svc %08lx  lr_svc %08lx  sp_usr %08lx  lr_usr %08lx\n",
            (unsigned long)f->sp_svc, (unsigned long)f->lr_svc, (unsigned long)f->sp_usr,
            (unsigned long)f->lr_usr);
    kprintf("  spsr %08lx (mode %s, irq %s)\n", (unsigned long)f->cpsr, mode_name(f->cpsr),
            f->cpsr & CPSR_IRQ_MASKED ? "masked" : "enabled");
    /* The two addresses to feed to addr2line -e kernel.elf. */
    kprintf("  backtrace: pc %08lx lr %08lx\n", (unsigned long)f->pc,
            (unsigned long)((f->cpsr & CPSR_MODE_MASK) == CPSR_MODE_USR ? f->lr_usr : f->lr_svc));
}

static void print_fault(enum trap_type type, const struct trap_frame *f)
{
    if (type == TRAP_DATA_ABORT) {
        word_t dfsr = cpu_read_dfsr();
        kprintf("  fault address %08lx, status %03lx: %s on %s\n", (unsigned long)cpu_read_dfar(),
                (unsigned long)dfsr, fault_status_text(dfsr), dfsr & (1u << 11) ? "write" : "read");
    } else if (type == TRAP_PREFETCH_ABORT) {
        word_t ifsr = cpu_read_ifsr();
        kprintf("  fault address %08lx (instruction fetch), status %03lx: %s\n",
                (unsigned long)f->pc, (unsigned long)ifsr, fault_status_text(ifsr));
    } else if (type == TRAP_UNDEFINED) {
        kprintf("  instruction at %08lx\n", (unsigned long)f->pc);
    }
}

static void __noreturn panic_with_frame(const struct trap_frame *f, enum trap_type type)
{
    panic_begin(trap_names[type]);
    print_fault(type, f);
    print_frame(f);
    panic_end();
}

static bool probe_fixup(struct trap_frame *f)
{
    if (f->pc != (word_t)(uintptr_t)arch_probe_load && f->pc != (word_t)(uintptr_t)arch_probe_store)
        return false;
    this_cpu()->probe_fault_status = cpu_read_dfsr();
    this_cpu()->probe_fault_address = cpu_read_dfar();
    f->pc = (word_t)(uintptr_t)arch_probe_fixup;
    return true;
}

/* r0-r12, sp and lr: the first 15 words of both struct trap_frame and struct
 * user_context. A struct copy of this size compiles to load/store multiples. */
struct user_registers {
    word_t word[15];
};
_Static_assert(offsetof(struct trap_frame, lr_usr) == 14 * 4, "frame layout");
_Static_assert(offsetof(struct user_context, lr) == 14 * 4, "context layout");

static void save_context(struct tcb *tcb, const struct trap_frame *f)
{
    *(struct user_registers *)&tcb->context = *(const struct user_registers *)f;
    tcb->context.pc = f->pc;
    tcb->context.cpsr = f->cpsr;
}

static void load_context(struct trap_frame *f, const struct tcb *tcb)
{
    *(struct user_registers *)f = *(const struct user_registers *)&tcb->context;
    f->pc = tcb->context.pc;
    f->cpsr = (tcb->context.cpsr & ~(CPSR_MODE_MASK | CPSR_IRQ_MASKED | CPSR_FIQ_MASKED)) |
              CPSR_MODE_USR;
}

/* Chooses the next thread (idling until there is one) and prepares the frame so the
 * exception return enters it. Called with the kernel lock held; releases it. */
static void return_to_user(struct trap_frame *frame)
{
    struct tcb *next = sched_wait_for_thread();
    /* A thread whose address space was deleted under it cannot run: stop it. */
    while (!tcb_vspace(next)) {
        kprintf("thread %p has no address space left: suspended\n", (void *)next);
        tcb_suspend(next);
        next = sched_wait_for_thread();
    }
    /* The ASID active on a CPU always has the CPU's bit in the shootdown mask (tlb.c):
     * only a change of ASID needs noting. */
    word_t asid_before = cpu_read_contextidr();
    vspace_activate(tcb_vspace(next));
    word_t asid = cpu_read_contextidr();
    struct cpu *cpu = this_cpu();
    if (asid != asid_before)
        tlb_note_asid_used(asid, 1u << cpu->index);
    cpu_write_tpidruro(next->utcb_vaddr);
    load_context(frame, next);
    cpu->executing = next;
    kernel_lock_release();
}

static void user_fault(struct tcb *thread, enum trap_type type, const struct trap_frame *f)
{
    struct fault fault = { .address = f->pc };
    if (type == TRAP_DATA_ABORT) {
        word_t dfsr = cpu_read_dfsr();
        fault.address = cpu_read_dfar();
        fault.status = dfsr;
        fault.kind = (dfsr & 0xf) == 0x1 ? FAULT_ALIGNMENT
                   : (dfsr & (1u << 11)) ? FAULT_PAGE_WRITE : FAULT_PAGE_READ;
    } else if (type == TRAP_PREFETCH_ABORT) {
        fault.status = cpu_read_ifsr();
        fault.kind = FAULT_PREFETCH;
    } else {
        fault.kind = FAULT_UNDEFINED_INSTRUCTION;
    }
    fault_handle(thread, &fault);
}

/* Saves the user registers of the trap in progress into tcb. If the trap is a system call
 * that will not run now (the thread is taken away while this CPU waits for the lock),
 * the thread executes the svc again when it next runs. */
static void save_trap(struct tcb *tcb, const struct trap_frame *frame, bool restart_svc)
{
    save_context(tcb, frame);
    if (restart_svc && this_cpu()->user_trap == TRAP_SVC)
        tcb->context.pc -= (tcb->context.cpsr & (1u << 5)) ? 2 : 4;
}

/* The frame of a trap from user mode: at the top of this CPU's kernel stack, which is
 * empty while the CPU runs in user mode (vectors.S, arch_enter_user). */
static struct trap_frame *user_trap_frame(void)
{
    _Static_assert(sizeof(struct trap_frame) == TRAP_FRAME_SIZE, "frame size");
    return (struct trap_frame *)(uintptr_t)cpu_boot_stacks[this_cpu_index() + 1] - 1;
}

void arch_let_go_of_thread(word_t tcb_word, word_t unused)
{
    (void)unused;
    struct cpu *cpu = this_cpu();
    struct tcb *tcb = (struct tcb *)(uintptr_t)tcb_word;
    if (cpu->executing != tcb)
        return;
    /* Only reached while this CPU waits for the lock in handle_user_trap: user mode always
     * traps to there first, and the lock holder is the one asking. */
    save_trap(tcb, user_trap_frame(), true);
    cpu->executing = NULL;
}

static void handle_user_trap(struct trap_frame *frame, enum trap_type type)
{
    struct cpu *cpu = this_cpu();
    cpu->user_trap = type;
    kernel_lock_acquire();
    /* NULL if the thread was taken away while we waited (suspended, deleted, migrated,
     * its registers read or written): then only an interrupt still needs handling. */
    struct tcb *current = cpu->executing;
    cpu->executing = NULL;
    if (current)
        save_trap(current, frame, false);
    switch (type) {
    case TRAP_SVC:
        if (current)
            syscall_invoke(current);
        break;
    case TRAP_IRQ: irq_handle(); break;
    case TRAP_DATA_ABORT:
    case TRAP_PREFETCH_ABORT:
    case TRAP_UNDEFINED:
        if (current)
            user_fault(current, type, frame);
        break;
    default: panic_with_frame(frame, type);
    }
    return_to_user(frame);
}

void arch_enter_user(const struct trap_frame *frame, uintptr_t stack_top) __noreturn;

void arch_start_user(void)
{
    static struct trap_frame first_frame[CONFIG_MAX_CPUS];
    struct trap_frame *frame = &first_frame[this_cpu_index()];
    irq_disable();
    kernel_lock_acquire();
    return_to_user(frame);
    arch_enter_user(frame, (uintptr_t)cpu_boot_stacks[this_cpu_index() + 1]);
}

void arch_handle_trap(struct trap_frame *frame, enum trap_type type)
{
    if ((frame->cpsr & CPSR_MODE_MASK) == CPSR_MODE_USR) {
        handle_user_trap(frame, type);
        return;
    }
    if (type == TRAP_IRQ) {
        irq_handle();
        return;
    }
    if (type == TRAP_DATA_ABORT && probe_fixup(frame))
        return;
    panic_with_frame(frame, type);
}
