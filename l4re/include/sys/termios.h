/* SPDX-License-Identifier: MIT */
/* <sys/termios.h> is <termios.h> (l4re/include/termios.h). */
#include <termios.h>
