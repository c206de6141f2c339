/* SPDX-License-Identifier: MIT */
/*
 * The kernel log object: WRITE and the debug operations the tests rely on (clock,
 * counters, invariant checker, lookup timing), with their errors and the WRITE right
 * they need; the console operations (READ, BIND, attributes, window size) with theirs.
 * DEBUG_EXIT is only called short (it would end the run).
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
    /* WRITE and the debug operations need WRITE on the log. */
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

static int log_bind_item(pecan_cap_t log, pecan_cap_t notification, pecan_word_t bits,
                         unsigned item_rights)
{
    struct pecan_message m;
    m.tag = pecan_tag(PECAN_PROTO_LOG, 2, 1);
    m.word[0] = PECAN_LOG_BIND;
    m.word[1] = bits;
    m.word[2] = PECAN_ITEM_CAP | item_rights << PECAN_ITEM_RIGHTS_SHIFT;
    m.word[3] = notification;
    return pecan_error(pecan_ipc_call(log, &m, PECAN_TIMEOUT_NEVER));
}

/* The console operations (pecan/protocol/console.h): attributes kept with the known bits
 * only, 0 by 0 as the window, READ never blocking, the rights each needs, and the errors
 * in the protocol's order. Nothing is typed at the serial line here: READ gives 0. */
UTEST(log_console_operations)
{
    const pecan_cap_t log = PECAN_ROOT_LOG;
    pecan_cap_t ro = slot_alloc(), wo = slot_alloc(), none = slot_alloc();
    REQUIRE(ro && wo && none);
    pecan_word_t flags[3] = { 0 }, saved[3];
    REQUIRE_OK(pecan_log_get_attr(log, saved));
    CHECK_EQ(saved[0] & ~PECAN_CONSOLE_INPUT_FLAGS, 0);
    CHECK_EQ(saved[2] & ~PECAN_CONSOLE_LOCAL_FLAGS, 0);
    pecan_word_t set[3] = { 0xFFFFFFFFu, 0xFFFFFFFFu, PECAN_CONSOLE_ECHO | 0x40000000u };
    CHECK_OK(pecan_log_set_attr(log, set));
    CHECK_OK(pecan_log_get_attr(log, flags));
    CHECK_EQ(flags[0], PECAN_CONSOLE_INPUT_FLAGS);
    CHECK_EQ(flags[1], PECAN_CONSOLE_OUTPUT_FLAGS);
    CHECK_EQ(flags[2], PECAN_CONSOLE_ECHO);
    CHECK_OK(pecan_log_set_attr(log, saved));
    unsigned rows = 7, columns = 7, got = 9, waiting = 9;
    CHECK_OK(pecan_log_window_size(log, &rows, &columns));
    CHECK_EQ(rows, 0);
    CHECK_EQ(columns, 0);
    char bytes[PECAN_LOG_READ_MAX];
    CHECK_OK(pecan_log_read(log, bytes, sizeof(bytes), &got, &waiting));
    CHECK_EQ(got, 0);
    CHECK_EQ(waiting, 0);
    pecan_word_t w[4] = { PECAN_LOG_READ, PECAN_LOG_READ_MAX + 1 };
    CHECK_ERR(log_call(log, 2, w), -PECAN_ERANGE);
    CHECK_ERR(log_call(log, 1, w), -PECAN_EMSGTOOSHORT);
    w[0] = PECAN_LOG_SET_ATTR;
    CHECK_ERR(log_call(log, 3, w), -PECAN_EMSGTOOSHORT);
    w[0] = PECAN_LOG_BIND;
    CHECK_ERR(log_call(log, 1, w), -PECAN_EMSGTOOSHORT);
    /* Rights: READ for READ, BIND, SET_ATTR; WRITE for WRITE; none for the rest. */
    REQUIRE_OK(cap_copy(ro, log, PECAN_RIGHT_READ));
    REQUIRE_OK(cap_copy(wo, log, PECAN_RIGHT_WRITE));
    REQUIRE_OK(cap_copy(none, log, PECAN_RIGHT_GRANT));
    CHECK_ERR(pecan_log_read(wo, bytes, 4, &got, 0), -PECAN_EPERM);
    CHECK_ERR(pecan_log_set_attr(wo, saved), -PECAN_EPERM);
    CHECK_ERR(pecan_log_bind(wo, 0, 0), -PECAN_EPERM);
    CHECK_ERR(pecan_log_write(ro, "x", 1), -PECAN_EPERM);
    CHECK_OK(pecan_log_read(ro, bytes, 4, &got, 0));
    CHECK_OK(pecan_log_get_attr(none, flags));
    CHECK_OK(pecan_log_window_size(none, &rows, &columns));
    CHECK_ERR(pecan_log_read(none, bytes, 4, &got, 0), -PECAN_EPERM);
    CHECK_OK(cap_delete(ro));
    CHECK_OK(cap_delete(wo));
    CHECK_OK(cap_delete(none));
    CHECK_CLEAN();
}

/* BIND: its item's checks, and a bound notification deleted while bound leaves the kernel
 * consistent (the invariant checker looks at the binding). */
UTEST(log_bind)
{
    const pecan_cap_t log = PECAN_ROOT_LOG;
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0), ro_n = slot_alloc();
    pecan_cap_t empty = slot_alloc();
    REQUIRE(n && ro_n && empty);
    REQUIRE_OK(cap_copy(ro_n, n, PECAN_RIGHT_READ));
    CHECK_ERR(log_bind_item(log, empty, 1, PECAN_RIGHTS_ALL), -PECAN_EINVALCAP);
    CHECK_ERR(log_bind_item(log, 0x00ABC000u, 1, PECAN_RIGHTS_ALL), -PECAN_EINVALCAP);
    CHECK_ERR(log_bind_item(log, PECAN_ROOT_THREAD, 1, PECAN_RIGHTS_ALL), -PECAN_ETYPE);
    CHECK_ERR(log_bind_item(log, ro_n, 1, PECAN_RIGHTS_ALL), -PECAN_EPERM);
    CHECK_ERR(log_bind_item(log, n, 1, PECAN_RIGHT_READ), -PECAN_EPERM);   /* item's mask */
    CHECK_ERR(log_bind_item(log, n, 0, PECAN_RIGHTS_ALL), -PECAN_EINVAL);
    struct pecan_message m;
    m.tag = pecan_tag(PECAN_PROTO_LOG, 2, 1);
    m.word[0] = PECAN_LOG_BIND;
    m.word[1] = 1;
    m.word[2] = PECAN_ITEM_MAP;
    m.word[3] = n;
    CHECK_ERR(pecan_error(pecan_ipc_call(log, &m, PECAN_TIMEOUT_NEVER)), -PECAN_EINVALCAP);
    CHECK_OK(log_bind_item(log, n, 4, PECAN_RIGHT_WRITE));
    CHECK_OK(pecan_log_bind(log, n, 8));   /* replaces the one before */
    CHECK_OK(pecan_log_bind(log, 0, 0));   /* unbinds */
    CHECK_OK(pecan_log_bind(log, n, 2));
    CHECK_OK(cap_delete(ro_n));
    CHECK_CLEAN();
    /* Destroyed while bound: the kernel forgets the binding (the checker would report a
     * binding to a destroyed notification), and a new one binds as before. */
    obj_free(n);
    CHECK_CLEAN();
    n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(n);
    CHECK_OK(pecan_log_bind(log, n, 1));
    CHECK_OK(pecan_log_bind(log, 0, 0));
    obj_free(n);
    CHECK_CLEAN();
}
