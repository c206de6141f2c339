/* SPDX-License-Identifier: MIT */
/*
 * mag: the framebuffer multiplexer (docs/graphics.md, "mag"). It is a client of the
 * FRAMEBUFFER session "fb" below (fb-drv's, or a mag session: nesting), maps that
 * session's buffer 0 as its screen, and serves FRAMEBUFFER sessions on the channel it got
 * as "mag" (session.c), compositing their windows on its screen (composite.c).
 *
 * Usage: mag (capabilities "fb" and "mag"; optionally "input", an EVENT session, for the
 * pointer, focus and events to the sessions: input.c). A missing capability or a screen that cannot
 * be mapped is one line "mag: error: ..." and exit status 1. Once serving it prints
 * "mag: WxH B bpp ready".
 */
#include <pecan/framebuffer.h>
#include <pecan/runtime.h>
#include <pecan/thread.h>
#include <stdio.h>
#include "mag.h"

extern const uint8_t console_font[];
extern const uint32_t console_font_size;

static const struct color background = { 0x20, 0x30, 0x40 };
static const struct color label_text = { 0x00, 0x00, 0x00 };
static const struct color pointer_inside = { 0xFF, 0xFF, 0xFF };

struct mag_screen mag_screen;

static int setup_error(const char *what, int err)
{
    printf("mag: error: %s (%d)\n", what, err);
    return 1;
}

int main(void)
{
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
    mag_screen.background_pixel = pixel_format_pack(&mapping.surface.format, background);
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
    composite_flush();
    pecan_cap_t input = pecan_env_cap("input");
    if (input && (err = input_start(input)) != 0)
        printf("mag: no input from \"input\" (error %d); going on without\n", err);
    printf("mag: %lux%lu %u bpp ready\n", (unsigned long)mapping.info.width,
           (unsigned long)mapping.info.height, mapping.surface.format.bits_per_pixel);
    server_loop(&server);
}
