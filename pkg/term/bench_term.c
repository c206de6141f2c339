/* SPDX-License-Identifier: MIT */
/*
 * bench_term: term's benchmarks (docs/bench.md, docs/graphics.md "term"), the init program
 * of the bench-term image, measured under -icount (one instruction per nanosecond):
 *
 *   term_key_to_pixels  a key press to its glyph in the framebuffer, the real path: term
 *                       runs on a screen this program serves (bench_screen.c, a mag
 *                       window's FRAMEBUFFER and EVENT sides, pixels in RAM), and this
 *                       program is the program whose console is a term session. A key's
 *                       press and release go into the session's event ring and term's
 *                       notification is signalled, as mag does; term's input thread puts
 *                       the byte in the console's input and signals this program, which
 *                       READs it and WRITEs it back as a cooked console echoes; term's
 *                       periodic flush draws it and sends REFRESH, whose arrival (a
 *                       rectangle covering the glyph's cell, the glyph's pixels checked in
 *                       the buffer) ends the key. Keys a..z in turn, so the echo wraps and
 *                       scrolls. The figure is CPU time, not latency: the busy time of
 *                       every CPU (the clock less the kernel's idle time of each CPU, an
 *                       upper bound on the instructions, exact while one CPU works at a
 *                       time as on this path) per key, less the check of the pixels
 *                       (measured alone). It includes the wait for term's periodic flush
 *                       as far as it costs instructions (the kernel's ticks on the 4 CPUs,
 *                       term's wake-ups), not mag's compositing of the REFRESH
 *                       (mag_refresh_char, ./pecan bench mag);
 *   term_key_to_pixels_local (informative): the same key in this program with term's own
 *                       code (screen.c, console.c): the keymap and libvterm's keyboard,
 *                       READ and WRITE of the echo through the LOG handlers (called as the
 *                       server loop calls them), libvterm and the flush that draws the
 *                       glyph and the cursor on a 640x480x16 surface; no IPC, no wake-ups;
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
#include <pecan/sys.h>
#include <pecan/testkit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../tests/programs/kip_clock.h"
#include "bench_screen.h"
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
#define KEYS 2500u             /* more than a screen of 80x30: the echo wraps and scrolls */
#define KEYS_WARM_UP 20u
#define CPUS_MAX 16u
#define BACKGROUND_US 1000000u

extern const uint8_t console_font[];
extern const uint32_t console_font_size;

/* ---- term_key_to_pixels_local: term's code in this program ---- */

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

/* ---- term_key_to_pixels: term on this program's screen, this program its console ---- */

static pecan_cap_t console_ready, refreshed;
static unsigned key_rows, key_columns, key_count, cpus;

/* The CPUs' busy time since boot, summed: the clock less each CPU's idle time. */
static int busy_ns(uint64_t *ns)
{
    uint64_t now = kip_now(), busy = 0;
    for (unsigned c = 0; c < cpus; c++) {
        uint64_t idle;
        int err = pecan_sched_idle_time(PECAN_ENV_SCHEDULER, c, &idle);
        if (err)
            return err;
        busy += now - idle;
    }
    *ns = busy;
    return 0;
}

static unsigned count_cpus(void)
{
    unsigned c = 0;
    uint64_t idle;
    while (c < CPUS_MAX && pecan_sched_idle_time(PECAN_ENV_SCHEDULER, c, &idle) == 0)
        c++;
    return c;
}

/* term on a session of bench_screen, a console session of it bound to console_ready. */
static int start_key_term(struct pecan_session *console)
{
    static const char *const term_argv[] = { "term" };
    pecan_cap_t screen_channel, term_channel;
    struct pecan_session window;
    int err = pecan_cap_alloc(&screen_channel);
    if (!err)
        err = pecan_cap_alloc(&term_channel);
    if (!err)
        err = pecan_cap_alloc(&console_ready);
    if (!err)
        err = pecan_cap_alloc(&refreshed);
    if (!err)
        err = pecan_factory_create_notification(PECAN_ENV_FACTORY, console_ready);
    if (!err)
        err = pecan_factory_create_notification(PECAN_ENV_FACTORY, refreshed);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, screen_channel);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, term_channel);
    if (!err)
        err = bench_screen_serve(screen_channel, refreshed, 1);
    if (!err)
        err = pecan_framebuffer_open(screen_channel, PECAN_ENV_FACTORY, &window);
    struct child_cap term_caps[] = { { "fb", window.cap, PECAN_RIGHTS_ALL },
                                     { "term", term_channel, PECAN_RIGHTS_ALL } };
    if (!err)
        err = start("rom/term.elf", term_argv, 1, term_caps, 2);
    if (!err)
        err = pecan_session_open(term_channel, PECAN_FACTORY_LOG, PECAN_ENV_FACTORY, 0, 0,
                                 console);
    if (!err)   /* answered once term serves, its keys set up before */
        err = term_client_window_size(console->cap, &key_rows, &key_columns);
    if (!err && (key_rows == 0 || key_columns == 0))
        err = -PECAN_EINVAL;
    if (!err)
        err = term_client_bind(console->cap, console_ready, 1);
    return err;
}

/* Whether the cell at x, y shows letter: the font's glyph in two colours, whichever they
 * are (the cursor on the cell swaps them). */
static bool glyph_shown(uint32_t x, uint32_t y, char letter)
{
    uint32_t glyph = psf_font_glyph_or_replacement(&font, (uint8_t)letter);
    const uint16_t *pixels = bench_screen_pixels();
    uint16_t colour[2] = { 0, 0 };
    bool seen[2] = { false, false };
    for (uint32_t row = 0; row < font.height; row++)
        for (uint32_t column = 0; column < font.width; column++) {
            unsigned ink = psf_font_glyph_pixel(&font, glyph, column, row);
            uint16_t pixel = pixels[(y + row) * BENCH_SCREEN_WIDTH + x + column];
            if (!seen[ink]) {
                colour[ink] = pixel;
                seen[ink] = true;
            } else if (colour[ink] != pixel) {
                return false;
            }
        }
    return seen[0] && seen[1] && colour[0] != colour[1];
}

/* Where the nth key's glyph goes: libvterm wraps after the last column and scrolls at the
 * last row. */
static void cell_of(unsigned n, uint32_t *x, uint32_t *y)
{
    unsigned row = n / key_columns < key_rows ? n / key_columns : key_rows - 1;
    *x = (n % key_columns) * font.width;
    *y = row * font.height;
}

static bool covers(struct bench_screen_rectangle r, uint32_t x, uint32_t y)
{
    return r.x <= x && r.y <= y && x + font.width <= r.x + r.width &&
           y + font.height <= r.y + r.height;
}

static int wait_for(pecan_cap_t notification)
{
    pecan_word_t bits;
    return pecan_notification_wait(notification, &bits);
}

/* One key: press and release into term's ring, the byte read and echoed, until a REFRESH
 * covers its cell with the glyph in it. */
static int key_through_term(pecan_cap_t console)
{
    unsigned n = key_count++;
    uint16_t code = (uint16_t)letters[n % 26];
    const struct pecan_event events[2] = { { .type = PECAN_EVENT_PRESS, .code = code },
                                           { .type = PECAN_EVENT_RELEASE, .code = code } };
    if (!bench_screen_send(events, 2))
        return -PECAN_EAGAIN;   /* no ring yet, or it was full */
    char bytes[16];
    unsigned got = 0;
    int err = 0;
    while (!err && !got) {
        err = wait_for(console_ready);
        if (!err)
            err = term_client_read(console, bytes, sizeof(bytes), &got);
    }
    if (!err)
        err = pecan_log_write(console, bytes, got);
    uint32_t x, y;
    cell_of(n, &x, &y);
    bool shown = false;
    while (!err && !shown) {
        err = wait_for(refreshed);
        shown = !err && covers(bench_screen_refreshed(), x, y) && glyph_shown(x, y, bytes[0]);
    }
    return err;
}

struct key_figures {
    unsigned long long per_key, background, check;
};

/* The check of a glyph alone, in this program: subtracted from the path. */
static unsigned long long check_cost(void)
{
    uint32_t x, y;
    cell_of(key_count - 1, &x, &y);
    char letter = (char)('a' + (key_count - 1) % 26);
    unsigned calls = 0, shown = 0;
    uint64_t end = kip_next_tick() + (uint64_t)TICKS * TICK_NS;
    while (kip_now() < end) {
        shown += glyph_shown(x, y, letter);
        calls++;
    }
    if (shown != calls)
        return 0;
    return ((uint64_t)TICKS * TICK_NS + calls / 2) / calls;
}

static int measure_keys(pecan_cap_t console, struct key_figures *figures)
{
    int err = 0;
    for (unsigned i = 0; i < KEYS_WARM_UP && !err; i++)
        err = key_through_term(console);
    uint64_t start = 0, end = 0, clock_start = kip_now();
    if (!err)
        err = busy_ns(&start);
    for (unsigned i = 0; i < KEYS && !err; i++)
        err = key_through_term(console);
    if (!err)
        err = busy_ns(&end);
    uint64_t clock_spent = kip_now() - clock_start;
    if (err)
        return err;
    /* The machine with nothing to do over the same time: the CPUs' ticks, term's wake-ups. */
    uint64_t quiet_start = 0, quiet_end = 0;
    if ((err = busy_ns(&quiet_start)) == 0 && (err = pecan_sleep_us(BACKGROUND_US)) == 0)
        err = busy_ns(&quiet_end);
    if (err)
        return err;
    figures->check = check_cost();
    if (!figures->check)
        return -PECAN_EINVAL;   /* the last glyph is not on the screen */
    uint64_t per_key = (end - start + KEYS / 2) / KEYS;
    figures->per_key = per_key > figures->check ? per_key - figures->check : 0;
    figures->background = (quiet_end - quiet_start) * (clock_spent / KEYS) /
                          ((uint64_t)BACKGROUND_US * 1000u);
    return 0;
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
    struct pecan_session key_console;
    struct key_figures keys;
    if ((err = children_init(&children, PECAN_ENV_FACTORY)) != 0) {
        printf("bench_term: children: error %d\n", err);
        return 1;
    }
    cpus = count_cpus();
    if (cpus == 0) {
        printf("bench_term: no idle time from the scheduler\n");
        return 1;
    }
    if ((err = start_key_term(&key_console)) != 0) {
        printf("bench_term: starting term on this program's screen: error %d\n", err);
        return 1;
    }
    if ((err = measure_keys(key_console.cap, &keys)) != 0) {
        printf("bench_term: keys through term: error %d\n", err);
        return 1;
    }
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
    printf("# term_key_to_pixels: a key event into term's ring to its echoed glyph in the "
           "framebuffer and term's REFRESH of it: term's input thread, READ and WRITE of the "
           "echo, term's flush; busy time of %u CPUs per key over %u keys, less the pixel "
           "check (%llu); mag's compositing not included (mag_refresh_char)\n", cpus, KEYS,
           keys.check);
    printf("bench term_key_to_pixels %llu instructions\n", keys.per_key);
    printf("# term_key_background (informative): the same CPUs' busy time with no key over a "
           "key's time (kernel ticks, term's periodic wake-ups), included above\n");
    printf("bench term_key_background %llu instructions\n", keys.background);
    printf("# term_key_to_pixels_local (informative): the same key in one program with "
           "term's code, no IPC, no wake-ups; %u ticks\n", TICKS);
    printf("bench term_key_to_pixels_local %llu instructions\n", key_cost);
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
