/* SPDX-License-Identifier: MIT */
/*
 * term: a terminal in a mag window (docs/graphics.md, "term"). It is a client of the
 * FRAMEBUFFER session "fb" (a mag session, whose capability also speaks EVENT: the keys
 * of the focused window) and serves console sessions (the LOG protocol, console.c) on the
 * channel "term", so a program started with `log = term:create(L4.Proto.Log)` has the
 * terminal as its stdout and stdin.
 *
 * Threads and the lock: the main thread serves the sessions; an input thread reads the
 * session's event ring. Both take the one lock around libvterm, the screen and the
 * console's input buffer, so that state has one owner at a time.
 *
 * Batching: WRITE only feeds libvterm; the screen is drawn and refreshed by the loop's
 * periodic call (every TERM_FLUSH_US, at the kernel's tick: 10 ms) when little output
 * came since the call before, at most every 40 ms while it streams, and after each batch
 * of keys: a stream of output costs one redraw per 40 ms, not one per message.
 *
 * Resizing: the input thread also reads mag's RESIZE events; after a batch with one it
 * asks INFO, replaces buffer 0 (GET_BUFFER 0), resizes the grid (screen.c) and signals
 * the console's readers that bound resize bits (console.c), which the runtime turns into
 * SIGWINCH. Each resize prints one line, "term: resized to COLUMNSxROWS", or why not.
 *
 * Usage: term [--flush-us=N] (capabilities "fb" and "term"). A missing capability or a
 * window that cannot be mapped is one line "term: error: ..." and exit status 1. Once
 * serving it prints "term: COLUMNSxROWS ready".
 */
#include <pecan/dataspace.h>
#include <pecan/event.h>
#include <pecan/factory.h>
#include <pecan/framebuffer.h>
#include <pecan/kip.h>
#include <pecan/protocol/factory.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "console.h"
#include "screen.h"

#define SESSIONS 32u
#define TERM_FLUSH_US 5000u
#define TERM_STREAM_FLUSH_NS 40000000u
#define TERM_STREAM_BYTES 512u         /* more per tick is a stream, not an echo */
#define NOTIFICATION_BIT 0x1u
#define OPEN_WORDS_MAX (2u + 2u + 32u / 4u)

extern const uint8_t console_font[];
extern const uint32_t console_font_size;

static struct pecan_mutex lock = PECAN_MUTEX_INIT;
static struct server server;
static struct pecan_framebuffer_mapping mapping;
static struct psf_font font;
static pecan_cap_t fb;
static struct pecan_event_client events;
static pecan_cap_t notification;
static size_t written_since_tick;  /* bytes written since the last periodic call */
static uint64_t last_flush_ns;     /* KIP clock of the last periodic flush */

/* Draws what changed and shows it (mag draws on REFRESH; a screen with AUTO_REFRESH
 * shows memory as it is). Called with the lock held. */
static void flush(void)
{
    struct term_rectangle drawn;
    if (term_screen_flush(&drawn) && !(mapping.info.flags & PECAN_FRAMEBUFFER_AUTO_REFRESH))
        pecan_framebuffer_refresh(fb, drawn.x, drawn.y, drawn.width, drawn.height);
}

/* The loop's periodic call: draws when little output came since the last call (an echo,
 * a prompt: drawn at the next tick), and while output streams at most every
 * TERM_STREAM_FLUSH_NS, as mag composites at most every 40 ms: a screen redrawn per tick
 * would cost a fifth of the CPU. */
static void periodic_flush(struct server *s)
{
    (void)s;
    uint64_t now = pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
    pecan_mutex_lock(&lock);
    if (written_since_tick < TERM_STREAM_BYTES || now - last_flush_ns >= TERM_STREAM_FLUSH_NS) {
        flush();
        last_flush_ns = now;
    }
    written_since_tick = 0;
    pecan_mutex_unlock(&lock);
}

static void window_size(uint32_t *rows, uint32_t *columns)
{
    term_screen_size(rows, columns);
}

/* Output: into libvterm; drawn by the periodic call. */
static void write_output(const char *bytes, size_t length)
{
    term_screen_write(bytes, length);
    written_since_tick += length;
}

static const struct term_console_hooks hooks = {
    .write = write_output,
    .window_size = window_size,
};

static int console_handler(struct server_request *r)
{
    pecan_mutex_lock(&lock);
    int result = term_console_request(r, (struct term_console_session *)r->object);
    pecan_mutex_unlock(&lock);
    return result;
}

/* A console session takes no arguments; the colour and tag of moe's log CREATE (what
 * ned's create(L4.Proto.Log, ...) sends, at most a 32-byte tag) are accepted and ignored,
 * since a terminal shows no tag. */
static int open_session(struct server_request *r, struct server_session **out)
{
    if (r->words > OPEN_WORDS_MAX)
        return -PECAN_EINVAL;
    struct term_console_session *s = calloc(1, sizeof(*s));
    if (!s)
        return -PECAN_ENOMEM;
    pecan_mutex_lock(&lock);
    term_console_attach(s);
    pecan_mutex_unlock(&lock);
    *out = &s->session;
    return 0;
}

static void close_session(struct server_session *base)
{
    struct term_console_session *s = (struct term_console_session *)base;
    pecan_mutex_lock(&lock);
    term_console_detach(s);
    pecan_mutex_unlock(&lock);
    free(s);
}

static const struct server_protocol protocols[] = {
    { PECAN_PROTO_LOG, console_handler },
};

/* CREATE's w1 is moe's number for a log object (PECAN_FACTORY_LOG), not the protocol's:
 * term's channel is a factory of logs as moe's factory is, so ned's
 * create(L4.Proto.Log) and pecan_factory_create_log work on it unchanged. */
static struct server_sessions sessions = {
    .protocol = PECAN_FACTORY_LOG,
    .type = { .name = "term", .protocols = protocols, .protocol_count = 1 },
    .open = open_session,
    .close = close_session,
};

static bool same_format(const struct pixel_format *a, const struct pixel_format *b)
{
    return a->bits_per_pixel == b->bits_per_pixel && a->red.shift == b->red.shift &&
           a->red.size == b->red.size && a->green.shift == b->green.shift &&
           a->green.size == b->green.size && a->blue.shift == b->blue.shift &&
           a->blue.size == b->blue.size;
}

/* GET_BUFFER 0 failed: it may have freed the old buffer before it failed (mag frees it,
 * then makes the new one). Its dataspace still answering means its pages are still ours
 * to draw on; else nothing is drawn until a later resize brings a buffer. */
static void buffer_refused(int err, uint32_t rows, uint32_t columns)
{
    struct pecan_dataspace_info old;
    if (pecan_dataspace_info(mapping.buffer, &old) == 0) {
        printf("term: resize: GET_BUFFER 0 failed (error %d); staying %lux%lu on the old "
               "buffer\n", err, (unsigned long)columns, (unsigned long)rows);
        return;
    }
    pecan_framebuffer_unmap(&mapping);
    term_screen_detach();
    printf("term: resize: GET_BUFFER 0 failed (error %d) and the old buffer is gone: "
           "nothing shown until the next resize\n", err);
}

/* The window was resized (mag's RESIZE event; pecan/protocol/framebuffer.h, "Resizing";
 * the event's own size is not needed: INFO answers the newest). INFO first, so that a
 * failure there keeps the old buffer, which stays valid until GET_BUFFER 0; that call
 * replaces buffer 0 and takes the old one's pages from this program, so the old mapping
 * goes and the new buffer is mapped; the grid follows, everything is drawn again, and the
 * console's readers that asked hear of a new size. Called with the lock held: nothing
 * draws meanwhile. */
static void resize_window(void)
{
    uint32_t rows, columns;
    term_screen_size(&rows, &columns);
    struct pecan_framebuffer_info info;
    int err = pecan_framebuffer_info(fb, &info);
    if (err) {
        printf("term: resize: INFO failed (error %d); staying %lux%lu\n", err,
               (unsigned long)columns, (unsigned long)rows);
        return;
    }
    if (!same_format(&info.format, &mapping.info.format)) {
        printf("term: resize: the window's pixel format changed; staying %lux%lu\n",
               (unsigned long)columns, (unsigned long)rows);
        return;
    }
    struct pecan_framebuffer_mapping next;
    if ((err = pecan_framebuffer_map(fb, &next)) != 0) {
        buffer_refused(err, rows, columns);
        return;
    }
    pecan_framebuffer_unmap(&mapping);
    mapping = next;
    err = term_screen_resize(&mapping.surface);
    uint32_t new_rows, new_columns;
    term_screen_size(&new_rows, &new_columns);
    if (err)
        printf("term: resize: no memory for the grid of a %lux%lu window (error %d); staying "
               "%lux%lu\n", (unsigned long)mapping.info.width, (unsigned long)mapping.info.height,
               err, (unsigned long)new_columns, (unsigned long)new_rows);
    else
        printf("term: resized to %lux%lu\n", (unsigned long)new_columns,
               (unsigned long)new_rows);
    if (new_rows != rows || new_columns != columns)
        term_console_resized();
}

static void *input_thread(void *unused)
{
    (void)unused;
    pecan_thread_park_prepare(pecan_thread_self());   /* see input_start */
    for (;;) {
        struct pecan_event e;
        bool resized = false;
        pecan_mutex_lock(&lock);
        /* Keys in order; of several resizes in a batch only the last size counts. */
        while (pecan_event_consumer_get(&events.consumer, &e)) {
            if (e.type == PECAN_EVENT_RESIZE)
                resized = true;
            else
                term_screen_key(&e);
        }
        if (resized)
            resize_window();
        flush();
        pecan_mutex_unlock(&lock);
        pecan_word_t bits;
        if (pecan_notification_wait(notification, &bits) != 0) {
            printf("term: the input notification is gone; no more input\n");
            return 0;
        }
    }
}

/* The keys of the window: the session's EVENT side, read by a thread of its own. */
static int input_start(void)
{
    struct pecan_thread *thread;
    int err = pecan_event_attach(fb, &events);
    if (!err)
        err = pecan_cap_alloc(&notification);
    if (!err)
        err = pecan_factory_create_notification(PECAN_ENV_FACTORY, notification);
    if (!err)
        err = pecan_event_bind(fb, notification, NOTIFICATION_BIT);
    /* The notification a thread blocks on when the lock is taken is made now rather than
     * at the first contention, which could find the quota used up. */
    if (!err)
        err = pecan_thread_create(&thread, input_thread, 0);
    return err;
}

static int setup_error(const char *what, int err)
{
    printf("term: error: %s (%d)\n", what, err);
    return 1;
}

int main(int argc, char **argv)
{
    uint32_t flush_us = TERM_FLUSH_US;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--flush-us=", 11) == 0 && atoi(argv[i] + 11) > 0)
            flush_us = (uint32_t)atoi(argv[i] + 11);
        else
            return setup_error("usage: term [--flush-us=N] (capabilities \"fb\", \"term\")", 0);
    }
    fb = pecan_env_cap("fb");
    pecan_cap_t channel = pecan_env_cap("term");
    if (!fb || !channel)
        return setup_error("needs capabilities \"fb\" (a FRAMEBUFFER session) and \"term\"", 0);
    enum psf_error e = psf_font_open(&font, console_font, console_font_size);
    if (e != PSF_OK)
        return setup_error(psf_error_text(e), (int)e);
    static struct psf_index_entry index[2048];
    if (font.unicode_entry_count <= sizeof(index) / sizeof(index[0]))
        psf_font_build_index(&font, index, sizeof(index) / sizeof(index[0]));
    int err = pecan_framebuffer_map(fb, &mapping);
    if (err)
        return setup_error("mapping the window of \"fb\"", err);
    if ((err = term_screen_init(&mapping.surface, &font, term_console_input)) != 0)
        return setup_error("setting the screen up", err);
    term_console_init(&hooks);
    if ((err = pecan_thread_park_prepare(pecan_thread_self())) != 0)
        return setup_error("preparing the lock", err);
    if ((err = server_program_init(&server, SESSIONS)) != 0 ||
        (err = server_sessions_serve(&server, &sessions, channel)) != 0)
        return setup_error("cannot serve \"term\"", err);
    server.config.periodic = periodic_flush;
    server.config.period_us = flush_us;
    pecan_mutex_lock(&lock);
    flush();
    pecan_mutex_unlock(&lock);
    if ((err = input_start()) != 0)
        printf("term: no keys from \"fb\" (error %d); output only\n", err);
    uint32_t rows, columns;
    term_screen_size(&rows, &columns);
    printf("term: %lux%lu ready\n", (unsigned long)columns, (unsigned long)rows);
    server_loop(&server);
}
