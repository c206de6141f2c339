/* SPDX-License-Identifier: MIT */
/* Unit tests for pong's game (pkg/pong/pong_game.c), under AddressSanitizer: sizes outside
 * the limits are refused; over thousands of frames in fields from the smallest to the
 * screen's, everything stays inside the field; a window kept up to date only by redrawing
 * each step's damaged rectangles (what pong does) equals a full redraw at every frame, and
 * every pixel that changed lies inside the damage; a redraw changes no pixel outside its
 * clip rectangle, however absurd the rectangle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pong_game.h"

static uint8_t font_bytes[64 * 1024];
static struct psf_font font;

static int load_font(void **state)
{
    (void)state;
    FILE *f = fopen(FONT_UNI2_TERMINUS16, "rb");
    if (f == NULL)
        return -1;
    size_t size = fread(font_bytes, 1, sizeof(font_bytes), f);
    fclose(f);
    return psf_font_open(&font, font_bytes, size) == PSF_OK ? 0 : -1;
}

/* Distinct colours, so a pixel tells what was drawn there. */
static struct pong_look look(bool paused)
{
    return (struct pong_look){ .field = 0x1111, .net = 0x2222, .paddle = 0x3333, .ball = 0x4444,
                               .counter = 0x5555, .label = 0x6666, .font = &font,
                               .paused = paused };
}

/* A 16 bpp surface of exactly width x height in its own allocation: a write outside it is
 * AddressSanitizer's. */
static struct surface new_surface(uint32_t width, uint32_t height)
{
    struct surface s = { .pixels = malloc((size_t)width * height * 2), .width = width,
                         .height = height, .bytes_per_line = width * 2,
                         .format = pixel_format_rgb565 };
    assert_non_null(s.pixels);
    assert_true(surface_check(&s, (size_t)width * height * 2));
    return s;
}

static struct pong_rectangle whole(const struct pong_game *g)
{
    return (struct pong_rectangle){ 0, 0, g->width, g->height };
}

static bool inside(struct pong_rectangle r, const struct pong_game *g)
{
    return r.width > 0 && r.height > 0 && r.x >= 0 && r.y >= 0 && r.x + r.width <= g->width &&
           r.y + r.height <= g->height;
}

static bool in_any(const struct pong_rectangle *damage, unsigned count, int32_t x, int32_t y)
{
    for (unsigned i = 0; i < count; i++)
        if (x >= damage[i].x && x < damage[i].x + damage[i].width && y >= damage[i].y &&
            y < damage[i].y + damage[i].height)
            return true;
    return false;
}

static void test_sizes(void **state)
{
    (void)state;
    struct pong_game g = { .frame = 77 };
    assert_false(pong_game_start(&g, PONG_MIN_WIDTH - 1, PONG_MIN_HEIGHT));
    assert_false(pong_game_start(&g, PONG_MIN_WIDTH, PONG_MIN_HEIGHT - 1));
    assert_false(pong_game_start(&g, PONG_MAX_SIZE + 1, 100));
    assert_false(pong_game_start(&g, 100, 0xFFFFFFFFu));
    assert_int_equal(g.frame, 77);   /* untouched */
    assert_true(pong_game_start(&g, PONG_MIN_WIDTH, PONG_MIN_HEIGHT));
    assert_int_equal(g.frame, 0);
    assert_true(pong_game_start(&g, PONG_MAX_SIZE, PONG_MAX_SIZE));
}

static void test_stays_inside(void **state)
{
    (void)state;
    static const uint32_t sizes[][2] = { { PONG_MIN_WIDTH, PONG_MIN_HEIGHT }, { 97, 61 },
                                         { 312, 400 }, { 1024, 768 }, { 2000, 70 } };
    for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        struct pong_game g;
        assert_true(pong_game_start(&g, sizes[s][0], sizes[s][1]));
        uint32_t hits = 0;
        for (unsigned frame = 1; frame <= 50000; frame++) {
            struct pong_rectangle damage[PONG_DAMAGE_MAX];
            unsigned count = pong_game_step(&g, &font, damage);
            assert_true(count <= PONG_DAMAGE_MAX);
            assert_int_equal(g.frame, frame);
            for (unsigned i = 0; i < PONG_OBJECTS; i++)
                assert_true(inside(pong_game_object(&g, i), &g));
            for (unsigned i = 0; i < count; i++)
                assert_true(inside(damage[i], &g));
            assert_true(g.ball_dy != 0 && abs(g.ball_dy) <= PONG_SPIN_MAX);
            assert_true(g.hits == hits || g.hits == hits + 1);
            hits = g.hits;
        }
        assert_true(g.hits > 0);   /* the ball did reach the paddles */
    }
}

/* pong's way: draw frame 0 whole, then only each step's damage. At every frame that must
 * equal a full redraw, and the pixels that changed must lie in the damage. */
static void check_incremental(uint32_t width, uint32_t height, unsigned frames, bool paused)
{
    struct pong_game g;
    assert_true(pong_game_start(&g, width, height));
    struct pong_look l = look(paused);
    struct surface kept = new_surface(width, height), full = new_surface(width, height),
                   before = new_surface(width, height);
    size_t bytes = (size_t)width * height * 2;
    pong_game_draw(&g, &l, &kept, whole(&g));
    unsigned changed_frames = 0;
    for (unsigned frame = 1; frame <= frames; frame++) {
        memcpy(before.pixels, kept.pixels, bytes);
        struct pong_rectangle damage[PONG_DAMAGE_MAX];
        unsigned count = pong_game_step(&g, &font, damage);
        for (unsigned i = 0; i < count; i++)
            pong_game_draw(&g, &l, &kept, damage[i]);
        pong_game_draw(&g, &l, &full, whole(&g));
        if (memcmp(kept.pixels, full.pixels, bytes) != 0)
            fail_msg("%ux%u%s: frame %u differs from a full redraw", width, height,
                     paused ? " paused" : "", frame);
        bool changed = false;
        for (uint32_t y = 0; y < height; y++)
            for (uint32_t x = 0; x < width; x++)
                if (surface_read_pixel(&before, x, y) != surface_read_pixel(&kept, x, y)) {
                    changed = true;
                    if (!in_any(damage, count, (int32_t)x, (int32_t)y))
                        fail_msg("frame %u: (%u, %u) changed outside the damage", frame, x, y);
                }
        changed_frames += changed;
    }
    assert_true(changed_frames > frames / 2);
    free(kept.pixels);
    free(full.pixels);
    free(before.pixels);
}

static void test_damage(void **state)
{
    (void)state;
    check_incremental(PONG_MIN_WIDTH, PONG_MIN_HEIGHT, 3000, false);
    check_incremental(PONG_MIN_WIDTH, PONG_MIN_HEIGHT, 500, true);
    check_incremental(312, 400, 800, false);   /* conf/desktop.lua's window */
    check_incremental(131, 77, 1500, true);
}

/* A redraw of an absurd or partial rectangle writes only inside it and the field. */
static void test_clip(void **state)
{
    (void)state;
    struct pong_game g;
    assert_true(pong_game_start(&g, 100, 80));
    struct pong_look l = look(true);
    struct surface s = new_surface(100, 80);
    static const struct pong_rectangle clips[] = {
        { INT32_MIN, INT32_MIN, INT32_MAX, INT32_MAX }, { INT32_MAX, INT32_MAX, INT32_MAX, 1 },
        { -5, -5, 10, 10 }, { 95, 75, 100, 100 }, { 40, 30, 0, 10 }, { 40, 30, -3, 10 },
        { 48, 8, 3, 20 }, { 0, 0, 100, 80 }, { -1000000, 20, 2000000, 1 },
    };
    for (unsigned c = 0; c < sizeof(clips) / sizeof(clips[0]); c++) {
        memset(s.pixels, 0xEE, 100 * 80 * 2);
        pong_game_draw(&g, &l, &s, clips[c]);
        struct pong_rectangle r = clips[c];
        for (int32_t y = 0; y < 80; y++)
            for (int32_t x = 0; x < 100; x++) {
                bool in = r.width > 0 && r.height > 0 && (int64_t)x >= r.x &&
                          (int64_t)x < (int64_t)r.x + r.width && (int64_t)y >= r.y &&
                          (int64_t)y < (int64_t)r.y + r.height;
                if (!in && surface_read_pixel(&s, (uint32_t)x, (uint32_t)y) != 0xEEEE)
                    fail_msg("clip %u: (%d, %d) written outside it", c, x, y);
                if (in && surface_read_pixel(&s, (uint32_t)x, (uint32_t)y) == 0xEEEE)
                    fail_msg("clip %u: (%d, %d) inside it not drawn", c, x, y);
            }
    }
    free(s.pixels);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_stays_inside),
        cmocka_unit_test(test_damage),
        cmocka_unit_test(test_clip),
    };
    return cmocka_run_group_tests(tests, load_font, NULL);
}
