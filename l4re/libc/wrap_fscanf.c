/* SPDX-License-Identifier: MIT */
/*
 * scanf and fscanf (and their v forms) with the calling thread's struct _reent
 * (l4re/libc/reent.c), for the reason sscanf has (wrap_sscanf.c). scanf reads the
 * program's one stdin.
 */
#include <pecan/thread.h>
#include <stdarg.h>
#include <stdio.h>

int __wrap_scanf(const char *format, ...);
int __wrap_vscanf(const char *format, va_list args);
int __wrap_fscanf(FILE *stream, const char *format, ...);
int __wrap_vfscanf(FILE *stream, const char *format, va_list args);

int __wrap_vfscanf(FILE *stream, const char *format, va_list args)
{
    return _vfscanf_r(pecan_reent(), stream, format, args);
}

int __wrap_fscanf(FILE *stream, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = _vfscanf_r(pecan_reent(), stream, format, args);
    va_end(args);
    return n;
}

int __wrap_vscanf(const char *format, va_list args)
{
    return _vfscanf_r(pecan_reent(), stdin, format, args);
}

int __wrap_scanf(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = _vfscanf_r(pecan_reent(), stdin, format, args);
    va_end(args);
    return n;
}
