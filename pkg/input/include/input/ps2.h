/* SPDX-License-Identifier: MIT */
/* Decoding the bytes of PS/2 devices, as the PL050 KMI receives them: a keyboard in scan-code
 * set 2 (untranslated; QEMU's realview-eb-mpcore sends it) and a standard 3-byte mouse. The
 * decoders take any byte stream, whatever a device or a fault sends: they never fail, drop
 * what they cannot decode, and are back in step after at most one well-formed sequence
 * (docs/graphics.md, "PS/2 decoding"). Plain state machines, no I/O: a driver feeds them
 * the bytes it reads from the KMI's data register. */
#ifndef INPUT_PS2_H
#define INPUT_PS2_H

#include <stdbool.h>
#include <stdint.h>

#include <input/key_codes.h>

/* ------------------------------------------------------------------ keyboard */

struct key_event {
    uint16_t code;     /* enum input_key_code */
    bool pressed;      /* false: released */
};

enum ps2_keyboard_phase {
    PS2_KEYBOARD_IDLE,
    PS2_KEYBOARD_EXTENDED,        /* after E0 */
    PS2_KEYBOARD_RELEASE,         /* after F0 */
    PS2_KEYBOARD_EXTENDED_RELEASE,/* after E0 F0 */
    PS2_KEYBOARD_PAUSE,           /* inside E1 14 77 E1 F0 14 F0 77 */
};

struct ps2_keyboard_decoder {
    enum ps2_keyboard_phase phase;
    uint8_t pause_bytes_seen;     /* of the Pause sequence, the E1 included */
};

/* At most this many key events come out of one byte (Pause: pressed and released). */
#define PS2_KEYBOARD_MAX_EVENTS 2

void ps2_keyboard_decoder_init(struct ps2_keyboard_decoder *decoder);

/* Feeds one byte; stores the key events it completes in events[] and returns how many
 * (0 to PS2_KEYBOARD_MAX_EVENTS). Keys without a code and the keyboard's own replies (ACK,
 * self-test result, echo, resend, errors) give none. */
unsigned ps2_keyboard_decode(struct ps2_keyboard_decoder *decoder, uint8_t byte,
                             struct key_event events[PS2_KEYBOARD_MAX_EVENTS]);

/* Modifier bits of keyboard_state_modifiers(). */
#define INPUT_MODIFIER_SHIFT 0x1u
#define INPUT_MODIFIER_CTRL 0x2u
#define INPUT_MODIFIER_ALT 0x4u
#define INPUT_MODIFIER_CAPS_LOCK 0x8u    /* the lock is on (toggled by each new press) */

/* Which keys are down, and Caps Lock. A key held down repeats its press events (typematic
 * repeat) without a release; the state tells those repeats from new presses. */
struct keyboard_state {
    uint32_t pressed[INPUT_KEY_COUNT / 32];
    bool caps_lock;
};

void keyboard_state_init(struct keyboard_state *state);

/* Applies an event; returns true if it is a repeat (a press of a key already down). Codes
 * outside the keyboard's range are ignored (and are no repeat). */
bool keyboard_state_apply(struct keyboard_state *state, struct key_event event);

bool keyboard_state_is_pressed(const struct keyboard_state *state, uint16_t code);

/* INPUT_MODIFIER_* bits: left or right Shift, Ctrl, Alt held, and Caps Lock on. */
unsigned keyboard_state_modifiers(const struct keyboard_state *state);

/* ------------------------------------------------------------------ mouse */

/* One movement report. Coordinates are the screen's: dx > 0 is rightwards and dy > 0 is
 * downwards. The packet's own Y grows upwards (PS/2 convention), so the decoder negates it:
 * QEMU's monitor command `mouse_move 10 -5` sends 08 0A 05 (PS/2: 10 right, 5 up) and
 * decodes to dx = 10, dy = -5, the same numbers the monitor was given. */
struct mouse_event {
    int16_t dx;
    int16_t dy;
    uint8_t buttons;     /* MOUSE_BUTTON_* bits held during this report */
};

#define MOUSE_BUTTON_LEFT 0x1u
#define MOUSE_BUTTON_RIGHT 0x2u
#define MOUSE_BUTTON_MIDDLE 0x4u

struct ps2_mouse_decoder {
    uint8_t packet[3];
    uint8_t count;       /* bytes of the current packet received */
};

void ps2_mouse_decoder_init(struct ps2_mouse_decoder *decoder);

/* Feeds one byte; returns true and fills *event when it completes a packet. A first byte
 * without bit 3 set cannot start a packet and is dropped, which is how the decoder finds
 * packet boundaries again after lost or extra bytes. A driver that knows the stream broke
 * (it reset the mouse, or a packet's bytes came too far apart) calls init again. */
bool ps2_mouse_decode(struct ps2_mouse_decoder *decoder, uint8_t byte, struct mouse_event *event);

#endif
