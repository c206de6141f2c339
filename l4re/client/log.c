/* SPDX-License-Identifier: MIT */
/* LOG protocol client (pecan/log.h): the kernel console's protocol, so the console's
 * client call (l4re/sys/console.c) is the one implementation of the message format. */
#include <pecan/log.h>
#include <pecan/sys.h>
#include <string.h>

int pecan_log_write(pecan_cap_t log, const char *text, unsigned length)
{
    return pecan_console_write(log, text, length);
}

int pecan_log_puts(pecan_cap_t log, const char *text)
{
    return pecan_console_write(log, text, (unsigned)strlen(text));
}
