/* SPDX-License-Identifier: MIT */
/*
 * The kernel log object: WRITE and the debug operations the tests rely on (clock,
 * counters, invariant checker, lookup timing), with their errors and the WRITE right
 * they need. DEBUG_EXIT is only called short (it would end the run).
 */
#include "captest.h"

static int log_call(pecan_cap_t log, unsigned n, pecan_word_t *w)
{
    return pecan_call(log, PECAN_PROTO_LOG, n, w, 0, 0);
}

UTEST(log_write_and_errors)
{
    pecan_cap_t ro = slot_alloc();
    REQUIRE(ro);
    const pecan_cap_t log = PECAN_ROOT_LOG;
    CHECK_OK(pecan_log_write(log, "# log: hello\n", 13));
    pecan_word_t w[4] = { PECAN_LOG_WRITE, 9, 0x72772023, 0x0a657469 };   /* "# write\n" */
    CHECK_ERR(log_call(log, 1, w), -PECAN_EMSGTOOSHORT);
    CHECK_ERR(log_call(log, 4, w), -PECAN_EMSGTOOSHORT);   /* 9 bytes in 2 words */
    w[1] = 8;
    CHECK_OK(log_call(log, 4, w));
    w[0] = 99;
    CHECK_ERR(log_call(log, 1, w), -PECAN_ENOSYS);
    w[0] = PECAN_LOG_DEBUG_EXIT;
    CHECK_ERR(log_call(log, 1, w), -PECAN_EMSGTOOSHORT);
    w[0] = PECAN_LOG_WRITE;
    CHECK_ERR(pecan_call(log, PECAN_PROTO_CNODE, 4, w, 0, 0), -PECAN_EBADPROTO);
    /* Everything needs WRITE on the log. */
    REQUIRE_OK(cap_copy(ro, log, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    CHECK_ERR(pecan_log_write(ro, "x", 1), -PECAN_EPERM);
    pecan_word_t problems = 0;
    CHECK_ERR(pecan_debug_check(ro, &problems), -PECAN_EPERM);
    CHECK_OK(cap_delete(ro));
}

UTEST(log_debug_operations)
{
    const pecan_cap_t log = PECAN_ROOT_LOG;
    uint64_t a = 0, b = 0, spent = 0;
    CHECK_OK(pecan_debug_clock(log, &a));
    spin_us(2000);
    CHECK_OK(pecan_debug_clock(log, &b));
    CHECK(b >= a + 2000000);
    pecan_word_t problems = 1, stops = 0;
    CHECK_OK(pecan_debug_check(log, &problems));
    CHECK_EQ(problems, 0);
    CHECK_OK(pecan_debug_stats(log, &stops));
    /* The kernel subtracts the time of an empty loop as long, so a measurement where the
     * host held the vCPU up in that loop comes out 0: one of a few is positive. */
    for (unsigned i = 0; i < 20 && spent == 0; i++)
        CHECK_OK(pecan_debug_lookup_bench(log, PECAN_ROOT_THREAD, 1000, &spent));
    CHECK(spent > 0);
    CHECK_ERR(pecan_debug_lookup_bench(log, 0x00ABC000u, 10, &spent), -PECAN_EINVALCAP);
    /* Bounded, so that the call is a short kernel entry (docs/abi.md). */
    CHECK_OK(pecan_debug_lookup_bench(log, PECAN_ROOT_THREAD, PECAN_LOG_LOOKUP_BENCH_MAX, &spent));
    CHECK_ERR(pecan_debug_lookup_bench(log, PECAN_ROOT_THREAD, PECAN_LOG_LOOKUP_BENCH_MAX + 1,
                                       &spent), -PECAN_ERANGE);
    pecan_word_t w[] = { PECAN_LOG_DEBUG_LOOKUP_BENCH, PECAN_ROOT_THREAD };
    CHECK_ERR(pecan_call(log, PECAN_PROTO_LOG, 2, w, 0, 0), -PECAN_EMSGTOOSHORT);
}
