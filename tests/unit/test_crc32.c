/* SPDX-License-Identifier: MIT */
/* Unit tests for kernel/lib/crc32.c: known CRC-32 vectors and incremental updates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <lib/crc32.h>

static uint32_t crc_of(const char *s)
{
    return crc32_update(0, s, strlen(s));
}

static void test_known_vectors(void **state)
{
    (void)state;
    assert_int_equal(crc_of("123456789"), 0xCBF43926u);
    assert_int_equal(crc_of(""), 0);
    assert_int_equal(crc32_update(0, NULL, 0), 0);
    assert_int_equal(crc_of("a"), 0xE8B7BE43u);
    assert_int_equal(crc_of("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
}

static void test_all_zero_and_all_ones(void **state)
{
    (void)state;
    uint8_t buf[32];
    memset(buf, 0, sizeof(buf));
    assert_int_equal(crc32_update(0, buf, sizeof(buf)), 0x190A55ADu);
    memset(buf, 0xFF, sizeof(buf));
    assert_int_equal(crc32_update(0, buf, sizeof(buf)), 0xFF6CAB0Bu);
}

static void test_incremental_equals_one_shot(void **state)
{
    (void)state;
    uint8_t data[1000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 31 + (i >> 3));
    uint32_t whole = crc32_update(0, data, sizeof(data));

    for (size_t split = 0; split <= sizeof(data); split++) {
        uint32_t crc = crc32_update(0, data, split);
        assert_int_equal(crc32_update(crc, data + split, sizeof(data) - split), whole);
    }
    /* Uneven chunks, including empty ones. */
    uint32_t crc = 0;
    size_t pos = 0;
    for (size_t chunk = 0; pos < sizeof(data); chunk = (chunk * 7 + 3) % 61) {
        size_t n = chunk < sizeof(data) - pos ? chunk : sizeof(data) - pos;
        crc = crc32_update(crc, data + pos, n);
        pos += n;
    }
    assert_int_equal(crc, whole);
}

static void test_every_single_bit_flip_changes_crc(void **state)
{
    (void)state;
    uint8_t data[64];
    memset(data, 0x5A, sizeof(data));
    uint32_t good = crc32_update(0, data, sizeof(data));
    for (size_t i = 0; i < sizeof(data) * 8; i++) {
        data[i / 8] ^= (uint8_t)(1u << (i % 8));
        assert_int_not_equal(crc32_update(0, data, sizeof(data)), good);
        data[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_all_zero_and_all_ones),
        cmocka_unit_test(test_incremental_equals_one_shot),
        cmocka_unit_test(test_every_single_bit_flip_changes_crc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
