/* SPDX-License-Identifier: MIT */
/*
 * mag's compositing (docs/graphics.md, "mag"): the stacking order of every session's
 * views, and the damaged rectangles of the screen, at most DIRTY_MAX of them (as
 * Genode's Dirty_rect): a new one joins the rectangle whose bounding box grows least.
 * A flush redraws each damaged rectangle from the bottom up: the background, the
 * BACKGROUND views, then every other view in stacking order, each with its label bar
 * (the session's trusted label on the session's colour, inverted for the focused
 * session; the window's bar ends in the resize grip) above it, then a resize drag's
 * outline, and last the pointer. Later views cover earlier ones, which is the clipping
 * by stacking. Only damaged pixels are written, and
 * what lies under a view that covers a whole damaged rectangle is not drawn at all.
 * In X-ray and kill mode (input.c's hotkeys) every view gets a frame in its session's
 * colour inside its edges, the views of unfocused sessions are drawn at half brightness
 * and every label bar is drawn above all views (none is hidden); kill mode adds the
 * list of sessions at the screen's bottom left. A screenshot writes the screen's size,
 * format and CRC-32 to the log.
 *
 * Flushing is batched (as Genode's nitpicker and L4Re's mag do): damage is drawn at once
 * if the last redraw is at least the flush interval old (40 ms by default, mag's
 * --flush-ms), else by the flusher thread when it is; so the screen is redrawn at most
 * 25 times a second however fast clients refresh, and a lone refresh after a pause is
 * drawn at once.
 *
 * Invariants: the dirty rectangles lie inside the screen and are not empty; a stacked
 * view's lines lie inside its buffer (mag.h), so drawing it reads only that buffer.
 */
#include <pecan/factory.h>
#include <pecan/framebuffer.h>
#include <pecan/kip.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/thread.h>
#include <stdio.h>
#include <string.h>
#include "mag.h"

#define STACK_MAX 256u
#define DIRTY_MAX 3u
#define LABEL_MARGIN 4

/* The pointer, its tip at the top left: 'X' black, '.' white, ' ' not drawn. The screen
 * test reads these lines from here (tests/graphics/test_mag_input.py). */
#define POINTER_WIDTH 11
#define POINTER_HEIGHT 17
static const char pointer_shape[POINTER_HEIGHT][POINTER_WIDTH + 1] = {
    /* pointer shape begin */
    "X          ",
    "XX         ",
    "X.X        ",
    "X..X       ",
    "X...X      ",
    "X....X     ",
    "X.....X    ",
    "X......X   ",
    "X.......X  ",
    "X........X ",
    "X.....XXXXX",
    "X..X..X    ",
    "X.X X..X   ",
    "XX  X..X   ",
    "X    X..X  ",
    "     X..X  ",
    "      XX   ",
    /* pointer shape end */
};

struct rectangle {
    int64_t x, y, width, height;
};

static struct mag_view *stack[STACK_MAX];   /* bottom first */
static unsigned stack_count;
static struct rectangle dirty[DIRTY_MAX];
static unsigned dirty_count;
char composite_kill_list[MAG_KILL_LINES][MAG_KILL_LINE];
unsigned composite_kill_count;

uint32_t composite_bar_height(void)
{
    return mag_screen.font.height;
}

/* ---- the stack --------------------------------------------------------------------------- */

static unsigned stack_index(const struct mag_view *view)
{
    for (unsigned i = 0; i < stack_count; i++)
        if (stack[i] == view)
            return i;
    return STACK_MAX;
}

static void stack_insert(struct mag_view *view, unsigned at)
{
    memmove(&stack[at + 1], &stack[at], (stack_count - at) * sizeof(stack[0]));
    stack[at] = view;
    stack_count++;
}

static void stack_take_out(unsigned at)
{
    memmove(&stack[at], &stack[at + 1], (stack_count - at - 1) * sizeof(stack[0]));
    stack_count--;
}

bool composite_stack_add(struct mag_view *view)
{
    if (stack_count == STACK_MAX)
        return false;
    stack_insert(view, stack_count);
    view->stacked = true;
    composite_damage_view(view);
    return true;
}

void composite_stack_remove(struct mag_view *view)
{
    unsigned at = stack_index(view);
    if (at == STACK_MAX)
        return;
    composite_damage_view(view);
    stack_take_out(at);
    view->stacked = false;
}

void composite_stack_move(struct mag_view *view, struct mag_view *pivot, bool behind)
{
    unsigned at = stack_index(view);
    if (at == STACK_MAX)
        return;
    stack_take_out(at);
    unsigned to = behind ? 0 : stack_count;
    if (pivot) {
        unsigned p = stack_index(pivot);
        to = p == STACK_MAX ? stack_count : (behind ? p : p + 1);
    }
    stack_insert(view, to);
    composite_damage_view(view);
}

/* ---- damage ------------------------------------------------------------------------------ */

static bool visible(const struct mag_view *view)
{
    return view->width && view->height && view->buffer != MAG_NO_BUFFER;
}

static bool has_bar(const struct mag_view *view)
{
    return !(view->flags & PECAN_FRAMEBUFFER_VIEW_BACKGROUND);
}

static struct rectangle intersect(struct rectangle a, struct rectangle b)
{
    int64_t left = a.x > b.x ? a.x : b.x, top = a.y > b.y ? a.y : b.y;
    int64_t right = a.x + a.width < b.x + b.width ? a.x + a.width : b.x + b.width;
    int64_t bottom = a.y + a.height < b.y + b.height ? a.y + a.height : b.y + b.height;
    if (right <= left || bottom <= top)
        return (struct rectangle){ 0, 0, 0, 0 };
    return (struct rectangle){ left, top, right - left, bottom - top };
}

static struct rectangle bounding(struct rectangle a, struct rectangle b)
{
    int64_t left = a.x < b.x ? a.x : b.x, top = a.y < b.y ? a.y : b.y;
    int64_t right = a.x + a.width > b.x + b.width ? a.x + a.width : b.x + b.width;
    int64_t bottom = a.y + a.height > b.y + b.height ? a.y + a.height : b.y + b.height;
    return (struct rectangle){ left, top, right - left, bottom - top };
}

static int64_t area(struct rectangle r)
{
    return r.width * r.height;
}

void composite_damage(int64_t x, int64_t y, int64_t width, int64_t height)
{
    struct rectangle screen = { 0, 0, mag_screen.surface.width, mag_screen.surface.height };
    struct rectangle r = intersect((struct rectangle){ x, y, width, height }, screen);
    if (r.width == 0)
        return;
    if (dirty_count < DIRTY_MAX) {
        dirty[dirty_count++] = r;
        return;
    }
    unsigned best = 0;
    int64_t best_growth = INT64_MAX;
    for (unsigned i = 0; i < dirty_count; i++) {
        int64_t growth = area(bounding(dirty[i], r)) - area(dirty[i]);
        if (growth < best_growth) {
            best_growth = growth;
            best = i;
        }
    }
    dirty[best] = bounding(dirty[best], r);
}

void composite_damage_view(const struct mag_view *view)
{
    if (!visible(view))
        return;
    int64_t bar = has_bar(view) ? composite_bar_height() : 0;
    composite_damage(view->x, (int64_t)view->y - bar, view->width, (int64_t)view->height + bar);
}

/* ---- drawing ----------------------------------------------------------------------------- */

/* The part of the screen inside clip, as a surface of its own: drawing on it cannot
 * leave the rectangle. */
static struct surface clipped_surface(struct rectangle clip)
{
    const struct surface *s = &mag_screen.surface;
    uint32_t bytes_per_pixel = pixel_format_bytes_per_pixel(&s->format);
    struct surface c = *s;
    c.pixels = s->pixels + clip.y * s->bytes_per_line + clip.x * bytes_per_pixel;
    c.width = (uint32_t)clip.width;
    c.height = (uint32_t)clip.height;
    return c;
}

/* The grip's square at the right end of the window's bar (narrower windows: clipped). */
uint32_t composite_grip_size(void)
{
    return composite_bar_height();
}

static bool is_window(const struct mag_view *view)
{
    return view == &view->session->views[0];
}

static struct rectangle grip_area(const struct mag_view *view)
{
    int64_t size = composite_grip_size();
    return (struct rectangle){ (int64_t)view->x + view->width - size,
                               (int64_t)view->y - size, size, size };
}

/* The grip: diagonal lines in the bar's text colour towards the square's bottom right
 * corner, where the local x + y is (size - 1) + 4k, two pixels off the right and bottom
 * edges (tests/graphics/test_mag_screen.py draws the same). Not inlined: draw_bar is,
 * and a redraw that meets no grip (most: mag_refresh_char) need not carry it. */
__attribute__((noinline)) static void draw_grip(const struct mag_view *view,
                                                struct rectangle clip, uint32_t text,
                                                uint32_t background)
{
    struct rectangle area = grip_area(view);
    struct rectangle part = intersect(intersect(area, clip), (struct rectangle){
        view->x, (int64_t)view->y - area.height, view->width, area.height });
    if (part.width == 0)
        return;
    struct surface target = clipped_surface(part);
    surface_fill_rectangle(&target, 0, 0, target.width, target.height, background);
    int64_t size = area.width;
    for (int64_t y = part.y; y < part.y + part.height; y++)
        for (int64_t x = part.x; x < part.x + part.width; x++) {
            int64_t i = x - area.x, j = y - area.y, sum = i + j - (size - 1);
            if (i < size - 2 && j < size - 2 && sum >= 0 && sum % 4 == 0)
                surface_fill_rectangle(&target, (int32_t)(x - part.x), (int32_t)(y - part.y),
                                       1, 1, text);
        }
}

/* Inlined: most redraws meet no bar, and the early return then costs no call. */
__attribute__((always_inline)) static inline void draw_bar(const struct mag_view *view,
                                                           struct rectangle clip)
{
    uint32_t height = composite_bar_height();
    struct rectangle bar = { view->x, (int64_t)view->y - height, view->width, height };
    struct rectangle part = intersect(bar, clip);
    if (part.width == 0)
        return;
    struct surface target = clipped_surface(part);
    const struct mag_session *session = view->session;
    bool focused = session == mag_input.focus;   /* inverted, so the user sees where keys go */
    uint32_t background = focused ? mag_screen.text_pixel : session->label_pixel;
    uint32_t text = focused ? session->label_pixel : mag_screen.text_pixel;
    surface_fill_rectangle(&target, 0, 0, target.width, target.height, background);
    int64_t text_x = bar.x + LABEL_MARGIN - part.x, text_y = bar.y - part.y;
    surface_draw_text(&target, &mag_screen.font, (int32_t)text_x, (int32_t)text_y,
                      session->label, strlen(session->label), text, background);
    if (is_window(view))
        draw_grip(view, clip, text, background);
}

static bool xray(void)
{
    return mag_input.mode != MAG_MODE_NORMAL;
}

/* Each component's top bits but one, where they lie after a shift right by one: so
 * (pixel >> 1) & mask halves every component of any format. */
static uint32_t dim_mask(void)
{
    const struct pixel_format *f = &mag_screen.surface.format;
    const struct color_component *c[] = { &f->red, &f->green, &f->blue };
    uint32_t mask = 0;
    for (unsigned i = 0; i < 3; i++)
        mask |= ((1u << (c[i]->size - 1)) - 1) << c[i]->shift;
    return mask;
}

/* Halves the brightness of a rectangle already drawn (an unfocused view in X-ray). */
static void dim(struct rectangle part)
{
    const struct surface *s = &mag_screen.surface;
    uint32_t mask = dim_mask(), bytes_per_pixel = pixel_format_bytes_per_pixel(&s->format);
    for (int64_t y = part.y; y < part.y + part.height; y++) {
        uint8_t *row = s->pixels + y * s->bytes_per_line + part.x * bytes_per_pixel;
        if (bytes_per_pixel == 2)
            for (int64_t x = 0; x < part.width; x++)
                ((uint16_t *)row)[x] = (uint16_t)((((uint16_t *)row)[x] >> 1) & mask);
        else
            for (int64_t x = 0; x < part.width; x++)
                ((uint32_t *)row)[x] = (((uint32_t *)row)[x] >> 1) & mask;
    }
}

/* The four sides of a frame MAG_XRAY_FRAME pixels wide inside a rectangle's edges. */
static void frame_sides(struct rectangle r, struct rectangle sides[4])
{
    int64_t f = MAG_XRAY_FRAME;
    sides[0] = (struct rectangle){ r.x, r.y, r.width, f };
    sides[1] = (struct rectangle){ r.x, r.y + r.height - f, r.width, f };
    sides[2] = (struct rectangle){ r.x, r.y, f, r.height };
    sides[3] = (struct rectangle){ r.x + r.width - f, r.y, f, r.height };
}

static void draw_frame_of(struct rectangle r, uint32_t pixel, struct rectangle clip)
{
    struct rectangle sides[4];
    frame_sides(r, sides);
    for (unsigned i = 0; i < 4; i++) {
        struct rectangle part = intersect(sides[i], clip);
        if (part.width == 0)
            continue;
        struct surface target = clipped_surface(part);
        surface_fill_rectangle(&target, 0, 0, target.width, target.height, pixel);
    }
}

/* X-ray's frame: inside the view's edges, in its session's colour. */
static void draw_frame(const struct mag_view *view, struct rectangle clip)
{
    draw_frame_of((struct rectangle){ view->x, view->y, view->width, view->height },
                  view->session->label_pixel, clip);
}

/* A resize drag's outline: the size the window would get, at view 0's place, framed as
 * X-ray frames a view. */
static struct rectangle outline_area(void)
{
    const struct mag_drag *drag = &mag_input.drag;
    const struct mag_view *window = &drag->session->views[0];
    return (struct rectangle){ window->x, window->y, drag->width, drag->height };
}

__attribute__((noinline)) static void draw_outline(struct rectangle clip)
{
    draw_frame_of(outline_area(), mag_input.drag.session->label_pixel, clip);
}

void composite_damage_outline(void)
{
    if (mag_input.drag.kind != MAG_DRAG_RESIZE)
        return;
    struct rectangle sides[4];
    frame_sides(outline_area(), sides);
    for (unsigned i = 0; i < 4; i++)
        composite_damage(sides[i].x, sides[i].y, sides[i].width, sides[i].height);
}

static void draw_content(const struct mag_view *view, struct rectangle clip)
{
    struct rectangle area = { view->x, view->y, view->width, view->height };
    struct rectangle part = intersect(area, clip);
    if (part.width == 0)
        return;
    const struct mag_buffer *buffer = &view->session->buffers[view->buffer];
    const struct surface *s = &mag_screen.surface;
    uint32_t bytes_per_pixel = pixel_format_bytes_per_pixel(&s->format);
    size_t length = (size_t)part.width * bytes_per_pixel;
    const uint8_t *from = buffer->pixels + view->offset +
                          (part.y - view->y) * view->bytes_per_line +
                          (part.x - view->x) * bytes_per_pixel;
    uint8_t *to = s->pixels + part.y * s->bytes_per_line + part.x * bytes_per_pixel;
    for (int64_t row = 0; row < part.height; row++) {
        memcpy(to, from, length);
        from += view->bytes_per_line;
        to += s->bytes_per_line;
    }
    if (!xray())
        return;
    if (view->session != mag_input.focus)
        dim(part);
    draw_frame(view, clip);
}

/* Kill mode's list of sessions, a box at the screen's bottom left: windows' label bars
 * are at their tops, and the list must not hide the labels it names. */
#define KILL_LIST_MARGIN 4

static struct rectangle kill_list_area(void)
{
    size_t longest = 0;
    for (unsigned i = 0; i < composite_kill_count; i++) {
        size_t length = strlen(composite_kill_list[i]);
        longest = length > longest ? length : longest;
    }
    int64_t height = (int64_t)composite_kill_count * mag_screen.font.height + 2 * KILL_LIST_MARGIN;
    return (struct rectangle){ 0, (int64_t)mag_screen.surface.height - height,
                               (int64_t)longest * mag_screen.font.width + 2 * KILL_LIST_MARGIN,
                               height };
}

static void draw_kill_list(struct rectangle clip)
{
    if (mag_input.mode != MAG_MODE_KILL)
        return;
    struct rectangle area = kill_list_area(), part = intersect(area, clip);
    if (part.width == 0)
        return;
    struct surface target = clipped_surface(part);
    surface_fill_rectangle(&target, 0, 0, target.width, target.height, mag_screen.text_pixel);
    for (unsigned i = 0; i < composite_kill_count; i++)
        surface_draw_text(&target, &mag_screen.font, (int32_t)(KILL_LIST_MARGIN - part.x),
                          (int32_t)(area.y + KILL_LIST_MARGIN + i * mag_screen.font.height -
                                    part.y),
                          composite_kill_list[i], strlen(composite_kill_list[i]),
                          mag_screen.pointer_pixel, mag_screen.text_pixel);
}

/* The views of one pass (BACKGROUND ones or the others) from stack index first up. */
static void draw_views(struct rectangle clip, bool background, unsigned first)
{
    for (unsigned i = first; i < stack_count; i++) {
        const struct mag_view *view = stack[i];
        bool is_background = !has_bar(view);
        if (!visible(view) || is_background != background)
            continue;
        if (has_bar(view) && !xray())
            draw_bar(view, clip);
        draw_content(view, clip);
    }
}

/* X-ray: every view's bar above all views, in stacking order (as nitpicker does), so a
 * view whose bar another window covers is labelled too. */
__attribute__((noinline)) static void draw_xray_bars(struct rectangle clip)
{
    for (unsigned i = 0; i < stack_count; i++)
        if (visible(stack[i]) && has_bar(stack[i]))
            draw_bar(stack[i], clip);
}

static bool covers(const struct mag_view *view, struct rectangle clip)
{
    return visible(view) && view->x <= clip.x && view->y <= clip.y &&
           (int64_t)view->x + view->width >= clip.x + clip.width &&
           (int64_t)view->y + view->height >= clip.y + clip.height;
}

/* The topmost view of a pass whose pixels cover all of clip (STACK_MAX: none): what lies
 * under it need not be drawn, so a full-screen refresh is one copy, not a fill and a copy. */
static unsigned covering(struct rectangle clip, bool background)
{
    for (unsigned i = stack_count; i-- > 0;)
        if (!has_bar(stack[i]) == background && covers(stack[i], clip))
            return i;
    return STACK_MAX;
}

static void draw_pointer(struct rectangle clip)
{
    struct rectangle area = { mag_input.pointer_x, mag_input.pointer_y, POINTER_WIDTH,
                              POINTER_HEIGHT };
    struct rectangle part = intersect(area, clip);
    if (!mag_input.pointer_shown || part.width == 0)
        return;
    struct surface target = clipped_surface(part);
    for (int64_t y = part.y; y < part.y + part.height; y++)
        for (int64_t x = part.x; x < part.x + part.width; x++) {
            char c = pointer_shape[y - area.y][x - area.x];
            if (c != ' ')
                surface_fill_rectangle(&target, (int32_t)(x - part.x), (int32_t)(y - part.y),
                                       1, 1, c == 'X' ? mag_screen.text_pixel
                                                      : mag_screen.pointer_pixel);
        }
}

static void redraw(struct rectangle clip)
{
    unsigned top = covering(clip, false), bottom = covering(clip, true);
    if (top == STACK_MAX) {
        if (bottom == STACK_MAX) {
            struct surface target = clipped_surface(clip);
            surface_fill_rectangle(&target, 0, 0, target.width, target.height,
                                   mag_screen.background_pixel);
        }
        draw_views(clip, true, bottom == STACK_MAX ? 0 : bottom);
    }
    draw_views(clip, false, top == STACK_MAX ? 0 : top);
    if (xray())
        draw_xray_bars(clip);
    if (mag_input.drag.kind == MAG_DRAG_RESIZE)
        draw_outline(clip);
    draw_kill_list(clip);
    draw_pointer(clip);
}

static uint64_t flush_interval_ns = 40000000u;
static uint64_t last_flush_ns;
static bool flush_pending;          /* the flusher will draw the damage */
static pecan_cap_t flush_notification;
static bool flusher_running;        /* else every flush is at once */

static uint64_t now_ns(void)
{
    return pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
}

void composite_flush_now(void)
{
    last_flush_ns = now_ns();
    flush_pending = false;
    for (unsigned i = 0; i < dirty_count; i++) {
        redraw(dirty[i]);
        if (!mag_screen.auto_refresh)   /* fb-drv's PL111 scans memory; a mag composites */
            pecan_framebuffer_refresh(mag_screen.below, (uint32_t)dirty[i].x, (uint32_t)dirty[i].y,
                                  (uint32_t)dirty[i].width, (uint32_t)dirty[i].height);
    }
    dirty_count = 0;
}

void composite_flush(void)
{
    if (dirty_count == 0)
        return;
    if (!flusher_running || now_ns() - last_flush_ns >= flush_interval_ns) {
        composite_flush_now();
        return;
    }
    if (!flush_pending) {
        flush_pending = true;
        pecan_notification_signal(flush_notification, 1);
    }
}

/* Draws the damage a request left for later once the interval since the last redraw is
 * over (woken by composite_flush; the KIP clock moves in ticks of 10 ms). */
static void *flusher(void *unused)
{
    (void)unused;
    pecan_thread_park_prepare(pecan_thread_self());   /* see composite_start_flusher */
    for (;;) {
        pecan_word_t bits;
        if (pecan_notification_wait(flush_notification, &bits) != 0)
            return 0;
        for (;;) {
            mag_lock();
            uint64_t now = now_ns(), due = last_flush_ns + flush_interval_ns;
            bool done = !flush_pending || now >= due;
            if (flush_pending && now >= due)
                composite_flush_now();
            mag_unlock();
            if (done)
                break;
            pecan_sleep_us((uint32_t)((due - now) / 1000u) + 1);
        }
    }
}

int composite_start_flusher(uint32_t interval_ms)
{
    flush_interval_ns = (uint64_t)interval_ms * 1000000u;
    if (interval_ms == 0)
        return 0;   /* every flush at once: no thread */
    pecan_cap_t n;
    struct pecan_thread *thread;
    int err = pecan_cap_alloc(&n);
    if (!err && (err = pecan_factory_create_notification(PECAN_ENV_FACTORY, n)) != 0)
        pecan_cap_free(n);
    if (err)
        return err;
    /* The thread parks on mag_lock: its notification is made before it starts (below,
     * in the thread) rather than at the first contention, which could find no quota. */
    flush_notification = n;
    err = pecan_thread_create(&thread, flusher, 0);
    flusher_running = !err;
    return err;
}

/* ---- screenshots ------------------------------------------------------------------------- */

/* CRC-32 (IEEE 802.3, as zlib's crc32), a byte at a time from a table made once. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *bytes, size_t length)
{
    static uint32_t table[256];
    if (!table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (unsigned k = 0; k < 8; k++)
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    for (size_t i = 0; i < length; i++)
        crc = table[(crc ^ bytes[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}

void composite_screenshot(void)
{
    const struct surface *s = &mag_screen.surface;
    const struct pixel_format *f = &s->format;
    size_t line = (size_t)s->width * pixel_format_bytes_per_pixel(f);
    uint32_t crc = 0xFFFFFFFFu;
    for (uint32_t y = 0; y < s->height; y++)
        crc = crc32_update(crc, s->pixels + (size_t)y * s->bytes_per_line, line);
    printf("mag: screenshot %lux%lu %u bpp red %u:%u green %u:%u blue %u:%u crc32 %08lx\n",
           (unsigned long)s->width, (unsigned long)s->height, f->bits_per_pixel, f->red.shift,
           f->red.size, f->green.shift, f->green.size, f->blue.shift, f->blue.size,
           (unsigned long)(crc ^ 0xFFFFFFFFu));
}

/* ---- input ------------------------------------------------------------------------------- */

void composite_damage_bars(const struct mag_session *session)
{
    if (!session)
        return;
    for (unsigned i = 0; i < MAG_VIEWS_PER_SESSION; i++) {
        const struct mag_view *view = &session->views[i];
        if (view->used && view->stacked && visible(view) && has_bar(view))
            composite_damage(view->x, (int64_t)view->y - composite_bar_height(), view->width,
                             composite_bar_height());
    }
}

void composite_damage_pointer(void)
{
    if (mag_input.pointer_shown)
        composite_damage(mag_input.pointer_x, mag_input.pointer_y, POINTER_WIDTH,
                         POINTER_HEIGHT);
}

static bool contains(const struct mag_view *view, int32_t x, int32_t y)
{
    int64_t bar = has_bar(view) ? composite_bar_height() : 0;
    return visible(view) && x >= view->x && (int64_t)x < (int64_t)view->x + view->width &&
           (int64_t)y >= (int64_t)view->y - bar && (int64_t)y < (int64_t)view->y + view->height;
}

bool composite_on_bar(const struct mag_view *view, int32_t x, int32_t y)
{
    return has_bar(view) && visible(view) && x >= view->x &&
           (int64_t)x < (int64_t)view->x + view->width && y < view->y &&
           (int64_t)y >= (int64_t)view->y - composite_bar_height();
}

bool composite_on_grip(const struct mag_view *view, int32_t x, int32_t y)
{
    struct rectangle grip = grip_area(view);
    return is_window(view) && composite_on_bar(view, x, y) && x >= grip.x;
}

void composite_move_session(struct mag_session *session, int32_t dx, int32_t dy)
{
    for (unsigned i = 0; i < MAG_VIEWS_PER_SESSION; i++) {
        struct mag_view *view = &session->views[i];
        if (!view->used)
            continue;
        composite_damage_view(view);
        view->x += dx;
        view->y += dy;
        composite_damage_view(view);
    }
}

struct mag_view *composite_view_at(int32_t x, int32_t y)
{
    for (unsigned i = stack_count; i-- > 0;)
        if (contains(stack[i], x, y))
            return stack[i];
    return 0;
}

void composite_raise(const struct mag_session *session)
{
    struct mag_view *views[MAG_VIEWS_PER_SESSION];
    unsigned count = 0;
    for (unsigned i = 0; i < stack_count; i++)
        if (stack[i]->session == session)
            views[count++] = stack[i];
    for (unsigned i = 0; i < count; i++)
        composite_stack_move(views[i], 0, false);
}
