/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the ARMv6 user descriptor encodings (kernel/arch/armv6/include/arch/
 * page_table.h): exact bit patterns checked by hand against the ARM ARM v6 formats (and
 * against the kernel's own SECTION_KERNEL_RAM / PAGE_KERNEL_READONLY), and round trips
 * from rights to descriptors and back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arch/page_table.h>

#define R PECAN_MAP_READ
#define W PECAN_MAP_WRITE
#define X PECAN_MAP_EXECUTE
#define UC PECAN_MAP_UNCACHED

static void test_small_pages(void **state)
{
    (void)state;
    /* XN=1 small B C AP=11 TEX=001 S nG */
    assert_int_equal(pt_small_page(0x12345000, R | W), 0x12345C7Fu);
    /* XN=0 AP=10 APX=1: PAGE_KERNEL_READONLY (0x65E) with AP=10 and nG */
    assert_int_equal(pt_small_page(0x12345000, R | X), 0x12345E6Eu);
    /* shared device: TEX=000 C=0 B=1, S=0 */
    assert_int_equal(pt_small_page(0x10009000, R | W | UC), 0x10009837u);
    /* low bits of the address are dropped */
    assert_int_equal(pt_small_page(0x12345FFF, R | W) & ~0xFFFu, 0x12345000u);
}

static void test_large_pages(void **state)
{
    (void)state;
    /* type 01, B C AP=11 S nG TEX=001 XN=0 */
    assert_int_equal(pt_large_page(0x12340000, R | W | X), 0x12341C3Du);
    /* AP=10 APX=1, XN (bit 15) */
    assert_int_equal(pt_large_page(0x12340000, R), 0x12349E2Du);
}

static void test_sections(void **state)
{
    (void)state;
    /* SECTION_KERNEL_RAM (0x1140E) with AP=11, XN and nG */
    assert_int_equal(pt_section(0x00100000, R | W), 0x00131C1Eu);
    /* device, read-only, XN: APX=1 AP=10 B=1 */
    assert_int_equal(pt_section(0x10000000, R | UC), 0x10028816u);
    assert_true(pt_is_section(pt_section(0, R)));
    assert_false(pt_is_section(pt_section(0, R) | L1_SECTION_SUPER));
    assert_false(pt_is_coarse(pt_section(0, R)));
}

static void test_coarse(void **state)
{
    (void)state;
    assert_int_equal(pt_coarse(0x00123400), 0x00123401u);
    assert_true(pt_is_coarse(pt_coarse(0x00123400)));
    assert_false(pt_is_section(pt_coarse(0x00123400)));
}

static void test_rights_round_trip(void **state)
{
    (void)state;
    static const unsigned requests[] = { R, R | W, R | X, R | W | X, W, X };
    static const unsigned sizes[] = { FRAME_BITS_SMALL, FRAME_BITS_LARGE, FRAME_BITS_SECTION };
    for (unsigned s = 0; s < 3; s++) {
        for (unsigned i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
            for (unsigned uc = 0; uc <= UC; uc += UC) {
                unsigned rights = requests[i] | uc;
                uint32_t d = pt_frame_descriptor(sizes[s], 0x00f00000, rights);
                /* every user page is readable */
                assert_int_equal(pt_descriptor_rights(sizes[s], d), rights | R);
                assert_true(pt_maps_frame(d, sizes[s], 0x00f00000));
                assert_false(pt_maps_frame(d, sizes[s], 0x00e00000));
            }
        }
    }
}

static void test_kinds_are_told_apart(void **state)
{
    (void)state;
    uint32_t small = pt_small_page(0x00010000, R);
    uint32_t large = pt_large_page(0x00010000, R);
    assert_true(pt_is_small(small) && !pt_is_large(small));
    assert_true(pt_is_large(large) && !pt_is_small(large));
    assert_false(pt_maps_frame(small, FRAME_BITS_LARGE, 0x00010000));
    assert_false(pt_maps_frame(large, FRAME_BITS_SMALL, 0x00010000));
    assert_false(pt_maps_frame(0, FRAME_BITS_SMALL, 0));
    /* kernel-only permissions are not user rights */
    assert_int_equal(pt_small_rights(0x65E), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_pages),
        cmocka_unit_test(test_large_pages),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_coarse),
        cmocka_unit_test(test_rights_round_trip),
        cmocka_unit_test(test_kinds_are_told_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
