/* SPDX-License-Identifier: MIT */
/* printf for early programs (pecan/print.h), on the kernel's portable formatter. */
#include <lib/format.h>
#include <pecan/bootinfo.h>
#include <pecan/print.h>
#include <pecan/sys.h>

pecan_cap_t pecan_print_log = PECAN_ROOT_LOG;

int pecan_vprintf(const char *fmt, va_list args)
{
    char buffer[512];
    size_t n = format_string_va(buffer, sizeof(buffer), fmt, args);
    if (n >= sizeof(buffer))
        n = sizeof(buffer) - 1;
    pecan_log_write(pecan_print_log, buffer, (unsigned)n);
    return (int)n;
}

int pecan_printf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = pecan_vprintf(fmt, args);
    va_end(args);
    return n;
}

int pecan_snprintf(char *buffer, unsigned size, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    size_t n = format_string_va(buffer, size, fmt, args);
    va_end(args);
    return (int)n;
}

void root_exit(int status)
{
    pecan_debug_exit(pecan_print_log, status);
}
