/* SPDX-License-Identifier: MIT */
/*
 * mag: the framebuffer multiplexer (docs/graphics.md, "mag"). It is a client of the
 * FRAMEBUFFER session "fb" below (fb-drv's, or a mag session: nesting), maps that
 * session's buffer 0 as its screen, and serves FRAMEBUFFER sessions on the channel it got
 * as "mag" (session.c), compositing their windows on its screen (composite.c).
 *
 * Usage: mag [--background=0xRRGGBB] [--flush-ms=N] (capabilities "fb" and "mag";
 * optionally "input", an EVENT session, for the pointer, focus and events to the
 * sessions: input.c). The background is where no window is (default 0x203040; a nested
 * mag wants one of its own, or its window looks empty). The screen is redrawn at most
 * once per N ms (default 40, 0 to 1000; 0: at every request, as the benchmark wants). A bad argument is "mag: error: ..." and exit status 2; a
 * missing capability or a screen that cannot be mapped is one line "mag: error: ..." and
 * exit status 1. Once serving it prints "mag: WxH B bpp ready".
 */
#include <pecan/framebuffer.h>
#include <pecan/runtime.h>
#include <pecan/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mag.h"

extern const uint8_t console_font[];
extern const uint32_t console_font_size;

#define DEFAULT_BACKGROUND 0x203040u
static const struct color label_text = { 0x00, 0x00, 0x00 };
static const struct color pointer_inside = { 0xFF, 0xFF, 0xFF };

struct mag_screen mag_screen;

static int setup_error(const char *what, int err)
{
    printf("mag: error: %s (%d)\n", what, err);
    return 1;
}

#define DEFAULT_FLUSH_MS 40u

/* A whole number from 0 to max (C notation: 0x for hex), all of value. */
static bool number(const char *value, unsigned long max, uint32_t *out)
{
    char *end;
    unsigned long n = strtoul(value, &end, 0);
    if (*value == 0 || *value == '-' || *end != 0 || n > max)
        return false;
    *out = (uint32_t)n;
    return true;
}

/* The arguments: --background=0xRRGGBB (at most 0xFFFFFF), --flush-ms=N (0 to 1000). */
static bool parse_arguments(int argc, char **argv, uint32_t *background, uint32_t *flush_ms)
{
    static const char colour[] = "--background=", flush[] = "--flush-ms=";
    *background = DEFAULT_BACKGROUND;
    *flush_ms = DEFAULT_FLUSH_MS;
    for (int i = 1; i < argc; i++) {
        bool ok;
        if (strncmp(argv[i], colour, sizeof(colour) - 1) == 0)
            ok = number(argv[i] + sizeof(colour) - 1, 0xFFFFFFul, background);
        else if (strncmp(argv[i], flush, sizeof(flush) - 1) == 0)
            ok = number(argv[i] + sizeof(flush) - 1, 1000ul, flush_ms);
        else
            ok = false;
        if (!ok) {
            printf("mag: error: bad argument \"%s\"\n", argv[i]);
            return false;
        }
    }
    return true;
}

int main(int argc, char **argv)
{
    uint32_t background, flush_ms;
    if (!parse_arguments(argc, argv, &background, &flush_ms)) {
        printf("usage: mag [--background=0xRRGGBB] [--flush-ms=0..1000]\n");
        return 2;
    }
    pecan_cap_t below = pecan_env_cap("fb"), channel = pecan_env_cap("mag");
    if (!below || !channel)
        return setup_error("needs capabilities \"fb\" (a FRAMEBUFFER session) and \"mag\"", 0);
    enum psf_error e = psf_font_open(&mag_screen.font, console_font, console_font_size);
    if (e != PSF_OK)
        return setup_error(psf_error_text(e), (int)e);
    static struct pecan_framebuffer_mapping mapping;
    int err = pecan_framebuffer_map(below, &mapping);
    if (err)
        return setup_error("mapping the screen of \"fb\"", err);
    mag_screen.below = below;
    mag_screen.surface = mapping.surface;
    mag_screen.auto_refresh = mapping.info.flags & PECAN_FRAMEBUFFER_AUTO_REFRESH;
    struct color colour = { (uint8_t)(background >> 16), (uint8_t)(background >> 8),
                            (uint8_t)background };
    mag_screen.background_pixel = pixel_format_pack(&mapping.surface.format, colour);
    mag_screen.text_pixel = pixel_format_pack(&mapping.surface.format, label_text);
    mag_screen.pointer_pixel = pixel_format_pack(&mapping.surface.format, pointer_inside);
    /* mag_lock is taken by two threads: the notification this one blocks on is made now
     * rather than at the first contention, which could find the quota used up. */
    if ((err = pecan_thread_park_prepare(pecan_thread_self())) != 0)
        return setup_error("preparing the lock", err);
    static struct server server;
    if ((err = mag_serve(&server, channel)) != 0)
        return setup_error("cannot serve \"mag\"", err);
    composite_damage(0, 0, mag_screen.surface.width, mag_screen.surface.height);
    composite_flush_now();
    if ((err = composite_start_flusher(flush_ms)) != 0)
        return setup_error("starting the flusher", err);
    pecan_cap_t input = pecan_env_cap("input");
    if (input && (err = input_start(input)) != 0)
        printf("mag: no input from \"input\" (error %d); going on without\n", err);
    printf("mag: %lux%lu %u bpp ready\n", (unsigned long)mapping.info.width,
           (unsigned long)mapping.info.height, mapping.surface.format.bits_per_pixel);
    server_loop(&server);
}
