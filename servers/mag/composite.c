/* SPDX-License-Identifier: MIT */
/*
 * mag's compositing (docs/graphics.md, "mag"): the stacking order of every session's
 * views, and the damaged rectangles of the screen, at most DIRTY_MAX of them (as
 * Genode's Dirty_rect): a new one joins the rectangle whose bounding box grows least.
 * A flush redraws each damaged rectangle from the bottom up: the background, the
 * BACKGROUND views, then every other view in stacking order, each with its label bar
 * (the session's trusted label on the session's colour, inverted for the focused
 * session) above it, and last the pointer. Later views cover
 * earlier ones, which is the clipping by stacking. Only damaged pixels are written, and
 * what lies under a view that covers a whole damaged rectangle is not drawn at all.
 *
 * Invariants: the dirty rectangles lie inside the screen and are not empty; a stacked
 * view's lines lie inside its buffer (mag.h), so drawing it reads only that buffer.
 */
#include <pecan/framebuffer.h>
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

static void draw_bar(const struct mag_view *view, struct rectangle clip)
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
}

/* The views of one pass (BACKGROUND ones or the others) from stack index first up. */
static void draw_views(struct rectangle clip, bool background, unsigned first)
{
    for (unsigned i = first; i < stack_count; i++) {
        const struct mag_view *view = stack[i];
        bool is_background = !has_bar(view);
        if (!visible(view) || is_background != background)
            continue;
        if (has_bar(view))
            draw_bar(view, clip);
        draw_content(view, clip);
    }
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
    draw_pointer(clip);
}

void composite_flush(void)
{
    for (unsigned i = 0; i < dirty_count; i++) {
        redraw(dirty[i]);
        if (!mag_screen.auto_refresh)   /* fb-drv's PL111 scans memory; a mag composites */
            pecan_framebuffer_refresh(mag_screen.below, (uint32_t)dirty[i].x, (uint32_t)dirty[i].y,
                                  (uint32_t)dirty[i].width, (uint32_t)dirty[i].height);
    }
    dirty_count = 0;
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
