/* SPDX-License-Identifier: MIT */
/*
 * input-drv's events from the PS/2 devices' bytes (ps2_events.c): the keyboard's bytes
 * through pkg/input's scan-code decoder and keyboard state (press, release, repeat, with
 * the modifiers after each key), the mouse's through the packet decoder (motion in screen
 * directions, then a press or release for each button that changed). Portable, no I/O:
 * the driver feeds it what it reads from the KMIs, the host's unit tests what QEMU sends.
 *
 * Invariants: buttons are the buttons of the last complete packet (0 after a reset); an
 * event's modifiers are the keyboard's after the events before it.
 */
#ifndef INPUT_DRV_PS2_EVENTS_H
#define INPUT_DRV_PS2_EVENTS_H

#include <stdint.h>
#include <input/ps2.h>
#include <pecan/protocol/event.h>

/* At most this many events come out of one byte: a mouse packet's motion and three
 * buttons. */
#define PS2_EVENTS_MAX 4
/* A mouse packet whose bytes arrive further apart than this is broken: the decoder starts
 * afresh (Linux's psmouse waits half a second as well). */
#define PS2_EVENTS_PACKET_GAP_MS 500u

struct ps2_events {
    struct ps2_keyboard_decoder keyboard;
    struct keyboard_state keys;
    struct ps2_mouse_decoder mouse;
    uint8_t buttons;            /* MOUSE_BUTTON_* held */
    uint32_t mouse_byte_ms;     /* when the mouse's last byte came */
};

void ps2_events_init(struct ps2_events *events);
/* The mouse was reset: no packet half received, no button held. */
void ps2_events_mouse_reset(struct ps2_events *events);

/* One byte from the keyboard or the mouse, read at now_ms: the events it completes go into
 * out[], their number is returned. */
unsigned ps2_events_keyboard(struct ps2_events *events, uint8_t byte, uint32_t now_ms,
                             struct pecan_event out[PS2_EVENTS_MAX]);
unsigned ps2_events_mouse(struct ps2_events *events, uint8_t byte, uint32_t now_ms,
                          struct pecan_event out[PS2_EVENTS_MAX]);

/* PECAN_EVENT_MODIFIER_* now. */
unsigned ps2_events_modifiers(const struct ps2_events *events);

#endif
