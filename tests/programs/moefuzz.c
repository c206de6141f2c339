/* SPDX-License-Identifier: MIT */
/*
 * moefuzz: malformed and random messages to every moe protocol this program can reach
 * (issue 5, "Bad input"). moe starts it as init (--exit-with-init). Targets: the factory
 * of its environment and a sub-factory, its own task and a scratch task, its own region
 * map and the scratch task's, its log and a log of its own, the "rom" namespace and one of
 * its own, an anonymous and a rom dataspace, and its parent (never with SIGNAL EXIT).
 *
 * Each message has a random label (mostly the target's protocol), word count, opcode,
 * arguments (biased to boundaries, page addresses and this program's own capability
 * indices), capability items (its own capabilities, random indices, malformed item
 * words) and receive buffers. A few filters keep the program alive: nothing that would
 * destroy its own task, unmap its own memory or end it (see make_safe); everything goes
 * on the scratch objects. The PRNG is a fixed-seed xorshift, so a run repeats.
 *
 * Checks: every call returns (a finite timeout; a timeout is counted, not a failure);
 * replies are errors (a known -PECAN_E*) or success only for the target's own protocol;
 * a sanity call every SANITY_EVERY messages answers; and after the fuzz objects are gone
 * FACTORY INFO of the environment's factory (quota, used, objects, moe's free RAM) is
 * what it was before. Prints `moefuzz: N messages, E error replies, T timeouts, accounting
 * exact` and exits 0, or says what failed (FAILED) and exits 1.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/kip.h>
#include <pecan/namespace.h>
#include <pecan/protocol/parent.h>
#include <pecan/protocol/task.h>
#include <pecan/protocols.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/task.h>

#define SEED 0x5eed1234u
#define MESSAGES 120000u
#define SANITY_EVERY 1000u
#define RECYCLE_EVERY 15000u            /* fuzz objects are dropped and made again */
#define CALL_TIMEOUT_US 500000u
#define SUB_QUOTA (4u << 20)
#define ANON_SIZE 0x10000u
#define WINDOW_ORDER 20                 /* receive window: 1 MiB, reserved at the region map */
#define PLAY_BASE 0x60000000u           /* own region map: attach/detach only in here */
#define PLAY_SIZE 0x00100000u           /* one page table's worth, warmed up in setup */
#define DEPTH 32
#define RECEIVE_SLOTS 4

enum target_id {
    T_FACTORY_ENV, T_FACTORY_SUB, T_TASK_OWN, T_TASK_SCRATCH, T_RM_OWN, T_RM_SCRATCH,
    T_LOG_ENV, T_LOG_OWN, T_NS_ROM, T_NS_OWN, T_DS_ANON, T_DS_ROM, T_PARENT, T_COUNT
};

struct target {
    const char *name;
    int protocol;
    unsigned opcodes;          /* valid opcodes are 0 .. opcodes - 1 */
    pecan_cap_t cap;
    uint32_t sent, errors, successes, timeouts;
};

static struct target targets[T_COUNT] = {
    [T_FACTORY_ENV] = { "factory(env)", PECAN_PROTO_FACTORY, 3, PECAN_ENV_FACTORY },
    [T_FACTORY_SUB] = { "factory(sub)", PECAN_PROTO_FACTORY, 3, 0 },
    [T_TASK_OWN] = { "task(own)", PECAN_PROTO_TASK, 3, PECAN_ENV_TASK },
    [T_TASK_SCRATCH] = { "task(scratch)", PECAN_PROTO_TASK, 3, 0 },
    [T_RM_OWN] = { "region map(own)", PECAN_PROTO_REGION_MAP, 5, PECAN_ENV_RM },
    [T_RM_SCRATCH] = { "region map(scratch)", PECAN_PROTO_REGION_MAP, 5, 0 },
    [T_LOG_ENV] = { "log(env)", PECAN_PROTO_LOG, 1, PECAN_ENV_LOG },
    [T_LOG_OWN] = { "log(own)", PECAN_PROTO_LOG, 1, 0 },
    [T_NS_ROM] = { "namespace(rom)", PECAN_PROTO_NAMESPACE, 4, 0 },
    [T_NS_OWN] = { "namespace(own)", PECAN_PROTO_NAMESPACE, 4, 0 },
    [T_DS_ANON] = { "dataspace(anon)", PECAN_PROTO_DATASPACE, 5, 0 },
    [T_DS_ROM] = { "dataspace(rom)", PECAN_PROTO_DATASPACE, 5, 0 },
    [T_PARENT] = { "parent", PECAN_PROTO_PARENT, 1, PECAN_ENV_PARENT },
};

/* The fuzz objects, made through the sub-factory (so they all go with it). */
struct fuzz_objects {
    pecan_cap_t sub;
    struct pecan_factory_task scratch;
    bool scratch_alive;
    pecan_cap_t anon, rom_ds, ns, log;
};

struct counts {
    uint32_t messages, errors, successes, timeouts, item_failures, bad_replies;
};

static struct fuzz_objects objects;
static struct counts counts;
static pecan_cap_t receive[RECEIVE_SLOTS];
static pecan_word_t window_base;
static uint32_t rng_state = SEED;
static uint8_t item_page[0x2000] __attribute__((aligned(0x1000)));
static bool failed;

/* The last few messages, printed when one is not answered. */
struct sent { enum target_id id; int label; unsigned words, items; pecan_word_t w[4]; };
#define HISTORY 4
static struct sent history[HISTORY];

static uint32_t rnd(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static uint64_t waited_ns;   /* how long the last call took (KIP clock) */

static uint64_t clock_ns(void)
{
    return pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
}

static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }

static void fail(const char *what, long value)
{
    printf("moefuzz: %s (%ld) (FAILED)\n", what, value);
    failed = true;
}

/* ---- raw calls ------------------------------------------------------------------------ */

static struct pecan_reply call(pecan_cap_t cap, struct pecan_message *m)
{
    return pecan_ipc_call(cap, m, pecan_timeout_us(CALL_TIMEOUT_US));
}

static void clear_receive_buffer(void)
{
    struct pecan_utcb *utcb = pecan_utcb();
    utcb->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = 0;
    utcb->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = 0;
}

/* Whatever capabilities the last reply left in the receive slots go. */
static void empty_receive_slots(void)
{
    for (unsigned i = 0; i < RECEIVE_SLOTS; i++)
        pecan_cnode_delete(PECAN_ENV_CNODE, receive[i], DEPTH);
}

struct info { pecan_word_t quota, used, objects, free_ram; };

static int factory_info(pecan_cap_t factory, struct info *info)
{
    struct pecan_message m;
    m.tag = pecan_tag(PECAN_PROTO_FACTORY, 1, 0);
    m.word[0] = PECAN_FACTORY_INFO;
    struct pecan_reply r = pecan_ipc_call(factory, &m, pecan_timeout_us(5000000));
    int err = pecan_error(r);
    if (err)
        return err;
    if (pecan_tag_words(r.tag) < 4)
        return -PECAN_EMSGTOOSHORT;
    *info = (struct info){ m.word[0], m.word[1], m.word[2], m.word[3] };
    return 0;
}

/* ---- the fuzz objects ------------------------------------------------------------------ */

static int alloc_slot(pecan_cap_t *slot)
{
    *slot = 0;
    return pecan_cap_alloc(slot);
}

static void release(pecan_cap_t *slot)
{
    if (*slot)
        pecan_cap_release(*slot);
    *slot = 0;
}

static int make_scratch_task(void)
{
    struct pecan_factory_task *t = &objects.scratch;
    int err;
    if (!t->task && ((err = alloc_slot(&t->task)) || (err = alloc_slot(&t->cnode)) ||
                     (err = alloc_slot(&t->region_map)) || (err = alloc_slot(&t->vspace))))
        return err;
    err = pecan_factory_create_task(objects.sub, t);
    objects.scratch_alive = err == 0;
    targets[T_TASK_SCRATCH].cap = t->task;
    targets[T_RM_SCRATCH].cap = t->region_map;
    return err;
}

static void drop_scratch_task(void)
{
    struct pecan_factory_task *t = &objects.scratch;
    release(&t->task);
    release(&t->cnode);
    release(&t->region_map);
    release(&t->vspace);
    objects.scratch_alive = false;
}

static int make_objects(void)
{
    int err;
    if ((err = alloc_slot(&objects.sub)) ||
        (err = pecan_factory_create_factory(PECAN_ENV_FACTORY, SUB_QUOTA, objects.sub)))
        return err;
    if ((err = make_scratch_task()) ||
        (err = alloc_slot(&objects.anon)) ||
        (err = pecan_factory_create_dataspace(objects.sub, ANON_SIZE, 0, 0, objects.anon, 0)) ||
        (err = alloc_slot(&objects.rom_ds)) ||
        (err = pecan_ns_query_path(pecan_env_cap("rom"), "moefuzz.elf", objects.rom_ds)) ||
        (err = alloc_slot(&objects.ns)) ||
        (err = pecan_factory_create_namespace(objects.sub, objects.ns)) ||
        (err = alloc_slot(&objects.log)) ||
        (err = pecan_factory_create_log(objects.sub, 3, "fuzzlog", objects.log)))
        return err;
    targets[T_FACTORY_SUB].cap = objects.sub;
    targets[T_LOG_OWN].cap = objects.log;
    targets[T_NS_OWN].cap = objects.ns;
    targets[T_DS_ANON].cap = objects.anon;
    targets[T_DS_ROM].cap = objects.rom_ds;
    return 0;
}

/* Detaches whatever the fuzz left in the play area of its own region map. */
static void clean_play_area(void)
{
    pecan_word_t a = PLAY_BASE;
    while (a < PLAY_BASE + PLAY_SIZE) {
        struct pecan_rm_region region;
        if (pecan_rm_find(PECAN_ENV_RM, a, &region) != 0) {
            pecan_rm_free_area(PECAN_ENV_RM, a);   /* FIND does not see reserved areas */
            a += 0x1000;
            continue;
        }
        if (pecan_rm_detach(PECAN_ENV_RM, a, 0, 0) != 0)
            pecan_rm_free_area(PECAN_ENV_RM, a);
        pecan_word_t end = region.start + region.size;
        a = end > a ? (end + 0xFFFu) & ~0xFFFu : a + 0x1000;
    }
}

/* Unlinks every entry of the fuzz namespace: an entry may hold a copy of the sub-factory
 * (a cycle that would keep it alive). Raw messages, so names of any bytes go too. */
static void empty_namespace(void)
{
    for (unsigned index = 0, guard = 0; guard < 4096; guard++) {
        struct pecan_message m;
        m.tag = pecan_tag(PECAN_PROTO_NAMESPACE, 2, 0);
        m.word[0] = PECAN_NAMESPACE_LIST;
        m.word[1] = index;
        struct pecan_reply r = call(objects.ns, &m);
        if (pecan_error(r) != 0 || pecan_tag_words(r.tag) < 2)
            return;
        unsigned length = m.word[1];
        unsigned words = (length + 3) / 4;
        if (length > PECAN_NAME_MAX || pecan_tag_words(r.tag) < 2 + words) {
            index++;
            continue;
        }
        pecan_word_t name[PECAN_NAME_MAX / 4];
        memcpy(name, &m.word[2], words * 4);
        m.tag = pecan_tag(PECAN_PROTO_NAMESPACE, 2 + words, 0);
        m.word[0] = PECAN_NAMESPACE_UNLINK;
        m.word[1] = length;
        memcpy(&m.word[2], name, words * 4);
        if (pecan_error(call(objects.ns, &m)) != 0)
            index++;
    }
}

static void drop_objects(void)
{
    clean_play_area();
    if (objects.ns)
        empty_namespace();
    drop_scratch_task();
    release(&objects.anon);
    release(&objects.rom_ds);
    release(&objects.ns);
    release(&objects.log);
    release(&objects.sub);
}

/* ---- random messages ------------------------------------------------------------------- */

static pecan_cap_t own_cap(void)
{
    static const pecan_cap_t wellknown[] = {
        PECAN_ENV_THREAD, PECAN_ENV_CNODE, PECAN_ENV_VSPACE, PECAN_ENV_TASK, PECAN_ENV_LOG,
        PECAN_ENV_SCHEDULER, PECAN_ENV_FACTORY, PECAN_ENV_RM, PECAN_ENV_PARENT,
    };
    unsigned n = below(20);
    if (n < 9)
        return wellknown[n];
    switch (n) {
    case 9: return objects.sub;
    case 10: return objects.scratch.task;
    case 11: return objects.scratch.cnode;
    case 12: return objects.scratch.region_map;
    case 13: return objects.scratch.vspace;
    case 14: return objects.anon;
    case 15: return objects.rom_ds;
    case 16: return objects.ns;
    case 17: return objects.log;
    case 18: return pecan_env_cap("rom");
    default: return receive[below(RECEIVE_SLOTS)];   /* empty */
    }
}

static pecan_word_t interesting(void)
{
    static const pecan_word_t edges[] = {
        1, 2, 0xFFF, 0x1000, 0x1001, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
        0xFFFFF000, 0xFFFF0000, PECAN_ENV_UTCB_AREA, PECAN_ENV_PAGE, PECAN_ENV_HEAP_BASE,
        PECAN_ENV_FREE_BASE, ANON_SIZE, ANON_SIZE - 1, ANON_SIZE + 1, PECAN_NAME_MAX,
        PECAN_NAME_MAX + 1,
    };
    switch (below(9)) {
    case 0: return 0;
    case 1: return below(16);
    case 2: return rnd() & ~0xFFFu;
    case 3: return edges[below(sizeof(edges) / sizeof(edges[0]))];
    case 4: return below(0x20000);
    case 5: return PLAY_BASE + below(PLAY_SIZE);
    case 6: return own_cap();
    case 7: return ANON_SIZE - below(0x3000);
    default: return rnd();
    }
}

static int random_label(const struct target *t)
{
    static const int protocols[] = {
        PECAN_PROTO_FACTORY, PECAN_PROTO_DATASPACE, PECAN_PROTO_REGION_MAP,
        PECAN_PROTO_NAMESPACE, PECAN_PROTO_PARENT, PECAN_PROTO_TASK, PECAN_PROTO_LOG, PECAN_PROTO_IOMEM,
    };
    static const int special[] = {
        PECAN_LABEL_PAGE_FAULT, PECAN_LABEL_EXCEPTION, PECAN_LABEL_NOTIFICATION,
        PECAN_PROTO_KOBJECT, 0, -1, 0x7FFF, -0x8000,
    };
    unsigned n = below(100);
    if (n < 70)
        return t->protocol;
    if (n < 80)
        return protocols[below(8)];
    if (n < 90)
        return special[below(8)];
    return (int16_t)rnd();
}

static void random_item(pecan_word_t *w)
{
    unsigned n = below(100);
    if (n < 75) {                          /* a capability */
        w[0] = PECAN_ITEM_CAP | (below(16) << PECAN_ITEM_RIGHTS_SHIFT);
        unsigned k = below(10);
        w[1] = k < 6 ? own_cap() : k < 9 ? below(1u << PECAN_ENV_CNODE_BITS) : rnd();
    } else if (n < 85) {                   /* one of this program's pages */
        w[0] = PECAN_ITEM_MAP | (below(8) << PECAN_ITEM_RIGHTS_SHIFT) | (12u << PECAN_ITEM_ORDER_SHIFT);
        w[1] = (pecan_word_t)(uintptr_t)item_page;
    } else {                               /* malformed item words */
        w[0] = rnd();
        w[1] = interesting();
    }
}

static void random_receive_buffer(void)
{
    struct pecan_utcb *utcb = pecan_utcb();
    unsigned slots = below(2) ? below(RECEIVE_SLOTS + 1) : 0;
    utcb->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = slots;
    for (unsigned i = 0; i < slots; i++)
        utcb->buffer[PECAN_UTCB_BUFFER_CAP_SLOTS + i] = receive[i];
    utcb->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = below(2) ? window_base | WINDOW_ORDER : 0;
}

static pecan_word_t play_address(void)
{
    pecan_word_t a = PLAY_BASE + below(PLAY_SIZE);
    return below(10) ? a & ~0xFFFu : a;
}

/* Keeps the program alive: no exit signal, no TERMINATE of itself nor DESTROY_THREAD of
 * its thread, no threads in its own task, no change to its own region map outside the
 * play area, no leaking kernel objects into the environment's factory, no memory report
 * on every message. */
static void make_safe(enum target_id id, int label, struct pecan_message *m, unsigned words)
{
    pecan_word_t *w = m->word;
    if (words == 0)
        return;
    switch (id) {
    case T_PARENT:
        if (label == PECAN_PROTO_PARENT && w[0] == PECAN_PARENT_SIGNAL && w[1] == PECAN_SIGNAL_EXIT)
            w[1] = 1 + below(100);
        break;
    case T_TASK_OWN:
        if (label != PECAN_PROTO_TASK)
            break;
        if (w[0] == PECAN_TASK_TERMINATE || w[0] == PECAN_TASK_DESTROY_THREAD)
            w[0] = PECAN_TASK_INFO;   /* not itself, nor its only thread */
        if (w[0] == PECAN_TASK_CREATE_THREAD && (w[1] & 0xFFFu) == 0)
            w[1] |= 1 + below(0xFFF);   /* never a valid UTCB address */
        break;
    case T_RM_OWN:
        if (label == PECAN_LABEL_PAGE_FAULT || label == PECAN_LABEL_EXCEPTION) {
            w[0] = play_address() | (w[0] & 6);
            break;
        }
        if (label != PECAN_PROTO_REGION_MAP || w[0] == PECAN_RM_FIND)
            break;
        w[1] = play_address();
        if (words > 2)
            w[2] = below(PLAY_BASE + PLAY_SIZE - w[1] + 1);
        if (words > 3)
            w[3] &= ~PECAN_RM_SEARCH_ADDRESS;
        break;
    case T_FACTORY_ENV:
    case T_FACTORY_SUB:
        if (label != PECAN_PROTO_FACTORY)
            break;
        if (w[0] == PECAN_FACTORY_REPORT)
            w[0] = PECAN_FACTORY_INFO;
        /* DESTROY through the environment's factory could end the fuzz's own sub-factory
         * and the objects it plays with; through the sub-factory it ends only what the
         * fuzz made there. */
        if (id == T_FACTORY_ENV && w[0] == PECAN_FACTORY_DESTROY)
            w[0] = PECAN_FACTORY_INFO;
        if (w[0] == PECAN_FACTORY_CREATE && w[1] == PECAN_FACTORY_UNTYPED)
            w[1] = 9 + below(100);
        if (id == T_FACTORY_ENV && w[0] == PECAN_FACTORY_CREATE &&
            (w[1] == PECAN_FACTORY_GATE || w[1] == PECAN_FACTORY_NOTIFICATION))
            w[1] = 9 + below(100);   /* kernel objects stay with their factory: see above */
        break;
    case T_LOG_ENV:
    case T_LOG_OWN:
        /* Valid writes only rarely, and only to the fuzz's own log: keep the console
         * readable. */
        if (label == PECAN_PROTO_LOG && w[0] == PECAN_LOG_WRITE && words > 1 &&
            (id == T_LOG_ENV || below(64)) && w[1] <= (words - 2) * 4)
            w[1] = (words - 2) * 4 + 1 + below(300);
        break;
    default:
        break;
    }
}

/* ---- checking replies ------------------------------------------------------------------ */

static bool known_error(int label)
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

/* A success is valid only for the object's own protocol (or a fault label sent to a
 * region map, which is its pager protocol). */
static bool success_allowed(enum target_id id, int label)
{
    if (label == targets[id].protocol)
        return true;
    return (id == T_RM_OWN || id == T_RM_SCRATCH) &&
           (label == PECAN_LABEL_PAGE_FAULT || label == PECAN_LABEL_EXCEPTION);
}

static void classify(enum target_id id, int label, struct pecan_reply r)
{
    struct target *t = &targets[id];
    int result = pecan_tag_label(r.tag);
    counts.messages++;
    t->sent++;
    if (r.ipc_status == PECAN_IPC_TIMEOUT) {
        counts.timeouts++;
        t->timeouts++;
        if (t->timeouts > 3)
            return;
        printf("moefuzz: %s: no reply within %u ms to message %u (the call took %u us); "
               "the last messages:\n", t->name, CALL_TIMEOUT_US / 1000,
               (unsigned)counts.messages, (unsigned)(waited_ns / 1000));
        for (unsigned i = 0; i < HISTORY; i++) {
            const struct sent *h = &history[(counts.messages + i) % HISTORY];
            printf("moefuzz:   %s label %d, %u words, %u items: %x %x %x %x\n",
                   targets[h->id].name, h->label, h->words, h->items, (unsigned)h->w[0],
                   (unsigned)h->w[1], (unsigned)h->w[2], (unsigned)h->w[3]);
        }
        return;
    }
    if (r.ipc_status == PECAN_IPC_BAD_SELECTOR ||
        (r.ipc_status == PECAN_IPC_ITEM_FAILED && result < 0)) {
        counts.errors++;
        t->errors++;
        return;
    }
    if (r.ipc_status == PECAN_IPC_ITEM_FAILED) {   /* a reply item did not fit our buffers */
        counts.item_failures++;
        result = 0;
    } else if (r.ipc_status != PECAN_IPC_OK) {
        counts.bad_replies++;
        if (counts.bad_replies <= 5)
            printf("moefuzz: %s: IPC status %u for label %d\n", t->name,
                   (unsigned)r.ipc_status, label);
        return;
    }
    if (result < 0 && known_error(result)) {
        counts.errors++;
        t->errors++;
        return;
    }
    if (result == 0 && success_allowed(id, label)) {
        counts.successes++;
        t->successes++;
        return;
    }
    counts.bad_replies++;
    if (counts.bad_replies <= 5)
        printf("moefuzz: %s: reply label %d to a message with label %d\n", t->name, result,
               label);
}

/* ---- the loop -------------------------------------------------------------------------- */

static enum target_id random_target(void)
{
    for (;;) {
        enum target_id id = (enum target_id)below(T_COUNT);
        if (id == T_TASK_SCRATCH || id == T_RM_SCRATCH) {
            if (!objects.scratch_alive) {
                drop_scratch_task();
                if (make_scratch_task() != 0)
                    continue;
            }
        }
        if (targets[id].cap)
            return id;
    }
}

static void one_message(void)
{
    enum target_id id = random_target();
    struct target *t = &targets[id];
    struct pecan_message m;
    int label = random_label(t);
    unsigned words, items = 0;
    unsigned n = below(100);
    words = n < 10 ? 0 : n < 80 ? 1 + below(7) : n < 95 ? below(20) : below(64);
    n = below(100);
    if (n >= 80)
        items = n < 95 ? 1 : 1 + below(4);
    if (words + 2 * items > PECAN_UTCB_MESSAGE_WORDS)
        items = 0;
    m.word[0] = below(100) < 75 ? below(t->opcodes + 2) : interesting();
    for (unsigned i = 1; i < words; i++)
        m.word[i] = interesting();
    for (unsigned i = 0; i < items; i++)
        random_item(&m.word[words + 2 * i]);
    make_safe(id, label, &m, words);
    m.tag = pecan_tag(label, words, items);
    if (below(50) == 0)
        m.tag |= below(16) << 12;   /* tag flags nobody defined */
    random_receive_buffer();
    history[counts.messages % HISTORY] = (struct sent){ id, label, words, items,
                                                        { m.word[0], m.word[1], m.word[2], m.word[3] } };
#ifdef MOEFUZZ_DEBUG
    pecan_word_t saved[4] = { m.word[0], m.word[1], m.word[2], m.word[3] };
#endif
    uint64_t sent_at = clock_ns();
    struct pecan_reply r = call(t->cap, &m);
    waited_ns = clock_ns() - sent_at;
    clear_receive_buffer();
    empty_receive_slots();
    classify(id, label, r);
#ifdef MOEFUZZ_DEBUG
    {
        static pecan_word_t last_used, last_objects;
        struct info now;
        if (factory_info(PECAN_ENV_FACTORY, &now) == 0 && (now.used != last_used || now.objects != last_objects)) {
            printf("dbg %u %s label %d words %u items %u w0 %x w1 %x w2 %x w3 %x -> %d: used %d objects %d\n",
                   (unsigned)counts.messages, t->name, label, words, items, (unsigned)saved[0], (unsigned)saved[1], (unsigned)saved[2], (unsigned)saved[3],
                   pecan_tag_label(r.tag), (int)(now.used - last_used), (int)(now.objects - last_objects));
            last_used = now.used;
            last_objects = now.objects;
        }
    }
#endif
    if (id == T_TASK_SCRATCH && label == PECAN_PROTO_TASK && words &&
        pecan_tag_label(r.tag) == 0 && r.ipc_status == PECAN_IPC_OK) {
        /* TERMINATE (or a lucky opcode) may have ended it: INFO tells. */
        pecan_word_t threads, bytes;
        if (pecan_task_info(objects.scratch.task, &threads, &bytes) != 0)
            objects.scratch_alive = false;
    }
}

/* moe answers a well-formed call and its answer is right. */
static void sanity(void)
{
    struct info info;
    int err = factory_info(PECAN_ENV_FACTORY, &info);
    if (err) {
        fail("moe did not answer FACTORY INFO", err);
        return;
    }
    struct pecan_dataspace_info ds;
    if ((err = pecan_dataspace_info(objects.rom_ds, &ds)) != 0 || ds.size == 0)
        fail("moe did not answer DATASPACE INFO of the rom file", err);
}

static int wait_for_accounting(const struct info *before, struct info *after)
{
    /* moe frees objects when their no-clients notification arrives: give it a moment. */
    for (unsigned i = 0; i < 100; i++) {
        int err = factory_info(PECAN_ENV_FACTORY, after);
        if (err)
            return err;
        if (after->quota == before->quota && after->used == before->used &&
            after->objects == before->objects && after->free_ram == before->free_ram)
            return 0;
        pecan_sleep_us(10000);
    }
    return 1;
}

static void print_targets(void)
{
    for (unsigned i = 0; i < T_COUNT; i++)
        printf("moefuzz:   %-20s %6u sent, %6u errors, %5u successes, %u timeouts\n",
               targets[i].name, (unsigned)targets[i].sent, (unsigned)targets[i].errors,
               (unsigned)targets[i].successes, (unsigned)targets[i].timeouts);
}

/* The first mapping in a megabyte of our space makes a page table, charged to our quota
 * and kept (moe's region map installs one per megabyte a region reaches): make them for
 * the receive window (reserved below) and the play area before the baseline. Reserving a
 * small area does it. */
static int warm_up_page_tables(void)
{
    pecan_word_t at = PLAY_BASE;
    int err = pecan_rm_reserve(PECAN_ENV_RM, &at, 0x1000, 0);
    return err ? err : pecan_rm_free_area(PECAN_ENV_RM, PLAY_BASE);
}

static int setup(void)
{
    targets[T_NS_ROM].cap = pecan_env_cap("rom");
    for (unsigned i = 0; i < RECEIVE_SLOTS; i++)
        if (alloc_slot(&receive[i]))
            return -PECAN_ENOMEM;
    /* The window must be aligned to its size: reserve twice that and use the aligned
     * half. */
    pecan_word_t area = PECAN_ENV_FREE_BASE;
    int err = pecan_rm_reserve(PECAN_ENV_RM, &area, 2u << WINDOW_ORDER, PECAN_RM_SEARCH_ADDRESS);
    if (err)
        return err;
    window_base = (area + (1u << WINDOW_ORDER) - 1) & ~((1u << WINDOW_ORDER) - 1);
    if ((err = warm_up_page_tables()) != 0)
        return err;
    /* Everything whose first use would be charged to our quota happens before the
     * baseline: stack pages, data and bss (one region), stdio. */
    volatile char stack[48 * 1024];
    for (unsigned i = 0; i < sizeof(stack); i += 512)
        stack[i] = 1;
    struct pecan_rm_region data;
    if ((err = pecan_rm_find(PECAN_ENV_RM, (pecan_word_t)(uintptr_t)&rng_state, &data)) != 0)
        return err;
    for (pecan_word_t a = data.start; a < data.start + data.size; a += 0x1000) {
        volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)a;
        *word = *word;
    }
    memset(item_page, 0x5a, sizeof(item_page));
    return 0;
}

int main(void)
{
    printf("moefuzz: seed 0x%08x, %u messages, sanity call every %u\n", (unsigned)SEED,
           MESSAGES, SANITY_EVERY);
    int err = setup();
    if (err) {
        fail("setup", err);
        return 1;
    }
    struct info before, after;
    if ((err = factory_info(PECAN_ENV_FACTORY, &before)) != 0) {
        fail("FACTORY INFO before", err);
        return 1;
    }
    printf("moefuzz: before: quota %u, used %u, objects %u, moe free RAM %u\n",
           (unsigned)before.quota, (unsigned)before.used, (unsigned)before.objects,
           (unsigned)before.free_ram);
    if ((err = make_objects()) != 0) {
        fail("making the fuzz objects", err);
        return 1;
    }
    for (uint32_t i = 1; i <= MESSAGES && !failed; i++) {
        one_message();
        if (i % SANITY_EVERY == 0)
            sanity();
        if (i % RECYCLE_EVERY == 0 && i < MESSAGES) {
            drop_objects();
            if ((err = make_objects()) != 0)
                fail("making the fuzz objects again", err);
            printf("moefuzz: %u messages, %u errors, %u successes, %u timeouts\n",
                   (unsigned)counts.messages, (unsigned)counts.errors,
                   (unsigned)counts.successes, (unsigned)counts.timeouts);
        }
    }
    drop_objects();
    print_targets();
    if (counts.bad_replies)
        fail("replies that are neither errors nor valid results", (long)counts.bad_replies);
    if (counts.item_failures)
        printf("moefuzz: %u successful replies had items our buffers refused\n",
               (unsigned)counts.item_failures);
    err = wait_for_accounting(&before, &after);
    if (err) {
        printf("moefuzz: after: quota %u, used %u, objects %u, moe free RAM %u\n",
               (unsigned)after.quota, (unsigned)after.used, (unsigned)after.objects,
               (unsigned)after.free_ram);
        fail("accounting not back to the figures from before", err);
    }
    if (failed)
        return 1;
    printf("moefuzz: %u messages, %u error replies, %u timeouts, accounting exact\n",
           (unsigned)counts.messages, (unsigned)counts.errors, (unsigned)counts.timeouts);
    return 0;
}
