/* SPDX-License-Identifier: MIT */
/* Unit tests for input-drv's events from PS/2 bytes (servers/input-drv/ps2_events.c): the
 * bytes QEMU's keyboard and mouse send for the monitor's sendkey, mouse_move and
 * mouse_button (shared/docs/platforms.md section 7), typematic repeats as a keyboard
 * sends them (the make code again, no release), modifiers and Caps Lock, buttons that
 * change together, a packet broken by a long gap, and random bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ps2_events.h"

#define MAX 64

struct produced {
    struct pecan_event events[MAX];
    unsigned count;
};

static struct produced keyboard(struct ps2_events *s, const uint8_t *bytes, size_t size,
                                uint32_t now_ms)
{
    struct produced out = { .count = 0 };
    for (size_t i = 0; i < size; i++) {
        struct pecan_event e[PS2_EVENTS_MAX];
        unsigned n = ps2_events_keyboard(s, bytes[i], now_ms, e);
        assert_true(n <= PS2_EVENTS_MAX);
        for (unsigned j = 0; j < n && out.count < MAX; j++)
            out.events[out.count++] = e[j];
    }
    return out;
}

static struct produced mouse(struct ps2_events *s, const uint8_t *bytes, size_t size,
                             uint32_t now_ms)
{
    struct produced out = { .count = 0 };
    for (size_t i = 0; i < size; i++) {
        struct pecan_event e[PS2_EVENTS_MAX];
        unsigned n = ps2_events_mouse(s, bytes[i], now_ms, e);
        assert_true(n <= PS2_EVENTS_MAX);
        for (unsigned j = 0; j < n && out.count < MAX; j++)
            out.events[out.count++] = e[j];
    }
    return out;
}

static void check(const struct pecan_event *e, uint8_t type, uint16_t code, uint8_t modifiers,
                  int32_t x, int32_t y, uint32_t time_ms)
{
    assert_int_equal(e->type, type);
    assert_int_equal(e->code, code);
    assert_int_equal(e->modifiers, modifiers);
    assert_int_equal(e->x, x);
    assert_int_equal(e->y, y);
    assert_int_equal(e->time_ms, time_ms);
}

static void key(const struct pecan_event *e, uint8_t type, uint16_t code, uint8_t modifiers)
{
    check(e, type, code, modifiers, 0, 0, e->time_ms);
}

/* sendkey a: 1C, F0 1C. */
static void a_pressed_and_released(void **state)
{
    (void)state;
    struct ps2_events s;
    ps2_events_init(&s);
    static const uint8_t bytes[] = { 0x1C, 0xF0, 0x1C };
    struct produced out = keyboard(&s, bytes, sizeof(bytes), 1234);
    assert_int_equal(out.count, 2);
    check(&out.events[0], PECAN_EVENT_PRESS, INPUT_KEY_A, 0, 0, 0, 1234);
    check(&out.events[1], PECAN_EVENT_RELEASE, INPUT_KEY_A, 0, 0, 0, 1234);
}

/* sendkey shift-a, ctrl-c, then Caps Lock twice around an a. */
static void modifiers_follow_the_keys(void **state)
{
    (void)state;
    struct ps2_events s;
    ps2_events_init(&s);
    static const uint8_t bytes[] = {
        0x12, 0x1C, 0xF0, 0x1C, 0xF0, 0x12,          /* shift-a */
        0x14, 0x21, 0xF0, 0x21, 0xF0, 0x14,          /* ctrl-c */
        0xE0, 0x11, 0xE0, 0xF0, 0x11,                /* right Alt */
        0x58, 0xF0, 0x58, 0x1C, 0xF0, 0x1C, 0x58, 0xF0, 0x58,   /* caps, a, caps */
    };
    struct produced out = keyboard(&s, bytes, sizeof(bytes), 5);
    assert_int_equal(out.count, 16);
    const uint8_t shift = PECAN_EVENT_MODIFIER_SHIFT, ctrl = PECAN_EVENT_MODIFIER_CTRL,
                  alt = PECAN_EVENT_MODIFIER_ALT, caps = PECAN_EVENT_MODIFIER_CAPS_LOCK;
    key(&out.events[0], PECAN_EVENT_PRESS, INPUT_KEY_LEFT_SHIFT, shift);
    key(&out.events[1], PECAN_EVENT_PRESS, INPUT_KEY_A, shift);
    key(&out.events[2], PECAN_EVENT_RELEASE, INPUT_KEY_A, shift);
    key(&out.events[3], PECAN_EVENT_RELEASE, INPUT_KEY_LEFT_SHIFT, 0);
    key(&out.events[4], PECAN_EVENT_PRESS, INPUT_KEY_LEFT_CTRL, ctrl);
    key(&out.events[5], PECAN_EVENT_PRESS, INPUT_KEY_C, ctrl);
    key(&out.events[6], PECAN_EVENT_RELEASE, INPUT_KEY_C, ctrl);
    key(&out.events[7], PECAN_EVENT_RELEASE, INPUT_KEY_LEFT_CTRL, 0);
    key(&out.events[8], PECAN_EVENT_PRESS, INPUT_KEY_RIGHT_ALT, alt);
    key(&out.events[9], PECAN_EVENT_RELEASE, INPUT_KEY_RIGHT_ALT, 0);
    key(&out.events[10], PECAN_EVENT_PRESS, INPUT_KEY_CAPS_LOCK, caps);
    key(&out.events[11], PECAN_EVENT_RELEASE, INPUT_KEY_CAPS_LOCK, caps);
    key(&out.events[12], PECAN_EVENT_PRESS, INPUT_KEY_A, caps);
    key(&out.events[13], PECAN_EVENT_RELEASE, INPUT_KEY_A, caps);
    key(&out.events[14], PECAN_EVENT_PRESS, INPUT_KEY_CAPS_LOCK, 0);
    key(&out.events[15], PECAN_EVENT_RELEASE, INPUT_KEY_CAPS_LOCK, 0);
    assert_int_equal(ps2_events_modifiers(&s), 0);
}

/* A key held down: the keyboard sends its make code again and again, then the release. */
static void typematic_repeat(void **state)
{
    (void)state;
    struct ps2_events s;
    ps2_events_init(&s);
    static const uint8_t bytes[] = { 0xE0, 0x75, 0xE0, 0x75, 0xE0, 0x75, 0xE0, 0xF0, 0x75,
                                     0x1C, 0x1C, 0xF0, 0x1C, /* and later */ 0x1C };
    struct produced out = keyboard(&s, bytes, sizeof(bytes) - 1, 9);
    assert_int_equal(out.count, 7);
    key(&out.events[0], PECAN_EVENT_PRESS, INPUT_KEY_UP, 0);
    key(&out.events[1], PECAN_EVENT_REPEAT, INPUT_KEY_UP, 0);
    key(&out.events[2], PECAN_EVENT_REPEAT, INPUT_KEY_UP, 0);
    key(&out.events[3], PECAN_EVENT_RELEASE, INPUT_KEY_UP, 0);
    key(&out.events[4], PECAN_EVENT_PRESS, INPUT_KEY_A, 0);
    key(&out.events[5], PECAN_EVENT_REPEAT, INPUT_KEY_A, 0);
    key(&out.events[6], PECAN_EVENT_RELEASE, INPUT_KEY_A, 0);
    /* After the release, the same key is a new press. */
    out = keyboard(&s, &bytes[13], 1, 10);
    assert_int_equal(out.count, 1);
    key(&out.events[0], PECAN_EVENT_PRESS, INPUT_KEY_A, 0);
}

/* mouse_move 10 -5 gives 08 0A 05; mouse_button 1, 3, 0; a move with a button held. */
static void mouse_motion_and_buttons(void **state)
{
    (void)state;
    struct ps2_events s;
    ps2_events_init(&s);
    static const uint8_t move[] = { 0x08, 0x0A, 0x05 };
    struct produced out = mouse(&s, move, sizeof(move), 77);
    assert_int_equal(out.count, 1);
    check(&out.events[0], PECAN_EVENT_MOTION, 0, 0, 10, -5, 77);
    static const uint8_t clicks[] = { 0x09, 0x00, 0x00, 0x0B, 0x00, 0x00, 0x08, 0x00, 0x00 };
    out = mouse(&s, clicks, sizeof(clicks), 78);
    assert_int_equal(out.count, 4);
    key(&out.events[0], PECAN_EVENT_PRESS, INPUT_BUTTON_LEFT, 0);
    key(&out.events[1], PECAN_EVENT_PRESS, INPUT_BUTTON_RIGHT, 0);
    key(&out.events[2], PECAN_EVENT_RELEASE, INPUT_BUTTON_LEFT, 0);
    key(&out.events[3], PECAN_EVENT_RELEASE, INPUT_BUTTON_RIGHT, 0);
    /* Middle pressed in a packet that also moves left and down: the motion first. */
    static const uint8_t drag[] = { 0x3C, 0xFD, 0xF9 };
    out = mouse(&s, drag, sizeof(drag), 79);
    assert_int_equal(out.count, 2);
    check(&out.events[0], PECAN_EVENT_MOTION, 0, 0, -3, 7, 79);
    key(&out.events[1], PECAN_EVENT_PRESS, INPUT_BUTTON_MIDDLE, 0);
    assert_int_equal(s.buttons, MOUSE_BUTTON_MIDDLE);
    ps2_events_mouse_reset(&s);
    assert_int_equal(s.buttons, 0);
}

/* Shift held on the keyboard shows in the mouse's events too (shift-click). */
static void mouse_events_carry_the_modifiers(void **state)
{
    (void)state;
    struct ps2_events s;
    ps2_events_init(&s);
    static const uint8_t shift[] = { 0x12 };
    keyboard(&s, shift, 1, 1);
    static const uint8_t click[] = { 0x09, 0x00, 0x00 };
    struct produced out = mouse(&s, click, sizeof(click), 2);
    assert_int_equal(out.count, 1);
    key(&out.events[0], PECAN_EVENT_PRESS, INPUT_BUTTON_LEFT, PECAN_EVENT_MODIFIER_SHIFT);
}

/* Two bytes of a packet, then half a second of nothing: the next packet decodes whole. */
static void a_broken_packet_is_dropped_after_a_gap(void **state)
{
    (void)state;
    struct ps2_events s;
    ps2_events_init(&s);
    static const uint8_t half[] = { 0x08, 0x0A };
    assert_int_equal(mouse(&s, half, sizeof(half), 1000).count, 0);
    static const uint8_t move[] = { 0x08, 0x0A, 0x05 };
    struct produced out = mouse(&s, move, sizeof(move), 1000 + PS2_EVENTS_PACKET_GAP_MS + 1);
    assert_int_equal(out.count, 1);
    check(&out.events[0], PECAN_EVENT_MOTION, 0, 0, 10, -5, 1000 + PS2_EVENTS_PACKET_GAP_MS + 1);
    /* Without the gap the same bytes finish the half packet instead: not that motion. */
    ps2_events_init(&s);
    mouse(&s, half, sizeof(half), 1000);
    out = mouse(&s, move, sizeof(move), 1000 + PS2_EVENTS_PACKET_GAP_MS);
    assert_true(out.count == 0 || out.events[0].x != 10 || out.events[0].y != -5);
    /* The clock wrapping is no gap. */
    ps2_events_init(&s);
    mouse(&s, half, sizeof(half), 0xFFFFFFF0u);
    out = mouse(&s, &move[2], 1, 5);
    assert_int_equal(out.count, 1);
    check(&out.events[0], PECAN_EVENT_MOTION, 0, 0, 10, -5, 5);
}

/* Random bytes: never more than PS2_EVENTS_MAX events, every event well-formed, and the
 * devices back in step afterwards. */
static void random_bytes(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    struct ps2_events s;
    ps2_events_init(&s);
    for (unsigned i = 0; i < 200000; i++) {
        seed = seed * 1103515245u + 12345u;
        uint8_t byte = (uint8_t)(seed >> 16);
        struct pecan_event e[PS2_EVENTS_MAX];
        unsigned n = (i & 1) ? ps2_events_mouse(&s, byte, i, e) : ps2_events_keyboard(&s, byte, i, e);
        assert_true(n <= PS2_EVENTS_MAX);
        for (unsigned j = 0; j < n; j++) {
            assert_true(e[j].type >= PECAN_EVENT_PRESS && e[j].type <= PECAN_EVENT_MOTION);
            assert_true(e[j].modifiers <= 0xF);
            if (e[j].type == PECAN_EVENT_MOTION)
                assert_true(e[j].x >= -256 && e[j].x <= 255 && e[j].y >= -255 && e[j].y <= 256);
        }
    }
    /* A gap resyncs the mouse: the packet's motion, then releases of the buttons the
     * random packets left held; a reply resyncs the keyboard. */
    static const uint8_t move[] = { 0x08, 0x0A, 0x05 };
    struct produced out = mouse(&s, move, sizeof(move), 200000 + PS2_EVENTS_PACKET_GAP_MS + 1);
    assert_true(out.count >= 1);
    check(&out.events[0], PECAN_EVENT_MOTION, 0, out.events[0].modifiers, 10, -5,
          200000 + PS2_EVENTS_PACKET_GAP_MS + 1);
    for (unsigned i = 1; i < out.count; i++)
        assert_int_equal(out.events[i].type, PECAN_EVENT_RELEASE);
    assert_int_equal(s.buttons, 0);
    static const uint8_t a[] = { 0xAA, 0x1C };   /* a reply ends any half sequence */
    out = keyboard(&s, a, sizeof(a), 1);
    assert_int_equal(out.count, 1);
    assert_int_equal(out.events[0].code, INPUT_KEY_A);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_pressed_and_released),
        cmocka_unit_test(modifiers_follow_the_keys),
        cmocka_unit_test(typematic_repeat),
        cmocka_unit_test(mouse_motion_and_buttons),
        cmocka_unit_test(mouse_events_carry_the_modifiers),
        cmocka_unit_test(a_broken_packet_is_dropped_after_a_gap),
        cmocka_unit_test(random_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
