/* SPDX-License-Identifier: MIT */
/* A surface is a rectangle of pixels in memory (a framebuffer, a mag buffer, a test image):
 * where it starts, its size, the bytes from one line to the next and its pixel format. The
 * drawing functions clip to the surface, so any coordinates are safe, however absurd; they
 * trust the surface itself, which must have passed surface_check(). Colours are pixel words
 * already packed for the surface's format (pixel_format_pack), so drawing converts nothing. */
#ifndef GRAPHICS_SURFACE_H
#define GRAPHICS_SURFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <graphics/pixel_format.h>
#include <graphics/psf_font.h>

struct surface {
    uint8_t *pixels;
    uint32_t width;
    uint32_t height;
    uint32_t bytes_per_line;
    struct pixel_format format;
};

/* Whether the surface can be drawn on within `buffer_size` bytes at `pixels`: a valid format,
 * pixels aligned to the pixel size, lines at least a row of pixels long and a whole number of
 * pixels, and all lines inside the buffer. */
bool surface_check(const struct surface *surface, size_t buffer_size);

uint32_t surface_read_pixel(const struct surface *surface, uint32_t x, uint32_t y);

/* Fills the part of the rectangle at (x, y) of width x height pixels inside the surface. */
void surface_fill_rectangle(const struct surface *surface, int32_t x, int32_t y, uint32_t width,
                            uint32_t height, uint32_t pixel);

/* Draws glyph `glyph` of the font with its top left corner at (x, y): set bits in
 * `foreground`, clear bits in `background`. A glyph the font does not have draws nothing. */
void surface_draw_glyph(const struct surface *surface, const struct psf_font *font,
                        uint32_t glyph, int32_t x, int32_t y, uint32_t foreground,
                        uint32_t background);

/* Draws `length` bytes of UTF-8 text from (x, y) rightwards, one font cell per code point
 * (malformed bytes each as the replacement glyph); returns the x after the last cell. */
int64_t surface_draw_text(const struct surface *surface, const struct psf_font *font,
                          int32_t x, int32_t y, const char *text, size_t length,
                          uint32_t foreground, uint32_t background);

#endif
