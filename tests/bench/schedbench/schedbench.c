/* SPDX-License-Identifier: MIT */
/*
 * schedbench: what crossing CPUs costs (docs/bench.md, docs/smp.md), as the root task of
 * the bench-sched image. Under `-icount shift=0` one instruction is one nanosecond of
 * virtual time, so DEBUG_CLOCK differences are instruction counts; with several CPUs they
 * count what every CPU executed meanwhile (an idle CPU in WFI executes nothing).
 *
 *   notify_rt_same_cpu / notify_rt_cross_cpu: the root signals a notification that a
 *     thread of higher priority waits on, which signals another one back that the root
 *     waits on; per round trip (two wake-ups), the partner on CPU 0 or CPU 1 (an IPI each
 *     way, the woken CPU leaving WFI).
 *   run_thread_blocked: RUN_THREAD moving a thread blocked in a notification wait between
 *     CPU 1 and CPU 2.
 *   run_thread_running: the same for a thread spinning in user mode: its CPU is stopped
 *     by a synchronous call (IPI, it saves the thread and lets go) before it moves.
 *   suspend_remote: SUSPEND of a thread spinning on another CPU.
 *   remap_local / remap_shootdown: UNMAP_FRAME + MAP_FRAME of a 4 KiB page in the root's
 *     address space, before any other CPU ran it, and after threads in it ran on all CPUs
 *     (TLB shootdown to three CPUs, two calls each way).
 */
#include <pecan/bootinfo.h>
#include <pecan/print.h>
#include <pecan/sys.h>

#include "../common/bench.h"

#define ROOT PECAN_ROOT_CNODE
#define KERNEL_LOG PECAN_ROOT_LOG
#define SCHED PECAN_ROOT_SCHEDULER
#define ROOT_DEPTH 32
#define RUNS 200u
#define THREAD_AREA 0x50000000u
#define PAGE_VA 0x58000000u
#define CPSR_USER 0x10u
#define MIB (1u << 20)

static pecan_cap_t next_slot, next_untyped, untyped_end;

/* Figures here are measured as one bench_now() after another: take its cost out. */
static void figure(const char *name, uint64_t total, unsigned runs, const char *what)
{
    bench_figure(name, bench_elapsed(0, total), runs, what);
}

/* One object from its own 1 MiB untyped (cut from a 32 MiB one at start-up). */
static pecan_cap_t object(unsigned type, unsigned size_bits)
{
    if (next_untyped >= untyped_end)
        bench_fail("object (out of untyped)", -PECAN_ENOMEM);
    pecan_cap_t slot = next_slot++;
    TRY(pecan_untyped_retype(next_untyped++, type, size_bits, 1, ROOT, slot));
    return slot;
}

static void setup(const struct pecan_bootinfo *info)
{
    pecan_cap_t big = 0;
    unsigned bits = 0;
    for (unsigned i = 0; i < info->cap_count; i++) {
        if (info->caps[i].kind == PECAN_BOOTINFO_UNTYPED && info->caps[i].size_bits > bits) {
            big = info->caps[i].slot;
            bits = info->caps[i].size_bits;
        }
    }
    if (bits < 25)
        bench_fail("setup (no 32 MiB untyped)", -PECAN_ENOMEM);
    next_untyped = info->first_free_slot;
    TRY(pecan_untyped_retype(big, PECAN_OBJ_UNTYPED, 20, 32, ROOT, next_untyped));
    untyped_end = next_untyped + 32;
    next_slot = untyped_end;
    uint64_t t0 = bench_now();
    for (unsigned i = 0; i < 64; i++)
        bench_now();
    bench_clock_cost = (bench_now() - t0) / 65;
}

static void sleep_us(unsigned us)
{
    struct pecan_message msg = { .tag = 0 };
    pecan_invoke(0, PECAN_OP_RECV | pecan_timeout_us(us) << PECAN_TIMEOUT_SHIFT, &msg);
}

struct thread {
    pecan_cap_t thread, frame;
    pecan_word_t base;
    volatile pecan_word_t counter;
    pecan_cap_t wait, signal;     /* notifications */
};

static unsigned threads_made;

static void thread_start(struct thread *t, void (*fn)(struct thread *t), unsigned priority,
                         unsigned cpu)
{
    t->thread = object(PECAN_OBJ_THREAD, 0);
    t->frame = object(PECAN_OBJ_FRAME, 20);
    t->base = THREAD_AREA + threads_made++ * MIB;
    t->counter = 0;
    TRY(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, t->frame, t->base,
                               PECAN_MAP_READ | PECAN_MAP_WRITE, 0));
    TRY(pecan_thread_configure(t->thread, ROOT, PECAN_ROOT_VSPACE, t->frame, t->base,
                               PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    TRY(pecan_sched_run_thread(SCHED, t->thread, priority, 1u << cpu, 0));
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT] = { (pecan_word_t)(uintptr_t)t };
    regs[13] = t->base + MIB;
    regs[15] = (pecan_word_t)(uintptr_t)fn;
    regs[16] = CPSR_USER;
    TRY(pecan_thread_write_registers(t->thread, regs));
    TRY(pecan_thread_resume(t->thread));
}

static void echo(struct thread *t)
{
    pecan_word_t bits;
    for (;;) {
        pecan_notification_wait(t->wait, &bits);
        pecan_notification_signal(t->signal, 1);
    }
}

static void spin(struct thread *t)
{
    for (;;)
        t->counter++;
}

static void waiter(struct thread *t)
{
    pecan_word_t bits;
    for (;;)
        pecan_notification_wait(t->wait, &bits);
}

static void bench_notify(unsigned cpu, const char *name, const char *what)
{
    struct thread t;
    t.wait = object(PECAN_OBJ_NOTIFICATION, 0);
    t.signal = object(PECAN_OBJ_NOTIFICATION, 0);
    thread_start(&t, echo, 200, cpu);
    pecan_word_t bits;
    for (unsigned i = 0; i < 10; i++) {
        TRY(pecan_notification_signal(t.wait, 1));
        TRY(pecan_notification_wait(t.signal, &bits));
    }
    uint64_t t0 = bench_now();
    for (unsigned i = 0; i < RUNS; i++) {
        pecan_notification_signal(t.wait, 1);
        pecan_notification_wait(t.signal, &bits);
    }
    figure(name, bench_now() - t0, RUNS, what);
    TRY(pecan_thread_suspend(t.thread));
}

/* Waits (sleeping: under -icount a polling vCPU starves the others) until the spinner
 * has run again, so it is running when the next operation is timed. */
static void until_running(struct thread *t)
{
    pecan_word_t seen = t->counter;
    while (t->counter == seen)
        sleep_us(1000);
}

static void bench_run_thread(void)
{
    struct thread blocked, running;
    blocked.wait = object(PECAN_OBJ_NOTIFICATION, 0);
    thread_start(&blocked, waiter, 100, 1);
    thread_start(&running, spin, 100, 1);
    uint64_t t0 = bench_now();
    for (unsigned i = 0; i < RUNS; i++)
        pecan_sched_run_thread(SCHED, blocked.thread, 100, 1u << (1 + i % 2), 0);
    figure("run_thread_blocked", bench_now() - t0, RUNS,
           "RUN_THREAD moving a thread blocked in a notification wait between CPUs 1 and 2");
    uint64_t total = 0;
    for (unsigned i = 0; i < RUNS; i++) {
        until_running(&running);
        t0 = bench_now();
        pecan_sched_run_thread(SCHED, running.thread, 100, 1u << (2 - i % 2), 0);
        total += bench_now() - t0 - bench_clock_cost;
    }
    figure("run_thread_running", total + bench_clock_cost, RUNS,
           "RUN_THREAD moving a thread that spins in user mode between CPUs 1 and 2 "
           "(its CPU is stopped synchronously; the new one gets an IPI)");
    total = 0;
    for (unsigned i = 0; i < RUNS; i++) {
        until_running(&running);
        t0 = bench_now();
        pecan_thread_suspend(running.thread);
        total += bench_now() - t0 - bench_clock_cost;
        pecan_thread_resume(running.thread);
    }
    figure("suspend_remote", total + bench_clock_cost, RUNS,
           "SUSPEND of a thread spinning on another CPU (stopped before SUSPEND returns)");
    TRY(pecan_thread_suspend(running.thread));
    TRY(pecan_thread_suspend(blocked.thread));
}

static uint64_t remaps(pecan_cap_t frame)
{
    uint64_t t0 = bench_now();
    for (unsigned i = 0; i < RUNS; i++) {
        pecan_vspace_unmap_frame(PECAN_ROOT_VSPACE, frame);
        pecan_vspace_map_frame(PECAN_ROOT_VSPACE, frame, PAGE_VA, PECAN_MAP_READ, 0);
    }
    return bench_now() - t0;
}

int root_main(const struct pecan_bootinfo *info);

int root_main(const struct pecan_bootinfo *info)
{
    bench_program = "schedbench";
    setup(info);
    pecan_cap_t pt = object(PECAN_OBJ_PAGE_TABLE, 0), frame = object(PECAN_OBJ_FRAME, 12);
    TRY(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt, PAGE_VA));
    TRY(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, frame, PAGE_VA, PECAN_MAP_READ, 0));
    /* Before any other CPU has run this address space: the flush stays local. */
    figure("remap_local", remaps(frame), RUNS,
           "UNMAP_FRAME + MAP_FRAME of a 4 KiB page, no other CPU has run the address space");

    bench_notify(0, "notify_rt_same_cpu",
                 "notification round trip with a higher-priority thread on the same CPU");
    if (info->cpu_count < 3) {
        pecan_printf("# schedbench: the other figures need 3 CPUs\n");
        return 0;
    }
    bench_notify(1, "notify_rt_cross_cpu",
                 "notification round trip with a thread on CPU 1 (IPI and WFI exit each way)");
    bench_run_thread();

    /* Threads of this address space have run on every CPU now. */
    struct thread t[4];
    for (unsigned c = 1; c < info->cpu_count && c < 4; c++) {
        t[c].wait = object(PECAN_OBJ_NOTIFICATION, 0);
        thread_start(&t[c], waiter, 100, c);
    }
    figure("remap_shootdown", remaps(frame), RUNS,
           "UNMAP_FRAME + MAP_FRAME after threads of the address space ran on every CPU "
           "(the unmap's TLB flush goes to the other CPUs and waits for them)");
    return 0;
}
