/* SPDX-License-Identifier: MIT */
/* How a pixel's colour is laid out in memory: bits per pixel and, for each of red, green and
 * blue, where its bits start (shift) and how many there are (size). The same description
 * serves fb-drv's screen information (like L4Re's l4re_video_pixel_info_t), mag's buffers
 * and the terminal's glyphs. Pixels are little-endian words of 16 or 32 bits; a format is
 * usable only once pixel_format_check() accepted it. */
#ifndef GRAPHICS_PIXEL_FORMAT_H
#define GRAPHICS_PIXEL_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

struct color_component {
    uint8_t shift;   /* lowest bit of the component in the pixel word */
    uint8_t size;    /* number of bits, 1 to 8 */
};

struct pixel_format {
    uint8_t bits_per_pixel;           /* 16 or 32 */
    struct color_component red;
    struct color_component green;
    struct color_component blue;
};

/* A colour as eight bits per component, independent of any pixel format. */
struct color {
    uint8_t red;
    uint8_t green;
    uint8_t blue;
};

/* The layouts the RealView EB's PL111 produces (docs/graphics.md, "Pixel formats"):
 * conventional RGB565 (red in bits 15:11) and the BGR variant QEMU shows when LCDControl's
 * BGR bit is clear (red in bits 4:0); 32-bit words 0x00RRGGBB and 0x00BBGGRR. */
extern const struct pixel_format pixel_format_rgb565;
extern const struct pixel_format pixel_format_bgr565;
extern const struct pixel_format pixel_format_xrgb8888;
extern const struct pixel_format pixel_format_xbgr8888;

/* Whether a format is one we can draw into: 16 or 32 bits per pixel, every component 1 to 8
 * bits wide, inside the pixel and not overlapping another. A format from a message or a
 * boot script goes through this before any other function sees it. */
bool pixel_format_check(const struct pixel_format *format);

static inline uint32_t pixel_format_bytes_per_pixel(const struct pixel_format *format)
{
    return format->bits_per_pixel / 8u;
}

/* The pixel word of a colour: each component's top bits, the other bits zero. */
uint32_t pixel_format_pack(const struct pixel_format *format, struct color color);

/* The colour of a pixel word, each component widened to eight bits by repeating its bits
 * (so 5-bit 0x1F becomes 0xFF and 0 stays 0): pack(unpack(p)) == p for every pixel p whose
 * unused bits are zero. */
struct color pixel_format_unpack(const struct pixel_format *format, uint32_t pixel);

bool pixel_format_equal(const struct pixel_format *a, const struct pixel_format *b);

#endif
