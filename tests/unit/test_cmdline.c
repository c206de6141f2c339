/* SPDX-License-Identifier: MIT */
/* Unit tests for kernel/lib/cmdline.c: option lookup on the kernel command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <lib/cmdline.h>

/* cmdline_get into a roomy buffer; returns the value, or NULL if the option is absent. */
static const char *get(const char *cmdline, const char *name)
{
    static char out[64];
    memset(out, '#', sizeof(out));
    if (!cmdline_get(cmdline, name, out, sizeof(out)))
        return NULL;
    return out;
}

static void test_empty_line(void **state)
{
    (void)state;
    assert_false(cmdline_has("", "a"));
    assert_null(get("", "a"));
    assert_false(cmdline_has("   ", "a"));
    assert_null(get(" \t\n ", "a"));
    assert_false(cmdline_has(NULL, "a"));
}

static void test_spaces(void **state)
{
    (void)state;
    const char *line = "   a   b=2  \t c=33   ";
    assert_true(cmdline_has(line, "a"));
    assert_true(cmdline_has(line, "b"));
    assert_true(cmdline_has(line, "c"));
    assert_string_equal(get(line, "a"), "");
    assert_string_equal(get(line, "b"), "2");
    assert_string_equal(get(line, "c"), "33");
    assert_false(cmdline_has(line, "d"));
    assert_string_equal(get("x=1\ny=2\n", "y"), "2");
    assert_string_equal(get("x=1\ty=2", "x"), "1");
}

static void test_bare_words(void **state)
{
    (void)state;
    const char *line = "quiet debug=1 single";
    assert_true(cmdline_has(line, "quiet"));
    assert_true(cmdline_has(line, "single"));
    assert_string_equal(get(line, "quiet"), "");
    assert_string_equal(get(line, "single"), "");
    assert_string_equal(get("flag", "flag"), "");
    assert_string_equal(get("flag=", "flag"), "");
}

static void test_prefix_confusion(void **state)
{
    (void)state;
    assert_string_equal(get("a=1 ab=2", "a"), "1");
    assert_string_equal(get("a=1 ab=2", "ab"), "2");
    assert_string_equal(get("ab=2 a=1", "a"), "1");
    assert_null(get("ab=2 abc=3", "a"));
    assert_null(get("ab=2 abc=3", "b"));
    assert_null(get("a=1", "a="));
    assert_null(get("x=ab", "ab"));
    assert_null(get("abc", "ab"));
    assert_false(cmdline_has("aa", "a"));
    assert_false(cmdline_has("a=1", ""));
    assert_false(cmdline_has("=1", ""));
}

static void test_first_occurrence_wins(void **state)
{
    (void)state;
    assert_string_equal(get("n=1 n=2", "n"), "1");
    assert_string_equal(get("n n=2", "n"), "");
}

static void test_values_with_equals(void **state)
{
    (void)state;
    assert_string_equal(get("root=dev=sda1 ro", "root"), "dev=sda1");
    assert_string_equal(get("k==v", "k"), "=v");
    assert_string_equal(get("k=a=b=c", "k"), "a=b=c");
}

static void test_truncation(void **state)
{
    (void)state;
    char out[8];

    memset(out, '#', sizeof(out));
    assert_true(cmdline_get("key=abcdef next", "key", out, 4));
    assert_string_equal(out, "abc");
    assert_int_equal(out[4], '#');

    memset(out, '#', sizeof(out));
    assert_true(cmdline_get("key=abcdef", "key", out, 1));
    assert_int_equal(out[0], '\0');
    assert_int_equal(out[1], '#');

    memset(out, '#', sizeof(out));
    assert_true(cmdline_get("key=abcdef", "key", out, 0));
    assert_int_equal(out[0], '#');

    memset(out, '#', sizeof(out));
    assert_true(cmdline_get("key=abcdefg", "key", out, sizeof(out)));
    assert_string_equal(out, "abcdefg");

    memset(out, '#', sizeof(out));
    assert_true(cmdline_get("key=abcdefgh", "key", out, sizeof(out)));
    assert_string_equal(out, "abcdefg");
}

static void test_absent_leaves_out_alone(void **state)
{
    (void)state;
    char out[4] = { 'x', 'y', 'z', 'w' };
    assert_false(cmdline_get("a=1 b=2", "c", out, sizeof(out)));
    assert_memory_equal(out, "xyzw", 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_line),
        cmocka_unit_test(test_spaces),
        cmocka_unit_test(test_bare_words),
        cmocka_unit_test(test_prefix_confusion),
        cmocka_unit_test(test_first_occurrence_wins),
        cmocka_unit_test(test_values_with_equals),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_absent_leaves_out_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
