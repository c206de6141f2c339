/* SPDX-License-Identifier: MIT */
/* Unit tests for fb-drv's modes (servers/fb-drv/mode.c): every mode the boot script may name,
 * its line, format and frame rounded to pages; names that are almost right are refused; the
 * list in the error message names each mode once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "mode.h"

static void test_modes(void **state)
{
    (void)state;
    struct fb_mode m;
    assert_true(fb_mode_find(FB_MODE_DEFAULT, &m));
    assert_int_equal(m.width, 640);
    assert_int_equal(m.height, 480);
    assert_int_equal(m.bytes_per_line, 1280);
    assert_int_equal(m.frame_size, 614400);   /* 150 pages exactly */
    assert_true(pixel_format_equal(m.format, &pixel_format_rgb565));
    assert_string_equal(m.format_name, "rgb565");
    assert_true(fb_mode_find("800x600x16", &m));
    assert_int_equal(m.frame_size, 962560);   /* 960,000 bytes rounded up to 235 pages */
    assert_true(fb_mode_find("1024x768x32", &m));
    assert_int_equal(m.bytes_per_line, 4096);
    assert_int_equal(m.frame_size, 3u << 20);
    assert_true(pixel_format_equal(m.format, &pixel_format_xrgb8888));
    assert_string_equal(m.format_name, "xrgb8888");
}

static void test_bad_names(void **state)
{
    (void)state;
    static const char *const bad[] = { "", "640x480", "640x480x", "640x480x24", "640x480x16x",
                                       " 640x480x16", "640X480x16", "0640x480x16", "1280x1024x32",
                                       "640x480x16\n", "x" };
    struct fb_mode m = { .width = 7 };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(fb_mode_find(bad[i], &m));
    assert_int_equal(m.width, 7);   /* untouched */
}

static void test_names(void **state)
{
    (void)state;
    const char *names = fb_mode_names();
    assert_string_equal(names, "640x480x16, 640x480x32, 800x600x16, 800x600x32, "
                               "1024x768x16, 1024x768x32");
    assert_ptr_equal(fb_mode_names(), names);
    assert_string_equal(fb_format_name(&pixel_format_bgr565), "bgr565");
    struct pixel_format odd = pixel_format_rgb565;
    odd.green.size = 5;
    assert_string_equal(fb_format_name(&odd), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
