/* SPDX-License-Identifier: MIT */
/*
 * moefuzz's messages (fuzz.h): for a target, a message in the layout of one of its
 * protocol's opcodes (the tables in l4re/include/pecan/protocol/ and pecan/protocols.h;
 * every protocol number and error code from pecan/protocol_numbers.h and pecan/errors.h),
 * its arguments drawn from grids of boundary values (offsets and sizes around the page
 * and the object's size, addresses around the play area and the environment's layout,
 * every flag, names of every length with every awkward byte), its items capabilities of
 * the right kind or the wrong one; then, now and then, mutated: cut short, made long,
 * items dropped, added or of the wrong type, the label of another protocol, tag flags
 * nobody defined. Last, messages to the worker's own environment are made safe (it must
 * outlive the run to check its accounting).
 *
 * The grids are tuned so most messages pass the argument checks and reach the code
 * behind them: a random word almost never does.
 */
#include <string.h>
#include <pecan/env.h>
#include <pecan/errors.h>
#include <pecan/protocol/dataspace.h>
#include <pecan/protocol/factory.h>
#include <pecan/protocol/iomem.h>
#include <pecan/protocol/namespace.h>
#include <pecan/protocol/parent.h>
#include <pecan/protocol/region_map.h>
#include <pecan/protocol/task.h>
#include <pecan/protocols.h>
#include "fuzz.h"

#define INVALID_OPCODES 4u        /* opcodes just past the valid ones */
#define NAME_OVERLONG 8u          /* name lengths up to PECAN_NAME_MAX + this */
#define SHORT_NAME 16u
#define LOG_TAG_OVERLONG 4u
#define FACTORY_NAME_OVERLONG 4u
#define MAX_ITEMS 4u
#define REPORT_ODDS 20000u        /* a memory report (many log lines) once in this many */
#define VALID_LOG_WRITE_ODDS 64u  /* a real line in the console once in this many */
#define LIST_INDEX_MAX 600u       /* past moe's 512 entries */
#define UTCB_PROBE_SLOTS 4u
#define EXCEPTION_WORDS 18u       /* kind, r0-r12, sp, lr, pc, cpsr */

/* ---- randomness -------------------------------------------------------------------------- */

void rng_seed(struct rng *r, uint32_t seed, unsigned party, uint32_t step)
{
    /* Golden-ratio and MurmurHash3 constants spread parties and steps over the state. */
    uint32_t s = seed ^ (0x9E3779B9u * (party + 1)) ^ (0x85EBCA6Bu * step);
    r->state = s ? s : 1;
    for (unsigned i = 0; i < 8; i++)
        rng_next(r);
}

uint32_t rng_next(struct rng *r)
{
    uint32_t x = r->state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return r->state = x;
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
    return n ? rng_next(r) % n : 0;
}

bool rng_percent(struct rng *r, unsigned percent)
{
    return rng_below(r, 100) < percent;
}

#define PICK(r, array) ((array)[rng_below((r), sizeof(array) / sizeof((array)[0]))])

/* ---- grids ------------------------------------------------------------------------------- */

static const pecan_word_t word_edges[] = {
    0, 1, 2, 3, 4, FUZZ_PAGE - 1, FUZZ_PAGE, FUZZ_PAGE + 1, 0x10000, 0x100000, 0x7FFFFFFF,
    0x80000000, 0x80001000, 0xFFFFF000, 0xFFFFFFFE, 0xFFFFFFFF,
};

pecan_word_t grid_offset(struct rng *r, pecan_word_t size)
{
    switch (rng_below(r, 9)) {
    case 0: return 0;
    case 1: return size - 1;
    case 2: return size;
    case 3: return size + 1;
    case 4: return size - FUZZ_PAGE;
    case 5: return rng_below(r, size / FUZZ_PAGE + 1) * FUZZ_PAGE;
    case 6: return rng_below(r, size + 1);
    case 7: return PICK(r, word_edges);
    default: return rng_next(r);
    }
}

pecan_word_t grid_size(struct rng *r, pecan_word_t size)
{
    switch (rng_below(r, 10)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return FUZZ_PAGE;
    case 3: return size;
    case 4: return size - FUZZ_PAGE;
    case 5: return size + FUZZ_PAGE;
    case 6: return 2 * size;
    case 7: return (1 + rng_below(r, size / FUZZ_PAGE + 1)) * FUZZ_PAGE;
    case 8: return PICK(r, word_edges);
    default: return rng_next(r);
    }
}

/* Addresses of a task's space: the play area, the edges of the environment's layout, the
 * kernel's half, unaligned ones. */
static pecan_word_t grid_address(struct fuzz_context *c)
{
    static const pecan_word_t layout[] = {
        0, FUZZ_PAGE, PECAN_ENV_IMAGE_BASE, PECAN_ENV_HEAP_BASE, PECAN_ENV_FREE_BASE,
        PECAN_ENV_FREE_LIMIT - FUZZ_PAGE, PECAN_ENV_STACK_TOP - FUZZ_PAGE,
        PECAN_ENV_UTCB_AREA, PECAN_ENV_PAGE, 0xBFFFF000, 0xC0000000, 0xFFFF0000, 0xFFFFF000,
    };
    struct rng *r = c->rng;
    pecan_word_t in_play = c->play_base + rng_below(r, c->play_size / FUZZ_PAGE) * FUZZ_PAGE;
    switch (rng_below(r, 8)) {
    case 0: case 1: case 2: return in_play;
    case 3: return in_play + 1 + rng_below(r, FUZZ_PAGE - 1);
    case 4: return c->play_base - FUZZ_PAGE;
    case 5: return c->play_base + c->play_size;
    case 6: return PICK(r, layout);
    default: return rng_next(r);
    }
}

static pecan_word_t grid_rights(struct rng *r)
{
    static const pecan_word_t rights[] = {
        0, PECAN_MAP_READ, PECAN_MAP_WRITE, PECAN_MAP_READ | PECAN_MAP_WRITE,
        PECAN_MAP_READ | PECAN_MAP_EXECUTE, PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_MAP_EXECUTE,
        PECAN_MAP_UNCACHED | PECAN_MAP_READ,
    };
    return rng_percent(r, 90) ? PICK(r, rights) : rng_next(r);
}

static pecan_word_t grid_rm_flags(struct rng *r)
{
    static const pecan_word_t extra[] = {
        0, PECAN_RM_SEARCH_ADDRESS, PECAN_RM_EAGER_MAP,
        PECAN_RM_SEARCH_ADDRESS | PECAN_RM_EAGER_MAP,
    };
    return rng_percent(r, 90) ? grid_rights(r) | PICK(r, extra) : rng_next(r);
}

/* ---- building ---------------------------------------------------------------------------- */

struct build {
    struct fuzz_context *c;
    struct fuzz_message *m;
    pecan_word_t items[2 * MAX_ITEMS];
    unsigned item_count;
};

static void put(struct build *b, pecan_word_t value)
{
    if (b->m->words < PECAN_UTCB_MESSAGE_WORDS - 2 * MAX_ITEMS)
        b->m->w[b->m->words++] = value;
}

/* A capability of kind k for an item: mostly one of that kind (made by any party), the
 * worker's own environment only when the target is private; else an empty slot, any
 * index, or one of another kind. */
static void put_cap_item(struct build *b, enum kind k, bool allow_private)
{
    struct fuzz_context *c = b->c;
    struct rng *r = c->rng;
    pecan_word_t cap;
    unsigned n = rng_below(r, 100);
    if (n < 70)
        cap = c->pick(c->owner, k, allow_private);
    else if (n < 80 && c->empty_count)
        cap = c->empty_caps[rng_below(r, c->empty_count)];
    else if (n < 88)
        cap = allow_private ? rng_below(r, 1u << PECAN_ENV_CNODE_BITS)
                            : c->never_used_from +
                                  rng_below(r, (1u << PECAN_ENV_CNODE_BITS) - c->never_used_from);
    else
        cap = c->pick(c->owner, K_COUNT, allow_private);
    if (b->item_count == MAX_ITEMS)
        return;
    unsigned rights = rng_percent(r, 80) ? PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT
                                         : rng_below(r, 16);
    b->items[2 * b->item_count] = PECAN_ITEM_CAP | (rights << PECAN_ITEM_RIGHTS_SHIFT);
    b->items[2 * b->item_count + 1] = cap;
    b->item_count++;
}

/* A name of the next length in turn (0 to past the limit), with awkward bytes now and
 * then: '/', NUL, 0xFF, ".", "..". Puts the length word (unless length_word is false)
 * and the packed bytes. */
static void put_name(struct build *b, unsigned max, bool length_word)
{
    /* Names that exist somewhere: rom's files, the board's entries, the fuzz's own. */
    static const char *const known[] = {
        "moefuzz.elf", "moe.elf", "w0.factory", "w1.ds", "w2.ns", "w3.task", "w0.rm",
        "w1.sub.factory", "w2.contig.ds", "w3.log", "rom/moefuzz.elf", "a", "ab",
    };
    struct rng *r = b->c->rng;
    unsigned length = b->c->names_built++ % (max + 1);
    char bytes[4 * PECAN_UTCB_MESSAGE_WORDS + 4];
    unsigned n = rng_below(r, 100);
    if (n < 30)
        length = 1 + rng_below(r, SHORT_NAME);   /* most names that pass are short */
    if (length > sizeof(bytes) - 4)
        length = sizeof(bytes) - 4;
    for (unsigned i = 0; i < length; i++)
        bytes[i] = (char)('a' + rng_below(r, 26));
    if (n >= 30 && n < 50) {
        const char *name = PICK(r, known);
        length = strlen(name);
        memcpy(bytes, name, length);
    }
    switch (rng_below(r, 10)) {
    case 0: if (length) bytes[rng_below(r, length)] = '/'; break;
    case 1: if (length) bytes[rng_below(r, length)] = 0; break;
    case 2: if (length) bytes[rng_below(r, length)] = (char)0xFF; break;
    case 3: if (length) bytes[0] = '/'; break;
    case 4: if (length) bytes[length - 1] = '/'; break;
    case 5: if (length >= 2) memcpy(bytes, "..", 2); else if (length) bytes[0] = '.'; break;
    default: break;
    }
    memset(bytes + length, 0, 4);
    pecan_word_t declared = rng_percent(b->c->rng, 95) ? length : rng_next(r) % (max * 2 + 2);
    if (length_word)
        put(b, declared);
    for (unsigned i = 0; i < (length + 3) / 4; i++) {
        pecan_word_t w;
        memcpy(&w, &bytes[4 * i], 4);
        put(b, w);
    }
}

/* The opcode: a valid one mostly, else just past them or anything. */
static pecan_word_t pick_opcode(struct rng *r, unsigned valid)
{
    unsigned n = rng_below(r, 100);
    if (n < 90)
        return rng_below(r, valid);
    if (n < 97)
        return valid + rng_below(r, INVALID_OPCODES);
    return rng_next(r);
}

/* ---- one builder per protocol ------------------------------------------------------------ */

static void build_factory_create(struct build *b, const struct target *t)
{
    struct rng *r = b->c->rng;
    pecan_word_t type = rng_percent(r, 92) ? 1 + rng_below(r, PECAN_FACTORY_UNTYPED)
                                           : PICK(r, word_edges);
    put(b, type);
    switch (type) {
    case PECAN_FACTORY_DATASPACE: {
        static const pecan_word_t flags[] = {
            0, PECAN_DATASPACE_CONTIGUOUS, PECAN_DATASPACE_READ_ONLY, PECAN_DATASPACE_DEVICE,
            PECAN_DATASPACE_CONTIGUOUS | PECAN_DATASPACE_READ_ONLY, 0xFFFFFFFF,
        };
        static const pecan_word_t aligns[] = { 0, 1, 12, 16, 20, 24, 25, 31, 32, 0xFFFFFFFF };
        put(b, grid_size(r, 16 * FUZZ_PAGE));
        put(b, PICK(r, flags));
        put(b, PICK(r, aligns));
        break;
    }
    case PECAN_FACTORY_FACTORY:
        put(b, grid_size(r, 8 * FUZZ_PAGE));
        if (rng_percent(r, 60))
            put_name(b, PECAN_FACTORY_NAME_MAX + FACTORY_NAME_OVERLONG, true);
        break;
    case PECAN_FACTORY_LOG:
        put(b, rng_below(r, 10));
        put_name(b, PECAN_FACTORY_NAME_MAX + 1 + LOG_TAG_OVERLONG, true);
        break;
    case PECAN_FACTORY_UNTYPED:
        put(b, PICK(r, word_edges) % 40);
        put(b, rng_below(r, 1u << PECAN_ENV_CNODE_BITS));
        put_cap_item(b, K_COUNT, t->reach == R_PRIVATE);
        break;
    default:   /* gates, notifications, namespaces, tasks: no arguments */
        break;
    }
}

static void build_factory(struct build *b, const struct target *t)
{
    struct rng *r = b->c->rng;
    pecan_word_t op = pick_opcode(r, PECAN_FACTORY_DESTROY + 1);
    put(b, op);
    if (op == PECAN_FACTORY_CREATE)
        build_factory_create(b, t);
    else if (op == PECAN_FACTORY_DESTROY)
        put_cap_item(b, K_FACTORY, t->reach == R_PRIVATE);
}

static void build_dataspace(struct build *b, const struct target *t)
{
    struct rng *r = b->c->rng;
    pecan_word_t size = t->size ? t->size : 16 * FUZZ_PAGE;
    pecan_word_t op = pick_opcode(r, PECAN_DATASPACE_ALLOCATE + 1);
    put(b, op);
    switch (op) {
    case PECAN_DATASPACE_MAP:
        put(b, grid_offset(r, size));
        put(b, grid_rights(r));
        b->m->receive_window = rng_percent(r, 85);
        break;
    case PECAN_DATASPACE_CLEAR:
    case PECAN_DATASPACE_ALLOCATE:
        put(b, grid_offset(r, size));
        put(b, grid_size(r, size));
        break;
    case PECAN_DATASPACE_COPY_IN:
        put(b, grid_offset(r, size));
        put(b, grid_offset(r, size));
        put(b, grid_size(r, size));
        put_cap_item(b, K_DATASPACE, t->reach == R_PRIVATE);
        break;
    default:   /* INFO, unknown */
        break;
    }
}

static void build_fault(struct build *b)
{
    struct rng *r = b->c->rng;
    if (rng_percent(r, 50)) {
        b->m->label = PECAN_LABEL_PAGE_FAULT;
        put(b, grid_address(b->c) | (rng_below(r, 4) << 1));   /* write 2, exec 4 */
        put(b, grid_address(b->c));
        return;
    }
    b->m->label = PECAN_LABEL_EXCEPTION;
    for (unsigned i = 0; i < EXCEPTION_WORDS; i++)
        put(b, i == 0 ? rng_below(r, 4) : grid_address(b->c));
}

static void build_region_map(struct build *b, const struct target *t)
{
    struct rng *r = b->c->rng;
    if (rng_percent(r, 4)) {
        build_fault(b);
        return;
    }
    pecan_word_t op = pick_opcode(r, PECAN_RM_FREE_AREA + 1);
    put(b, op);
    switch (op) {
    case PECAN_RM_ATTACH:
        /* Often a plain attach that can work: whole pages from offset 0. */
        put(b, grid_address(b->c) & (rng_percent(r, 50) ? ~(FUZZ_PAGE - 1) : ~0u));
        put(b, rng_percent(r, 40) ? (1 + rng_below(r, 4)) * FUZZ_PAGE
                                  : grid_size(r, 16 * FUZZ_PAGE));
        put(b, grid_rm_flags(r));
        put(b, rng_percent(r, 40) ? 0 : grid_offset(r, 16 * FUZZ_PAGE));
        put_cap_item(b, K_DATASPACE, t->reach == R_PRIVATE);
        break;
    case PECAN_RM_RESERVE:
        put(b, grid_address(b->c));
        put(b, grid_size(r, 16 * FUZZ_PAGE));
        put(b, grid_rm_flags(r));
        break;
    default:   /* DETACH, FIND, FREE_AREA: an address; unknown ones too */
        put(b, grid_address(b->c));
        break;
    }
}

static void build_namespace(struct build *b, const struct target *t)
{
    struct rng *r = b->c->rng;
    pecan_word_t op = pick_opcode(r, PECAN_NAMESPACE_LIST + 1);
    put(b, op);
    switch (op) {
    case PECAN_NAMESPACE_QUERY:
    case PECAN_NAMESPACE_UNLINK:
        put_name(b, PECAN_NAME_MAX + NAME_OVERLONG, true);
        break;
    case PECAN_NAMESPACE_REGISTER:
        put(b, rng_percent(r, 90) ? rng_below(r, 8) : rng_next(r));
        put_name(b, PECAN_NAME_MAX + NAME_OVERLONG, true);
        put_cap_item(b, (enum kind)rng_below(r, K_COUNT), t->reach == R_PRIVATE);
        break;
    case PECAN_NAMESPACE_LIST:
        put(b, rng_percent(r, 90) ? rng_below(r, LIST_INDEX_MAX) : rng_next(r));
        break;
    default:
        break;
    }
}

static void build_log(struct build *b)
{
    struct rng *r = b->c->rng;
    static const pecan_word_t debug_ops[] = {
        PECAN_LOG_DEBUG_STATS, PECAN_LOG_DEBUG_CHECK, PECAN_LOG_DEBUG_EXIT,
        PECAN_LOG_DEBUG_CLOCK, PECAN_LOG_DEBUG_LOOKUP_BENCH, PECAN_LOG_DEBUG_LATENCY,
    };
    /* moe's logs know WRITE only; the kernel log's debug operations must be refused. */
    pecan_word_t op = rng_percent(r, 85) ? PECAN_LOG_WRITE
                                         : rng_percent(r, 50) ? PICK(r, debug_ops)
                                                              : pick_opcode(r, 1);
    put(b, op);
    if (op == PECAN_LOG_WRITE)
        put_name(b, 4 * (PECAN_UTCB_MESSAGE_WORDS - 2) + NAME_OVERLONG, true);
    else
        put(b, rng_next(r));
}

static void build_task(struct build *b, const struct target *t)
{
    struct rng *r = b->c->rng;
    pecan_word_t op = pick_opcode(r, PECAN_TASK_FAULT + 1);
    put(b, op);
    if (op == PECAN_TASK_CREATE_THREAD) {
        pecan_word_t slot = PECAN_ENV_UTCB_AREA + rng_below(r, UTCB_PROBE_SLOTS) * FUZZ_PAGE;
        put(b, rng_percent(r, 60) ? slot : grid_address(b->c));
    } else if (op == PECAN_TASK_DESTROY_THREAD) {
        /* A thread object item: never a thread of this task's (the scratch tasks run none, and
         * the worker's own task gets no DESTROY_THREAD: make_safe), so moe must refuse it. */
        put_cap_item(b, K_COUNT, t->reach == R_PRIVATE);
    }
    /* FAULT: no arguments (INFO neither). */
}

static void build_parent(struct build *b)
{
    struct rng *r = b->c->rng;
    put(b, pick_opcode(r, PECAN_PARENT_SIGNAL + 1));
    put(b, rng_percent(r, 80) ? rng_below(r, 4) : rng_next(r));
    put(b, PICK(r, word_edges));
}

/* Device memory: moe maps every device region once at start-up, so no request changes
 * what moe holds; the grid names a device moe hands out and ones it refuses. Whoever asks
 * pays: DATASPACE and VIEW carry the factory that pays (an item). */
static const pecan_word_t iomem_addresses[] = {
    0x10011000u,   /* SP804 timer 2/3: a device moe hands out */
    0x00000000u, 0x00100000u, 0x07FFF000u,   /* RAM: refused */
    0x10009000u, 0x10100000u,                /* the kernel's UART and MPCore: refused */
    0x10011001u, 0xFFFFF000u,                /* misaligned, nothing there */
};
static const pecan_word_t iomem_sizes[] = { FUZZ_PAGE, 0, 1, FUZZ_PAGE + 1, 0xFFFFF000u };

static void build_iomem(struct build *b, const struct target *t)
{
    struct rng *r = b->c->rng;
    pecan_word_t op = pick_opcode(r, PECAN_IOMEM_INFO + 1);
    put(b, op);
    if (op == PECAN_IOMEM_INFO)
        return;
    put(b, PICK(r, iomem_addresses));
    put(b, PICK(r, iomem_sizes));
    if (op == PECAN_IOMEM_DATASPACE || op == PECAN_IOMEM_VIEW)
        put_cap_item(b, K_FACTORY, t->reach == R_PRIVATE);   /* the payer */
}

/* ---- mutations --------------------------------------------------------------------------- */

static int other_label(struct rng *r)
{
    static const int labels[] = {
        PECAN_PROTO_FACTORY, PECAN_PROTO_DATASPACE, PECAN_PROTO_REGION_MAP,
        PECAN_PROTO_NAMESPACE, PECAN_PROTO_PARENT, PECAN_PROTO_TASK, PECAN_PROTO_LOG,
        PECAN_PROTO_IOMEM, PECAN_PROTO_ICU, PECAN_LABEL_NOTIFICATION, PECAN_PROTO_GATE, 0,
        -1, 0x7FFF,
        -0x8000,
    };
    return rng_percent(r, 85) ? PICK(r, labels) : (int16_t)rng_next(r);
}

/* A wrong item: a memory item of one of our pages, or words that are no item at all. */
static void wrong_item(struct build *b)
{
    static uint8_t page[FUZZ_PAGE] __attribute__((aligned(FUZZ_PAGE)));
    struct rng *r = b->c->rng;
    if (b->item_count == MAX_ITEMS)
        b->item_count--;
    pecan_word_t *item = &b->items[2 * b->item_count++];
    if (rng_percent(r, 50)) {
        item[0] = PECAN_ITEM_MAP | (rng_below(r, 8) << PECAN_ITEM_RIGHTS_SHIFT) |
                  (12u << PECAN_ITEM_ORDER_SHIFT);
        item[1] = (pecan_word_t)(uintptr_t)page;
    } else {
        item[0] = rng_next(r);
        item[1] = PICK(r, word_edges);
    }
}

static void mutate_items(struct build *b)
{
    struct rng *r = b->c->rng;
    switch (rng_below(r, 4)) {
    case 0: b->item_count = 0; break;
    case 1: put_cap_item(b, (enum kind)rng_below(r, K_COUNT), false); break;
    default: wrong_item(b); break;
    }
}

static void mutate(struct build *b)
{
    struct fuzz_message *m = b->m;
    struct rng *r = b->c->rng;
    unsigned n = rng_below(r, 100);
    if (n < 12 && m->words) {
        m->words = rng_below(r, m->words);                     /* short */
    } else if (n < 18) {
        unsigned extra = 1 + rng_below(r, 8);                  /* long */
        while (extra--)
            put(b, rng_percent(r, 50) ? PICK(r, word_edges) : rng_next(r));
    } else if (n < 26) {
        mutate_items(b);
    } else if (n < 30) {
        m->label = other_label(r);
    }
}

/* ---- safety for the worker's own environment --------------------------------------------- */

static pecan_word_t play_address(struct fuzz_context *c)
{
    pecan_word_t a = c->play_base + rng_below(c->rng, c->play_size);
    return rng_percent(c->rng, 90) ? a & ~(FUZZ_PAGE - 1) : a;
}

static void safe_region_map(struct fuzz_context *c, struct fuzz_message *m)
{
    pecan_word_t *w = m->w;
    if (m->label != PECAN_PROTO_REGION_MAP || m->words < 2 || w[0] == PECAN_RM_FIND)
        return;
    w[1] = play_address(c);
    if (m->words > 2)
        w[2] = rng_below(c->rng, c->play_base + c->play_size - w[1] + 1);
    if (m->words > 3)
        w[3] &= ~PECAN_RM_SEARCH_ADDRESS;   /* a search could leave the play area */
}

static void safe_factory(struct fuzz_context *c, struct fuzz_message *m)
{
    pecan_word_t *w = m->w;
    if (m->label != PECAN_PROTO_FACTORY || m->words < 1)
        return;
    /* Gates and notifications stay with the factory that made them until it goes: made
     * through the environment's they would outlive the run's accounting. */
    if (w[0] == PECAN_FACTORY_CREATE && m->words > 1 &&
        (w[1] == PECAN_FACTORY_GATE || w[1] == PECAN_FACTORY_NOTIFICATION ||
         w[1] == PECAN_FACTORY_UNTYPED))
        w[1] = PECAN_FACTORY_UNTYPED + 1 + rng_below(c->rng, 100);
}

/* The console is the slowest thing moe does (every character a trap to the UART), and a
 * log everybody reads: memory reports (a line per factory) and real log lines only now
 * and then, whichever log or factory the message goes to. */
static void keep_console_quiet(struct fuzz_context *c, struct fuzz_message *m)
{
    pecan_word_t *w = m->w;
    if (m->words == 0)
        return;
    if (m->label == PECAN_PROTO_FACTORY && w[0] == PECAN_FACTORY_REPORT &&
        rng_below(c->rng, REPORT_ODDS))
        w[0] = PECAN_FACTORY_INFO;
    if (m->label == PECAN_PROTO_LOG && w[0] == PECAN_LOG_WRITE && m->words > 1 &&
        w[1] <= (m->words - 2) * 4 && rng_below(c->rng, VALID_LOG_WRITE_ODDS))
        w[1] = (m->words - 2) * 4 + 1 + rng_below(c->rng, 300);   /* past the bytes sent */
}

static void make_safe(struct fuzz_context *c, const struct target *t, struct fuzz_message *m)
{
    keep_console_quiet(c, m);
    pecan_word_t *w = m->w;
    if (!t->own_env || m->words == 0)
        return;
    switch (t->kind) {
    case K_PARENT:
        if (m->label == PECAN_PROTO_PARENT && m->words > 1 && w[0] == PECAN_PARENT_SIGNAL &&
            w[1] == PECAN_SIGNAL_EXIT)
            w[1] = 1 + rng_below(c->rng, 100);
        break;
    case K_TASK:
        if (m->label != PECAN_PROTO_TASK)
            break;
        if (w[0] == PECAN_TASK_TERMINATE || w[0] == PECAN_TASK_DESTROY_THREAD)
            w[0] = PECAN_TASK_INFO;   /* not its own end, nor its only thread's */
        if (w[0] == PECAN_TASK_CREATE_THREAD && m->words > 1 && (w[1] & (FUZZ_PAGE - 1)) == 0)
            w[1] |= 1 + rng_below(c->rng, FUZZ_PAGE - 1);   /* never a usable UTCB */
        break;
    case K_REGION_MAP:
        safe_region_map(c, m);
        break;
    case K_FACTORY:
        safe_factory(c, m);
        break;
    default:
        break;
    }
}

/* ---- the message ------------------------------------------------------------------------- */

void fuzz_build(struct fuzz_context *c, const struct target *t, struct fuzz_message *m)
{
    struct build b = { .c = c, .m = m, .item_count = 0 };
    m->label = kind_protocol(t->kind);
    m->words = 0;
    m->receive_window = rng_percent(c->rng, 30);
    m->receive_caps = rng_percent(c->rng, 60) ? rng_below(c->rng, 5) : 0;
    switch (t->kind) {
    case K_FACTORY: build_factory(&b, t); break;
    case K_DATASPACE: build_dataspace(&b, t); break;
    case K_REGION_MAP: build_region_map(&b, t); break;
    case K_NAMESPACE: build_namespace(&b, t); break;
    case K_LOG: build_log(&b); break;
    case K_TASK: build_task(&b, t); break;
    case K_PARENT: build_parent(&b); break;
    case K_IOMEM: build_iomem(&b, t); break;
    default: break;
    }
    mutate(&b);
    make_safe(c, t, m);
    m->items = b.item_count;
    memcpy(&m->w[m->words], b.items, 2 * b.item_count * sizeof(pecan_word_t));
}

bool fuzz_known_error(int label)
{
    static const int known[] = {   /* every code of pecan/errors.h */
#define KNOWN_ERROR(name, code) PECAN_##name,
        PECAN_ERROR_LIST(KNOWN_ERROR)
#undef KNOWN_ERROR
    };
    for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (label == -known[i])
            return true;
    return false;
}
