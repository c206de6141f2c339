/* SPDX-License-Identifier: MIT */
/* Drawing on surfaces: clipping, rectangles and glyphs in 16- and 32-bit pixels. Clipping
 * works in 64-bit arithmetic so that coordinates near the ends of int32_t cannot wrap. */
#include <graphics/surface.h>
#include <graphics/utf8.h>

bool surface_check(const struct surface *surface, size_t buffer_size)
{
    if (surface->pixels == NULL || !pixel_format_check(&surface->format))
        return false;
    uint32_t bytes_per_pixel = pixel_format_bytes_per_pixel(&surface->format);
    if ((uintptr_t)surface->pixels % bytes_per_pixel != 0 ||
        surface->bytes_per_line % bytes_per_pixel != 0 ||
        (uint64_t)surface->width * bytes_per_pixel > surface->bytes_per_line)
        return false;
    return (uint64_t)surface->height * surface->bytes_per_line <= buffer_size;
}

/* The part of a rectangle inside the surface, as first and end (exclusive) columns and rows;
 * false if none of it is. */
struct clip {
    uint32_t left, right, top, bottom;
};

static bool clip_rectangle(const struct surface *surface, int64_t x, int64_t y, int64_t width,
                           int64_t height, struct clip *clip)
{
    int64_t left = x < 0 ? 0 : x;
    int64_t top = y < 0 ? 0 : y;
    int64_t right = x + width > surface->width ? surface->width : x + width;
    int64_t bottom = y + height > surface->height ? surface->height : y + height;
    if (left >= right || top >= bottom)
        return false;
    clip->left = (uint32_t)left;
    clip->right = (uint32_t)right;
    clip->top = (uint32_t)top;
    clip->bottom = (uint32_t)bottom;
    return true;
}

static uint8_t *line_start(const struct surface *surface, uint32_t y)
{
    return surface->pixels + (size_t)y * surface->bytes_per_line;
}

static void write_pixel(const struct surface *surface, uint8_t *line, uint32_t x, uint32_t pixel)
{
    if (surface->format.bits_per_pixel == 16)
        ((uint16_t *)(void *)line)[x] = (uint16_t)pixel;
    else
        ((uint32_t *)(void *)line)[x] = pixel;
}

uint32_t surface_read_pixel(const struct surface *surface, uint32_t x, uint32_t y)
{
    if (x >= surface->width || y >= surface->height)
        return 0;
    const uint8_t *line = line_start(surface, y);
    if (surface->format.bits_per_pixel == 16)
        return ((const uint16_t *)(const void *)line)[x];
    return ((const uint32_t *)(const void *)line)[x];
}

void surface_fill_rectangle(const struct surface *surface, int32_t x, int32_t y, uint32_t width,
                            uint32_t height, uint32_t pixel)
{
    struct clip clip;
    if (!clip_rectangle(surface, x, y, width, height, &clip))
        return;
    for (uint32_t row = clip.top; row < clip.bottom; row++) {
        uint8_t *line = line_start(surface, row);
        for (uint32_t column = clip.left; column < clip.right; column++)
            write_pixel(surface, line, column, pixel);
    }
}

void surface_draw_glyph(const struct surface *surface, const struct psf_font *font,
                        uint32_t glyph, int32_t x, int32_t y, uint32_t foreground,
                        uint32_t background)
{
    const uint8_t *bitmap = psf_font_glyph_bitmap(font, glyph);
    struct clip clip;
    if (bitmap == NULL || !clip_rectangle(surface, x, y, font->width, font->height, &clip))
        return;
    for (uint32_t row = clip.top; row < clip.bottom; row++) {
        const uint8_t *bits = bitmap + (size_t)(row - (int64_t)y) * font->bytes_per_row;
        uint8_t *line = line_start(surface, row);
        for (uint32_t column = clip.left; column < clip.right; column++) {
            uint32_t glyph_x = (uint32_t)(column - (int64_t)x);
            bool set = (bits[glyph_x / 8] >> (7 - glyph_x % 8)) & 1;
            write_pixel(surface, line, column, set ? foreground : background);
        }
    }
}

int64_t surface_draw_text(const struct surface *surface, const struct psf_font *font,
                          int32_t x, int32_t y, const char *text, size_t length,
                          uint32_t foreground, uint32_t background)
{
    const uint8_t *bytes = (const uint8_t *)text;
    int64_t cell_x = x;
    size_t offset = 0;
    while (offset < length) {
        uint32_t code_point;
        size_t used = utf8_decode(bytes + offset, length - offset, &code_point);
        offset += used ? used : 1;
        /* Cells that start beyond int32_t lie off every surface: stop drawing, keep counting. */
        if (cell_x <= INT32_MAX)
            surface_draw_glyph(surface, font, psf_font_glyph_or_replacement(font, code_point),
                               (int32_t)cell_x, y, foreground, background);
        cell_x += font->width;
    }
    return cell_x;
}
