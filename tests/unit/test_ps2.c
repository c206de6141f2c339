/* SPDX-License-Identifier: MIT */
/* Unit tests for pkg/input: scan-code set 2 as QEMU's PL050 sends it (`sendkey a` gives 1C,
 * F0 1C: shared/docs/platforms.md section 7), extended keys, Print Screen and Pause, the
 * keyboard's replies, modifiers and repeats; PS/2 mouse packets as QEMU sends them
 * (`mouse_move 10 -5` gives 08 0A 05, `mouse_button 1` gives 09 00 00), signs, overflow,
 * and random byte streams after which both decoders must be back in step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <input/keymap.h>
#include <input/ps2.h>

/* ------------------------------------------------------------------ keyboard helpers */

#define MAX_EVENTS 64

struct decoded {
    struct key_event events[MAX_EVENTS];
    unsigned count;
};

static struct decoded feed(struct ps2_keyboard_decoder *decoder, const uint8_t *bytes,
                           size_t size)
{
    struct decoded out = {.count = 0};
    for (size_t i = 0; i < size; i++) {
        struct key_event events[PS2_KEYBOARD_MAX_EVENTS];
        unsigned n = ps2_keyboard_decode(decoder, bytes[i], events);
        assert_true(n <= PS2_KEYBOARD_MAX_EVENTS);
        for (unsigned j = 0; j < n && out.count < MAX_EVENTS; j++)
            out.events[out.count++] = events[j];
    }
    return out;
}

static struct decoded feed_fresh(const uint8_t *bytes, size_t size)
{
    struct ps2_keyboard_decoder decoder;
    ps2_keyboard_decoder_init(&decoder);
    return feed(&decoder, bytes, size);
}

#define FEED(...) feed_fresh((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static void assert_event(struct decoded d, unsigned i, uint16_t code, bool pressed)
{
    assert_true(i < d.count);
    assert_int_equal(d.events[i].code, code);
    assert_int_equal(d.events[i].pressed, pressed);
}

/* ------------------------------------------------------------------ keyboard */

static void test_sendkey_bytes(void **state)
{
    (void)state;
    struct decoded d = FEED(0x1C, 0xF0, 0x1C);     /* sendkey a */
    assert_int_equal(d.count, 2);
    assert_event(d, 0, INPUT_KEY_A, true);
    assert_event(d, 1, INPUT_KEY_A, false);
    d = FEED(0x15);                                 /* sendkey q, press */
    assert_int_equal(d.count, 1);
    assert_event(d, 0, INPUT_KEY_Q, true);
    assert_int_equal(INPUT_KEY_A, 30);              /* Linux's numbers, as L4Re's */
    assert_int_equal(INPUT_KEY_Q, 16);
}

/* Scan codes from the set 2 table of the IBM PC/AT keyboard, written out independently of
 * the decoder's table. */
static const struct {
    uint8_t scan_code;
    bool extended;
    uint16_t code;
} known_keys[] = {
    {0x1C, 0, INPUT_KEY_A}, {0x32, 0, INPUT_KEY_B}, {0x21, 0, INPUT_KEY_C},
    {0x23, 0, INPUT_KEY_D}, {0x24, 0, INPUT_KEY_E}, {0x2B, 0, INPUT_KEY_F},
    {0x34, 0, INPUT_KEY_G}, {0x33, 0, INPUT_KEY_H}, {0x43, 0, INPUT_KEY_I},
    {0x3B, 0, INPUT_KEY_J}, {0x42, 0, INPUT_KEY_K}, {0x4B, 0, INPUT_KEY_L},
    {0x3A, 0, INPUT_KEY_M}, {0x31, 0, INPUT_KEY_N}, {0x44, 0, INPUT_KEY_O},
    {0x4D, 0, INPUT_KEY_P}, {0x15, 0, INPUT_KEY_Q}, {0x2D, 0, INPUT_KEY_R},
    {0x1B, 0, INPUT_KEY_S}, {0x2C, 0, INPUT_KEY_T}, {0x3C, 0, INPUT_KEY_U},
    {0x2A, 0, INPUT_KEY_V}, {0x1D, 0, INPUT_KEY_W}, {0x22, 0, INPUT_KEY_X},
    {0x35, 0, INPUT_KEY_Y}, {0x1A, 0, INPUT_KEY_Z},
    {0x45, 0, INPUT_KEY_0}, {0x16, 0, INPUT_KEY_1}, {0x1E, 0, INPUT_KEY_2},
    {0x26, 0, INPUT_KEY_3}, {0x25, 0, INPUT_KEY_4}, {0x2E, 0, INPUT_KEY_5},
    {0x36, 0, INPUT_KEY_6}, {0x3D, 0, INPUT_KEY_7}, {0x3E, 0, INPUT_KEY_8},
    {0x46, 0, INPUT_KEY_9},
    {0x5A, 0, INPUT_KEY_ENTER}, {0x76, 0, INPUT_KEY_ESCAPE}, {0x66, 0, INPUT_KEY_BACKSPACE},
    {0x0D, 0, INPUT_KEY_TAB}, {0x29, 0, INPUT_KEY_SPACE}, {0x58, 0, INPUT_KEY_CAPS_LOCK},
    {0x12, 0, INPUT_KEY_LEFT_SHIFT}, {0x59, 0, INPUT_KEY_RIGHT_SHIFT},
    {0x14, 0, INPUT_KEY_LEFT_CTRL}, {0x11, 0, INPUT_KEY_LEFT_ALT},
    {0x05, 0, INPUT_KEY_F1}, {0x06, 0, INPUT_KEY_F2}, {0x04, 0, INPUT_KEY_F3},
    {0x0C, 0, INPUT_KEY_F4}, {0x03, 0, INPUT_KEY_F5}, {0x0B, 0, INPUT_KEY_F6},
    {0x83, 0, INPUT_KEY_F7}, {0x0A, 0, INPUT_KEY_F8}, {0x01, 0, INPUT_KEY_F9},
    {0x09, 0, INPUT_KEY_F10}, {0x78, 0, INPUT_KEY_F11}, {0x07, 0, INPUT_KEY_F12},
    {0x75, 1, INPUT_KEY_UP}, {0x72, 1, INPUT_KEY_DOWN}, {0x6B, 1, INPUT_KEY_LEFT},
    {0x74, 1, INPUT_KEY_RIGHT}, {0x7D, 1, INPUT_KEY_PAGE_UP}, {0x7A, 1, INPUT_KEY_PAGE_DOWN},
    {0x6C, 1, INPUT_KEY_HOME}, {0x69, 1, INPUT_KEY_END}, {0x70, 1, INPUT_KEY_INSERT},
    {0x71, 1, INPUT_KEY_DELETE}, {0x14, 1, INPUT_KEY_RIGHT_CTRL},
    {0x11, 1, INPUT_KEY_RIGHT_ALT}, {0x5A, 1, INPUT_KEY_KEYPAD_ENTER},
    {0x4A, 1, INPUT_KEY_KEYPAD_SLASH}, {0x1F, 1, INPUT_KEY_LEFT_META},
};

static void test_known_keys_press_and_release(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++) {
        uint8_t bytes[5];
        size_t n = 0;
        if (known_keys[i].extended)
            bytes[n++] = 0xE0;
        bytes[n++] = known_keys[i].scan_code;
        if (known_keys[i].extended)
            bytes[n++] = 0xE0;
        bytes[n++] = 0xF0;
        bytes[n++] = known_keys[i].scan_code;
        struct decoded d = feed_fresh(bytes, n);
        if (d.count != 2 || d.events[0].code != known_keys[i].code)
            fail_msg("scan code %s%02X: %u events, first code %u, expected %u",
                     known_keys[i].extended ? "E0 " : "", known_keys[i].scan_code, d.count,
                     d.count ? d.events[0].code : 0, known_keys[i].code);
        assert_event(d, 0, known_keys[i].code, true);
        assert_event(d, 1, known_keys[i].code, false);
    }
}

/* No two scan codes give the same key, except the two ways of sending SysRq and Pause. */
static void test_codes_distinct(void **state)
{
    (void)state;
    uint8_t sources[INPUT_KEY_COUNT] = {0};
    for (int extended = 0; extended < 2; extended++) {
        for (unsigned scan_code = 0; scan_code < 0x100; scan_code++) {
            if (scan_code == 0xE0 || scan_code == 0xE1 || scan_code == 0xF0)
                continue;
            uint8_t bytes[2] = {0xE0, (uint8_t)scan_code};
            struct decoded d = feed_fresh(bytes + !extended, 1 + extended);
            assert_true(d.count <= 1);
            if (d.count == 0)
                continue;
            uint16_t code = d.events[0].code;
            assert_true(code > 0 && code < INPUT_KEY_COUNT && d.events[0].pressed);
            if (code != INPUT_KEY_SYSRQ && code != INPUT_KEY_PAUSE)
                assert_int_equal(sources[code], 0);
            sources[code]++;
        }
    }
    assert_int_equal(sources[INPUT_KEY_A], 1);
    assert_int_equal(sources[INPUT_KEY_SYSRQ], 2);
}

static void test_print_screen_and_pause(void **state)
{
    (void)state;
    /* Print Screen: the fake shift around it gives no event. */
    struct decoded d = FEED(0xE0, 0x12, 0xE0, 0x7C, 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12);
    assert_int_equal(d.count, 2);
    assert_event(d, 0, INPUT_KEY_SYSRQ, true);
    assert_event(d, 1, INPUT_KEY_SYSRQ, false);
    /* Pause: eight bytes, pressed and released at once, then an ordinary key. */
    d = FEED(0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77, 0x1C);
    assert_int_equal(d.count, 3);
    assert_event(d, 0, INPUT_KEY_PAUSE, true);
    assert_event(d, 1, INPUT_KEY_PAUSE, false);
    assert_event(d, 2, INPUT_KEY_A, true);
    /* A Pause sequence cut short: no Pause, no Ctrl or Num Lock from its bytes, and the
     * byte that broke it decoded as itself. */
    d = FEED(0xE1, 0x14, 0x77, 0x1C, 0xF0, 0x1C);
    assert_int_equal(d.count, 2);
    assert_event(d, 0, INPUT_KEY_A, true);
    assert_event(d, 1, INPUT_KEY_A, false);
    d = FEED(0xE1, 0x14, 0xE0, 0x75);
    assert_int_equal(d.count, 1);
    assert_event(d, 0, INPUT_KEY_UP, true);
    /* Ctrl + Pause (Break): E0 7E. */
    d = FEED(0xE0, 0x7E, 0xE0, 0xF0, 0x7E);
    assert_int_equal(d.count, 2);
    assert_event(d, 0, INPUT_KEY_PAUSE, true);
}

static void test_keyboard_replies_ignored(void **state)
{
    (void)state;
    /* ACK, self-test passed, echo, resend, self-test failed, errors: never keys, and each
     * ends a half-received sequence. */
    struct decoded d = FEED(0xFA, 0xAA, 0xEE, 0xFE, 0xFC, 0x00, 0xFF, 0xF0, 0xFA, 0x1C);
    assert_int_equal(d.count, 1);
    assert_event(d, 0, INPUT_KEY_A, true);
    d = FEED(0xE0, 0xAA, 0x75);          /* the reply ends E0: plain 75 is keypad 8 */
    assert_int_equal(d.count, 1);
    assert_event(d, 0, INPUT_KEY_KEYPAD_8, true);
}

static void test_modifiers_and_repeat(void **state)
{
    (void)state;
    struct keyboard_state keys;
    keyboard_state_init(&keys);
    assert_int_equal(keyboard_state_modifiers(&keys), 0);
    assert_false(keyboard_state_apply(&keys, (struct key_event){INPUT_KEY_LEFT_SHIFT, true}));
    assert_int_equal(keyboard_state_modifiers(&keys), INPUT_MODIFIER_SHIFT);
    assert_false(keyboard_state_apply(&keys, (struct key_event){INPUT_KEY_RIGHT_CTRL, true}));
    assert_false(keyboard_state_apply(&keys, (struct key_event){INPUT_KEY_RIGHT_ALT, true}));
    assert_int_equal(keyboard_state_modifiers(&keys),
                     INPUT_MODIFIER_SHIFT | INPUT_MODIFIER_CTRL | INPUT_MODIFIER_ALT);
    /* Both shifts down, one let go: still shifted. */
    keyboard_state_apply(&keys, (struct key_event){INPUT_KEY_RIGHT_SHIFT, true});
    keyboard_state_apply(&keys, (struct key_event){INPUT_KEY_LEFT_SHIFT, false});
    assert_true(keyboard_state_modifiers(&keys) & INPUT_MODIFIER_SHIFT);
    keyboard_state_apply(&keys, (struct key_event){INPUT_KEY_RIGHT_SHIFT, false});
    keyboard_state_apply(&keys, (struct key_event){INPUT_KEY_RIGHT_CTRL, false});
    keyboard_state_apply(&keys, (struct key_event){INPUT_KEY_RIGHT_ALT, false});
    assert_int_equal(keyboard_state_modifiers(&keys), 0);

    /* Caps Lock toggles on each new press; held down (typematic repeats), only once. */
    struct key_event caps = {INPUT_KEY_CAPS_LOCK, true};
    assert_false(keyboard_state_apply(&keys, caps));
    assert_true(keyboard_state_apply(&keys, caps));
    assert_true(keyboard_state_apply(&keys, caps));
    assert_int_equal(keyboard_state_modifiers(&keys), INPUT_MODIFIER_CAPS_LOCK);
    caps.pressed = false;
    keyboard_state_apply(&keys, caps);
    assert_int_equal(keyboard_state_modifiers(&keys), INPUT_MODIFIER_CAPS_LOCK);
    caps.pressed = true;
    keyboard_state_apply(&keys, caps);
    assert_int_equal(keyboard_state_modifiers(&keys), 0);

    /* A held letter repeats; codes beyond the keyboard are ignored. */
    assert_false(keyboard_state_apply(&keys, (struct key_event){INPUT_KEY_A, true}));
    assert_true(keyboard_state_apply(&keys, (struct key_event){INPUT_KEY_A, true}));
    assert_true(keyboard_state_is_pressed(&keys, INPUT_KEY_A));
    assert_false(keyboard_state_apply(&keys, (struct key_event){INPUT_BUTTON_LEFT, true}));
    assert_false(keyboard_state_is_pressed(&keys, INPUT_BUTTON_LEFT));
    assert_false(keyboard_state_is_pressed(&keys, 0xFFFF));
}

static uint32_t next_random(uint32_t *seed)
{
    *seed = *seed * 1664525u + 1013904223u;
    return *seed >> 8;
}

/* After any garbage, one well-formed key press and release may decode wrongly (it lands in
 * whatever the garbage left half done); every one after it decodes exactly. */
static void test_keyboard_random_streams(void **state)
{
    (void)state;
    static const uint8_t sequence[] = {0x1C, 0xF0, 0x1C, 0xE0, 0x75, 0xE0, 0xF0, 0x75,
                                       0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77};
    uint32_t seed = 77;
    struct ps2_keyboard_decoder decoder;
    ps2_keyboard_decoder_init(&decoder);
    for (int round = 0; round < 20000; round++) {
        uint8_t garbage[64];
        size_t size = next_random(&seed) % sizeof(garbage);
        for (size_t i = 0; i < size; i++)
            garbage[i] = (uint8_t)next_random(&seed);
        struct decoded d = feed(&decoder, garbage, size);
        for (unsigned i = 0; i < d.count; i++)
            assert_true(d.events[i].code > 0 && d.events[i].code < INPUT_KEY_COUNT);
        feed(&decoder, sequence, sizeof(sequence));
        d = feed(&decoder, sequence, sizeof(sequence));
        assert_int_equal(d.count, 6);
        assert_event(d, 0, INPUT_KEY_A, true);
        assert_event(d, 1, INPUT_KEY_A, false);
        assert_event(d, 2, INPUT_KEY_UP, true);
        assert_event(d, 3, INPUT_KEY_UP, false);
        assert_event(d, 4, INPUT_KEY_PAUSE, true);
        assert_event(d, 5, INPUT_KEY_PAUSE, false);
    }
}

/* ------------------------------------------------------------------ mouse */

static bool feed_mouse(struct ps2_mouse_decoder *decoder, const uint8_t *bytes, size_t size,
                       struct mouse_event *last)
{
    bool any = false;
    for (size_t i = 0; i < size; i++)
        if (ps2_mouse_decode(decoder, bytes[i], last))
            any = true;
    return any;
}

static struct mouse_event decode_packet(uint8_t b0, uint8_t b1, uint8_t b2)
{
    struct ps2_mouse_decoder decoder;
    ps2_mouse_decoder_init(&decoder);
    struct mouse_event event = {0x7FFF, 0x7FFF, 0xFF};
    const uint8_t bytes[3] = {b0, b1, b2};
    assert_false(ps2_mouse_decode(&decoder, bytes[0], &event));
    assert_false(ps2_mouse_decode(&decoder, bytes[1], &event));
    assert_true(ps2_mouse_decode(&decoder, bytes[2], &event));
    return event;
}

static void test_mouse_packets_from_qemu(void **state)
{
    (void)state;
    /* mouse_move 10 -5: PS/2 says 10 right, 5 up; on the screen that is dx 10, dy -5. */
    struct mouse_event e = decode_packet(0x08, 0x0A, 0x05);
    assert_int_equal(e.dx, 10);
    assert_int_equal(e.dy, -5);
    assert_int_equal(e.buttons, 0);
    e = decode_packet(0x09, 0x00, 0x00);       /* mouse_button 1 */
    assert_int_equal(e.dx, 0);
    assert_int_equal(e.dy, 0);
    assert_int_equal(e.buttons, MOUSE_BUTTON_LEFT);
    e = decode_packet(0x0E, 0x00, 0x00);
    assert_int_equal(e.buttons, MOUSE_BUTTON_RIGHT | MOUSE_BUTTON_MIDDLE);
}

static void test_mouse_signs_and_overflow(void **state)
{
    (void)state;
    struct mouse_event e = decode_packet(0x18, 0xF6, 0x00);   /* X sign: -10 */
    assert_int_equal(e.dx, -10);
    e = decode_packet(0x28, 0x00, 0xFB);                      /* Y sign: 5 down */
    assert_int_equal(e.dy, 5);
    e = decode_packet(0x38, 0x00, 0x00);                      /* -256 both ways */
    assert_int_equal(e.dx, -256);
    assert_int_equal(e.dy, 256);
    e = decode_packet(0x08, 0xFF, 0xFF);
    assert_int_equal(e.dx, 255);
    assert_int_equal(e.dy, -255);
    e = decode_packet(0x48, 0x12, 0x00);                      /* X overflow: saturated */
    assert_int_equal(e.dx, 255);
    e = decode_packet(0x58 | 0x80, 0x12, 0x34);               /* both overflow, X negative */
    assert_int_equal(e.dx, -256);
    assert_int_equal(e.dy, -255);
    /* Every packet: the 9-bit value with the sign bit from byte 0. */
    for (unsigned b0 = 0x08; b0 < 0x100; b0 = (b0 + 1) | 0x08) {
        if (b0 & 0xC0)
            continue;
        for (unsigned b1 = 0; b1 < 0x100; b1 += 3) {
            e = decode_packet((uint8_t)b0, (uint8_t)b1, (uint8_t)(255 - b1));
            assert_int_equal(e.dx, (b0 & 0x10) ? (int)b1 - 256 : (int)b1);
            assert_int_equal(e.dy, -((b0 & 0x20) ? (int)(255 - b1) - 256 : (int)(255 - b1)));
            assert_int_equal(e.buttons, b0 & 7);
        }
    }
}

static void test_mouse_resynchronises(void **state)
{
    (void)state;
    struct ps2_mouse_decoder decoder;
    ps2_mouse_decoder_init(&decoder);
    struct mouse_event e;
    /* A lost first byte: the rest of that packet has bit 3 clear and is dropped. */
    const uint8_t stream[] = {0x01, 0x02, 0x08, 0x03, 0x04};
    assert_true(feed_mouse(&decoder, stream, sizeof(stream), &e));
    assert_int_equal(e.dx, 3);
    assert_int_equal(e.dy, -4);
}

/* After garbage, packets whose movement bytes have bit 3 clear decode exactly from the
 * second one on (the first may complete a packet the garbage started). */
static void test_mouse_random_streams(void **state)
{
    (void)state;
    uint32_t seed = 4242;
    struct ps2_mouse_decoder decoder;
    ps2_mouse_decoder_init(&decoder);
    for (int round = 0; round < 20000; round++) {
        uint8_t garbage[32];
        size_t size = next_random(&seed) % sizeof(garbage);
        for (size_t i = 0; i < size; i++)
            garbage[i] = (uint8_t)next_random(&seed);
        struct mouse_event e;
        feed_mouse(&decoder, garbage, size, &e);
        for (int packet = 0; packet < 3; packet++) {
            uint8_t dx = (uint8_t)(next_random(&seed) & 0xF7);
            uint8_t dy = (uint8_t)(next_random(&seed) & 0xF7);
            uint8_t buttons = (uint8_t)(next_random(&seed) & 7);
            const uint8_t bytes[3] = {(uint8_t)(0x08 | buttons), dx, dy};
            bool complete = feed_mouse(&decoder, bytes, 3, &e);
            if (packet == 0)
                continue;
            assert_true(complete);
            assert_int_equal(e.dx, dx);
            assert_int_equal(e.dy, -(int)dy);
            assert_int_equal(e.buttons, buttons);
        }
    }
}

/* The US layout: plain, shifted, Caps Lock (letters only, Shift undoes it), keys without
 * a character and codes out of range. */
static void test_keymap_us(void **state)
{
    (void)state;
    assert_int_equal(input_keymap_us(INPUT_KEY_A, 0), 'a');
    assert_int_equal(input_keymap_us(INPUT_KEY_A, INPUT_MODIFIER_SHIFT), 'A');
    assert_int_equal(input_keymap_us(INPUT_KEY_A, INPUT_MODIFIER_CAPS_LOCK), 'A');
    assert_int_equal(input_keymap_us(INPUT_KEY_A, INPUT_MODIFIER_CAPS_LOCK | INPUT_MODIFIER_SHIFT),
                     'a');
    assert_int_equal(input_keymap_us(INPUT_KEY_9, INPUT_MODIFIER_SHIFT), '(');
    assert_int_equal(input_keymap_us(INPUT_KEY_9, INPUT_MODIFIER_CAPS_LOCK), '9');
    assert_int_equal(input_keymap_us(INPUT_KEY_8, INPUT_MODIFIER_SHIFT), '*');
    assert_int_equal(input_keymap_us(INPUT_KEY_SPACE, INPUT_MODIFIER_CTRL), ' ');
    assert_int_equal(input_keymap_us(INPUT_KEY_ENTER, 0), 0);
    assert_int_equal(input_keymap_us(INPUT_KEY_UP, 0), 0);
    assert_int_equal(input_keymap_us(INPUT_KEY_LEFT_SHIFT, 0), 0);
    assert_int_equal(input_keymap_us(INPUT_KEY_COUNT, 0), 0);
    assert_int_equal(input_keymap_us(0xFFFFFFFFu, 0xFFFFFFFFu), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sendkey_bytes),
        cmocka_unit_test(test_known_keys_press_and_release),
        cmocka_unit_test(test_codes_distinct),
        cmocka_unit_test(test_print_screen_and_pause),
        cmocka_unit_test(test_keyboard_replies_ignored),
        cmocka_unit_test(test_modifiers_and_repeat),
        cmocka_unit_test(test_keyboard_random_streams),
        cmocka_unit_test(test_mouse_packets_from_qemu),
        cmocka_unit_test(test_mouse_signs_and_overflow),
        cmocka_unit_test(test_mouse_resynchronises),
        cmocka_unit_test(test_mouse_random_streams),
        cmocka_unit_test(test_keymap_us),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
