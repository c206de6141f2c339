/* SPDX-License-Identifier: MIT */
/*
 * mag's pieces (docs/graphics.md, "mag"): mag.c connects to the screen below (fb-drv's
 * or a mag session: nesting) and starts serving; session.c serves FRAMEBUFFER sessions,
 * each a window whose label and colour the session's creator (the boot script) gave;
 * composite.c keeps the stacking order and the damaged rectangles and redraws them;
 * input.c reads the input server's events in a thread of its own and moves the pointer,
 * the focus and the events to the sessions. All this state is under mag_lock.
 *
 * Invariants: every view in the stack belongs to an open session and shows lines that
 * lie wholly inside a buffer of that session (SET_VIEW checks it, DELETE_BUFFER refuses
 * a buffer a view shows; a view of zero size shows none); a session's buffers' bytes
 * never exceed its limit; a view leaves the stack before its session's memory goes.
 * Buffer 0 exists, and view 0 shows it at the session's width and height, except after a
 * GET_BUFFER 0 that could not make the resized buffer: then buffer 0 is unused, view 0
 * shows MAG_NO_BUFFER, and a resize is pending until a later GET_BUFFER 0 succeeds.
 */
#ifndef MAG_H
#define MAG_H

#include <stdbool.h>
#include <stdint.h>
#include <graphics/psf_font.h>
#include <graphics/surface.h>
#include <pecan/event_server.h>
#include <pecan/server.h>

#define MAG_MAX_LABEL 32u          /* bytes of a session's label */
#define MAG_VIEWS_PER_SESSION 8u
#define MAG_BUFFERS_PER_SESSION 8u
#define MAG_NO_BUFFER 0xFFFFFFFFu  /* a view that shows nothing yet */

struct mag_session;

struct mag_buffer {
    bool used;
    pecan_cap_t dataspace;         /* moe's, made through the session's factory */
    uint8_t *pixels;               /* attached in mag's space */
    uint32_t size;                 /* bytes, whole pages */
};

struct mag_view {
    bool used;
    bool stacked;                  /* in the stack (every used view is) */
    struct mag_session *session;
    uint32_t flags;                /* PECAN_FRAMEBUFFER_VIEW_* */
    int32_t x, y;                  /* on the screen */
    uint32_t width, height;        /* 0: hidden */
    uint32_t buffer;               /* MAG_NO_BUFFER: hidden */
    uint32_t offset, bytes_per_line;
};

struct mag_session {
    struct server_session base;    /* first: the framework's part */
    char label[MAG_MAX_LABEL + 1];
    uint32_t label_pixel;          /* the creator's colour in the screen's format */
    uint32_t width, height;        /* the window now: buffer 0's and view 0's size */
    uint32_t wanted_width, wanted_height;   /* INFO's size: the user's last resize (the
                                               same as width and height when none is
                                               pending: GET_BUFFER 0 makes them so) */
    pecan_cap_t memory;            /* its factory: mag's, paid by the client (or by mag) */
    uint32_t memory_limit, memory_used;   /* bytes of buffers */
    struct mag_buffer buffers[MAG_BUFFERS_PER_SESSION];
    struct mag_view views[MAG_VIEWS_PER_SESSION];
    struct pecan_event_stream events;   /* made at the first EVENT request; 0s till then */
};

/* The screen mag draws on: the buffer 0 of its own FRAMEBUFFER session below. */
struct mag_screen {
    pecan_cap_t below;             /* the session to refresh */
    struct surface surface;
    bool auto_refresh;             /* the screen below shows memory as it is */
    uint32_t background_pixel;
    uint32_t text_pixel;           /* the labels' text, the pointer's outline */
    uint32_t pointer_pixel;        /* the pointer's inside */
    struct psf_font font;
};

extern struct mag_screen mag_screen;

/* What the user sees and where keys go (input.c's hotkeys, docs/graphics.md "Hotkeys"):
 * X-ray frames every view and dims the unfocused ones; kill lists the sessions too; in
 * both no client gets keys. */
enum mag_mode { MAG_MODE_NORMAL, MAG_MODE_XRAY, MAG_MODE_KILL };

/* Moving and resizing a window with the pointer (input.c; docs/graphics.md, "Moving and
 * resizing windows"): a left press on a label bar starts a drag, on the grip at the
 * right end of the window's bar a resize; mag has the pointer until the last button is
 * released. */
enum mag_drag_kind { MAG_DRAG_NONE, MAG_DRAG_MOVE, MAG_DRAG_RESIZE };
#define MAG_MIN_WIDTH 64u          /* the smallest size a resize drag gives */
#define MAG_MIN_HEIGHT 32u
#define MAG_BAR_REACHABLE 32       /* pixels of a moved window's bar kept on the screen */

struct mag_drag {
    enum mag_drag_kind kind;
    struct mag_session *session;   /* an open session while kind is not NONE */
    int32_t pointer_x, pointer_y;  /* where the press was */
    int32_t window_x, window_y;    /* view 0's position then */
    uint32_t window_width, window_height;   /* view 0's size then */
    uint32_t width, height;        /* a resize: the outline's size now, clamped */
};

/* The input state (input.c), under mag_lock like everything else here. */
struct mag_input {
    enum mag_mode mode;
    bool pointer_shown;            /* mag has input: the pointer is drawn */
    int32_t pointer_x, pointer_y;  /* its tip, on the screen */
    uint32_t devices;              /* what the input server has (PECAN_EVENT_DEVICE_*) */
    uint32_t modifiers, buttons;   /* after the last event */
    struct mag_session *focus;     /* keys go here; 0: none */
    struct mag_session *grab;      /* has the pointer while a button is held; 0: none */
    struct mag_drag drag;          /* NONE, or mag has the pointer */
};

extern struct mag_input mag_input;

/* input.c: one lock for all of mag's state, taken by every request and by the input
 * thread around each batch of events. */
void mag_lock(void);
void mag_unlock(void);
/* Reads the EVENT session "input" in a thread of its own: the pointer, focus, and events
 * to the sessions. 0, or the error (mag then works without input). */
int input_start(pecan_cap_t session);
/* A session goes: it is focused no longer. */
void input_session_closed(struct mag_session *session);

/* composite.c */
/* The height of a window's label bar, above its view. */
uint32_t composite_bar_height(void);
/* Puts the view on top (false: no room in the stack). */
bool composite_stack_add(struct mag_view *view);
void composite_stack_remove(struct mag_view *view);
/* Moves view just in front of pivot (behind: just behind it); pivot NULL: top or bottom. */
void composite_stack_move(struct mag_view *view, struct mag_view *pivot, bool behind);
/* The screen rectangle a view covers with its label bar (damage on any change). */
void composite_damage_view(const struct mag_view *view);
/* A rectangle of the screen changed (clipped to it; any values). */
void composite_damage(int64_t x, int64_t y, int64_t width, int64_t height);
/* The damage may be shown: redrawn and refreshed below now, or by the flusher thread
 * once the flush interval since the last redraw is over. */
void composite_flush(void);
/* Redraws the damaged rectangles and refreshes them below now. */
void composite_flush_now(void);
/* Batching: at most one redraw per interval_ms (0: every flush at once, no thread). */
int composite_start_flusher(uint32_t interval_ms);
/* The label bars of a session's views (its focus changed). */
void composite_damage_bars(const struct mag_session *session);
/* The pointer's rectangle at its place now. */
void composite_damage_pointer(void);
/* The topmost visible view whose pixels or bar contain the point (0: none). */
struct mag_view *composite_view_at(int32_t x, int32_t y);
/* The point lies on the view's label bar; on the grip at the right end of the window's
 * (view 0's) bar. */
bool composite_on_bar(const struct mag_view *view, int32_t x, int32_t y);
bool composite_on_grip(const struct mag_view *view, int32_t x, int32_t y);
/* The square at the right end of view 0's bar where the grip is drawn. */
uint32_t composite_grip_size(void);
/* Moves every view of the session by dx, dy (damage on both places). */
void composite_move_session(struct mag_session *session, int32_t dx, int32_t dy);
/* The frame a resize drag draws (mag_input.drag), at its size now. */
void composite_damage_outline(void);
/* Puts the session's views on top, in their order. */
void composite_raise(const struct mag_session *session);
/* The width of X-ray's frame around each view, in pixels. */
#define MAG_XRAY_FRAME 2
/* Kill mode's list (drawn at the screen's top left): its lines, set by input.c. */
#define MAG_KILL_LINES 10u
#define MAG_KILL_LINE 40u
extern char composite_kill_list[MAG_KILL_LINES][MAG_KILL_LINE];
extern unsigned composite_kill_count;
/* Writes the screen to the log as one line (docs/graphics.md, "Hotkeys"). */
void composite_screenshot(void);

/* session.c: the open sessions, in the order they opened (kill mode numbers them so). */
unsigned session_count(void);
struct mag_session *session_number(unsigned index);
/* Ends a session as if its client had gone (the main thread only, without mag_lock). */
void session_end(struct mag_session *session);
/* The size a resize drag may give the window: at least MAG_MIN_WIDTH x MAG_MIN_HEIGHT,
 * at most the screen, and a buffer 0 of that size must fit the session's memory limit
 * beside its other buffers (the height shrinks first, then the width). false: not even
 * the smallest size fits (the window keeps its size). */
bool session_clamp_size(const struct mag_session *session, int64_t *width, int64_t *height);

/* session.c */
int mag_serve(struct server *s, pecan_cap_t channel);

#endif
