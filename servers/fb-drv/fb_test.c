/* SPDX-License-Identifier: MIT */
/*
 * fb-test: fb-drv's test (docs/graphics.md), run as moe's init program so it holds the
 * root IOMEM: it hands fb-drv what a boot script would (a view of the PL111's registers
 * and a contiguous frame it makes), starts it with the children library on a factory of its
 * own, and checks the FRAMEBUFFER protocol through the stub (pecan/framebuffer.h). Every case
 * prints "fb-test: <case>: ok" or a line with FAILED; the exit status is the number of
 * failed checks.
 *
 *  modes        640x480x16, 800x600x16, 1024x768x32 and 800x600x32 on the PL111: INFO
 *               (size, line, format, AUTO_REFRESH, one fixed view and buffer), buffer 0
 *               the frame's size, and pixels written through a session's mapping are in
 *               the script's frame and back (the test maps the frame too)
 *  ram_only     no "iomem" and no "frame": fb-drv makes its frame from its own quota
 *  bad_starts   a mode it lacks, an unknown argument, no "fb", the PL111 without a frame,
 *               a frame too small or not contiguous, registers that are no PL111: each a
 *               non-zero exit and nothing left at moe
 *  protocol     fixed view and buffer, ENOSYS for mag's operations, refresh rectangles
 *               (empty, outside, wrapping), short messages, other labels, the buffer's
 *               DATASPACE operations (MAP out of range or executable, INFO without a
 *               physical address, CLEAR in bounded steps, ALLOCATE, COPY_IN), options
 *  sharing      two sessions show the same pixels
 *  clients_die  fb-pattern draws and crashes with its buffer mapped and its session
 *               open; another is killed: fb-drv's sessions are back, the pattern stays on
 *               the screen, and fb-drv answers
 *  cycles       200 sessions opened, mapped, drawn on, unmapped and closed: moe's free
 *               memory, the client's and fb-drv's quota, fb-drv's sessions, objects and
 *               free slots exactly back
 *  restart      fb-drv killed and started again on the same channel and frame: a new
 *               session works on a cleared screen; the old session gets no answer
 *  end          everything released: moe's free memory as at the start
 */
#include <pecan/children.h>
#include <pecan/dataspace.h>
#include <pecan/framebuffer.h>
#include <pecan/iomem.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/testkit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mode.h"

#define PL111 0x10020000u
#define UART1 0x1000A000u
#define DRIVER_QUOTA (2u << 20)
#define CLIENT_QUOTA (1u << 20)
#define FRAMES_QUOTA (8u << 20)
#define CYCLES 200u
#define SETTLE_TRIES 1000u   /* 10 ms each: a loaded host slows the guest */
#define EXIT_WAIT_US 20000000u

static int failures;
static struct children children;
static pecan_cap_t channel, registers, uart, client_factory, frames;

static void check(const char *name, int ok, const char *what, long value)
{
    if (!ok)
        printf("fb-test: %s: FAILED: %s (%ld)\n", name, what, value);
    failures += !ok;
}

static void passed(const char *name, int failures_before)
{
    if (failures == failures_before)
        printf("fb-test: %s: ok\n", name);
}

/* ---- fb-drv and its frame ---------------------------------------------------------------- */

struct driver {
    struct child *child;
    pecan_cap_t factory;
};

/* Starts fb-drv with arguments (a NULL-ended list after the program's name) and the
 * capabilities a script would give: the channel (unless without_channel), the PL111's
 * registers (iomem, or 0) and frame (or 0). */
static int start_driver(struct driver *d, const char *const *arguments, pecan_cap_t iomem,
                        pecan_cap_t frame, bool without_channel)
{
    const char *argv[8] = { "fb-drv" };
    unsigned argc = 1;
    while (arguments && arguments[argc - 1] && argc < 8) {
        argv[argc] = arguments[argc - 1];
        argc++;
    }
    struct child_cap caps[3];
    unsigned count = 0;
    if (!without_channel)
        caps[count++] = (struct child_cap){ "fb", channel, PECAN_RIGHTS_ALL };
    if (iomem)
        caps[count++] = (struct child_cap){ "iomem", iomem, PECAN_RIGHTS_ALL };
    if (frame)
        caps[count++] = (struct child_cap){ "frame", frame, PECAN_RIGHTS_ALL };
    d->factory = testkit_slot();
    int err = pecan_factory_create_named_factory(PECAN_ENV_FACTORY, DRIVER_QUOTA, "fb-drv",
                                                 d->factory);
    struct child_spec spec = {
        .path = "rom/fb-drv.elf", .argc = argc, .argv = argv, .factory = d->factory,
        .cap_count = count, .caps = caps,
    };
    if (err) {
        printf("fb-test: fb-drv's factory not made (%d)\n", err);
        return err;
    }
    return testkit_start("fb-test", &children, &spec, &d->child);
}

/* Waits for a child to end (it must within EXIT_WAIT_US): its status, or 1000. */
static int wait_exit(struct child *child)
{
    struct child *exited;
    while (children_wait(&children, EXIT_WAIT_US, &exited) == 0)
        if (exited == child)
            return child->status;
    return 1000;
}

/* Ends fb-drv (if it still runs) and gives back everything it had. */
static void stop_driver(struct driver *d)
{
    if (!d->child->exited) {
        children_kill(&children, d->child);
        wait_exit(d->child);
    }
    children_release(&children, d->child);
    pecan_factory_destroy(PECAN_ENV_FACTORY, d->factory);
    pecan_cap_release(d->factory);
}

struct frame {
    pecan_cap_t ds;
    pecan_word_t size, physical;
    uint8_t *pixels;   /* the test's own mapping */
};

static int make_frame(struct frame *f, pecan_word_t size, unsigned flags)
{
    f->ds = testkit_slot();
    f->size = size;
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    int err = pecan_factory_create_dataspace(frames, size, flags, 0, f->ds, &f->physical);
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &at, size,
                              PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, f->ds, 0);
    f->pixels = (uint8_t *)(uintptr_t)at;
    return err;
}

static void free_frame(struct frame *f)
{
    pecan_rm_detach(PECAN_ENV_RM, (pecan_word_t)(uintptr_t)f->pixels, 0, 0);
    pecan_cap_release(f->ds);   /* moe frees a dataspace with its last capability */
}

/* ---- what must come back ----------------------------------------------------------------- */

/* Moe's free memory, the client's quota and, with a driver, fb-drv's quota, sessions,
 * objects and free slots (pecan/testkit.h). */
enum { CLIENT, DRIVER };   /* the factories watched */

static struct testkit_watch watch(const struct driver *d)
{
    struct testkit_watch w = { .channel = d ? channel : 0, .moe_free = true,
                               .factory_count = d ? 2 : 1,
                               .factory = { [CLIENT] = client_factory,
                                            [DRIVER] = d ? d->factory : 0 },
                               .factory_name = { [CLIENT] = "client", [DRIVER] = "fb-drv" } };
    return w;
}

static struct testkit_accounts measure(const struct driver *d)
{
    struct testkit_watch w = watch(d);
    return testkit_measure(&w);
}

static bool same(const struct driver *d, const struct testkit_accounts *a,
                 const struct testkit_accounts *b)
{
    struct testkit_watch w = watch(d);
    return testkit_same(&w, a, b);
}

/* A close is seen by fb-drv's no-clients watch a little later: wait for the figures. */
static struct testkit_accounts settle(const struct driver *d, const struct testkit_accounts *want)
{
    struct testkit_watch w = watch(d);
    struct testkit_accounts now;
    testkit_settle(&w, want, SETTLE_TRIES, &now);
    return now;
}

static void report(const char *name, const struct driver *d, const struct testkit_accounts *a,
                   const struct testkit_accounts *b)
{
    struct testkit_watch w = watch(d);
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "fb-test: %s", name);
    testkit_print_accounts(prefix, &w, a, b, false);
}

/* ---- cases ------------------------------------------------------------------------------- */

static bool info_is(const struct pecan_framebuffer_info *i, const struct fb_mode *m)
{
    return i->width == m->width && i->height == m->height &&
           i->bytes_per_line == m->bytes_per_line && pixel_format_equal(&i->format, m->format) &&
           i->flags == PECAN_FRAMEBUFFER_AUTO_REFRESH && i->views == 1 && i->buffers == 1;
}

/* Pixels through the session's mapping land in the frame, and the other way round. */
static void check_pixels(const char *name, const struct pecan_framebuffer_mapping *screen,
                         const struct frame *f)
{
    const struct surface *s = &screen->surface;
    uint32_t red = pixel_format_pack(&s->format, (struct color){ 0xFF, 0, 0 });
    uint32_t last = (s->height - 1) * s->bytes_per_line + (s->width - 1) * s->format.bits_per_pixel / 8;
    surface_fill_rectangle(s, (int32_t)s->width - 1, (int32_t)s->height - 1, 1, 1, red);
    uint32_t in_frame = s->format.bits_per_pixel == 16 ? *(volatile uint16_t *)(f->pixels + last)
                                                       : *(volatile uint32_t *)(f->pixels + last);
    check(name, in_frame == red, "the last pixel is not in the frame", (long)in_frame);
    f->pixels[0] = 0x5A;
    check(name, s->pixels[0] == 0x5A, "the frame's first byte is not on the screen", s->pixels[0]);
}

static void one_mode(const char *name)
{
    int before = failures;
    struct fb_mode mode;
    fb_mode_find(name, &mode);
    struct frame f;
    struct driver d;
    const char *mode_option[] = { 0, 0 };
    char option[32];
    snprintf(option, sizeof(option), "--mode=%s", name);
    mode_option[0] = option;
    int err = make_frame(&f, mode.frame_size, PECAN_DATASPACE_CONTIGUOUS);
    check(name, err == 0, "making the frame", err);
    if (err || start_driver(&d, mode_option, registers, f.ds, false)) {
        check(name, 0, "starting fb-drv", 0);
        return;
    }
    struct pecan_session session;
    struct pecan_framebuffer_mapping screen = { .buffer = 0 };
    err = pecan_framebuffer_open(channel, client_factory, &session);
    if (!err)
        err = pecan_framebuffer_map(session.cap, &screen);
    check(name, err == 0, "open and map", err);
    if (!err) {
        check(name, info_is(&screen.info, &mode), "INFO", (long)screen.info.width);
        check(name, screen.size == mode.frame_size, "buffer 0's size", (long)screen.size);
        check_pixels(name, &screen, &f);
    }
    pecan_framebuffer_unmap(&screen);
    pecan_session_close(&session);
    stop_driver(&d);
    free_frame(&f);
    if (failures == before)
        printf("fb-test: modes: %s: ok\n", name);
}

static void ram_only(void)
{
    int before = failures;
    struct driver d;
    if (start_driver(&d, 0, 0, 0, false)) {
        check("ram_only", 0, "starting fb-drv", 0);
        return;
    }
    struct fb_mode mode;
    fb_mode_find(FB_MODE_DEFAULT, &mode);
    struct pecan_session session;
    struct pecan_framebuffer_mapping screen = { .buffer = 0 };
    int err = pecan_framebuffer_open(channel, client_factory, &session);
    if (!err)
        err = pecan_framebuffer_map(session.cap, &screen);
    check("ram_only", err == 0, "open and map", err);
    if (!err) {
        check("ram_only", info_is(&screen.info, &mode), "INFO", (long)screen.info.width);
        screen.surface.pixels[screen.size - 1] = 0xA5;   /* the last page is writable */
        check("ram_only", screen.surface.pixels[screen.size - 1] == 0xA5, "last byte", 0);
    }
    struct pecan_factory_info info;
    pecan_factory_info(d.factory, &info);
    check("ram_only", info.used >= mode.frame_size, "the frame not on fb-drv's quota", (long)info.used);
    pecan_framebuffer_unmap(&screen);
    pecan_session_close(&session);
    stop_driver(&d);
    passed("ram_only", before);
}

struct bad_start {
    const char *what;
    const char *arguments[3];
    bool registers, uart, frame, small_frame, anonymous_frame, without_channel;
    int status;
};

static const struct bad_start bad_starts[] = {
    { "a mode it lacks", { "--mode=640x480x24" }, .registers = true, .frame = true, .status = 2 },
    { "an empty mode", { "--mode=" }, .status = 2 },
    { "a mode with trailing text", { "--mode=640x480x16x" }, .status = 2 },
    { "an unknown argument", { "--depth=16" }, .status = 2 },
    { "no \"fb\"", { 0 }, .without_channel = true, .status = 2 },
    { "the PL111 without a frame", { 0 }, .registers = true, .status = 2 },
    { "a frame too small", { 0 }, .registers = true, .small_frame = true, .status = 1 },
    { "a frame not contiguous", { 0 }, .registers = true, .anonymous_frame = true, .status = 1 },
    { "registers of a UART", { 0 }, .uart = true, .frame = true, .status = 1 },
};

static void one_bad_start(const struct bad_start *b, struct fb_mode *mode)
{
    struct frame f = { .ds = 0 };
    int err = 0;
    if (b->frame)
        err = make_frame(&f, mode->frame_size, PECAN_DATASPACE_CONTIGUOUS);
    else if (b->small_frame)
        err = make_frame(&f, FB_PAGE_SIZE, PECAN_DATASPACE_CONTIGUOUS);
    else if (b->anonymous_frame)
        err = make_frame(&f, mode->frame_size, 0);
    struct driver d;
    pecan_cap_t iomem = b->registers ? registers : b->uart ? uart : 0;
    if (err || start_driver(&d, b->arguments, iomem, f.ds, b->without_channel)) {
        check("bad_starts", 0, b->what, err);
        return;
    }
    int status = wait_exit(d.child);
    if (status != b->status)
        printf("fb-test: bad_starts: %s: exit status %d, expected %d (FAILED)\n", b->what,
               status, b->status);
    failures += status != b->status;
    stop_driver(&d);
    if (f.ds)
        free_frame(&f);
}

static void bad_starts_case(void)
{
    int before = failures;
    struct fb_mode mode;
    fb_mode_find(FB_MODE_DEFAULT, &mode);
    struct testkit_accounts start = measure(0);
    for (unsigned i = 0; i < sizeof(bad_starts) / sizeof(bad_starts[0]); i++)
        one_bad_start(&bad_starts[i], &mode);
    struct testkit_accounts end = settle(0, &start);
    check("bad_starts", end.moe_free == start.moe_free, "moe's free memory",
          (long)(end.moe_free - start.moe_free));
    passed("bad_starts", before);
}

/* A raw message on the session: label, words; the error it gets. */
static int raw(pecan_cap_t to, int label, const pecan_word_t *words, unsigned count)
{
    struct pecan_message m;
    for (unsigned i = 0; i < count; i++)
        m.word[i] = words[i];
    m.tag = pecan_tag(label, count, 0);
    return pecan_error(pecan_ipc_call(to, &m, PECAN_TIMEOUT_NEVER));
}

static void protocol_views(pecan_cap_t fb, const struct fb_mode *mode)
{
    struct pecan_framebuffer_view v;
    int err = pecan_framebuffer_view_info(fb, 0, &v);
    check("protocol", err == 0 && v.flags == PECAN_FRAMEBUFFER_VIEW_FIXED && v.x == 0 &&
                          v.y == 0 && v.width == mode->width && v.height == mode->height &&
                          v.buffer == 0 && v.offset == 0 && v.bytes_per_line == mode->bytes_per_line,
          "VIEW_INFO of the fixed view", err);
    check("protocol", pecan_framebuffer_view_info(fb, 1, &v) == -PECAN_ENOENT, "view 1", 0);
    check("protocol", pecan_framebuffer_view_info(fb, ~0u, &v) == -PECAN_ENOENT, "view ~0", 0);
    pecan_cap_t dest = testkit_slot();
    uint32_t index;
    check("protocol", pecan_framebuffer_get_buffer(fb, 1, dest, 0) == -PECAN_ENOENT, "buffer 1", 0);
    check("protocol", pecan_framebuffer_create_buffer(fb, 4096, dest, &index) == -PECAN_ENOSYS,
          "CREATE_BUFFER", 0);
    check("protocol", pecan_framebuffer_create_view(fb, &index) == -PECAN_ENOSYS, "CREATE_VIEW", 0);
    check("protocol", pecan_framebuffer_delete_view(fb, 0) == -PECAN_ENOSYS, "DELETE_VIEW", 0);
    check("protocol", pecan_framebuffer_delete_buffer(fb, 0) == -PECAN_ENOSYS, "DELETE_BUFFER", 0);
    check("protocol", pecan_framebuffer_set_view(fb, 0, PECAN_FRAMEBUFFER_SET_POSITION, &v) ==
                          -PECAN_ENOSYS, "SET_VIEW", 0);
    check("protocol", pecan_framebuffer_stack_view(fb, 0, PECAN_FRAMEBUFFER_NO_VIEW, false) ==
                          -PECAN_ENOSYS, "STACK_VIEW", 0);
    pecan_cap_free(dest);
}

static void protocol_refresh(pecan_cap_t fb, const struct fb_mode *mode)
{
    uint32_t w = mode->width, h = mode->height;
    static const char what[] = "REFRESH";
    check("protocol", pecan_framebuffer_refresh(fb, 0, 0, w, h) == 0, what, 0);
    check("protocol", pecan_framebuffer_refresh(fb, w - 1, h - 1, 1, 1) == 0, what, 1);
    check("protocol", pecan_framebuffer_refresh(fb, 0, 0, 0, 1) == -PECAN_EINVAL, what, 2);
    check("protocol", pecan_framebuffer_refresh(fb, 0, 0, 1, 0) == -PECAN_EINVAL, what, 3);
    check("protocol", pecan_framebuffer_refresh(fb, 1, 0, w, h) == -PECAN_ERANGE, what, 4);
    check("protocol", pecan_framebuffer_refresh(fb, 0, h, 1, 1) == -PECAN_ERANGE, what, 5);
    check("protocol", pecan_framebuffer_refresh(fb, ~0u, 0, 2, 1) == -PECAN_ERANGE, what, 6);
    check("protocol", pecan_framebuffer_refresh(fb, 0, 1, 1, ~0u) == -PECAN_ERANGE, what, 7);
    check("protocol", pecan_framebuffer_refresh_view(fb, 0, 0, 0, w, h) == 0, what, 8);
    check("protocol", pecan_framebuffer_refresh_view(fb, 0, 0x80000000u, 0, 0x80000000u, 1) ==
                          -PECAN_ERANGE, what, 9);
    check("protocol", pecan_framebuffer_refresh_view(fb, 1, 0, 0, 1, 1) == -PECAN_ENOENT, what, 10);
}

static void protocol_messages(pecan_cap_t fb)
{
    const pecan_word_t refresh[] = { PECAN_FRAMEBUFFER_REFRESH, 0, 0, 1 };
    const pecan_word_t unknown[] = { 11 }, huge[] = { ~0u }, map[] = { PECAN_DATASPACE_MAP, 0 };
    check("protocol", raw(fb, PECAN_PROTO_FRAMEBUFFER, 0, 0) == -PECAN_EMSGTOOSHORT, "no words", 0);
    check("protocol", raw(fb, PECAN_PROTO_FRAMEBUFFER, refresh, 4) == -PECAN_EMSGTOOSHORT,
          "REFRESH of 4 words", 0);
    check("protocol", raw(fb, PECAN_PROTO_FRAMEBUFFER, unknown, 1) == -PECAN_ENOSYS, "op 11", 0);
    check("protocol", raw(fb, PECAN_PROTO_FRAMEBUFFER, huge, 1) == -PECAN_ENOSYS, "op ~0", 0);
    check("protocol", raw(fb, PECAN_PROTO_DATASPACE, map, 2) == -PECAN_EMSGTOOSHORT, "MAP of 2 words", 0);
    check("protocol", raw(fb, PECAN_PROTO_ECHO, unknown, 1) == -PECAN_EBADPROTO, "another label", 0);
    check("protocol", raw(fb, PECAN_LABEL_PAGE_FAULT, map, 2) == -PECAN_EBADPROTO, "a fault label", 0);
}

static void protocol_dataspace(pecan_cap_t fb, const struct fb_mode *mode)
{
    pecan_cap_t buffer = testkit_slot(), other = testkit_slot();
    pecan_word_t size = 0;
    int err = pecan_framebuffer_get_buffer(fb, 0, buffer, &size);
    check("protocol", err == 0 && size == mode->frame_size, "GET_BUFFER", err);
    struct pecan_dataspace_info info;
    err = pecan_dataspace_info(buffer, &info);
    check("protocol", err == 0 && info.size == mode->frame_size && info.flags == 0 &&
                          info.phys == 0xFFFFFFFFu, "the buffer's INFO", (long)info.phys);
    pecan_word_t window = PECAN_ENV_FREE_BASE;
    err = pecan_rm_reserve(PECAN_ENV_RM, &window, FB_PAGE_SIZE, PECAN_RM_SEARCH_ADDRESS);
    check("protocol", err == 0, "a window", err);
    static const char what[] = "MAP";
    check("protocol", pecan_dataspace_map(buffer, mode->frame_size, PECAN_MAP_READ, window, 12, 0) ==
                          -PECAN_ERANGE, what, 0);
    check("protocol", pecan_dataspace_map(buffer, ~0u, PECAN_MAP_READ, window, 12, 0) ==
                          -PECAN_ERANGE, what, 1);
    check("protocol", pecan_dataspace_map(buffer, 0, PECAN_MAP_READ | PECAN_MAP_EXECUTE, window, 12,
                                          0) == -PECAN_EPERM, what, 2);
    check("protocol", pecan_dataspace_map(buffer, 0, PECAN_MAP_READ | 0x100, window, 12, 0) ==
                          -PECAN_EINVAL, what, 3);
    pecan_word_t mapped = 0;
    err = pecan_dataspace_map(buffer, mode->frame_size - 1, PECAN_MAP_READ | PECAN_MAP_WRITE,
                              window, 12, &mapped);
    check("protocol", err == 0 && mapped == window, what, err);
    uint8_t *page = (uint8_t *)(uintptr_t)window;
    memset(page, 0x77, FB_PAGE_SIZE);
    err = pecan_dataspace_clear(buffer, mode->frame_size - FB_PAGE_SIZE, FB_PAGE_SIZE);
    check("protocol", err == 0 && page[0] == 0 && page[FB_PAGE_SIZE - 1] == 0, "CLEAR", err);
    check("protocol", pecan_dataspace_clear(buffer, 0, mode->frame_size) == 0, "CLEAR all", 0);
    check("protocol", pecan_dataspace_clear(buffer, FB_PAGE_SIZE, mode->frame_size) == -PECAN_ERANGE,
          "CLEAR beyond the end", 0);
    check("protocol", pecan_dataspace_allocate(buffer, 0, mode->frame_size) == 0, "ALLOCATE", 0);
    check("protocol", pecan_dataspace_copy_in(buffer, 0, buffer, 0, FB_PAGE_SIZE) == -PECAN_ENOSYS,
          "COPY_IN", 0);
    pecan_vspace_unmap(PECAN_ENV_VSPACE, window, 12, PECAN_UNMAP_OWN);
    pecan_rm_free_area(PECAN_ENV_RM, window);
    /* The buffer is the session: it answers FRAMEBUFFER too. */
    struct pecan_framebuffer_info fi;
    check("protocol", pecan_framebuffer_info(buffer, &fi) == 0, "INFO through the buffer", 0);
    pecan_cap_release(buffer);
    pecan_cap_free(other);
}

static void protocol_options(void)
{
    const pecan_word_t option = 1;
    struct pecan_session s;
    int err = pecan_session_open(channel, PECAN_PROTO_FRAMEBUFFER, client_factory, &option, 1, &s);
    check("protocol", err == -PECAN_EINVAL, "an open with options", err);
    if (!err)
        pecan_session_close(&s);
}

static int one_cycle(void);

static void protocol(const struct driver *d, const struct fb_mode *mode)
{
    int before = failures;
    one_cycle();   /* warm-up: fb-drv's heap and stack */
    struct testkit_accounts start = measure(d);
    struct pecan_session session;
    int err = pecan_framebuffer_open(channel, client_factory, &session);
    check("protocol", err == 0, "open", err);
    if (err)
        return;
    protocol_views(session.cap, mode);
    protocol_refresh(session.cap, mode);
    protocol_messages(session.cap);
    protocol_dataspace(session.cap, mode);
    protocol_options();
    pecan_session_close(&session);
    struct testkit_accounts end = settle(d, &start);
    report("protocol", d, &start, &end);
    check("protocol", same(d, &start, &end), "not back at the baseline", 0);
    passed("protocol", before);
}

static void sharing(void)
{
    int before = failures;
    struct pecan_session a, b;
    struct pecan_framebuffer_mapping sa = { .buffer = 0 }, sb = { .buffer = 0 };
    int err = pecan_framebuffer_open(channel, client_factory, &a);
    if (!err)
        err = pecan_framebuffer_open(channel, client_factory, &b);
    if (!err)
        err = pecan_framebuffer_map(a.cap, &sa);
    if (!err)
        err = pecan_framebuffer_map(b.cap, &sb);
    check("sharing", err == 0, "two sessions mapped", err);
    if (!err) {
        for (uint32_t i = 0; i < sa.size; i += 4093)
            sa.surface.pixels[i] = (uint8_t)(i * 7);
        bool equal = true;
        for (uint32_t i = 0; i < sb.size; i += 4093)
            equal &= sb.surface.pixels[i] == (uint8_t)(i * 7);
        check("sharing", equal, "session b sees other pixels than a drew", 0);
    }
    pecan_framebuffer_unmap(&sa);
    pecan_framebuffer_unmap(&sb);
    pecan_session_close(&a);
    pecan_session_close(&b);
    passed("sharing", before);
}

static int start_client(const char *option, pecan_cap_t factory, struct child **child)
{
    const char *argv[] = { "fb-pattern", option };
    struct child_cap caps[] = { { "fb_server", channel, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT } };
    struct child_spec spec = {
        .path = "rom/fb-pattern.elf", .argc = 2, .argv = argv, .factory = factory,
        .cap_count = 1, .caps = caps,
    };
    return testkit_start("fb-test", &children, &spec, child);
}

static void clients_die(const struct driver *d, const struct frame *f)
{
    int before = failures;
    struct testkit_accounts start = measure(d);
    pecan_cap_t factory = testkit_slot();
    struct child *crasher, *holder;
    int err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 4u << 20, factory);
    if (!err)
        err = start_client("--crash", factory, &crasher);
    check("clients_die", err == 0 && wait_exit(crasher) == CHILD_STATUS_CRASHED,
          "fb-pattern --crash did not crash", err);
    if (!err)
        children_release(&children, crasher);
    /* The pattern stays: the red marker at the top left, drawn last. */
    uint16_t red = (uint16_t)pixel_format_pack(&pixel_format_rgb565, (struct color){ 0xFF, 0, 0 });
    check("clients_die", *(volatile uint16_t *)f->pixels == red, "the pattern is gone",
          *(volatile uint16_t *)f->pixels);
    if (!err)
        err = start_client("--hold", factory, &holder);
    if (!err) {
        struct pecan_session_info info = { 0 };
        for (unsigned i = 0; i < SETTLE_TRIES && info.open <= start.server.open; i++) {
            pecan_sleep_us(10000);
            pecan_session_info(channel, &info);
        }
        check("clients_die", info.open == start.server.open + 1, "fb-pattern --hold's session",
              (long)info.open);
        children_kill(&children, holder);
        check("clients_die", wait_exit(holder) == CHILD_STATUS_KILLED, "not killed", 0);
        children_release(&children, holder);
    }
    pecan_factory_destroy(PECAN_ENV_FACTORY, factory);
    pecan_cap_release(factory);
    struct testkit_accounts end = settle(d, &start);
    report("clients_die", d, &start, &end);
    check("clients_die", same(d, &start, &end), "not back at the baseline", 0);
    struct pecan_framebuffer_info info;
    struct pecan_session s;
    err = pecan_framebuffer_open(channel, client_factory, &s);
    if (!err)
        err = pecan_framebuffer_info(s.cap, &info);
    check("clients_die", err == 0, "fb-drv answers no more", err);
    pecan_session_close(&s);
    passed("clients_die", before);
}

static int one_cycle(void)
{
    struct pecan_session s;
    struct pecan_framebuffer_mapping m = { .buffer = 0 };
    int err = pecan_framebuffer_open(channel, client_factory, &s);
    if (!err)
        err = pecan_framebuffer_map(s.cap, &m);
    if (!err)
        surface_fill_rectangle(&m.surface, 0, 0, 16, 16, 0xFFFF);
    pecan_framebuffer_unmap(&m);
    pecan_session_close(&s);
    return err;
}

static void cycles(const struct driver *d)
{
    int before = failures;
    one_cycle();   /* warm-up: fb-drv's heap, our slots and page tables */
    struct testkit_accounts start = measure(d);
    int err = 0;
    unsigned done = 0;
    for (; done < CYCLES && !err; done++)
        err = one_cycle();
    check("cycles", err == 0, "open, map, draw, unmap, close", err);
    struct testkit_accounts end = settle(d, &start);
    report("cycles", d, &start, &end);
    check("cycles", same(d, &start, &end), "not back at the baseline", (long)done);
    passed("cycles", before);
}

static void restart(struct driver *d, const struct frame *f)
{
    int before = failures;
    struct pecan_session old;
    int err = pecan_framebuffer_open(channel, client_factory, &old);
    check("restart", err == 0, "open", err);
    stop_driver(d);
    const char *arguments[] = { "--mode=" FB_MODE_DEFAULT, 0 };
    if (start_driver(d, arguments, registers, f->ds, false)) {
        check("restart", 0, "starting fb-drv again", 0);
        return;
    }
    struct pecan_session fresh;
    struct pecan_framebuffer_info info;
    err = pecan_framebuffer_open(channel, client_factory, &fresh);
    if (!err)
        err = pecan_framebuffer_info(fresh.cap, &info);
    check("restart", err == 0 && info.width == 640, "a session at the new fb-drv", err);
    check("restart", *(volatile uint16_t *)f->pixels == 0, "the screen not cleared",
          *(volatile uint16_t *)f->pixels);
    struct pecan_message m = { .tag = pecan_tag(PECAN_PROTO_FRAMEBUFFER, 1, 0),
                               .word = { PECAN_FRAMEBUFFER_INFO } };
    struct pecan_reply r = pecan_ipc_call(old.cap, &m, pecan_timeout_us(100000));
    check("restart", r.ipc_status != PECAN_IPC_OK, "the old session answered", (long)r.ipc_status);
    pecan_session_close(&old);
    pecan_session_close(&fresh);
    passed("restart", before);
}

/* What the test's own memory grows by once, so that moe's free memory can be compared
 * across it: the children library keeps a parent gate per child that ran at the same time (two
 * at most here: fb-drv and a client), and moe gives our address space a page table per MiB
 * used, which stays (the frames and mappings here stay below 16 MiB from the free base).
 * main also runs the first mode once before it measures: that first run costs a page
 * for good (moe's or ours), the later ones nothing. */
static int warm_up(void)
{
    static const char *const argv[] = { "hello" };
    struct child_spec spec = {
        .path = "rom/hello.elf", .argc = 1, .argv = argv, .factory = PECAN_ENV_FACTORY,
    };
    struct child *first, *second;
    int err = children_init(&children, PECAN_ENV_FACTORY);
    if (!err)
        err = testkit_start("fb-test", &children, &spec, &first);
    if (!err)
        err = testkit_start("fb-test", &children, &spec, &second);
    if (!err && (wait_exit(first) != 0 || wait_exit(second) != 0))
        err = -PECAN_EINVAL;
    if (!err) {
        children_release(&children, first);
        children_release(&children, second);
    }
    pecan_word_t area = PECAN_ENV_FREE_BASE;
    if (!err)
        err = pecan_rm_reserve(PECAN_ENV_RM, &area, 16u << 20, PECAN_RM_SEARCH_ADDRESS);
    if (!err)
        err = pecan_rm_free_area(PECAN_ENV_RM, area);
    return err;
}

static int set_up(void)
{
    pecan_cap_t iomem = pecan_env_cap("iomem");
    channel = testkit_slot();
    registers = testkit_slot();
    uart = testkit_slot();
    client_factory = testkit_slot();
    frames = testkit_slot();
    int err = iomem ? 0 : -PECAN_ENOENT;
    if (!err)
        err = pecan_factory_create_named_factory(PECAN_ENV_FACTORY, CLIENT_QUOTA, "client",
                                                 client_factory);
    if (!err)
        err = pecan_factory_create_named_factory(PECAN_ENV_FACTORY, FRAMES_QUOTA, "frames", frames);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, channel);
    if (!err)
        err = pecan_iomem_view(iomem, PECAN_ENV_FACTORY, PL111, 0x1000, registers);
    if (!err)
        err = pecan_iomem_view(iomem, PECAN_ENV_FACTORY, UART1, 0x1000, uart);
    return err;
}

static void tear_down(void)
{
    pecan_factory_destroy(PECAN_ENV_FACTORY, client_factory);
    pecan_factory_destroy(PECAN_ENV_FACTORY, frames);
    pecan_factory_release(PECAN_ENV_FACTORY, channel);
    pecan_cap_release(client_factory);
    pecan_cap_release(frames);
    pecan_cap_free(channel);
    pecan_cap_release(registers);
    pecan_cap_release(uart);
}

int main(void)
{
    struct pecan_factory_info start, end;
    static const char *const modes[] = { "640x480x16", "800x600x16", "1024x768x32", "800x600x32" };
    if (warm_up() || set_up()) {
        printf("fb-test: setting up (FAILED)\n");
        return 100;
    }
    one_mode(modes[0]);
    tear_down();
    pecan_factory_info(PECAN_ENV_FACTORY, &start);
    if (set_up()) {
        printf("fb-test: setting up (FAILED)\n");
        return 100;
    }
    for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
        one_mode(modes[i]);
    ram_only();
    bad_starts_case();
    struct fb_mode mode;
    fb_mode_find(FB_MODE_DEFAULT, &mode);
    struct frame f;
    struct driver d;
    const char *arguments[] = { "--mode=" FB_MODE_DEFAULT, 0 };
    if (make_frame(&f, mode.frame_size, PECAN_DATASPACE_CONTIGUOUS) ||
        start_driver(&d, arguments, registers, f.ds, false)) {
        printf("fb-test: starting fb-drv (FAILED)\n");
        return 100;
    }
    protocol(&d, &mode);
    sharing();
    clients_die(&d, &f);
    cycles(&d);
    restart(&d, &f);
    stop_driver(&d);
    free_frame(&f);
    tear_down();
    pecan_factory_info(PECAN_ENV_FACTORY, &end);
    printf("fb-test: moe free %lu at the start, %lu at the end\n", (unsigned long)start.free_ram,
           (unsigned long)end.free_ram);
    int before = failures;
    check("end", end.free_ram == start.free_ram, "moe's free memory",
          (long)(end.free_ram - start.free_ram));
    passed("end", before);
    printf("fb-test: %d checks failed\n", failures);
    return failures;
}
