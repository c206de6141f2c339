/* SPDX-License-Identifier: MIT */
/*
 * fb-drv's sessions (pecan/protocol/framebuffer.h): every session shows the one screen.
 * A session object speaks FRAMEBUFFER and DATASPACE: its buffer 0 is itself, the frame's
 * memory, mapped page by page from fb-drv's own mapping of the frame. One fixed view
 * covers the whole screen; the dynamic operations are mag's and get ENOSYS here. The
 * PL111 scans the frame by itself (AUTO_REFRESH), so refreshes are checked and do
 * nothing. Sessions hold no state beyond the framework's: a hostile client can only waste
 * its own quota (its session's gate) and fb-drv's registry slots, which the registry's
 * capacity bounds.
 */
#include <pecan/memory_dataspace.h>
#include <pecan/protocol/framebuffer.h>
#include <stdlib.h>
#include "fb_drv.h"

#define SESSIONS 256u

struct screen screen;

struct screen_session {
    struct server_session base;   /* first: the framework's part */
};

static const uint32_t info_flags = PECAN_FRAMEBUFFER_AUTO_REFRESH;

/* ---- FRAMEBUFFER ------------------------------------------------------------------------- */

static int op_info(struct server_request *r)
{
    const struct fb_mode *m = &screen.mode;
    const struct pixel_format *f = m->format;
    pecan_word_t *out = r->out;
    out[0] = m->width;
    out[1] = m->height;
    out[2] = m->bytes_per_line;
    out[3] = f->bits_per_pixel;
    out[4] = PECAN_FRAMEBUFFER_COMPONENT(f->red.shift, f->red.size);
    out[5] = PECAN_FRAMEBUFFER_COMPONENT(f->green.shift, f->green.size);
    out[6] = PECAN_FRAMEBUFFER_COMPONENT(f->blue.shift, f->blue.size);
    out[7] = info_flags;
    out[8] = 1;   /* the fixed view: the whole screen */
    out[9] = 1;   /* the fixed buffer: the frame */
    r->reply_words = 10;
    return 0;
}

/* Buffer 0 is the session itself: another copy of it, with the caller's WRITE or not. */
static int op_get_buffer(struct server_request *r)
{
    int err = server_need_words(r, 2);
    if (err)
        return err;
    if (r->in[1] != 0)
        return -PECAN_ENOENT;
    err = server_reply_object(r, r->object, (r->rights & PECAN_RIGHT_WRITE) | PECAN_RIGHT_GRANT);
    if (err)
        return err;
    server_reply_word(r, screen.mode.frame_size);
    return 0;
}

static int op_view_info(struct server_request *r)
{
    int err = server_need_words(r, 2);
    if (err)
        return err;
    if (r->in[1] != 0)
        return -PECAN_ENOENT;
    pecan_word_t *out = r->out;
    out[0] = PECAN_FRAMEBUFFER_VIEW_FIXED;
    out[1] = 0;                             /* x */
    out[2] = 0;                             /* y */
    out[3] = screen.mode.width;
    out[4] = screen.mode.height;
    out[5] = 0;                             /* buffer */
    out[6] = 0;                             /* offset */
    out[7] = screen.mode.bytes_per_line;
    r->reply_words = 8;
    return 0;
}

/* A rectangle x, y, width, height (words at w) that must be non-empty and inside
 * width x height; 64-bit sums, so no word can wrap around. */
static int check_rectangle(const pecan_word_t *w, uint32_t width, uint32_t height)
{
    if (w[2] == 0 || w[3] == 0)
        return -PECAN_EINVAL;
    if ((uint64_t)w[0] + w[2] > width || (uint64_t)w[1] + w[3] > height)
        return -PECAN_ERANGE;
    return 0;
}

static int op_refresh_view(struct server_request *r)
{
    int err = server_need_words(r, 6);
    if (err)
        return err;
    if (r->in[1] != 0)
        return -PECAN_ENOENT;
    return check_rectangle(&r->in[2], screen.mode.width, screen.mode.height);
}

static int op_refresh(struct server_request *r)
{
    int err = server_need_words(r, 5);
    if (err)
        return err;
    return check_rectangle(&r->in[1], screen.mode.width, screen.mode.height);
}

static int framebuffer_request(struct server_request *r)
{
    int err = server_need_words(r, 1);
    if (err)
        return err;
    switch (r->in[0]) {
    case PECAN_FRAMEBUFFER_INFO: return op_info(r);
    case PECAN_FRAMEBUFFER_GET_BUFFER: return op_get_buffer(r);
    case PECAN_FRAMEBUFFER_VIEW_INFO: return op_view_info(r);
    case PECAN_FRAMEBUFFER_REFRESH_VIEW: return op_refresh_view(r);
    case PECAN_FRAMEBUFFER_REFRESH: return op_refresh(r);
    default: return -PECAN_ENOSYS;   /* unknown, or mag's dynamic buffers and views */
    }
}

/* ---- DATASPACE: the frame ---------------------------------------------------------------- */

static int dataspace_request(struct server_request *r)
{
    const struct server_memory_dataspace frame = { screen.pixels, screen.mode.frame_size };
    return server_memory_dataspace_request(r, &frame);
}

/* ---- sessions ---------------------------------------------------------------------------- */

static int open_session(struct server_request *r, struct server_session **out)
{
    if (r->words != 2)
        return -PECAN_EINVAL;   /* fb-drv takes no options */
    struct screen_session *session = calloc(1, sizeof(*session));
    if (!session)
        return -PECAN_ENOMEM;
    *out = &session->base;
    return 0;
}

static void close_session(struct server_session *session)
{
    free(session);
}

static const struct server_protocol protocols[] = {
    { PECAN_PROTO_FRAMEBUFFER, framebuffer_request },
    { PECAN_PROTO_DATASPACE, dataspace_request },
};

static struct server_sessions sessions = {
    .protocol = PECAN_PROTO_FRAMEBUFFER,
    .type = { .name = "framebuffer", .protocols = protocols, .protocol_count = 2 },
    .open = open_session,
    .close = close_session,
};

int screen_serve(struct server *s, pecan_cap_t channel)
{
    int err = server_program_init(s, SESSIONS);
    return err ? err : server_sessions_serve(s, &sessions, channel);
}

unsigned screen_sessions_open(void)
{
    return sessions.open_count;
}
