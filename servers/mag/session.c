/* SPDX-License-Identifier: MIT */
/*
 * mag's sessions (pecan/protocol/framebuffer.h, docs/graphics.md "mag"). A session is a
 * window: its creator (the boot script, through CREATE's arguments) gives its label, its
 * colour, where it is and how big; the client never can. Its fixed buffer 0 and fixed
 * view 0 are the window, so a client written for fb-drv works unchanged, and INFO
 * describes the window as the session's screen. With DYNAMIC_VIEWS and DYNAMIC_BUFFERS a
 * client makes more buffers (up to the session's memory limit) and views, positioned in
 * the session's coordinates: the window's top left corner is (0, 0).
 *
 * Buffers are moe dataspaces made through the session's own factory, a factory mag owns
 * whose quota the client pays (moe's CREATE FACTORY with the client's factory as payer:
 * the open's item 1, pecan_session_open_charged) or, for a client that sent none, mag's
 * own factory pays. mag owns that factory, so the client can neither destroy the pixels
 * mag reads nor make mag call anything it chose; its quota holds the session's memory
 * limit and moe's bookkeeping, and every page is backed at CREATE_BUFFER, so reading a
 * buffer never faults for want of quota. They are attached in mag's space; GET_BUFFER and
 * CREATE_BUFFER hand the client a copy derived from mag's capability. When a buffer goes
 * (DELETE_BUFFER, or its session closes), mag revokes every copy and deletes its own, so
 * moe destroys the dataspace: a client keeps no pixels of a closed session, and no client
 * ever holds a capability to another's buffer. The session's factory goes at its close,
 * and its quota back to whoever paid.
 *
 * Resizing (pecan/protocol/framebuffer.h, "Resizing"): the user's drag (input.c) sets
 * the session's wanted size, which INFO answers; the client's next GET_BUFFER 0 replaces
 * buffer 0 by one of that size and view 0 shows it. Until then buffer 0, view 0 and
 * REFRESH keep the old size, so a client that ignores the resize keeps its window.
 *
 * Every session speaks EVENT too (pecan/protocol/event.h), as an L4Re console does: the
 * events mag routes to it (input.c) arrive in a ring of its own, made at its first
 * GET_BUFFER through mag's factory.
 *
 * Every request is checked whole before anything changes, in the protocol's order, under
 * mag_lock (the input thread changes the same state).
 */
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/framebuffer.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mag.h"

#define SESSIONS 64u
#define PAGE_SIZE 4096u
#define DEFAULT_COLOUR 0x808080u
#define DEFAULT_X 16u
#define DEFAULT_WIDTH 320u
#define DEFAULT_HEIGHT 240u
#define MAX_MEMORY_LIMIT (64u << 20)   /* what one script argument may let a session take */

static struct server *serving;
static struct mag_session *open_sessions[SESSIONS];   /* in the order they opened */
static unsigned open_count;
static const uint32_t info_flags =
    PECAN_FRAMEBUFFER_DYNAMIC_VIEWS | PECAN_FRAMEBUFFER_DYNAMIC_BUFFERS;

static uint32_t bytes_per_pixel(void)
{
    return pixel_format_bytes_per_pixel(&mag_screen.surface.format);
}

static uint64_t round_to_pages(uint64_t bytes)
{
    return (bytes + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
}

/* ---- buffers ----------------------------------------------------------------------------- */

/* moe's bookkeeping the session's factory must hold beside the pixels (its quota is the
 * memory limit plus this): per buffer its gate and page table, record pages, and the
 * second level of tables of buffers over 4 MiB (a word per page). */
static uint64_t bookkeeping(uint32_t memory_limit)
{
    return (uint64_t)PAGE_SIZE * (2 * MAG_BUFFERS_PER_SESSION + 3) + memory_limit / 1024;
}

/* A buffer of size bytes (whole pages) through the session's factory, every page backed
 * now: mag reads it later and must not fault for want of quota then. */
static int buffer_make(struct mag_session *session, struct mag_buffer *buffer, uint32_t size)
{
    pecan_cap_t ds;
    int err = pecan_cap_alloc(&ds);
    if (err)
        return err;
    err = pecan_factory_create_dataspace(session->memory, size, 0, 0, ds, 0);
    if (err) {
        pecan_cap_free(ds);
        return err == -PECAN_ENOMEM ? err : -PECAN_ENOMEM;
    }
    if ((err = pecan_dataspace_allocate(ds, 0, size)) != 0) {
        pecan_cap_release(ds);
        return err == -PECAN_ENOMEM ? err : -PECAN_ENOMEM;
    }
    pecan_word_t address = PECAN_ENV_FREE_BASE;
    err = pecan_rm_attach(PECAN_ENV_RM, &address, size,
                          PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0);
    if (err) {
        pecan_cap_release(ds);
        return -PECAN_ENOMEM;
    }
    *buffer = (struct mag_buffer){ .used = true, .dataspace = ds, .size = size,
                                   .pixels = (uint8_t *)(uintptr_t)address };
    return 0;
}

/* Every copy handed out goes with mag's own, so moe destroys the dataspace. */
static void buffer_free(struct mag_buffer *buffer)
{
    pecan_rm_detach(PECAN_ENV_RM, (pecan_word_t)(uintptr_t)buffer->pixels, 0, 0);
    pecan_cnode_revoke(serving->config.cnode, buffer->dataspace, serving->config.cnode_depth);
    pecan_cap_release(buffer->dataspace);
    *buffer = (struct mag_buffer){ .used = false };
}

static struct mag_buffer *find_buffer(struct mag_session *session, pecan_word_t number)
{
    if (number >= MAG_BUFFERS_PER_SESSION || !session->buffers[number].used)
        return 0;
    return &session->buffers[number];
}

static struct mag_view *find_view(struct mag_session *session, pecan_word_t number)
{
    if (number >= MAG_VIEWS_PER_SESSION || !session->views[number].used)
        return 0;
    return &session->views[number];
}

/* The view in w1 of an operation that changes it: writable copy, an existing view, and
 * not the session's fixed window (the script placed it). */
static int decode_changeable_view(const struct server_request *r, struct mag_session *session,
                                  unsigned words, struct mag_view **view)
{
    int err = server_need_writable(r, words);
    if (err)
        return err;
    if (!(*view = find_view(session, r->in[1])))
        return -PECAN_ENOENT;
    return ((*view)->flags & PECAN_FRAMEBUFFER_VIEW_FIXED) ? -PECAN_EPERM : 0;
}

static bool buffer_shown(const struct mag_session *session, uint32_t number)
{
    for (unsigned i = 0; i < MAG_VIEWS_PER_SESSION; i++)
        if (session->views[i].used && session->views[i].buffer == number)
            return true;
    return false;
}

/* ---- FRAMEBUFFER ------------------------------------------------------------------------- */

/* The session's screen as the user last sized it, which a resize pending makes the next
 * GET_BUFFER 0's (pecan/protocol/framebuffer.h, "Resizing"). */
static int op_info(struct server_request *r, struct mag_session *session)
{
    const struct pixel_format *f = &mag_screen.surface.format;
    pecan_word_t *out = r->out;
    out[0] = session->wanted_width;
    out[1] = session->wanted_height;
    out[2] = session->wanted_width * bytes_per_pixel();
    out[3] = f->bits_per_pixel;
    out[4] = PECAN_FRAMEBUFFER_COMPONENT(f->red.shift, f->red.size);
    out[5] = PECAN_FRAMEBUFFER_COMPONENT(f->green.shift, f->green.size);
    out[6] = PECAN_FRAMEBUFFER_COMPONENT(f->blue.shift, f->blue.size);
    out[7] = info_flags;
    out[8] = 1;
    out[9] = 1;
    r->reply_words = 10;
    return 0;
}

/* A copy of moe's dataspace; a read-only one would need moe to make it, so a caller
 * without WRITE gets none. */
static int reply_buffer(struct server_request *r, const struct mag_buffer *buffer)
{
    return server_reply_cap(r, buffer->dataspace, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
}

static uint32_t window_buffer_size(uint64_t width, uint64_t height)
{
    return (uint32_t)round_to_pages(width * height * bytes_per_pixel());
}

/* What a new buffer 0 may take: the limit less the session's other buffers. */
static uint64_t window_room(const struct mag_session *session)
{
    return (uint64_t)session->memory_limit - (session->memory_used - session->buffers[0].size);
}

static bool resize_pending(const struct mag_session *session)
{
    return !session->buffers[0].used || session->wanted_width != session->width ||
           session->wanted_height != session->height;
}

/* value within least and most, most no more than PECAN_FRAMEBUFFER_MAX_SIZE (on a
 * screen smaller than least, least wins). */
static int64_t bounded(int64_t value, int64_t least, int64_t most)
{
    most = most < least ? least : most;
    most = most < PECAN_FRAMEBUFFER_MAX_SIZE ? most : PECAN_FRAMEBUFFER_MAX_SIZE;
    return value < least ? least : value > most ? most : value;
}

bool session_clamp_size(const struct mag_session *session, int64_t *width, int64_t *height)
{
    int64_t w = bounded(*width, MAG_MIN_WIDTH, mag_screen.surface.width);
    int64_t h = bounded(*height, MAG_MIN_HEIGHT, mag_screen.surface.height);
    /* Whole pages of w * h pixels fit the room when the pixels fit its whole pages. */
    int64_t room = (int64_t)(window_room(session) & ~(uint64_t)(PAGE_SIZE - 1));
    int64_t pixel = bytes_per_pixel();
    if (w * h * pixel > room)
        h = room / (w * pixel);
    if (h < MAG_MIN_HEIGHT) {
        h = MAG_MIN_HEIGHT;
        w = room / (h * pixel);
    }
    if (w < MAG_MIN_WIDTH)
        return false;
    *width = w;
    *height = h;
    return true;
}

/* The client's own views of buffer 0 show nothing until it sets them again: their lines
 * may not lie inside the new buffer. */
static void hide_window_buffer_views(struct mag_session *session)
{
    for (unsigned i = 1; i < MAG_VIEWS_PER_SESSION; i++) {
        struct mag_view *view = &session->views[i];
        if (view->used && view->buffer == 0) {
            composite_damage_view(view);
            view->width = view->height = 0;
        }
    }
}

/* A resize is pending and the client asked for buffer 0: the old one goes (every copy
 * revoked), a new one of the wanted size comes, and view 0 shows it. If moe cannot make
 * it, buffer 0 stays unused and view 0 hidden until a later GET_BUFFER 0. */
static int replace_window_buffer(struct mag_session *session)
{
    uint32_t width = session->wanted_width, height = session->wanted_height;
    uint32_t size = window_buffer_size(width, height);
    if (size > window_room(session))
        return -PECAN_ENOMEM;   /* other buffers made since the drag: nothing changed */
    struct mag_view *window = &session->views[0];
    struct mag_buffer *buffer = &session->buffers[0];
    composite_damage_view(window);
    hide_window_buffer_views(session);
    if (buffer->used) {
        session->memory_used -= buffer->size;
        buffer_free(buffer);
    }
    window->buffer = MAG_NO_BUFFER;
    int err = buffer_make(session, buffer, size);
    if (err) {
        composite_flush();
        return err;
    }
    session->memory_used += size;
    session->width = width;
    session->height = height;
    window->width = width;
    window->height = height;
    window->buffer = 0;
    window->offset = 0;
    window->bytes_per_line = width * bytes_per_pixel();
    composite_damage_view(window);
    composite_flush();
    return 0;
}

static int op_get_buffer(struct server_request *r, struct mag_session *session)
{
    int err = server_need_writable(r, 2);
    if (err)
        return err;
    if (r->in[1] == 0 && resize_pending(session) &&
        (err = replace_window_buffer(session)) != 0)
        return err;
    const struct mag_buffer *buffer = find_buffer(session, r->in[1]);
    if (!buffer)
        return -PECAN_ENOENT;
    if ((err = reply_buffer(r, buffer)) != 0)
        return err;
    server_reply_word(r, buffer->size);
    return 0;
}

static int op_create_buffer(struct server_request *r, struct mag_session *session)
{
    int err = server_need_writable(r, 2);
    if (err)
        return err;
    uint64_t size = round_to_pages(r->in[1]);
    if (size == 0)
        return -PECAN_EINVAL;
    if (size > session->memory_limit - session->memory_used)
        return -PECAN_ENOMEM;
    unsigned number = 1;   /* 0 is the window's, even while a resize left it unused */
    while (number < MAG_BUFFERS_PER_SESSION && session->buffers[number].used)
        number++;
    if (number == MAG_BUFFERS_PER_SESSION)
        return -PECAN_ENOMEM;
    struct mag_buffer *buffer = &session->buffers[number];
    if ((err = buffer_make(session, buffer, (uint32_t)size)) != 0)
        return err;
    if ((err = reply_buffer(r, buffer)) != 0) {
        buffer_free(buffer);
        return err;
    }
    session->memory_used += (uint32_t)size;
    server_reply_word(r, number);
    return 0;
}

static int op_delete_buffer(struct server_request *r, struct mag_session *session)
{
    int err = server_need_writable(r, 2);
    if (err)
        return err;
    if (r->in[1] == 0)
        return -PECAN_EPERM;   /* fixed, even while a resize left it unused */
    struct mag_buffer *buffer = find_buffer(session, r->in[1]);
    if (!buffer)
        return -PECAN_ENOENT;
    if (buffer_shown(session, (uint32_t)r->in[1]))
        return -PECAN_EBUSY;
    session->memory_used -= buffer->size;
    buffer_free(buffer);
    return 0;
}

static int op_create_view(struct server_request *r, struct mag_session *session)
{
    if (!(r->rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    unsigned number = 0;
    while (number < MAG_VIEWS_PER_SESSION && session->views[number].used)
        number++;
    if (number == MAG_VIEWS_PER_SESSION)
        return -PECAN_ENOMEM;
    struct mag_view *view = &session->views[number];
    *view = (struct mag_view){ .used = true, .session = session, .buffer = MAG_NO_BUFFER };
    if (!composite_stack_add(view)) {
        view->used = false;
        return -PECAN_ENOMEM;
    }
    server_reply_word(r, number);
    return 0;
}

static int op_delete_view(struct server_request *r, struct mag_session *session)
{
    struct mag_view *view;
    int err = decode_changeable_view(r, session, 2, &view);
    if (err)
        return err;
    composite_stack_remove(view);
    view->used = false;
    composite_flush();
    return 0;
}

static int op_view_info(struct server_request *r, struct mag_session *session)
{
    int err = server_need_words(r, 2);
    if (err)
        return err;
    const struct mag_view *view = find_view(session, r->in[1]);
    if (!view)
        return -PECAN_ENOENT;
    const struct mag_view *window = &session->views[0];
    pecan_word_t *out = r->out;
    out[0] = view->flags;
    out[1] = (pecan_word_t)(view->x - window->x);
    out[2] = (pecan_word_t)(view->y - window->y);
    out[3] = view->width;
    out[4] = view->height;
    out[5] = view->buffer;
    out[6] = view->offset;
    out[7] = view->bytes_per_line;
    r->reply_words = 8;
    return 0;
}

static bool coordinate_ok(pecan_word_t word)
{
    int32_t value = (int32_t)word;
    return value >= -(int32_t)PECAN_FRAMEBUFFER_MAX_SIZE &&
           value <= (int32_t)PECAN_FRAMEBUFFER_MAX_SIZE;
}

static bool size_ok(pecan_word_t word)
{
    return word >= 1 && word <= PECAN_FRAMEBUFFER_MAX_SIZE;
}

/* SET_VIEW's fields as they would be afterwards, every one checked; 0 or the error. */
static int set_view_result(const struct server_request *r, struct mag_session *session,
                           const struct mag_view *view, struct mag_view *result)
{
    const pecan_word_t *in = r->in;
    pecan_word_t what = in[2];
    const pecan_word_t all = PECAN_FRAMEBUFFER_SET_POSITION | PECAN_FRAMEBUFFER_SET_BUFFER |
                             PECAN_FRAMEBUFFER_SET_FLAGS;
    if (what & ~all)
        return -PECAN_EINVAL;
    bool position = what & PECAN_FRAMEBUFFER_SET_POSITION;
    bool buffer = what & PECAN_FRAMEBUFFER_SET_BUFFER, flags = what & PECAN_FRAMEBUFFER_SET_FLAGS;
    if ((!position && (in[3] | in[4] | in[5] | in[6])) ||
        (!buffer && (in[7] | in[8] | in[9])) || (!flags && in[10]))
        return -PECAN_EINVAL;
    if (in[10] & ~(pecan_word_t)PECAN_FRAMEBUFFER_VIEW_BACKGROUND)
        return -PECAN_EINVAL;
    /* A background view has no label bar, so a client could draw fake windows with fake
     * labels on it: only a session its creator trusts may have one (not yet). */
    if (in[10] & PECAN_FRAMEBUFFER_VIEW_BACKGROUND)
        return -PECAN_EPERM;
    if (position && (!size_ok(in[5]) || !size_ok(in[6]) || !coordinate_ok(in[3]) ||
                     !coordinate_ok(in[4])))
        return -PECAN_EINVAL;
    if (buffer && (in[9] == 0 || in[9] % bytes_per_pixel() != 0))
        return -PECAN_EINVAL;
    if (buffer && !find_buffer(session, in[7]))
        return -PECAN_ENOENT;
    *result = *view;
    const struct mag_view *window = &session->views[0];
    if (position) {
        result->x = window->x + (int32_t)in[3];
        result->y = window->y + (int32_t)in[4];
        result->width = (uint32_t)in[5];
        result->height = (uint32_t)in[6];
    }
    if (buffer) {
        result->buffer = (uint32_t)in[7];
        result->offset = (uint32_t)in[8];
        result->bytes_per_line = (uint32_t)in[9];
    }
    if (flags)
        result->flags = (uint32_t)in[10];
    if (result->buffer == MAG_NO_BUFFER || result->width == 0)
        return 0;   /* hidden: nothing to read yet */
    uint64_t line = (uint64_t)result->width * bytes_per_pixel();
    if (line > result->bytes_per_line)
        return -PECAN_EINVAL;
    uint64_t end = (uint64_t)result->offset + (uint64_t)(result->height - 1) * result->bytes_per_line + line;
    if (end > session->buffers[result->buffer].size)
        return -PECAN_ERANGE;
    return 0;
}

static int op_set_view(struct server_request *r, struct mag_session *session)
{
    struct mag_view *view;
    int err = decode_changeable_view(r, session, 11, &view);
    if (err)
        return err;
    struct mag_view result;
    if ((err = set_view_result(r, session, view, &result)) != 0)
        return err;
    composite_damage_view(view);
    *view = result;
    composite_damage_view(view);
    composite_flush();
    return 0;
}

static int op_stack_view(struct server_request *r, struct mag_session *session)
{
    int err = server_need_writable(r, 4);
    if (err)
        return err;
    struct mag_view *view = find_view(session, r->in[1]), *pivot = 0;
    if (!view)
        return -PECAN_ENOENT;
    if (r->in[2] != PECAN_FRAMEBUFFER_NO_VIEW && !(pivot = find_view(session, r->in[2])))
        return -PECAN_ENOENT;
    if (r->in[3] > 1 || pivot == view)
        return -PECAN_EINVAL;
    composite_stack_move(view, pivot, r->in[3] == 1);
    composite_flush();
    return 0;
}

/* A rectangle x, y, width, height (words at w), non-empty and inside width x height. */
static int check_rectangle(const pecan_word_t *w, uint32_t width, uint32_t height)
{
    if (w[2] == 0 || w[3] == 0)
        return -PECAN_EINVAL;
    if ((uint64_t)w[0] + w[2] > width || (uint64_t)w[1] + w[3] > height)
        return -PECAN_ERANGE;
    return 0;
}

static int op_refresh_view(struct server_request *r, struct mag_session *session)
{
    int err = server_need_words(r, 6);
    if (err)
        return err;
    const struct mag_view *view = find_view(session, r->in[1]);
    if (!view)
        return -PECAN_ENOENT;
    if ((err = check_rectangle(&r->in[2], view->width, view->height)) != 0)
        return err;
    if (view->buffer != MAG_NO_BUFFER)
        composite_damage((int64_t)view->x + r->in[2], (int64_t)view->y + r->in[3], r->in[4],
                         r->in[5]);
    composite_flush();
    return 0;
}

/* The session's screen is its window: view 0's rectangle, buffer 0's size (a resize
 * pending changes it only at the next GET_BUFFER 0). */
static int op_refresh(struct server_request *r, struct mag_session *session)
{
    int err = server_need_words(r, 5);
    if (err)
        return err;
    if ((err = check_rectangle(&r->in[1], session->width, session->height)) != 0)
        return err;
    const struct mag_view *window = &session->views[0];
    composite_damage((int64_t)window->x + r->in[1], (int64_t)window->y + r->in[2], r->in[3],
                     r->in[4]);
    composite_flush();
    return 0;
}

static int framebuffer_dispatch(struct server_request *r)
{
    struct mag_session *session = (struct mag_session *)r->object;
    int err = server_need_words(r, 1);
    if (err)
        return err;
    switch (r->in[0]) {
    case PECAN_FRAMEBUFFER_INFO: return op_info(r, session);
    case PECAN_FRAMEBUFFER_GET_BUFFER: return op_get_buffer(r, session);
    case PECAN_FRAMEBUFFER_CREATE_BUFFER: return op_create_buffer(r, session);
    case PECAN_FRAMEBUFFER_CREATE_VIEW: return op_create_view(r, session);
    case PECAN_FRAMEBUFFER_DELETE_BUFFER: return op_delete_buffer(r, session);
    case PECAN_FRAMEBUFFER_DELETE_VIEW: return op_delete_view(r, session);
    case PECAN_FRAMEBUFFER_VIEW_INFO: return op_view_info(r, session);
    case PECAN_FRAMEBUFFER_SET_VIEW: return op_set_view(r, session);
    case PECAN_FRAMEBUFFER_STACK_VIEW: return op_stack_view(r, session);
    case PECAN_FRAMEBUFFER_REFRESH_VIEW: return op_refresh_view(r, session);
    case PECAN_FRAMEBUFFER_REFRESH: return op_refresh(r, session);
    default: return -PECAN_ENOSYS;
    }
}

static int framebuffer_request(struct server_request *r)
{
    mag_lock();
    int result = framebuffer_dispatch(r);
    mag_unlock();
    return result;
}

/* ---- EVENT: the session's own stream of the events mag routes to it (input.c) --------- */

static void event_info(pecan_word_t *devices, pecan_word_t *modifiers, pecan_word_t *buttons)
{
    *devices = mag_input.devices;
    *modifiers = mag_input.modifiers;
    *buttons = mag_input.buttons;
}

/* The caller holds mag_lock, which guards the streams. */
static const struct pecan_event_service event_service = { 0, 0, event_info };

/* The stream is made at the session's first well-formed GET_BUFFER (until then the
 * stream's zeroed fields give INFO a dropped count of 0 and BIND a place to keep the
 * notification), so a client that never reads events costs mag no ring. */
static int event_request(struct server_request *r)
{
    struct mag_session *session = (struct mag_session *)r->object;
    int err = 0;
    mag_lock();
    if (!session->events.address && r->words == 1 && r->in[0] == PECAN_EVENT_GET_BUFFER &&
        (r->rights & PECAN_RIGHT_WRITE))
        err = pecan_event_stream_make(&session->events);
    if (err)
        err = err == -PECAN_ENOMEM ? err : -PECAN_ENOMEM;
    else
        err = pecan_event_stream_request(r, &session->events, &event_service);
    mag_unlock();
    return err;
}

/* ---- opening and closing ----------------------------------------------------------------- */

/* CREATE's arguments (docs/graphics.md, "mag"): w2 the label's length, its bytes, then
 * optionally the colour 0xRRGGBB, then optionally x, y, width, height of the window,
 * then optionally the session's memory limit in bytes. */
struct open_arguments {
    char label[MAG_MAX_LABEL + 1];
    uint32_t colour, x, y, width, height, memory_limit;
};

static int label_argument(const struct server_request *r, struct open_arguments *a,
                          unsigned *next)
{
    int err = server_need_words(r, 3);
    if (err)
        return -PECAN_EINVAL;   /* a session without a label is refused */
    pecan_word_t length = r->in[2];
    if (length == 0 || length > MAG_MAX_LABEL)
        return -PECAN_ERANGE;
    unsigned words = 3 + (unsigned)(length + 3) / 4;
    if (r->words < words)
        return -PECAN_EMSGTOOSHORT;
    const char *bytes = (const char *)&r->in[3];
    for (unsigned i = 0; i < length; i++)
        if (bytes[i] < 0x20 || bytes[i] > 0x7e)
            return -PECAN_EINVAL;   /* drawn with the console font, and logged */
    memcpy(a->label, bytes, length);
    a->label[length] = 0;
    *next = words;
    return 0;
}

static int open_arguments(const struct server_request *r, struct open_arguments *a)
{
    unsigned next;
    int err = label_argument(r, a, &next);
    if (err)
        return err;
    unsigned extra = r->words - next;
    if (extra != 0 && extra != 1 && extra != 5 && extra != 6)
        return -PECAN_EINVAL;
    const pecan_word_t *w = &r->in[next];
    a->colour = extra >= 1 ? w[0] : DEFAULT_COLOUR;
    a->x = extra >= 5 ? w[1] : DEFAULT_X;
    a->y = extra >= 5 ? w[2] : DEFAULT_X + composite_bar_height();
    a->width = extra >= 5 ? w[3] : DEFAULT_WIDTH;
    a->height = extra >= 5 ? w[4] : DEFAULT_HEIGHT;
    uint64_t window = round_to_pages((uint64_t)a->width * a->height * bytes_per_pixel());
    a->memory_limit = extra == 6 ? w[5] : (uint32_t)(2 * window);
    if (a->colour > 0xFFFFFFu || a->x > PECAN_FRAMEBUFFER_MAX_SIZE ||
        a->y > PECAN_FRAMEBUFFER_MAX_SIZE || !size_ok(a->width) || !size_ok(a->height))
        return -PECAN_ERANGE;
    if (a->memory_limit > MAX_MEMORY_LIMIT || a->memory_limit < window)
        return -PECAN_ERANGE;
    return 0;
}

/* The session's factory, owned by mag's: paid by the client's factory (CREATE's item 1,
 * which mag only hands to moe, never calls, nor keeps) or, without one, by mag's. */
static int memory_make(struct server_request *r, uint32_t memory_limit, pecan_cap_t *memory)
{
    pecan_cap_t payer = r->items >= 2 ? server_peek_cap(r, 1) : 0;
    if (r->items >= 2 && !payer)
        return -PECAN_EINVALCAP;
    int err = pecan_cap_alloc(memory);
    if (err)
        return err;
    uint64_t quota = memory_limit + bookkeeping(memory_limit);
    err = payer ? pecan_factory_create_charged_factory(PECAN_ENV_FACTORY, payer, quota, *memory)
                : pecan_factory_create_factory(PECAN_ENV_FACTORY, quota, *memory);
    if (err)
        pecan_cap_free(*memory);
    return err;
}

/* The session's factory goes with everything still made through it. */
static void memory_free(pecan_cap_t memory)
{
    pecan_factory_destroy(PECAN_ENV_FACTORY, memory);
    pecan_cap_release(memory);
}

static int open_locked(struct server_request *r, struct server_session **out)
{
    struct open_arguments a;
    int err = open_arguments(r, &a);
    if (err)
        return err;
    struct mag_session *session = calloc(1, sizeof(*session));
    if (!session)
        return -PECAN_ENOMEM;
    if ((err = memory_make(r, a.memory_limit, &session->memory)) != 0) {
        free(session);
        return err;
    }
    memcpy(session->label, a.label, sizeof(a.label));
    struct color colour = { (uint8_t)(a.colour >> 16), (uint8_t)(a.colour >> 8), (uint8_t)a.colour };
    session->label_pixel = pixel_format_pack(&mag_screen.surface.format, colour);
    session->width = session->wanted_width = a.width;
    session->height = session->wanted_height = a.height;
    session->memory_limit = a.memory_limit;
    uint32_t size = (uint32_t)round_to_pages((uint64_t)a.width * a.height * bytes_per_pixel());
    if ((err = buffer_make(session, &session->buffers[0], size)) != 0) {
        memory_free(session->memory);
        free(session);
        return err;
    }
    session->memory_used = size;
    session->views[0] = (struct mag_view){
        .used = true, .session = session, .flags = PECAN_FRAMEBUFFER_VIEW_FIXED,
        .x = (int32_t)a.x, .y = (int32_t)a.y, .width = a.width, .height = a.height,
        .buffer = 0, .offset = 0, .bytes_per_line = a.width * bytes_per_pixel() };
    if (!composite_stack_add(&session->views[0])) {
        buffer_free(&session->buffers[0]);
        memory_free(session->memory);
        free(session);
        return -PECAN_ENOMEM;
    }
    open_sessions[open_count++] = session;   /* the registry bounds sessions to SESSIONS */
    composite_flush();
    printf("mag: session \"%s\" opened: %ux%u at %u,%u; %lu bytes %s\n", session->label,
           (unsigned)a.width, (unsigned)a.height, (unsigned)a.x, (unsigned)a.y,
           (unsigned long)(a.memory_limit + bookkeeping(a.memory_limit)),
           r->items >= 2 ? "charged to its client" : "on mag's bill");
    *out = &session->base;
    return 0;
}

/* Off the list of open sessions. */
static void forget(struct mag_session *session)
{
    for (unsigned i = 0; i < open_count; i++)
        if (open_sessions[i] == session) {
            memmove(&open_sessions[i], &open_sessions[i + 1],
                    (open_count - i - 1) * sizeof(open_sessions[0]));
            open_count--;
            return;
        }
}

unsigned session_count(void)
{
    return open_count;
}

struct mag_session *session_number(unsigned index)
{
    return index < open_count ? open_sessions[index] : 0;
}

/* The client is gone: its views leave the screen at once, its buffers' memory returns. */
static void close_session(struct server_session *base)
{
    struct mag_session *session = (struct mag_session *)base;
    mag_lock();
    forget(session);
    input_session_closed(session);
    for (unsigned i = 0; i < MAG_VIEWS_PER_SESSION; i++)
        if (session->views[i].used)
            composite_stack_remove(&session->views[i]);
    for (unsigned i = 0; i < MAG_BUFFERS_PER_SESSION; i++)
        if (session->buffers[i].used)
            buffer_free(&session->buffers[i]);
    memory_free(session->memory);
    composite_flush();
    /* A client waiting for events learns that its session went (the kill hotkey). */
    pecan_event_stream_signal(&session->events);
    pecan_event_stream_free(&session->events);
    mag_unlock();
    printf("mag: session \"%s\" closed\n", session->label);
    free(session);
}

static int open_session(struct server_request *r, struct server_session **out)
{
    mag_lock();
    int result = open_locked(r, out);
    mag_unlock();
    return result;
}

static const struct server_protocol protocols[] = {
    { PECAN_PROTO_FRAMEBUFFER, framebuffer_request },
    { PECAN_PROTO_EVENT, event_request },
};

static struct server_sessions sessions = {
    .protocol = PECAN_PROTO_FRAMEBUFFER,
    .type = { .name = "mag", .protocols = protocols, .protocol_count = 2 },
    .open = open_session,
    .close = close_session,
};

/* ---- ending a session from mag's side (kill mode) ------------------------------------------ */

/* Only the main thread ends sessions, as it alone frees them when their clients go: a
 * request it is about to serve must never find its session freed by another thread.
 * The input thread asks it through a gate of mag's own, served here ("control"). */
#define CONTROL_LABEL 0x4F00   /* no client has the gate: a label of mag's own */
#define CONTROL_END 0u         /* w1 the session's index in open_sessions, w2 its address */

static struct server_object control;
static pecan_cap_t control_client;

static bool is_open(const struct mag_session *session)
{
    for (unsigned i = 0; i < open_count; i++)
        if (open_sessions[i] == session)
            return true;
    return false;
}

static int control_request(struct server_request *r)
{
    if (r->words != 2 || r->in[0] != CONTROL_END)
        return -PECAN_EINVAL;
    struct mag_session *session = (struct mag_session *)(uintptr_t)r->in[1];
    mag_lock();
    bool open = is_open(session);
    if (open)
        printf("mag: kill: ending \"%s\"\n", session->label);
    mag_unlock();
    if (!open) {
        printf("mag: kill: that session closed meanwhile\n");
        return -PECAN_ENOENT;
    }
    /* What the framework does when the session's last client copy goes: unregister
     * (which revokes the client's copies), drop the gate, close. */
    sessions.type.no_clients(&session->base.object);
    return 0;
}

static const struct server_protocol control_protocols[] = {
    { CONTROL_LABEL, control_request },
};
static const struct server_type control_type = {
    .name = "mag-control", .protocols = control_protocols, .protocol_count = 1,
};

void session_end(struct mag_session *session)
{
    struct pecan_message m;
    m.word[0] = CONTROL_END;
    m.word[1] = (pecan_word_t)(uintptr_t)session;
    m.tag = pecan_tag(CONTROL_LABEL, 2, 0);
    struct pecan_reply reply = pecan_ipc_call(control_client, &m, PECAN_TIMEOUT_NEVER);
    int err = pecan_error(reply);
    if (err)
        printf("mag: kill: the session was not ended (%d)\n", err);
}

static int control_serve(struct server *s)
{
    pecan_cap_t gate;
    int err = pecan_cap_alloc(&gate);
    if (!err)
        err = pecan_cap_alloc(&control_client);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, gate);
    if (!err)
        err = server_register(s, &control, &control_type, gate);
    if (!err)
        err = server_mint_into(s, &control, PECAN_ENV_CNODE, control_client, 32,
                               PECAN_RIGHT_WRITE);
    return err;
}

int mag_serve(struct server *s, pecan_cap_t channel)
{
    serving = s;
    int err = server_program_init(s, SESSIONS + 1);
    if (!err)
        err = control_serve(s);
    return err ? err : server_sessions_serve(s, &sessions, channel);
}
