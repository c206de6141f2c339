/* SPDX-License-Identifier: MIT */
/*
 * bench_start: `program_start`, the instructions from the factory request for a new task
 * to the first instruction of the child's main, printed as
 * `bench program_start <n> instructions` (docs/bench.md).
 *
 * The clock: a program has no kernel console for DEBUG_CLOCK and the KIP clock moves in
 * 10 ms ticks, so both sides read SCHEDULER IDLE_TIME of a CPU nobody runs on (the highest
 * online one; all threads here run on CPU 0). That CPU is idle from boot, so its idle time
 * is the board's 24 MHz clock since then, read in nanoseconds (about 42 ns resolution);
 * under -icount one nanosecond is one instruction of all CPUs together (docs/bench.md).
 * The program checks first that this clock runs with the KIP clock.
 *
 * The parent (no arguments) stamps the clock right before launcher_start (whose first
 * request is FACTORY TASK) and starts itself as "child <cpu>"; the child reads the clock
 * first thing in main and writes it into the page they share. The figure is the mean of
 * RUNS starts after one warm-up start. Everything is charged to the parent's factory;
 * each child exits and is released before the next starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pecan/factory.h>
#include <pecan/kip.h>
#include <pecan/launcher.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>

#define RUNS 10
#define PAGE 0x1000u

struct stamp_page {
    volatile uint32_t low, high;   /* the child's clock at main, written low word last */
    volatile uint32_t written;
};

static unsigned clock_cpu;

static uint64_t idle_clock(void)
{
    uint64_t ns = 0;
    pecan_sched_idle_time(PECAN_ENV_SCHEDULER, clock_cpu, &ns);
    return ns;
}

static struct stamp_page *attach(pecan_cap_t ds)
{
    pecan_word_t address = PECAN_ENV_FREE_BASE;
    if (pecan_rm_attach(PECAN_ENV_RM, &address, PAGE,
                        PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0))
        return 0;
    return (struct stamp_page *)(uintptr_t)address;
}

static int child(unsigned cpu)
{
    clock_cpu = cpu;
    uint64_t now = idle_clock();
    pecan_cap_t ds = pecan_env_cap("stamp");
    struct stamp_page *page = ds ? attach(ds) : 0;
    if (!page)
        return 2;
    page->high = (uint32_t)(now >> 32);
    page->low = (uint32_t)now;
    page->written = 1;
    return 0;
}

/* The highest online CPU other than ours, or -1. */
static int pick_clock_cpu(void)
{
    pecan_word_t online;
    int mine = pecan_sched_cpu(PECAN_ENV_SCHEDULER);
    if (pecan_sched_info(PECAN_ENV_SCHEDULER, 0, &online, 0) != 0 || mine < 0)
        return -1;
    for (int cpu = 31; cpu >= 0; cpu--)
        if ((online & (1u << cpu)) && cpu != mine)
            return cpu;
    return -1;
}

/* The idle clock must advance with the KIP clock (the CPU stays idle): over 5 ticks they
 * agree to a tick. */
static bool clock_runs(void)
{
    const volatile struct pecan_kip *kip = (const volatile struct pecan_kip *)PECAN_KIP_ADDRESS;
    uint64_t k0 = pecan_kip_clock_ns(kip), i0 = idle_clock();
    pecan_sleep_us(50000);
    uint64_t k1 = pecan_kip_clock_ns(kip), i1 = idle_clock();
    uint64_t dk = k1 - k0, di = i1 - i0;
    printf("# program_start: clock CPU %u: %llu ns idle while the KIP clock moved %llu ns\n",
           clock_cpu, (unsigned long long)di, (unsigned long long)dk);
    return di + 10000000u >= dk && di <= dk + 10000000u && di > 0;
}

static int parent(void)
{
    static struct launcher launcher;
    int cpu = pick_clock_cpu();
    if (cpu < 0) {
        printf("# program_start: not measured: needs a second CPU for its clock\n");
        return 0;
    }
    clock_cpu = (unsigned)cpu;
    if (!clock_runs()) {
        printf("# program_start: not measured: CPU %u's idle time is no clock\n", clock_cpu);
        return 1;
    }
    pecan_cap_t ds;
    struct stamp_page *page = 0;
    int err = launcher_init(&launcher, PECAN_ENV_FACTORY);
    if (!err)
        err = pecan_cap_alloc(&ds);
    if (!err)
        err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, PAGE, 0, 0, ds, 0);
    if (!err && !(page = attach(ds)))
        err = -PECAN_ENOMEM;
    if (err) {
        printf("bench_start: set-up failed: %d\n", err);
        return 1;
    }
    char cpu_text[4];
    snprintf(cpu_text, sizeof(cpu_text), "%u", clock_cpu);
    const char *argv[] = { "bench_start", "child", cpu_text };
    struct launcher_cap caps[] = { { "stamp", ds, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT } };
    struct launcher_spec spec = {
        .path = "rom/bench_start.elf", .argc = 3, .argv = argv,
        .factory = PECAN_ENV_FACTORY, .scheduler = PECAN_ENV_SCHEDULER, .log = PECAN_ENV_LOG,
        .cap_count = 1, .caps = caps,
    };
    uint64_t total = 0, fastest = ~0ull, slowest = 0;
    for (unsigned run = 0; run <= RUNS; run++) {
        struct launcher_child *c, *exited;
        const char *why;
        page->written = 0;
        uint64_t start = idle_clock();
        if ((err = launcher_start(&launcher, &spec, &c, &why)) != 0) {
            printf("bench_start: launcher_start: %s (%d)\n", why, err);
            return 1;
        }
        if (launcher_wait(&launcher, 10000000, &exited) != 0 || exited != c ||
            c->status != 0 || !page->written) {
            printf("bench_start: the child did not report\n");
            return 1;
        }
        launcher_release(&launcher, c);
        uint64_t at_main = ((uint64_t)page->high << 32) | page->low;
        uint64_t took = at_main - start;
        if (run == 0)
            continue;   /* warm-up: first use of the rom file's pages and the launcher */
        total += took;
        fastest = took < fastest ? took : fastest;
        slowest = took > slowest ? took : slowest;
    }
    printf("# program_start: %u starts after a warm-up, from before launcher_start to the "
           "child's main; fastest %llu, slowest %llu\n", RUNS,
           (unsigned long long)fastest, (unsigned long long)slowest);
    printf("bench program_start %llu instructions\n",
           (unsigned long long)((total + RUNS / 2) / RUNS));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "child") == 0)
        return child((unsigned)atoi(argv[2]));
    return parent();
}
