/* SPDX-License-Identifier: MIT */
/* Unit tests for pkg/graphics/psf_font.c and utf8.c: the real Uni2-Terminus16 (PSF1) and
 * Uni2-Terminus12x6 (PSF2) fonts of console-setup-linux, decompressed by the build, looked
 * up through their Unicode tables; and hostile fonts: every truncation, header fields out of
 * range, malformed tables and random mutations, which must each give an error or a font
 * whose every access stays inside the bytes given (built with AddressSanitizer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphics/psf_font.h>
#include <graphics/utf8.h>

struct file {
    uint8_t *data;
    size_t size;
};

static struct file read_file(const char *path)
{
    struct file file = {NULL, 0};
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s (the build decompresses it)", path);
    static uint8_t buffer[1 << 20];
    file.size = fread(buffer, 1, sizeof(buffer), f);
    fclose(f);
    file.data = malloc(file.size);
    assert_non_null(file.data);
    memcpy(file.data, buffer, file.size);
    return file;
}

/* A copy in a buffer of exactly `size` bytes, so that AddressSanitizer sees any overread. */
static uint8_t *exact_copy(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    assert_non_null(copy);
    if (size)
        memcpy(copy, data, size);
    return copy;
}

/* A glyph as rows of '#' and '.', compared with what the font draws. */
static void assert_glyph_rows(const struct psf_font *font, uint32_t code_point,
                              const char *const *rows)
{
    uint32_t glyph;
    assert_true(psf_font_find_glyph(font, code_point, &glyph));
    for (uint32_t y = 0; y < font->height; y++) {
        char line[PSF_FONT_MAX_WIDTH + 1];
        for (uint32_t x = 0; x < font->width; x++)
            line[x] = psf_font_glyph_pixel(font, glyph, x, y) ? '#' : '.';
        line[font->width] = '\0';
        if (strcmp(line, rows[y]) != 0)
            fail_msg("U+%04X row %u: got %s, expected %s", code_point, y, line, rows[y]);
    }
}

static const char *const terminus16_capital_a[16] = {
    "........", "........", "..####..", ".#....#.", ".#....#.", ".#....#.", ".#....#.",
    ".######.", ".#....#.", ".#....#.", ".#....#.", ".#....#.", "........", "........",
    "........", "........"};
static const char *const terminus16_e_acute[16] = {
    "........", "........", "....#...", "...#....", "........", "..####..", ".#....#.",
    ".#....#.", ".######.", ".#......", ".#......", "..####..", "........", "........",
    "........", "........"};
static const char *const terminus16_box_horizontal[16] = {
    "........", "........", "........", "........", "........", "........", "........",
    "########", "........", "........", "........", "........", "........", "........",
    "........", "........"};
static const char *const terminus12x6_capital_a[12] = {
    "......", "......", ".###..", "#...#.", "#...#.", "#...#.", "#####.", "#...#.",
    "#...#.", "#...#.", "......", "......"};

static void test_terminus16_psf1(void **state)
{
    (void)state;
    struct file file = read_file(FONT_UNI2_TERMINUS16);
    struct psf_font font;
    assert_int_equal(psf_font_open(&font, file.data, file.size), PSF_OK);
    assert_int_equal(font.version, 1);
    assert_int_equal(font.width, 8);
    assert_int_equal(font.height, 16);
    assert_int_equal(font.glyph_count, 512);
    assert_int_equal(font.bytes_per_glyph, 16);
    assert_non_null(font.unicode_table);
    assert_true(font.unicode_entry_count > 512);

    /* Scanning the table and the sorted index must agree: on every code point the table
     * lists (each found) and on all of U+0000..U+2FFF and U+FFF0..U+FFFF besides. */
    struct psf_font scanned = font;
    struct psf_index_entry *index = calloc(font.unicode_entry_count, sizeof(*index));
    assert_int_equal(psf_font_build_index(&font, index, font.unicode_entry_count), PSF_OK);
    assert_true(font.index_count > 256 && font.index_count <= font.unicode_entry_count);
    for (uint32_t i = 0; i < font.index_count; i++) {
        uint32_t by_scan = 0;
        assert_true(psf_font_find_glyph(&scanned, index[i].code_point, &by_scan));
        assert_int_equal(index[i].glyph, by_scan);
    }
    for (uint32_t code_point = 0; code_point <= 0xFFFF; code_point++) {
        if (code_point == 0x3000)
            code_point = 0xFFF0;
        uint32_t by_index = 0, by_scan = 0;
        bool found_by_index = psf_font_find_glyph(&font, code_point, &by_index);
        bool found_by_scan = psf_font_find_glyph(&scanned, code_point, &by_scan);
        assert_int_equal(found_by_index, found_by_scan);
        if (found_by_index)
            assert_int_equal(by_index, by_scan);
    }
    assert_glyph_rows(&font, 'A', terminus16_capital_a);
    assert_glyph_rows(&font, 0x00E9, terminus16_e_acute);      /* é */
    assert_glyph_rows(&font, 0x2500, terminus16_box_horizontal);   /* ─ */

    /* A code point the font lacks draws as U+FFFD's glyph. */
    uint32_t glyph, replacement;
    assert_false(psf_font_find_glyph(&font, 0x1F600, &glyph));
    assert_true(psf_font_find_glyph(&font, 0xFFFD, &replacement));
    assert_int_equal(psf_font_glyph_or_replacement(&font, 0x1F600), replacement);
    assert_null(psf_font_glyph_bitmap(&font, 512));
    assert_false(psf_font_glyph_pixel(&font, 0, 8, 0));
    assert_false(psf_font_glyph_pixel(&font, 0, 0, 16));

    uint32_t entries = font.unicode_entry_count;
    assert_int_equal(psf_font_build_index(&scanned, index, entries - 1), PSF_ERROR_INDEX_TOO_SMALL);
    free(index);
    free(file.data);
}

static void test_terminus12x6_psf2(void **state)
{
    (void)state;
    struct file file = read_file(FONT_UNI2_TERMINUS12X6);
    struct psf_font font;
    assert_int_equal(psf_font_open(&font, file.data, file.size), PSF_OK);
    assert_int_equal(font.version, 2);
    assert_int_equal(font.width, 6);
    assert_int_equal(font.height, 12);
    assert_int_equal(font.glyph_count, 512);
    assert_int_equal(font.bytes_per_row, 1);
    assert_glyph_rows(&font, 'A', terminus12x6_capital_a);
    uint32_t e_acute;
    assert_true(psf_font_find_glyph(&font, 0x00E9, &e_acute));
    free(file.data);
}

/* Every proper prefix of a font with a Unicode table is an error: the table must list
 * exactly one entry per glyph. */
static void check_every_truncation(const char *path)
{
    struct file file = read_file(path);
    for (size_t size = 0; size < file.size; size++) {
        uint8_t *copy = exact_copy(file.data, size);
        struct psf_font font;
        enum psf_error error = psf_font_open(&font, copy, size);
        if (error != PSF_ERROR_TRUNCATED && error != PSF_ERROR_BAD_UNICODE_TABLE)
            fail_msg("%s cut to %zu bytes: %s", path, size, psf_error_text(error));
        assert_int_equal(font.glyph_count, 0);   /* left zeroed */
        free(copy);
    }
    free(file.data);
}

static void test_every_truncation_fails(void **state)
{
    (void)state;
    check_every_truncation(FONT_UNI2_TERMINUS16);
    check_every_truncation(FONT_UNI2_TERMINUS12X6);
}

static void put_le32(uint8_t *p, uint32_t value)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

/* A PSF2 font of `count` glyphs of width x height, without a table, and `extra` bytes more. */
static size_t make_psf2(uint8_t *out, uint32_t count, uint32_t width, uint32_t height,
                        uint32_t flags, size_t extra)
{
    uint32_t glyph_size = height * ((width + 7) / 8);
    static const uint8_t magic[4] = {0x72, 0xB5, 0x4A, 0x86};
    memcpy(out, magic, 4);
    put_le32(out + 4, 0);
    put_le32(out + 8, 32);
    put_le32(out + 12, flags);
    put_le32(out + 16, count);
    put_le32(out + 20, glyph_size);
    put_le32(out + 24, height);
    put_le32(out + 28, width);
    size_t size = 32 + (size_t)count * glyph_size;
    memset(out + 32, 0x5A, size - 32 + extra);
    return size + extra;
}

static enum psf_error open_bytes(const uint8_t *data, size_t size)
{
    uint8_t *copy = exact_copy(data, size);
    struct psf_font font;
    enum psf_error error = psf_font_open(&font, copy, size);
    free(copy);
    return error;
}

static void test_hostile_headers(void **state)
{
    (void)state;
    static uint8_t font[1 << 16];
    /* PSF1: unknown mode bit, zero height, glyphs cut short, trailing data without table. */
    uint8_t psf1[4 + 256 * 16 + 1] = {0x36, 0x04, 0x00, 16};
    assert_int_equal(open_bytes(psf1, 4 + 256 * 16), PSF_OK);
    assert_int_equal(open_bytes(psf1, sizeof(psf1)), PSF_ERROR_TRAILING_DATA);
    assert_int_equal(open_bytes(psf1, 4 + 256 * 16 - 1), PSF_ERROR_TRUNCATED);
    psf1[2] = 0x08;
    assert_int_equal(open_bytes(psf1, 4 + 256 * 16), PSF_ERROR_BAD_HEADER);
    psf1[2] = 0x00;
    psf1[3] = 0;
    assert_int_equal(open_bytes(psf1, 4 + 256 * 16), PSF_ERROR_BAD_SIZE);
    psf1[2] = 0x01;   /* 512 glyphs of 16 bytes do not fit */
    psf1[3] = 16;
    assert_int_equal(open_bytes(psf1, sizeof(psf1)), PSF_ERROR_TRUNCATED);

    /* Magic numbers. */
    const uint8_t junk[8] = {'P', 'S', 'F', '3', 0, 0, 0, 0};
    assert_int_equal(open_bytes(junk, sizeof(junk)), PSF_ERROR_BAD_MAGIC);
    assert_int_equal(open_bytes(junk, 0), PSF_ERROR_TRUNCATED);
    assert_int_equal(open_bytes(psf1, 1), PSF_ERROR_TRUNCATED);

    /* PSF2: valid, then each field wrong in turn. */
    size_t size = make_psf2(font, 16, 10, 20, 0, 0);
    assert_int_equal(open_bytes(font, size), PSF_OK);
    assert_int_equal(open_bytes(font, 31), PSF_ERROR_TRUNCATED);
    put_le32(font + 4, 1);
    assert_int_equal(open_bytes(font, size), PSF_ERROR_BAD_HEADER);      /* version */
    size = make_psf2(font, 16, 10, 20, 0x2, 0);
    assert_int_equal(open_bytes(font, size), PSF_ERROR_BAD_HEADER);      /* flags */
    size = make_psf2(font, 16, 10, 20, 0, 0);
    put_le32(font + 8, 31);
    assert_int_equal(open_bytes(font, size), PSF_ERROR_BAD_HEADER);      /* header size */
    put_le32(font + 8, 0xFFFFFFF0u);
    assert_int_equal(open_bytes(font, size), PSF_ERROR_TRUNCATED);
    size = make_psf2(font, 16, 10, 20, 0, 0);
    put_le32(font + 20, 41);
    assert_int_equal(open_bytes(font, size), PSF_ERROR_BAD_SIZE);        /* glyph size */
    size = make_psf2(font, 0, 10, 20, 0, 0);
    assert_int_equal(open_bytes(font, size), PSF_ERROR_BAD_SIZE);        /* no glyphs */
    size = make_psf2(font, 4, PSF_FONT_MAX_WIDTH + 1, 8, 0, 0);
    assert_int_equal(open_bytes(font, size), PSF_ERROR_BAD_SIZE);        /* too wide */
    size = make_psf2(font, 4, 8, PSF_FONT_MAX_HEIGHT + 1, 0, 0);
    assert_int_equal(open_bytes(font, size), PSF_ERROR_BAD_SIZE);        /* too tall */
    size = make_psf2(font, 4, 0, 8, 0, 0);
    assert_int_equal(open_bytes(font, size), PSF_ERROR_BAD_SIZE);        /* no width */
    /* A glyph count whose glyphs overflow 32 bits: refused before any arithmetic wraps. */
    size = make_psf2(font, 16, 64, 128, 0, 0);
    put_le32(font + 16, 0xFFFFFFFFu);
    assert_int_equal(open_bytes(font, size), PSF_ERROR_BAD_SIZE);
    put_le32(font + 16, PSF_FONT_MAX_GLYPHS);
    assert_int_equal(open_bytes(font, size), PSF_ERROR_TRUNCATED);
    size = make_psf2(font, 16, 10, 20, 0, 3);
    assert_int_equal(open_bytes(font, size), PSF_ERROR_TRAILING_DATA);
}

/* A 2-glyph PSF2 font with the given table bytes. */
static enum psf_error open_psf2_table(const uint8_t *table, size_t table_size)
{
    static uint8_t font[256];
    size_t size = make_psf2(font, 2, 8, 4, 1, 0);
    memcpy(font + size, table, table_size);
    return open_bytes(font, size + table_size);
}

static enum psf_error open_psf1_table(const uint16_t *table, size_t entries)
{
    static uint8_t font[4 + 256 * 2 + 2048];
    font[0] = 0x36;
    font[1] = 0x04;
    font[2] = 0x02;
    font[3] = 2;
    memset(font + 4, 0x81, 256 * 2);
    for (size_t i = 0; i < entries; i++) {
        font[4 + 512 + 2 * i] = (uint8_t)table[i];
        font[4 + 512 + 2 * i + 1] = (uint8_t)(table[i] >> 8);
    }
    return open_bytes(font, 4 + 512 + 2 * entries);
}

static void test_hostile_unicode_tables(void **state)
{
    (void)state;
    /* PSF2: "a" for glyph 0, "é" and a sequence (e + combining acute) for glyph 1. */
    const uint8_t good[] = {'a', 0xFF, 0xC3, 0xA9, 0xFE, 'e', 0xCC, 0x81, 0xFF};
    assert_int_equal(open_psf2_table(good, sizeof(good)), PSF_OK);
    const uint8_t one_glyph_short[] = {'a', 0xFF};
    assert_int_equal(open_psf2_table(one_glyph_short, sizeof(one_glyph_short)),
                     PSF_ERROR_BAD_UNICODE_TABLE);
    const uint8_t overlong[] = {0xC0, 0x81, 0xFF, 0xFF};
    assert_int_equal(open_psf2_table(overlong, sizeof(overlong)), PSF_ERROR_BAD_UNICODE_TABLE);
    const uint8_t surrogate[] = {0xED, 0xA0, 0x80, 0xFF, 0xFF};
    assert_int_equal(open_psf2_table(surrogate, sizeof(surrogate)), PSF_ERROR_BAD_UNICODE_TABLE);
    const uint8_t cut_sequence[] = {'a', 0xFF, 0xE2, 0x94};
    assert_int_equal(open_psf2_table(cut_sequence, sizeof(cut_sequence)),
                     PSF_ERROR_BAD_UNICODE_TABLE);
    const uint8_t after_last[] = {'a', 0xFF, 'b', 0xFF, 'c'};
    assert_int_equal(open_psf2_table(after_last, sizeof(after_last)), PSF_ERROR_BAD_UNICODE_TABLE);

    /* PSF1 (256 glyphs): each glyph 'A' + its number, ended by 0xFFFF. */
    static uint16_t table[1024];
    size_t n = 0;
    for (uint16_t glyph = 0; glyph < 256; glyph++) {
        table[n++] = (uint16_t)(0x100 + glyph);
        table[n++] = 0xFFFF;
    }
    assert_int_equal(open_psf1_table(table, n), PSF_OK);
    assert_int_equal(open_psf1_table(table, n - 1), PSF_ERROR_BAD_UNICODE_TABLE);
    table[10] = 0xD800;
    assert_int_equal(open_psf1_table(table, n), PSF_ERROR_BAD_UNICODE_TABLE);
    table[10] = 0x105;
    table[n] = 0x41;
    assert_int_equal(open_psf1_table(table, n + 1), PSF_ERROR_BAD_UNICODE_TABLE);
}

/* A font that opens after random damage must be safe to use everywhere. */
static void use_whole_font(struct psf_font *font)
{
    struct psf_index_entry *index = calloc(font->unicode_entry_count + 1, sizeof(*index));
    assert_int_equal(psf_font_build_index(font, index, font->unicode_entry_count), PSF_OK);
    unsigned checksum = 0;
    for (uint32_t code_point = 0; code_point < 0x3000; code_point += 7) {
        uint32_t glyph = psf_font_glyph_or_replacement(font, code_point);
        assert_true(glyph < font->glyph_count);
        checksum += psf_font_glyph_pixel(font, glyph, code_point % font->width,
                                          code_point % font->height);
    }
    (void)checksum;
    free(index);
}

static void test_random_mutations(void **state)
{
    (void)state;
    struct file file = read_file(FONT_UNI2_TERMINUS16);
    struct file wide = read_file(FONT_UNI2_TERMINUS12X6);
    uint32_t seed = 20240601;
    unsigned opened = 0, refused = 0;
    for (int round = 0; round < 3000; round++) {
        struct file *source = round % 2 ? &wide : &file;
        uint8_t *copy = exact_copy(source->data, source->size);
        size_t size = source->size;
        for (int flips = 0; flips < 1 + round % 4; flips++) {
            seed = seed * 1664525u + 1013904223u;
            /* Mostly the header and the table, where the checks are. */
            size_t where = (seed >> 8) % 3 == 0 ? (seed >> 10) % 32
                                                : size - 1 - (seed >> 10) % (size / 4);
            copy[where] ^= (uint8_t)(1u << ((seed >> 4) % 8));
        }
        if (round % 5 == 0)
            size -= (seed >> 12) % 64;
        struct psf_font font;
        if (psf_font_open(&font, copy, size) == PSF_OK) {
            opened++;
            use_whole_font(&font);
        } else {
            refused++;
        }
        free(copy);
    }
    /* Both outcomes happen, or the mutations were not testing anything. */
    assert_true(opened > 0 && refused > 0);
    free(file.data);
    free(wide.data);
}

static void test_utf8(void **state)
{
    (void)state;
    uint32_t code_point;
    assert_int_equal(utf8_decode((const uint8_t *)"A", 1, &code_point), 1);
    assert_int_equal(code_point, 'A');
    assert_int_equal(utf8_decode((const uint8_t *)"\xC3\xA9", 2, &code_point), 2);
    assert_int_equal(code_point, 0xE9);
    assert_int_equal(utf8_decode((const uint8_t *)"\xE2\x94\x80", 3, &code_point), 3);
    assert_int_equal(code_point, 0x2500);
    assert_int_equal(utf8_decode((const uint8_t *)"\xF0\x9F\x98\x80", 4, &code_point), 4);
    assert_int_equal(code_point, 0x1F600);
    const char *const bad[] = {"\x80", "\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xED\xA0\x80",
                               "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\xC3\x41"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(utf8_decode((const uint8_t *)bad[i], strlen(bad[i]), &code_point), 0);
        assert_int_equal(code_point, UTF8_REPLACEMENT_CHARACTER);
    }
    /* Cut short: never reads past `size`. */
    uint8_t *cut = exact_copy((const uint8_t *)"\xE2\x94", 2);
    assert_int_equal(utf8_decode(cut, 2, &code_point), 0);
    free(cut);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_terminus16_psf1),
        cmocka_unit_test(test_terminus12x6_psf2),
        cmocka_unit_test(test_every_truncation_fails),
        cmocka_unit_test(test_hostile_headers),
        cmocka_unit_test(test_hostile_unicode_tables),
        cmocka_unit_test(test_random_mutations),
        cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
