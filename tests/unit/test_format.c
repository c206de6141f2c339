/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for kernel/lib/format.c: format_string() must match the host's snprintf for
 * every supported conversion, and must truncate, terminate and count like it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <lib/format.h>

/* The host's snprintf, called through vsnprintf so the compiler does not warn about the
 * truncation these tests cause on purpose. */
static int __attribute__((format(printf, 3, 4))) host_format(char *buf, size_t size,
                                                            const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(buf, size, fmt, args);
    va_end(args);
    return n;
}

/* Formats with both and compares text and returned length. */
#define EXPECT_SAME(...)                                                                      \
    do {                                                                                      \
        char want_[256], got_[256];                                                           \
        int want_len_ = host_format(want_, sizeof(want_), __VA_ARGS__);                        \
        size_t got_len_ = format_string(got_, sizeof(got_), __VA_ARGS__);                     \
        assert_string_equal(got_, want_);                                                     \
        assert_int_equal(got_len_, (size_t)want_len_);                                        \
    } while (0)

static void test_signed(void **state)
{
    (void)state;
    EXPECT_SAME("%d", 0);
    EXPECT_SAME("%d", 42);
    EXPECT_SAME("%d", -42);
    EXPECT_SAME("%i", -7);
    EXPECT_SAME("%d", INT_MAX);
    EXPECT_SAME("%d", INT_MIN);
    EXPECT_SAME("%ld", LONG_MAX);
    EXPECT_SAME("%ld", LONG_MIN);
    EXPECT_SAME("%lld", LLONG_MAX);
    EXPECT_SAME("%lld", LLONG_MIN);
    EXPECT_SAME("%lli", -1LL);
}

static void test_unsigned(void **state)
{
    (void)state;
    EXPECT_SAME("%u", 0u);
    EXPECT_SAME("%u", UINT_MAX);
    EXPECT_SAME("%x", 0u);
    EXPECT_SAME("%x", 0xdeadbeefu);
    EXPECT_SAME("%X", 0xdeadbeefu);
    EXPECT_SAME("%o", 0u);
    EXPECT_SAME("%o", 8u);
    EXPECT_SAME("%o", 0777u);
    EXPECT_SAME("%lu", ULONG_MAX);
    EXPECT_SAME("%lx", ULONG_MAX);
    EXPECT_SAME("%llu", ULLONG_MAX);
    EXPECT_SAME("%llx", ULLONG_MAX);
    EXPECT_SAME("%llX", 0xABCDEF0123456789ull);
    EXPECT_SAME("%llo", ULLONG_MAX);
    EXPECT_SAME("%zu", (size_t)SIZE_MAX);
    EXPECT_SAME("%zx", (size_t)0x1234);
    EXPECT_SAME("%zu", sizeof(long long));
}

static void test_width_and_flags(void **state)
{
    (void)state;
    EXPECT_SAME("[%5d]", 42);
    EXPECT_SAME("[%-5d]", 42);
    EXPECT_SAME("[%05d]", 42);
    EXPECT_SAME("[%05d]", -42);
    EXPECT_SAME("[%5d]", -42);
    EXPECT_SAME("[%-5d]", -42);
    EXPECT_SAME("[%2d]", 12345);
    EXPECT_SAME("[%08x]", 0xbeefu);
    EXPECT_SAME("[%8X]", 0xbeefu);
    EXPECT_SAME("[%-8o]", 0755u);
    EXPECT_SAME("[%020llu]", ULLONG_MAX);
    EXPECT_SAME("[%-25lld]", LLONG_MIN);
    EXPECT_SAME("[%012d]", INT_MIN);
    EXPECT_SAME("[%*d]", 6, 42);
    EXPECT_SAME("[%-*d]", 6, 42);
    EXPECT_SAME("[%*d]", -6, 42);
    EXPECT_SAME("[%0*x]", 4, 0xau);
}

static void test_chars_and_strings(void **state)
{
    (void)state;
    EXPECT_SAME("%c", 'A');
    EXPECT_SAME("[%3c]", 'x');
    EXPECT_SAME("[%-3c]", 'x');
    EXPECT_SAME("%s", "hello");
    EXPECT_SAME("%s", "");
    EXPECT_SAME("[%10s]", "hello");
    EXPECT_SAME("[%-10s]", "hello");
    EXPECT_SAME("[%3s]", "hello");
    EXPECT_SAME("[%.3s]", "hello");
    EXPECT_SAME("[%.0s]", "hello");
    EXPECT_SAME("[%.10s]", "hello");
    EXPECT_SAME("[%5.2s]", "hello");
    EXPECT_SAME("[%-5.2s]", "hello");
    EXPECT_SAME("[%.*s]", 2, "hello");
    EXPECT_SAME("[%.*s]", -1, "hello");
}

static void test_percent_and_mixed(void **state)
{
    (void)state;
    EXPECT_SAME("100%%");
    EXPECT_SAME("%%%d%%", 5);
    EXPECT_SAME("plain text");
    EXPECT_SAME("a=%d b=%s c=%x d=%c e=%lu f=%zu", -1, "two", 3u, '4', 5ul, (size_t)6);
    EXPECT_SAME("%s=%08x (%u)", "crc", 0x1234u, 99u);
}

static void test_null_string(void **state)
{
    (void)state;
    char buf[16];
    const char *volatile null = NULL;  /* hidden from -Wformat-overflow */
    assert_int_equal(format_string(buf, sizeof(buf), "%s", null), 6);
    assert_string_equal(buf, "(null)");
}

static void test_pointer(void **state)
{
    (void)state;
    char want[64], got[64];
    int x;
    void *pointers[] = { NULL, &x, (void *)(uintptr_t)0x1000 };
    for (size_t i = 0; i < sizeof(pointers) / sizeof(pointers[0]); i++) {
        /* The kernel prints pointers as zero-padded hex digits, without "0x". */
        int n = snprintf(want, sizeof(want), "%0*llx", (int)(2 * sizeof(void *)),
                         (unsigned long long)(uintptr_t)pointers[i]);
        assert_int_equal(format_string(got, sizeof(got), "%p", pointers[i]), (size_t)n);
        assert_string_equal(got, want);
    }
}

static void test_truncation(void **state)
{
    (void)state;
    char buf[16];

    memset(buf, '#', sizeof(buf));
    assert_int_equal(format_string(buf, 5, "%d", 123456), 6);
    assert_string_equal(buf, "1234");
    assert_memory_equal(buf + 5, "###########", 11);

    memset(buf, '#', sizeof(buf));
    assert_int_equal(format_string(buf, 6, "%s-%s", "abc", "def"), 7);
    assert_string_equal(buf, "abc-d");

    memset(buf, '#', sizeof(buf));
    assert_int_equal(format_string(buf, 7, "%d", 123456), 6);
    assert_string_equal(buf, "123456");
    assert_int_equal(buf[7], '#');

    memset(buf, '#', sizeof(buf));
    assert_int_equal(format_string(buf, 6, "%d", 123456), 6);
    assert_string_equal(buf, "12345");

    memset(buf, '#', sizeof(buf));
    assert_int_equal(format_string(buf, 1, "%s", "hello"), 5);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], '#');
}

static void test_size_zero(void **state)
{
    (void)state;
    char buf[4] = { '#', '#', '#', '#' };
    assert_int_equal(format_string(buf, 0, "%s %d", "hello", 42), 8);
    assert_memory_equal(buf, "####", 4);
    assert_int_equal(format_string(NULL, 0, "%llu", ULLONG_MAX), 20);
}

static void test_empty_format(void **state)
{
    (void)state;
    char buf[4] = { '#', '#', '#', '#' };
    const char *empty = "";
    assert_int_equal(format_string(buf, sizeof(buf), empty, 0), 0);
    assert_int_equal(buf[0], '\0');
}

static void test_truncation_matches_snprintf(void **state)
{
    (void)state;
    const char *text = "hello, world";
    for (size_t size = 1; size <= 16; size++) {
        char want[16], got[16];
        int n = host_format(want, size, "%s %5d|%-4x", text, -17, 0xabu);
        assert_int_equal(format_string(got, size, "%s %5d|%-4x", text, -17, 0xabu), (size_t)n);
        assert_string_equal(got, want);
    }
}

struct counting_sink {
    char text[32];
    size_t calls;
};

static void count_put(void *context, char c)
{
    struct counting_sink *s = context;
    if (s->calls < sizeof(s->text) - 1)
        s->text[s->calls] = c;
    s->calls++;
}

static size_t format_to(struct counting_sink *s, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    size_t n = format_va(count_put, s, fmt, args);
    va_end(args);
    return n;
}

static void test_sink(void **state)
{
    (void)state;
    struct counting_sink s = { { 0 }, 0 };
    assert_int_equal(format_to(&s, "x%dy", 77), 4);
    assert_int_equal(s.calls, 4);
    assert_string_equal(s.text, "x77y");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signed),
        cmocka_unit_test(test_unsigned),
        cmocka_unit_test(test_width_and_flags),
        cmocka_unit_test(test_chars_and_strings),
        cmocka_unit_test(test_percent_and_mixed),
        cmocka_unit_test(test_null_string),
        cmocka_unit_test(test_pointer),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_size_zero),
        cmocka_unit_test(test_empty_format),
        cmocka_unit_test(test_truncation_matches_snprintf),
        cmocka_unit_test(test_sink),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
