/* SPDX-License-Identifier: MIT */
/*
 * term-winch: the runtime's SIGWINCH path (l4re/libc/console.c), the program term-resize
 * starts with a term session as its console. Usage: term-winch ROWS1 COLUMNS1 ROWS2
 * COLUMNS2, the sizes of the two resizes term-resize makes after "ready 1" and "ready 2"
 * (shown on the terminal). Step by step:
 *
 *   1. SIGWINCH caught (sigaction), a read() blocked on the console: the resize interrupts it (-1,
 *      EINTR), the handler ran once, TIOCGWINSZ answers ROWS1 x COLUMNS1;
 *   2. the same in select() with no timeout (the handler still installed after it ran):
 *      -1, EINTR, ROWS2 x COLUMNS2;
 *   3. SIGWINCH back at SIG_DFL: a resize changes nothing, the read goes on waiting and
 *      returns the line typed then ("q" and Enter).
 *
 * Shows "winch ok" and exits 0, or exits with the number of the step that failed (10 and
 * up), which term-resize prints.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <termios.h>
#include <unistd.h>

static volatile int winches;

static void on_winch(int sig)
{
    (void)sig;
    winches++;
}

static void show(const char *text)
{
    printf("\033[H\033[2J%s", text);
    fflush(stdout);
}

static int size_is(unsigned rows, unsigned columns)
{
    struct winsize w;
    return ioctl(0, TIOCGWINSZ, &w) == 0 && w.ws_row == rows && w.ws_col == columns;
}

int main(int argc, char **argv)
{
    if (argc != 5)
        return 2;
    unsigned rows1 = (unsigned)atoi(argv[1]), columns1 = (unsigned)atoi(argv[2]);
    unsigned rows2 = (unsigned)atoi(argv[3]), columns2 = (unsigned)atoi(argv[4]);
    /* sigaction, as readline installs its handler: it stays for the second resize */
    struct sigaction action = { .sa_handler = on_winch };
    sigemptyset(&action.sa_mask);
    sigaction(SIGWINCH, &action, 0);
    /* A select that returns at once binds the console: a resize from now on is heard. */
    fd_set read_set;
    struct timeval none = { 0, 0 };
    FD_ZERO(&read_set);
    FD_SET(0, &read_set);
    select(1, &read_set, 0, 0, &none);
    char line[16];
    show("ready 1");
    errno = 0;
    int n = read(0, line, sizeof(line));
    if (n != -1 || errno != EINTR || winches != 1)
        return 10;
    if (!size_is(rows1, columns1))
        return 11;
    show("ready 2");
    FD_ZERO(&read_set);
    FD_SET(0, &read_set);
    errno = 0;
    n = select(1, &read_set, 0, 0, 0);
    if (n != -1 || errno != EINTR || winches != 2)
        return 12;
    if (!size_is(rows2, columns2))
        return 13;
    action.sa_handler = SIG_DFL;
    sigaction(SIGWINCH, &action, 0);
    show("ready 3");
    n = read(0, line, sizeof(line));
    if (n != 2 || line[0] != 'q' || line[1] != '\n' || winches != 2)
        return 14;
    show("winch ok");
    return 0;
}
