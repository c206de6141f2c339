/* SPDX-License-Identifier: MIT */
/*
 * reentcheck (issue 14 item 5): newlib's state per thread (l4re/libc/reent.c). The main
 * thread and four others, started together on the CPUs, each at once:
 * - errno: set it and read it back, get EBADF, ESPIPE and ENOENT from the runtime's
 *   system calls, ERANGE from strtol and strtod (newlib's own errno writes) and from
 *   libm's ldexp, and see errno stay 0 across calls that succeed while the others fail: each
 *   thread only ever sees its own values;
 * - number formatting and parsing (dtoa's big numbers live in the struct _reent):
 *   snprintf of doubles and strtod back, compared with what the main thread produced
 *   alone beforehand;
 * - strtok over a string of its own;
 * - malloc and free of blocks it fills and checks (newlib's malloc under the runtime's
 *   lock);
 * - lines through printf and puts (each one write: l4re/libc/wrap_lines.c), which the
 *   QEMU test checks are whole: every line ends with its own tag (a --forbid-log pattern
 *   catches a line cut or mixed with another).
 * Then threads that format numbers are made and joined one after another: the heap's
 * use is back where it was (their struct _reent and what hung off it freed).
 *
 * Prints "reentcheck: all checks passed" and exits with 0, or says what failed (FAILED).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <pecan/thread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WORKERS 4
#define THREADS (WORKERS + 1)   /* the main thread takes part too */
#define ERRNO_ROUNDS 2000
#define NUMBERS 48
#define NUMBER_ROUNDS 40
#define TOKENS 200
#define TOKEN_ROUNDS 20
#define LINES 60
#define LEAK_THREADS 20
#define MALLOC_ROUNDS 4000

static struct pecan_mutex start_lock = PECAN_MUTEX_INIT;
static struct pecan_cond start_cond = PECAN_COND_INIT;
static unsigned arrived, phase;

static double numbers[NUMBERS];
static char expected[NUMBERS][96];

static int failures;

static void fail(const char *what, int thread, long detail)
{
    __atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
    printf("reentcheck: FAILED %s (thread %d, %ld)\n", what, thread, detail);
}

/* Every thread waits here until all have arrived, so the next checks run at the same
 * time in all of them. */
static void start_together(void)
{
    pecan_mutex_lock(&start_lock);
    unsigned mine = phase;
    if (++arrived == THREADS) {
        arrived = 0;
        phase++;
        pecan_cond_broadcast(&start_cond);
    }
    while (phase == mine)
        pecan_cond_wait(&start_cond, &start_lock);
    pecan_mutex_unlock(&start_lock);
}

/* errno set by the program itself survives a moment of other threads' errno traffic. */
static int own_value_kept(int me, int round)
{
    int mine = 100000 * (me + 1) + round;
    errno = mine;
    volatile unsigned sink = 0;
    for (unsigned i = 0; i < 200; i++)
        sink += i;
    (void)sink;
    return errno == mine;
}

/* errno from the runtime's system calls (l4re/libc). */
static int system_call_errors(void)
{
    char c = 'x';
    errno = 0;
    if (write(9, &c, 1) != -1 || errno != EBADF)
        return 0;
    errno = 0;
    if (lseek(0, 0, SEEK_SET) != -1 || errno != ESPIPE)
        return 0;
    errno = 0;
    if (open("no_such_capability/file", O_RDONLY) != -1 || errno != ENOENT)
        return 0;
    return 1;
}

/* errno written by newlib itself through a struct _reent (strtol, strtod) or by libm:
 * 0, or which of them went wrong. */
static int library_errors(void)
{
    errno = 0;
    if (strtol("99999999999999999999999", 0, 10) != LONG_MAX || errno != ERANGE)
        return 1;
    errno = 0;
    if (!isinf(strtod("1e999", 0)) || errno != ERANGE)
        return 2;
    errno = 0;
    volatile double one = 1.0;   /* (its sqrt(-1) sets no EDOM: libm is in IEEE mode) */
    if (!isinf(ldexp(one, 5000)) || errno != ERANGE)
        return 3;
    return 0;
}

/* The idiom errno = 0; call; test errno: a success leaves it 0 whatever others do. */
static int successes_leave_zero(void)
{
    errno = 0;
    if (strtol("12345", 0, 10) != 12345 || strtod("2.5", 0) != 2.5 || errno != 0)
        return 0;
    return 1;
}

static void check_errno(int me)
{
    for (int round = 0; round < ERRNO_ROUNDS; round++) {
        if (!own_value_kept(me, round))
            fail("errno set by the thread changed under it", me, round);
        if (!system_call_errors())
            fail("errno of a system call", me, round);
        int which = library_errors();
        if (which)
            fail("errno of newlib or libm", me, which * 10000 + round);
        if (!successes_leave_zero())
            fail("errno changed by a successful call", me, round);
    }
}

static void format_number(char *out, size_t size, double value)
{
    snprintf(out, size, "%.17g %e %.6f", value, value, value);
}

static void check_numbers(int me)
{
    char text[96];
    for (int round = 0; round < NUMBER_ROUNDS; round++) {
        for (int i = 0; i < NUMBERS; i++) {
            format_number(text, sizeof(text), numbers[i]);
            if (strcmp(text, expected[i]))
                fail("number formatted differently", me, i);
            if (strtod(text, 0) != numbers[i])
                fail("number parsed back differently", me, i);
        }
    }
}

static void check_strtok(int me)
{
    char text[TOKENS * 8];
    for (int round = 0; round < TOKEN_ROUNDS; round++) {
        size_t n = 0;
        for (int i = 0; i < TOKENS; i++)
            n += (size_t)snprintf(text + n, sizeof(text) - n, "%d.%d,", me, i);
        int i = 0;
        for (char *token = strtok(text, ","); token; token = strtok(0, ","), i++) {
            char want[16];
            snprintf(want, sizeof(want), "%d.%d", me, i);
            if (strcmp(token, want)) {
                fail("strtok token of another string", me, i);
                break;
            }
        }
        if (i != TOKENS)
            fail("strtok token count", me, i);
    }
}

/* malloc and free from every thread at once: newlib's malloc is safe only under the
 * runtime's lock (l4re/libc/locks.c), which the link must take instead of libc's no-op.
 * Each block is filled with its owner's pattern and checked before it goes. */
static void check_malloc(int me)
{
    enum { BLOCKS = 16 };
    unsigned char *block[BLOCKS] = { 0 };
    size_t size[BLOCKS] = { 0 };
    uint32_t state = 0x9E3779B9u * (uint32_t)(me + 1);
    for (int round = 0; round < MALLOC_ROUNDS; round++) {
        int i = round % BLOCKS;
        if (block[i]) {
            for (size_t at = 0; at < size[i]; at++)
                if (block[i][at] != (unsigned char)(me + i)) {
                    fail("malloc block changed under its owner", me, round);
                    break;
                }
            free(block[i]);
        }
        state = state * 1103515245u + 12345u;
        size[i] = 1 + (state >> 8) % 3000;
        block[i] = malloc(size[i]);
        if (!block[i]) {
            fail("malloc", me, round);
            return;
        }
        memset(block[i], me + i, size[i]);
    }
    for (int i = 0; i < BLOCKS; i++)
        free(block[i]);
}

/* Each line ends with its own tag, which the QEMU test checks. */
static void print_lines(int me)
{
    char line[128];
    for (int n = 0; n < LINES; n++) {
        printf("reentcheck: line T%d N%d %.3f T%dN%d\n", me, n, numbers[n % NUMBERS], me, n);
        snprintf(line, sizeof(line), "reentcheck: puts T%d N%d %s T%dN%d", me, n,
                 "the-same-line-as-one-write", me, n);
        puts(line);
    }
}

static void run_checks(int me)
{
    start_together();
    check_errno(me);
    check_numbers(me);
    check_strtok(me);
    check_malloc(me);
    start_together();
    print_lines(me);
}

static void *worker(void *arg)
{
    run_checks((int)(intptr_t)arg);
    return 0;
}

static void make_numbers(void)
{
    double x = 1.0 / 3.0;
    for (int i = 0; i < NUMBERS; i++) {
        numbers[i] = (i % 2 ? -x : x) * pow(10.0, i % 30 - 12);
        format_number(expected[i], sizeof(expected[i]), numbers[i]);
        x = x * 1.7 + 0.123;
    }
}

static void *formatter(void *arg)
{
    char text[96];
    format_number(text, sizeof(text), numbers[(intptr_t)arg % NUMBERS]);
    strtod(text, 0);
    errno = ERANGE;
    return 0;
}

static int run_formatter(intptr_t i)
{
    struct pecan_thread *t;
    if (pecan_thread_create(&t, formatter, (void *)i))
        return 0;
    return pecan_thread_join(t, 0) == 0;
}

/* Threads that used their struct _reent leave nothing on the heap when they end. */
static void check_release(void)
{
    if (!run_formatter(0))   /* the first thread may set up what later ones reuse */
        fail("thread create", 0, 0);
    size_t before = mallinfo().uordblks;
    for (intptr_t i = 1; i <= LEAK_THREADS; i++)
        if (!run_formatter(i))
            fail("thread create", 0, i);
    size_t after = mallinfo().uordblks;
    if (after != before)
        fail("heap use after threads ended", 0, (long)after - (long)before);
    printf("reentcheck: %d threads formatted numbers and ended: heap use %lu -> %lu bytes\n",
           LEAK_THREADS, (unsigned long)before, (unsigned long)after);
}

int main(void)
{
    make_numbers();
    struct pecan_thread *t[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        if (pecan_thread_create(&t[i], worker, (void *)(intptr_t)(i + 1))) {
            printf("reentcheck: FAILED thread create\n");
            return 1;
        }
    run_checks(0);
    for (int i = 0; i < WORKERS; i++)
        pecan_thread_join(t[i], 0);
    printf("reentcheck: %d threads: errno, numbers, strtok, malloc and lines each their own\n",
           THREADS);
    check_release();
    if (failures) {
        printf("reentcheck: FAILED %d checks\n", failures);
        return 1;
    }
    printf("reentcheck: all checks passed\n");
    return 0;
}
