/* SPDX-License-Identifier: MIT */
/* Unit tests for pkg/graphics/pixel_format.c and surface.c: the PL111 pixel layouts, colour
 * packing both ways, surface checks, and glyphs, text and rectangles drawn into 16- and
 * 32-bit surfaces with the real Uni2-Terminus16 font, clipped at every edge and at absurd
 * coordinates without touching a byte outside the surface (guard bytes around it and in the
 * padding at each line's end). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphics/pixel_format.h>
#include <graphics/psf_font.h>
#include <graphics/surface.h>

static struct psf_font font;
static uint8_t font_bytes[1 << 16];

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

static void test_predefined_formats(void **state)
{
    (void)state;
    const struct color red = {255, 0, 0}, green = {0, 255, 0}, blue = {0, 0, 255};
    assert_true(pixel_format_check(&pixel_format_rgb565));
    assert_int_equal(pixel_format_pack(&pixel_format_rgb565, red), 0xF800);
    assert_int_equal(pixel_format_pack(&pixel_format_rgb565, green), 0x07E0);
    assert_int_equal(pixel_format_pack(&pixel_format_rgb565, blue), 0x001F);
    /* The PL111's BGR quirk (shared/docs/platforms.md section 7): red in bits 4:0. */
    assert_true(pixel_format_check(&pixel_format_bgr565));
    assert_int_equal(pixel_format_pack(&pixel_format_bgr565, red), 0x001F);
    assert_int_equal(pixel_format_pack(&pixel_format_bgr565, blue), 0xF800);
    const struct color mixed = {0x12, 0x34, 0x56};
    assert_int_equal(pixel_format_pack(&pixel_format_xrgb8888, mixed), 0x00123456);
    assert_int_equal(pixel_format_pack(&pixel_format_xbgr8888, mixed), 0x00563412);
    assert_int_equal(pixel_format_bytes_per_pixel(&pixel_format_xbgr8888), 4);
    assert_false(pixel_format_equal(&pixel_format_rgb565, &pixel_format_bgr565));
    assert_true(pixel_format_equal(&pixel_format_rgb565, &pixel_format_rgb565));
}

static void test_format_checks(void **state)
{
    (void)state;
    struct pixel_format f = pixel_format_rgb565;
    f.bits_per_pixel = 24;
    assert_false(pixel_format_check(&f));
    f = pixel_format_rgb565;
    f.green.size = 0;
    assert_false(pixel_format_check(&f));
    f.green.size = 9;
    assert_false(pixel_format_check(&f));
    f = pixel_format_rgb565;
    f.red.shift = 12;                      /* 12 + 5 > 16 */
    assert_false(pixel_format_check(&f));
    f.red.shift = 200;
    assert_false(pixel_format_check(&f));
    f = pixel_format_rgb565;
    f.blue.shift = 4;                      /* overlaps green */
    assert_false(pixel_format_check(&f));
    f = pixel_format_xrgb8888;
    f.red.shift = 24;                      /* 0xRRxxGGBB: fine */
    assert_true(pixel_format_check(&f));
    /* x:5:5:5, what PL111 BPP code 4 shows */
    const struct pixel_format xrgb1555 = {16, {10, 5}, {5, 5}, {0, 5}};
    assert_true(pixel_format_check(&xrgb1555));
}

static void test_pack_unpack_round_trip(void **state)
{
    (void)state;
    const struct pixel_format *formats[] = {&pixel_format_rgb565, &pixel_format_bgr565};
    for (size_t i = 0; i < 2; i++) {
        for (uint32_t pixel = 0; pixel <= 0xFFFF; pixel++) {
            struct color color = pixel_format_unpack(formats[i], pixel);
            assert_int_equal(pixel_format_pack(formats[i], color), pixel);
        }
    }
    struct color white = pixel_format_unpack(&pixel_format_rgb565, 0xFFFF);
    assert_int_equal(white.red, 255);
    assert_int_equal(white.green, 255);
    assert_int_equal(white.blue, 255);
    struct color some = pixel_format_unpack(&pixel_format_xbgr8888, 0x00563412);
    assert_int_equal(some.red, 0x12);
    assert_int_equal(some.blue, 0x56);
}

/* A surface of width x height inside a buffer with guard lines above and below and padding
 * at the end of each line, all filled with a guard byte that drawing must leave alone. */
#define GUARD 0xA5
#define GUARD_LINES 4
#define PADDING_PIXELS 5

struct guarded {
    uint8_t *buffer;
    size_t buffer_size;
    struct surface surface;
};

static struct guarded make_surface(const struct pixel_format *format, uint32_t width,
                                   uint32_t height)
{
    struct guarded g;
    uint32_t bytes_per_pixel = format->bits_per_pixel / 8;
    uint32_t bytes_per_line = (width + PADDING_PIXELS) * bytes_per_pixel;
    g.buffer_size = (size_t)(height + 2 * GUARD_LINES) * bytes_per_line;
    g.buffer = aligned_alloc(4, (g.buffer_size + 3) & ~(size_t)3);
    assert_non_null(g.buffer);
    memset(g.buffer, GUARD, g.buffer_size);
    g.surface.pixels = g.buffer + GUARD_LINES * bytes_per_line;
    g.surface.width = width;
    g.surface.height = height;
    g.surface.bytes_per_line = bytes_per_line;
    g.surface.format = *format;
    /* The pixels themselves start cleared. */
    for (uint32_t y = 0; y < height; y++)
        memset(g.surface.pixels + (size_t)y * bytes_per_line, 0, (size_t)width * bytes_per_pixel);
    assert_true(surface_check(&g.surface, (size_t)height * bytes_per_line));
    return g;
}

/* Every byte outside the surface's pixels still holds the guard. */
static void assert_guards_intact(const struct guarded *g)
{
    uint32_t bytes_per_pixel = g->surface.format.bits_per_pixel / 8;
    size_t pixel_bytes = (size_t)g->surface.width * bytes_per_pixel;
    for (size_t offset = 0; offset < g->buffer_size; offset++) {
        const uint8_t *p = g->buffer + offset;
        bool inside = false;
        if (p >= g->surface.pixels) {
            size_t from_start = (size_t)(p - g->surface.pixels);
            size_t line = from_start / g->surface.bytes_per_line;
            inside = line < g->surface.height &&
                     from_start % g->surface.bytes_per_line < pixel_bytes;
        }
        if (!inside && *p != GUARD)
            fail_msg("byte %zu outside the surface was written", offset);
    }
}

/* The surface shows glyph `glyph` at (x, y), clipped, and only background 0 elsewhere. */
static void assert_glyph_drawn(const struct guarded *g, uint32_t glyph, int64_t x, int64_t y,
                               uint32_t foreground, uint32_t background)
{
    for (uint32_t row = 0; row < g->surface.height; row++) {
        for (uint32_t column = 0; column < g->surface.width; column++) {
            int64_t glyph_x = column - x, glyph_y = row - y;
            uint32_t expected = 0;
            if (glyph_x >= 0 && glyph_x < font.width && glyph_y >= 0 && glyph_y < font.height)
                expected = psf_font_glyph_pixel(&font, glyph, (uint32_t)glyph_x, (uint32_t)glyph_y)
                               ? foreground : background;
            uint32_t actual = surface_read_pixel(&g->surface, column, row);
            if (actual != expected)
                fail_msg("pixel (%u, %u): %#x, expected %#x (glyph at %lld, %lld)", column, row,
                         actual, expected, (long long)x, (long long)y);
        }
    }
    assert_guards_intact(g);
}

static void check_glyph_at(const struct pixel_format *format, int64_t x, int64_t y)
{
    struct guarded g = make_surface(format, 37, 29);
    uint32_t foreground = pixel_format_pack(format, (struct color){0xFF, 0xC0, 0x10});
    uint32_t background = pixel_format_pack(format, (struct color){0x00, 0x20, 0x80});
    uint32_t glyph = psf_font_glyph_or_replacement(&font, 'A');
    surface_draw_glyph(&g.surface, &font, glyph, (int32_t)x, (int32_t)y, foreground, background);
    assert_glyph_drawn(&g, glyph, x, y, foreground, background);
    free(g.buffer);
}

static void test_glyphs_clipped(void **state)
{
    (void)state;
    const struct pixel_format *formats[] = {&pixel_format_rgb565, &pixel_format_xrgb8888,
                                            &pixel_format_bgr565, &pixel_format_xbgr8888};
    for (size_t i = 0; i < 4; i++) {
        /* Inside, then across every edge and corner, then just outside each edge. */
        for (int64_t x = -9; x <= 38; x += 1)
            for (int64_t y = -17; y <= 30; y += 3)
                check_glyph_at(formats[i], x, y);
        check_glyph_at(formats[i], INT32_MIN, INT32_MIN);
        check_glyph_at(formats[i], INT32_MAX, INT32_MAX);
        check_glyph_at(formats[i], INT32_MAX - 3, 0);
        check_glyph_at(formats[i], 0, INT32_MIN + 2);
    }
}

static void test_glyph_not_in_font(void **state)
{
    (void)state;
    struct guarded g = make_surface(&pixel_format_rgb565, 16, 16);
    surface_draw_glyph(&g.surface, &font, font.glyph_count, 0, 0, 0xFFFF, 0x1234);
    assert_glyph_drawn(&g, font.glyph_count, 100, 100, 0, 0);   /* nothing anywhere */
    free(g.buffer);
}

static void test_text(void **state)
{
    (void)state;
    struct guarded g = make_surface(&pixel_format_xrgb8888, 8 * 5, 16);
    const char text[] = "A\xC3\xA9\xE2\x94\x80\xFFZ";   /* A é ─ <malformed> Z */
    int64_t end = surface_draw_text(&g.surface, &font, 0, 0, text, strlen(text), 0xFFFFFF, 0);
    assert_int_equal(end, 5 * 8);
    const uint32_t code_points[5] = {'A', 0xE9, 0x2500, 0xFFFD, 'Z'};
    for (uint32_t cell = 0; cell < 5; cell++) {
        uint32_t glyph = psf_font_glyph_or_replacement(&font, code_points[cell]);
        for (uint32_t y = 0; y < 16; y++)
            for (uint32_t x = 0; x < 8; x++)
                assert_int_equal(surface_read_pixel(&g.surface, cell * 8 + x, y),
                                 psf_font_glyph_pixel(&font, glyph, x, y) ? 0xFFFFFF : 0);
    }
    assert_guards_intact(&g);
    /* Text running off the end of int32_t's range stops drawing but keeps its count. */
    end = surface_draw_text(&g.surface, &font, INT32_MAX - 8, 0, "abc", 3, 1, 2);
    assert_int_equal(end, (int64_t)INT32_MAX - 8 + 24);
    assert_guards_intact(&g);
    free(g.buffer);
}

static void test_fill_rectangle(void **state)
{
    (void)state;
    struct guarded g = make_surface(&pixel_format_rgb565, 20, 10);
    surface_fill_rectangle(&g.surface, -5, -5, UINT32_MAX, UINT32_MAX, 0x1111);
    for (uint32_t y = 0; y < 10; y++)
        for (uint32_t x = 0; x < 20; x++)
            assert_int_equal(surface_read_pixel(&g.surface, x, y), 0x1111);
    surface_fill_rectangle(&g.surface, 3, 4, 2, 1, 0x2222);
    for (uint32_t y = 0; y < 10; y++)
        for (uint32_t x = 0; x < 20; x++)
            assert_int_equal(surface_read_pixel(&g.surface, x, y),
                             (y == 4 && (x == 3 || x == 4)) ? 0x2222 : 0x1111);
    surface_fill_rectangle(&g.surface, INT32_MAX, INT32_MAX, UINT32_MAX, UINT32_MAX, 0x3333);
    surface_fill_rectangle(&g.surface, INT32_MIN, 0, INT32_MAX, 1, 0x4444);    /* ends at x = -1 */
    surface_fill_rectangle(&g.surface, INT32_MIN, 1, UINT32_MAX, 1, 0x4444);   /* ends at x = 2^31 - 1 */
    surface_fill_rectangle(&g.surface, 0, 0, 0, 0, 0x5555);
    assert_int_equal(surface_read_pixel(&g.surface, 0, 0), 0x1111);
    assert_int_equal(surface_read_pixel(&g.surface, 0, 1), 0x4444);
    assert_int_equal(surface_read_pixel(&g.surface, 19, 1), 0x4444);
    assert_int_equal(surface_read_pixel(&g.surface, 19, 9), 0x1111);
    assert_int_equal(surface_read_pixel(&g.surface, 20, 0), 0);    /* outside: 0, no read */
    assert_guards_intact(&g);
    free(g.buffer);
}

static void test_surface_checks(void **state)
{
    (void)state;
    static uint32_t words[64];
    struct surface s = {(uint8_t *)words, 8, 4, 32, pixel_format_xrgb8888};
    assert_true(surface_check(&s, sizeof(words) / 2));
    assert_false(surface_check(&s, sizeof(words) / 2 - 1));      /* last line outside */
    s.bytes_per_line = 28;                                       /* shorter than a row */
    assert_false(surface_check(&s, sizeof(words)));
    s.bytes_per_line = 34;                                       /* not whole pixels */
    assert_false(surface_check(&s, sizeof(words)));
    s.bytes_per_line = 32;
    s.pixels = (uint8_t *)words + 2;                             /* misaligned */
    assert_false(surface_check(&s, sizeof(words) - 2));
    s.pixels = NULL;
    assert_false(surface_check(&s, sizeof(words)));
    s.pixels = (uint8_t *)words;
    s.format.bits_per_pixel = 8;
    assert_false(surface_check(&s, sizeof(words)));
    s = (struct surface){(uint8_t *)words, UINT32_MAX, 2, 32, pixel_format_rgb565};
    assert_false(surface_check(&s, sizeof(words)));              /* width * 2 overflows 32 bits */
    s = (struct surface){(uint8_t *)words, 1, UINT32_MAX, 4, pixel_format_rgb565};
    assert_false(surface_check(&s, UINT32_MAX));                 /* lines past 4 GiB */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_predefined_formats),
        cmocka_unit_test(test_format_checks),
        cmocka_unit_test(test_pack_unpack_round_trip),
        cmocka_unit_test(test_glyphs_clipped),
        cmocka_unit_test(test_glyph_not_in_font),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_fill_rectangle),
        cmocka_unit_test(test_surface_checks),
    };
    return cmocka_run_group_tests(tests, load_font, NULL);
}
