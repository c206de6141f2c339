/* SPDX-License-Identifier: MIT */
/* PSF1 and PSF2 fonts: header checks, the Unicode table's walk, the code point index and
 * glyph access. Invariant: a font that psf_font_open() filled describes only bytes it checked
 * (glyphs and table inside the caller's buffer, every table entry well formed and for a glyph
 * the font has), so the accessors below need no further bounds than the glyph number. */
#include <graphics/psf_font.h>
#include <graphics/utf8.h>

#include <stdlib.h>
#include <string.h>

/* PSF1: 4-byte header. */
#define PSF1_MAGIC0 0x36
#define PSF1_MAGIC1 0x04
#define PSF1_MODE_512_GLYPHS 0x01
#define PSF1_MODE_HAS_TABLE 0x02
#define PSF1_MODE_HAS_SEQUENCES 0x04   /* also means a table */
#define PSF1_HEADER_SIZE 4u
#define PSF1_END_OF_GLYPH 0xFFFFu
#define PSF1_START_OF_SEQUENCE 0xFFFEu

/* PSF2: 32-byte little-endian header. */
static const uint8_t psf2_magic[4] = {0x72, 0xB5, 0x4A, 0x86};
#define PSF2_HEADER_SIZE 32u
#define PSF2_FLAG_HAS_TABLE 0x01u
#define PSF2_END_OF_GLYPH 0xFFu
#define PSF2_START_OF_SEQUENCE 0xFEu

static uint32_t read_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ------------------------------------------------------------------ the Unicode table */

/* Called for each single code point of the table, in glyph order; returns true to stop. */
typedef bool (*table_visitor)(uint32_t code_point, uint32_t glyph, void *context);

/* One decoded table item: a code point, the start of a sequence or the end of a glyph. */
enum table_item { ITEM_CODE_POINT, ITEM_START_OF_SEQUENCE, ITEM_END_OF_GLYPH };

/* Reads the item at *offset and advances it; false if the bytes there are not a valid item. */
static bool next_item(const struct psf_font *font, size_t *offset, enum table_item *item,
                      uint32_t *code_point)
{
    const uint8_t *table = font->unicode_table;
    size_t left = font->unicode_table_size - *offset;
    if (font->version == 1) {
        if (left < 2)
            return false;
        uint32_t value = (uint32_t)table[*offset] | (uint32_t)table[*offset + 1] << 8;
        *offset += 2;
        if (value == PSF1_END_OF_GLYPH)
            *item = ITEM_END_OF_GLYPH;
        else if (value == PSF1_START_OF_SEQUENCE)
            *item = ITEM_START_OF_SEQUENCE;
        else if (value >= 0xD800u && value <= 0xDFFFu)
            return false;
        else
            *item = ITEM_CODE_POINT;
        *code_point = value;
        return true;
    }
    if (left < 1)
        return false;
    if (table[*offset] == PSF2_END_OF_GLYPH || table[*offset] == PSF2_START_OF_SEQUENCE) {
        *item = table[*offset] == PSF2_END_OF_GLYPH ? ITEM_END_OF_GLYPH : ITEM_START_OF_SEQUENCE;
        *offset += 1;
        return true;
    }
    size_t length = utf8_decode(table + *offset, left, code_point);
    if (length == 0)
        return false;
    *offset += length;
    *item = ITEM_CODE_POINT;
    return true;
}

/* Walks the whole table, checking it: exactly one end-of-glyph per glyph and nothing after
 * the last. Visits single code points only; the code points of a sequence (a character with
 * combining marks) are checked but not visited. */
static enum psf_error walk_table(const struct psf_font *font, table_visitor visit, void *context)
{
    size_t offset = 0;
    uint32_t glyph = 0;
    bool in_sequence = false;
    while (glyph < font->glyph_count) {
        enum table_item item;
        uint32_t code_point;
        if (!next_item(font, &offset, &item, &code_point))
            return PSF_ERROR_BAD_UNICODE_TABLE;
        if (item == ITEM_END_OF_GLYPH) {
            glyph++;
            in_sequence = false;
        } else if (item == ITEM_START_OF_SEQUENCE) {
            in_sequence = true;
        } else if (!in_sequence && visit && visit(code_point, glyph, context)) {
            return PSF_OK;
        }
    }
    return offset == font->unicode_table_size ? PSF_OK : PSF_ERROR_BAD_UNICODE_TABLE;
}

static bool count_entry(uint32_t code_point, uint32_t glyph, void *context)
{
    (void)code_point;
    (void)glyph;
    (*(uint32_t *)context)++;
    return false;
}

/* ------------------------------------------------------------------ headers */

/* The header's numbers, before they are checked and copied into a font. */
struct header {
    uint8_t version;
    uint32_t glyph_count, width, height, bytes_per_glyph;
    uint64_t glyphs_offset;
    bool has_table;
};

static enum psf_error read_psf1_header(const uint8_t *data, size_t size, struct header *header)
{
    if (size < PSF1_HEADER_SIZE)
        return PSF_ERROR_TRUNCATED;
    uint8_t mode = data[2];
    if (mode & ~(PSF1_MODE_512_GLYPHS | PSF1_MODE_HAS_TABLE | PSF1_MODE_HAS_SEQUENCES))
        return PSF_ERROR_BAD_HEADER;
    header->version = 1;
    header->glyph_count = (mode & PSF1_MODE_512_GLYPHS) ? 512 : 256;
    header->width = 8;
    header->height = data[3];
    header->bytes_per_glyph = data[3];
    header->glyphs_offset = PSF1_HEADER_SIZE;
    header->has_table = (mode & (PSF1_MODE_HAS_TABLE | PSF1_MODE_HAS_SEQUENCES)) != 0;
    return PSF_OK;
}

static enum psf_error read_psf2_header(const uint8_t *data, size_t size, struct header *header)
{
    if (size < PSF2_HEADER_SIZE)
        return PSF_ERROR_TRUNCATED;
    uint32_t version = read_le32(data + 4);
    uint32_t header_size = read_le32(data + 8);
    uint32_t flags = read_le32(data + 12);
    if (version != 0 || header_size < PSF2_HEADER_SIZE || (flags & ~PSF2_FLAG_HAS_TABLE))
        return PSF_ERROR_BAD_HEADER;
    if (header_size > size)
        return PSF_ERROR_TRUNCATED;
    header->version = 2;
    header->glyph_count = read_le32(data + 16);
    header->bytes_per_glyph = read_le32(data + 20);
    header->height = read_le32(data + 24);
    header->width = read_le32(data + 28);
    header->glyphs_offset = header_size;
    header->has_table = (flags & PSF2_FLAG_HAS_TABLE) != 0;
    return PSF_OK;
}

static enum psf_error check_sizes(const struct header *header)
{
    if (header->width == 0 || header->width > PSF_FONT_MAX_WIDTH || header->height == 0 ||
        header->height > PSF_FONT_MAX_HEIGHT || header->glyph_count == 0 ||
        header->glyph_count > PSF_FONT_MAX_GLYPHS)
        return PSF_ERROR_BAD_SIZE;
    if (header->bytes_per_glyph != header->height * ((header->width + 7) / 8))
        return PSF_ERROR_BAD_SIZE;
    return PSF_OK;
}

static enum psf_error read_header(const uint8_t *data, size_t size, struct header *header)
{
    if (size >= 2 && data[0] == PSF1_MAGIC0 && data[1] == PSF1_MAGIC1)
        return read_psf1_header(data, size, header);
    if (size >= sizeof(psf2_magic) && memcmp(data, psf2_magic, sizeof(psf2_magic)) == 0)
        return read_psf2_header(data, size, header);
    return size < sizeof(psf2_magic) ? PSF_ERROR_TRUNCATED : PSF_ERROR_BAD_MAGIC;
}

enum psf_error psf_font_open(struct psf_font *font, const uint8_t *data, size_t size)
{
    memset(font, 0, sizeof(*font));
    if (data == NULL)
        return PSF_ERROR_TRUNCATED;
    struct header header;
    enum psf_error error = read_header(data, size, &header);
    if (error == PSF_OK)
        error = check_sizes(&header);
    if (error != PSF_OK)
        return error;
    /* At most 65536 glyphs of 128 rows of 8 bytes: no overflow in 64 bits. */
    uint64_t glyphs_end =
        header.glyphs_offset + (uint64_t)header.glyph_count * header.bytes_per_glyph;
    if (glyphs_end > size)
        return PSF_ERROR_TRUNCATED;
    if (!header.has_table && glyphs_end != size)
        return PSF_ERROR_TRAILING_DATA;

    struct psf_font candidate = {
        .glyphs = data + header.glyphs_offset,
        .glyph_count = header.glyph_count,
        .width = header.width,
        .height = header.height,
        .bytes_per_row = (header.width + 7) / 8,
        .bytes_per_glyph = header.bytes_per_glyph,
        .version = header.version,
    };
    if (header.has_table) {
        candidate.unicode_table = data + glyphs_end;
        candidate.unicode_table_size = size - (size_t)glyphs_end;
        error = walk_table(&candidate, count_entry, &candidate.unicode_entry_count);
        if (error != PSF_OK)
            return error;
    }
    *font = candidate;
    return PSF_OK;
}

/* ------------------------------------------------------------------ code point lookup */

struct index_builder {
    struct psf_index_entry *entries;
    uint32_t count;
};

static bool add_entry(uint32_t code_point, uint32_t glyph, void *context)
{
    struct index_builder *builder = context;
    builder->entries[builder->count].code_point = code_point;
    builder->entries[builder->count].glyph = glyph;
    builder->count++;
    return false;
}

static int compare_entries(const void *a, const void *b)
{
    const struct psf_index_entry *x = a, *y = b;
    if (x->code_point != y->code_point)
        return x->code_point < y->code_point ? -1 : 1;
    if (x->glyph != y->glyph)
        return x->glyph < y->glyph ? -1 : 1;
    return 0;
}

enum psf_error psf_font_build_index(struct psf_font *font, struct psf_index_entry *entries,
                                    uint32_t capacity)
{
    if (font->unicode_table == NULL)
        return PSF_OK;
    if (capacity < font->unicode_entry_count || entries == NULL)
        return PSF_ERROR_INDEX_TOO_SMALL;
    struct index_builder builder = {entries, 0};
    /* The table was checked by psf_font_open: the walk cannot fail now. */
    walk_table(font, add_entry, &builder);
    qsort(entries, builder.count, sizeof(*entries), compare_entries);
    /* Keep the first (lowest glyph) entry of each code point. */
    uint32_t unique = 0;
    for (uint32_t i = 0; i < builder.count; i++) {
        if (unique > 0 && entries[unique - 1].code_point == entries[i].code_point)
            continue;
        entries[unique++] = entries[i];
    }
    font->index = entries;
    font->index_count = unique;
    return PSF_OK;
}

struct table_search {
    uint32_t code_point;
    uint32_t glyph;
    bool found;
};

static bool match_entry(uint32_t code_point, uint32_t glyph, void *context)
{
    struct table_search *search = context;
    if (code_point != search->code_point)
        return false;
    search->glyph = glyph;
    search->found = true;
    return true;
}

static bool search_index(const struct psf_font *font, uint32_t code_point, uint32_t *glyph)
{
    uint32_t low = 0, high = font->index_count;
    while (low < high) {
        uint32_t middle = low + (high - low) / 2;
        if (font->index[middle].code_point < code_point)
            low = middle + 1;
        else
            high = middle;
    }
    if (low == font->index_count || font->index[low].code_point != code_point)
        return false;
    *glyph = font->index[low].glyph;
    return true;
}

bool psf_font_find_glyph(const struct psf_font *font, uint32_t code_point, uint32_t *glyph)
{
    if (font->unicode_table == NULL) {
        if (code_point >= font->glyph_count)
            return false;
        *glyph = code_point;
        return true;
    }
    if (font->index != NULL)
        return search_index(font, code_point, glyph);
    struct table_search search = {code_point, 0, false};
    walk_table(font, match_entry, &search);
    if (search.found)
        *glyph = search.glyph;
    return search.found;
}

uint32_t psf_font_glyph_or_replacement(const struct psf_font *font, uint32_t code_point)
{
    uint32_t glyph;
    if (psf_font_find_glyph(font, code_point, &glyph) ||
        psf_font_find_glyph(font, UTF8_REPLACEMENT_CHARACTER, &glyph) ||
        psf_font_find_glyph(font, '?', &glyph))
        return glyph;
    return 0;
}

/* ------------------------------------------------------------------ glyphs */

const uint8_t *psf_font_glyph_bitmap(const struct psf_font *font, uint32_t glyph)
{
    if (glyph >= font->glyph_count)
        return NULL;
    return font->glyphs + (size_t)glyph * font->bytes_per_glyph;
}

bool psf_font_glyph_pixel(const struct psf_font *font, uint32_t glyph, uint32_t x, uint32_t y)
{
    const uint8_t *bitmap = psf_font_glyph_bitmap(font, glyph);
    if (bitmap == NULL || x >= font->width || y >= font->height)
        return false;
    return (bitmap[y * font->bytes_per_row + x / 8] >> (7 - x % 8)) & 1;
}

const char *psf_error_text(enum psf_error error)
{
    switch (error) {
    case PSF_OK: return "ok";
    case PSF_ERROR_TRUNCATED: return "font data cut short";
    case PSF_ERROR_BAD_MAGIC: return "not a PSF1 or PSF2 font";
    case PSF_ERROR_BAD_HEADER: return "unknown PSF version, mode, flags or header size";
    case PSF_ERROR_BAD_SIZE: return "glyph size, count or dimensions out of range or inconsistent";
    case PSF_ERROR_BAD_UNICODE_TABLE: return "malformed Unicode table";
    case PSF_ERROR_TRAILING_DATA: return "data after the last glyph";
    case PSF_ERROR_INDEX_TOO_SMALL: return "index array too small for the Unicode table";
    }
    return "unknown PSF error";
}
