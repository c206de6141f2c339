/* SPDX-License-Identifier: MIT */
/*
 * Opening and closing streams, one thread at a time. newlib's FILE table (a list of
 * FILE blocks in the global struct _reent) is searched for a free FILE when a stream is
 * opened and a FILE is marked free when one is closed, under locks that Debian's build
 * compiles to nothing: two threads opening at once could get the same FILE. Every way
 * into that table a program has (fopen, fdopen, freopen, fclose, fmemopen,
 * open_memstream, funopen, fopencookie) takes table_lock here. Each also uses the calling
 * thread's struct _reent (l4re/libc/reent.c), so its errno is the caller's. Linked in
 * place of newlib's by -Wl,--wrap (l4re/CMakeLists.txt).
 *
 * Not covered: tmpfile and open_wmemstream (not wrapped; files are read-only here), and
 * exit's closing of all streams (one thread by then). A stream used by two threads at
 * once still needs the program's own lock: flockfile does nothing in this newlib.
 */
#define _GNU_SOURCE   /* fopencookie */
#include <pecan/thread.h>
#include <stdio.h>

static struct pecan_mutex table_lock = PECAN_MUTEX_INIT;

FILE *__wrap_fopen(const char *path, const char *mode);
FILE *__wrap_fdopen(int fd, const char *mode);
FILE *__wrap_freopen(const char *path, const char *mode, FILE *stream);
int __wrap_fclose(FILE *stream);
FILE *__wrap_fmemopen(void *buffer, size_t size, const char *mode);
FILE *__wrap_open_memstream(char **buffer, size_t *size);
FILE *__wrap_funopen(const void *cookie, int (*reader)(void *, char *, int),
                     int (*writer)(void *, const char *, int),
                     fpos_t (*seeker)(void *, fpos_t, int), int (*closer)(void *));
FILE *__wrap_fopencookie(void *cookie, const char *mode, cookie_io_functions_t functions);

FILE *__wrap_fopen(const char *path, const char *mode)
{
    pecan_mutex_lock(&table_lock);
    FILE *stream = _fopen_r(pecan_reent(), path, mode);
    pecan_mutex_unlock(&table_lock);
    return stream;
}

FILE *__wrap_fdopen(int fd, const char *mode)
{
    pecan_mutex_lock(&table_lock);
    FILE *stream = _fdopen_r(pecan_reent(), fd, mode);
    pecan_mutex_unlock(&table_lock);
    return stream;
}

FILE *__wrap_freopen(const char *path, const char *mode, FILE *stream)
{
    pecan_mutex_lock(&table_lock);
    FILE *result = _freopen_r(pecan_reent(), path, mode, stream);
    pecan_mutex_unlock(&table_lock);
    return result;
}

int __wrap_fclose(FILE *stream)
{
    pecan_mutex_lock(&table_lock);
    int result = _fclose_r(pecan_reent(), stream);
    pecan_mutex_unlock(&table_lock);
    return result;
}

FILE *__wrap_fmemopen(void *buffer, size_t size, const char *mode)
{
    pecan_mutex_lock(&table_lock);
    FILE *stream = _fmemopen_r(pecan_reent(), buffer, size, mode);
    pecan_mutex_unlock(&table_lock);
    return stream;
}

FILE *__wrap_open_memstream(char **buffer, size_t *size)
{
    pecan_mutex_lock(&table_lock);
    FILE *stream = _open_memstream_r(pecan_reent(), buffer, size);
    pecan_mutex_unlock(&table_lock);
    return stream;
}

FILE *__wrap_funopen(const void *cookie, int (*reader)(void *, char *, int),
                     int (*writer)(void *, const char *, int),
                     fpos_t (*seeker)(void *, fpos_t, int), int (*closer)(void *))
{
    pecan_mutex_lock(&table_lock);
    FILE *stream = _funopen_r(pecan_reent(), cookie, reader, writer, seeker, closer);
    pecan_mutex_unlock(&table_lock);
    return stream;
}

FILE *__wrap_fopencookie(void *cookie, const char *mode, cookie_io_functions_t functions)
{
    pecan_mutex_lock(&table_lock);
    FILE *stream = _fopencookie_r(pecan_reent(), cookie, mode, functions);
    pecan_mutex_unlock(&table_lock);
    return stream;
}
