/* SPDX-License-Identifier: MIT */
/*
 * ioctl (sys/ioctl.h): the console's window size and nothing else. The size is read from
 * the console at each call (a terminal's changes when its view is resized).
 */
#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <termios.h>
#include "libc_internal.h"

static int get_window_size(int fd, struct winsize *size)
{
    if (!size) {
        libc_set_errno(EFAULT);
        return -1;
    }
    unsigned rows, columns;
    if (pecan_console_window_size(fd, &rows, &columns))
        return -1;
    /* A size beyond what the structure holds is reported as the largest it can. */
    size->ws_row = rows > 0xFFFFu ? 0xFFFFu : (unsigned short)rows;
    size->ws_col = columns > 0xFFFFu ? 0xFFFFu : (unsigned short)columns;
    size->ws_xpixel = 0;
    size->ws_ypixel = 0;
    return 0;
}

int ioctl(int fd, unsigned long request, ...)
{
    va_list arguments;
    va_start(arguments, request);
    void *argument = va_arg(arguments, void *);
    va_end(arguments);
    switch (request) {
    case TIOCGWINSZ:
        return get_window_size(fd, argument);
    case TIOCSWINSZ:
        libc_set_errno(ENOTSUP);
        return -1;
    default:
        libc_set_errno(ENOTTY);
        return -1;
    }
}
