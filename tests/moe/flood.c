/* SPDX-License-Identifier: MIT */
/*
 * moeflood (issue 13, item 3): a victim's calls to moe while three threads flood moe with
 * the most expensive requests a client can make. Run under -icount, so guest time counts
 * instructions and does not depend on the host.
 *
 * The clock is the board's SP804 timer 2 (0x10011020), free running at 1 MHz, mapped
 * through the IOMEM capability moe gives its init program: the KIP clock moves only once
 * per 10 ms tick, too coarse for a 5 ms bound.
 *
 * Flooders (each its own thread, so each has one call outstanding at moe):
 * - clear: a 2 GiB anonymous dataspace (4 KiB of quota) with its first MiB backed and one
 *   page in each 64 MiB; ALLOCATEs that, then CLEARs all 2 GiB, again and again;
 * - copy: COPY_IN of a 2 GiB dataspace onto itself (its first MiB and one page in each
 *   64 MiB backed), again and again;
 * - alloc: a new 2 GiB dataspace, ALLOCATE of 16 MiB of it, a namespace LIST of every
 *   rom entry, a QUERY, then the capability released (moe frees the 4,096 pages: in
 *   steps, between requests), again and again.
 * The victim first makes VICTIM_CALLS small calls (DATASPACE INFO) alone, then the same
 * while the three flood, timing each; it prints both maxima. The test fails if a call
 * under flooding took more than LIMIT_US of guest time.
 *
 * Exits 0 and prints "moeflood: all checks passed", or says what failed (FAILED).
 */
#include <stdio.h>
#include <string.h>
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/iomem.h>
#include <pecan/kip.h>
#include <pecan/namespace.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/thread.h>

#define SP804 0x10011000u
#define TIMER2_LOAD (0x20 / 4)
#define TIMER2_VALUE (0x24 / 4)
#define TIMER2_CONTROL (0x28 / 4)
#define TIMER_ENABLE 0x80u
#define TIMER_32BIT 0x02u

#define BIG 0x80000000u              /* 2 GiB: the largest dataspace moe makes */
#define MIB 0x100000u
#define PAGE 0x1000u
#define VICTIM_CALLS 400
#define SLOW_CALLS 10
#define LIMIT_US 5000u
#define FLOODERS 3

static volatile uint32_t *timer;
static pecan_cap_t timer_ds;
static volatile uint32_t stop;
static volatile uint32_t started[FLOODERS];
static volatile uint32_t rounds[FLOODERS];
static volatile int flood_error[FLOODERS];
static volatile uint32_t flood_max_us[FLOODERS];

/* Microseconds (mod 2^32) of the free-running 1 MHz down-counter. */
static uint32_t now_us(void)
{
    return ~timer[TIMER2_VALUE];
}

static int start_clock(void)
{
    pecan_cap_t iomem = pecan_env_cap("iomem"), ds;
    if (!iomem || pecan_cap_alloc(&timer_ds))
        return -PECAN_ENOENT;
    ds = timer_ds;
    int err = pecan_iomem_dataspace(iomem, PECAN_ENV_FACTORY, SP804, 0x1000, ds);
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &at, 0x1000,
                              PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0);
    if (err)
        return err;
    timer = (volatile uint32_t *)(uintptr_t)at;
    timer[TIMER2_CONTROL] = 0;
    timer[TIMER2_LOAD] = 0xFFFFFFFFu;
    timer[TIMER2_CONTROL] = TIMER_ENABLE | TIMER_32BIT;   /* free running, no interrupt */
    return 0;
}

/* Detached and released before the exit, as devmem does (moe's free memory is compared
 * with its figure from before the program: a device dataspace still attached at the exit
 * left 4 KiB behind, a lifetime problem of issue 13 item 4). */
static void stop_clock(void)
{
    timer[TIMER2_CONTROL] = 0;
    pecan_rm_detach(PECAN_ENV_RM, (pecan_word_t)(uintptr_t)timer, 0, 0);
    pecan_cap_release(timer_ds);
}

static int big_dataspace(pecan_cap_t *ds)
{
    int err = pecan_cap_alloc(ds);
    if (err)
        return err;
    err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, BIG, 0, 0, *ds, 0);
    if (err)
        pecan_cap_free(*ds);
    return err;
}

/* The first MiB and one page in each 64 MiB. */
static int back_spread(pecan_cap_t ds)
{
    int err = pecan_dataspace_allocate(ds, 0, MIB);
    for (uint32_t at = 64 * MIB; !err && at < BIG; at += 64 * MIB)
        err = pecan_dataspace_allocate(ds, at, PAGE);
    return err;
}

/* Moves the calling thread to cpu, at the program's priority (100). moe runs on CPU 0 at
 * priority 200: a thread of a program there runs only while moe has nothing queued, which
 * is never while moe is flooded from the other CPUs (docs/runtime.md, "Bounded work and
 * fairness"). So victim and flooders run on CPUs 1-3 and measure moe's queue, not moe's
 * CPU. */
static void move_to(pecan_cap_t tcb, unsigned cpu)
{
    unsigned cpus = 1;
    pecan_word_t online = 1;
    pecan_sched_info(PECAN_ENV_SCHEDULER, &cpus, &online, 0);
    if (cpus > 1 && (online & (1u << cpu)))
        pecan_sched_run_thread(PECAN_ENV_SCHEDULER, tcb, 100, 1u << cpu, 0);
}

static void note(unsigned who, uint32_t t0)
{
    uint32_t took = now_us() - t0;
    if (took > flood_max_us[who])
        flood_max_us[who] = took;
    if (!started[who])
        printf("moeflood: flooder %u (CPU %d): first round %lu us\n", who,
               pecan_sched_cpu(PECAN_ENV_SCHEDULER), (unsigned long)took);
    started[who] = 1;
    rounds[who]++;
}

static void *flood_clear(void *arg)
{
    (void)arg;
    move_to(pecan_thread_tcb(pecan_thread_self()), 2);
    pecan_cap_t ds;
    int err = big_dataspace(&ds);
    while (!err && !stop) {
        if ((err = back_spread(ds)) != 0)
            break;
        uint32_t t0 = now_us();
        err = pecan_dataspace_clear(ds, 0, BIG);
        note(0, t0);
    }
    flood_error[0] = err;
    return 0;
}

static void *flood_copy(void *arg)
{
    (void)arg;
    move_to(pecan_thread_tcb(pecan_thread_self()), 2);
    pecan_cap_t ds;
    int err = big_dataspace(&ds);
    if (!err)
        err = back_spread(ds);
    while (!err && !stop) {
        uint32_t t0 = now_us();
        err = pecan_dataspace_copy_in(ds, 0, ds, 0, BIG);
        note(1, t0);
    }
    flood_error[1] = err;
    return 0;
}

static void *flood_alloc(void *arg)
{
    (void)arg;
    move_to(pecan_thread_tcb(pecan_thread_self()), 3);
    pecan_cap_t rom = pecan_env_cap("rom"), found;
    int err = pecan_cap_alloc(&found);
    while (!err && !stop) {
        uint32_t t0 = now_us();
        pecan_cap_t ds;
        if ((err = big_dataspace(&ds)) != 0)
            break;
        err = pecan_dataspace_allocate(ds, 0, 16 * MIB);
        char name[64];
        unsigned flags;
        for (unsigned i = 0; !err && pecan_ns_list(rom, i, name, sizeof name, &flags) == 0; i++)
            ;
        if (!err && (err = pecan_ns_query_path(rom, "moeflood.elf", found)) == 0)
            pecan_cnode_delete(PECAN_ENV_CNODE, found, 32);
        pecan_cap_release(ds);
        note(2, t0);
    }
    flood_error[2] = err;
    return 0;
}

/* Up to VICTIM_CALLS timed DATASPACE INFO calls (fewer once SLOW_CALLS took longer than
 * the limit: the unbounded moe needs tens of ms a call); *calls, *max_us and *mean_us. */
static int victim(pecan_cap_t ds, unsigned *calls, uint32_t *max_us, uint32_t *mean_us)
{
    uint32_t max = 0;
    uint64_t sum = 0;
    unsigned i, slow = 0;
    for (i = 0; i < VICTIM_CALLS && slow < SLOW_CALLS; i++) {
        struct pecan_dataspace_info info;
        uint32_t t0 = now_us();
        int err = pecan_dataspace_info(ds, &info);
        uint32_t took = now_us() - t0;
        if (err)
            return err;
        if (took > max)
            max = took;
        if (took > LIMIT_US)
            slow++;
        sum += took;
    }
    *calls = i;
    *max_us = max;
    *mean_us = (uint32_t)(sum / i);
    return 0;
}

int main(void)
{
    move_to(PECAN_ENV_THREAD, 1);
    int err = start_clock();
    if (err) {
        printf("moeflood: no clock (SP804 through iomem): error %d (FAILED)\n", err);
        return 1;
    }
    uint64_t kip0 = pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
    uint32_t t0 = now_us();
    pecan_sleep_us(50000);
    uint64_t kip1 = pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
    printf("moeflood: clock check: 50 ms sleep: %lu us on the SP804, %lu us on the KIP clock\n",
           (unsigned long)(now_us() - t0), (unsigned long)((kip1 - kip0) / 1000));

    pecan_cap_t small;
    if ((err = pecan_cap_alloc(&small)) != 0 ||
        (err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, PAGE, 0, 0, small, 0)) != 0) {
        printf("moeflood: victim's dataspace: error %d (FAILED)\n", err);
        return 1;
    }
    unsigned calls;
    uint32_t alone_max, alone_mean;
    if ((err = victim(small, &calls, &alone_max, &alone_mean)) != 0) {
        printf("moeflood: victim alone: error %d (FAILED)\n", err);
        return 1;
    }
    printf("moeflood: victim (CPU %d) alone: %u calls, max %lu us, mean %lu us\n",
           pecan_sched_cpu(PECAN_ENV_SCHEDULER), calls,
           (unsigned long)alone_max, (unsigned long)alone_mean);

    void *(*entries[FLOODERS])(void *) = { flood_clear, flood_copy, flood_alloc };
    static const char *const names[FLOODERS] = { "2 GiB CLEAR", "2 GiB COPY_IN onto itself",
                                                  "2 GiB create + 16 MiB ALLOCATE + LIST + free" };
    struct pecan_thread *threads[FLOODERS];
    for (unsigned i = 0; i < FLOODERS; i++) {
        if ((err = pecan_thread_create(&threads[i], entries[i], 0)) != 0) {
            printf("moeflood: flooder %u: error %d (FAILED)\n", i, err);
            return 1;
        }
    }
    /* Every flooder has finished one request: from now on all three keep moe busy. */
    for (unsigned i = 0; i < FLOODERS; i++)
        while (!started[i] && !flood_error[i])
            pecan_sleep_us(1000);
    uint32_t max = 0, mean = 0;
    err = victim(small, &calls, &max, &mean);
    stop = 1;
    for (unsigned i = 0; i < FLOODERS; i++)
        pecan_thread_join(threads[i], 0);
    if (err) {
        printf("moeflood: victim under flooding: error %d (FAILED)\n", err);
        return 1;
    }
    int ok = 1;
    for (unsigned i = 0; i < FLOODERS; i++) {
        printf("moeflood: flooder %s: %lu rounds, longest round %lu us, error %d\n", names[i],
               (unsigned long)rounds[i], (unsigned long)flood_max_us[i], flood_error[i]);
        if (flood_error[i])
            ok = 0;
    }
    printf("moeflood: victim while %u threads flood moe: %u calls, max %lu us, mean %lu us "
           "(limit %u us)\n", FLOODERS, calls, (unsigned long)max, (unsigned long)mean,
           LIMIT_US);
    if (max > LIMIT_US) {
        printf("moeflood: a call took longer than %u us (FAILED)\n", LIMIT_US);
        ok = 0;
    }
    pecan_cap_release(small);
    stop_clock();
    printf("moeflood: %s\n", ok ? "all checks passed" : "FAILED");
    return ok ? 0 : 1;
}
