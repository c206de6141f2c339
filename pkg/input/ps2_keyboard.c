/* SPDX-License-Identifier: MIT */
/* Scan-code set 2 to key codes. A key sends its make code when pressed, F0 and the make code
 * when released; E0 before either marks the extended keys (the second Ctrl and Alt, arrows,
 * the block above them, keypad Enter and slash). Pause sends E1 14 77 E1 F0 14 F0 77 when
 * pressed and nothing when released. Print Screen wraps its E0 7C in a fake shift (E0 12),
 * which, like E0 59, maps to no key. Invariant: after any byte that is not a prefix, the
 * decoder is idle again, so one bad byte costs at most the sequence it lands in. */
#include <input/ps2.h>

#define PREFIX_EXTENDED 0xE0
#define PREFIX_RELEASE 0xF0
#define PREFIX_PAUSE 0xE1
#define LARGEST_SCAN_CODE 0x84

static const uint8_t pause_sequence[] = {0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77};

static const uint8_t plain_keys[LARGEST_SCAN_CODE + 1] = {
    [0x01] = INPUT_KEY_F9, [0x03] = INPUT_KEY_F5, [0x04] = INPUT_KEY_F3,
    [0x05] = INPUT_KEY_F1, [0x06] = INPUT_KEY_F2, [0x07] = INPUT_KEY_F12,
    [0x09] = INPUT_KEY_F10, [0x0A] = INPUT_KEY_F8, [0x0B] = INPUT_KEY_F6,
    [0x0C] = INPUT_KEY_F4, [0x0D] = INPUT_KEY_TAB, [0x0E] = INPUT_KEY_GRAVE,
    [0x11] = INPUT_KEY_LEFT_ALT, [0x12] = INPUT_KEY_LEFT_SHIFT, [0x14] = INPUT_KEY_LEFT_CTRL,
    [0x15] = INPUT_KEY_Q, [0x16] = INPUT_KEY_1, [0x1A] = INPUT_KEY_Z, [0x1B] = INPUT_KEY_S,
    [0x1C] = INPUT_KEY_A, [0x1D] = INPUT_KEY_W, [0x1E] = INPUT_KEY_2, [0x21] = INPUT_KEY_C,
    [0x22] = INPUT_KEY_X, [0x23] = INPUT_KEY_D, [0x24] = INPUT_KEY_E, [0x25] = INPUT_KEY_4,
    [0x26] = INPUT_KEY_3, [0x29] = INPUT_KEY_SPACE, [0x2A] = INPUT_KEY_V, [0x2B] = INPUT_KEY_F,
    [0x2C] = INPUT_KEY_T, [0x2D] = INPUT_KEY_R, [0x2E] = INPUT_KEY_5, [0x31] = INPUT_KEY_N,
    [0x32] = INPUT_KEY_B, [0x33] = INPUT_KEY_H, [0x34] = INPUT_KEY_G, [0x35] = INPUT_KEY_Y,
    [0x36] = INPUT_KEY_6, [0x3A] = INPUT_KEY_M, [0x3B] = INPUT_KEY_J, [0x3C] = INPUT_KEY_U,
    [0x3D] = INPUT_KEY_7, [0x3E] = INPUT_KEY_8, [0x41] = INPUT_KEY_COMMA, [0x42] = INPUT_KEY_K,
    [0x43] = INPUT_KEY_I, [0x44] = INPUT_KEY_O, [0x45] = INPUT_KEY_0, [0x46] = INPUT_KEY_9,
    [0x49] = INPUT_KEY_DOT, [0x4A] = INPUT_KEY_SLASH, [0x4B] = INPUT_KEY_L,
    [0x4C] = INPUT_KEY_SEMICOLON, [0x4D] = INPUT_KEY_P, [0x4E] = INPUT_KEY_MINUS,
    [0x52] = INPUT_KEY_APOSTROPHE, [0x54] = INPUT_KEY_LEFT_BRACE, [0x55] = INPUT_KEY_EQUAL,
    [0x58] = INPUT_KEY_CAPS_LOCK, [0x59] = INPUT_KEY_RIGHT_SHIFT, [0x5A] = INPUT_KEY_ENTER,
    [0x5B] = INPUT_KEY_RIGHT_BRACE, [0x5D] = INPUT_KEY_BACKSLASH, [0x61] = INPUT_KEY_102ND,
    [0x66] = INPUT_KEY_BACKSPACE, [0x69] = INPUT_KEY_KEYPAD_1, [0x6B] = INPUT_KEY_KEYPAD_4,
    [0x6C] = INPUT_KEY_KEYPAD_7, [0x70] = INPUT_KEY_KEYPAD_0, [0x71] = INPUT_KEY_KEYPAD_DOT,
    [0x72] = INPUT_KEY_KEYPAD_2, [0x73] = INPUT_KEY_KEYPAD_5, [0x74] = INPUT_KEY_KEYPAD_6,
    [0x75] = INPUT_KEY_KEYPAD_8, [0x76] = INPUT_KEY_ESCAPE, [0x77] = INPUT_KEY_NUM_LOCK,
    [0x78] = INPUT_KEY_F11, [0x79] = INPUT_KEY_KEYPAD_PLUS, [0x7A] = INPUT_KEY_KEYPAD_3,
    [0x7B] = INPUT_KEY_KEYPAD_MINUS, [0x7C] = INPUT_KEY_KEYPAD_ASTERISK,
    [0x7D] = INPUT_KEY_KEYPAD_9, [0x7E] = INPUT_KEY_SCROLL_LOCK, [0x83] = INPUT_KEY_F7,
    [0x84] = INPUT_KEY_SYSRQ,
};

static const uint8_t extended_keys[LARGEST_SCAN_CODE + 1] = {
    [0x11] = INPUT_KEY_RIGHT_ALT, [0x14] = INPUT_KEY_RIGHT_CTRL,
    [0x1F] = INPUT_KEY_LEFT_META, [0x27] = INPUT_KEY_RIGHT_META, [0x2F] = INPUT_KEY_COMPOSE,
    [0x4A] = INPUT_KEY_KEYPAD_SLASH, [0x5A] = INPUT_KEY_KEYPAD_ENTER,
    [0x69] = INPUT_KEY_END, [0x6B] = INPUT_KEY_LEFT, [0x6C] = INPUT_KEY_HOME,
    [0x70] = INPUT_KEY_INSERT, [0x71] = INPUT_KEY_DELETE, [0x72] = INPUT_KEY_DOWN,
    [0x74] = INPUT_KEY_RIGHT, [0x75] = INPUT_KEY_UP, [0x7A] = INPUT_KEY_PAGE_DOWN,
    [0x7C] = INPUT_KEY_SYSRQ, [0x7D] = INPUT_KEY_PAGE_UP,
    [0x7E] = INPUT_KEY_PAUSE,     /* Ctrl + Pause sends E0 7E, E0 F0 7E */
};

void ps2_keyboard_decoder_init(struct ps2_keyboard_decoder *decoder)
{
    decoder->phase = PS2_KEYBOARD_IDLE;
    decoder->pause_bytes_seen = 0;
}

/* Inside the Pause sequence: true if the byte was the next one of it (events stored when it
 * was the last), false if it breaks the sequence and must be decoded afresh. */
static bool continue_pause(struct ps2_keyboard_decoder *decoder, uint8_t byte,
                           struct key_event events[PS2_KEYBOARD_MAX_EVENTS], unsigned *count)
{
    if (byte != pause_sequence[decoder->pause_bytes_seen]) {
        ps2_keyboard_decoder_init(decoder);
        return false;
    }
    decoder->pause_bytes_seen++;
    if (decoder->pause_bytes_seen == sizeof(pause_sequence)) {
        ps2_keyboard_decoder_init(decoder);
        events[0] = (struct key_event){INPUT_KEY_PAUSE, true};
        events[1] = (struct key_event){INPUT_KEY_PAUSE, false};
        *count = 2;
    }
    return true;
}

static unsigned decode_prefix(struct ps2_keyboard_decoder *decoder, uint8_t byte)
{
    if (byte == PREFIX_PAUSE) {
        decoder->phase = PS2_KEYBOARD_PAUSE;
        decoder->pause_bytes_seen = 1;
    } else if (byte == PREFIX_EXTENDED) {
        decoder->phase = PS2_KEYBOARD_EXTENDED;
    } else {
        decoder->phase = decoder->phase == PS2_KEYBOARD_EXTENDED ? PS2_KEYBOARD_EXTENDED_RELEASE
                                                                 : PS2_KEYBOARD_RELEASE;
    }
    return 0;
}

unsigned ps2_keyboard_decode(struct ps2_keyboard_decoder *decoder, uint8_t byte,
                             struct key_event events[PS2_KEYBOARD_MAX_EVENTS])
{
    unsigned count = 0;
    if (decoder->phase == PS2_KEYBOARD_PAUSE && continue_pause(decoder, byte, events, &count))
        return count;
    if (byte == PREFIX_EXTENDED || byte == PREFIX_RELEASE || byte == PREFIX_PAUSE)
        return decode_prefix(decoder, byte);

    bool extended = decoder->phase == PS2_KEYBOARD_EXTENDED ||
                    decoder->phase == PS2_KEYBOARD_EXTENDED_RELEASE;
    bool released = decoder->phase == PS2_KEYBOARD_RELEASE ||
                    decoder->phase == PS2_KEYBOARD_EXTENDED_RELEASE;
    ps2_keyboard_decoder_init(decoder);
    /* Above the largest scan code are only the keyboard's replies (FA, AA, EE, FE, FC, FF). */
    if (byte > LARGEST_SCAN_CODE)
        return 0;
    uint8_t code = extended ? extended_keys[byte] : plain_keys[byte];
    if (code == INPUT_KEY_RESERVED)
        return 0;
    events[0] = (struct key_event){code, !released};
    return 1;
}
