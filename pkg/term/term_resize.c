/* SPDX-License-Identifier: MIT */
/*
 * term-resize: term's resizing checked (docs/graphics.md, "term"), run as moe's init
 * program. term runs on a window this program serves (bench_screen.c, a mag window's
 * FRAMEBUFFER and EVENT sides with mag's resizing), with a factory of its own, and this
 * program holds a console session of it, bound with an input bit and a resize bit (BIND's
 * w2). The window is resized as mag does it (a RESIZE event, INFO answering the new size,
 * GET_BUFFER 0 replacing buffer 0), and the checks are on what the protocol answers and
 * on the pixels of the buffer (the font's glyphs where text must be: no libvterm here):
 *
 *   - 640x480 (80x30) with "row 00".."row 29" and the cursor on the last row, shrunk to
 *     320x160: the resize bit arrives, WINDOW_SIZE says 10 rows of 40 columns, the cursor's
 *     row is the last one shown ("row 20".."row 29": the top lines went to the scrollback);
 *     50 letters then wrap after 40;
 *   - grown back to 640x480: the lines come back from the scrollback ("row 02" on top,
 *     the letters on the last two rows) and the widened rows are blank on the right;
 *   - three RESIZE events in one batch: the last size counts;
 *   - 5x7 pixels, less than a cell: a grid of 1x1, text written, nothing refreshed
 *     outside the buffer, then back to 640x480 and drawing again;
 *   - INFO failing, then GET_BUFFER 0 failing: term stays at its size on the old buffer
 *     and still draws; the next resize works;
 *   - the runtime's SIGWINCH (term-winch, a program whose console is a term session):
 *     a resize interrupts its read() and then its select() with EINTR after its handler
 *     ran, TIOCGWINSZ answers the new size, and with SIG_DFL a resize leaves its read
 *     waiting for the line typed afterwards;
 *   - ROUNDS resizes back and forth: afterwards term's memory, term's sessions, objects
 *     and free slots are what they were before, exactly, and so is moe's free memory but
 *     for what this program (the window's server) keeps of its own.
 *
 * Waits poll every 10 ms up to WAIT_TRIES times, long enough for a loaded host; the loop
 * of ROUNDS blocks on the notification. Prints "term-resize: ... ok" lines or FAILED.
 */
#include <pecan/children.h>
#include <pecan/factory.h>
#include <pecan/framebuffer.h>
#include <pecan/log.h>
#include <pecan/protocol/factory.h>
#include <pecan/runtime.h>
#include <pecan/testkit.h>
#include <stdio.h>
#include <string.h>
#include "bench_screen.h"
#include "term_client.h"

#define WAIT_TRIES 3000u       /* 10 ms each */
#define SETTLE_TRIES 1000u
#define ROUNDS 1000u
#define WARM_UP_ROUNDS 4u
#define INPUT_BIT 0x1u
#define RESIZE_BIT 0x2u

extern const uint8_t console_font[];
extern const uint32_t console_font_size;

static struct testkit_rig rig;
static pecan_cap_t term_factory, screen_channel, refreshed, notification;
static struct pecan_session window, session;
static struct psf_font font;
static int failures;

static void check(bool ok, const char *what)
{
    if (!ok) {
        failures++;
        printf("term-resize: %s (FAILED)\n", what);
    }
}

static int set_up(void)
{
    static const char *const term_argv[] = { "term" };
    pecan_cap_t *slots[] = { &term_factory, &screen_channel, &refreshed, &notification };
    int err = testkit_rig_init(&rig, 1u << 20);
    for (unsigned i = 0; i < sizeof(slots) / sizeof(slots[0]) && !err; i++)
        err = pecan_cap_alloc(slots[i]);
    if (!err)
        err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 3u << 20, term_factory);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, screen_channel);
    if (!err)
        err = pecan_factory_create_notification(PECAN_ENV_FACTORY, refreshed);
    if (!err)
        err = pecan_factory_create_notification(rig.clients, notification);
    if (!err)
        err = bench_screen_serve(screen_channel, refreshed, 1);
    if (!err)
        err = pecan_framebuffer_open(screen_channel, PECAN_ENV_FACTORY, &window);
    struct child_cap caps[] = { { "fb", window.cap, PECAN_RIGHTS_ALL },
                                { "term", rig.channel, PECAN_RIGHTS_ALL } };
    struct child_spec spec = { .path = "rom/term.elf", .argc = 1, .argv = term_argv,
                               .factory = term_factory, .cap_count = 2, .caps = caps };
    struct child *child;
    if (!err)
        err = testkit_start("term-resize", &rig.children, &spec, &child);
    if (!err)
        err = pecan_session_open(rig.channel, PECAN_FACTORY_LOG, rig.clients, 0, 0, &session);
    unsigned rows = 0, columns = 0;
    if (!err)   /* answered once term serves, its keys (and resizes) set up before */
        err = term_client_window_size(session.cap, &rows, &columns);
    if (!err && (rows != 30 || columns != 80))
        err = -PECAN_EINVAL;
    if (!err)
        err = term_client_bind_resize(session.cap, notification, INPUT_BIT, RESIZE_BIT);
    return err;
}

static void write_text(const char *text)
{
    int err = pecan_log_write(session.cap, text, (unsigned)strlen(text));
    check(!err, "WRITE refused");
}

/* ---- the pixels ---- */

/* Whether the cell at (row, column) shows c: the font's glyph in two colours, whichever
 * they are (the cursor on the cell swaps them); a space: one colour throughout. */
static bool cell_shows(uint32_t row, uint32_t column, char c)
{
    uint32_t stride = bench_screen_buffer_width(), x = column * font.width, y = row * font.height;
    if (x + font.width > stride)
        return false;
    uint32_t glyph = psf_font_glyph_or_replacement(&font, (uint8_t)c);
    const uint16_t *pixels = bench_screen_pixels();
    uint16_t colour[2] = { 0, 0 };
    bool seen[2] = { false, false };
    for (uint32_t dy = 0; dy < font.height; dy++)
        for (uint32_t dx = 0; dx < font.width; dx++) {
            unsigned ink = psf_font_glyph_pixel(&font, glyph, dx, dy);
            uint16_t pixel = pixels[(y + dy) * stride + x + dx];
            if (!seen[ink]) {
                colour[ink] = pixel;
                seen[ink] = true;
            } else if (colour[ink] != pixel) {
                return false;
            }
        }
    return c == ' ' ? !seen[1] : seen[0] && seen[1] && colour[0] != colour[1];
}

static bool text_shown(uint32_t row, uint32_t column, const char *text)
{
    for (; *text; text++, column++)
        if (!cell_shows(row, column, *text))
            return false;
    return true;
}

/* Until every expectation holds, or the tries run out: false then. */
struct expectation {
    uint32_t row, column;
    const char *text;
};

static bool wait_shown(const struct expectation *e, unsigned count)
{
    for (unsigned t = 0; t < WAIT_TRIES; t++) {
        unsigned held = 0;
        while (held < count && text_shown(e[held].row, e[held].column, e[held].text))
            held++;
        if (held == count)
            return true;
        pecan_sleep_us(10000);
    }
    for (unsigned i = 0; i < count; i++)
        if (!text_shown(e[i].row, e[i].column, e[i].text))
            printf("term-resize: row %lu column %lu does not show \"%s\"\n",
                   (unsigned long)e[i].row, (unsigned long)e[i].column, e[i].text);
    return false;
}

/* ---- the protocol ---- */

/* The resize bit on the bound notification, then WINDOW_SIZE: rows x columns. */
static bool wait_resized(unsigned rows, unsigned columns)
{
    pecan_word_t bits = 0, got;
    for (unsigned t = 0; t < WAIT_TRIES && !(bits & RESIZE_BIT); t++) {
        if (pecan_notification_poll(notification, &got) == 0)
            bits |= got;
        if (!(bits & RESIZE_BIT))
            pecan_sleep_us(10000);
    }
    unsigned r = 0, c = 0;
    int err = term_client_window_size(session.cap, &r, &c);
    if ((bits & RESIZE_BIT) && !err && r == rows && c == columns)
        return true;
    printf("term-resize: resize bit %s, WINDOW_SIZE %u rows %u columns (error %d), not %u x %u\n",
           (bits & RESIZE_BIT) ? "seen" : "not seen", r, c, err, rows, columns);
    return false;
}

static void resize(uint32_t width, uint32_t height, unsigned events)
{
    check(bench_screen_resize(width, height, events), "the RESIZE event could not be put");
}

/* ---- the checks ---- */

static void check_shrink_and_wrap(void)
{
    char text[400];
    int n = snprintf(text, sizeof(text), "\033[H\033[2J");
    for (unsigned i = 0; i < 30; i++)
        n += snprintf(text + n, sizeof(text) - (size_t)n, "row %02u%s", i, i < 29 ? "\r\n" : "");
    write_text(text);
    check(wait_shown((struct expectation[]){ { 0, 0, "row 00" }, { 29, 0, "row 29" } }, 2),
          "80x30: the rows are not shown");
    resize(320, 160, 1);
    check(wait_resized(10, 40), "320x160: not 10 rows of 40 columns");
    check(wait_shown((struct expectation[]){ { 0, 0, "row 20" }, { 5, 0, "row 25" },
                                             { 9, 0, "row 29" } }, 3),
          "shrunk below the cursor: the cursor's row is not the last one shown");
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwx";
    write_text("\r\n");
    write_text(letters);   /* 50: wraps after 40 */
    char first[41], rest[11];
    memcpy(first, letters, 40);
    first[40] = 0;
    memcpy(rest, letters + 40, 10);
    rest[10] = 0;
    check(wait_shown((struct expectation[]){ { 7, 0, "row 29" }, { 8, 0, first },
                                             { 9, 0, rest } }, 3),
          "40 columns: the text does not wrap after 40");
    printf("term-resize: shrunk: the cursor's row kept, text wraps at 40: ok\n");

    resize(640, 480, 1);
    check(wait_resized(30, 80), "640x480: not 30 rows of 80 columns");
    check(wait_shown((struct expectation[]){ { 0, 0, "row 02" }, { 19, 0, "row 21" },
                                             { 27, 0, "row 29" }, { 28, 0, first },
                                             { 29, 0, rest }, { 28, 40, "          " } }, 6),
          "grown: the lines did not come back from the scrollback as they were");
    printf("term-resize: grown: lines back from the scrollback, content top left: ok\n");
}

static void check_batch(void)
{
    resize(560, 240, 3);
    check(wait_resized(15, 70), "three RESIZEs at once: not the last size, 15 x 70");
    write_text("\033[H\033[2Jbatch");
    check(wait_shown((struct expectation[]){ { 0, 0, "batch" } }, 1), "after a batch: no text");
}

static void check_less_than_a_cell(void)
{
    resize(5, 7, 1);
    check(wait_resized(1, 1), "5x7 pixels: not a grid of 1 x 1");
    write_text("\033[2Jhello\r\nworld\r\n\033[1;1Hx");
    unsigned r = 0, c = 0;
    int err = term_client_window_size(session.cap, &r, &c);
    check(!err && r == 1 && c == 1, "1x1: WINDOW_SIZE no longer answers");
    resize(640, 480, 1);
    check(wait_resized(30, 80), "back from 5x7: not 30 x 80");
    write_text("\033[H\033[2Jafter");
    check(wait_shown((struct expectation[]){ { 0, 0, "after" } }, 1),
          "after a window smaller than a cell: no text");
    check(bench_screen_calls().refresh_outside == 0, "a REFRESH outside the buffer");
    printf("term-resize: less than a cell: 1x1, nothing outside the buffer: ok\n");
}

/* Until the screen answered more INFOs (or GET_BUFFERs) than before. */
static bool calls_increase(bool info, unsigned before)
{
    for (unsigned t = 0; t < WAIT_TRIES; t++) {
        struct bench_screen_calls c = bench_screen_calls();
        if ((info ? c.info : c.get_buffer) > before)
            return true;
        pecan_sleep_us(10000);
    }
    return false;
}

static void check_failures(void)
{
    unsigned rows = 0, columns = 0;
    struct bench_screen_calls before = bench_screen_calls();
    bench_screen_fail(1, 0);
    resize(320, 160, 1);
    check(calls_increase(true, before.info), "INFO not asked after a RESIZE");
    /* WINDOW_SIZE waits for term's lock: the resize is over when it answers */
    int err = term_client_window_size(session.cap, &rows, &columns);
    check(!err && rows == 30 && columns == 80, "INFO failed: the size changed");
    write_text("\033[H\033[2Jinfo failed");
    check(wait_shown((struct expectation[]){ { 0, 0, "info failed" } }, 1),
          "INFO failed: term no longer draws");

    before = bench_screen_calls();
    bench_screen_fail(0, 1);
    resize(320, 160, 1);
    check(calls_increase(false, before.get_buffer), "GET_BUFFER 0 not asked after a RESIZE");
    err = term_client_window_size(session.cap, &rows, &columns);
    check(!err && rows == 30 && columns == 80, "GET_BUFFER 0 failed: the size changed");
    write_text("\033[H\033[2Jbuffer failed");
    check(wait_shown((struct expectation[]){ { 0, 0, "buffer failed" } }, 1),
          "GET_BUFFER 0 failed: term no longer draws on the old buffer");

    resize(320, 160, 1);
    check(wait_resized(10, 40), "after the failures: a resize does not work");
    printf("term-resize: INFO and GET_BUFFER 0 failing: old size, old buffer, still drawing: ok\n");
}

/* ---- the runtime's SIGWINCH: term-winch on a session of its own ---- */

static struct child *winch_child;
static bool winch_exited;

/* 10 ms serving the children's parent objects; notes term-winch's exit. */
static void pause_serving(void)
{
    struct child *exited = 0;
    if (children_wait(&rig.children, 10000, &exited) == 0 && exited == winch_child)
        winch_exited = true;
}

static bool wait_shown_serving(const char *text)
{
    for (unsigned t = 0; t < WAIT_TRIES && !winch_exited; t++) {
        if (text_shown(0, 0, text))
            return true;
        pause_serving();
    }
    printf("term-resize: \"%s\" not shown%s\n", text,
           winch_exited ? ": term-winch has ended" : "");
    return false;
}

static bool type(const uint16_t *codes, unsigned count)
{
    bool all = true;
    for (unsigned i = 0; i < count; i++) {
        const struct pecan_event events[2] = {
            { .type = PECAN_EVENT_PRESS, .code = codes[i] },
            { .type = PECAN_EVENT_RELEASE, .code = codes[i] },
        };
        all = bench_screen_send(events, 2) && all;
    }
    return all;
}

/* term-winch's three steps: SIGWINCH interrupting read, then select, then at SIG_DFL not. */
static void check_sigwinch(void)
{
    static const char *const argv[] = { "term-winch", "30", "80", "10", "40" };
    struct pecan_session held;
    pecan_cap_t factory;
    int err = pecan_cap_alloc(&factory);
    if (!err)
        err = pecan_factory_create_factory(rig.clients, 512u << 10, factory);
    if (!err)
        err = pecan_session_open(rig.channel, PECAN_FACTORY_LOG, factory, 0, 0, &held);
    struct child_spec spec = { .path = "rom/term-winch.elf", .argc = 5, .argv = argv,
                               .factory = factory, .log = 0 };
    if (!err) {
        spec.log = held.cap;
        err = testkit_start("term-resize", &rig.children, &spec, &winch_child);
    }
    if (err) {
        printf("term-resize: starting term-winch: error %d (FAILED)\n", err);
        failures++;
        return;
    }
    pecan_cap_release(held.cap);   /* the child holds the only copy */
    bool ok = wait_shown_serving("ready 1");
    if (ok) {
        resize(640, 480, 1);
        ok = wait_resized(30, 80) && wait_shown_serving("ready 2");
    }
    if (ok) {
        resize(320, 160, 1);
        ok = wait_resized(10, 40) && wait_shown_serving("ready 3");
    }
    if (ok) {
        resize(640, 480, 1);   /* SIGWINCH at SIG_DFL: the read goes on */
        ok = wait_resized(30, 80);
        static const uint16_t q_enter[] = { 16, 28 };   /* q, Enter */
        ok = ok && type(q_enter, 2);   /* the read returns it: term-winch exits 0 */
    }
    for (unsigned t = 0; t < WAIT_TRIES && !winch_exited; t++)
        pause_serving();
    int status = winch_exited ? winch_child->status : -1;
    if (!winch_exited)
        children_kill(&rig.children, winch_child);
    check(ok && winch_exited && status == 0, "term-winch: SIGWINCH not as expected");
    if (!ok || !winch_exited || status != 0)
        printf("term-resize: term-winch %s, status %d (10, 11: read; 12, 13: select; 14: "
               "SIG_DFL)\n", winch_exited ? "exited" : "still running", status);
    else
        printf("term-resize: SIGWINCH: read and select interrupted, TIOCGWINSZ new, "
               "SIG_DFL unaffected: ok\n");
}

/* One resize and its bit (blocking: term answered every resize before). */
static int resize_and_wait(uint32_t width, uint32_t height)
{
    if (!bench_screen_resize(width, height, 1))
        return -PECAN_EAGAIN;
    pecan_word_t bits = 0;
    while (!(bits & RESIZE_BIT)) {
        pecan_word_t got;
        int err = pecan_notification_wait(notification, &got);
        if (err)
            return err;
        bits |= got;
    }
    return 0;
}

/* moe's free memory less what this program (the window's server) took: the pages its
 * own bookkeeping keeps after mapping the pixels to term a thousand times are its, not
 * term's. */
static pecan_word_t free_but_ours(const struct testkit_accounts *a)
{
    return a->moe_free + a->used[1];
}

/* Starts at 640x480 (where check_sigwinch ends): every resize changes the size, so each
 * brings the resize bit. */
static void check_accounting(void)
{
    /* term's memory, the clients' (the notification) and term's sessions exactly;
     * moe's free memory exactly but for this program's own */
    struct testkit_watch watch = { .channel = rig.channel, .factory_count = 2,
                                   .factory = { term_factory, rig.clients },
                                   .factory_name = { "term", "clients" } };
    struct testkit_watch memory = { .moe_free = true, .factory_count = 2,
                                    .factory = { term_factory, PECAN_ENV_FACTORY },
                                    .factory_name = { "term", "this program" } };
    int err = 0;
    for (unsigned i = 0; i < WARM_UP_ROUNDS && !err; i++)
        err = resize_and_wait(i % 2 ? 640 : 320, i % 2 ? 480 : 160);
    struct testkit_accounts before = testkit_measure(&watch), after;
    struct testkit_accounts memory_before = testkit_measure(&memory), memory_after;
    for (unsigned i = 0; i < ROUNDS && !err && !before.error && !memory_before.error; i++)
        err = resize_and_wait(i % 2 ? 640 : 320, i % 2 ? 480 : 160);
    if (err || before.error || memory_before.error) {
        printf("term-resize: %u resizes: error %d (FAILED)\n", ROUNDS,
               err ? err : before.error ? before.error : memory_before.error);
        failures++;
        return;
    }
    unsigned rows = 0, columns = 0;
    err = term_client_window_size(session.cap, &rows, &columns);
    check(!err && rows == 30 && columns == 80, "after the rounds: not 30 x 80");
    write_text("\033[H\033[2Jstill here");
    check(wait_shown((struct expectation[]){ { 0, 0, "still here" } }, 1),
          "after the rounds: no text");
    if (!testkit_settle(&watch, &before, SETTLE_TRIES, &after)) {
        testkit_print_accounts("term-resize", &watch, &before, &after, true);
        failures++;
        return;
    }
    bool same = false;
    for (unsigned t = 0; t < SETTLE_TRIES && !same; t++) {
        memory_after = testkit_measure(&memory);
        same = !memory_after.error && free_but_ours(&memory_after) == free_but_ours(&memory_before);
        if (!same)
            pecan_sleep_us(10000);
    }
    testkit_print_accounts("term-resize", &memory, &memory_before, &memory_after, !same);
    if (!same) {
        failures++;
        return;
    }
    printf("term-resize: %u resizes back and forth: accounting exact\n", ROUNDS);
}

int main(void)
{
    if (psf_font_open(&font, console_font, console_font_size) != PSF_OK) {
        printf("term-resize: the font (FAILED)\n");
        return 1;
    }
    static struct psf_index_entry index[2048];
    if (font.unicode_entry_count <= 2048)
        psf_font_build_index(&font, index, 2048);
    int err = set_up();
    if (err) {
        printf("term-resize: setting up: error %d (FAILED)\n", err);
        return 100;
    }
    check_shrink_and_wrap();
    if (!failures)
        check_batch();
    if (!failures)
        check_less_than_a_cell();
    if (!failures)
        check_failures();
    if (!failures)
        check_sigwinch();
    if (!failures)
        check_accounting();
    if (failures)
        return 1;
    printf("term-resize: all checks passed\n");
    return 0;
}
