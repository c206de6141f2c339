/* SPDX-License-Identifier: MIT */
/*
 * bench_term: term's benchmarks (docs/bench.md, docs/graphics.md "term"), the init program
 * of the bench-term image, measured under -icount (one instruction per nanosecond):
 *
 *   term_key_to_pixels  a key press to its glyph in the framebuffer, in this program with
 *                       term's own code (screen.c, console.c): the event through the
 *                       keymap and libvterm's keyboard into the console's input buffer,
 *                       READ of it and WRITE of the echo (the LOG handlers, called as the
 *                       server loop calls them), libvterm's parsing and the flush that
 *                       draws the glyph and the cursor on a 640x480x16 surface. Keys a..z
 *                       in turn, so the echo wraps and scrolls as typing does. Not in it:
 *                       the program's two IPC round trips and its wake-up, and mag's
 *                       REFRESH of the cell (docs/bench.md adds them up);
 *   term_bytes          1 MiB of text (lines of 79 characters and CR LF) written to a
 *                       term session with pecan_log_write: the IPC, term's loop, libvterm,
 *                       and the batched redraws (term's periodic flush) with the scrolling,
 *                       term running on fb-drv in RAM; instructions per byte;
 *   term_flush_screen (informative): a whole screen of cells drawn by one flush;
 *   term_bytes_one_line, term_newline (informative): what term's screen costs without
 *                       IPC or drawing, in this program: per byte of text that stays on
 *                       one line (libvterm's state layer and term's putglyph), and per line
 *                       scrolled (libvterm's line feed, term moving row pointers, the line
 *                       leaving for the scrollback and a blank one coming in).
 *
 * Each figure is taken over whole ticks of the KIP clock; lines "bench <name> <value>
 * instructions".
 */
#include <pecan/children.h>
#include <pecan/factory.h>
#include <pecan/framebuffer.h>
#include <pecan/log.h>
#include <pecan/protocol/factory.h>
#include <pecan/runtime.h>
#include <pecan/testkit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../tests/programs/kip_clock.h"
#include "console.h"
#include "screen.h"
#include "term_client.h"

#define TICKS 20u
#define TICK_NS 10000000u
#define WIDTH 640u
#define HEIGHT 480u
#define TEXT_BYTES (1u << 20)
#define LINE 81u              /* 79 characters, CR, LF */
#define NEWLINES (LINE * 3u * 256u)

extern const uint8_t console_font[];
extern const uint32_t console_font_size;

/* ---- term_key_to_pixels: term's code in this program ---- */

static uint16_t frame[WIDTH * HEIGHT];
static struct psf_font font;
static struct term_console_session reader;
static struct server_request request;
static unsigned key;

static const uint32_t letters[26] = {
    30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38, 50, 49, 24, 25, 16, 19, 31, 20, 22,
    47, 17, 45, 21, 44,
};

static void echo(const char *bytes, size_t length)
{
    term_screen_write(bytes, length);
}

static const struct term_console_hooks hooks = { .write = echo };

static int set_up_screen(void)
{
    struct surface s = { (uint8_t *)frame, WIDTH, HEIGHT, WIDTH * 2, pixel_format_rgb565 };
    if (psf_font_open(&font, console_font, console_font_size) != PSF_OK)
        return -PECAN_EINVAL;
    static struct psf_index_entry index[2048];
    if (font.unicode_entry_count <= 2048)
        psf_font_build_index(&font, index, 2048);
    int err = term_screen_init(&s, &font, term_console_input);
    if (err)
        return err;
    term_console_init(&hooks);
    term_console_attach(&reader);
    struct term_rectangle drawn;
    term_screen_flush(&drawn);
    request.rights = PECAN_RIGHT_READ | PECAN_RIGHT_WRITE;
    return 0;
}

/* One key: press into the input buffer, READ, WRITE of what was read, flush. */
static void key_to_pixels(void)
{
    struct pecan_event press = { .type = PECAN_EVENT_PRESS, .code = letters[key++ % 26] };
    term_screen_key(&press);
    request.words = 2;
    request.in[0] = PECAN_LOG_READ;
    request.in[1] = 16;
    term_console_request(&request, &reader);
    pecan_word_t n = request.out[0];
    request.in[0] = PECAN_LOG_WRITE;
    request.in[1] = n;
    memcpy(&request.in[2], &request.out[2], (n + 3) & ~3u);
    request.words = 2 + (unsigned)((n + 3) / 4);
    term_console_request(&request, &reader);
    struct term_rectangle drawn;
    term_screen_flush(&drawn);
}

static unsigned long long per_call(void (*call)(void))
{
    for (unsigned i = 0; i < 100; i++)
        call();
    uint64_t end = kip_next_tick() + (uint64_t)TICKS * TICK_NS;
    unsigned calls = 0;
    while (kip_now() < end) {
        call();
        calls++;
    }
    return ((uint64_t)TICKS * TICK_NS + calls / 2) / calls;
}

/* A whole screen redrawn: cleared (libvterm damages every cell) and flushed. */
static void flush_screen(void)
{
    term_screen_write("\033[2J", 4);
    struct term_rectangle drawn;
    term_screen_flush(&drawn);
}

/* ---- term_bytes: a term server on fb-drv in RAM ---- */

static struct children children;

static int start(const char *path, const char *const *argv, unsigned argc,
                 const struct child_cap *caps, unsigned count)
{
    struct child_spec spec = {
        .path = path, .argc = argc, .argv = argv, .factory = PECAN_ENV_FACTORY,
        .cap_count = count, .caps = caps,
    };
    struct child *child;
    return testkit_start("bench_term", &children, &spec, &child);
}

static int start_term(struct pecan_session *console)
{
    static const char *const fb_argv[] = { "fb-drv", "--ram" };
    static const char *const term_argv[] = { "term" };
    pecan_cap_t fb_channel, term_channel;
    struct pecan_session below;
    int err = pecan_cap_alloc(&fb_channel);
    if (!err)
        err = pecan_cap_alloc(&term_channel);
    if (!err)
        err = children_init(&children, PECAN_ENV_FACTORY);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, fb_channel);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, term_channel);
    struct child_cap fb_caps[] = { { "fb", fb_channel, PECAN_RIGHTS_ALL } };
    if (!err)
        err = start("rom/fb-drv.elf", fb_argv, 2, fb_caps, 1);
    if (!err)
        err = pecan_framebuffer_open(fb_channel, PECAN_ENV_FACTORY, &below);
    struct child_cap term_caps[] = { { "fb", below.cap, PECAN_RIGHTS_ALL },
                                     { "term", term_channel, PECAN_RIGHTS_ALL } };
    if (!err)
        err = start("rom/term.elf", term_argv, 1, term_caps, 2);
    if (!err)
        err = pecan_session_open(term_channel, PECAN_FACTORY_LOG, PECAN_ENV_FACTORY, 0, 0,
                                 console);
    return err;
}

/* Instructions per byte of TEXT_BYTES written, from the start of a tick to the answer of
 * the last WRITE. */
static unsigned long long bytes_through(pecan_cap_t console, const char *text)
{
    unsigned rows, columns;
    term_client_window_size(console, &rows, &columns);   /* term is up and serving */
    uint64_t start = kip_next_tick();
    for (unsigned sent = 0; sent < TEXT_BYTES; sent += LINE * 3)
        pecan_log_write(console, text, LINE * 3);
    uint64_t spent = kip_now() - start;
    return (spent + TEXT_BYTES / 2) / TEXT_BYTES;
}

int main(void)
{
    int err = set_up_screen();
    if (err) {
        printf("bench_term: setting the screen up: error %d\n", err);
        return 1;
    }
    unsigned long long key_cost = per_call(key_to_pixels);
    unsigned long long screen_cost = per_call(flush_screen);
    struct pecan_session console;
    if ((err = start_term(&console)) != 0) {
        printf("bench_term: starting term: error %d\n", err);
        return 1;
    }
    static char text[LINE * 3];
    for (unsigned l = 0; l < 3; l++) {
        for (unsigned i = 0; i < LINE - 2; i++)
            text[l * LINE + i] = (char)('!' + (l * 7 + i) % 94);
        text[l * LINE + LINE - 2] = '\r';
        text[l * LINE + LINE - 1] = '\n';
    }
    unsigned long long byte_cost = bytes_through(console.cap, text);
    /* The floor under term_bytes, in this program: the screen's cost per character on one
     * line (CR instead of LF: nothing scrolls), and per line scrolled (LF alone). */
    static char same_line[LINE * 3], newlines[LINE * 3];
    memcpy(same_line, text, sizeof(same_line));
    for (unsigned l = 0; l < 3; l++)
        same_line[l * LINE + LINE - 1] = '\r';
    memset(newlines, '\n', sizeof(newlines));
    uint64_t start = kip_next_tick();
    for (unsigned sent = 0; sent < TEXT_BYTES; sent += LINE * 3)
        term_screen_write(same_line, LINE * 3);
    uint64_t middle = kip_now();
    for (unsigned sent = 0; sent < NEWLINES; sent += LINE * 3)
        term_screen_write(newlines, LINE * 3);
    uint64_t end = kip_now();
    printf("# term_key_to_pixels: a key press to its echoed glyph and cursor on a 640x480x16 "
           "surface, term's code in one program (no IPC, no mag); %u ticks\n", TICKS);
    printf("bench term_key_to_pixels %llu instructions\n", key_cost);
    printf("# term_bytes: 1 MiB of 81-byte lines written to a term session (fb-drv in RAM "
           "below), per byte\n");
    printf("bench term_bytes %llu instructions\n", byte_cost);
    printf("# term_flush_screen (informative): 80x30 cells cleared and drawn, 640x480x16\n");
    printf("bench term_flush_screen %llu instructions\n", screen_cost);
    printf("# term_bytes_one_line (informative): libvterm's state layer and term's cells, text "
           "on one line, per byte\n");
    printf("bench term_bytes_one_line %llu instructions\n",
           (unsigned long long)((middle - start + TEXT_BYTES / 2) / TEXT_BYTES));
    printf("# term_newline (informative): libvterm's line feed, term's rows and scrollback, one "
           "line scrolled\n");
    printf("bench term_newline %llu instructions\n",
           (unsigned long long)((end - middle + NEWLINES / 2) / NEWLINES));
    return 0;
}
