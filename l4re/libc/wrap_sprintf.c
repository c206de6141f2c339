/* SPDX-License-Identifier: MIT */
/*
 * Formatting into memory (sprintf, snprintf, asprintf and their v forms) and into a file
 * descriptor (dprintf) with the calling thread's struct _reent (l4re/libc/reent.c), for
 * the same reason as printf (wrap_printf.c): floating-point formatting keeps big numbers
 * in it. newlib's string formatting engine is another than printf's, hence another file:
 * each is linked only when the program uses it.
 */
#include <pecan/thread.h>
#include <stdarg.h>
#include <stdio.h>

int __wrap_sprintf(char *buffer, const char *format, ...);
int __wrap_vsprintf(char *buffer, const char *format, va_list args);
int __wrap_snprintf(char *buffer, size_t size, const char *format, ...);
int __wrap_vsnprintf(char *buffer, size_t size, const char *format, va_list args);
int __wrap_asprintf(char **result, const char *format, ...);
int __wrap_vasprintf(char **result, const char *format, va_list args);
int __wrap_dprintf(int fd, const char *format, ...);
int __wrap_vdprintf(int fd, const char *format, va_list args);

int __wrap_vsprintf(char *buffer, const char *format, va_list args)
{
    return _vsprintf_r(pecan_reent(), buffer, format, args);
}

int __wrap_sprintf(char *buffer, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = _vsprintf_r(pecan_reent(), buffer, format, args);
    va_end(args);
    return n;
}

int __wrap_vsnprintf(char *buffer, size_t size, const char *format, va_list args)
{
    return _vsnprintf_r(pecan_reent(), buffer, size, format, args);
}

int __wrap_snprintf(char *buffer, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = _vsnprintf_r(pecan_reent(), buffer, size, format, args);
    va_end(args);
    return n;
}

int __wrap_vasprintf(char **result, const char *format, va_list args)
{
    return _vasprintf_r(pecan_reent(), result, format, args);
}

int __wrap_asprintf(char **result, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = _vasprintf_r(pecan_reent(), result, format, args);
    va_end(args);
    return n;
}

int __wrap_vdprintf(int fd, const char *format, va_list args)
{
    return _vdprintf_r(pecan_reent(), fd, format, args);
}

int __wrap_dprintf(int fd, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = _vdprintf_r(pecan_reent(), fd, format, args);
    va_end(args);
    return n;
}
