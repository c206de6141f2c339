/* SPDX-License-Identifier: MIT */
/*
 * term-demo: a program whose console is a terminal (conf/term.lua, the screen test
 * tests/graphics/test_term.py). Its log is a term session. It writes a page of colours,
 * attributes and UTF-8, then reads what is typed through the raw console protocol
 * (BIND, READ: term_client.h) and echoes it: a line editor with backspace. A finished line
 * is answered "you typed: LINE"; the line "scroll" prints 60 numbered lines. It writes CR
 * LF itself, so it does not depend on the runtime's output processing.
 *
 * Capability "serial" (optional, a moe log): one line per step for the test to wait on:
 * "term-demo: window R rows C columns", "term-demo: ready", "term-demo: line TEXT".
 * Errors are a line with FAILED and exit status 1.
 */
#include <pecan/factory.h>
#include <pecan/log.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <stdio.h>
#include <string.h>
#include "term_client.h"

#define LINE_MAX 64

static pecan_cap_t console = PECAN_ENV_LOG, serial;

static void say(const char *text)
{
    pecan_log_write(console, text, (unsigned)strlen(text));
}

static void report(const char *format, const char *text)
{
    char line[128];
    int n = snprintf(line, sizeof(line), format, text);
    if (serial && n > 0)
        pecan_log_write(serial, line, (unsigned)(n < (int)sizeof(line) ? n : (int)sizeof(line) - 1));
}

static const char page[] =
    "\033[1mterm-demo\033[0m: colours, attributes and UTF-8\r\n"
    "\033[31mred \033[32mgreen \033[33myellow \033[34mblue \033[35mmagenta \033[36mcyan "
    "\033[37mwhite\033[0m\r\n"
    "\033[1;31mbold red\033[0m \033[1;32mbold green\033[0m \033[7mreverse\033[0m "
    "\033[44;97m white on blue \033[0m\r\n"
    "\033[38;5;208m256-colour 208\033[0m \033[38;2;10;200;120mtrue colour\033[0m "
    "\033[48;5;22m background 22 \033[0m\r\n"
    "UTF-8: \xc3\xa4\xc3\xb6\xc3\xbc \xe2\x82\xac \xe2\x94\x80\xe2\x94\x82 \xe4\xb8\xad\r\n"
    "> ";

static void finish_line(const char *line)
{
    report("term-demo: line %s\n", line);
    say("\r\n");
    if (strcmp(line, "scroll") == 0) {
        char text[32];
        for (int i = 1; i <= 60; i++) {
            snprintf(text, sizeof(text), "line %d\r\n", i);
            say(text);
        }
    } else {
        say("you typed: ");
        say(line);
        say("\r\n");
    }
    say("> ");
    report("term-demo: %s\n", "prompt");
}

/* One typed byte: printable ones are echoed and kept, backspace (DEL or BS) takes one
 * back, CR or LF ends the line. */
static void typed(char c, char *line, unsigned *length)
{
    if (c == '\r' || c == '\n') {
        line[*length] = 0;
        finish_line(line);
        *length = 0;
    } else if ((c == 0x7F || c == '\b') && *length) {
        (*length)--;
        say("\b \b");
    } else if (c >= 0x20 && c < 0x7F && *length < LINE_MAX - 1) {
        line[(*length)++] = c;
        pecan_log_write(console, &c, 1);
    }
}

int main(void)
{
    serial = pecan_env_cap("serial");
    pecan_cap_t notification;
    unsigned rows = 0, columns = 0;
    int err = term_client_window_size(console, &rows, &columns);
    if (!err)
        err = pecan_cap_alloc(&notification);
    if (!err)
        err = pecan_factory_create_notification(PECAN_ENV_FACTORY, notification);
    if (!err)
        err = term_client_bind(console, notification, 1);
    if (err) {
        char text[16];
        snprintf(text, sizeof(text), "%d", err);
        report("term-demo: set-up: error %s (FAILED)\n", text);
        return 1;
    }
    char size[48];
    snprintf(size, sizeof(size), "%u rows %u columns", rows, columns);
    report("term-demo: window %s\n", size);
    say(page);
    report("term-demo: %s\n", "ready");
    char line[LINE_MAX];
    unsigned length = 0;
    for (;;) {
        char bytes[PECAN_LOG_READ_MAX];
        unsigned got;
        if ((err = term_client_read(console, bytes, sizeof(bytes), &got)) != 0) {
            report("term-demo: READ failed (FAILED)%s\n", "");
            return 1;
        }
        for (unsigned i = 0; i < got; i++)
            typed(bytes[i], line, &length);
        pecan_word_t bits;
        if (!got && pecan_notification_wait(notification, &bits) != 0)
            return 1;
    }
}
