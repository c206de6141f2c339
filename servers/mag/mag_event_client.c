/* SPDX-License-Identifier: MIT */
/*
 * mag-event-client: a mag client for the input test (conf/mag-input.lua). It fills its
 * window with one colour, then reads the events mag sends its session (the same
 * capability speaks FRAMEBUFFER and EVENT) and prints each as one line:
 *   NAME: press 30 modifiers 0          (release, repeat alike)
 *   NAME: position 100 40               (in the window's coordinates)
 * When its session ends from mag's side (the kill hotkey; mag signals the session's
 * notification as it goes) it prints what its factory held when it was ready and now,
 * and exits 0 (tests/graphics/test_mag_hotkeys.py checks the difference):
 *   NAME: session gone: factory used 123 bytes, 456 when ready
 *
 * Usage: mag-event-client NAME 0xRRGGBB (capability "fb": a mag session). Errors are one
 * line with FAILED and exit status 1.
 */
#include <pecan/event.h>
#include <pecan/factory.h>
#include <pecan/framebuffer.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <stdio.h>
#include <stdlib.h>

static const char *type_name(uint8_t type)
{
    switch (type) {
    case PECAN_EVENT_PRESS: return "press";
    case PECAN_EVENT_RELEASE: return "release";
    case PECAN_EVENT_REPEAT: return "repeat";
    case PECAN_EVENT_MOTION: return "motion";
    case PECAN_EVENT_POSITION: return "position";
    default: return "unknown";
    }
}

static int draw(pecan_cap_t fb, uint32_t rgb)
{
    static struct pecan_framebuffer_mapping mapping;
    int err = pecan_framebuffer_map(fb, &mapping);
    if (err)
        return err;
    struct color c = { (uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb };
    struct surface *s = &mapping.surface;
    surface_fill_rectangle(s, 0, 0, s->width, s->height, pixel_format_pack(&s->format, c));
    return pecan_framebuffer_refresh(fb, 0, 0, s->width, s->height);
}

int main(int argc, char **argv)
{
    pecan_cap_t fb = pecan_env_cap("fb"), notification;
    if (argc != 3 || !fb) {
        printf("mag-event-client: usage: mag-event-client NAME 0xRRGGBB (and \"fb\") (FAILED)\n");
        return 1;
    }
    const char *name = argv[1];
    struct pecan_event_client events;
    int err = draw(fb, (uint32_t)strtoul(argv[2], 0, 0));
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
            if (e.type == PECAN_EVENT_MOTION || e.type == PECAN_EVENT_POSITION)
                printf("%s: %s %ld %ld\n", name, type_name(e.type), (long)e.x, (long)e.y);
            else
                printf("%s: %s %u modifiers %u\n", name, type_name(e.type), e.code,
                       e.modifiers);
        }
        pecan_word_t bits;
        if ((err = pecan_notification_wait(notification, &bits)) != 0) {
            printf("%s: waiting: error %d (FAILED)\n", name, err);
            return 1;
        }
    }
}
