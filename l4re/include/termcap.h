/* SPDX-License-Identifier: MIT */
/*
 * termcap for Pecan's consoles: one built-in entry, a VT100 with the keys an xterm-like
 * terminal sends (l4re/libc/termcap.c, docs/runtime.md "Console input and readline").
 * There is no terminal database: tgetent knows the names that entry describes. The
 * variables PC, BC, UP and ospeed are the library's, as in every termcap.
 */
#ifndef PECAN_TERMCAP_H
#define PECAN_TERMCAP_H

#ifdef __cplusplus
extern "C" {
#endif

extern char PC;     /* padding character (the entry has none: 0) */
extern char *BC;    /* backspace if not ^H */
extern char *UP;    /* cursor up */
extern short ospeed;

/* 1 when name is a terminal the entry describes (vt100, vt102, vt220, xterm, xterm-*,
 * ansi, pecan), 0 for any other name or none; buffer is not used (may be NULL). */
int tgetent(char *buffer, const char *name);
/* 1 when the boolean capability id (two characters) is set, else 0. */
int tgetflag(const char *id);
/* The numeric capability id, -1 when absent. */
int tgetnum(const char *id);
/* The string capability id, NULL when absent. With area and *area non-NULL the string is
 * copied there and *area moves past its terminating 0; otherwise the entry's own
 * (read-only) text is returned. */
char *tgetstr(const char *id, char **area);
/* A cursor-motion string (such as "cm") with column and row put in, in termcap's %
 * notation (%d %2 %3 %. %+c %>xy %r %i %n %B %D %%); "OOPS" for a malformed string, as
 * historical termcaps do. The result is in a static buffer until the next call. */
char *tgoto(const char *cap, int column, int row);
/* Sends str to put one byte at a time, leaving out padding (leading digits, $<...>).
 * 0, or -1 when str or put is NULL. */
int tputs(const char *str, int affected_lines, int (*put)(int));

#ifdef __cplusplus
}
#endif

#endif
