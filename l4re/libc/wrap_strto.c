/* SPDX-License-Identifier: MIT */
/*
 * strtol and its family with the calling thread's struct _reent (l4re/libc/reent.c): they
 * report overflow through errno, and callers test errno after setting it to 0, so the
 * ERANGE must land in the caller's errno, not the global struct _reent's. Linked in place
 * of newlib's by -Wl,--wrap (l4re/CMakeLists.txt); this file is linked only if the
 * program uses one of them, and strtod's engine only then.
 */
#include <errno.h>
#include <math.h>
#include <pecan/thread.h>
#include <reent.h>
#include <stdlib.h>

long __wrap_strtol(const char *s, char **end, int base);
unsigned long __wrap_strtoul(const char *s, char **end, int base);
long long __wrap_strtoll(const char *s, char **end, int base);
unsigned long long __wrap_strtoull(const char *s, char **end, int base);
double __wrap_strtod(const char *s, char **end);
float __wrap_strtof(const char *s, char **end);
long double __wrap_strtold(const char *s, char **end);

long __wrap_strtol(const char *s, char **end, int base)
{
    return _strtol_r(pecan_reent(), s, end, base);
}

unsigned long __wrap_strtoul(const char *s, char **end, int base)
{
    return _strtoul_r(pecan_reent(), s, end, base);
}

long long __wrap_strtoll(const char *s, char **end, int base)
{
    return _strtoll_r(pecan_reent(), s, end, base);
}

unsigned long long __wrap_strtoull(const char *s, char **end, int base)
{
    return _strtoull_r(pecan_reent(), s, end, base);
}

double __wrap_strtod(const char *s, char **end)
{
    return _strtod_r(pecan_reent(), s, end);
}

/* newlib's strtof is strtod narrowed, with ERANGE when the narrowing overflows or
 * becomes denormal; newlib has no _strtof_r, so this does the same on the thread's. */
float __wrap_strtof(const char *s, char **end)
{
    struct _reent *r = pecan_reent();
    double value = _strtod_r(r, s, end);
    if (isnan(value))
        return signbit(value) ? -nanf("") : nanf("");
    float narrowed = (float)value;
    if ((isinf(narrowed) && !isinf(value)) ||
        (fpclassify(narrowed) == FP_SUBNORMAL && fpclassify(value) != FP_SUBNORMAL))
        r->_errno = ERANGE;
    return narrowed;
}

long double __wrap_strtold(const char *s, char **end)
{
    return _strtold_r(pecan_reent(), s, end);
}
