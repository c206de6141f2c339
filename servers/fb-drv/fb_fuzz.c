/* SPDX-License-Identifier: MIT */
/*
 * fb-fuzz: fb-drv's fuzz target (docs/graphics.md), run as moe's init program. It starts
 * fb-drv on the PL111 as a boot script would (a view of the registers, a contiguous frame
 * it makes) and sends MESSAGES malformed messages through the channel (the session
 * factory), a session and the session's buffer copy: random labels (the protocols fb-drv
 * speaks, others, fault and notification labels), operations, lengths and words drawn
 * mostly from the edges (0, 1, the screen's sizes, the frame's size, 2^31, ~0, ...), so
 * rectangles, offsets and indexes are absurd in every way; up to two capability items from
 * what a client holds (the channel, the session, the buffer, its CNode, its factory, a
 * notification, gates with and without READ, a dataspace of moe's) with random rights;
 * and half the time a receive window, so that MAPs do map pages. Half the messages to a
 * session or its buffer are close to real ones (a protocol fb-drv speaks, a real
 * operation, about its number of words, edge values), and each answer to a session or
 * buffer is judged: fb-drv must accept exactly what the protocol's rules allow (judge()).
 * Every call must be answered within a second; sessions and buffers it gets by chance are
 * dropped at once.
 * Afterwards fb-drv still serves the session (INFO, a page mapped and written, REFRESH),
 * its sessions, objects and free slots are back where they were, and so are moe's free
 * memory, the fuzzer's quota and fb-drv's. Prints "fb-fuzz: N messages, E refused, J
 * judged right, P pages mapped, S caps got by chance: fb-drv intact, accounting exact",
 * or FAILED. The pool, the call and the accounting are the service kit's
 * (pecan/testkit.h); what is fb-drv's is the words, the labels, the judge and the window.
 */
#include <pecan/children.h>
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/framebuffer.h>
#include <pecan/iomem.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/testkit.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MESSAGES 100000u
#define SETTLE_TRIES 1000u   /* 10 ms each: a loaded host slows the guest */
#define PL111 0x10020000u
#define WIDTH 640u
#define HEIGHT 480u
#define FRAME_SIZE (WIDTH * HEIGHT * 2u)
#define WINDOW_ORDER 22u                  /* a 4 MiB receive window for MAP */
#define WINDOW_SIZE (1u << WINDOW_ORDER)

static struct testkit_rig rig;   /* the channel, the fuzzer's factory, the landing slot */
static pecan_cap_t driver_factory, frame, registers, buffer;
static struct testkit_pool pool;   /* capabilities a hostile client might send */
static struct pecan_session session;
static pecan_word_t window;      /* WINDOW_SIZE aligned, reserved in our region map */

static int label(void)
{
    static const int labels[] = { PECAN_PROTO_FRAMEBUFFER, PECAN_PROTO_FRAMEBUFFER,
                                  PECAN_PROTO_DATASPACE, PECAN_PROTO_FACTORY,
                                  PECAN_LABEL_PAGE_FAULT, PECAN_LABEL_EXCEPTION,
                                  PECAN_LABEL_NOTIFICATION, 0 };
    unsigned pick = testkit_random32() % 10;
    return pick < 8 ? labels[pick] : (int)(int16_t)testkit_random32();
}

/* A word from the edges that matter, or any. */
static pecan_word_t word(void)
{
    static const pecan_word_t edges[] = {
        0, 1, 2, 3, WIDTH, HEIGHT, WIDTH - 1, HEIGHT - 1, WIDTH + 1, FRAME_SIZE,
        FRAME_SIZE - 1, FRAME_SIZE - 4096, 4096, 16384, 16385, 0x7FFFFFFFu, 0x80000000u,
        0xFFFFFFFFu, 0xFFFFFFFEu, 0xFFFFF000u, PECAN_PROTO_FRAMEBUFFER, 7,
    };
    unsigned pick = testkit_random32() % 4;
    if (pick == 0)
        return testkit_random32();
    if (pick == 1)
        return testkit_random32() % 16;
    return edges[testkit_random32() % (sizeof(edges) / sizeof(edges[0]))];
}

struct tally {
    unsigned errors, opened, mapped, judged;
};

static bool rectangle_ok(const pecan_word_t *w)
{
    return w[2] && w[3] && (uint64_t)w[0] + w[2] <= WIDTH && (uint64_t)w[1] + w[3] <= HEIGHT;
}

static bool range_ok(pecan_word_t offset, pecan_word_t size)
{
    return offset <= FRAME_SIZE && size <= FRAME_SIZE - offset;
}

/* Whether fb-drv must accept a message to a session (or its buffer, the same object with
 * WRITE) by the protocol's rules: 1 accept, 0 refuse. */
static int judge(int label, unsigned words, const pecan_word_t *w)
{
    if (label == PECAN_PROTO_FRAMEBUFFER && words >= 1) {
        switch (w[0]) {
        case PECAN_FRAMEBUFFER_INFO: return 1;
        case PECAN_FRAMEBUFFER_GET_BUFFER:
        case PECAN_FRAMEBUFFER_VIEW_INFO: return words >= 2 && w[1] == 0;
        case PECAN_FRAMEBUFFER_REFRESH_VIEW: return words >= 6 && w[1] == 0 && rectangle_ok(&w[2]);
        case PECAN_FRAMEBUFFER_REFRESH: return words >= 5 && rectangle_ok(&w[1]);
        default: return 0;   /* mag's operations and unknown ones: ENOSYS */
        }
    }
    if (label == PECAN_PROTO_DATASPACE && words >= 1) {
        switch (w[0]) {
        case PECAN_DATASPACE_MAP:
            return words >= 3 && w[1] < FRAME_SIZE &&
                   !(w[2] & ~(pecan_word_t)(PECAN_MAP_READ | PECAN_MAP_WRITE));
        case PECAN_DATASPACE_INFO: return 1;
        case PECAN_DATASPACE_CLEAR:
        case PECAN_DATASPACE_ALLOCATE: return words >= 3 && range_ok(w[1], w[2]);
        default: return 0;   /* COPY_IN and unknown ones */
        }
    }
    return 0;   /* no words, another protocol, fault and notification labels */
}

/* A message close to a real one: a protocol fb-drv speaks, a real operation, about the
 * words it takes, and words from the edges. */
static int structured(struct pecan_message *m, unsigned *words)
{
    int label = (testkit_random32() & 1) ? PECAN_PROTO_FRAMEBUFFER : PECAN_PROTO_DATASPACE;
    m->word[0] = testkit_random32() % (label == PECAN_PROTO_FRAMEBUFFER ? 12 : 6);
    *words = 1 + testkit_random32() % 7;
    for (unsigned i = 1; i < *words; i++)
        m->word[i] = word();
    if (label == PECAN_PROTO_DATASPACE && m->word[0] == PECAN_DATASPACE_MAP && *words >= 3 &&
        (testkit_random32() & 1))
        m->word[2] = testkit_random32() % 8;   /* rights: mostly real ones */
    return label;
}

/* One message; 0 if it was answered as the protocol says (error or not), else the
 * IPC failure or -PECAN_EINVAL for a wrong answer. */
static int fuzz_one(struct tally *t, unsigned n)
{
    struct pecan_message m;
    /* 0: the channel, 1: the buffer, else the session */
    unsigned target = testkit_random32() % 4;
    unsigned words, items = testkit_random32() % 3;
    int l;
    if (target != 0 && (testkit_random32() & 1)) {
        l = structured(&m, &words);
    } else {
        words = testkit_random32() % 13;
        for (unsigned i = 0; i < words; i++)
            m.word[i] = word();
        if (words && (testkit_random32() & 1))
            m.word[0] = testkit_random32() % 12;   /* mostly real operations */
        l = label();
    }
    int verdict = target != 0 ? judge(l, words, m.word) : -1;
    testkit_add_items(&m, words, items, &pool);
    m.tag = pecan_tag(l, words, items);
    pecan_word_t sent[4] = { m.word[0], m.word[1], m.word[2], m.word[3] };
    struct pecan_utcb *utcb = pecan_utcb();
    bool open_window = testkit_random32() & 1;
    utcb->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = open_window ? window | WINDOW_ORDER : 0;
    pecan_cap_t to = target == 0 ? rig.channel : target == 1 ? buffer : session.cap;
    struct pecan_reply r;
    bool got_cap;   /* a session or buffer got by chance: dropped */
    int err = testkit_call(to, &m, TESTKIT_ANSWER_US, rig.landing, &r, &got_cap);
    utcb->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = 0;
    if (err)
        return err;
    t->opened += got_cap;
    int answer = pecan_tag_label(r.tag);
    t->errors += answer < 0;
    unsigned got = pecan_tag_words(r.tag);
    if (answer == 0 && pecan_tag_items(r.tag) && got + 1 < PECAN_UTCB_MESSAGE_WORDS &&
        (m.word[got] & PECAN_ITEM_KIND_MASK) == PECAN_ITEM_MAP &&
        !(m.word[got] >> PECAN_ITEM_RESULT_SHIFT))
        t->mapped++;
    if (verdict >= 0 && (answer == 0) != (verdict == 1)) {
        printf("fb-fuzz: message %u (label %d, %u words, w0 %lu w1 %lu w2 %lu w3 %lu): "
               "answered %d (FAILED)\n", n, l, words, (unsigned long)sent[0],
               (unsigned long)sent[1], (unsigned long)sent[2], (unsigned long)sent[3], answer);
        return -PECAN_EINVAL;
    }
    t->judged += verdict >= 0;
    return 0;
}

static int make_pool(void)
{
    int err = testkit_pool_init(&pool, rig.clients);
    pecan_cap_t copies[] = { rig.channel, session.cap, buffer, frame };
    for (unsigned i = 0; i < sizeof(copies) / sizeof(copies[0]) && !err; i++)
        err = testkit_pool_add(&pool, copies[i]);
    if (!err)
        err = testkit_pool_add_gate(&pool, rig.clients);   /* a fresh gate: CREATE may take it */
    return err;
}

static int start_driver(void)
{
    static const char *const argv[] = { "fb-drv", "--mode=640x480x16" };
    struct child_cap caps[] = { { "fb", rig.channel, PECAN_RIGHTS_ALL },
                                   { "iomem", registers, PECAN_RIGHTS_ALL },
                                   { "frame", frame, PECAN_RIGHTS_ALL } };
    struct child_spec spec = {
        .path = "rom/fb-drv.elf", .argc = 2, .argv = argv, .factory = driver_factory,
        .cap_count = 3, .caps = caps,
    };
    struct child *child;
    return testkit_start("fb-fuzz", &rig.children, &spec, &child);
}

/* The receive window: WINDOW_SIZE aligned inside an area reserved twice as large, so
 * nothing of moe's is ever mapped there. */
static int reserve_window(void)
{
    pecan_word_t area = PECAN_ENV_FREE_BASE;
    int err = pecan_rm_reserve(PECAN_ENV_RM, &area, 2 * WINDOW_SIZE, PECAN_RM_SEARCH_ADDRESS);
    window = (area + WINDOW_SIZE - 1) & ~(WINDOW_SIZE - 1);
    return err;
}

static int start(void)
{
    pecan_cap_t iomem = pecan_env_cap("iomem");
    pecan_cap_t *slots[] = { &driver_factory, &frame, &registers, &buffer };
    int err = iomem ? 0 : -PECAN_ENOENT;
    if (!err)
        err = testkit_rig_init(&rig, 1u << 20);
    for (unsigned i = 0; i < sizeof(slots) / sizeof(slots[0]) && !err; i++)
        err = pecan_cap_alloc(slots[i]);
    if (!err)
        err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 2u << 20, driver_factory);
    if (!err)
        err = pecan_iomem_view(iomem, PECAN_ENV_FACTORY, PL111, 0x1000, registers);
    if (!err)
        err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, FRAME_SIZE,
                                             PECAN_DATASPACE_CONTIGUOUS, 0, frame, 0);
    if (!err)
        err = start_driver();
    if (!err)
        err = pecan_framebuffer_open(rig.channel, rig.clients, &session);
    if (!err)
        err = pecan_framebuffer_get_buffer(session.cap, 0, buffer, 0);
    if (!err)
        err = reserve_window();
    return err ? err : make_pool();
}

/* Everything that must come back: fb-drv's sessions, objects and slots, moe's free memory,
 * the fuzzer's quota and fb-drv's. The sessions opened by chance close when fb-drv sees
 * their last capability go. */
static struct testkit_watch accounts(void)
{
    struct testkit_watch w = { .channel = rig.channel, .moe_free = true, .factory_count = 2,
                               .factory = { rig.clients, driver_factory },
                               .factory_name = { "fuzzer", "fb-drv" } };
    return w;
}

/* The session still does its job: INFO, a page of the buffer mapped and written, REFRESH. */
static int still_serves(void)
{
    struct pecan_framebuffer_info info;
    int err = pecan_framebuffer_info(session.cap, &info);
    if (err || info.width != WIDTH || info.height != HEIGHT)
        return err ? err : -PECAN_EINVAL;
    pecan_word_t mapped;
    err = pecan_dataspace_map(buffer, FRAME_SIZE - 1, PECAN_MAP_READ | PECAN_MAP_WRITE, window,
                              12, &mapped);
    if (err)
        return err;
    volatile uint8_t *page = (volatile uint8_t *)(uintptr_t)mapped;
    page[100] = 0x42;
    if (page[100] != 0x42)
        return -PECAN_EINVAL;
    return pecan_framebuffer_refresh(session.cap, 0, 0, WIDTH, HEIGHT);
}

/* Whatever MAP put into the window goes again (the pages stay fb-drv's). */
static void clear_window(void)
{
    pecan_vspace_unmap(PECAN_ENV_VSPACE, window, WINDOW_ORDER, PECAN_UNMAP_OWN);
}

int main(void)
{
    testkit_seed(0x9E3779B9u);
    int err = start();
    if (!err)
        err = still_serves();   /* also the warm-up: fb-drv's heap, our page tables */
    clear_window();
    struct testkit_watch watch = accounts();
    struct testkit_accounts before = testkit_measure(&watch), after;
    if (!err)
        err = before.error;
    if (err) {
        printf("fb-fuzz: setting up: error %d (FAILED)\n", err);
        return 100;
    }
    struct tally t = { 0, 0, 0, 0 };
    unsigned sent = 0;
    for (; sent < MESSAGES && !err; sent++)
        err = fuzz_one(&t, sent);
    clear_window();
    if (err == -PECAN_EINVAL)
        return 1;   /* a wrong answer, reported */
    if (err) {
        printf("fb-fuzz: message %u not answered: error %d (FAILED)\n", sent - 1, err);
        return 1;
    }
    err = still_serves();
    clear_window();
    if (err) {
        printf("fb-fuzz: the session no longer works: error %d (FAILED)\n", err);
        return 1;
    }
    if (!testkit_settle(&watch, &before, SETTLE_TRIES, &after)) {
        testkit_print_accounts("fb-fuzz", &watch, &before, &after, true);
        return 1;
    }
    printf("fb-fuzz: %u messages, %u refused, %u judged right, %u pages mapped, %u caps got "
           "by chance: fb-drv intact, accounting exact\n", sent, t.errors, t.judged, t.mapped,
           t.opened);
    return 0;
}
