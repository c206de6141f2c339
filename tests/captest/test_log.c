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

/* ---- 100,000 malformed LOG messages, each answer judged against the protocol ---- */

#define LOG_FUZZ_CALLS 100000u

struct log_fuzz {
    uint32_t random;
    pecan_cap_t logs[4];          /* all rights, READ, WRITE, neither */
    pecan_cap_t items[5];         /* a notification, it without WRITE, a thread, empty, junk */
    unsigned judged, refused, bound, wrong;
};

static unsigned log_op_words(pecan_word_t op)
{
    switch (op) {
    case PECAN_LOG_WRITE: case PECAN_LOG_READ: case PECAN_LOG_BIND: return 2;
    case PECAN_LOG_SET_ATTR: return 4;
    case PECAN_LOG_GET_ATTR: case PECAN_LOG_WINDOW_SIZE: return 1;
    default: return 0;
    }
}

static unsigned log_op_right(pecan_word_t op)
{
    if (op == PECAN_LOG_WRITE)
        return PECAN_RIGHT_WRITE;
    if (op == PECAN_LOG_READ || op == PECAN_LOG_BIND || op == PECAN_LOG_SET_ATTR)
        return PECAN_RIGHT_READ;
    return 0;
}

static const unsigned log_fuzz_rights[4] = {
    PECAN_RIGHTS_ALL, PECAN_RIGHT_READ, PECAN_RIGHT_WRITE, PECAN_RIGHT_GRANT,
};

/* BIND's answer for item 0 (its words at len, len + 1); -1000: any refusal will do. */
static int log_fuzz_bind(const struct log_fuzz *f, const struct pecan_message *m, unsigned len,
                         unsigned items)
{
    if (!items)
        return 0;
    if (len + 2 > PECAN_MSG_MAX_WORDS)
        return -PECAN_EINVALCAP;
    pecan_word_t kind = m->word[len], index = m->word[len + 1];
    if ((kind & PECAN_ITEM_KIND_MASK) != PECAN_ITEM_CAP || index == f->items[3])
        return -PECAN_EINVALCAP;
    if (index == f->items[2])
        return -PECAN_ETYPE;
    if (index == f->items[1])
        return -PECAN_EPERM;
    if (index != f->items[0])
        return -1000;
    if (!((kind >> PECAN_ITEM_RIGHTS_SHIFT) & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    return m->word[1] ? 0 : -PECAN_EINVAL;
}

static int log_fuzz_expected(const struct log_fuzz *f, const struct pecan_message *m,
                             unsigned which, unsigned len, unsigned items)
{
    if (len == 0)
        return -PECAN_EMSGTOOSHORT;
    pecan_word_t op = m->word[0];
    unsigned need = log_op_words(op);
    if (!need)
        return -PECAN_ENOSYS;
    if (len < need)
        return -PECAN_EMSGTOOSHORT;
    unsigned right = log_op_right(op);
    if (right && !(log_fuzz_rights[which] & right))
        return -PECAN_EPERM;
    if (op == PECAN_LOG_WRITE)
        return -PECAN_EMSGTOOSHORT;   /* log_fuzz_one sends no valid WRITE */
    if (op == PECAN_LOG_READ)
        return m->word[1] > PECAN_LOG_READ_MAX ? -PECAN_ERANGE : 0;
    if (op == PECAN_LOG_BIND)
        return log_fuzz_bind(f, m, len, items);
    return 0;
}

static pecan_word_t log_fuzz_word(struct log_fuzz *f)
{
    uint32_t pick = xorshift32(&f->random) % 4;
    return pick == 0 ? xorshift32(&f->random) : pick == 1 ? xorshift32(&f->random) % 300
                                                          : xorshift32(&f->random) % 8;
}

static void log_fuzz_one(struct log_fuzz *f)
{
    struct pecan_message m = { 0 };
    unsigned which = xorshift32(&f->random) % 4;
    unsigned len = xorshift32(&f->random) % 10, items = xorshift32(&f->random) % 3;
    if ((xorshift32(&f->random) & 15) == 0)
        len = 55 + xorshift32(&f->random) % 9;   /* items that do not fit */
    for (unsigned i = 0; i < len; i++)
        m.word[i] = log_fuzz_word(f);
    if (len && m.word[0] >= PECAN_LOG_DEBUG_STATS && m.word[0] < PECAN_LOG_DEBUG_STATS + 16)
        m.word[0] = 6;   /* the debug operations stay out: one would end the run */
    if (len >= 2 && m.word[0] == PECAN_LOG_WRITE && m.word[1] <= (len - 2) * 4)
        m.word[1] = (len - 2) * 4 + 1 + xorshift32(&f->random) % 100;   /* never prints */
    for (unsigned i = 0; i < items && len + 2 * i + 1 < PECAN_UTCB_MESSAGE_WORDS; i++) {
        uint32_t kind = (xorshift32(&f->random) & 7) ? PECAN_ITEM_CAP : xorshift32(&f->random) & 0xF;
        m.word[len + 2 * i] = kind | (xorshift32(&f->random) & 0xF) << PECAN_ITEM_RIGHTS_SHIFT;
        m.word[len + 2 * i + 1] = f->items[xorshift32(&f->random) % 5];
    }
    bool wrong_label = (xorshift32(&f->random) & 31) == 0;
    m.tag = pecan_tag(wrong_label ? PECAN_PROTO_CNODE : PECAN_PROTO_LOG, len, items);
    struct pecan_message sent = m;
    int result = pecan_error(pecan_ipc_call(f->logs[which], &m, PECAN_TIMEOUT_NEVER));
    int want = wrong_label ? -PECAN_EBADPROTO
                           : log_fuzz_expected(f, &sent, which, len, items);
    f->refused += result < 0;
    bool right = want == -1000 ? result < 0 : result == want;
    if (right && result == 0 && len && sent.word[0] == PECAN_LOG_READ)
        right = m.word[0] == 0;   /* nothing is typed during the test */
    if (right) {
        f->judged++;
        f->bound += len && sent.word[0] == PECAN_LOG_BIND && items && result == 0;
    } else if (f->wrong++ < 5) {
        ut_fail(__FILE__, __LINE__, "log fuzz: op %u, %u words, %u items, log %u: %d, expected %d",
                len ? (unsigned)sent.word[0] : 0u, len, items, which, result, want);
    }
}

UTEST(log_fuzz)
{
    struct log_fuzz f = { .random = 0x1F2E3D4Cu };
    pecan_word_t saved[3];
    REQUIRE_OK(pecan_log_get_attr(PECAN_ROOT_LOG, saved));
    f.logs[0] = PECAN_ROOT_LOG;
    for (unsigned i = 1; i < 4; i++) {
        f.logs[i] = slot_alloc();
        REQUIRE(f.logs[i]);
        REQUIRE_OK(cap_copy(f.logs[i], PECAN_ROOT_LOG, log_fuzz_rights[i]));
    }
    f.items[0] = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    f.items[1] = slot_alloc();
    f.items[2] = PECAN_ROOT_THREAD;
    f.items[3] = slot_alloc();
    f.items[4] = 0x00ABC000u;
    REQUIRE(f.items[0] && f.items[1] && f.items[3]);
    REQUIRE_OK(cap_copy(f.items[1], f.items[0], PECAN_RIGHT_READ));
    for (unsigned i = 0; i < LOG_FUZZ_CALLS; i++)
        log_fuzz_one(&f);
    CHECK_EQ(f.wrong, 0);
    CHECK_EQ(f.judged, LOG_FUZZ_CALLS);
    CHECK(f.bound > 0);
    pecan_printf("# log fuzz: %u messages, %u refused, %u judged right, %u bound\n",
                    LOG_FUZZ_CALLS, f.refused, f.judged, f.bound);
    CHECK_OK(pecan_log_set_attr(PECAN_ROOT_LOG, saved));
    CHECK_CLEAN();
    CHECK_OK(cap_delete(f.items[1]));
    obj_free(f.items[0]);   /* still bound, maybe: the kernel forgets it */
    CHECK_CLEAN();
    for (unsigned i = 1; i < 4; i++)
        CHECK_OK(cap_delete(f.logs[i]));
    CHECK_CLEAN();
}
