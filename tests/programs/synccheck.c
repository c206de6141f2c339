/* SPDX-License-Identifier: MIT */
/*
 * synccheck (issue 14 item 5): semaphores, mailboxes and condition variables with
 * timeouts (pecan/sync.h). Run under -icount (programs_sync), so guest time (the KIP
 * clock) does not depend on the host's load.
 * - tries: the calls that only try, and timeouts of 0, answer at once;
 * - timeouts: timed waits on an empty semaphore and mailbox and an unsignalled condition
 *   variable, alone and in three threads at once with deadlines in between each other,
 *   return -PECAN_ETIMEDOUT after at least the time asked and at most TOLERANCE_MS more;
 * - mailbox: three producers and three consumers on several CPUs pass 3 x 3000 messages
 *   through 8 slots; every message arrives exactly once, each producer's in order, and no
 *   consumer's wait (5 s) runs out while messages are on their way (a lost wake-up would);
 * - semaphore races: three threads give units at odd moments (some right after a tick,
 *   when the timer ends waits too) while four take them with timeouts of 1 to 15 ms:
 *   units taken plus units left equal units given, so a unit given just as a wait timed
 *   out was neither lost nor counted twice;
 * - condition variable: producers add work under a mutex and signal (sometimes
 *   broadcast), consumers with long and with short timed waits take it; all of it is
 *   taken and no long wait runs out.
 *
 * With the argument --no-upper-bound (the test programs_sync_race, on QEMU's own clock,
 * where the interleavings vary from run to run) a timeout's upper bound is not checked.
 *
 * Prints "synccheck: all checks passed" and exits with 0, or says what failed (FAILED).
 */
#include <pecan/sync.h>
#include <pecan/sys.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define TOLERANCE_MS 30u          /* two ticks of the clock and one of scheduling */
#define LONG_WAIT_MS 5000u        /* runs out only if a wake-up was lost */
#define PRODUCERS 3
#define CONSUMERS 3
#define MESSAGES 3000u
#define SLOTS 8
#define STOP ((void *)UINTPTR_MAX)
#define GIVERS 3
#define TAKERS 4
#define UNITS_PER_GIVER 1000u
#define WORK_PRODUCERS 2
#define WORK_CONSUMERS 4
#define WORK_ITEMS 4000u

static int failures;
/* Off when the guest's clock follows the host's (no -icount), whose load may delay a
 * thread any time: only the lower bound of a timeout holds then. */
static int check_upper_bound = 1;

static void fail(const char *what, long detail)
{
    __atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
    printf("synccheck: FAILED %s (%ld)\n", what, detail);
}

static struct pecan_thread *start(void *(*entry)(void *), intptr_t arg)
{
    struct pecan_thread *t = 0;
    if (pecan_thread_create(&t, entry, (void *)arg))
        fail("thread create", arg);
    return t;
}

static void join(struct pecan_thread *t)
{
    if (t && pecan_thread_join(t, 0))
        fail("thread join", 0);
}

/* A small pseudo-random number per thread (xorshift), for odd moments and timeouts. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static void spin(uint32_t iterations)
{
    for (volatile uint32_t i = 0; i < iterations; i++)
        ;
}

/* ---- tries ------------------------------------------------------------------------- */

static void check_tries(void)
{
    struct pecan_sem sem = PECAN_SEM_INIT(1);
    if (pecan_sem_trydown(&sem) || pecan_sem_trydown(&sem) != -PECAN_EBUSY)
        fail("sem trydown", 0);
    if (pecan_sem_down_timed(&sem, 0) != -PECAN_ETIMEDOUT)
        fail("sem timed down of 0 ms", 0);
    pecan_sem_up(&sem);
    if (pecan_sem_down_timed(&sem, 0))
        fail("sem timed down of 0 ms with a unit there", 0);
    void *ring[2], *message;
    struct pecan_mbox box;
    if (pecan_mbox_init(&box, ring, 0) != -PECAN_EINVAL || pecan_mbox_init(&box, ring, 2))
        fail("mbox init", 0);
    if (pecan_mbox_tryfetch(&box, &message) != -PECAN_EBUSY)
        fail("mbox tryfetch of an empty one", 0);
    if (pecan_mbox_trypost(&box, (void *)1) || pecan_mbox_trypost(&box, (void *)2) ||
        pecan_mbox_trypost(&box, (void *)3) != -PECAN_EBUSY)
        fail("mbox trypost", 0);
    if (pecan_mbox_tryfetch(&box, &message) || message != (void *)1 ||
        pecan_mbox_fetch_timed(&box, &message, 0) || message != (void *)2 ||
        pecan_mbox_fetch_timed(&box, &message, 0) != -PECAN_ETIMEDOUT)
        fail("mbox fetch order", 0);
    struct pecan_mutex mutex = PECAN_MUTEX_INIT;
    struct pecan_cond cond = PECAN_COND_INIT;
    pecan_mutex_lock(&mutex);
    if (pecan_cond_wait_timed(&cond, &mutex, 0) != -PECAN_ETIMEDOUT)
        fail("cond timed wait of 0 ms", 0);
    pecan_mutex_unlock(&mutex);
    printf("synccheck: tries and timeouts of 0 answer at once\n");
}

/* ---- timeouts ---------------------------------------------------------------------- */

enum wait_kind { WAIT_SEM, WAIT_MBOX, WAIT_COND };

static const char *kind_name(enum wait_kind kind)
{
    return kind == WAIT_SEM ? "sem" : kind == WAIT_MBOX ? "mbox" : "cond";
}

/* One timed wait that nothing ends early: its result and guest time in ms. */
static int timed_wait(enum wait_kind kind, uint32_t timeout_ms, uint64_t *elapsed_ms)
{
    struct pecan_sem sem = PECAN_SEM_INIT(0);
    void *ring[1], *message;
    struct pecan_mbox box;
    pecan_mbox_init(&box, ring, 1);
    struct pecan_mutex mutex = PECAN_MUTEX_INIT;
    struct pecan_cond cond = PECAN_COND_INIT;
    int result;
    uint64_t begin = pecan_sync_clock_ms();
    if (kind == WAIT_SEM) {
        result = pecan_sem_down_timed(&sem, timeout_ms);
    } else if (kind == WAIT_MBOX) {
        result = pecan_mbox_fetch_timed(&box, &message, timeout_ms);
    } else {
        pecan_mutex_lock(&mutex);
        result = pecan_cond_wait_timed(&cond, &mutex, timeout_ms);
        pecan_mutex_unlock(&mutex);
    }
    *elapsed_ms = pecan_sync_clock_ms() - begin;
    return result;
}

static uint64_t least_over_ms = UINT64_MAX, most_over_ms;

/* Keeps the least (or most) time a wait took beyond its timeout. */
static void record_over(uint64_t *record, uint64_t over, int most)
{
    uint64_t seen = __atomic_load_n(record, __ATOMIC_RELAXED);
    while ((most ? over > seen : over < seen) &&
           !__atomic_compare_exchange_n(record, &seen, over, 0, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED))
        ;
}

static void check_one_timeout(enum wait_kind kind, uint32_t timeout_ms)
{
    uint64_t elapsed;
    int result = timed_wait(kind, timeout_ms, &elapsed);
    if (result != -PECAN_ETIMEDOUT)
        fail(kind == WAIT_SEM ? "sem timeout result" : kind == WAIT_MBOX ? "mbox timeout result"
                                                                         : "cond timeout result",
             result);
    if (elapsed < timeout_ms || (check_upper_bound && elapsed > timeout_ms + TOLERANCE_MS)) {
        printf("synccheck: FAILED %s wait of %u ms took %lu ms\n", kind_name(kind),
               (unsigned)timeout_ms, (unsigned long)elapsed);
        __atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
    }
    uint64_t over = elapsed > timeout_ms ? elapsed - timeout_ms : 0;
    record_over(&least_over_ms, over, 0);
    record_over(&most_over_ms, over, 1);
}

static const uint32_t timeouts_ms[] = { 20, 50, 100, 250 };
#define TIMEOUTS (sizeof(timeouts_ms) / sizeof(timeouts_ms[0]))

/* Each thread waits with the timeouts in another order, so deadlines fall between one
 * another's and the timer keeps several at once. */
static void *timeout_waiter(void *arg)
{
    intptr_t me = (intptr_t)arg;
    for (unsigned i = 0; i < TIMEOUTS; i++)
        check_one_timeout((enum wait_kind)me, timeouts_ms[(i + (unsigned)me) % TIMEOUTS]);
    return 0;
}

static void check_timeouts(void)
{
    uint64_t ignored;
    timed_wait(WAIT_SEM, 1, &ignored);   /* the first timed wait starts the timer thread */
    for (int kind = WAIT_SEM; kind <= WAIT_COND; kind++)
        for (unsigned i = 0; i < TIMEOUTS; i++)
            check_one_timeout((enum wait_kind)kind, timeouts_ms[i]);
    struct pecan_thread *t[3];
    for (intptr_t i = 0; i < 3; i++)
        t[i] = start(timeout_waiter, i);
    for (int i = 0; i < 3; i++)
        join(t[i]);
    printf("synccheck: timed waits of 20-250 ms ran out after the time asked plus %lu to "
           "%lu ms\n", (unsigned long)least_over_ms, (unsigned long)most_over_ms);
}

/* ---- mailbox ----------------------------------------------------------------------- */

static struct pecan_mbox box;
static void *box_ring[SLOTS];
static uint8_t received[PRODUCERS][MESSAGES];
static unsigned long consumed[CONSUMERS];

static void *producer(void *arg)
{
    uintptr_t me = (uintptr_t)arg;
    for (uintptr_t seq = 0; seq < MESSAGES; seq++)
        pecan_mbox_post(&box, (void *)(me << 24 | seq));
    return 0;
}

static void *consumer(void *arg)
{
    intptr_t me = (intptr_t)arg;
    uintptr_t last[PRODUCERS];
    for (int p = 0; p < PRODUCERS; p++)
        last[p] = UINTPTR_MAX;
    for (;;) {
        void *message;
        if (pecan_mbox_fetch_timed(&box, &message, LONG_WAIT_MS)) {
            fail("mailbox consumer waited 5 s: a lost wake-up", me);
            return 0;
        }
        if (message == STOP)
            return 0;
        uintptr_t p = (uintptr_t)message >> 24, seq = (uintptr_t)message & 0xFFFFFF;
        if (p >= PRODUCERS || seq >= MESSAGES) {
            fail("mailbox message garbled", (long)(uintptr_t)message);
            continue;
        }
        if (last[p] != UINTPTR_MAX && seq <= last[p])
            fail("mailbox message of a producer out of order", (long)seq);
        last[p] = seq;
        __atomic_fetch_add(&received[p][seq], 1, __ATOMIC_RELAXED);
        consumed[me]++;
    }
}

static void check_mailbox(void)
{
    pecan_mbox_init(&box, box_ring, SLOTS);
    struct pecan_thread *c[CONSUMERS], *p[PRODUCERS];
    for (intptr_t i = 0; i < CONSUMERS; i++)
        c[i] = start(consumer, i);
    for (intptr_t i = 0; i < PRODUCERS; i++)
        p[i] = start(producer, i);
    for (int i = 0; i < PRODUCERS; i++)
        join(p[i]);
    for (int i = 0; i < CONSUMERS; i++)
        pecan_mbox_post(&box, STOP);
    for (int i = 0; i < CONSUMERS; i++)
        join(c[i]);
    unsigned long total = 0;
    for (int i = 0; i < PRODUCERS; i++)
        for (unsigned seq = 0; seq < MESSAGES; seq++)
            if (received[i][seq] != 1)
                fail("mailbox message not received exactly once", (long)(i << 24 | seq));
    for (int i = 0; i < CONSUMERS; i++)
        total += consumed[i];
    if (total != (unsigned long)PRODUCERS * MESSAGES)
        fail("mailbox messages consumed", (long)total);
    printf("synccheck: mailbox of %d slots: %lu messages from %d producers, each once and in "
           "order, to %d consumers (%lu, %lu, %lu)\n", SLOTS, total, PRODUCERS, CONSUMERS,
           consumed[0], consumed[1], consumed[2]);
}

/* ---- semaphore races --------------------------------------------------------------- */

static struct pecan_sem units = PECAN_SEM_INIT(0);
static int givers_done;
static unsigned long taken, timeouts;

static void *giver(void *arg)
{
    uint32_t state = 0x9E3779B9u * (uint32_t)((intptr_t)arg + 1);
    for (unsigned i = 0; i < UNITS_PER_GIVER; i++) {
        uint32_t r = next_random(&state);
        if (r % 2 == 0)
            pecan_sleep_us(r % 30000);   /* wakes on a tick, as the timer's deadlines do */
        else
            spin(r % 20000);
        pecan_sem_up(&units);
    }
    __atomic_fetch_add(&givers_done, 1, __ATOMIC_RELEASE);
    return 0;
}

static void *taker(void *arg)
{
    uint32_t state = 0x85EBCA6Bu * (uint32_t)((intptr_t)arg + 1);
    unsigned long mine = 0, ran_out = 0;
    while (__atomic_load_n(&givers_done, __ATOMIC_ACQUIRE) < GIVERS) {
        if (pecan_sem_down_timed(&units, 1 + next_random(&state) % 15) == 0)
            mine++;
        else
            ran_out++;
    }
    __atomic_fetch_add(&taken, mine, __ATOMIC_RELAXED);
    __atomic_fetch_add(&timeouts, ran_out, __ATOMIC_RELAXED);
    return 0;
}

static void check_semaphore_races(void)
{
    struct pecan_thread *g[GIVERS], *t[TAKERS];
    for (intptr_t i = 0; i < TAKERS; i++)
        t[i] = start(taker, i);
    for (intptr_t i = 0; i < GIVERS; i++)
        g[i] = start(giver, i);
    for (int i = 0; i < GIVERS; i++)
        join(g[i]);
    for (int i = 0; i < TAKERS; i++)
        join(t[i]);
    unsigned long left = 0;
    while (pecan_sem_trydown(&units) == 0)
        left++;
    unsigned long given = (unsigned long)GIVERS * UNITS_PER_GIVER;
    if (taken + left != given)
        fail("semaphore units taken plus left differ from units given", (long)(taken + left));
    if (!timeouts)
        fail("semaphore takers never timed out: the race was not run", 0);
    printf("synccheck: semaphore: %lu units given, %lu taken by timed waits, %lu left; %lu "
           "waits timed out\n", given, taken, left, timeouts);
}

/* ---- condition variable ------------------------------------------------------------ */

static struct pecan_mutex work_lock = PECAN_MUTEX_INIT;
static struct pecan_cond work_cond = PECAN_COND_INIT;
static unsigned long work_pending, work_done, work_produced;
static int producers_done;

static void *work_producer(void *arg)
{
    uint32_t state = 0xC2B2AE35u * (uint32_t)((intptr_t)arg + 1);
    for (unsigned i = 0; i < WORK_ITEMS; i++) {
        spin(next_random(&state) % 10000);
        pecan_mutex_lock(&work_lock);
        work_pending++;
        work_produced++;
        if (i % 16 == 15)
            pecan_cond_broadcast(&work_cond);
        else
            pecan_cond_signal(&work_cond);
        pecan_mutex_unlock(&work_lock);
    }
    pecan_mutex_lock(&work_lock);
    producers_done++;
    pecan_cond_broadcast(&work_cond);
    pecan_mutex_unlock(&work_lock);
    return 0;
}

/* Even consumers wait long (running out is a lost wake-up), odd ones 1-5 ms. */
static void *work_consumer(void *arg)
{
    intptr_t me = (intptr_t)arg;
    uint32_t state = 0x27D4EB2Fu * (uint32_t)(me + 1);
    pecan_mutex_lock(&work_lock);
    for (;;) {
        while (!work_pending && producers_done < WORK_PRODUCERS) {
            uint32_t timeout = me % 2 ? 1 + next_random(&state) % 5 : LONG_WAIT_MS;
            int result = pecan_cond_wait_timed(&work_cond, &work_lock, timeout);
            if (result == -PECAN_ETIMEDOUT && timeout == LONG_WAIT_MS && !work_pending &&
                producers_done < WORK_PRODUCERS)
                fail("condition variable wait of 5 s ran out: a lost wake-up", me);
        }
        if (!work_pending)
            break;
        work_pending--;
        work_done++;
    }
    pecan_mutex_unlock(&work_lock);
    return 0;
}

static void check_condition(void)
{
    struct pecan_thread *c[WORK_CONSUMERS], *p[WORK_PRODUCERS];
    for (intptr_t i = 0; i < WORK_CONSUMERS; i++)
        c[i] = start(work_consumer, i);
    for (intptr_t i = 0; i < WORK_PRODUCERS; i++)
        p[i] = start(work_producer, i);
    for (int i = 0; i < WORK_PRODUCERS; i++)
        join(p[i]);
    for (int i = 0; i < WORK_CONSUMERS; i++)
        join(c[i]);
    if (work_done != work_produced || work_produced != (unsigned long)WORK_PRODUCERS * WORK_ITEMS)
        fail("condition variable: work produced and taken differ", (long)work_done);
    printf("synccheck: condition variable: %lu items produced, %lu taken by %d consumers\n",
           work_produced, work_done, WORK_CONSUMERS);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--no-upper-bound"))
        check_upper_bound = 0;
    uint64_t begin = pecan_sync_clock_ms();
    check_tries();
    check_timeouts();
    check_mailbox();
    check_semaphore_races();
    check_condition();
    if (failures) {
        printf("synccheck: FAILED %d checks\n", failures);
        return 1;
    }
    printf("synccheck: all checks passed in %lu ms of guest time\n",
           (unsigned long)(pecan_sync_clock_ms() - begin));
    return 0;
}
