/* SPDX-License-Identifier: MIT */
/* PSF console fonts (the Linux console's format, as Debian's console-setup-linux ships them):
 * PSF1 (8 pixels wide, 256 or 512 glyphs) and PSF2 (any width), each with an optional
 * Unicode table that maps code points to glyphs. Font bytes come from a boot image, so
 * psf_font_open() checks all of them before anything else reads them: every later access
 * stays inside the checked bytes. Nothing here allocates; the font keeps pointing into the
 * caller's bytes, which must outlive it. */
#ifndef GRAPHICS_PSF_FONT_H
#define GRAPHICS_PSF_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits on what we accept: wide enough for every console font Debian ships (the largest is
 * 16x32), small enough that a glyph's arithmetic never overflows. */
#define PSF_FONT_MAX_WIDTH 64u
#define PSF_FONT_MAX_HEIGHT 128u
#define PSF_FONT_MAX_GLYPHS 65536u

enum psf_error {
    PSF_OK = 0,
    PSF_ERROR_TRUNCATED,          /* fewer bytes than the header or the glyphs need */
    PSF_ERROR_BAD_MAGIC,          /* neither PSF1 nor PSF2 */
    PSF_ERROR_BAD_HEADER,         /* unknown mode or flag bits, unknown version, header size */
    PSF_ERROR_BAD_SIZE,           /* zero or too large width, height or glyph count, or a
                                     glyph size that does not match width and height */
    PSF_ERROR_BAD_UNICODE_TABLE,  /* a table cut short, a code point that is not one, bad
                                     UTF-8, or an entry for a glyph the font does not have */
    PSF_ERROR_TRAILING_DATA,      /* bytes after the last glyph of a font without a table */
    PSF_ERROR_INDEX_TOO_SMALL,    /* psf_font_build_index: the caller's array is too short */
};

/* A code point's glyph, one entry of the sorted index built from the Unicode table. */
struct psf_index_entry {
    uint32_t code_point;
    uint32_t glyph;
};

struct psf_font {
    const uint8_t *glyphs;          /* glyph_count glyphs of bytes_per_glyph bytes each */
    uint32_t glyph_count;
    uint32_t width;                 /* pixels */
    uint32_t height;                /* pixels, also the number of rows of a glyph */
    uint32_t bytes_per_row;         /* (width + 7) / 8; the leftmost pixel is bit 7 */
    uint32_t bytes_per_glyph;       /* height * bytes_per_row */
    uint8_t version;                /* 1 or 2 */
    const uint8_t *unicode_table;   /* NULL when the font has none */
    size_t unicode_table_size;
    uint32_t unicode_entry_count;   /* single code points in the table (sequences not counted) */
    const struct psf_index_entry *index;   /* from psf_font_build_index, or NULL */
    uint32_t index_count;
};

/* Checks `size` bytes at `data` as a PSF1 or PSF2 font, its Unicode table included, and
 * fills *font on success. On failure *font is left zeroed and the error says why. */
enum psf_error psf_font_open(struct psf_font *font, const uint8_t *data, size_t size);

/* Builds the code point lookup into the caller's array of `capacity` entries (at least
 * font->unicode_entry_count), sorted by code point; for a code point listed for several
 * glyphs the lowest glyph wins. Without it, lookups scan the table. */
enum psf_error psf_font_build_index(struct psf_font *font, struct psf_index_entry *entries,
                                    uint32_t capacity);

/* The glyph of a code point. With a Unicode table, the glyph the table lists it for; without
 * one, glyph `code_point` itself (the console's convention). False if there is none. */
bool psf_font_find_glyph(const struct psf_font *font, uint32_t code_point, uint32_t *glyph);

/* The glyph to draw for a code point: its own, else U+FFFD's, else '?''s, else glyph 0. */
uint32_t psf_font_glyph_or_replacement(const struct psf_font *font, uint32_t code_point);

/* The bitmap of glyph `glyph` (< glyph_count): height rows of bytes_per_row bytes. */
const uint8_t *psf_font_glyph_bitmap(const struct psf_font *font, uint32_t glyph);

/* Whether pixel (x, y) of a glyph is set (foreground); false outside the glyph. */
bool psf_font_glyph_pixel(const struct psf_font *font, uint32_t glyph, uint32_t x, uint32_t y);

const char *psf_error_text(enum psf_error error);

#endif
