/* SPDX-License-Identifier: MIT */
/*
 * mag-event-client: a mag client for the input and resize tests (conf/mag-input.lua,
 * conf/mag-resize.lua). It fills its window with one colour, then reads the events mag
 * sends its session (the same capability speaks FRAMEBUFFER and EVENT) and prints each
 * as one line:
 *   NAME: press 30 modifiers 0          (release, repeat alike)
 *   NAME: position 100 40               (in the window's coordinates)
 *   NAME: resize 300 160                (the user resized the window)
 * With "redraw" after the colour it answers a resize as a client should
 * (pecan/protocol/framebuffer.h, "Resizing"): it unmaps buffer 0, maps the new one
 * (INFO, GET_BUFFER 0), draws its pattern at the new size and refreshes, and prints
 *   NAME: redrawn 300x160
 * The pattern: 8x8 squares, the colour where (x / 8 + y / 8) is even, else white, and a
 * black line along the window's edges (tests/graphics/test_mag_resize.py draws the same).
 * Without it the client ignores resizes and keeps its window as it was. Q ends it (exit
 * status 0, "NAME: quitting"). K, after a resize it ignored, takes its pending buffer 0
 * the hard way: it fills what its memory limit leaves (a second buffer as large as its
 * window: mag's default limit is twice that), so GET_BUFFER 0 must answer ENOMEM and
 * leave view 0 as it was; then it deletes that buffer, asks again, and refreshes the new
 * buffer 0 as mag made it (cleared):
 *   NAME: squeezed: error -12, view 0 kept 160x120; then 200x150 When its session ends from mag's side (the kill hotkey;
 * mag signals the session's notification as it goes) it prints what its factory held
 * when it was ready and now, and exits 0 (tests/graphics/test_mag_hotkeys.py checks the difference):
 *   NAME: session gone: factory used 123 bytes, 456 when ready
 *
 * Usage: mag-event-client NAME 0xRRGGBB [redraw] (capability "fb": a mag session). Errors are one
 * line with FAILED and exit status 1.
 */
#include <pecan/event.h>
#include <pecan/factory.h>
#include <pecan/framebuffer.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <input/key_codes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *type_name(uint8_t type)
{
    switch (type) {
    case PECAN_EVENT_PRESS: return "press";
    case PECAN_EVENT_RELEASE: return "release";
    case PECAN_EVENT_REPEAT: return "repeat";
    case PECAN_EVENT_MOTION: return "motion";
    case PECAN_EVENT_POSITION: return "position";
    case PECAN_EVENT_RESIZE: return "resize";
    default: return "unknown";
    }
}

static struct pecan_framebuffer_mapping mapping;

static struct color colour_of(uint32_t rgb)
{
    return (struct color){ (uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb };
}

static int draw(pecan_cap_t fb, uint32_t rgb)
{
    int err = pecan_framebuffer_map(fb, &mapping);
    if (err)
        return err;
    struct surface *s = &mapping.surface;
    surface_fill_rectangle(s, 0, 0, s->width, s->height,
                           pixel_format_pack(&s->format, colour_of(rgb)));
    return pecan_framebuffer_refresh(fb, 0, 0, s->width, s->height);
}

/* K: GET_BUFFER 0 with a resize pending but no room for the new buffer changes nothing;
 * with the room back it makes the new one. */
static int squeeze(pecan_cap_t fb, const char *name)
{
    struct pecan_framebuffer_info info;
    struct pecan_framebuffer_view window;
    pecan_cap_t filler, replaced;
    uint32_t number;
    int err = pecan_cap_alloc(&filler);
    if (!err)
        err = pecan_cap_alloc(&replaced);
    if (!err)
        err = pecan_framebuffer_create_buffer(fb, mapping.size, filler, &number);
    if (err)
        return err;
    int refused = pecan_framebuffer_get_buffer(fb, 0, replaced, 0);
    if (refused)
        pecan_cap_free(replaced);
    else
        pecan_cap_release(replaced);   /* a wrong answer: the line below shows it */
    if ((err = pecan_framebuffer_view_info(fb, 0, &window)) != 0)
        return err;
    pecan_cap_release(filler);
    if ((err = pecan_framebuffer_delete_buffer(fb, number)) != 0)
        return err;
    pecan_framebuffer_unmap(&mapping);
    if ((err = pecan_framebuffer_map(fb, &mapping)) != 0 ||
        (err = pecan_framebuffer_info(fb, &info)) != 0)
        return err;
    printf("%s: squeezed: error %d, view 0 kept %lux%lu; then %lux%lu\n", name, refused,
           (unsigned long)window.width, (unsigned long)window.height,
           (unsigned long)info.width, (unsigned long)info.height);
    return pecan_framebuffer_refresh(fb, 0, 0, info.width, info.height);
}

/* A resize: the old buffer 0 goes (mag revoked it at GET_BUFFER 0 anyway), the new one is
 * mapped at INFO's size and drawn whole. */
static int redraw(pecan_cap_t fb, uint32_t rgb)
{
    pecan_framebuffer_unmap(&mapping);
    int err = pecan_framebuffer_map(fb, &mapping);
    if (err)
        return err;
    struct surface *s = &mapping.surface;
    uint32_t fill = pixel_format_pack(&s->format, colour_of(rgb));
    uint32_t white = pixel_format_pack(&s->format, colour_of(0xFFFFFFu));
    uint32_t black = pixel_format_pack(&s->format, colour_of(0));
    for (uint32_t y = 0; y < s->height; y += 8)
        for (uint32_t x = 0; x < s->width; x += 8)
            surface_fill_rectangle(s, (int32_t)x, (int32_t)y, 8, 8,
                                   (x / 8 + y / 8) % 2 ? white : fill);
    surface_fill_rectangle(s, 0, 0, s->width, 1, black);
    surface_fill_rectangle(s, 0, (int32_t)s->height - 1, s->width, 1, black);
    surface_fill_rectangle(s, 0, 0, 1, s->height, black);
    surface_fill_rectangle(s, (int32_t)s->width - 1, 0, 1, s->height, black);
    return pecan_framebuffer_refresh(fb, 0, 0, s->width, s->height);
}

int main(int argc, char **argv)
{
    pecan_cap_t fb = pecan_env_cap("fb"), notification;
    bool redraws = argc == 4 && strcmp(argv[3], "redraw") == 0;
    if ((argc != 3 && !redraws) || !fb) {
        printf("mag-event-client: usage: mag-event-client NAME 0xRRGGBB [redraw] (and \"fb\") "
               "(FAILED)\n");
        return 1;
    }
    const char *name = argv[1];
    uint32_t rgb = (uint32_t)strtoul(argv[2], 0, 0);
    struct pecan_event_client events;
    int err = draw(fb, rgb);
    if (!err)
        err = pecan_event_attach(fb, &events);
    if (!err)
        err = pecan_cap_alloc(&notification);
    if (!err)
        err = pecan_factory_create_notification(PECAN_ENV_FACTORY, notification);
    if (!err)
        err = pecan_event_bind(fb, notification, 1);
    if (err) {
        printf("%s: error %d (FAILED)\n", name, err);
        return 1;
    }
    printf("%s: ready\n", name);
    struct pecan_factory_info ready, now;
    if ((err = pecan_factory_info(PECAN_ENV_FACTORY, &ready)) != 0) {
        printf("%s: factory info: error %d (FAILED)\n", name, err);
        return 1;
    }
    for (;;) {
        /* A session gone takes its ring with it: look before reading. */
        struct pecan_framebuffer_info info;
        if (pecan_framebuffer_info(fb, &info) != 0) {
            pecan_factory_info(PECAN_ENV_FACTORY, &now);
            printf("%s: session gone: factory used %lu bytes, %lu when ready\n", name,
                   (unsigned long)now.used, (unsigned long)ready.used);
            return 0;
        }
        struct pecan_event e;
        while (pecan_event_consumer_get(&events.consumer, &e)) {
            if (e.type == PECAN_EVENT_MOTION || e.type == PECAN_EVENT_POSITION ||
                e.type == PECAN_EVENT_RESIZE)
                printf("%s: %s %ld %ld\n", name, type_name(e.type), (long)e.x, (long)e.y);
            else
                printf("%s: %s %u modifiers %u\n", name, type_name(e.type), e.code,
                       e.modifiers);
            if (e.type == PECAN_EVENT_PRESS && e.code == INPUT_KEY_Q) {
                printf("%s: quitting\n", name);
                return 0;
            }
            if (e.type == PECAN_EVENT_PRESS && e.code == INPUT_KEY_K && !redraws &&
                (err = squeeze(fb, name)) != 0) {
                printf("%s: squeezing: error %d (FAILED)\n", name, err);
                return 1;
            }
            if (e.type == PECAN_EVENT_RESIZE && redraws) {
                if ((err = redraw(fb, rgb)) != 0) {
                    printf("%s: redrawing: error %d (FAILED)\n", name, err);
                    return 1;
                }
                printf("%s: redrawn %lux%lu\n", name, (unsigned long)mapping.surface.width,
                       (unsigned long)mapping.surface.height);
            }
        }
        pecan_word_t bits;
        if ((err = pecan_notification_wait(notification, &bits)) != 0) {
            printf("%s: waiting: error %d (FAILED)\n", name, err);
            return 1;
        }
    }
}
