/* SPDX-License-Identifier: MIT */
/*
 * strtok with its position in the calling thread's struct _reent (l4re/libc/reent.c), so
 * two threads tokenising at once do not take each other's strings apart. (strtok_r needs
 * nothing: its position is the caller's.) Linked in place of newlib's by -Wl,--wrap
 * (l4re/CMakeLists.txt).
 */
#include <pecan/thread.h>
#include <reent.h>
#include <string.h>

/* newlib's engine of strtok and strtok_r (libc.a's strtok_r.o); skip_leading: strtok's
 * rule of skipping delimiters before a token. */
char *__strtok_r(char *string, const char *delimiters, char **position, int skip_leading);

char *__wrap_strtok(char *string, const char *delimiters);

char *__wrap_strtok(char *string, const char *delimiters)
{
    return __strtok_r(string, delimiters, &_REENT_STRTOK_LAST(pecan_reent()), 1);
}
