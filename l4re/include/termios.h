/* SPDX-License-Identifier: MIT */
/*
 * termios for Pecan's console (newlib has none). The flag values are the console's
 * attribute bits (PECAN_CONSOLE_* in pecan/protocols.h), so tcsetattr stores them in the
 * console object as they are; the runtime applies them when it reads and writes
 * descriptors 0-2 (l4re/libc/console.c). Flags Pecan's console does not act on are
 * defined so that programs written for POSIX (GNU readline) compile; setting them does
 * nothing and tcgetattr does not report them.
 */
#ifndef PECAN_TERMIOS_H
#define PECAN_TERMIOS_H

#include <pecan/protocols.h>
#include <sys/types.h>

typedef unsigned int tcflag_t;
typedef unsigned char cc_t;
typedef unsigned int speed_t;

#define NCCS 20
/* c_cc indexes (Linux's) */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSWTC 7
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16
#define VDSUSP 17
#define VSTATUS 18

struct termios {
    tcflag_t c_iflag;
    tcflag_t c_oflag;
    tcflag_t c_cflag;
    tcflag_t c_lflag;
    cc_t c_line;
    cc_t c_cc[NCCS];
    speed_t c_ispeed;
    speed_t c_ospeed;
};

/* c_iflag */
#define IGNBRK 0x001u
#define BRKINT 0x002u
#define IGNPAR 0x004u
#define PARMRK 0x008u
#define INPCK 0x010u
#define ISTRIP 0x020u
#define INLCR PECAN_CONSOLE_INLCR
#define IGNCR PECAN_CONSOLE_IGNCR
#define ICRNL PECAN_CONSOLE_ICRNL
#define IUCLC 0x200u
#define IXON 0x400u
#define IXANY 0x800u
#define IXOFF 0x1000u
#define IMAXBEL 0x2000u
#define IUTF8 0x4000u
/* c_oflag */
#define OPOST PECAN_CONSOLE_OPOST
#define OLCUC 0x002u
#define ONLCR PECAN_CONSOLE_ONLCR
#define OCRNL 0x008u
#define ONOCR 0x010u
#define ONLRET 0x020u
#define OFILL 0x040u
/* c_cflag */
#define CSIZE 0x030u
#define CS5 0x000u
#define CS6 0x010u
#define CS7 0x020u
#define CS8 0x030u
#define CSTOPB 0x040u
#define CREAD 0x080u
#define PARENB 0x100u
#define PARODD 0x200u
#define HUPCL 0x400u
#define CLOCAL 0x800u
/* c_lflag */
#define ISIG PECAN_CONSOLE_ISIG
#define ICANON PECAN_CONSOLE_ICANON
#define ECHO PECAN_CONSOLE_ECHO
#define ECHOE PECAN_CONSOLE_ECHOE
#define ECHOK PECAN_CONSOLE_ECHOK
#define ECHONL PECAN_CONSOLE_ECHONL
#define NOFLSH 0x080u
#define TOSTOP 0x100u
#define ECHOCTL 0x200u
#define ECHOPRT 0x400u
#define ECHOKE 0x800u
#define IEXTEN PECAN_CONSOLE_IEXTEN

/* tcsetattr actions, tcflush queues, tcflow actions */
#define TCSANOW 0
#define TCSADRAIN 1
#define TCSAFLUSH 2
#define TCIFLUSH 0
#define TCOFLUSH 1
#define TCIOFLUSH 2
#define TCOOFF 0
#define TCOON 1
#define TCIOFF 2
#define TCION 3

/* Speeds: a console has none; these exist for programs that ask. */
#define B0 0u
#define B9600 13u
#define B38400 15u
#define B115200 4098u

int tcgetattr(int fd, struct termios *t);
int tcsetattr(int fd, int action, const struct termios *t);
int tcflush(int fd, int queue);
int tcdrain(int fd);
int tcflow(int fd, int action);
int tcsendbreak(int fd, int duration);
speed_t cfgetospeed(const struct termios *t);
speed_t cfgetispeed(const struct termios *t);
int cfsetospeed(struct termios *t, speed_t speed);
int cfsetispeed(struct termios *t, speed_t speed);

/* The console's size (rows, columns), 0 and 0 when it has none: what ioctl's TIOCGWINSZ
 * gives (sys/ioctl.h, the one ioctl request the runtime answers). */
int pecan_console_window_size(int fd, unsigned *rows, unsigned *columns);

#endif
