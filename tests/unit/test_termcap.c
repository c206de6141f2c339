/* SPDX-License-Identifier: MIT */
/* Unit tests for the runtime's built-in termcap (l4re/libc/termcap.c): the entry's names,
 * flags, numbers and strings, tgetstr's copying into the caller's area, tgoto's %
 * notation (the VT100's cursor motion, row first, one-based) and its refusals, tputs
 * leaving out padding; and the key strings against what libvterm 0.1.4 (the terminal
 * pkg/term runs, built here for the host) sends for the same keys, so readline binds
 * exactly what the terminal types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <termcap.h>
#include <vterm.h>

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(tgetent(NULL, "vt100"), 1);
    assert_int_equal(tgetent(NULL, "xterm"), 1);
    assert_int_equal(tgetent(NULL, "xterm-256color"), 1);
    assert_int_equal(tgetent(NULL, "dumb"), 0);
    assert_int_equal(tgetent(NULL, ""), 0);
    assert_int_equal(tgetent(NULL, "vt1000"), 0);
    assert_int_equal(tgetent(NULL, NULL), 0);
}

static void test_flags_and_numbers(void **state)
{
    (void)state;
    assert_int_equal(tgetflag("am"), 1);
    assert_int_equal(tgetflag("xn"), 1);
    assert_int_equal(tgetflag("km"), 0);
    assert_int_equal(tgetflag("a"), 0);     /* one character names nothing */
    assert_int_equal(tgetflag(""), 0);
    assert_int_equal(tgetflag(NULL), 0);
    assert_int_equal(tgetnum("co"), 80);
    assert_int_equal(tgetnum("li"), 24);
    assert_int_equal(tgetnum("xx"), -1);
    assert_int_equal(tgetnum("cox"), 80);   /* only two characters count, as in termcap */
}

static void test_tgetstr(void **state)
{
    (void)state;
    char buffer[64];
    memset(buffer, 'x', sizeof(buffer));
    char *area = buffer;
    char *ce = tgetstr("ce", &area);
    assert_non_null(ce);
    assert_ptr_equal(ce, buffer);
    assert_string_equal(ce, "\033[K");
    assert_ptr_equal(area, buffer + 4);     /* past the copy's terminating 0 */
    char *up = tgetstr("up", &area);
    assert_ptr_equal(up, buffer + 4);
    assert_string_equal(up, "\033[A");
    assert_null(tgetstr("zz", &area));
    assert_ptr_equal(area, buffer + 8);     /* unchanged by a miss */
    assert_string_equal(tgetstr("cl", NULL), "\033[H\033[J");
    assert_null(tgetstr(NULL, NULL));
    /* readline's choices: no keypad switching, so arrows stay in normal cursor mode */
    assert_null(tgetstr("ks", NULL));
    assert_null(tgetstr("ke", NULL));
}

static void test_tgoto(void **state)
{
    (void)state;
    const char *cm = tgetstr("cm", NULL);
    assert_string_equal(tgoto(cm, 0, 0), "\033[1;1H");
    assert_string_equal(tgoto(cm, 79, 23), "\033[24;80H");    /* column 79, row 23 */
    assert_string_equal(tgoto(cm, 5, 123), "\033[124;6H");
    assert_string_equal(tgoto(tgetstr("DC", NULL), 7, 0), "\033[0P");
    assert_string_equal(tgoto("%r%d,%d", 3, 4), "3,4");        /* %r: column first */
    assert_string_equal(tgoto("%2/%3", 7, 5), "05/007");
    assert_string_equal(tgoto("%+ %+ ", 1, 2), "\"!");        /* row + ' ', column + ' ' */
    assert_string_equal(tgoto("%>\x05\x10%d", 0, 9), "25");    /* 9 > 5: plus 16 */
    assert_string_equal(tgoto("100%%", 0, 0), "100%");
    assert_string_equal(tgoto("%d", 0, -3), "-3");
    assert_string_equal(tgoto("%d;%d;%d", 1, 2), "OOPS");      /* three of two arguments */
    assert_string_equal(tgoto("%q", 1, 2), "OOPS");
    assert_string_equal(tgoto("%", 1, 2), "OOPS");
    assert_string_equal(tgoto("%+", 1, 2), "OOPS");
    assert_string_equal(tgoto(NULL, 1, 2), "OOPS");
    char longer[200];
    memset(longer, 'a', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = 0;
    assert_string_equal(tgoto(longer, 1, 2), "OOPS");          /* longer than its buffer */
}

static char output[64];
static size_t output_length;

static int collect(int byte)
{
    if (output_length < sizeof(output) - 1)
        output[output_length++] = (char)byte;
    output[output_length] = 0;
    return byte;
}

static const char *put(const char *string)
{
    output_length = 0;
    output[0] = 0;
    assert_int_equal(tputs(string, 1, collect), 0);
    return output;
}

static void test_tputs(void **state)
{
    (void)state;
    assert_string_equal(put("\033[K"), "\033[K");
    assert_string_equal(put("50\033[J"), "\033[J");          /* termcap's leading delay */
    assert_string_equal(put("3.5*\033[J"), "\033[J");
    assert_string_equal(put("a$<5>b$<2/>c"), "abc");         /* terminfo's padding */
    assert_string_equal(put("a$<5"), "a$<5");                /* not padding: unclosed */
    assert_int_equal(tputs(NULL, 1, collect), -1);
    assert_int_equal(tputs("x", 1, NULL), -1);
}

/* What libvterm sends for key, or for the character c when key is VTERM_KEY_NONE. */
static const char *vterm_sends(VTermKey key, uint32_t c)
{
    static char sent[32];
    VTerm *vt = vterm_new(24, 80);
    assert_non_null(vt);
    vterm_set_utf8(vt, 1);
    vterm_state_reset(vterm_obtain_state(vt), 1);   /* the keyboard reads the state's modes */
    if (key == VTERM_KEY_NONE)
        vterm_keyboard_unichar(vt, c, VTERM_MOD_NONE);
    else
        vterm_keyboard_key(vt, key, VTERM_MOD_NONE);
    size_t n = vterm_output_read(vt, sent, sizeof(sent) - 1);
    sent[n] = 0;
    vterm_free(vt);
    return sent;
}

static void test_keys_match_libvterm(void **state)
{
    (void)state;
    static const struct {
        const char *id;
        VTermKey key;
    } keys[] = {
        { "ku", VTERM_KEY_UP }, { "kd", VTERM_KEY_DOWN }, { "kl", VTERM_KEY_LEFT },
        { "kr", VTERM_KEY_RIGHT }, { "kh", VTERM_KEY_HOME }, { "@7", VTERM_KEY_END },
        { "kI", VTERM_KEY_INS }, { "kD", VTERM_KEY_DEL }, { "kP", VTERM_KEY_PAGEUP },
        { "kN", VTERM_KEY_PAGEDOWN }, { "kb", VTERM_KEY_BACKSPACE },
        { "k1", VTERM_KEY_FUNCTION(1) }, { "k4", VTERM_KEY_FUNCTION(4) },
        { "k5", VTERM_KEY_FUNCTION(5) }, { "k;", VTERM_KEY_FUNCTION(10) },
        { "F2", VTERM_KEY_FUNCTION(12) },
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *ours = tgetstr(keys[i].id, NULL);
        assert_non_null(ours);
        assert_string_equal(vterm_sends(keys[i].key, 0), ours);
    }
    /* Enter is CR; the console's ICRNL makes it the newline that ends a line. */
    assert_string_equal(vterm_sends(VTERM_KEY_ENTER, 0), "\r");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_flags_and_numbers),
        cmocka_unit_test(test_tgetstr),
        cmocka_unit_test(test_tgoto),
        cmocka_unit_test(test_tputs),
        cmocka_unit_test(test_keys_match_libvterm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
