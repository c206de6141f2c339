/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the boot image format: images built by mkimage's image_builder must pass
 * kernel/lib/boot_image.c's boot_image_check(), and each kind of damage must be reported
 * with the right error (and module), never crash, and never pass unless it hit padding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <lib/boot_image.h>
#include <lib/crc32.h>

#include "image_builder.h"

#define CMDLINE "console=uart ktest=all answer=42"

static uint8_t beta_data[1500];
static uint8_t gamma_data[100];

static const struct image_module three_modules[] = {
    { "alpha.txt", "alpha\n", 6 },
    { "beta", beta_data, sizeof(beta_data) },
    { "gamma", gamma_data, sizeof(gamma_data) },
};

/* ---- Helpers ---- */

static int setup_data(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(beta_data); i++)
        beta_data[i] = (uint8_t)(i * 7 + 3);
    for (size_t i = 0; i < sizeof(gamma_data); i++)
        gamma_data[i] = (uint8_t)(0xA0 ^ i);
    return 0;
}

static struct image_blob build(const char *cmdline, const struct image_module *modules,
                               size_t count)
{
    struct image_blob blob;
    const char *error = image_build(cmdline, modules, count, &blob);
    if (error)
        fail_msg("image_build: %s", error);
    return blob;
}

static struct image_blob build_three(void)
{
    return build(CMDLINE, three_modules, 3);
}

static struct boot_image_header *header(struct image_blob *b)
{
    return (struct boot_image_header *)b->data;
}

static struct boot_image_module *entry(struct image_blob *b, uint32_t i)
{
    return (struct boot_image_module *)(b->data + sizeof(struct boot_image_header)) + i;
}

static void fix_header_crc(struct image_blob *b)
{
    header(b)->header_crc = boot_image_header_crc(b->data);
}

/* Checks the blob (all of it available) and asserts the error and module index. */
static void expect_error(struct image_blob *b, size_t available, enum boot_image_error error,
                         int module)
{
    struct boot_image_problem p;
    enum boot_image_error e = boot_image_check(b->data, available, &p);
    if (e != error)
        fail_msg("expected \"%s\", got \"%s\"", boot_image_error_text(error),
                 boot_image_error_text(e));
    assert_int_equal(p.error, error);
    assert_int_equal(p.module, module);
}

static void expect_ok(struct image_blob *b)
{
    expect_error(b, b->size, BOOT_IMAGE_OK, -1);
}

/* Asserts everything the format promises about a good image built from these inputs. */
static void check_layout(struct image_blob *b, const char *cmdline,
                         const struct image_module *modules, uint32_t count)
{
    const struct boot_image_header *h = header(b);
    assert_int_equal(h->magic, BOOT_IMAGE_MAGIC);
    assert_int_equal(h->version, BOOT_IMAGE_VERSION);
    assert_int_equal(h->module_count, count);
    assert_int_equal(h->header_size, 32 + 64 * count);
    assert_int_equal(h->image_size, b->size);
    assert_int_equal(h->cmdline_offset, h->header_size);
    assert_int_equal(h->cmdline_size, strlen(cmdline) + 1);
    assert_string_equal(boot_image_cmdline(b->data), cmdline);

    uint32_t end = h->cmdline_offset + h->cmdline_size;
    for (uint32_t i = 0; i < count; i++) {
        const struct boot_image_module *m = boot_image_module(b->data, i);
        assert_string_equal(m->name, modules[i].name);
        assert_int_equal(m->size, modules[i].size);
        assert_int_equal(m->flags, 0);
        assert_int_equal(m->offset, ALIGN_UP(end, BOOT_IMAGE_MODULE_ALIGN));
        assert_int_equal(m->crc, crc32_update(0, modules[i].data, modules[i].size));
        if (m->size)
            assert_memory_equal(boot_image_module_data(b->data, i), modules[i].data, m->size);
        end = m->offset + m->size;
    }
    assert_int_equal(h->image_size, ALIGN_UP(end, 8u) + 8);
    const struct boot_image_trailer *t = (const void *)(b->data + b->size - 8);
    assert_int_equal(t->magic, BOOT_IMAGE_TRAILER_MAGIC);
    assert_int_equal(t->image_size, b->size);
    expect_ok(b);
}

/* ---- Good images ---- */

static void test_no_modules(void **state)
{
    (void)state;
    struct image_blob b = build(CMDLINE, NULL, 0);
    check_layout(&b, CMDLINE, NULL, 0);
    image_blob_free(&b);
}

static void test_one_module(void **state)
{
    (void)state;
    struct image_blob b = build("x", three_modules + 1, 1);
    check_layout(&b, "x", three_modules + 1, 1);
    assert_int_equal(boot_image_module(b.data, 0)->offset, 4096);
    image_blob_free(&b);
}

static void test_three_modules(void **state)
{
    (void)state;
    struct image_blob b = build_three();
    check_layout(&b, CMDLINE, three_modules, 3);
    assert_int_equal(entry(&b, 0)->offset, 4096);
    assert_int_equal(entry(&b, 1)->offset, 8192);
    assert_int_equal(entry(&b, 2)->offset, 12288);
    assert_int_equal(b.size, 12288 + 104 + 8);
    image_blob_free(&b);
}

static void test_empty_cmdline_and_empty_module(void **state)
{
    (void)state;
    const struct image_module modules[] = {
        { "empty", NULL, 0 }, { "one", "1", 1 }, { "also-empty", "", 0 },
    };
    struct image_blob b = build(NULL, modules, 3);
    check_layout(&b, "", modules, 3);
    assert_int_equal(header(&b)->cmdline_size, 1);
    image_blob_free(&b);
}

static void test_longest_name_and_cmdline(void **state)
{
    (void)state;
    char name[BOOT_IMAGE_NAME_SIZE], cmdline[BOOT_IMAGE_MAX_CMDLINE];
    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    memset(cmdline, 'c', sizeof(cmdline) - 1);
    cmdline[sizeof(cmdline) - 1] = '\0';
    const struct image_module module = { name, "data", 4 };
    struct image_blob b = build(cmdline, &module, 1);
    check_layout(&b, cmdline, &module, 1);
    image_blob_free(&b);
}

static void test_max_modules(void **state)
{
    (void)state;
    struct image_module modules[BOOT_IMAGE_MAX_MODULES];
    char names[BOOT_IMAGE_MAX_MODULES][8];
    for (unsigned i = 0; i < BOOT_IMAGE_MAX_MODULES; i++) {
        names[i][0] = 'm';
        names[i][1] = (char)('0' + i / 10);
        names[i][2] = (char)('0' + i % 10);
        names[i][3] = '\0';
        modules[i] = (struct image_module){ names[i], names[i], 3 };
    }
    struct image_blob b = build("", modules, BOOT_IMAGE_MAX_MODULES);
    check_layout(&b, "", modules, BOOT_IMAGE_MAX_MODULES);
    image_blob_free(&b);
}

/* ---- The builder refuses bad input ---- */

static void expect_build_error(const char *cmdline, const struct image_module *modules,
                               size_t count)
{
    struct image_blob b = { (uint8_t *)1, 1 };
    assert_non_null(image_build(cmdline, modules, count, &b));
    assert_null(b.data);
    assert_int_equal(b.size, 0);
}

static void test_builder_rejects(void **state)
{
    (void)state;
    char long_name[BOOT_IMAGE_NAME_SIZE + 1], long_cmdline[BOOT_IMAGE_MAX_CMDLINE + 1];
    memset(long_name, 'n', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    memset(long_cmdline, 'c', sizeof(long_cmdline) - 1);
    long_cmdline[sizeof(long_cmdline) - 1] = '\0';
    const struct image_module dup[] = { { "a", "1", 1 }, { "b", "2", 1 }, { "a", "3", 1 } };
    const struct image_module empty_name[] = { { "", "1", 1 } };
    const struct image_module null_name[] = { { NULL, "1", 1 } };
    const struct image_module too_long[] = { { long_name, "1", 1 } };
    struct image_module many[BOOT_IMAGE_MAX_MODULES + 1];
    char names[BOOT_IMAGE_MAX_MODULES + 1][4];
    for (unsigned i = 0; i <= BOOT_IMAGE_MAX_MODULES; i++) {
        names[i][0] = (char)('A' + i / 26);
        names[i][1] = (char)('a' + i % 26);
        names[i][2] = '\0';
        many[i] = (struct image_module){ names[i], "", 0 };
    }

    expect_build_error("", dup, 3);
    expect_build_error("", empty_name, 1);
    expect_build_error("", null_name, 1);
    expect_build_error("", too_long, 1);
    expect_build_error("", many, BOOT_IMAGE_MAX_MODULES + 1);
    expect_build_error(long_cmdline, NULL, 0);
}

/* ---- Each error of boot_image_check ---- */

static void test_not_present(void **state)
{
    (void)state;
    struct boot_image_problem p;
    assert_int_equal(boot_image_check(NULL, 0, &p), BOOT_IMAGE_NOT_PRESENT);
    assert_int_equal(p.module, -1);
    assert_int_equal(boot_image_check(NULL, 4096, NULL), BOOT_IMAGE_NOT_PRESENT);
}

static void test_bad_magic(void **state)
{
    (void)state;
    struct image_blob b = build_three();
    assert_null(image_corrupt(&b, IMAGE_CORRUPT_MAGIC));
    expect_error(&b, b.size, BOOT_IMAGE_BAD_MAGIC, -1);
    image_blob_free(&b);
}

static void test_bad_version(void **state)
{
    (void)state;
    struct image_blob b = build_three();
    assert_null(image_corrupt(&b, IMAGE_CORRUPT_VERSION));
    assert_int_equal(header(&b)->version, 99);
    expect_error(&b, b.size, BOOT_IMAGE_BAD_VERSION, -1);
    image_blob_free(&b);
}

static void test_too_many_modules(void **state)
{
    (void)state;
    struct image_blob b = build_three();
    assert_null(image_corrupt(&b, IMAGE_CORRUPT_TOO_MANY_MODULES));
    assert_int_equal(header(&b)->module_count, 1000);
    expect_error(&b, b.size, BOOT_IMAGE_TOO_MANY_MODULES, -1);

    header(&b)->module_count = BOOT_IMAGE_MAX_MODULES + 1;
    expect_error(&b, b.size, BOOT_IMAGE_TOO_MANY_MODULES, -1);
    header(&b)->module_count = UINT32_MAX;
    expect_error(&b, b.size, BOOT_IMAGE_TOO_MANY_MODULES, -1);
    image_blob_free(&b);
}

static void test_bad_header_size(void **state)
{
    (void)state;
    struct image_blob b = build_three();
    header(&b)->header_size += 64;
    fix_header_crc(&b);
    expect_error(&b, b.size, BOOT_IMAGE_BAD_HEADER_SIZE, -1);
    header(&b)->header_size = 0;
    expect_error(&b, b.size, BOOT_IMAGE_BAD_HEADER_SIZE, -1);
    image_blob_free(&b);

    /* A module count that disagrees with the table size. */
    b = build_three();
    header(&b)->module_count = 2;
    expect_error(&b, b.size, BOOT_IMAGE_BAD_HEADER_SIZE, -1);
    image_blob_free(&b);
}

static void test_bad_header_crc(void **state)
{
    (void)state;
    struct image_blob b = build_three();
    assert_null(image_corrupt(&b, IMAGE_CORRUPT_HEADER_CRC));
    expect_error(&b, b.size, BOOT_IMAGE_BAD_HEADER_CRC, -1);
    image_blob_free(&b);

    b = build_three();
    header(&b)->header_crc ^= 0x80000000u;
    expect_error(&b, b.size, BOOT_IMAGE_BAD_HEADER_CRC, -1);
    image_blob_free(&b);

    /* The reserved flags and the bytes after a name's NUL are covered too. */
    b = build_three();
    entry(&b, 2)->flags = 1;
    expect_error(&b, b.size, BOOT_IMAGE_BAD_HEADER_CRC, -1);
    image_blob_free(&b);

    b = build_three();
    entry(&b, 1)->name[BOOT_IMAGE_NAME_SIZE - 1] = 'x';
    expect_error(&b, b.size, BOOT_IMAGE_BAD_HEADER_CRC, -1);
    image_blob_free(&b);
}

static void test_truncated(void **state)
{
    (void)state;
    struct image_blob b = build_three();
    struct boot_image_problem p;

    expect_error(&b, b.size - 1, BOOT_IMAGE_TRUNCATED, -1);
    expect_error(&b, b.size / 2, BOOT_IMAGE_TRUNCATED, -1);
    expect_error(&b, 31, BOOT_IMAGE_TRUNCATED, -1);
    expect_error(&b, 0, BOOT_IMAGE_TRUNCATED, -1);
    assert_int_equal(boot_image_check(b.data, 100, &p), BOOT_IMAGE_TRUNCATED);
    assert_int_equal(p.expected, b.size);
    assert_int_equal(p.found, 100);
    /* More available than the image is fine. */
    expect_error(&b, b.size + 4096, BOOT_IMAGE_OK, -1);

    /* The trailer missing (as in a cut-off segment), or disagreeing about the size. */
    b.data[b.size - 8] ^= 0xFF;
    expect_error(&b, b.size, BOOT_IMAGE_TRUNCATED, -1);
    b.data[b.size - 8] ^= 0xFF;
    b.data[b.size - 4] ^= 0x01;
    expect_error(&b, b.size, BOOT_IMAGE_TRUNCATED, -1);
    b.data[b.size - 4] ^= 0x01;
    expect_ok(&b);

    /* image_size too small to hold the table and trailer, or misaligned. */
    header(&b)->image_size = header(&b)->header_size + 4;
    fix_header_crc(&b);
    expect_error(&b, b.size, BOOT_IMAGE_TRUNCATED, -1);
    header(&b)->image_size = b.size - 2;
    fix_header_crc(&b);
    expect_error(&b, b.size, BOOT_IMAGE_TRUNCATED, -1);
    image_blob_free(&b);
}

static void test_bad_cmdline(void **state)
{
    (void)state;
    struct image_blob b = build_three();
    struct boot_image_header *h = header(&b);
    uint32_t terminator = h->cmdline_offset + h->cmdline_size - 1;

    /* Not NUL-terminated (the command line is not covered by the header CRC). */
    b.data[terminator] = 'x';
    expect_error(&b, b.size, BOOT_IMAGE_BAD_CMDLINE, -1);
    b.data[terminator] = '\0';
    /* A NUL inside: shorter than cmdline_size says. */
    b.data[h->cmdline_offset + 3] = '\0';
    expect_error(&b, b.size, BOOT_IMAGE_BAD_CMDLINE, -1);
    image_blob_free(&b);

    const struct { uint32_t offset, size; } bad[] = {
        { 32 + 3 * 64, 0 },                      /* empty: not even the NUL */
        { 0, sizeof(CMDLINE) },                  /* inside the header */
        { 32 + 64, sizeof(CMDLINE) },            /* inside the module table */
        { 32 + 3 * 64, BOOT_IMAGE_MAX_CMDLINE + 1 },
        { 12288 + 100, 16 },                     /* runs into the trailer */
        { UINT32_MAX - 2, 8 },                   /* offset + size overflows */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        b = build_three();
        header(&b)->cmdline_offset = bad[i].offset;
        header(&b)->cmdline_size = bad[i].size;
        fix_header_crc(&b);
        expect_error(&b, b.size, BOOT_IMAGE_BAD_CMDLINE, -1);
        image_blob_free(&b);
    }
}

static void test_bad_name(void **state)
{
    (void)state;
    struct image_blob b = build_three();
    entry(&b, 1)->name[0] = '\0';
    fix_header_crc(&b);
    expect_error(&b, b.size, BOOT_IMAGE_BAD_NAME, 1);
    image_blob_free(&b);

    /* 48 bytes without a NUL. */
    b = build_three();
    memset(entry(&b, 2)->name, 'z', BOOT_IMAGE_NAME_SIZE);
    fix_header_crc(&b);
    expect_error(&b, b.size, BOOT_IMAGE_BAD_NAME, 2);
    image_blob_free(&b);
}

static void test_module_out_of_range(void **state)
{
    (void)state;
    struct image_blob b = build_three();
    assert_null(image_corrupt(&b, IMAGE_CORRUPT_MODULE_RANGE));
    expect_error(&b, b.size, BOOT_IMAGE_MODULE_OUT_OF_RANGE, 0);
    image_blob_free(&b);

    /* Size running into the trailer; size overflowing offset + size. */
    b = build_three();
    entry(&b, 2)->size += 9;
    fix_header_crc(&b);
    expect_error(&b, b.size, BOOT_IMAGE_MODULE_OUT_OF_RANGE, 2);
    entry(&b, 2)->size = UINT32_MAX;
    fix_header_crc(&b);
    expect_error(&b, b.size, BOOT_IMAGE_MODULE_OUT_OF_RANGE, 2);
    image_blob_free(&b);
}

static void test_module_misaligned(void **state)
{
    (void)state;
    struct image_blob b = build_three();
    entry(&b, 1)->offset += 4;
    fix_header_crc(&b);
    expect_error(&b, b.size, BOOT_IMAGE_MODULE_MISALIGNED, 1);
    image_blob_free(&b);
}

static void test_module_overlap(void **state)
{
    (void)state;
    /* Module 1 on top of module 0. */
    struct image_blob b = build_three();
    entry(&b, 1)->offset = entry(&b, 0)->offset;
    fix_header_crc(&b);
    expect_error(&b, b.size, BOOT_IMAGE_MODULE_OVERLAP, 1);
    image_blob_free(&b);

    /* Module 0 on top of the table. */
    b = build_three();
    entry(&b, 0)->offset = 0;
    fix_header_crc(&b);
    expect_error(&b, b.size, BOOT_IMAGE_MODULE_OVERLAP, 0);
    image_blob_free(&b);

    /* Out of order: module 2 before module 1. */
    b = build_three();
    entry(&b, 2)->offset = 4096;
    fix_header_crc(&b);
    expect_error(&b, b.size, BOOT_IMAGE_MODULE_OVERLAP, 2);
    image_blob_free(&b);
}

static void test_module_bad_crc(void **state)
{
    (void)state;
    struct image_blob b = build_three();
    assert_null(image_corrupt(&b, IMAGE_CORRUPT_MODULE_CRC));
    expect_error(&b, b.size, BOOT_IMAGE_MODULE_BAD_CRC, 0);
    image_blob_free(&b);

    b = build_three();
    b.data[entry(&b, 2)->offset + 99] ^= 0x40;
    expect_error(&b, b.size, BOOT_IMAGE_MODULE_BAD_CRC, 2);
    image_blob_free(&b);
}

static void test_error_texts(void **state)
{
    (void)state;
    for (int e = BOOT_IMAGE_OK; e <= BOOT_IMAGE_MODULE_BAD_CRC; e++)
        assert_string_not_equal(boot_image_error_text((enum boot_image_error)e), "unknown error");
    enum boot_image_error past_last = (enum boot_image_error)(BOOT_IMAGE_MODULE_BAD_CRC + 1);
    assert_string_equal(boot_image_error_text(past_last), "unknown error");
}

static void test_corruption_kinds(void **state)
{
    (void)state;
    assert_int_equal(image_corruption_parse("magic"), IMAGE_CORRUPT_MAGIC);
    assert_int_equal(image_corruption_parse("unpacked"), IMAGE_CORRUPT_UNPACKED);
    assert_int_equal(image_corruption_parse("truncate"), IMAGE_CORRUPT_TRUNCATE);
    assert_int_equal(image_corruption_parse("nonsense"), IMAGE_CORRUPT_NONE);

    /* Corrupting needs a module (module-crc a non-empty one); ELF-level kinds are no-ops. */
    struct image_blob b = build("", NULL, 0);
    assert_non_null(image_corrupt(&b, IMAGE_CORRUPT_MAGIC));
    image_blob_free(&b);
    const struct image_module empty = { "e", NULL, 0 };
    b = build("", &empty, 1);
    assert_non_null(image_corrupt(&b, IMAGE_CORRUPT_MODULE_CRC));
    assert_null(image_corrupt(&b, IMAGE_CORRUPT_TRUNCATE));
    assert_null(image_corrupt(&b, IMAGE_CORRUPT_UNPACKED));
    expect_ok(&b);
    image_blob_free(&b);
}

/* ---- Random damage ---- */

static uint32_t random_next(uint32_t *s)
{
    /* xorshift32: deterministic, so a failure can be reproduced. */
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Bytes the check does not look at: gaps before, between and after module data. */
static bool is_padding(const struct boot_image_header *h, const struct boot_image_module *m,
                       uint32_t pos)
{
    uint32_t start = h->cmdline_offset + h->cmdline_size;
    for (uint32_t i = 0; i < h->module_count; i++) {
        if (pos >= start && pos < m[i].offset)
            return true;
        start = m[i].offset + m[i].size;
    }
    return pos >= start && pos < h->image_size - 8;
}

/* The command line's text is not CRC-protected: only a new NUL inside it is detectable. */
static bool may_pass(const struct boot_image_header *h, const struct boot_image_module *m,
                     uint32_t pos, uint8_t new_value)
{
    bool in_cmdline_text = pos >= h->cmdline_offset &&
                           pos < h->cmdline_offset + h->cmdline_size - 1;
    return is_padding(h, m, pos) || (in_cmdline_text && new_value != 0);
}

static void test_random_single_byte_corruptions(void **state)
{
    (void)state;
    struct image_blob good = build_three();
    struct boot_image_header h = *header(&good);
    struct boot_image_module m[3];
    memcpy(m, entry(&good, 0), sizeof(m));
    /* A copy of exactly image_size bytes, so an out-of-bounds read shows under valgrind. */
    uint8_t *copy = malloc(good.size);
    assert_non_null(copy);
    uint32_t seed = 0x12345678u;
    unsigned detected = 0;

    for (int round = 0; round < 10000; round++) {
        /* Half the rounds aim at the table and command line, which padding would dwarf. */
        uint32_t region = round % 2 ? h.cmdline_offset + h.cmdline_size : good.size;
        uint32_t pos = random_next(&seed) % region;
        uint8_t flip = (uint8_t)(random_next(&seed) % 255 + 1);
        memcpy(copy, good.data, good.size);
        copy[pos] ^= flip;
        struct boot_image_problem p;
        enum boot_image_error e = boot_image_check(copy, good.size, &p);
        if (e != BOOT_IMAGE_OK) {
            detected++;
            assert_int_equal(p.error, e);
        }
        bool expect_pass = may_pass(&h, m, pos, copy[pos]);
        if ((e == BOOT_IMAGE_OK) != expect_pass)
            fail_msg("round %d: byte %u ^= 0x%02x gave \"%s\"", round, pos, flip,
                     boot_image_error_text(e));
    }
    assert_true(detected > 0);
    free(copy);
    image_blob_free(&good);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_modules),
        cmocka_unit_test(test_one_module),
        cmocka_unit_test(test_three_modules),
        cmocka_unit_test(test_empty_cmdline_and_empty_module),
        cmocka_unit_test(test_longest_name_and_cmdline),
        cmocka_unit_test(test_max_modules),
        cmocka_unit_test(test_builder_rejects),
        cmocka_unit_test(test_not_present),
        cmocka_unit_test(test_bad_magic),
        cmocka_unit_test(test_bad_version),
        cmocka_unit_test(test_too_many_modules),
        cmocka_unit_test(test_bad_header_size),
        cmocka_unit_test(test_bad_header_crc),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_bad_cmdline),
        cmocka_unit_test(test_bad_name),
        cmocka_unit_test(test_module_out_of_range),
        cmocka_unit_test(test_module_misaligned),
        cmocka_unit_test(test_module_overlap),
        cmocka_unit_test(test_module_bad_crc),
        cmocka_unit_test(test_error_texts),
        cmocka_unit_test(test_corruption_kinds),
        cmocka_unit_test(test_random_single_byte_corruptions),
    };
    return cmocka_run_group_tests(tests, setup_data, NULL);
}
