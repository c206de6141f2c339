/* SPDX-License-Identifier: MIT */
/*
 * sscanf and vsscanf with the calling thread's struct _reent (l4re/libc/reent.c): reading
 * a floating-point number goes through strtod's big numbers, kept in the struct _reent,
 * and range errors go to its errno. newlib's string scanning engine is another than the
 * one for files (wrap_fscanf.c): each file is linked only when the program uses it.
 */
#include <pecan/thread.h>
#include <stdarg.h>
#include <stdio.h>

int __wrap_sscanf(const char *string, const char *format, ...);
int __wrap_vsscanf(const char *string, const char *format, va_list args);

int __wrap_vsscanf(const char *string, const char *format, va_list args)
{
    return _vsscanf_r(pecan_reent(), string, format, args);
}

int __wrap_sscanf(const char *string, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = _vsscanf_r(pecan_reent(), string, format, args);
    va_end(args);
    return n;
}
