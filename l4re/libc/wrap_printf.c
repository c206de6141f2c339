/* SPDX-License-Identifier: MIT */
/*
 * printf and fprintf with the calling thread's struct _reent (l4re/libc/reent.c): the
 * formatting of floating-point numbers keeps big numbers (dtoa's free lists and its
 * result) in the struct _reent it is given, which threads must not share; %m reads its
 * errno. Linked in place of newlib's by -Wl,--wrap (l4re/CMakeLists.txt). The stream is
 * the one the caller named (stdout: the program's one stdout).
 */
#include <pecan/thread.h>
#include <stdarg.h>
#include <stdio.h>

int __wrap_printf(const char *format, ...);
int __wrap_vprintf(const char *format, va_list args);
int __wrap_fprintf(FILE *stream, const char *format, ...);
int __wrap_vfprintf(FILE *stream, const char *format, va_list args);

int __wrap_vfprintf(FILE *stream, const char *format, va_list args)
{
    return _vfprintf_r(pecan_reent(), stream, format, args);
}

int __wrap_vprintf(const char *format, va_list args)
{
    return _vfprintf_r(pecan_reent(), stdout, format, args);
}

int __wrap_printf(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = _vfprintf_r(pecan_reent(), stdout, format, args);
    va_end(args);
    return n;
}

int __wrap_fprintf(FILE *stream, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = _vfprintf_r(pecan_reent(), stream, format, args);
    va_end(args);
    return n;
}
