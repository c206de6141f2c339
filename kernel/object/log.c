/* SPDX-License-Identifier: MIT */
/*
 * The kernel log object: the console of the LOG protocol (pecan/protocol/console.h) on
 * the kernel's UART. WRITE prints bytes packed in the message words; READ takes the
 * bytes typed at the UART (core/console_input.c keeps them) and BIND names the
 * notification told when they come (BIND's optional w2, bits for a new size, is ignored:
 * a serial line never changes size); GET_ATTR / SET_ATTR keep the reader's termios flags;
 * WINDOW_SIZE is 0 by 0 (a serial line). The DEBUG operations expose kernel counters and
 * the invariant checker to test programs, and let a test end the machine with a status.
 *
 * Every operation is checked in the protocol's order: length, opcode, right, then its
 * own arguments (operations[] below holds the first three). The log is one object for
 * the whole system, so its attributes are kernel globals, under the kernel lock.
 */
#include <core/console.h>
#include <core/console_input.h>
#include <core/clock.h>
#include <core/cspace.h>
#include <core/delete.h>
#include <object/notification.h>
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

/* The reader's termios flags (input, output, local), only the known bits. */
static word_t attributes[3] = {
    PECAN_CONSOLE_DEFAULT_INPUT, PECAN_CONSOLE_DEFAULT_OUTPUT, PECAN_CONSOLE_DEFAULT_LOCAL,
};
static const word_t attribute_masks[3] = {
    PECAN_CONSOLE_INPUT_FLAGS, PECAN_CONSOLE_OUTPUT_FLAGS, PECAN_CONSOLE_LOCAL_FLAGS,
};

/* Reply words past the registers go to the UTCB: a caller without one gets what the
 * registers hold. */
static word_t read_limit(const struct invocation *inv)
{
    return thread_utcb(inv->caller) ? PECAN_LOG_READ_MAX : (PECAN_MSG_REGISTERS - 2) * 4;
}

static int decode_read(struct invocation *inv)
{
    word_t wanted = invocation_word(inv, 1);
    if (wanted > PECAN_LOG_READ_MAX)
        return -PECAN_ERANGE;
    if (wanted > read_limit(inv))
        wanted = read_limit(inv);
    char bytes[PECAN_LOG_READ_MAX];
    unsigned n = console_input_take(bytes, (unsigned)wanted);
    invocation_reply(inv, 0, n);
    invocation_reply(inv, 1, console_input_waiting());
    for (unsigned w = 0; w < (n + 3) / 4; w++) {
        word_t packed = 0;
        for (unsigned i = 0; i < 4 && w * 4 + i < n; i++)
            packed |= (word_t)(unsigned char)bytes[w * 4 + i] << (8 * i);
        invocation_reply(inv, 2 + w, packed);
    }
    return 0;
}

/* The notification of item 0 with the rights the item lets through. */
static int lookup_item_notification(struct invocation *inv, struct cte **slot)
{
    word_t kind, index;
    if (!invocation_item(inv, 0, &kind, &index))
        return -PECAN_EINVALCAP;
    if ((kind & PECAN_ITEM_KIND_MASK) != PECAN_ITEM_CAP)
        return -PECAN_EINVALCAP;
    struct cte *n;
    int err = invocation_lookup(inv, index, &n);
    if (err)
        return err;
    if (cap_is_null(&n->cap))
        return -PECAN_EINVALCAP;
    if (n->cap.type != CAP_NOTIFICATION)
        return -PECAN_ETYPE;
    word_t passed = kind >> PECAN_ITEM_RIGHTS_SHIFT;
    if (!cap_has_rights(&n->cap, PECAN_RIGHT_WRITE) || !(passed & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    *slot = n;
    return 0;
}

/* BIND: w1 the bits, item 0 the notification (none: unbind). A w2 (the bits for a new
 * size, pecan/protocol/console.h) is accepted and ignored: a serial line never changes
 * size. */
static int decode_bind(struct invocation *inv)
{
    if (pecan_tag_items(inv->tag) == 0) {
        console_input_bind(NULL, 0);
        return 0;
    }
    struct cte *n;
    int err = lookup_item_notification(inv, &n);
    if (err)
        return err;
    word_t bits = invocation_word(inv, 1) | n->cap.badge;
    if (!bits)
        return -PECAN_EINVAL;
    console_input_bind((struct notification *)(uintptr_t)n->cap.object, bits);
    return 0;
}

static int decode_get_attributes(struct invocation *inv)
{
    for (unsigned i = 0; i < 3; i++)
        invocation_reply(inv, i, attributes[i]);
    return 0;
}

static int decode_set_attributes(struct invocation *inv)
{
    for (unsigned i = 0; i < 3; i++)
        attributes[i] = invocation_word(inv, 1 + i) & attribute_masks[i];
    return 0;
}

static int decode_window_size(struct invocation *inv)
{
    invocation_reply(inv, 0, 0);
    invocation_reply(inv, 1, 0);
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

struct log_operation {
    word_t opcode;
    unsigned words;            /* the message's least length */
    unsigned right;            /* the object right it needs (0: none) */
    int (*decode)(struct invocation *inv);
};

static const struct log_operation operations[] = {
    { PECAN_LOG_WRITE, 2, PECAN_RIGHT_WRITE, decode_write },
    { PECAN_LOG_READ, 2, PECAN_RIGHT_READ, decode_read },
    { PECAN_LOG_BIND, 2, PECAN_RIGHT_READ, decode_bind },
    { PECAN_LOG_GET_ATTR, 1, 0, decode_get_attributes },
    { PECAN_LOG_SET_ATTR, 4, PECAN_RIGHT_READ, decode_set_attributes },
    { PECAN_LOG_WINDOW_SIZE, 1, 0, decode_window_size },
    { PECAN_LOG_DEBUG_STATS, 1, PECAN_RIGHT_WRITE, decode_stats },
    { PECAN_LOG_DEBUG_CHECK, 1, PECAN_RIGHT_WRITE, decode_check },
    { PECAN_LOG_DEBUG_EXIT, 1, PECAN_RIGHT_WRITE, decode_exit },
    { PECAN_LOG_DEBUG_CLOCK, 1, PECAN_RIGHT_WRITE, decode_clock },
    { PECAN_LOG_DEBUG_LOOKUP_BENCH, 1, PECAN_RIGHT_WRITE, decode_lookup_bench },
    { PECAN_LOG_DEBUG_LATENCY, 1, PECAN_RIGHT_WRITE, decode_latency },
};

int log_decode(struct invocation *inv)
{
    word_t opcode = invocation_word(inv, 0);
    for (unsigned i = 0; i < ARRAY_SIZE(operations); i++) {
        const struct log_operation *op = &operations[i];
        if (op->opcode != opcode)
            continue;
        if (inv->length < op->words)
            return -PECAN_EMSGTOOSHORT;
        if (op->right && !cap_has_rights(&inv->slot->cap, op->right))
            return -PECAN_EPERM;
        return op->decode(inv);
    }
    return -PECAN_ENOSYS;
}
