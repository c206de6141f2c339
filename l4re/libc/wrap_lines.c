/* SPDX-License-Identifier: MIT */
/*
 * puts and perror, each line in one write. stdout and stderr are unbuffered (init.c), so
 * what one call writes at once reaches the log in one piece; newlib's puts writes the
 * text and its newline separately, and perror writes up to four pieces, so lines of
 * threads writing at the same time could mix. (GCC turns printf("text\n") into
 * puts("text"), so this is the path of most constant lines.) Both use the calling
 * thread's struct _reent (l4re/libc/reent.c): perror reports the thread's errno.
 * Linked in place of newlib's by -Wl,--wrap (l4re/CMakeLists.txt).
 */
#include <pecan/thread.h>
#include <reent.h>
#include <stdio.h>
#include <string.h>

/* As much as newlib's printf hands an unbuffered stream in one write (its __sbprintf
 * formats into a buffer of BUFSIZ bytes on the stack). */
#define LINE_IN_ONE_WRITE BUFSIZ

int __wrap_puts(const char *text);
void __wrap_perror(const char *prefix);

int __wrap_puts(const char *text)
{
    struct _reent *r = pecan_reent();
    size_t n = strlen(text);
    if (n < LINE_IN_ONE_WRITE) {
        char line[LINE_IN_ONE_WRITE];
        memcpy(line, text, n);
        line[n] = '\n';
        return _fwrite_r(r, line, 1, n + 1, stdout) == n + 1 ? '\n' : EOF;
    }
    if (_fputs_r(r, text, stdout) == EOF)
        return EOF;
    return _fputc_r(r, '\n', stdout) == EOF ? EOF : '\n';
}

/* Appends text to line (of n bytes so far), as much as fits before the room kept for
 * the newline. */
static size_t append(char *line, size_t n, const char *text)
{
    size_t room = LINE_IN_ONE_WRITE - 1 - n;
    size_t length = strlen(text);
    if (length > room)
        length = room;
    memcpy(line + n, text, length);
    return n + length;
}

void __wrap_perror(const char *prefix)
{
    struct _reent *r = pecan_reent();
    int error = r->_errno;   /* perror must not change it; the writes below might */
    int unknown;
    const char *message = _strerror_r(r, error, 1, &unknown);
    char line[LINE_IN_ONE_WRITE];
    size_t n = 0;
    if (prefix && *prefix) {
        n = append(line, n, prefix);
        n = append(line, n, ": ");
    }
    n = append(line, n, message ? message : "");
    line[n++] = '\n';
    _fwrite_r(r, line, 1, n, stderr);
    r->_errno = error;
}
