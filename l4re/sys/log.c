/* SPDX-License-Identifier: MIT */
/* The LOG protocol client (pecan/log.h) for the kernel log, moe's log objects and a
 * terminal alike: text goes out in chunks that fit one message; input comes in READs of at
 * most PECAN_LOG_READ_MAX bytes. Then the kernel log's debug operations of test builds
 * (counters, invariant checker, clock, exit; pecan/sys.h). */
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

int pecan_log_read(pecan_cap_t log, char *buffer, unsigned max, unsigned *got,
                   unsigned *waiting)
{
    *got = 0;
    if (max > PECAN_LOG_READ_MAX)
        max = PECAN_LOG_READ_MAX;
    pecan_word_t w[] = { PECAN_LOG_READ, max }, r[PECAN_MSG_MAX_WORDS] = { 0 };
    int err = sys_call(log, PECAN_PROTO_LOG, 2, w, r, 2 + (max + 3) / 4);
    if (err)
        return err;
    /* The console's count is checked: a server answering more than was asked for gives
     * only what fits. */
    unsigned n = r[0] < max ? (unsigned)r[0] : max;
    for (unsigned i = 0; i < n; i++)
        buffer[i] = (char)(r[2 + i / 4] >> (8 * (i % 4)));
    *got = n;
    if (waiting)
        *waiting = (unsigned)r[1];
    return 0;
}

/* BIND with `words` words (2, or 3 with the resize bits) and the notification as item. */
static int bind(pecan_cap_t log, pecan_cap_t notification, pecan_word_t bits,
                pecan_word_t resize_bits, unsigned words)
{
    struct pecan_message m;
    m.word[0] = PECAN_LOG_BIND;
    m.word[1] = bits;
    m.word[2] = resize_bits;
    unsigned items = 0;
    if (notification) {
        m.word[words] = PECAN_ITEM_CAP | PECAN_RIGHT_WRITE << PECAN_ITEM_RIGHTS_SHIFT;
        m.word[words + 1] = notification;
        items = 1;
    }
    m.tag = pecan_tag(PECAN_PROTO_LOG, words, items);
    return pecan_error(pecan_ipc_call(log, &m, PECAN_TIMEOUT_NEVER));
}

int pecan_log_bind(pecan_cap_t log, pecan_cap_t notification, pecan_word_t bits)
{
    return bind(log, notification, bits, 0, 2);
}

int pecan_log_bind_resize(pecan_cap_t log, pecan_cap_t notification, pecan_word_t bits,
                          pecan_word_t resize_bits)
{
    return bind(log, notification, bits, resize_bits, 3);
}

int pecan_log_get_attr(pecan_cap_t log, pecan_word_t flags[3])
{
    pecan_word_t w[] = { PECAN_LOG_GET_ATTR };
    flags[0] = flags[1] = flags[2] = 0;
    return sys_call(log, PECAN_PROTO_LOG, 1, w, flags, 3);
}

int pecan_log_set_attr(pecan_cap_t log, const pecan_word_t flags[3])
{
    pecan_word_t w[] = { PECAN_LOG_SET_ATTR, flags[0], flags[1], flags[2] };
    return sys_call(log, PECAN_PROTO_LOG, 4, w, 0, 0);
}

int pecan_log_window_size(pecan_cap_t log, unsigned *rows, unsigned *columns)
{
    pecan_word_t w[] = { PECAN_LOG_WINDOW_SIZE }, r[2] = { 0 };
    int err = sys_call(log, PECAN_PROTO_LOG, 1, w, r, 2);
    *rows = (unsigned)r[0];
    *columns = (unsigned)r[1];
    return err;
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
