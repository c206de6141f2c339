/* SPDX-License-Identifier: MIT */
/*
 * devfuzz: malformed and random messages to the objects that hand drivers their devices:
 * moe's IOMEM and ICU objects (the roots, views, read-only copies) and the kernel's IRQ
 * handler capabilities an ICU hands out. moe starts it as init (--exit-with-init), so it
 * holds the root "iomem" and "icu". Half the messages are built like moefuzz's
 * (tests/programs/moefuzz.c): random labels (mostly the target's protocol), word counts,
 * opcodes, arguments biased to the boundaries that matter here (device addresses, IRQ
 * numbers around the kernel's own and the cascade's, page sizes), capability items (its
 * own capabilities, random indices, malformed item words); the other half are well-formed
 * requests of the target's protocol with arguments from grids around the target's range
 * (its edges, a page or a line beyond, wrapping sizes) and payers that may or may not pay.
 * Receive buffers vary; a fixed-seed xorshift, so a run repeats.
 *
 * Checks, besides "every call returns and every reply is a known error or a success of
 * the target's own protocol" (moefuzz's): a success hands out nothing beyond the target's
 * range (a dataspace's or view's INFO, a handler's line), read-only copies make nothing,
 * a sanity call every SANITY_EVERY messages answers, the root objects refuse what is the
 * kernel's (IRQ 42, the cascade number of a directly wired line, board GIC1's registers),
 * and after the fuzz objects are gone FACTORY INFO of the environment's factory (quota,
 * used, objects, moe's free RAM) is what it was before. Prints `devfuzz: N messages,
 * E error replies, S successes checked (H handed out ...), T timeouts, accounting exact`
 * and exits 0, or says what failed (FAILED) and exits 1.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/icu.h>
#include <pecan/iomem.h>
#include <pecan/namespace.h>
#include <pecan/protocols.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>

#define SEED 0xdef1ce5u
#define MESSAGES 100000u
#define SANITY_EVERY 1000u
#define RECYCLE_EVERY 20000u
#define CALL_TIMEOUT_US 500000u
#define SUB_QUOTA (1u << 20)
#define RECEIVE_SLOTS 4
#define DEPTH 32

/* UART2: device memory on both sides (UART1, UART3), so a range check that lets a request
 * past either end hands out registers a success check sees. */
#define VIEW_BASE 0x1000B000u
#define VIEW_SIZE 0x1000u
#define VIEW_LINE 78u              /* UART2's and UART3's lines, through the cascade */
#define VIEW_LINES 2u
#define CAP_TYPE_IRQ_HANDLER 10    /* CNODE IDENTIFY's number (docs/abi.md) */

enum target_id {
    T_IOMEM_ROOT, T_IOMEM_VIEW, T_IOMEM_RO, T_ICU_ROOT, T_ICU_VIEW, T_ICU_RO, T_IRQ, T_COUNT
};

struct target {
    const char *name;
    int protocol;
    unsigned opcodes;
    pecan_cap_t cap;
    bool read_only;
    pecan_word_t first, last;      /* the range it covers (addresses or lines) */
    uint32_t sent, errors, successes;
};

static struct target targets[T_COUNT] = {
    [T_IOMEM_ROOT] = { "iomem(root)", PECAN_PROTO_IOMEM, 3, 0, false, 0, 0xFFFFFFFFu },
    [T_IOMEM_VIEW] = { "iomem(view)", PECAN_PROTO_IOMEM, 3, 0, false, VIEW_BASE,
                       VIEW_BASE + VIEW_SIZE - 1 },
    [T_IOMEM_RO] = { "iomem(read-only)", PECAN_PROTO_IOMEM, 3, 0, true, VIEW_BASE,
                     VIEW_BASE + VIEW_SIZE - 1 },
    [T_ICU_ROOT] = { "icu(root)", PECAN_PROTO_ICU, 3, 0, false, 0, 0 },
    [T_ICU_VIEW] = { "icu(view)", PECAN_PROTO_ICU, 3, 0, false, VIEW_LINE,
                     VIEW_LINE + VIEW_LINES - 1 },
    [T_ICU_RO] = { "icu(read-only)", PECAN_PROTO_ICU, 3, 0, true, VIEW_LINE,
                   VIEW_LINE + VIEW_LINES - 1 },
    [T_IRQ] = { "irq handler", PECAN_PROTO_IRQ, 3, 0, false, 0, 0 },
};

/* The fuzz objects, paid for by the sub-factory (so they all go with it). */
struct fuzz_objects {
    pecan_cap_t sub, ns, notification, ro_factory;
};

struct counts {
    uint32_t messages, errors, successes, timeouts, bad_replies, escapes;
    uint32_t handed_out;   /* successes that handed out a dataspace, view or handler */
};

static struct fuzz_objects objects;
static struct counts counts;
static pecan_cap_t receive[RECEIVE_SLOTS];
static uint32_t rng_state = SEED;
static bool failed;

static uint32_t rnd(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }

static void fail(const char *what, long value)
{
    printf("devfuzz: %s (%ld) (FAILED)\n", what, value);
    failed = true;
}

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

/* ---- the fuzz objects ------------------------------------------------------------------ */

/* A copy of a moe object without the object right WRITE, through the fuzz namespace. */
static int read_only_copy(pecan_cap_t cap, pecan_cap_t *out)
{
    int err = alloc_slot(out);
    if (!err)
        err = pecan_ns_register(objects.ns, "x", cap, PECAN_NAMESPACE_OVERWRITE);
    if (!err)
        err = pecan_ns_query_path(objects.ns, "x", *out);
    pecan_ns_unlink(objects.ns, "x");
    return err;
}

static int make_objects(void)
{
    struct target *t = targets;
    int err;
    if ((err = alloc_slot(&objects.sub)) ||
        (err = pecan_factory_create_factory(PECAN_ENV_FACTORY, SUB_QUOTA, objects.sub)) ||
        (err = alloc_slot(&objects.ns)) ||
        (err = pecan_factory_create_namespace(objects.sub, objects.ns)) ||
        (err = alloc_slot(&objects.notification)) ||
        (err = pecan_factory_create_notification(objects.sub, objects.notification)) ||
        (err = read_only_copy(objects.sub, &objects.ro_factory)) ||
        (err = alloc_slot(&t[T_IOMEM_VIEW].cap)) ||
        (err = pecan_iomem_view(t[T_IOMEM_ROOT].cap, objects.sub, VIEW_BASE, VIEW_SIZE,
                                t[T_IOMEM_VIEW].cap)) ||
        (err = read_only_copy(t[T_IOMEM_VIEW].cap, &t[T_IOMEM_RO].cap)) ||
        (err = alloc_slot(&t[T_ICU_VIEW].cap)) ||
        (err = pecan_icu_view(t[T_ICU_ROOT].cap, objects.sub, VIEW_LINE, VIEW_LINES,
                              t[T_ICU_VIEW].cap)) ||
        (err = read_only_copy(t[T_ICU_VIEW].cap, &t[T_ICU_RO].cap)) ||
        (err = alloc_slot(&t[T_IRQ].cap)) ||
        (err = pecan_icu_get(t[T_ICU_VIEW].cap, VIEW_LINE, t[T_IRQ].cap)))
        return err;
    return 0;
}

static void drop_objects(void)
{
    release(&targets[T_IRQ].cap);
    release(&targets[T_IOMEM_VIEW].cap);
    release(&targets[T_IOMEM_RO].cap);
    release(&targets[T_ICU_VIEW].cap);
    release(&targets[T_ICU_RO].cap);
    release(&objects.notification);
    release(&objects.ro_factory);
    release(&objects.ns);
    release(&objects.sub);
}

/* ---- random messages ------------------------------------------------------------------- */

static pecan_cap_t own_cap(void)
{
    unsigned n = below(16);
    switch (n) {
    case 0: return PECAN_ENV_FACTORY;
    case 1: case 2: return objects.sub;
    case 3: return objects.ro_factory;
    case 4: return objects.notification;
    case 5: return objects.ns;
    case 6: return PECAN_ENV_LOG;
    case 7: return PECAN_ENV_THREAD;
    default:
        if (n < 8 + T_COUNT)
            return targets[n - 8].cap;
        return receive[below(RECEIVE_SLOTS)];   /* empty */
    }
}

static pecan_word_t interesting(void)
{
    static const pecan_word_t edges[] = {
        0, 1, 0xFFF, 0x1000, 0x1001, 0x2000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFF000,
        VIEW_BASE, VIEW_BASE - 0x1000, VIEW_BASE + VIEW_SIZE, VIEW_BASE + VIEW_SIZE - 0x1000,
        0x10000000, 0x10011000, 0x10030000, 0x10040000, 0x10041000, 0x4E000000, 0x00100000,
        15, 16, 29, 31, 32, 36, 41, 42, 43, 63, 64, 76, 77, 78, 79, 80, 87, 88, 127, 128, 1023,
        1024,
    };
    switch (below(7)) {
    case 0: return below(16);
    case 1: return edges[below(sizeof(edges) / sizeof(edges[0]))];
    case 2: return 0x10000000u + (below(0x80) << 12);    /* the EB's device pages */
    case 3: return below(130);                           /* IRQ numbers */
    case 4: return own_cap();
    case 5: return rnd() & ~0xFFFu;
    default: return rnd();
    }
}

static int random_label(const struct target *t)
{
    static const int others[] = {
        PECAN_PROTO_IOMEM, PECAN_PROTO_ICU, PECAN_PROTO_IRQ, PECAN_PROTO_IRQ_CONTROL,
        PECAN_PROTO_NOTIFICATION, 0x4000, PECAN_PROTO_GATE, PECAN_LABEL_PAGE_FAULT, 0, -1,
    };
    unsigned n = below(100);
    if (n < 80)
        return t->protocol;
    if (n < 95)
        return others[below(sizeof(others) / sizeof(others[0]))];
    return (int16_t)rnd();
}

static void random_item(pecan_word_t *w)
{
    unsigned n = below(100);
    if (n < 85) {
        w[0] = PECAN_ITEM_CAP | (below(16) << PECAN_ITEM_RIGHTS_SHIFT);
        w[1] = below(10) < 8 ? own_cap() : below(1u << PECAN_ENV_CNODE_BITS);
    } else {
        w[0] = rnd();
        w[1] = interesting();
    }
}

static void random_receive_buffer(void)
{
    struct pecan_utcb *utcb = pecan_utcb();
    unsigned slots = below(4) ? 1 + below(RECEIVE_SLOTS) : 0;
    utcb->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = slots;
    for (unsigned i = 0; i < slots; i++)
        utcb->buffer[PECAN_UTCB_BUFFER_CAP_SLOTS + i] = receive[i];
    utcb->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = 0;
}

static void clear_receive_buffer(void)
{
    pecan_utcb()->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = 0;
}

static void empty_receive_slots(void)
{
    for (unsigned i = 0; i < RECEIVE_SLOTS; i++)
        pecan_cnode_delete(PECAN_ENV_CNODE, receive[i], DEPTH);
}

/* ---- checking replies ------------------------------------------------------------------ */

static bool known_error(int label)
{
    static const int known[] = {
        PECAN_EPERM, PECAN_ENOENT, PECAN_ENOMEM, PECAN_EBUSY, PECAN_EEXIST, PECAN_EXDEV,
        PECAN_EINVAL, PECAN_ERANGE, PECAN_ENOSYS, PECAN_EBADPROTO, PECAN_EMSGTOOSHORT,
        PECAN_EMSGTOOLONG, PECAN_EINVALCAP, PECAN_ETYPE, PECAN_EDEPTH, PECAN_EMAPPED,
    };
    for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (label == -known[i])
            return true;
    return false;
}

static void escape(const struct target *t, const char *what, pecan_word_t a, pecan_word_t b)
{
    counts.escapes++;
    if (counts.escapes <= 5)
        printf("devfuzz: %s: %s (%lx, %lx)\n", t->name, what, (unsigned long)a,
               (unsigned long)b);
}

static bool inside(const struct target *t, pecan_word_t first, pecan_word_t last)
{
    return first >= t->first && last <= t->last && first <= last;
}

/* What a successful IOMEM reply handed out (in receive slot 0) lies inside the target. */
static void check_iomem_success(const struct target *t, pecan_word_t op)
{
    if (op == PECAN_IOMEM_INFO)
        return;
    if (t->read_only)
        escape(t, "a read-only copy made an object", op, 0);
    pecan_word_t first = 0, last = 0;
    struct pecan_dataspace_info ds;
    if (op == PECAN_IOMEM_DATASPACE && pecan_dataspace_info(receive[0], &ds) == 0) {
        first = ds.phys;
        last = ds.phys + ds.size - 1;
    } else if (op == PECAN_IOMEM_VIEW && pecan_iomem_info(receive[0], &first, &last) == 0) {
    } else {
        return;   /* the item did not reach slot 0 (our receive buffer said otherwise) */
    }
    counts.handed_out++;
    if (!inside(t, first, last))
        escape(t, "handed out a range beyond its own", first, last);
}

static void check_icu_success(const struct target *t, pecan_word_t op, pecan_word_t line)
{
    if (op == PECAN_ICU_INFO)
        return;
    if (t->read_only)
        escape(t, "a read-only copy gave something out", op, 0);
    if (op == PECAN_ICU_GET) {
        struct pecan_cap_identity id;
        if (!inside(t, line, line))
            escape(t, "GET of a line it does not cover", line, 0);
        if (pecan_cnode_identify(PECAN_ENV_CNODE, receive[0], DEPTH, &id) != 0 || !id.type)
            return;
        counts.handed_out++;
        if (id.type != CAP_TYPE_IRQ_HANDLER)
            escape(t, "GET gave something else than an IRQ handler", id.type, 0);
        return;
    }
    pecan_word_t first, count;
    if (pecan_icu_info(receive[0], &first, &count) != 0)
        return;
    counts.handed_out++;
    if (count == 0 || !inside(t, first, first + count - 1))
        escape(t, "a view beyond its own lines", first, count);
}

static void classify(enum target_id id, int label, const struct pecan_message *sent,
                     unsigned words, struct pecan_reply r)
{
    struct target *t = &targets[id];
    int result = pecan_tag_label(r.tag);
    counts.messages++;
    t->sent++;
    if (r.ipc_status == PECAN_IPC_TIMEOUT) {
        /* Counted, not a failure (a loaded host can hold QEMU's CPUs that long); the first
         * few are shown in case one is not the host's doing. */
        if (++counts.timeouts <= 3)
            printf("devfuzz: %s: no reply within %u ms to label %d, %u words: %lx %lx %lx\n",
                   t->name, CALL_TIMEOUT_US / 1000, label, words, (unsigned long)sent->word[0],
                   (unsigned long)sent->word[1], (unsigned long)sent->word[2]);
        return;
    }
    if (r.ipc_status == PECAN_IPC_BAD_SELECTOR ||
        (r.ipc_status == PECAN_IPC_ITEM_FAILED && result < 0) ||
        (r.ipc_status == PECAN_IPC_OK && result < 0 && known_error(result))) {
        counts.errors++;
        t->errors++;
        return;
    }
    bool delivered = r.ipc_status == PECAN_IPC_OK || r.ipc_status == PECAN_IPC_ITEM_FAILED;
    if (!delivered || result != 0 || label != t->protocol || words == 0) {
        counts.bad_replies++;
        if (counts.bad_replies <= 5)
            printf("devfuzz: %s: IPC status %u, reply label %d to label %d\n", t->name,
                   (unsigned)r.ipc_status, result, label);
        return;
    }
    counts.successes++;
    t->successes++;
    if (t->protocol == PECAN_PROTO_IOMEM)
        check_iomem_success(t, sent->word[0]);
    else if (t->protocol == PECAN_PROTO_ICU)
        check_icu_success(t, sent->word[0], words > 1 ? sent->word[1] : 0);
}

/* ---- the loop -------------------------------------------------------------------------- */

/* ---- structured messages: well-formed requests from grids of boundary values --------
 *
 * Random words almost never form a valid request (a page-aligned address at a view's edge,
 * a size that crosses it, a factory that may pay), so half the messages are built as the
 * target's protocol expects, with arguments from grids around the target's own range: the
 * edges, one page (or line) beyond, wrapping sums, and payers that may or may not pay. */

static pecan_word_t pick(const pecan_word_t *grid, unsigned n)
{
    return grid[below(n)];
}
#define PICK(grid) pick(grid, sizeof(grid) / sizeof(grid[0]))

static pecan_cap_t payer(void)
{
    const pecan_cap_t payers[] = { objects.sub, objects.sub, PECAN_ENV_FACTORY,
                                   objects.ro_factory, PECAN_ENV_LOG, receive[0] };
    return payers[below(sizeof(payers) / sizeof(payers[0]))];
}

static unsigned structured_iomem(const struct target *t, pecan_word_t *w)
{
    const pecan_word_t first = t->first, end = t->last + 1;
    const pecan_word_t starts[] = { first, first, first - 0x1000, end - 0x1000, end,
                                    first + 0x10, 0x10000000u + (below(0x80) << 12), 0 };
    const pecan_word_t sizes[] = { 0x1000, 0x1000, 0x2000, 0x3000, end - first, 0, 0x1001,
                                   0xFFFFF000u, 0x80000000u };
    w[0] = below(3);
    w[1] = PICK(starts);
    w[2] = PICK(sizes);
    w[3] = PECAN_ITEM_CAP | PECAN_RIGHT_WRITE << PECAN_ITEM_RIGHTS_SHIFT;
    w[4] = payer();
    return w[0] == PECAN_IOMEM_INFO ? 1 : 3;
}

static unsigned structured_icu(const struct target *t, pecan_word_t *w)
{
    const pecan_word_t first = t->first, end = t->last + 1;
    const pecan_word_t lines[] = { first, first, end - 1, end, first - 1, 42, 76, 36, 29,
                                   below(130), 0xFFFFFFFFu };
    const pecan_word_t counts[] = { 1, 1, 2, end - first, end - first + 1, 0, 0xFFFFFFFFu };
    w[0] = below(3);
    w[1] = PICK(lines);
    w[2] = PICK(counts);
    w[3] = PECAN_ITEM_CAP | PECAN_RIGHT_WRITE << PECAN_ITEM_RIGHTS_SHIFT;
    w[4] = payer();
    return w[0] == PECAN_ICU_GET ? 2 : w[0] == PECAN_ICU_VIEW ? 3 : 1;
}

static unsigned structured_irq(pecan_word_t *w)
{
    const pecan_word_t notifications[] = { objects.notification, objects.notification,
                                           objects.sub, receive[0], 0 };
    w[0] = below(3);
    w[1] = PICK(notifications);
    w[2] = below(4) ? 1u << below(32) : 0;
    return w[0] == PECAN_IRQ_BIND ? 3 : 1;
}

/* A well-formed request: its words (and one item for those that take a payer). */
static void structured(const struct target *t, struct pecan_message *m, unsigned *words,
                       unsigned *items)
{
    *items = 0;
    if (t->protocol == PECAN_PROTO_IRQ) {
        *words = structured_irq(m->word);
        return;
    }
    *words = t->protocol == PECAN_PROTO_IOMEM ? structured_iomem(t, m->word)
                                              : structured_icu(t, m->word);
    if (*words == 3)   /* DATASPACE and VIEW: the payer item in words 3-4 goes along */
        *items = 1;
}

/* A message of random shape (moefuzz's way). */
static void random_shape(const struct target *t, struct pecan_message *m, unsigned *words,
                         unsigned *items)
{
    unsigned n = below(100);
    *words = n < 5 ? 0 : n < 90 ? 1 + below(4) : below(20);
    *items = below(100) < 70 ? 1 : below(3);
    if (*words + 2 * *items > PECAN_UTCB_MESSAGE_WORDS)
        *items = 0;
    m->word[0] = below(100) < 85 ? below(t->opcodes + 1) : interesting();
    for (unsigned i = 1; i < *words; i++)
        m->word[i] = interesting();
    for (unsigned i = 0; i < *items; i++)
        random_item(&m->word[*words + 2 * i]);
}

/* ---- the loop -------------------------------------------------------------------------- */

/* A GET through an ICU takes the earlier handler capabilities of its line back: take the
 * line again when the fuzz's own went, so the handler keeps being fuzzed. */
static void refresh_handler(void)
{
    struct pecan_cap_identity id;
    pecan_cap_t h = targets[T_IRQ].cap;
    if (pecan_cnode_identify(PECAN_ENV_CNODE, h, DEPTH, &id) == 0 && id.type == 0)
        pecan_icu_get(targets[T_ICU_VIEW].cap, VIEW_LINE, h);
}

static void one_message(void)
{
    enum target_id id = (enum target_id)below(T_COUNT);
    struct target *t = &targets[id];
    if (id == T_IRQ)
        refresh_handler();
    struct pecan_message m, sent;
    unsigned words, items;
    int label;
    if (below(2)) {
        label = t->protocol;
        structured(t, &m, &words, &items);
    } else {
        label = random_label(t);
        random_shape(t, &m, &words, &items);
    }
    m.tag = pecan_tag(label, words, items);
    sent = m;
    random_receive_buffer();
    struct pecan_reply r = pecan_ipc_call(t->cap, &m, pecan_timeout_us(CALL_TIMEOUT_US));
    clear_receive_buffer();
    classify(id, label, &sent, words, r);
    empty_receive_slots();
}

static void sanity(void)
{
    pecan_word_t a, b;
    int err = pecan_iomem_info(targets[T_IOMEM_ROOT].cap, &a, &b);
    if (err || a != 0 || b != 0xFFFFFFFFu)
        fail("moe did not answer IOMEM INFO of the root", err);
    err = pecan_icu_info(targets[T_ICU_ROOT].cap, &a, &b);
    if (err || b != targets[T_ICU_ROOT].last + 1)
        fail("moe did not answer ICU INFO of the root", err);
}

/* The roots refuse what is the kernel's. */
static void root_checks(void)
{
    static const pecan_word_t kernel_lines[] = { 0, 15, 29, 31, 42, 76, 77 };
    pecan_cap_t h, ds;
    if (alloc_slot(&h) || alloc_slot(&ds)) {
        fail("slots", 0);
        return;
    }
    for (unsigned i = 0; i < sizeof(kernel_lines) / sizeof(kernel_lines[0]); i++) {
        int err = pecan_icu_get(targets[T_ICU_ROOT].cap, kernel_lines[i], h);
        if (err != -PECAN_ERANGE)
            fail("the root ICU gave out a kernel line", (long)kernel_lines[i]);
    }
    if (pecan_icu_get(targets[T_ICU_ROOT].cap, targets[T_ICU_ROOT].last + 1, h) != -PECAN_ERANGE)
        fail("the root ICU gave out a line past the kernel's", 0);
    if (pecan_iomem_dataspace(targets[T_IOMEM_ROOT].cap, PECAN_ENV_FACTORY, 0x10040000u, 0x1000,
                              ds) != -PECAN_ENOENT)
        fail("the root IOMEM gave out board GIC1 (the kernel's)", 0);
    pecan_cap_free(h);
    pecan_cap_free(ds);
    printf("devfuzz: the roots refuse the kernel's lines and registers\n");
}

struct info { pecan_word_t quota, used, objects, free_ram; };

static int factory_info(struct info *out)
{
    struct pecan_factory_info info;
    int err = pecan_factory_info(PECAN_ENV_FACTORY, &info);
    *out = (struct info){ info.quota, info.used, info.objects, info.free_ram };
    return err;
}

static bool same(const struct info *a, const struct info *b)
{
    return a->quota == b->quota && a->used == b->used && a->objects == b->objects &&
           a->free_ram == b->free_ram;
}

static int wait_for_accounting(const struct info *before, struct info *after)
{
    for (unsigned i = 0; i < 100; i++) {
        int err = factory_info(after);
        if (err)
            return err;
        if (same(before, after))
            return 0;
        pecan_sleep_us(10000);
    }
    return 1;
}

static int setup(void)
{
    pecan_word_t first, count;
    targets[T_IOMEM_ROOT].cap = pecan_env_cap("iomem");
    targets[T_ICU_ROOT].cap = pecan_env_cap("icu");
    if (!targets[T_IOMEM_ROOT].cap || !targets[T_ICU_ROOT].cap)
        return -PECAN_ENOENT;
    int err = pecan_icu_info(targets[T_ICU_ROOT].cap, &first, &count);
    if (err)
        return err;
    targets[T_ICU_ROOT].last = first + count - 1;
    for (unsigned i = 0; i < RECEIVE_SLOTS; i++)
        if ((err = alloc_slot(&receive[i])) != 0)
            return err;
    /* Stack pages first touched later would be charged between the two figures. */
    volatile char stack[32 * 1024];
    for (unsigned i = 0; i < sizeof(stack); i += 512)
        stack[i] = 1;
    return 0;
}

static void print_targets(void)
{
    for (unsigned i = 0; i < T_COUNT; i++)
        printf("devfuzz:   %-18s %6u sent, %6u errors, %5u successes\n", targets[i].name,
               (unsigned)targets[i].sent, (unsigned)targets[i].errors,
               (unsigned)targets[i].successes);
}

int main(void)
{
    printf("devfuzz: seed 0x%08x, %u messages\n", (unsigned)SEED, MESSAGES);
    int err = setup();
    if (err) {
        fail("setup", err);
        return 1;
    }
    struct info before, after;
    if ((err = factory_info(&before)) != 0) {
        fail("FACTORY INFO before", err);
        return 1;
    }
    root_checks();
    if ((err = make_objects()) != 0)
        fail("making the fuzz objects", err);
    for (uint32_t i = 1; i <= MESSAGES && !failed; i++) {
        one_message();
        if (i % SANITY_EVERY == 0)
            sanity();
        if (i % RECYCLE_EVERY == 0 && i < MESSAGES) {
            drop_objects();
            if ((err = make_objects()) != 0)
                fail("making the fuzz objects again", err);
        }
    }
    drop_objects();
    print_targets();
    if (counts.bad_replies)
        fail("replies that are neither errors nor valid results", (long)counts.bad_replies);
    if (counts.escapes)
        fail("successes beyond what the target covers", (long)counts.escapes);
    if ((err = wait_for_accounting(&before, &after)) != 0) {
        printf("devfuzz: after: quota %u, used %u, objects %u, moe free RAM %u (before %u, %u, "
               "%u, %u)\n", (unsigned)after.quota, (unsigned)after.used, (unsigned)after.objects,
               (unsigned)after.free_ram, (unsigned)before.quota, (unsigned)before.used,
               (unsigned)before.objects, (unsigned)before.free_ram);
        fail("accounting not back to the figures from before", err);
    }
    if (failed)
        return 1;
    printf("devfuzz: %u messages, %u error replies, %u successes checked (%u handed out a "
           "dataspace, view or handler), %u timeouts, accounting exact\n",
           (unsigned)counts.messages, (unsigned)counts.errors, (unsigned)counts.successes,
           (unsigned)counts.handed_out, (unsigned)counts.timeouts);
    return 0;
}
