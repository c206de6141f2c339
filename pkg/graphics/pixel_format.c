/* SPDX-License-Identifier: MIT */
/* Pixel formats: the predefined PL111 layouts, the check that makes a format safe to draw
 * with, and conversion between colours and pixel words. */
#include <graphics/pixel_format.h>

const struct pixel_format pixel_format_rgb565 = {
    .bits_per_pixel = 16, .red = {11, 5}, .green = {5, 6}, .blue = {0, 5}};
const struct pixel_format pixel_format_bgr565 = {
    .bits_per_pixel = 16, .red = {0, 5}, .green = {5, 6}, .blue = {11, 5}};
const struct pixel_format pixel_format_xrgb8888 = {
    .bits_per_pixel = 32, .red = {16, 8}, .green = {8, 8}, .blue = {0, 8}};
const struct pixel_format pixel_format_xbgr8888 = {
    .bits_per_pixel = 32, .red = {0, 8}, .green = {8, 8}, .blue = {16, 8}};

static bool component_fits(struct color_component c, unsigned bits_per_pixel)
{
    return c.size >= 1 && c.size <= 8 && c.shift < bits_per_pixel &&
           (unsigned)c.shift + c.size <= bits_per_pixel;
}

static uint32_t component_mask(struct color_component c)
{
    return ((1u << c.size) - 1u) << c.shift;
}

bool pixel_format_check(const struct pixel_format *format)
{
    if (format->bits_per_pixel != 16 && format->bits_per_pixel != 32)
        return false;
    if (!component_fits(format->red, format->bits_per_pixel) ||
        !component_fits(format->green, format->bits_per_pixel) ||
        !component_fits(format->blue, format->bits_per_pixel))
        return false;
    uint32_t red = component_mask(format->red);
    uint32_t green = component_mask(format->green);
    uint32_t blue = component_mask(format->blue);
    return (red & green) == 0 && (red & blue) == 0 && (green & blue) == 0;
}

static uint32_t pack_component(struct color_component c, uint8_t value)
{
    return (uint32_t)(value >> (8u - c.size)) << c.shift;
}

uint32_t pixel_format_pack(const struct pixel_format *format, struct color color)
{
    return pack_component(format->red, color.red) | pack_component(format->green, color.green) |
           pack_component(format->blue, color.blue);
}

/* Repeats the component's bits from the top down until eight are filled. */
static uint8_t unpack_component(struct color_component c, uint32_t pixel)
{
    uint32_t bits = (pixel >> c.shift) & ((1u << c.size) - 1u);
    uint32_t wide = 0;
    int filled = 0;
    while (filled < 8) {
        wide = (wide << c.size) | bits;
        filled += c.size;
    }
    return (uint8_t)(wide >> (filled - 8));
}

struct color pixel_format_unpack(const struct pixel_format *format, uint32_t pixel)
{
    struct color color = {
        .red = unpack_component(format->red, pixel),
        .green = unpack_component(format->green, pixel),
        .blue = unpack_component(format->blue, pixel),
    };
    return color;
}

static bool component_equal(struct color_component a, struct color_component b)
{
    return a.shift == b.shift && a.size == b.size;
}

bool pixel_format_equal(const struct pixel_format *a, const struct pixel_format *b)
{
    return a->bits_per_pixel == b->bits_per_pixel && component_equal(a->red, b->red) &&
           component_equal(a->green, b->green) && component_equal(a->blue, b->blue);
}
