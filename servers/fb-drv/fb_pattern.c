/* SPDX-License-Identifier: MIT */
/*
 * fb-pattern: a FRAMEBUFFER client (the stub, pecan/framebuffer.h) that draws the test
 * pattern (test_pattern.h) on the screen of its session, fb-drv's or mag's alike: the
 * capability "fb" when the boot script opened the session (ch:create(L4.Proto.Goos)),
 * else one it opens itself, paid by its own quota, at the server behind "fb_server".
 * It maps buffer 0, draws, asks for a refresh of the whole screen, and prints
 * "fb-pattern: drew WxH B bpp FORMAT: ready", the line screen tests wait for before
 * their screendump. --crash then dies with the buffer still mapped and the session open
 * (a write to address 0), to show fb-drv outlives its clients; --hold waits for ever
 * instead of exiting. Exit status 0, or 1 with a line saying what failed.
 */
#include <pecan/framebuffer.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <stdio.h>
#include <string.h>
#include "mode.h"
#include "test_pattern.h"

extern const uint8_t console_font[];
extern const uint32_t console_font_size;

static int failed(const char *what, int err)
{
    printf("fb-pattern: %s (error %d)\n", what, err);
    return 1;
}

int main(int argc, char **argv)
{
    bool crash = argc > 1 && strcmp(argv[1], "--crash") == 0;
    bool hold = argc > 1 && strcmp(argv[1], "--hold") == 0;
    pecan_cap_t fb = pecan_env_cap("fb"), server = pecan_env_cap("fb_server");
    struct pecan_session session = { fb, 0, 0 };
    if (!fb && !server)
        return failed("neither \"fb\" (a FRAMEBUFFER session) nor \"fb_server\"", -PECAN_ENOENT);
    int err = fb ? 0 : pecan_framebuffer_open(server, PECAN_ENV_FACTORY, &session);
    if (err)
        return failed("opening a session at \"fb_server\"", err);
    struct psf_font font;
    enum psf_error e = psf_font_open(&font, console_font, console_font_size);
    if (e != PSF_OK)
        return failed(psf_error_text(e), (int)e);
    struct pecan_framebuffer_mapping screen;
    err = pecan_framebuffer_map(session.cap, &screen);
    if (err)
        return failed("mapping the screen", err);
    test_pattern_draw(&screen.surface, &font);
    err = pecan_framebuffer_refresh(session.cap, 0, 0, screen.info.width, screen.info.height);
    if (err)
        return failed("REFRESH", err);
    printf("fb-pattern: drew %lux%lu %u bpp %s: ready\n", (unsigned long)screen.info.width,
           (unsigned long)screen.info.height, screen.info.format.bits_per_pixel,
           fb_format_name(&screen.info.format));
    if (crash)
        *(volatile uint32_t *)0 = 0;
    while (hold)
        pecan_sleep_us(1000000);
    pecan_framebuffer_unmap(&screen);
    if (!fb)
        pecan_session_close(&session);
    return 0;
}
