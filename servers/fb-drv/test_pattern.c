/* SPDX-License-Identifier: MIT */
/* The test pattern (test_pattern.h), drawn in this order, later parts over earlier ones
 * (W and H the screen's size, H2 = H / 2, integer division throughout):
 *   1. the screen in the background colour;
 *   2. eight bars (white, yellow, cyan, green, magenta, red, blue, black), bar i from
 *      x = i * W / 8 to (i + 1) * W / 8, from the top to H2 - 32;
 *   3. a grey ramp, column x in grey x * 255 / (W - 1), from H2 - 32 to H2;
 *   4. a grid: grey lines at y = H2 + 16 + 32k across, and at x = 16 + 32k from H2 down;
 *   5. text in the console font, yellow on the background: at (24, H2 + 24) "Pecan fb-drv
 *      WxH B bpp FORMAT", at (24, H2 + 48) the second line below;
 *   6. a white border one pixel wide;
 *   7. 8x8 markers: red top left, green top right, blue bottom left, magenta bottom right.
 */
#include <stdio.h>
#include <string.h>
#include "mode.h"
#include "test_pattern.h"

static const struct color background = { 0x10, 0x20, 0x80 };
static const struct color text_color = { 0xFF, 0xE0, 0x40 };
static const struct color grid_color = { 0x90, 0x90, 0x90 };
static const struct color white = { 0xFF, 0xFF, 0xFF };
static const struct color bars[8] = {
    { 0xFF, 0xFF, 0xFF }, { 0xFF, 0xFF, 0x00 }, { 0x00, 0xFF, 0xFF }, { 0x00, 0xFF, 0x00 },
    { 0xFF, 0x00, 0xFF }, { 0xFF, 0x00, 0x00 }, { 0x00, 0x00, 0xFF }, { 0x00, 0x00, 0x00 },
};
static const struct color markers[4] = {   /* top left, top right, bottom left, bottom right */
    { 0xFF, 0x00, 0x00 }, { 0x00, 0xFF, 0x00 }, { 0x00, 0x00, 0xFF }, { 0xFF, 0x00, 0xFF },
};
static const char second_line[] = "\xc3\xa9\xe2\x94\x80\xe2\x94\x82\xe2\x94\xbc\xc2\xbd"
                                  "\xe2\x98\xba 0123456789 print(6*7)";   /* é─│┼½☺ ... */

static void fill(const struct surface *s, int32_t x, int32_t y, uint32_t width,
                 uint32_t height, struct color color)
{
    surface_fill_rectangle(s, x, y, width, height, pixel_format_pack(&s->format, color));
}

static void draw_bars_and_ramp(const struct surface *s)
{
    int32_t w = (int32_t)s->width, half = (int32_t)s->height / 2;
    for (int32_t i = 0; i < 8; i++) {
        int32_t left = i * w / 8, right = (i + 1) * w / 8;
        if (half > 32)
            fill(s, left, 0, (uint32_t)(right - left), (uint32_t)(half - 32), bars[i]);
    }
    for (int32_t x = 0; x < w; x++) {
        uint8_t grey = w > 1 ? (uint8_t)(x * 255 / (w - 1)) : 0;
        fill(s, x, half - 32, 1, 32, (struct color){ grey, grey, grey });
    }
}

static void draw_grid(const struct surface *s)
{
    int32_t w = (int32_t)s->width, h = (int32_t)s->height, half = h / 2;
    for (int32_t y = half + 16; y < h; y += 32)
        fill(s, 0, y, (uint32_t)w, 1, grid_color);
    for (int32_t x = 16; x < w; x += 32)
        fill(s, x, half, 1, (uint32_t)(h - half), grid_color);
}

static void draw_text(const struct surface *s, const struct psf_font *font)
{
    char first_line[80];
    snprintf(first_line, sizeof(first_line), "Pecan fb-drv %lux%lu %u bpp %s",
             (unsigned long)s->width, (unsigned long)s->height, s->format.bits_per_pixel,
             fb_format_name(&s->format));
    uint32_t fg = pixel_format_pack(&s->format, text_color);
    uint32_t bg = pixel_format_pack(&s->format, background);
    int32_t half = (int32_t)s->height / 2;
    surface_draw_text(s, font, 24, half + 24, first_line, strlen(first_line), fg, bg);
    surface_draw_text(s, font, 24, half + 48, second_line, strlen(second_line), fg, bg);
}

static void draw_border_and_markers(const struct surface *s)
{
    int32_t w = (int32_t)s->width, h = (int32_t)s->height;
    fill(s, 0, 0, (uint32_t)w, 1, white);
    fill(s, 0, h - 1, (uint32_t)w, 1, white);
    fill(s, 0, 0, 1, (uint32_t)h, white);
    fill(s, w - 1, 0, 1, (uint32_t)h, white);
    fill(s, 0, 0, 8, 8, markers[0]);
    fill(s, w - 8, 0, 8, 8, markers[1]);
    fill(s, 0, h - 8, 8, 8, markers[2]);
    fill(s, w - 8, h - 8, 8, 8, markers[3]);
}

void test_pattern_draw(const struct surface *surface, const struct psf_font *font)
{
    fill(surface, 0, 0, surface->width, surface->height, background);
    draw_bars_and_ramp(surface);
    draw_grid(surface);
    draw_text(surface, font);
    draw_border_and_markers(surface);
}
