/* SPDX-License-Identifier: MIT */
/*
 * mag's input (docs/graphics.md, "Input in mag", "Moving and resizing windows"): a
 * thread reads the EVENT session the boot script gave as "input" (input-drv's) and acts
 * on each event under mag_lock, the one lock of all of mag's state (every request takes
 * it too):
 *   - motion moves the pointer, clamped to the screen; the session under the pointer gets
 *     a POSITION event in its own coordinates (its window's top left is 0, 0);
 *   - a left press on a label bar (no button held) focuses and raises its session and
 *     starts a drag: on the grip at the right end of the window's bar a resize (an
 *     outline follows the pointer; the release sets the session's wanted size and puts
 *     a RESIZE event into its stream), elsewhere a move (the session's views follow the
 *     pointer). mag has the pointer until the last button is released: no client gets
 *     positions or buttons meanwhile;
 *   - any other button press focuses the session under the pointer and raises its
 *     views, as nitpicker does; button events go to the session under the pointer;
 *     while a button is held, the session the first press went to has the pointer (a
 *     grab): positions and buttons go to it, wherever the pointer is, until the last
 *     button is released;
 *   - keys go to the focused session only, except mag's hotkeys, which no client ever
 *     gets (press, repeat or release): Scroll Lock toggles X-ray, Print Screen writes a
 *     screenshot to the log, Pause lists the sessions (log and screen) and the digit of
 *     one then ends it (Escape: none). In X-ray and kill mode no client gets keys.
 * "Under the pointer" is the topmost visible view whose pixels or label bar contain the
 * pointer's tip. Each session has an event stream of its own (pecan/event_server.h), so a
 * client cannot tell mag's events from input-drv's.
 *
 * Invariants: mag_input.focus, mag_input.grab and a drag's session are 0 or open
 * sessions; grab is 0 and no drag lasts whenever no button is held; grab and a drag
 * never both; the pointer's tip lies on the screen.
 */
#include <pecan/event.h>
#include <pecan/factory.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/thread.h>
#include <input/key_codes.h>
#include <stdio.h>
#include "mag.h"

#define NOTIFICATION_BIT 0x1u
#define BUTTON_FIRST 0x100u          /* Linux's BTN_MISC..: mouse buttons, not keys */
#define BUTTON_LAST 0x15Fu

struct mag_input mag_input;

static struct pecan_mutex lock = PECAN_MUTEX_INIT;
static struct pecan_event_client events;
static pecan_cap_t notification;

void mag_lock(void)
{
    pecan_mutex_lock(&lock);
}

void mag_unlock(void)
{
    pecan_mutex_unlock(&lock);
}

void input_session_closed(struct mag_session *session)
{
    if (mag_input.focus == session)
        mag_input.focus = 0;
    if (mag_input.grab == session)
        mag_input.grab = 0;
    if (mag_input.drag.kind != MAG_DRAG_NONE && mag_input.drag.session == session) {
        composite_damage_outline();
        mag_input.drag = (struct mag_drag){ .kind = MAG_DRAG_NONE };
    }
}

/* Into the session's stream, if it has one (a client that never asked gets none). */
static void deliver(struct mag_session *session, struct pecan_event event)
{
    if (!session || !session->events.address)
        return;
    if (pecan_event_stream_put(&session->events, &event))
        pecan_event_stream_signal(&session->events);
}

static struct mag_session *session_under_pointer(void)
{
    struct mag_view *view = composite_view_at(mag_input.pointer_x, mag_input.pointer_y);
    return view ? view->session : 0;
}

/* Who gets pointer events: the grabbing session while a button is held, else the one
 * under the pointer. */
static struct mag_session *pointer_target(void)
{
    return mag_input.grab ? mag_input.grab : session_under_pointer();
}

static int32_t clamp(int64_t value, int32_t limit)
{
    return value < 0 ? 0 : value >= limit ? limit - 1 : (int32_t)value;
}

static void focus(struct mag_session *session)
{
    if (session == mag_input.focus)
        return;
    composite_damage_bars(mag_input.focus);
    mag_input.focus = session;
    composite_damage_bars(session);
}

/* ---- moving and resizing windows --------------------------------------------------------- */

static int64_t bounded(int64_t value, int64_t least, int64_t most)
{
    return value < least ? least : value > most ? most : value;
}

/* A move: the window follows the pointer, but at least MAG_BAR_REACHABLE pixels of its
 * bar (all of its height) stay on the screen, where the user can take it again. */
static void drag_move(const struct mag_drag *drag)
{
    const struct mag_view *window = &drag->session->views[0];
    int64_t bar = composite_bar_height(), reach = MAG_BAR_REACHABLE;
    int64_t x = (int64_t)drag->window_x + mag_input.pointer_x - drag->pointer_x;
    int64_t y = (int64_t)drag->window_y + mag_input.pointer_y - drag->pointer_y;
    x = bounded(x, reach - (int64_t)window->width, (int64_t)mag_screen.surface.width - reach);
    y = bounded(y, bar, mag_screen.surface.height);
    composite_move_session(drag->session, (int32_t)(x - window->x), (int32_t)(y - window->y));
}

/* A resize: the outline follows the pointer, clamped (session_clamp_size). */
static void drag_resize(struct mag_drag *drag)
{
    int64_t width = (int64_t)drag->window_width + mag_input.pointer_x - drag->pointer_x;
    int64_t height = (int64_t)drag->window_height + mag_input.pointer_y - drag->pointer_y;
    if (!session_clamp_size(drag->session, &width, &height))
        return;   /* not even the smallest window fits: the outline stays */
    composite_damage_outline();
    drag->width = (uint32_t)width;
    drag->height = (uint32_t)height;
    composite_damage_outline();
}

/* A left press on a bar (no button held): mag has the pointer until the last release. */
static bool drag_start(struct mag_view *view)
{
    int32_t x = mag_input.pointer_x, y = mag_input.pointer_y;
    if (!view || !composite_on_bar(view, x, y))
        return false;
    struct mag_session *session = view->session;
    const struct mag_view *window = &session->views[0];
    mag_input.drag = (struct mag_drag){
        .kind = composite_on_grip(view, x, y) ? MAG_DRAG_RESIZE : MAG_DRAG_MOVE,
        .session = session, .pointer_x = x, .pointer_y = y,
        .window_x = window->x, .window_y = window->y,
        .window_width = window->width, .window_height = window->height,
        .width = window->width, .height = window->height };
    focus(session);
    composite_raise(session);
    composite_damage_outline();
    return true;
}

/* The last release: a resize to a new size tells the session (INFO answers it from now
 * on; the client's next GET_BUFFER 0 makes the buffer). */
static void drag_end(uint32_t time_ms)
{
    struct mag_drag *drag = &mag_input.drag;
    struct mag_session *session = drag->session;
    composite_damage_outline();
    if (drag->kind == MAG_DRAG_MOVE)
        printf("mag: \"%s\" moved to %ld,%ld\n", session->label, (long)session->views[0].x,
               (long)session->views[0].y);
    if (drag->kind == MAG_DRAG_RESIZE &&
        (drag->width != session->wanted_width || drag->height != session->wanted_height)) {
        session->wanted_width = drag->width;
        session->wanted_height = drag->height;
        printf("mag: \"%s\" resized to %ux%u\n", session->label, (unsigned)drag->width,
               (unsigned)drag->height);
        deliver(session, (struct pecan_event){ .time_ms = time_ms, .type = PECAN_EVENT_RESIZE,
                                               .modifiers = (uint8_t)mag_input.modifiers,
                                               .x = (int32_t)drag->width,
                                               .y = (int32_t)drag->height });
    }
    *drag = (struct mag_drag){ .kind = MAG_DRAG_NONE };
}

/* The pointer to x, y (clamped); a drag follows it, else the session under it learns
 * where it is. */
static void pointer_to(int64_t x, int64_t y, uint32_t time_ms)
{
    composite_damage_pointer();
    mag_input.pointer_x = clamp(x, (int32_t)mag_screen.surface.width);
    mag_input.pointer_y = clamp(y, (int32_t)mag_screen.surface.height);
    composite_damage_pointer();
    if (mag_input.drag.kind == MAG_DRAG_MOVE)
        drag_move(&mag_input.drag);
    if (mag_input.drag.kind == MAG_DRAG_RESIZE)
        drag_resize(&mag_input.drag);
    if (mag_input.drag.kind != MAG_DRAG_NONE)
        return;
    struct mag_session *session = pointer_target();
    if (!session)
        return;
    const struct mag_view *window = &session->views[0];
    deliver(session, (struct pecan_event){
                         .time_ms = time_ms, .type = PECAN_EVENT_POSITION,
                         .modifiers = (uint8_t)mag_input.modifiers,
                         .x = mag_input.pointer_x - window->x,
                         .y = mag_input.pointer_y - window->y });
}

/* A button while mag has the pointer (a drag), or a left press that starts one: no
 * client sees it. true: it was mag's. */
static bool drag_button(const struct pecan_event *e, uint32_t bit)
{
    bool dragging = mag_input.drag.kind != MAG_DRAG_NONE;
    if (!dragging) {
        if (e->type != PECAN_EVENT_PRESS || bit != 1 || mag_input.buttons || mag_input.grab ||
            !drag_start(composite_view_at(mag_input.pointer_x, mag_input.pointer_y)))
            return false;
    }
    if (e->type == PECAN_EVENT_PRESS)
        mag_input.buttons |= bit;
    else if (e->type == PECAN_EVENT_RELEASE)
        mag_input.buttons &= ~bit;
    if (!mag_input.buttons)
        drag_end(e->time_ms);
    return true;
}

static void button(const struct pecan_event *e)
{
    uint32_t bit = e->code == INPUT_BUTTON_LEFT ? 1 : e->code == INPUT_BUTTON_RIGHT ? 2
                 : e->code == INPUT_BUTTON_MIDDLE ? 4 : 0;
    if (drag_button(e, bit))
        return;
    struct mag_session *session = pointer_target();
    if (e->type == PECAN_EVENT_PRESS) {
        if (!mag_input.grab && session && bit) {
            mag_input.grab = session;   /* the first press: the grab begins */
            focus(session);
            composite_raise(session);
        }
        mag_input.buttons |= bit;
    } else if (e->type == PECAN_EVENT_RELEASE) {
        mag_input.buttons &= ~bit;
    }
    deliver(session, *e);
    if (!mag_input.buttons)
        mag_input.grab = 0;   /* the last release went to the grabbing session */
}

/* ---- hotkeys ---------------------------------------------------------------------------- */

static void set_mode(enum mag_mode mode)
{
    if (mode == mag_input.mode)
        return;
    mag_input.mode = mode;
    composite_damage(0, 0, mag_screen.surface.width, mag_screen.surface.height);
}

/* The sessions kill mode listed, by number - 1 (any may have closed since: the main
 * thread ends one only if it is still open, session_end). */
static struct mag_session *listed[MAG_KILL_LINES - 1];

/* Kill mode: the sessions numbered from 1 in the order they opened, to the log and into
 * the list on the screen (at most 9: one digit each). */
static void list_sessions(void)
{
    unsigned count = session_count();
    count = count > MAG_KILL_LINES - 1 ? MAG_KILL_LINES - 1 : count;
    snprintf(composite_kill_list[0], MAG_KILL_LINE, "kill: 1-%u, Esc: none", count);
    printf("mag: kill: %u sessions (press the digit of one, Escape for none)\n", count);
    for (unsigned i = 0; i < count; i++) {
        struct mag_session *session = listed[i] = session_number(i);
        snprintf(composite_kill_list[i + 1], MAG_KILL_LINE, "%u %s", i + 1, session->label);
        printf("mag: kill: %u \"%s\"\n", i + 1, session->label);
    }
    composite_kill_count = count + 1;
}

/* The session the user chose to end (the input thread hands it to the main thread,
 * which alone ends sessions: session_end). */
static struct mag_session *to_kill;

static void kill_key(uint32_t code)
{
    if (code == INPUT_KEY_ESCAPE) {
        set_mode(MAG_MODE_NORMAL);
        return;
    }
    if (code < INPUT_KEY_1 || code > INPUT_KEY_9)
        return;
    unsigned number = code - INPUT_KEY_1;
    if (number + 1 >= composite_kill_count)
        return;
    to_kill = listed[number];
    set_mode(MAG_MODE_NORMAL);
}

/* A key's press: a hotkey, or any key while a mode holds the keyboard, is mag's (true). */
static bool hotkey(uint32_t code)
{
    switch (code) {
    case INPUT_KEY_SCROLL_LOCK:
        set_mode(mag_input.mode == MAG_MODE_NORMAL ? MAG_MODE_XRAY : MAG_MODE_NORMAL);
        return true;
    case INPUT_KEY_SYSRQ:
        composite_flush_now();   /* the screen as the events before left it */
        composite_screenshot();
        return true;
    case INPUT_KEY_PAUSE:
        list_sessions();
        set_mode(MAG_MODE_KILL);
        composite_damage(0, 0, mag_screen.surface.width, mag_screen.surface.height);
        return true;
    default: {
        enum mag_mode mode = mag_input.mode;   /* the key that ends kill mode is mag's too */
        if (mode == MAG_MODE_KILL)
            kill_key(code);
        return mode != MAG_MODE_NORMAL;
    }
    }
}

/* The keys whose press a client got: their repeats and release go to the focus too (a
 * client never sees a key stuck down); every other key's (a hotkey, one pressed in a
 * mode) stay mag's. */
#define KEY_CODES 0x300u
static uint32_t client_holds[KEY_CODES / 32];

static bool held(uint32_t code)
{
    return code < KEY_CODES && (client_holds[code / 32] >> (code % 32) & 1);
}

static void hold(uint32_t code, bool down)
{
    if (code >= KEY_CODES)
        return;
    if (down)
        client_holds[code / 32] |= 1u << (code % 32);
    else
        client_holds[code / 32] &= ~(1u << (code % 32));
}

static void key(const struct pecan_event *e)
{
    bool to_client;
    if (e->type == PECAN_EVENT_PRESS) {
        to_client = !hotkey(e->code);
        hold(e->code, to_client);
    } else if (e->code >= KEY_CODES) {
        to_client = mag_input.mode == MAG_MODE_NORMAL;   /* no press recorded: by the mode */
    } else {
        to_client = held(e->code) && (e->type == PECAN_EVENT_RELEASE ||
                                      mag_input.mode == MAG_MODE_NORMAL);
        if (e->type == PECAN_EVENT_RELEASE)
            hold(e->code, false);
    }
    if (to_client)
        deliver(mag_input.focus, *e);
}

static void handle(const struct pecan_event *e)
{
    mag_input.modifiers = e->modifiers;
    switch (e->type) {
    case PECAN_EVENT_MOTION:
        pointer_to((int64_t)mag_input.pointer_x + e->x, (int64_t)mag_input.pointer_y + e->y,
                   e->time_ms);
        break;
    case PECAN_EVENT_POSITION:
        pointer_to(e->x, e->y, e->time_ms);
        break;
    case PECAN_EVENT_PRESS:
    case PECAN_EVENT_RELEASE:
    case PECAN_EVENT_REPEAT:
        if (e->code >= BUTTON_FIRST && e->code <= BUTTON_LAST)
            button(e);
        else
            key(e);
        break;
    default:
        break;   /* a hostile or newer server's type: ignored */
    }
}

static void *input_thread(void *unused)
{
    (void)unused;
    pecan_thread_park_prepare(pecan_thread_self());   /* see input_start */
    for (;;) {
        struct pecan_event e;
        mag_lock();
        while (pecan_event_consumer_get(&events.consumer, &e))
            handle(&e);
        composite_flush();
        struct mag_session *chosen = to_kill;
        to_kill = 0;
        mag_unlock();
        if (chosen)
            session_end(chosen);   /* the main thread ends it; its close takes the lock */
        pecan_word_t bits;
        if (pecan_notification_wait(notification, &bits) != 0) {
            printf("mag: the input notification is gone; no more input\n");
            return 0;
        }
    }
}

int input_start(pecan_cap_t session)
{
    struct pecan_event_info info;
    struct pecan_thread *thread;
    int err = pecan_event_attach(session, &events);
    if (!err)
        err = pecan_cap_alloc(&notification);
    if (!err)
        err = pecan_factory_create_notification(PECAN_ENV_FACTORY, notification);
    if (!err)
        err = pecan_event_bind(session, notification, NOTIFICATION_BIT);
    if (!err)
        err = pecan_event_info(session, &info);
    if (err)
        return err;
    mag_lock();
    mag_input.devices = (uint32_t)info.devices;
    mag_input.pointer_shown = true;
    mag_input.pointer_x = (int32_t)mag_screen.surface.width / 2;
    mag_input.pointer_y = (int32_t)mag_screen.surface.height / 2;
    composite_damage_pointer();
    composite_flush();
    mag_unlock();
    /* The notification a thread blocks on when the lock is taken is made now rather than
     * at the first contention, which could find the quota used up. */
    return pecan_thread_create(&thread, input_thread, 0);
}
