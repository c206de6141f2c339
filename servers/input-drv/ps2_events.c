/* SPDX-License-Identifier: MIT */
/* input-drv's events from PS/2 bytes (ps2_events.h). */
#include <string.h>
#include "ps2_events.h"

_Static_assert(PECAN_EVENT_MODIFIER_SHIFT == INPUT_MODIFIER_SHIFT &&
               PECAN_EVENT_MODIFIER_CTRL == INPUT_MODIFIER_CTRL &&
               PECAN_EVENT_MODIFIER_ALT == INPUT_MODIFIER_ALT &&
               PECAN_EVENT_MODIFIER_CAPS_LOCK == INPUT_MODIFIER_CAPS_LOCK,
               "the protocol's modifier bits are pkg/input's");

/* The buttons of a packet, in the order their events go out, and their codes. */
static const struct {
    uint8_t bit;
    uint16_t code;
} buttons[] = {
    { MOUSE_BUTTON_LEFT, INPUT_BUTTON_LEFT },
    { MOUSE_BUTTON_RIGHT, INPUT_BUTTON_RIGHT },
    { MOUSE_BUTTON_MIDDLE, INPUT_BUTTON_MIDDLE },
};

void ps2_events_init(struct ps2_events *events)
{
    memset(events, 0, sizeof(*events));
    ps2_keyboard_decoder_init(&events->keyboard);
    keyboard_state_init(&events->keys);
    ps2_events_mouse_reset(events);
}

void ps2_events_mouse_reset(struct ps2_events *events)
{
    ps2_mouse_decoder_init(&events->mouse);
    events->buttons = 0;
}

unsigned ps2_events_modifiers(const struct ps2_events *events)
{
    return keyboard_state_modifiers(&events->keys);
}

static struct pecan_event event(const struct ps2_events *events, uint8_t type, uint16_t code,
                                int32_t x, int32_t y, uint32_t now_ms)
{
    struct pecan_event e = { .time_ms = now_ms, .type = type,
                             .modifiers = (uint8_t)ps2_events_modifiers(events), .code = code,
                             .x = x, .y = y };
    return e;
}

unsigned ps2_events_keyboard(struct ps2_events *events, uint8_t byte, uint32_t now_ms,
                             struct pecan_event out[PS2_EVENTS_MAX])
{
    struct key_event keys[PS2_KEYBOARD_MAX_EVENTS];
    unsigned count = ps2_keyboard_decode(&events->keyboard, byte, keys);
    for (unsigned i = 0; i < count; i++) {
        bool repeat = keyboard_state_apply(&events->keys, keys[i]);
        uint8_t type = !keys[i].pressed ? PECAN_EVENT_RELEASE
                       : repeat        ? PECAN_EVENT_REPEAT
                                       : PECAN_EVENT_PRESS;
        out[i] = event(events, type, keys[i].code, 0, 0, now_ms);
    }
    return count;
}

unsigned ps2_events_mouse(struct ps2_events *events, uint8_t byte, uint32_t now_ms,
                          struct pecan_event out[PS2_EVENTS_MAX])
{
    if (events->mouse.count && now_ms - events->mouse_byte_ms > PS2_EVENTS_PACKET_GAP_MS)
        ps2_mouse_decoder_init(&events->mouse);
    events->mouse_byte_ms = now_ms;
    struct mouse_event packet;
    if (!ps2_mouse_decode(&events->mouse, byte, &packet))
        return 0;
    unsigned count = 0;
    if (packet.dx || packet.dy)
        out[count++] = event(events, PECAN_EVENT_MOTION, 0, packet.dx, packet.dy, now_ms);
    for (unsigned i = 0; i < sizeof(buttons) / sizeof(buttons[0]); i++) {
        uint8_t bit = buttons[i].bit;
        if ((packet.buttons ^ events->buttons) & bit)
            out[count++] = event(events,
                                 (packet.buttons & bit) ? PECAN_EVENT_PRESS : PECAN_EVENT_RELEASE,
                                 buttons[i].code, 0, 0, now_ms);
    }
    events->buttons = packet.buttons;
    return count;
}
