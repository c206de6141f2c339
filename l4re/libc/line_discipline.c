/* SPDX-License-Identifier: MIT */
/*
 * The console's line discipline (line_discipline.h): input mapping (IGNCR, ICRNL, INLCR),
 * signal characters (ISIG), cooked editing (ICANON: VERASE or backspace, VKILL, VWERASE
 * with IEXTEN, VEOF, newline and VEOL), echo (ECHO, ECHOE, ECHOK, ECHONL) and output
 * processing (OPOST with ONLCR). Erasing takes a whole UTF-8 character back, so a line
 * stays valid text. Backspace (0x08) erases as VERASE does, since terminals send either.
 */
#include <signal.h>
#include <string.h>
#include "line_discipline.h"

void line_discipline_default_characters(cc_t cc[NCCS])
{
    static const cc_t defaults[NCCS] = LINE_DISCIPLINE_DEFAULT_CHARACTERS;
    memcpy(cc, defaults, sizeof(defaults));
}

void line_discipline_init(struct line_discipline *ld, tcflag_t iflag, tcflag_t oflag,
                          tcflag_t lflag, const cc_t cc[NCCS],
                          void (*echo)(void *context, const char *bytes, unsigned length),
                          void *context)
{
    memset(ld, 0, sizeof(*ld));
    ld->iflag = iflag;
    ld->oflag = oflag;
    ld->lflag = lflag;
    memcpy(ld->cc, cc, sizeof(ld->cc));
    ld->echo = echo;
    ld->echo_context = context;
}

static bool cooked(const struct line_discipline *ld)
{
    return (ld->lflag & ICANON) != 0;
}

static void echo(struct line_discipline *ld, const char *bytes, unsigned length)
{
    if (ld->echo && length)
        ld->echo(ld->echo_context, bytes, length);
}

/* A byte readable at once (raw) or as part of a line being completed (cooked). */
static bool make_ready(struct line_discipline *ld, char c)
{
    if (ld->ready_count == LINE_DISCIPLINE_READY_MAX)
        return false;
    ld->ready[(ld->ready_first + ld->ready_count) % LINE_DISCIPLINE_READY_MAX] = c;
    ld->ready_count++;
    return true;
}

/* The line being edited becomes readable (cooked); an empty one is end of file. A full
 * queue or ready buffer drops the line, as a full console drops bytes. */
static void complete_line(struct line_discipline *ld)
{
    unsigned n = ld->line_length;
    ld->line_length = 0;
    if (ld->lines_count == LINE_DISCIPLINE_LINES_MAX ||
        LINE_DISCIPLINE_READY_MAX - ld->ready_count < n)
        return;
    for (unsigned i = 0; i < n; i++)
        make_ready(ld, ld->line[i]);
    ld->lengths[(ld->lines_first + ld->lines_count) % LINE_DISCIPLINE_LINES_MAX] = n;
    ld->lines_count++;
}

void line_discipline_flush(struct line_discipline *ld)
{
    ld->line_length = 0;
    ld->ready_first = ld->ready_count = 0;
    ld->lines_first = ld->lines_count = 0;
}

void line_discipline_set(struct line_discipline *ld, tcflag_t iflag, tcflag_t oflag,
                         tcflag_t lflag, const cc_t cc[NCCS])
{
    bool was_cooked = cooked(ld);
    ld->iflag = iflag;
    ld->oflag = oflag;
    ld->lflag = lflag;
    memcpy(ld->cc, cc, sizeof(ld->cc));
    if (was_cooked && !cooked(ld)) {
        /* Everything typed becomes plain bytes: the queued lines and the one edited. */
        for (unsigned i = 0; i < ld->line_length; i++)
            make_ready(ld, ld->line[i]);
        ld->line_length = 0;
        ld->lines_first = ld->lines_count = 0;
    } else if (!was_cooked && cooked(ld) && ld->ready_count) {
        ld->lines_first = 0;
        ld->lengths[0] = ld->ready_count;
        ld->lines_count = 1;
    }
}

static bool is_continuation(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

/* Takes the last character (all its UTF-8 bytes) off the line: true if there was one. */
static bool erase_character(struct line_discipline *ld)
{
    if (!ld->line_length)
        return false;
    while (ld->line_length > 1 && is_continuation(ld->line[ld->line_length - 1]))
        ld->line_length--;
    ld->line_length--;
    if ((ld->lflag & (ECHO | ECHOE)) == (ECHO | ECHOE))
        echo(ld, "\b \b", 3);
    else if (ld->lflag & ECHO)
        echo(ld, (const char *)&ld->cc[VERASE], 1);
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static void erase_word(struct line_discipline *ld)
{
    while (ld->line_length && is_space(ld->line[ld->line_length - 1]))
        erase_character(ld);
    while (ld->line_length && !is_space(ld->line[ld->line_length - 1]))
        erase_character(ld);
}

static void kill_line(struct line_discipline *ld)
{
    if ((ld->lflag & (ECHO | ECHOE)) == (ECHO | ECHOE)) {
        while (erase_character(ld))
            ;
        return;
    }
    ld->line_length = 0;
    if ((ld->lflag & (ECHO | ECHOK)) == (ECHO | ECHOK))
        echo(ld, "\n", 1);
}

static char map_input(const struct line_discipline *ld, char c, bool *drop)
{
    *drop = false;
    if (c == '\r') {
        if (ld->iflag & IGNCR) {
            *drop = true;
            return c;
        }
        return (ld->iflag & ICRNL) ? '\n' : c;
    }
    if (c == '\n' && (ld->iflag & INLCR))
        return '\r';
    return c;
}

/* A control character that is set (0 disables one, as _POSIX_VDISABLE does). */
static bool is_control(const struct line_discipline *ld, char c, unsigned index)
{
    return ld->cc[index] != 0 && (unsigned char)c == ld->cc[index];
}

static int signal_character(struct line_discipline *ld, char c)
{
    if (!(ld->lflag & ISIG))
        return 0;
    int sig = is_control(ld, c, VINTR) ? SIGINT : is_control(ld, c, VQUIT) ? SIGQUIT : 0;
    if (sig && !(ld->lflag & NOFLSH))
        line_discipline_flush(ld);
    return sig;
}

static void edit_line(struct line_discipline *ld, char c)
{
    if (is_control(ld, c, VERASE) || c == '\b') {
        erase_character(ld);
        return;
    }
    if (is_control(ld, c, VKILL)) {
        kill_line(ld);
        return;
    }
    if ((ld->lflag & IEXTEN) && is_control(ld, c, VWERASE)) {
        erase_word(ld);
        return;
    }
    if (is_control(ld, c, VEOF)) {
        complete_line(ld);
        return;
    }
    bool ends = c == '\n' || is_control(ld, c, VEOL) || is_control(ld, c, VEOL2);
    /* The last place of the line is kept for the byte that ends it. */
    if (ld->line_length + (ends ? 1 : 2) > LINE_DISCIPLINE_LINE_MAX)
        return;
    ld->line[ld->line_length++] = c;
    if ((ld->lflag & ECHO) || (c == '\n' && (ld->lflag & ECHONL)))
        echo(ld, &c, 1);
    if (ends)
        complete_line(ld);
}

int line_discipline_receive(struct line_discipline *ld, char c)
{
    bool drop;
    c = map_input(ld, c, &drop);
    if (drop)
        return 0;
    int sig = signal_character(ld, c);
    if (sig)
        return sig;
    if (cooked(ld)) {
        edit_line(ld, c);
        return 0;
    }
    if (make_ready(ld, c) && (ld->lflag & ECHO))
        echo(ld, &c, 1);
    return 0;
}

bool line_discipline_readable(const struct line_discipline *ld)
{
    return cooked(ld) ? ld->lines_count > 0 : ld->ready_count > 0;
}

unsigned line_discipline_ready(const struct line_discipline *ld)
{
    return ld->ready_count;
}

static void take_bytes(struct line_discipline *ld, char *out, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        out[i] = ld->ready[(ld->ready_first + i) % LINE_DISCIPLINE_READY_MAX];
    ld->ready_first = (ld->ready_first + n) % LINE_DISCIPLINE_READY_MAX;
    ld->ready_count -= n;
}

unsigned line_discipline_take(struct line_discipline *ld, char *out, unsigned count)
{
    if (!cooked(ld)) {
        unsigned n = count < ld->ready_count ? count : ld->ready_count;
        take_bytes(ld, out, n);
        return n;
    }
    if (!ld->lines_count)
        return 0;
    unsigned *first = &ld->lengths[ld->lines_first];
    unsigned n = count < *first ? count : *first;
    take_bytes(ld, out, n);
    *first -= n;
    /* A line read whole goes; so does the empty one that is end of file (n == 0). */
    if (*first == 0) {
        ld->lines_first = (ld->lines_first + 1) % LINE_DISCIPLINE_LINES_MAX;
        ld->lines_count--;
    }
    return n;
}

unsigned line_discipline_output(tcflag_t oflag, const char *in, unsigned length, char *out,
                                unsigned out_max, unsigned *consumed)
{
    bool onlcr = (oflag & (OPOST | ONLCR)) == (OPOST | ONLCR);
    unsigned made = 0, used = 0;
    while (used < length && made < out_max) {
        char c = in[used];
        if (c == '\n' && onlcr) {
            if (out_max - made < 2)
                break;
            out[made++] = '\r';
        }
        out[made++] = c;
        used++;
    }
    *consumed = used;
    return made;
}
