/* SPDX-License-Identifier: MIT */
/*
 * The screen bench_term serves term (bench_screen.h): what a mag window is to term,
 * reduced to what term uses. One session at a time; buffer 0 is the session itself, a
 * dataspace of this program's pixels (as fb-drv's frame is), and its EVENT side is a
 * stream made when the session opens. REFRESH is checked as fb-drv checks it, kept and
 * signalled, so the benchmark sees when term has drawn.
 *
 * Resizing, as mag does it (pecan/protocol/framebuffer.h, "Resizing"), for term's
 * resize test: bench_screen_resize puts a RESIZE event in the ring, and INFO answers the
 * new size from then on; buffer 0 keeps its size until the next GET_BUFFER 0, which
 * replaces it by a cleared one of the new size (the same pixels array, its lines
 * width * 2 bytes long: a size is at most BENCH_SCREEN_WIDTH x BENCH_SCREEN_HEIGHT). A
 * test can make the next INFOs or GET_BUFFERs fail (bench_screen_fail) and counts the
 * calls (bench_screen_calls).
 *
 * Invariants: the stream, the last refresh, the sizes and the counts are changed only
 * under `lock` (the server thread answers BIND, INFO, GET_BUFFER and REFRESH, the test's
 * thread puts events and reads refreshes); `open_session` is the one open session or
 * NULL; both sizes are 1 .. BENCH_SCREEN_WIDTH x 1 .. BENCH_SCREEN_HEIGHT.
 */
#include <pecan/event_server.h>
#include <pecan/memory_dataspace.h>
#include <pecan/protocol/framebuffer.h>
#include <pecan/runtime.h>
#include <pecan/server.h>
#include <pecan/sys.h>
#include <pecan/thread.h>
#include <graphics/pixel_format.h>
#include <stdlib.h>
#include <string.h>
#include "bench_screen.h"

#define PAGE 4096u
#define FRAME_BYTES (BENCH_SCREEN_WIDTH * BENCH_SCREEN_HEIGHT * 2u)
#define SESSIONS 4u

struct bench_session {
    struct server_session base;   /* first: the framework's part */
    struct pecan_event_stream events;
};

static uint16_t pixels[BENCH_SCREEN_WIDTH * BENCH_SCREEN_HEIGHT] __attribute__((aligned(PAGE)));
static struct pecan_mutex lock = PECAN_MUTEX_INIT;
static struct server server;
static struct bench_session *open_session;
static struct bench_screen_rectangle refreshed;
static pecan_cap_t refreshed_notification;
static pecan_word_t refreshed_bits;
/* The size INFO answers, and the size of buffer 0 as it was handed out. */
static uint32_t info_width = BENCH_SCREEN_WIDTH, info_height = BENCH_SCREEN_HEIGHT;
static uint32_t buffer_width = BENCH_SCREEN_WIDTH, buffer_height = BENCH_SCREEN_HEIGHT;
static unsigned info_failures, buffer_failures;
static struct bench_screen_calls calls;

/* ---- FRAMEBUFFER ------------------------------------------------------------------------- */

/* One failure less to give: true if this call is to fail. */
static bool failing(unsigned *failures)
{
    if (!*failures)
        return false;
    --*failures;
    return true;
}

static int op_info(struct server_request *r)
{
    const struct pixel_format *f = &pixel_format_rgb565;
    pecan_word_t *out = r->out;
    pecan_mutex_lock(&lock);
    calls.info++;
    bool fail = failing(&info_failures);
    uint32_t width = info_width, height = info_height;
    pecan_mutex_unlock(&lock);
    if (fail)
        return -PECAN_EBUSY;
    out[0] = width;
    out[1] = height;
    out[2] = width * 2u;
    out[3] = f->bits_per_pixel;
    out[4] = PECAN_FRAMEBUFFER_COMPONENT(f->red.shift, f->red.size);
    out[5] = PECAN_FRAMEBUFFER_COMPONENT(f->green.shift, f->green.size);
    out[6] = PECAN_FRAMEBUFFER_COMPONENT(f->blue.shift, f->blue.size);
    out[7] = 0;   /* no AUTO_REFRESH: term says what it drew */
    out[8] = 1;
    out[9] = 1;
    r->reply_words = 10;
    return 0;
}

static int op_get_buffer(struct server_request *r)
{
    int err = server_need_words(r, 2);
    if (err)
        return err;
    if (r->in[1] != 0)
        return -PECAN_ENOENT;
    pecan_mutex_lock(&lock);
    calls.get_buffer++;
    bool fail = failing(&buffer_failures);
    bool replace = !fail && (buffer_width != info_width || buffer_height != info_height);
    if (replace) {
        buffer_width = info_width;
        buffer_height = info_height;
    }
    pecan_mutex_unlock(&lock);
    if (fail)
        return -PECAN_ENOMEM;
    if (replace)   /* a new buffer is cleared */
        memset(pixels, 0, sizeof(pixels));
    err = server_reply_object(r, r->object, (r->rights & PECAN_RIGHT_WRITE) | PECAN_RIGHT_GRANT);
    if (err)
        return err;
    server_reply_word(r, FRAME_BYTES);
    return 0;
}

static int op_refresh(struct server_request *r)
{
    int err = server_need_words(r, 5);
    if (err)
        return err;
    const pecan_word_t *w = &r->in[1];
    if (w[2] == 0 || w[3] == 0)
        return -PECAN_EINVAL;
    pecan_mutex_lock(&lock);
    bool inside = (uint64_t)w[0] + w[2] <= buffer_width && (uint64_t)w[1] + w[3] <= buffer_height;
    if (inside)
        refreshed = (struct bench_screen_rectangle){ w[0], w[1], w[2], w[3] };
    calls.refresh_outside += !inside;
    pecan_mutex_unlock(&lock);
    if (!inside)
        return -PECAN_ERANGE;
    pecan_notification_signal(refreshed_notification, refreshed_bits);
    return 0;
}

static int framebuffer_request(struct server_request *r)
{
    int err = server_need_words(r, 1);
    if (err)
        return err;
    switch (r->in[0]) {
    case PECAN_FRAMEBUFFER_INFO: return op_info(r);
    case PECAN_FRAMEBUFFER_GET_BUFFER: return op_get_buffer(r);
    case PECAN_FRAMEBUFFER_REFRESH: return op_refresh(r);
    default: return -PECAN_ENOSYS;   /* views and buffers of their own: mag's */
    }
}

/* ---- DATASPACE: the pixels ----------------------------------------------------------------- */

static int dataspace_request(struct server_request *r)
{
    static const struct server_memory_dataspace block = { (uint8_t *)pixels, FRAME_BYTES };
    return server_memory_dataspace_request(r, &block);
}

/* ---- EVENT --------------------------------------------------------------------------------- */

static void event_info(pecan_word_t *devices, pecan_word_t *modifiers, pecan_word_t *buttons)
{
    *devices = PECAN_EVENT_DEVICE_KEYBOARD;
    *modifiers = 0;
    *buttons = 0;
}

static void lock_stream(void)
{
    pecan_mutex_lock(&lock);
}

static void unlock_stream(void)
{
    pecan_mutex_unlock(&lock);
}

static const struct pecan_event_service event_service = { lock_stream, unlock_stream, event_info };

static int event_request(struct server_request *r)
{
    struct bench_session *s = (struct bench_session *)r->object;
    return pecan_event_stream_request(r, &s->events, &event_service);
}

bool bench_screen_send(const struct pecan_event *events, unsigned count)
{
    bool all = true;
    pecan_mutex_lock(&lock);
    if (!open_session) {
        pecan_mutex_unlock(&lock);
        return false;
    }
    for (unsigned i = 0; i < count; i++)
        all = pecan_event_stream_put(&open_session->events, &events[i]) && all;
    pecan_event_stream_signal(&open_session->events);
    pecan_mutex_unlock(&lock);
    return all;
}

/* ---- sessions ------------------------------------------------------------------------------ */

static int open_bench_session(struct server_request *r, struct server_session **out)
{
    if (r->words != 2)
        return -PECAN_EINVAL;
    struct bench_session *s = calloc(1, sizeof(*s));
    if (!s)
        return -PECAN_ENOMEM;
    int err = pecan_event_stream_make(&s->events);
    pecan_mutex_lock(&lock);
    if (!err && open_session)
        err = -PECAN_EBUSY;
    if (!err)
        open_session = s;
    pecan_mutex_unlock(&lock);
    if (err) {
        if (s->events.address)
            pecan_event_stream_free(&s->events);
        free(s);
        return err;
    }
    *out = &s->base;
    return 0;
}

static void close_bench_session(struct server_session *base)
{
    struct bench_session *s = (struct bench_session *)base;
    pecan_mutex_lock(&lock);
    open_session = 0;
    pecan_event_stream_free(&s->events);
    pecan_mutex_unlock(&lock);
    free(s);
}

static const struct server_protocol protocols[] = {
    { PECAN_PROTO_FRAMEBUFFER, framebuffer_request },
    { PECAN_PROTO_DATASPACE, dataspace_request },
    { PECAN_PROTO_EVENT, event_request },
};

static struct server_sessions sessions = {
    .protocol = PECAN_PROTO_FRAMEBUFFER,
    .type = { .name = "bench-screen", .protocols = protocols, .protocol_count = 3 },
    .open = open_bench_session,
    .close = close_bench_session,
};

int bench_screen_serve(pecan_cap_t channel, pecan_cap_t notification, pecan_word_t bits)
{
    /* Every page of the pixels present here before a client maps it: a reply maps only
     * pages this program has (the heap's and the data's come at the first touch). */
    memset(pixels, 0, sizeof(pixels));
    refreshed_notification = notification;
    refreshed_bits = bits;
    int err = server_program_thread(&server, SESSIONS);
    return err ? err : server_sessions_serve(&server, &sessions, channel);
}

bool bench_screen_resize(uint32_t width, uint32_t height, unsigned events)
{
    if (width < 1 || height < 1 || width > BENCH_SCREEN_WIDTH || height > BENCH_SCREEN_HEIGHT ||
        events < 1 || events > 8)
        return false;
    struct pecan_event resize[8];
    for (unsigned i = 0; i < events; i++)
        resize[i] = (struct pecan_event){ .type = PECAN_EVENT_RESIZE, .x = (int32_t)width,
                                          .y = (int32_t)height };
    pecan_mutex_lock(&lock);
    info_width = width;
    info_height = height;
    pecan_mutex_unlock(&lock);
    return bench_screen_send(resize, events);
}

void bench_screen_fail(unsigned infos, unsigned get_buffers)
{
    pecan_mutex_lock(&lock);
    info_failures = infos;
    buffer_failures = get_buffers;
    pecan_mutex_unlock(&lock);
}

struct bench_screen_calls bench_screen_calls(void)
{
    pecan_mutex_lock(&lock);
    struct bench_screen_calls c = calls;
    pecan_mutex_unlock(&lock);
    return c;
}

uint32_t bench_screen_buffer_width(void)
{
    pecan_mutex_lock(&lock);
    uint32_t width = buffer_width;
    pecan_mutex_unlock(&lock);
    return width;
}

struct bench_screen_rectangle bench_screen_refreshed(void)
{
    pecan_mutex_lock(&lock);
    struct bench_screen_rectangle r = refreshed;
    pecan_mutex_unlock(&lock);
    return r;
}

const uint16_t *bench_screen_pixels(void)
{
    return pixels;
}
