/* SPDX-License-Identifier: MIT */
/*
 * consoletest: the console as a program sees it (issue 15 item 5), booted by
 * conf/console.lua with an input log. Each step prints a prompt line "consoletest: <step>"
 * and reads what the test (tests/ned: run-qemu --type-on) types at the serial line once it
 * sees that prompt: a cooked line with erase, kill and CR, Ctrl-D, raw bytes (VMIN 1 and
 * VMIN 0), CR kept raw without ICRNL, select() with a timeout that runs out and one that
 * input ends, and the input focus moving to a second input log and back when it goes. The
 * last step waits for Ctrl-C, which ends the program with 128 + SIGINT.
 *
 * Every check prints "FAILED: ..." when it does not hold; the program then exits with 1.
 */
#include <errno.h>
#include <pecan/factory.h>
#include <pecan/log.h>
#include <pecan/runtime.h>
#include <pecan/sync.h>
#include <pecan/sys.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <termios.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                                      \
    do {                                                      \
        if (!(cond)) {                                        \
            printf("consoletest: FAILED: " __VA_ARGS__);      \
            printf(" (line %d)\n", __LINE__);                 \
            failures++;                                       \
        }                                                     \
    } while (0)

static void prompt(const char *step)
{
    printf("consoletest: %s\n", step);
    fflush(stdout);
}

static int read_some(char *buffer, size_t size)
{
    int n = (int)read(0, buffer, size);
    if (n >= 0)
        buffer[n] = 0;
    return n;
}

static void cooked_line(void)
{
    char line[64];
    prompt("type a line");
    int n = read_some(line, sizeof(line) - 1);
    CHECK(n == 12 && strcmp(line, "hello world\n") == 0, "cooked line: %d \"%s\"", n, line);
    printf("consoletest: cooked line \"%.*s\"\n", n > 0 ? n - 1 : 0, line);
}

static void end_of_file(void)
{
    char line[64];
    prompt("type ctrl-d");
    int n = read_some(line, sizeof(line) - 1);
    CHECK(n == 3 && strcmp(line, "abc") == 0, "ctrl-d after bytes: %d \"%s\"", n, line);
    n = read_some(line, sizeof(line) - 1);
    CHECK(n == 0, "ctrl-d on an empty line: %d", n);
    printf("consoletest: end of file seen\n");
}

/* Raw mode from the attributes in saved (the cooked ones). */
static void set_raw(const struct termios *saved, tcflag_t iflag, unsigned min, unsigned time)
{
    struct termios t = *saved;
    t.c_lflag &= ~(ICANON | ECHO);
    t.c_iflag = iflag;
    t.c_cc[VMIN] = (cc_t)min;
    t.c_cc[VTIME] = (cc_t)time;
    CHECK(tcsetattr(0, TCSANOW, &t) == 0, "tcsetattr");
    struct termios back;
    CHECK(tcgetattr(0, &back) == 0 && !(back.c_lflag & ICANON) && back.c_cc[VMIN] == min,
          "tcgetattr after tcsetattr");
}

static void raw_bytes(void)
{
    struct termios saved;
    CHECK(tcgetattr(0, &saved) == 0, "tcgetattr");
    set_raw(&saved, 0, 0, 0);
    char bytes[16];
    int n = read_some(bytes, sizeof(bytes));
    CHECK(n == 0, "raw VMIN 0 with nothing typed: %d", n);
    set_raw(&saved, 0, 1, 0);
    prompt("type raw bytes");
    unsigned got = 0;
    while (got < 4) {
        n = read_some(bytes + got, sizeof(bytes) - 1 - got);
        CHECK(n > 0, "raw VMIN 1 read: %d", n);
        if (n <= 0)
            break;
        got += (unsigned)n;
    }
    CHECK(got == 4 && memcmp(bytes, "\033[A\r", 4) == 0,
          "raw bytes: %u %02x %02x %02x %02x", got, bytes[0] & 0xff, bytes[1] & 0xff,
          bytes[2] & 0xff, bytes[3] & 0xff);
    printf("consoletest: raw bytes %02x %02x %02x %02x\n", bytes[0] & 0xff, bytes[1] & 0xff,
           bytes[2] & 0xff, bytes[3] & 0xff);
    tcsetattr(0, TCSANOW, &saved);
}

static int select_console(unsigned ms)
{
    fd_set r;
    FD_ZERO(&r);
    FD_SET(0, &r);
    struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
    int n = select(1, &r, 0, 0, &tv);
    return n > 0 && FD_ISSET(0, &r) ? 1 : n;
}

static void select_timeout(void)
{
    struct termios saved;
    CHECK(tcgetattr(0, &saved) == 0, "tcgetattr");
    set_raw(&saved, PECAN_CONSOLE_ICRNL, 1, 0);
    uint64_t start = pecan_sync_clock_ms();
    int n = select_console(200);
    uint64_t spent = pecan_sync_clock_ms() - start;
    CHECK(n == 0 && spent >= 200, "select with nothing typed: %d after %u ms", n,
          (unsigned)spent);
    fd_set w;
    FD_ZERO(&w);
    FD_SET(1, &w);
    struct timeval zero = { 0, 0 };
    CHECK(select(2, 0, &w, 0, &zero) == 1 && FD_ISSET(1, &w), "select: stdout writable");
    FD_ZERO(&w);
    FD_SET(40, &w);
    CHECK(select(41, 0, &w, 0, &zero) == -1 && errno == EBADF, "select on a closed fd");
    prompt("type for select");
    start = pecan_sync_clock_ms();
    n = select_console(30000);
    spent = pecan_sync_clock_ms() - start;
    char c = 0;
    CHECK(n == 1, "select with input: %d after %u ms", n, (unsigned)spent);
    CHECK(read(0, &c, 1) == 1 && c == 'x', "the byte select saw: %02x", c & 0xff);
    printf("consoletest: select saw input\n");
    tcsetattr(0, TCSANOW, &saved);
}

/* Reads from a log of our own (the protocol directly) until want bytes came. */
static unsigned read_log_until(pecan_cap_t log, pecan_cap_t notification, char *out,
                               unsigned want)
{
    unsigned got = 0;
    uint64_t start = pecan_sync_clock_ms();
    while (got < want && pecan_sync_clock_ms() - start < 30000) {
        unsigned n = 0;
        if (pecan_log_read(log, out + got, want - got, &n, 0) != 0)
            break;
        got += n;
        if (!n) {
            pecan_word_t bits;
            pecan_notification_wait(notification, &bits);
        }
    }
    return got;
}

static void focus(void)
{
    pecan_cap_t second, plain, notification;
    if (pecan_cap_alloc(&second) || pecan_cap_alloc(&plain) || pecan_cap_alloc(&notification)) {
        CHECK(0, "slots");
        return;
    }
    CHECK(pecan_factory_create_log(PECAN_ENV_FACTORY, 2 | PECAN_LOG_INPUT, "second", second) == 0,
          "an input log");
    CHECK(pecan_factory_create_log(PECAN_ENV_FACTORY, 3, "plain", plain) == 0, "a plain log");
    CHECK(pecan_factory_create_notification(PECAN_ENV_FACTORY, notification) == 0,
          "a notification");
    char bytes[16];
    unsigned n = 99;
    CHECK(pecan_log_read(plain, bytes, 4, &n, 0) == -PECAN_EPERM, "READ without input");
    CHECK(pecan_log_bind(plain, notification, 1) == -PECAN_EPERM, "BIND without input");
    pecan_word_t flags[3];
    CHECK(pecan_log_get_attr(plain, flags) == 0 && flags[2] == PECAN_CONSOLE_DEFAULT_LOCAL,
          "GET_ATTR without input");
    unsigned rows = 9, columns = 9;
    CHECK(pecan_log_window_size(second, &rows, &columns) == 0 && rows == 0 && columns == 0,
          "WINDOW_SIZE of moe's log");
    CHECK(pecan_log_bind(second, notification, 0) == -PECAN_EINVAL, "BIND with bits 0");
    CHECK(pecan_log_bind(second, PECAN_ENV_PARENT, 1) != 0, "BIND of a gate");
    CHECK(pecan_log_bind(second, notification, 1) == 0, "BIND: the second log takes focus");
    prompt("focus on second");
    n = read_log_until(second, notification, bytes, 4);
    CHECK(n == 4 && memcmp(bytes, "two\r", 4) == 0, "the second log's input: %u", n);
    printf("consoletest: second log read \"%.3s\"\n", bytes);
    /* Its last capability goes: moe ends it and the focus comes back here. */
    pecan_cap_release(second);
    pecan_cap_release(plain);
    char line[64];
    prompt("focus back");
    int got = read_some(line, sizeof(line) - 1);
    CHECK(got == 4 && strcmp(line, "one\n") == 0, "focus back: %d \"%s\"", got, line);
    printf("consoletest: focus came back\n");
    pecan_cap_release(notification);
}

int main(void)
{
    CHECK(isatty(0) && isatty(1) && isatty(2), "isatty");
    unsigned rows = 9, columns = 9;
    CHECK(pecan_console_window_size(0, &rows, &columns) == 0 && rows == 0 && columns == 0,
          "window size %u x %u", rows, columns);
    struct termios t;
    CHECK(tcgetattr(5, &t) == -1 && errno == EBADF, "tcgetattr of a closed fd");
    CHECK(tcgetattr(0, &t) == 0 && (t.c_lflag & ICANON) && (t.c_lflag & ECHO) &&
          (t.c_iflag & ICRNL) && (t.c_oflag & ONLCR), "the default attributes");
    cooked_line();
    end_of_file();
    raw_bytes();
    select_timeout();
    focus();
    if (failures) {
        printf("consoletest: %d checks FAILED\n", failures);
        return 1;
    }
    printf("consoletest: all checks passed\n");
    prompt("press ctrl-c");
    char line[8];
    read_some(line, sizeof(line) - 1);
    printf("consoletest: FAILED: still running after ctrl-c\n");
    return 1;
}
