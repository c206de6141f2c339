/* SPDX-License-Identifier: MIT */
/* The LOG protocol client (pecan/log.h) for the kernel log and moe's log objects alike:
 * text goes out in chunks that fit one message. Then the kernel log's debug operations
 * of test builds (counters, invariant checker, clock, exit; pecan/sys.h). */
#include "call.h"

#define CHUNK ((PECAN_MSG_MAX_WORDS - 2) * 4)

int pecan_log_write(pecan_cap_t log, const char *text, unsigned length)
{
    while (length) {
        unsigned n = length < CHUNK ? length : CHUNK;
        pecan_word_t w[PECAN_MSG_MAX_WORDS] = { PECAN_LOG_WRITE, n };
        for (unsigned i = 0; i < n; i++)
            w[2 + i / 4] |= (pecan_word_t)(unsigned char)text[i] << (8 * (i % 4));
        int err = sys_call(log, PECAN_PROTO_LOG, 2 + (n + 3) / 4, w, 0, 0);
        if (err)
            return err;
        text += n;
        length -= n;
    }
    return 0;
}

int pecan_log_puts(pecan_cap_t log, const char *text)
{
    unsigned length = 0;
    while (text[length])
        length++;
    return pecan_log_write(log, text, length);
}

int pecan_debug_stats(pecan_cap_t log, pecan_word_t *preemptions)
{
    pecan_word_t w[] = { PECAN_LOG_DEBUG_STATS };
    return sys_call(log, PECAN_PROTO_LOG, 1, w, preemptions, 1);
}

int pecan_debug_check(pecan_cap_t log, pecan_word_t *problems)
{
    pecan_word_t w[] = { PECAN_LOG_DEBUG_CHECK };
    return sys_call(log, PECAN_PROTO_LOG, 1, w, problems, 1);
}

void pecan_debug_exit(pecan_cap_t log, int status)
{
    pecan_word_t w[] = { PECAN_LOG_DEBUG_EXIT, (pecan_word_t)status };
    sys_call(log, PECAN_PROTO_LOG, 2, w, 0, 0);
    for (;;)
        ;
}

static uint64_t two_words(const pecan_word_t r[2])
{
    return (uint64_t)r[0] | (uint64_t)r[1] << 32;
}

int pecan_debug_clock(pecan_cap_t log, uint64_t *ns)
{
    pecan_word_t w[] = { PECAN_LOG_DEBUG_CLOCK }, r[2] = { 0 };
    int err = sys_call(log, PECAN_PROTO_LOG, 1, w, r, 2);
    *ns = two_words(r);
    return err;
}

int pecan_debug_lookup_bench(pecan_cap_t log, pecan_cap_t index, unsigned iterations,
                             uint64_t *ns)
{
    pecan_word_t w[] = { PECAN_LOG_DEBUG_LOOKUP_BENCH, index, iterations }, r[2] = { 0 };
    int err = sys_call(log, PECAN_PROTO_LOG, 3, w, r, 2);
    *ns = two_words(r);
    return err;
}

int pecan_debug_latency_start(pecan_cap_t log)
{
    pecan_word_t w[] = { PECAN_LOG_DEBUG_LATENCY, 1 };
    return sys_call(log, PECAN_PROTO_LOG, 2, w, 0, 0);
}

int pecan_debug_latency(pecan_cap_t log, struct pecan_latency *out)
{
    pecan_word_t w[] = { PECAN_LOG_DEBUG_LATENCY, 0 }, r[5] = { 0 };
    int err = sys_call(log, PECAN_PROTO_LOG, 2, w, r, 5);
    out->longest_ns = two_words(r);
    out->tag = r[2];
    out->word0 = r[3];
    out->entries = r[4];
    return err;
}
