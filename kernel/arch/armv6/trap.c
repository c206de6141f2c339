/* SPDX-License-Identifier: MIT */
/*
 * What the kernel does with each exception (vectors.S has the entry and exit; the system
 * call's entry and its IPC fast path are in syscall.S, whose view of the C structures
 * arch/syscall_layout.h checks here at compile time).
 *
 * From user mode: the registers are already in the running thread object. The trap takes
 * the kernel lock and the thread (cpu->executing), handles the system call, fault or
 * interrupt, then enters the next thread: the IPC fast path's partner directly, else the
 * scheduler's choice. docs/smp.md explains the steps and why they are safe with other
 * CPUs taking threads away.
 *
 * In kernel mode: interrupts are dispatched; a data abort on the probe load is turned
 * into a failed probe; everything else is a kernel bug and panics with the full register
 * frame, the fault address and status.
 */
#include <arch/processor.h>
#include <arch/syscall_layout.h>
#include <arch/trap.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/enter.h>
#include <core/fault.h>
#include <core/invocation.h>
#include <core/irq.h>
#include <core/kernel_lock.h>
#include <core/panic.h>
#include <core/preempt.h>
#include <core/sched.h>
#include <object/vspace.h>

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

/* A trap from user mode that should never happen (reset, unused vector, FIQ): the
 * registers are in the thread object; print them as a frame. */
static void __noreturn panic_with_context(const struct user_context *c, enum trap_type type)
{
    struct trap_frame f = { .sp_usr = c->sp, .lr_usr = c->lr, .pc = c->pc, .cpsr = c->cpsr };
    for (unsigned i = 0; i < 13; i++)
        f.r[i] = c->r[i];
    panic_with_frame(&f, type);
}

/* Chooses the next thread (idling until there is one) and enters it. Called with the
 * kernel lock held; releases it. */
static struct user_context *choose_and_enter(struct cpu *cpu)
{
    struct thread *next = sched_wait_for_thread();
    /* A thread whose address space was deleted under it cannot run: stop it. */
    while (!thread_vspace(next)) {
        kprintf("thread %p has no address space left: suspended\n", (void *)next);
        thread_suspend(next);
        next = sched_wait_for_thread();
    }
    return enter_thread(cpu, next);
}

static void user_fault(struct thread *thread, enum trap_type type)
{
    struct fault fault = { .address = thread->context.pc };
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

void arch_let_go_of_thread(word_t thread_word, word_t unused)
{
    (void)unused;
    struct cpu *cpu = this_cpu();
    struct thread *thread = (struct thread *)(uintptr_t)thread_word;
    if (cpu->executing != thread)
        return;
    /* Only reached while this CPU waits for the lock in a trap from user mode: user mode
     * always traps to there first, and the lock holder is the one asking. The entry has
     * saved the registers into the thread object already. A system call that will not run now
     * runs when the thread next runs: back to its svc (2 bytes in Thumb state). */
    if (cpu->user_trap == TRAP_SVC)
        thread->context.pc -= (thread->context.cpsr & (1u << 5)) ? 2 : 4;
    cpu->executing = NULL;
}

/* Starts a trap from user mode: takes the kernel lock and the thread this CPU ran.
 * NULL if the thread was taken away while we waited (suspended, deleted, migrated, its
 * registers read or written): then only an interrupt still needs handling. */
static struct thread *begin_user_trap(struct cpu *cpu, enum trap_type type)
{
    cpu->user_trap = type;
    kernel_lock_acquire();
    struct thread *current = cpu->executing;
    cpu->executing = NULL;
    return current;
}

struct user_context *arch_handle_syscall(struct cpu *cpu, struct thread *current, struct cte *slot)
{
    cpu->executing = NULL;
    latency_begin(current);
    syscall_invoke_general(current, slot);
    latency_end();
    /* Most invocations leave the caller running (a kernel object answered). */
    if (sched_keeps_running(current) && thread_vspace(current))
        return enter_thread(cpu, current);
    return choose_and_enter(cpu);
}

struct user_context *arch_handle_syscall_lookup(struct cpu *cpu, struct thread *current)
{
    return arch_handle_syscall(cpu, current, syscall_lookup(current));
}

struct user_context *arch_handle_syscall_contended(struct cpu *cpu)
{
    struct thread *current = begin_user_trap(cpu, TRAP_SVC);
    if (!current)
        return choose_and_enter(cpu);
    return arch_handle_syscall_lookup(cpu, current);
}

struct user_context *arch_handle_user_trap(enum trap_type type)
{
    struct cpu *cpu = this_cpu();
    struct thread *current = begin_user_trap(cpu, type);
    latency_begin(current);
    preempt_begin();
    switch (type) {
    case TRAP_IRQ: irq_handle(); break;
    case TRAP_DATA_ABORT:
    case TRAP_PREFETCH_ABORT:
    case TRAP_UNDEFINED:
        if (current)
            user_fault(current, type);
        break;
    default:
        if (current)
            panic_with_context(&current->context, type);
        panic("%s from user mode", trap_names[type]);
    }
    latency_end();
    return choose_and_enter(cpu);
}

void arch_start_user(void)
{
    irq_disable();
    kernel_lock_acquire();
    arch_return_to_user(choose_and_enter(this_cpu()));
}

void arch_handle_kernel_trap(struct trap_frame *frame, enum trap_type type)
{
    if (type == TRAP_IRQ) {
        irq_handle();
        return;
    }
    if (type == TRAP_DATA_ABORT && probe_fixup(frame))
        return;
    panic_with_frame(frame, type);
}
