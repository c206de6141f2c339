/* SPDX-License-Identifier: MIT */
/*
 * The kernel log object (LOG protocol): WRITE prints bytes packed in the message
 * words. The DEBUG operations expose kernel counters and the invariant checker to test
 * programs, and let a test end the machine with a status.
 */
#include <core/console.h>
#include <core/clock.h>
#include <core/cspace.h>
#include <core/delete.h>
#include <object/thread.h>
#include <core/invariants.h>
#include <core/invocation.h>
#include <core/preempt.h>
#include <object/log.h>
#include <plat.h>

static const char log_object;

struct capability log_cap(void)
{
    return (struct capability){
        .type = CAP_LOG,
        .rights = PECAN_RIGHTS_ALL,
        .object = (uintptr_t)&log_object,
    };
}

static int decode_write(struct invocation *inv)
{
    if (inv->length < 2)
        return -PECAN_EMSGTOOSHORT;
    word_t count = invocation_word(inv, 1);
    if (count > (inv->length - 2) * 4)
        return -PECAN_EMSGTOOSHORT;
    char text[(PECAN_MSG_MAX_WORDS - 2) * 4];
    for (word_t i = 0; i < count; i++)
        text[i] = (char)(invocation_word(inv, 2 + i / 4) >> (8 * (i % 4)));
    kprintf("%.*s", (int)count, text);
    return 0;
}

static int decode_stats(struct invocation *inv)
{
    invocation_reply(inv, 0, (word_t)preempt_stops);
    return 0;
}

/* The checker walks every object and capability: a debugging aid whose time grows with
 * the whole kernel state, so it is the one entry the latency measurement leaves out. */
static int decode_check(struct invocation *inv)
{
    latency_exclude();
    invocation_reply(inv, 0, invariants_check());
    return 0;
}

static int decode_clock(struct invocation *inv)
{
    uint64_t now = clock_now_ns();
    invocation_reply(inv, 0, (word_t)now);
    invocation_reply(inv, 1, (word_t)(now >> 32));
    return 0;
}

/* Times the capability lookup alone (under -icount, nanoseconds are instructions): the
 * loop with the lookup minus the same loop without it. At most
 * PECAN_LOG_LOOKUP_BENCH_MAX iterations, so the entry stays short. */
static int decode_lookup_bench(struct invocation *inv)
{
    if (inv->length < 3)
        return -PECAN_EMSGTOOSHORT;
    word_t index = invocation_word(inv, 1);
    word_t iterations = invocation_word(inv, 2);
    if (iterations > PECAN_LOG_LOOKUP_BENCH_MAX)
        return -PECAN_ERANGE;
    const struct capability *root = thread_cspace_root(inv->caller);
    struct cte *slot = NULL;
    uint64_t start = clock_now_ns();
    for (word_t i = 0; i < iterations; i++) {
        if (cspace_lookup(root, index, &slot) != 0)
            return -PECAN_EINVALCAP;
        __asm__ volatile("" : : "r"(slot) : "memory");
    }
    uint64_t middle = clock_now_ns();
    for (word_t i = 0; i < iterations; i++)
        __asm__ volatile("" : : "r"(slot) : "memory");
    uint64_t end = clock_now_ns();
    uint64_t loop = end - middle, spent = middle - start;
    spent = spent > loop ? spent - loop : 0;
    invocation_reply(inv, 0, (word_t)spent);
    invocation_reply(inv, 1, (word_t)(spent >> 32));
    return 0;
}

/* w1 = 1: start measuring (core/preempt.h); 0: the longest entry so far. */
static int decode_latency(struct invocation *inv)
{
    if (inv->length < 2)
        return -PECAN_EMSGTOOSHORT;
    if (invocation_word(inv, 1) != 0) {
        latency_reset();
        return 0;
    }
    struct latency_report r;
    latency_read(&r);
    invocation_reply(inv, 0, (word_t)r.longest_ns);
    invocation_reply(inv, 1, (word_t)(r.longest_ns >> 32));
    invocation_reply(inv, 2, r.tag);
    invocation_reply(inv, 3, r.word0);
    invocation_reply(inv, 4, r.entries);
    return 0;
}

static int decode_exit(struct invocation *inv)
{
    if (inv->length < 2)
        return -PECAN_EMSGTOOSHORT;
    plat_poweroff((int)invocation_word(inv, 1));
}

int log_decode(struct invocation *inv)
{
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    switch (invocation_word(inv, 0)) {
    case PECAN_LOG_WRITE: return decode_write(inv);
    case PECAN_LOG_DEBUG_STATS: return decode_stats(inv);
    case PECAN_LOG_DEBUG_CHECK: return decode_check(inv);
    case PECAN_LOG_DEBUG_EXIT: return decode_exit(inv);
    case PECAN_LOG_DEBUG_CLOCK: return decode_clock(inv);
    case PECAN_LOG_DEBUG_LOOKUP_BENCH: return decode_lookup_bench(inv);
    case PECAN_LOG_DEBUG_LATENCY: return decode_latency(inv);
    default: return -PECAN_ENOSYS;
    }
}
