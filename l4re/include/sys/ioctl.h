/* SPDX-License-Identifier: MIT */
/*
 * ioctl for Pecan's console: only the window size (TIOCGWINSZ), which is the console's
 * WINDOW_SIZE (pecan_console_window_size in <termios.h>), so that programs written for
 * POSIX terminals (GNU readline) learn a terminal window's rows and columns. A serial
 * line has no size: 0 rows and 0 columns, as Linux reports for one. Any other request
 * fails with ENOTTY (l4re/libc/ioctl.c).
 */
#ifndef PECAN_SYS_IOCTL_H
#define PECAN_SYS_IOCTL_H

struct winsize {
    unsigned short ws_row;
    unsigned short ws_col;
    unsigned short ws_xpixel;   /* 0: not known */
    unsigned short ws_ypixel;
};

#define TIOCGWINSZ 0x5413   /* struct winsize *: the console's size */
#define TIOCSWINSZ 0x5414   /* refused (ENOTSUP): the console sets its own size */

int ioctl(int fd, unsigned long request, ...);

#endif
