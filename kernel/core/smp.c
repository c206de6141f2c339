/* SPDX-License-Identifier: MIT */
/*
 * Secondary CPU start-up, cross-CPU work and stopping. online_mask is the set of CPUs
 * that finished their start-up; each CPU sets its own bit. smp_run_on_cpus requests are
 * serialised by work_lock, so each CPU has at most one piece of work pending.
 * smp_call_cpus requests are serialised by the big kernel lock (docs/smp.md).
 */
#include <arch/trap.h>
#include <core/clock.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/smp.h>
#include <interrupt_controller.h>
#include <plat.h>
#include <spinlock.h>

#define SECONDARY_START_TIMEOUT_NS 2000000000ull

static volatile uint32_t online_mask;
static struct spinlock work_lock = SPINLOCK_INIT;
static volatile bool user_scheduling;   /* secondaries leave cpu_idle_loop for user mode */

unsigned smp_online_count(void)
{
    return (unsigned)__builtin_popcount(online_mask);
}

uint32_t smp_online_mask(void)
{
    return online_mask;
}

void smp_send_ipi(uint32_t cpu_mask, enum ipi ipi)
{
    barrier_data_sync();
    intc_send_ipi(cpu_mask, ipi);
}

bool smp_wait_for(bool (*done)(void *arg), void *arg, uint64_t deadline_ns)
{
    word_t saved = irq_save_disable();
    bool result;
    for (;;) {
        if ((result = done(arg)))
            break;
        if (deadline_ns && clock_now_ns() >= deadline_ns)
            break;
        /* Masked WFI still wakes on a pending interrupt; it is taken right after. */
        cpu_wait_for_interrupt();
        irq_enable();
        irq_disable();
    }
    irq_restore(saved);
    return result;
}

static bool all_started(void *arg)
{
    return smp_online_count() >= *(unsigned *)arg;
}

unsigned smp_boot_secondaries(void)
{
    unsigned expected = plat_cpu_count();
    __atomic_fetch_or(&online_mask, 1u << this_cpu_index(), __ATOMIC_SEQ_CST);
    cpus[this_cpu_index()].online = true;
    if (expected > 1) {
        plat_start_secondaries();
        uint64_t deadline = clock_now_ns() + SECONDARY_START_TIMEOUT_NS;
        if (!smp_wait_for(all_started, &expected, deadline))
            kprintf("smp: only %u of %u CPUs came online (mask %lx)\n", smp_online_count(),
                    expected, (unsigned long)online_mask);
    }
    return smp_online_count();
}

void secondary_main(unsigned index)
{
    cpu_init_local(index);
    plat_init_cpu_local(index);
    kprintf("CPU %u online (MPIDR %08lx)\n", index, (unsigned long)cpu_read_mpidr());
    cpus[index].online = true;
    __atomic_fetch_or(&online_mask, 1u << index, __ATOMIC_SEQ_CST);
    smp_send_ipi(1u << 0, IPI_WAKE);
    cpu_idle_loop();
}

static void run_pending_work(struct cpu *cpu)
{
    cpu_work_fn fn = cpu->work;
    void *arg = cpu->work_arg;
    unsigned requester = cpu->work_requester;
    irq_enable();
    fn(arg);
    irq_disable();
    barrier_data_memory();
    cpu->work = NULL;
    smp_send_ipi(1u << requester, IPI_WAKE);
}

void cpu_idle_loop(void)
{
    for (;;) {
        irq_disable();
        struct cpu *cpu = this_cpu();
        if (user_scheduling)
            arch_start_user();
        if (cpu->work)
            run_pending_work(cpu);
        else
            cpu_wait_for_interrupt();
        irq_enable();
    }
}

struct work_wait {
    uint32_t mask;
};

static bool work_finished(void *arg)
{
    const struct work_wait *w = arg;
    for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++) {
        if ((w->mask & (1u << i)) && cpus[i].work)
            return false;
    }
    return true;
}

void smp_run_on_cpus(uint32_t mask, cpu_work_fn fn, void *arg)
{
    unsigned self = this_cpu_index();
    struct work_wait wait = { mask & online_mask & ~(1u << self) };

    spin_lock(&work_lock);
    for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++) {
        if (!(wait.mask & (1u << i)))
            continue;
        cpus[i].work_arg = arg;
        cpus[i].work_requester = self;
        barrier_data_memory();
        cpus[i].work = fn;
    }
    smp_send_ipi(wait.mask, IPI_WORK);
    if (mask & (1u << self))
        fn(arg);
    smp_wait_for(work_finished, &wait, 0);
    spin_unlock(&work_lock);
}

void smp_start_user_scheduling(void)
{
    barrier_data_memory();
    user_scheduling = true;
    smp_send_ipi(online_mask & ~(1u << this_cpu_index()), IPI_WAKE);
}

void smp_call_cpus(uint32_t mask, cpu_call_fn fn, word_t a, word_t b)
{
    mask &= online_mask & ~(1u << this_cpu_index());
    if (!mask)
        return;
    for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++) {
        if (!(mask & (1u << i)))
            continue;
        cpus[i].call_arg[0] = a;
        cpus[i].call_arg[1] = b;
        barrier_data_memory();
        cpus[i].call_fn = fn;
    }
    /* The IPI brings a CPU out of user mode or WFI; the event ends a WFE in the lock's
     * wait loop (a masked interrupt does not end WFE). */
    smp_send_ipi(mask, IPI_CALL);
    cpu_send_event();
    for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++) {
        if (!(mask & (1u << i)))
            continue;
        while (cpus[i].call_fn)
            cpu_wait_for_event();
    }
    barrier_data_memory();
}

void smp_service_calls(void)
{
    struct cpu *cpu = this_cpu();
    cpu_call_fn fn = cpu->call_fn;
    if (!fn)
        return;
    barrier_data_memory();
    fn(cpu->call_arg[0], cpu->call_arg[1]);
    barrier_data_memory();
    cpu->call_fn = NULL;
    cpu_send_event();
}

void smp_handle_ipi(unsigned ipi)
{
    if (ipi == IPI_CALL)
        smp_service_calls();
    if (ipi != IPI_STOP)
        return;   /* the others only end a WFI (or enter the kernel from user mode): the
                     idle loop looks for work, the return to user chooses a thread */
    for (;;) {
        irq_disable();
        cpu_wait_for_interrupt();
    }
}

void smp_stop_others(void)
{
    smp_send_ipi(online_mask & ~(1u << this_cpu_index()), IPI_STOP);
}
