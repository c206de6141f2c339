/* SPDX-License-Identifier: MIT */
/*
 * bench_mag: mag's benchmarks (docs/bench.md, docs/graphics.md "mag"), the init program of
 * the bench-mag image. It starts fb-drv in RAM only and mag on a session of it, opens a
 * mag session whose window is the whole 640x480x16 screen, and measures under -icount:
 *   mag_refresh_full  REFRESH of the whole window: the call, mag's compositing of one
 *                     full-screen view (fb-drv has AUTO_REFRESH: nothing is sent below),
 *                     and back;
 *   memcpy_frame      a memcpy of the same frame (614,400 bytes) in this program;
 *   mag_refresh_char  REFRESH of an 8x16 rectangle (a character cell).
 * These three run on a mag started with --flush-ms=0, which draws at every request, so
 * each call is one refresh through mag's compositing, as before mag batched. A second
 * mag, with its default batching (a redraw at most every 40 ms), gives
 *   mag_refresh_char_batched  the same REFRESH back to back: what a client's refresh
 *                     costs when it refreshes faster than mag redraws (the redraws,
 *                     done by mag's flusher thread, are in the figure: -icount time is
 *                     every CPU's instructions).
 * Each figure is instructions per call over TICKS ticks of the kernel clock after a
 * warm-up; lines "bench <name> <value> instructions".
 */
#include <pecan/children.h>
#include <pecan/factory.h>
#include <pecan/framebuffer.h>
#include <pecan/runtime.h>
#include <pecan/testkit.h>
#include <stdio.h>
#include <string.h>
#include "../../tests/programs/kip_clock.h"

#define TICKS 20u
#define TICK_NS 10000000u
#define WARM_UP 10u
#define WIDTH 640u
#define HEIGHT 480u
#define FRAME (WIDTH * HEIGHT * 2u)

static struct children children;
static pecan_cap_t session_cap, batched_cap, fb_channel;
static uint8_t frame_from[FRAME], frame_to[FRAME];

static int start(const char *path, const char *const *argv, unsigned argc,
                 const struct child_cap *caps, unsigned count)
{
    struct child_spec spec = {
        .path = path, .argc = argc, .argv = argv, .factory = PECAN_ENV_FACTORY,
        .cap_count = count, .caps = caps,
    };
    struct child *child;
    return testkit_start("bench_mag", &children, &spec, &child);
}

/* A mag (argv) on a session of fb-drv, and a window of it covering the screen. */
static int start_mag(const char *const *mag_argv, unsigned argc, pecan_cap_t *cap)
{
    pecan_cap_t mag_channel;
    struct pecan_session below, window;
    int err = pecan_cap_alloc(&mag_channel);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, mag_channel);
    if (!err)
        err = pecan_framebuffer_open(fb_channel, PECAN_ENV_FACTORY, &below);
    struct child_cap mag_caps[] = { { "fb", below.cap, PECAN_RIGHTS_ALL },
                                       { "mag", mag_channel, PECAN_RIGHTS_ALL } };
    if (!err)
        err = start("rom/mag.elf", mag_argv, argc, mag_caps, 2);
    /* label "all", grey, the whole screen at (0, 0): its label bar lies above it, off it */
    const pecan_word_t args[] = { 3, 'a' | 'l' << 8 | 'l' << 16, 0x808080, 0, 0, WIDTH, HEIGHT };
    if (!err)
        err = pecan_session_open_charged(mag_channel, PECAN_PROTO_FRAMEBUFFER, PECAN_ENV_FACTORY,
                                         args, 7, &window);
    *cap = window.cap;
    return err;
}

static int set_up(void)
{
    static const char *const driver_argv[] = { "fb-drv", "--ram" };
    static const char *const at_once[] = { "mag", "--flush-ms=0" }, *const batched[] = { "mag" };
    int err = pecan_cap_alloc(&fb_channel);
    if (!err)
        err = children_init(&children, PECAN_ENV_FACTORY);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, fb_channel);
    struct child_cap driver_caps[] = { { "fb", fb_channel, PECAN_RIGHTS_ALL } };
    if (!err)
        err = start("rom/fb-drv.elf", driver_argv, 2, driver_caps, 1);
    if (!err)
        err = start_mag(at_once, 2, &session_cap);
    if (!err)
        err = start_mag(batched, 1, &batched_cap);
    return err;
}

static void refresh_full(void)
{
    pecan_framebuffer_refresh(session_cap, 0, 0, WIDTH, HEIGHT);
}

static void refresh_char(void)
{
    pecan_framebuffer_refresh(session_cap, 320, 240, 8, 16);
}

static void refresh_char_batched(void)
{
    pecan_framebuffer_refresh(batched_cap, 320, 240, 8, 16);
}

static void copy_frame(void)
{
    memcpy(frame_to, frame_from, FRAME);
    __asm__ volatile("" ::: "memory");
}

/* Instructions per call(), over TICKS ticks after a warm-up. */
static unsigned long long per_call(void (*call)(void))
{
    for (unsigned i = 0; i < WARM_UP; i++)
        call();
    uint64_t end = kip_next_tick() + (uint64_t)TICKS * TICK_NS;
    unsigned calls = 0;
    while (kip_now() < end) {
        call();
        calls++;
    }
    return ((uint64_t)TICKS * TICK_NS + calls / 2) / calls;
}

int main(void)
{
    int err = set_up();
    if (err) {
        printf("bench_mag: setting up: error %d\n", err);
        return 1;
    }
    memset(frame_from, 0x5A, FRAME);
    unsigned long long full = per_call(refresh_full), copy = per_call(copy_frame);
    unsigned long long cell = per_call(refresh_char);
    unsigned long long batched = per_call(refresh_char_batched);
    printf("# mag_refresh_full: REFRESH of a 640x480x16 window covering the screen, through "
           "mag's compositing (fb-drv in RAM below); %u ticks per figure\n", TICKS);
    printf("bench mag_refresh_full %llu instructions\n", full);
    printf("# memcpy_frame: memcpy of the same 614,400 bytes in the benchmark's program\n");
    printf("bench memcpy_frame %llu instructions\n", copy);
    printf("# mag_refresh_char: REFRESH of an 8x16 rectangle of the window\n");
    printf("bench mag_refresh_char %llu instructions\n", cell);
    printf("# mag_refresh_char_batched: the same on a mag that redraws at most every 40 ms "
           "(its default), back to back; its redraws included\n");
    printf("bench mag_refresh_char_batched %llu instructions\n", batched);
    return 0;
}
