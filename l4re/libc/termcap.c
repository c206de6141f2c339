/* SPDX-License-Identifier: MIT */
/*
 * The built-in termcap (pecan/termcap.h): one entry, a VT100 as an xterm-like terminal
 * (libvterm, pkg/term; an xterm or a Linux console at the other end of the serial line)
 * runs it. Output strings are plain ANSI sequences every such terminal understands.
 * Key strings are what those terminals send in their normal (not application) cursor
 * mode, which is why the entry has no "ks"/"ke": a program never switches the keypad,
 * so the arrows stay ESC [ A-D, as libvterm 0.1.4 sends them (src/keyboard.c), Home
 * and End ESC [ H and ESC [ F, Backspace DEL. Portable C without the runtime, so the
 * host unit test builds this very file (tests/unit/test_termcap.c).
 */
#include <stddef.h>
#include <string.h>
#include <termcap.h>

char PC;
char *BC;
char *UP;
short ospeed;

struct string_capability {
    char id[3];
    const char *value;
};

struct number_capability {
    char id[3];
    int value;
};

static const char *const known_names[] = {
    "vt100", "vt102", "vt220", "xterm", "ansi", "pecan",
};

static const char *const flags[] = {
    "am",   /* wraps at the right margin */
    "xn",   /* ... and ignores a newline right after the wrap (the VT100 glitch) */
    "mi",   /* safe to move in insert mode */
    "ms",   /* safe to move in standout mode */
};

static const struct number_capability numbers[] = {
    { "co", 80 }, { "li", 24 }, { "it", 8 },
};

static const struct string_capability strings[] = {
    /* output */
    { "cl", "\033[H\033[J" }, { "cd", "\033[J" }, { "ce", "\033[K" },
    { "cm", "\033[%i%d;%dH" }, { "ho", "\033[H" }, { "cr", "\r" },
    { "le", "\b" }, { "nd", "\033[C" }, { "up", "\033[A" }, { "do", "\n" },
    { "sf", "\n" }, { "sr", "\033M" }, { "cs", "\033[%i%d;%dr" },
    { "dc", "\033[P" }, { "DC", "\033[%dP" }, { "IC", "\033[%d@" },
    { "im", "\033[4h" }, { "ei", "\033[4l" },
    { "so", "\033[7m" }, { "se", "\033[m" }, { "us", "\033[4m" }, { "ue", "\033[m" },
    { "md", "\033[1m" }, { "mr", "\033[7m" }, { "me", "\033[m" },
    { "vi", "\033[?25l" }, { "ve", "\033[?25h" }, { "bl", "\a" },
    /* keys */
    { "ku", "\033[A" }, { "kd", "\033[B" }, { "kr", "\033[C" }, { "kl", "\033[D" },
    { "kh", "\033[H" }, { "@7", "\033[F" }, { "kI", "\033[2~" }, { "kD", "\033[3~" },
    { "kP", "\033[5~" }, { "kN", "\033[6~" }, { "kb", "\177" },
    { "k1", "\033OP" }, { "k2", "\033OQ" }, { "k3", "\033OR" }, { "k4", "\033OS" },
    { "k5", "\033[15~" }, { "k6", "\033[17~" }, { "k7", "\033[18~" },
    { "k8", "\033[19~" }, { "k9", "\033[20~" }, { "k;", "\033[21~" },
    { "F1", "\033[23~" }, { "F2", "\033[24~" },
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* A capability name is exactly two characters; anything else names none. */
static int same_id(const char *id, const char *entry)
{
    return id && id[0] == entry[0] && id[0] && id[1] == entry[1] && id[1];
}

int tgetent(char *buffer, const char *name)
{
    (void)buffer;
    if (!name)
        return 0;
    for (size_t i = 0; i < COUNT(known_names); i++)
        if (!strcmp(name, known_names[i]))
            return 1;
    if (!strncmp(name, "xterm-", 6) || !strncmp(name, "vt100-", 6))
        return 1;
    return 0;
}

int tgetflag(const char *id)
{
    for (size_t i = 0; i < COUNT(flags); i++)
        if (same_id(id, flags[i]))
            return 1;
    return 0;
}

int tgetnum(const char *id)
{
    for (size_t i = 0; i < COUNT(numbers); i++)
        if (same_id(id, numbers[i].id))
            return numbers[i].value;
    return -1;
}

char *tgetstr(const char *id, char **area)
{
    for (size_t i = 0; i < COUNT(strings); i++) {
        if (!same_id(id, strings[i].id))
            continue;
        const char *value = strings[i].value;
        if (!area || !*area)
            return (char *)value;
        char *copy = *area;
        size_t size = strlen(value) + 1;
        memcpy(copy, value, size);
        *area += size;
        return copy;
    }
    return NULL;
}

/* tgoto's output: at most this many bytes with its terminating 0. */
#define GOTO_SIZE 64

struct goto_output {
    char text[GOTO_SIZE];
    size_t length;
};

static int put_byte(struct goto_output *out, int byte)
{
    if (out->length + 1 >= GOTO_SIZE)
        return -1;
    out->text[out->length++] = (char)byte;
    return 0;
}

static int put_decimal(struct goto_output *out, int value, int min_digits)
{
    char digits[12];
    int n = 0;
    unsigned v = value < 0 ? 0u - (unsigned)value : (unsigned)value;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < min_digits)
        digits[n++] = '0';
    if (value < 0 && put_byte(out, '-'))
        return -1;
    while (n)
        if (put_byte(out, digits[--n]))
            return -1;
    return 0;
}

/* One % code at *cap (past the %), using and advancing the argument list args[*next].
 * 0, or -1 for an unknown code, a missing character, an output too long or more
 * arguments used than the two tgoto has. */
static int goto_code(struct goto_output *out, const char **cap, int args[2], int *next)
{
    char code = *(*cap)++;
    if (code == '%')
        return put_byte(out, '%');
    if (code == 'r') {             /* row first */
        int t = args[0];
        args[0] = args[1];
        args[1] = t;
        return 0;
    }
    if (code == 'i') {             /* one-based */
        args[0]++;
        args[1]++;
        return 0;
    }
    if (code == 'n') {             /* exclusive-or with 0140 (Datamedia) */
        args[0] ^= 0140;
        args[1] ^= 0140;
        return 0;
    }
    if (*next > 1)
        return -1;
    int *arg = &args[*next];
    switch (code) {
    case 'd': (*next)++; return put_decimal(out, *arg, 1);
    case '2': (*next)++; return put_decimal(out, *arg, 2);
    case '3': (*next)++; return put_decimal(out, *arg, 3);
    case '.': (*next)++; return put_byte(out, *arg);
    case '+':
        if (!**cap)
            return -1;
        (*next)++;
        return put_byte(out, *arg + *(*cap)++);
    case '>':                      /* %>xy: add y when above x, output nothing */
        if (!(*cap)[0] || !(*cap)[1])
            return -1;
        if (*arg > (*cap)[0])
            *arg += (*cap)[1];
        *cap += 2;
        return 0;
    case 'B':                      /* binary-coded decimal */
        *arg = 16 * (*arg / 10) + *arg % 10;
        return 0;
    case 'D':                      /* reverse coding (Delta Data) */
        *arg = *arg - 2 * (*arg % 16);
        return 0;
    default:
        return -1;
    }
}

/* termcap's cursor motion takes the column first, but most strings (and the VT100's)
 * want the row first: the list starts with the row, and %r swaps, as historical
 * termcaps do it. */
char *tgoto(const char *cap, int column, int row)
{
    static struct goto_output out;
    static char oops[] = "OOPS";
    int args[2] = { row, column };
    int next = 0;
    out.length = 0;
    if (!cap)
        return oops;
    while (*cap) {
        if (*cap != '%') {
            if (put_byte(&out, *cap++))
                return oops;
            continue;
        }
        cap++;
        if (!*cap || goto_code(&out, &cap, args, &next))
            return oops;
    }
    out.text[out.length] = 0;
    return out.text;
}

/* Padding: termcap's leading delay in milliseconds (digits, a decimal point, '*'), and
 * terminfo's $<...> anywhere. Consoles need none, so both are left out. */
static const char *skip_leading_delay(const char *str)
{
    while ((*str >= '0' && *str <= '9') || *str == '.')
        str++;
    if (*str == '*')
        str++;
    return str;
}

int tputs(const char *str, int affected_lines, int (*put)(int))
{
    (void)affected_lines;
    if (!str || !put)
        return -1;
    str = skip_leading_delay(str);
    while (*str) {
        if (str[0] == '$' && str[1] == '<') {
            const char *end = strchr(str, '>');
            if (end) {
                str = end + 1;
                continue;
            }
        }
        put((unsigned char)*str++);
    }
    return 0;
}
