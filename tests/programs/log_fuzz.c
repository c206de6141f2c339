/* SPDX-License-Identifier: MIT */
/*
 * log-fuzz: the fuzz target of moe's log objects (the LOG protocol with input,
 * pecan/protocol/console.h), run as moe's init program. Through a factory of its own it
 * makes an input log (PECAN_LOG_INPUT) and a plain one and sends MESSAGES malformed
 * messages to them: opcodes (the protocol's and others), lengths 0-12 words, random words,
 * up to two capability items from the hostile pool (pecan/testkit.h). Each answer is
 * judged against the protocol's rules (length, opcode, right, arguments, in that order);
 * valid WRITEs are never sent (they would print noise), so a WRITE is always too short or
 * too long. Afterwards both logs still work, and once they are gone the factory's use and
 * moe's free memory are back exactly where they were. Prints "log-fuzz: N messages, R
 * refused, J judged right, B bound: moe intact, accounting exact", or FAILED.
 */
#include <pecan/factory.h>
#include <pecan/log.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/testkit.h>
#include <stdio.h>

#define MESSAGES 100000u
#define SETTLE_TRIES 300u
#define MOE_READ_REPLY_MAX 216u   /* what one READ reply of moe's holds */

static struct testkit_rig rig;
static struct testkit_pool pool;
static pecan_cap_t logs[2];      /* [0] input, [1] plain */

struct tally {
    unsigned refused, judged, bound, wrong;
};

static unsigned operation_words(pecan_word_t op)
{
    switch (op) {
    case PECAN_LOG_WRITE: case PECAN_LOG_READ: case PECAN_LOG_BIND: return 2;
    case PECAN_LOG_SET_ATTR: return 4;
    case PECAN_LOG_GET_ATTR: case PECAN_LOG_WINDOW_SIZE: return 1;
    default: return 0;
    }
}

static bool needs_input(pecan_word_t op)
{
    return op == PECAN_LOG_READ || op == PECAN_LOG_BIND || op == PECAN_LOG_SET_ATTR;
}

/* What the answer must be, or 1 when several are right (a BIND with an item: what
 * arrives depends on the item's rights, judged in judge_bind). */
static int expected(const struct pecan_message *m, unsigned words, unsigned items, bool input)
{
    if (words == 0)
        return -PECAN_EMSGTOOSHORT;
    pecan_word_t op = m->word[0];
    unsigned need = operation_words(op);
    if (!need)
        return -PECAN_ENOSYS;
    if (words < need)
        return -PECAN_EMSGTOOSHORT;
    if (needs_input(op) && !input)
        return -PECAN_EPERM;
    if (op == PECAN_LOG_WRITE)
        return m->word[1] > (PECAN_UTCB_MESSAGE_WORDS - 2) * 4 ? -PECAN_ERANGE
                                                               : -PECAN_EMSGTOOSHORT;
    if (op == PECAN_LOG_READ && m->word[1] > PECAN_LOG_READ_MAX)
        return -PECAN_ERANGE;
    if (op == PECAN_LOG_BIND && items)
        return 1;
    return 0;
}

/* BIND with an item (item 0 after the words): only the pool's notification sent with
 * WRITE and bits not 0 binds; anything else is refused with one of the BIND errors. */
static bool judge_bind(const struct pecan_message *sent, unsigned words, int result)
{
    bool notification = sent->word[words + 1] == pool.cap[2];
    bool write = (sent->word[words] >> PECAN_ITEM_RIGHTS_SHIFT) & PECAN_RIGHT_WRITE;
    if (result == 0)
        return notification && write && sent->word[1] != 0;
    return result == -PECAN_EINVALCAP || result == -PECAN_ETYPE || result == -PECAN_EPERM ||
           result == -PECAN_EINVAL;
}

/* A WRITE that cannot be valid: its count beyond what the words hold. */
static void spoil_write(struct pecan_message *m, unsigned words)
{
    if (words >= 2 && m->word[0] == PECAN_LOG_WRITE && m->word[1] <= (words - 2) * 4)
        m->word[1] = (words - 2) * 4 + 1 + testkit_random32() % 300;
}

static pecan_word_t random_word(void)
{
    unsigned pick = testkit_random32() % 4;
    return pick == 0 ? testkit_random32() : pick == 1 ? testkit_random32() % 300
                                                      : testkit_random32() % 8;
}

static int fuzz_one(struct tally *t)
{
    struct pecan_message m, sent;
    unsigned which = testkit_random32() & 1;
    unsigned words = testkit_random32() % 13, items = testkit_random32() % 3;
    for (unsigned i = 0; i < words; i++)
        m.word[i] = random_word();
    if (words && (testkit_random32() & 7) == 0)
        m.word[0] = testkit_random32();
    spoil_write(&m, words);
    testkit_add_items(&m, words, items, &pool);
    bool wrong_label = (testkit_random32() & 15) == 0;
    m.tag = pecan_tag(wrong_label ? (int)(int16_t)testkit_random32() : PECAN_PROTO_LOG, words,
                      items);
    sent = m;
    struct pecan_reply r;
    bool got_cap;
    int err = testkit_call(logs[which], &m, TESTKIT_ANSWER_US, rig.landing, &r, &got_cap);
    if (err)
        return err;
    int result = pecan_tag_label(r.tag);
    t->refused += result < 0;
    if (wrong_label && pecan_tag_label(sent.tag) != PECAN_PROTO_LOG)
        return got_cap ? -PECAN_EINVAL : 0;   /* another protocol: any refusal will do */
    int want = expected(&sent, words, items, which == 0);
    bool right = want == 1 ? judge_bind(&sent, words, result) : result == want;
    if (right) {
        t->judged++;
        t->bound += want == 1 && result == 0;
    } else if (t->wrong++ < 5) {
        printf("log-fuzz: op %u, %u words, %u items to the %s log: %d, expected %d (FAILED)\n",
               words ? (unsigned)sent.word[0] : 0u, words, items, which ? "plain" : "input",
               result, want);
    }
    return got_cap ? -PECAN_EINVAL : 0;   /* a log never answers with a capability */
}

/* Both logs still answer as the protocol says. */
static bool logs_work(void)
{
    pecan_word_t flags[3];
    unsigned got = 9, rows = 9, columns = 9;
    char bytes[8];
    return pecan_log_get_attr(logs[0], flags) == 0 && pecan_log_get_attr(logs[1], flags) == 0 &&
           pecan_log_read(logs[0], bytes, sizeof(bytes), &got, 0) == 0 &&
           pecan_log_read(logs[1], bytes, sizeof(bytes), &got, 0) == -PECAN_EPERM &&
           pecan_log_window_size(logs[0], &rows, &columns) == 0 && rows == 0 &&
           pecan_log_write(logs[1], "log-fuzz: the plain log still writes\n", 37) == 0;
}

static int start(void)
{
    int err = testkit_rig_init(&rig, 1u << 20);
    if (!err)
        err = pecan_cap_alloc(&logs[0]);
    if (!err)
        err = pecan_cap_alloc(&logs[1]);
    if (!err)
        err = testkit_pool_init(&pool, rig.clients);
    return err;
}

static int make_logs(void)
{
    int err = pecan_factory_create_log(rig.clients, 2 | PECAN_LOG_INPUT, "fuzz-in", logs[0]);
    if (!err)
        err = pecan_factory_create_log(rig.clients, 3, "fuzz-plain", logs[1]);
    if (!err)
        err = testkit_pool_add(&pool, logs[0]);
    if (!err)
        err = testkit_pool_add(&pool, logs[1]);
    return err;
}

int main(void)
{
    testkit_seed(0x6C6F6721u);
    int err = start();
    struct testkit_watch watch = { .moe_free = true, .factory_count = 1,
                                   .factory = { rig.clients }, .factory_name = { "clients" } };
    struct testkit_accounts before = testkit_measure(&watch), after;
    if (!err)
        err = before.error;
    if (!err)
        err = make_logs();
    if (err) {
        printf("log-fuzz: setting up: error %d (FAILED)\n", err);
        return 100;
    }
    struct tally t = { 0 };
    unsigned sent = 0;
    for (; sent < MESSAGES && !err; sent++)
        err = fuzz_one(&t);
    if (err) {
        printf("log-fuzz: message %u: error %d (FAILED)\n", sent, err);
        return 1;
    }
    if (t.wrong) {
        printf("log-fuzz: %u answers not as the protocol says (FAILED)\n", t.wrong);
        return 1;
    }
    if (!logs_work()) {
        printf("log-fuzz: the logs no longer answer right (FAILED)\n");
        return 1;
    }
    /* The pool's copies and ours go: moe ends both logs. */
    pecan_cap_release(logs[0]);
    pecan_cap_release(logs[1]);
    pool.count -= 2;
    pecan_cap_release(pool.cap[pool.count]);
    pecan_cap_release(pool.cap[pool.count + 1]);
    if (!testkit_settle(&watch, &before, SETTLE_TRIES, &after)) {
        testkit_print_accounts("log-fuzz", &watch, &before, &after, true);
        return 1;
    }
    printf("log-fuzz: %u messages, %u refused, %u judged right, %u bound: moe intact, "
           "accounting exact\n", sent, t.refused, t.judged, t.bound);
    return 0;
}
