/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the console's line discipline (l4re/libc/line_discipline.c): cooked
 * editing and echo, end of file, input mapping, signals, raw mode, mode switches, full
 * buffers and output processing, driven byte by byte as console.c drives it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <string.h>

#include "line_discipline.h"

static char echoed[4096];
static unsigned echoed_length;

static void collect(void *context, const char *bytes, unsigned length)
{
    (void)context;
    memcpy(echoed + echoed_length, bytes, length);
    echoed_length += length;
}

static void start(struct line_discipline *ld, tcflag_t iflag, tcflag_t lflag)
{
    cc_t cc[NCCS];
    line_discipline_default_characters(cc);
    line_discipline_init(ld, iflag, PECAN_CONSOLE_DEFAULT_OUTPUT, lflag, cc, collect, NULL);
    echoed_length = 0;
}

static int type(struct line_discipline *ld, const char *bytes)
{
    int sig = 0;
    for (; *bytes; bytes++) {
        int s = line_discipline_receive(ld, *bytes);
        if (s)
            sig = s;
    }
    return sig;
}

static void expect_read(struct line_discipline *ld, unsigned count, const char *want)
{
    char got[LINE_DISCIPLINE_READY_MAX + 1];
    unsigned n = line_discipline_take(ld, got, count);
    got[n] = 0;
    assert_int_equal(n, strlen(want));
    assert_string_equal(got, want);
}

static void expect_echo(const char *want)
{
    assert_int_equal(echoed_length, strlen(want));
    assert_memory_equal(echoed, want, echoed_length);
}

static void test_cooked_editing(void **state)
{
    (void)state;
    struct line_discipline ld;
    start(&ld, PECAN_CONSOLE_DEFAULT_INPUT, PECAN_CONSOLE_DEFAULT_LOCAL);
    type(&ld, "helo\x7flo wrld");
    assert_false(line_discipline_readable(&ld));
    type(&ld, "\x15hello\x08\x08lo world\r");   /* kill, backspace twice, CR */
    assert_true(line_discipline_readable(&ld));
    expect_read(&ld, 5, "hello");              /* a line read in pieces */
    expect_read(&ld, 100, " world\n");
    assert_false(line_discipline_readable(&ld));
    assert_true(echoed_length > 0);
    assert_memory_equal(echoed, "helo\b \blo", 9);
}

static void test_word_erase_and_utf8(void **state)
{
    (void)state;
    struct line_discipline ld;
    start(&ld, PECAN_CONSOLE_DEFAULT_INPUT, PECAN_CONSOLE_DEFAULT_LOCAL);
    type(&ld, "one two  \x17" "caf\xc3\xa9\x7f" "e\n");
    expect_read(&ld, 100, "one cafe\n");
}

static void test_end_of_file(void **state)
{
    (void)state;
    struct line_discipline ld;
    start(&ld, PECAN_CONSOLE_DEFAULT_INPUT, PECAN_CONSOLE_DEFAULT_LOCAL);
    type(&ld, "abc\x04\x04");
    expect_read(&ld, 100, "abc");
    assert_true(line_discipline_readable(&ld));
    expect_read(&ld, 100, "");                 /* end of file: once */
    assert_false(line_discipline_readable(&ld));
}

static void test_echo_flags(void **state)
{
    (void)state;
    struct line_discipline ld;
    start(&ld, PECAN_CONSOLE_DEFAULT_INPUT, ICANON | ECHO);   /* no ECHOE */
    type(&ld, "ab\x7f\n");
    expect_echo("ab\x7f\n");
    start(&ld, PECAN_CONSOLE_DEFAULT_INPUT, ICANON | ECHONL);
    type(&ld, "secret\n");
    expect_echo("\n");
    expect_read(&ld, 100, "secret\n");
    start(&ld, PECAN_CONSOLE_DEFAULT_INPUT, ICANON | ECHO | ECHOK);
    type(&ld, "xy\x15");
    expect_echo("xy\n");
}

static void test_input_mapping(void **state)
{
    (void)state;
    struct line_discipline ld;
    start(&ld, 0, 0);
    type(&ld, "a\rb\n");
    expect_read(&ld, 100, "a\rb\n");
    start(&ld, IGNCR, 0);
    type(&ld, "a\rb");
    expect_read(&ld, 100, "ab");
    start(&ld, INLCR, 0);
    type(&ld, "\n");
    expect_read(&ld, 100, "\r");
    start(&ld, ICRNL, 0);
    type(&ld, "\r");
    expect_read(&ld, 100, "\n");
}

static void test_signals(void **state)
{
    (void)state;
    struct line_discipline ld;
    start(&ld, PECAN_CONSOLE_DEFAULT_INPUT, PECAN_CONSOLE_DEFAULT_LOCAL);
    type(&ld, "partial");
    assert_int_equal(type(&ld, "\x03"), SIGINT);
    type(&ld, "x\n");
    expect_read(&ld, 100, "x\n");              /* the partial line was flushed */
    assert_int_equal(type(&ld, "\x1c"), SIGQUIT);
    start(&ld, 0, 0);                           /* no ISIG: a byte like another */
    assert_int_equal(type(&ld, "\x03"), 0);
    expect_read(&ld, 100, "\x03");
}

static void test_raw_and_switches(void **state)
{
    (void)state;
    struct line_discipline ld;
    start(&ld, 0, ECHO);
    type(&ld, "\x1b[A");
    expect_echo("\x1b[A");
    assert_int_equal(line_discipline_ready(&ld), 3);
    expect_read(&ld, 2, "\x1b[");
    expect_read(&ld, 2, "A");
    /* Cooked with a line half typed, then raw: the half line becomes readable. */
    start(&ld, 0, ICANON);
    type(&ld, "done\npart");
    cc_t cc[NCCS];
    line_discipline_default_characters(cc);
    line_discipline_set(&ld, 0, 0, 0, cc);
    expect_read(&ld, 100, "done\npart");
    /* Raw bytes, then cooked: they are one line. */
    type(&ld, "xyz");
    line_discipline_set(&ld, 0, 0, ICANON, cc);
    assert_true(line_discipline_readable(&ld));
    expect_read(&ld, 100, "xyz");
}

static void test_full_buffers(void **state)
{
    (void)state;
    struct line_discipline ld;
    start(&ld, 0, ICANON);
    for (unsigned i = 0; i < LINE_DISCIPLINE_LINE_MAX + 50; i++)
        line_discipline_receive(&ld, 'a');
    line_discipline_receive(&ld, '\n');        /* the newline always fits */
    char got[LINE_DISCIPLINE_READY_MAX];
    unsigned n = line_discipline_take(&ld, got, sizeof(got));
    assert_int_equal(n, LINE_DISCIPLINE_LINE_MAX);
    assert_int_equal(got[n - 1], '\n');
    start(&ld, 0, 0);
    for (unsigned i = 0; i < LINE_DISCIPLINE_READY_MAX + 10; i++)
        line_discipline_receive(&ld, (char)('0' + i % 10));
    assert_int_equal(line_discipline_ready(&ld), LINE_DISCIPLINE_READY_MAX);
    n = line_discipline_take(&ld, got, sizeof(got));
    assert_int_equal(got[n - 1], (char)('0' + (LINE_DISCIPLINE_READY_MAX - 1) % 10));
}

static void test_output(void **state)
{
    (void)state;
    char out[16];
    unsigned used;
    unsigned n = line_discipline_output(OPOST | ONLCR, "a\nb\n", 4, out, sizeof(out), &used);
    assert_int_equal(used, 4);
    assert_int_equal(n, 6);
    assert_memory_equal(out, "a\r\nb\r\n", 6);
    n = line_discipline_output(ONLCR, "a\n", 2, out, sizeof(out), &used);   /* no OPOST */
    assert_int_equal(n, 2);
    n = line_discipline_output(OPOST | ONLCR, "\n\n\n", 3, out, 5, &used);
    assert_int_equal(used, 2);                  /* never half a CR NL */
    assert_int_equal(n, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cooked_editing), cmocka_unit_test(test_word_erase_and_utf8),
        cmocka_unit_test(test_end_of_file), cmocka_unit_test(test_echo_flags),
        cmocka_unit_test(test_input_mapping), cmocka_unit_test(test_signals),
        cmocka_unit_test(test_raw_and_switches), cmocka_unit_test(test_full_buffers),
        cmocka_unit_test(test_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
