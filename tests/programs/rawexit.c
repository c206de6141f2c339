/* SPDX-License-Identifier: MIT */
/*
 * rawexit: a program that ends with its console still in raw mode without echo, as one
 * killed or crashed in the middle of line editing does. It turns off ICANON, ECHO and
 * ICRNL (tcsetattr: the console keeps them for whoever reads it next), says so, reads one
 * byte and exits with that byte's value, never putting the modes back. ned's prompt must
 * then restore the console's modes before the next program runs on it (ned_prompt:
 * `run "rom/rawexit.elf"`, then a program that reads a cooked line).
 */
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
    struct termios t;
    if (tcgetattr(0, &t) != 0) {
        printf("rawexit: FAILED: tcgetattr\n");
        return 255;
    }
    t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    t.c_iflag &= ~(tcflag_t)ICRNL;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(0, TCSANOW, &t) != 0) {
        printf("rawexit: FAILED: tcsetattr\n");
        return 255;
    }
    printf("rawexit: raw, no echo: type a key\n");
    fflush(stdout);
    unsigned char byte;
    if (read(0, &byte, 1) != 1)
        return 254;
    return byte;
}
