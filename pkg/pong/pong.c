/* SPDX-License-Identifier: MIT */
/*
 * pong: Pong in attract mode in a window (the desktop's animated client, conf/desktop.lua).
 * A FRAMEBUFFER client (pecan/framebuffer.h) of the session "fb", a mag window or
 * fb-drv's whole screen alike. It draws a frame every PONG_FRAME_US of the kernel clock,
 * sleeping in between, and after each frame redraws and refreshes only the rectangles the
 * step changed (pong_game_step). A late frame is not caught up: the next one is a period
 * after it, so a loaded machine slows the game and never makes it burst.
 *
 * If the session speaks EVENT too (a mag session does), keys steer it:
 *   Space   pause ("paused" shows in the middle), or run again: "pong: paused at frame N",
 *           "pong: running from frame N"
 *   N       while paused, one frame on: "pong: frame N"
 * Each line is printed once frame N is on the screen (its refresh answered), which is
 * what the desktop's screen test waits for. While paused it blocks on its notification.
 * "pong: ready WxH" follows the first frame. Errors: a line with FAILED, exit status 1.
 */
#include <input/key_codes.h>
#include <pecan/event.h>
#include <pecan/factory.h>
#include <pecan/framebuffer.h>
#include <pecan/kip.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <stdio.h>
#include "pong_game.h"

enum { PONG_FRAME_US = 20000 };

extern const uint8_t console_font[];
extern const uint32_t console_font_size;

struct pong {
    pecan_cap_t fb;
    struct pecan_framebuffer_mapping screen;
    struct pong_game game;
    struct psf_font font;
    struct pong_look look;   /* look.paused: the game is paused */
    bool input;
    struct pecan_event_client events;
    pecan_cap_t notification;
};

static int failed(const char *what, int err)
{
    printf("pong: %s: error %d (FAILED)\n", what, err);
    return 1;
}

static uint64_t now_us(void)
{
    return pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS) / 1000u;
}

static uint32_t pack(const struct pong *pong, uint32_t rgb)
{
    struct color c = { (uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb };
    return pixel_format_pack(&pong->screen.surface.format, c);
}

/* Colours of tests/graphics/test_desktop.py's model. */
static void choose_look(struct pong *pong)
{
    pong->look = (struct pong_look){ .field = pack(pong, 0x102030), .net = pack(pong, 0x607080),
                                     .paddle = pack(pong, 0xE8E8E8), .ball = pack(pong, 0xF0C040),
                                     .counter = pack(pong, 0xA0B0C0), .label = pack(pong, 0xF0C040),
                                     .font = &pong->font };
}

static int show(struct pong *pong, struct pong_rectangle r)
{
    pong_game_draw(&pong->game, &pong->look, &pong->screen.surface, r);
    return pecan_framebuffer_refresh(pong->fb, (uint32_t)r.x, (uint32_t)r.y, (uint32_t)r.width,
                                     (uint32_t)r.height);
}

/* One step, shown: only the damaged rectangles are drawn and refreshed. */
static int advance(struct pong *pong)
{
    struct pong_rectangle damage[PONG_DAMAGE_MAX];
    unsigned count = pong_game_step(&pong->game, &pong->font, damage);
    for (unsigned i = 0; i < count; i++) {
        int err = show(pong, damage[i]);
        if (err)
            return err;
    }
    return 0;
}

/* Input is optional: a session without EVENT (fb-drv's) just plays. */
static void attach_input(struct pong *pong)
{
    int err = pecan_event_attach(pong->fb, &pong->events);
    if (!err)
        err = pecan_cap_alloc(&pong->notification);
    if (!err)
        err = pecan_factory_create_notification(PECAN_ENV_FACTORY, pong->notification);
    if (!err)
        err = pecan_event_bind(pong->fb, pong->notification, 1);
    pong->input = err == 0;
    if (err)
        printf("pong: no input (error %d): playing on\n", err);
}

static int key_pressed(struct pong *pong, uint32_t code)
{
    if (code == INPUT_KEY_SPACE) {
        pong->look.paused = !pong->look.paused;
        int err = show(pong, pong_game_label(&pong->game, &pong->font));
        if (err)
            return err;
        printf("pong: %s frame %lu\n", pong->look.paused ? "paused at" : "running from",
               (unsigned long)pong->game.frame);
    } else if (code == INPUT_KEY_N && pong->look.paused) {
        int err = advance(pong);
        if (err)
            return err;
        printf("pong: frame %lu\n", (unsigned long)pong->game.frame);
    }
    return 0;
}

static int handle_events(struct pong *pong)
{
    struct pecan_event e;
    while (pong->input && pecan_event_consumer_get(&pong->events.consumer, &e)) {
        if (e.type != PECAN_EVENT_PRESS)
            continue;
        int err = key_pressed(pong, e.code);
        if (err)
            return err;
    }
    return 0;
}

/* Sleeps until deadline; returns the next frame's deadline. */
static uint64_t wait_for_frame(uint64_t deadline)
{
    uint64_t now = now_us();
    if (now < deadline)
        pecan_sleep_us((uint32_t)(deadline - now));
    else
        deadline = now;
    return deadline + PONG_FRAME_US;
}

static int play(struct pong *pong)
{
    uint64_t deadline = now_us() + PONG_FRAME_US;
    for (;;) {
        int err = handle_events(pong);
        if (err)
            return failed("refresh", err);
        if (pong->look.paused) {
            pecan_word_t bits;
            if ((err = pecan_notification_wait(pong->notification, &bits)) != 0)
                return failed("waiting for input", err);
            deadline = now_us() + PONG_FRAME_US;
            continue;
        }
        deadline = wait_for_frame(deadline);
        if ((err = advance(pong)) != 0)
            return failed("refresh", err);
    }
}

int main(int argc, char **argv)
{
    (void)argv;
    static struct pong pong;
    pong.fb = pecan_env_cap("fb");
    if (argc != 1 || !pong.fb) {
        printf("pong: usage: pong, with \"fb\" a FRAMEBUFFER session (FAILED)\n");
        return 1;
    }
    enum psf_error bad = psf_font_open(&pong.font, console_font, console_font_size);
    if (bad != PSF_OK) {
        printf("pong: the console font: %s (FAILED)\n", psf_error_text(bad));
        return 1;
    }
    int err = pecan_framebuffer_map(pong.fb, &pong.screen);
    if (err)
        return failed("mapping the window", err);
    struct surface *s = &pong.screen.surface;
    if (!pong_game_start(&pong.game, s->width, s->height)) {
        printf("pong: a window of %lux%lu is outside %ux%u to %ux%u (FAILED)\n",
               (unsigned long)s->width, (unsigned long)s->height, PONG_MIN_WIDTH,
               PONG_MIN_HEIGHT, PONG_MAX_SIZE, PONG_MAX_SIZE);
        return 1;
    }
    choose_look(&pong);
    if ((err = show(&pong, (struct pong_rectangle){ 0, 0, (int32_t)s->width, (int32_t)s->height })))
        return failed("refresh", err);
    attach_input(&pong);
    printf("pong: ready %lux%lu\n", (unsigned long)s->width, (unsigned long)s->height);
    return play(&pong);
}
