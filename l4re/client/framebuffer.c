/* SPDX-License-Identifier: MIT */
/* FRAMEBUFFER protocol client (pecan/framebuffer.h): one function per operation, each
 * reply checked as the server checks requests before anything reads it. */
#include <pecan/framebuffer.h>
#include <pecan/region_map.h>
#include "client_call.h"

#define PAGE_SIZE 4096u
#define INFO_WORDS 10u
#define VIEW_WORDS 8u

int pecan_framebuffer_open(pecan_cap_t channel, pecan_cap_t factory,
                           struct pecan_session *session)
{
    return pecan_session_open(channel, PECAN_PROTO_FRAMEBUFFER, factory, 0, 0, session);
}

static int call(pecan_cap_t fb, struct pecan_message *m, unsigned words, unsigned reply_words)
{
    int err = client_call(fb, PECAN_PROTO_FRAMEBUFFER, m, words, 0);
    if (!err && pecan_tag_words(m->tag) < reply_words)
        return -PECAN_EMSGTOOSHORT;
    return err;
}

/* A component word of INFO into a struct; false if it cannot be one. */
static bool component(pecan_word_t word, struct color_component *c)
{
    if (word >> 16)
        return false;
    c->shift = (uint8_t)PECAN_FRAMEBUFFER_COMPONENT_SHIFT(word);
    c->size = (uint8_t)PECAN_FRAMEBUFFER_COMPONENT_SIZE(word);
    return true;
}

/* A screen a client can draw on: sizes in range, a format pkg/graphics takes, lines of
 * whole pixels at least a row long, and the whole frame addressable. */
static bool info_valid(const struct pecan_framebuffer_info *info)
{
    if (info->width == 0 || info->height == 0 || info->width > PECAN_FRAMEBUFFER_MAX_SIZE ||
        info->height > PECAN_FRAMEBUFFER_MAX_SIZE || !pixel_format_check(&info->format))
        return false;
    uint32_t pixel = pixel_format_bytes_per_pixel(&info->format);
    return info->bytes_per_line % pixel == 0 &&
           (uint64_t)info->bytes_per_line >= (uint64_t)info->width * pixel &&
           (uint64_t)info->bytes_per_line * info->height <= 0x80000000u;
}

int pecan_framebuffer_info(pecan_cap_t fb, struct pecan_framebuffer_info *info)
{
    struct pecan_message m;
    m.word[0] = PECAN_FRAMEBUFFER_INFO;
    int err = call(fb, &m, 1, INFO_WORDS);
    if (err)
        return err;
    struct pecan_framebuffer_info got = {
        .width = m.word[0], .height = m.word[1], .bytes_per_line = m.word[2],
        .flags = m.word[7], .views = m.word[8], .buffers = m.word[9],
    };
    if (m.word[3] > 0xFFu || !component(m.word[4], &got.format.red) ||
        !component(m.word[5], &got.format.green) || !component(m.word[6], &got.format.blue))
        return -PECAN_EINVAL;
    got.format.bits_per_pixel = (uint8_t)m.word[3];
    if (!info_valid(&got))
        return -PECAN_EINVAL;
    *info = got;
    return 0;
}

/* A call that answers w0 and a capability into dest. */
static int call_for_cap(pecan_cap_t fb, struct pecan_message *m, unsigned words,
                        pecan_cap_t dest, pecan_word_t *w0)
{
    pecan_receive_caps(&dest, 1);
    int err = client_call(fb, PECAN_PROTO_FRAMEBUFFER, m, words, 0);
    if (err)
        return err;
    unsigned got = pecan_tag_words(m->tag);
    if (got < 1 || pecan_tag_items(m->tag) < 1 || got + 1 >= PECAN_UTCB_MESSAGE_WORDS ||
        (m->word[got] & PECAN_ITEM_KIND_MASK) != PECAN_ITEM_CAP)
        return -PECAN_EINVAL;
    *w0 = m->word[0];
    return 0;
}

int pecan_framebuffer_get_buffer(pecan_cap_t fb, uint32_t buffer, pecan_cap_t dest,
                                 pecan_word_t *size)
{
    struct pecan_message m;
    m.word[0] = PECAN_FRAMEBUFFER_GET_BUFFER;
    m.word[1] = buffer;
    pecan_word_t bytes;
    int err = call_for_cap(fb, &m, 2, dest, &bytes);
    if (!err && size)
        *size = bytes;
    return err;
}

int pecan_framebuffer_create_buffer(pecan_cap_t fb, pecan_word_t size, pecan_cap_t dest,
                                    uint32_t *buffer)
{
    struct pecan_message m;
    m.word[0] = PECAN_FRAMEBUFFER_CREATE_BUFFER;
    m.word[1] = size;
    pecan_word_t index;
    int err = call_for_cap(fb, &m, 2, dest, &index);
    if (!err)
        *buffer = index;
    return err;
}

/* An operation on one buffer or view: w1 its number, nothing answered. */
static int call_on(pecan_cap_t fb, pecan_word_t op, uint32_t which)
{
    struct pecan_message m;
    m.word[0] = op;
    m.word[1] = which;
    return call(fb, &m, 2, 0);
}

int pecan_framebuffer_delete_buffer(pecan_cap_t fb, uint32_t buffer)
{
    return call_on(fb, PECAN_FRAMEBUFFER_DELETE_BUFFER, buffer);
}

int pecan_framebuffer_create_view(pecan_cap_t fb, uint32_t *view)
{
    struct pecan_message m;
    m.word[0] = PECAN_FRAMEBUFFER_CREATE_VIEW;
    int err = call(fb, &m, 1, 1);
    if (!err)
        *view = m.word[0];
    return err;
}

int pecan_framebuffer_delete_view(pecan_cap_t fb, uint32_t view)
{
    return call_on(fb, PECAN_FRAMEBUFFER_DELETE_VIEW, view);
}

int pecan_framebuffer_view_info(pecan_cap_t fb, uint32_t view,
                                struct pecan_framebuffer_view *info)
{
    struct pecan_message m;
    m.word[0] = PECAN_FRAMEBUFFER_VIEW_INFO;
    m.word[1] = view;
    int err = call(fb, &m, 2, VIEW_WORDS);
    if (err)
        return err;
    *info = (struct pecan_framebuffer_view){
        .flags = m.word[0], .x = (int32_t)m.word[1], .y = (int32_t)m.word[2],
        .width = m.word[3], .height = m.word[4], .buffer = m.word[5], .offset = m.word[6],
        .bytes_per_line = m.word[7],
    };
    return 0;
}

int pecan_framebuffer_set_view(pecan_cap_t fb, uint32_t view, unsigned what,
                               const struct pecan_framebuffer_view *info)
{
    /* Fields of what is not set go as 0, as the protocol asks. */
    bool position = what & PECAN_FRAMEBUFFER_SET_POSITION;
    bool buffer = what & PECAN_FRAMEBUFFER_SET_BUFFER;
    struct pecan_message m;
    m.word[0] = PECAN_FRAMEBUFFER_SET_VIEW;
    m.word[1] = view;
    m.word[2] = what;
    m.word[3] = position ? (pecan_word_t)info->x : 0;
    m.word[4] = position ? (pecan_word_t)info->y : 0;
    m.word[5] = position ? info->width : 0;
    m.word[6] = position ? info->height : 0;
    m.word[7] = buffer ? info->buffer : 0;
    m.word[8] = buffer ? info->offset : 0;
    m.word[9] = buffer ? info->bytes_per_line : 0;
    m.word[10] = (what & PECAN_FRAMEBUFFER_SET_FLAGS) ? info->flags : 0;
    return call(fb, &m, 11, 0);
}

int pecan_framebuffer_stack_view(pecan_cap_t fb, uint32_t view, uint32_t pivot, bool behind)
{
    struct pecan_message m;
    m.word[0] = PECAN_FRAMEBUFFER_STACK_VIEW;
    m.word[1] = view;
    m.word[2] = pivot;
    m.word[3] = behind;
    return call(fb, &m, 4, 0);
}

int pecan_framebuffer_refresh_view(pecan_cap_t fb, uint32_t view, uint32_t x, uint32_t y,
                                   uint32_t width, uint32_t height)
{
    struct pecan_message m;
    m.word[0] = PECAN_FRAMEBUFFER_REFRESH_VIEW;
    m.word[1] = view;
    m.word[2] = x;
    m.word[3] = y;
    m.word[4] = width;
    m.word[5] = height;
    return call(fb, &m, 6, 0);
}

int pecan_framebuffer_refresh(pecan_cap_t fb, uint32_t x, uint32_t y, uint32_t width,
                              uint32_t height)
{
    struct pecan_message m;
    m.word[0] = PECAN_FRAMEBUFFER_REFRESH;
    m.word[1] = x;
    m.word[2] = y;
    m.word[3] = width;
    m.word[4] = height;
    return call(fb, &m, 5, 0);
}

int pecan_framebuffer_map(pecan_cap_t fb, struct pecan_framebuffer_mapping *mapping)
{
    struct pecan_framebuffer_mapping m = { .buffer = 0 };
    int err = pecan_framebuffer_info(fb, &m.info);
    if (err)
        return err;
    if (m.info.buffers < 1)
        return -PECAN_ENOENT;   /* a server without a fixed buffer: make one and a view */
    /* info_valid bounded the frame to 2 GiB, so the rounding cannot wrap. */
    uint32_t frame = m.info.bytes_per_line * m.info.height;
    m.size = (frame + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    pecan_word_t buffer_size = 0;
    if ((err = pecan_cap_alloc(&m.buffer)) != 0)
        return err;
    err = pecan_framebuffer_get_buffer(fb, 0, m.buffer, &buffer_size);
    if (!err && buffer_size < m.size)
        err = -PECAN_EINVAL;   /* the buffer cannot hold the screen INFO described */
    m.address = PECAN_ENV_FREE_BASE;
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &m.address, m.size,
                              PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE,
                              m.buffer, 0);
    if (err) {
        pecan_cap_release(m.buffer);
        return err;
    }
    m.surface = (struct surface){ .pixels = (uint8_t *)(uintptr_t)m.address,
                                  .width = m.info.width, .height = m.info.height,
                                  .bytes_per_line = m.info.bytes_per_line,
                                  .format = m.info.format };
    *mapping = m;
    return 0;
}

void pecan_framebuffer_unmap(struct pecan_framebuffer_mapping *mapping)
{
    if (!mapping->buffer)
        return;
    pecan_rm_detach(PECAN_ENV_RM, mapping->address, 0, 0);
    pecan_cap_release(mapping->buffer);
    mapping->buffer = 0;
}
