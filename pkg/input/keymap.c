/* SPDX-License-Identifier: MIT */
/* The US layout as two tables indexed by key code (input/keymap.h): the plain character
 * and the shifted one. A zero entry is a key without a character. */
#include <input/key_codes.h>
#include <input/keymap.h>
#include <input/ps2.h>

struct key_characters {
    char plain, shifted;
};

static const struct key_characters us[INPUT_KEY_COUNT] = {
    [INPUT_KEY_1] = { '1', '!' }, [INPUT_KEY_2] = { '2', '@' }, [INPUT_KEY_3] = { '3', '#' },
    [INPUT_KEY_4] = { '4', '$' }, [INPUT_KEY_5] = { '5', '%' }, [INPUT_KEY_6] = { '6', '^' },
    [INPUT_KEY_7] = { '7', '&' }, [INPUT_KEY_8] = { '8', '*' }, [INPUT_KEY_9] = { '9', '(' },
    [INPUT_KEY_0] = { '0', ')' }, [INPUT_KEY_MINUS] = { '-', '_' },
    [INPUT_KEY_EQUAL] = { '=', '+' },
    [INPUT_KEY_Q] = { 'q', 'Q' }, [INPUT_KEY_W] = { 'w', 'W' }, [INPUT_KEY_E] = { 'e', 'E' },
    [INPUT_KEY_R] = { 'r', 'R' }, [INPUT_KEY_T] = { 't', 'T' }, [INPUT_KEY_Y] = { 'y', 'Y' },
    [INPUT_KEY_U] = { 'u', 'U' }, [INPUT_KEY_I] = { 'i', 'I' }, [INPUT_KEY_O] = { 'o', 'O' },
    [INPUT_KEY_P] = { 'p', 'P' }, [INPUT_KEY_LEFT_BRACE] = { '[', '{' },
    [INPUT_KEY_RIGHT_BRACE] = { ']', '}' },
    [INPUT_KEY_A] = { 'a', 'A' }, [INPUT_KEY_S] = { 's', 'S' }, [INPUT_KEY_D] = { 'd', 'D' },
    [INPUT_KEY_F] = { 'f', 'F' }, [INPUT_KEY_G] = { 'g', 'G' }, [INPUT_KEY_H] = { 'h', 'H' },
    [INPUT_KEY_J] = { 'j', 'J' }, [INPUT_KEY_K] = { 'k', 'K' }, [INPUT_KEY_L] = { 'l', 'L' },
    [INPUT_KEY_SEMICOLON] = { ';', ':' }, [INPUT_KEY_APOSTROPHE] = { '\'', '"' },
    [INPUT_KEY_GRAVE] = { '`', '~' }, [INPUT_KEY_BACKSLASH] = { '\\', '|' },
    [INPUT_KEY_Z] = { 'z', 'Z' }, [INPUT_KEY_X] = { 'x', 'X' }, [INPUT_KEY_C] = { 'c', 'C' },
    [INPUT_KEY_V] = { 'v', 'V' }, [INPUT_KEY_B] = { 'b', 'B' }, [INPUT_KEY_N] = { 'n', 'N' },
    [INPUT_KEY_M] = { 'm', 'M' }, [INPUT_KEY_COMMA] = { ',', '<' },
    [INPUT_KEY_DOT] = { '.', '>' }, [INPUT_KEY_SLASH] = { '/', '?' },
    [INPUT_KEY_SPACE] = { ' ', ' ' }, [INPUT_KEY_102ND] = { '\\', '|' },
    [INPUT_KEY_KEYPAD_ASTERISK] = { '*', '*' }, [INPUT_KEY_KEYPAD_MINUS] = { '-', '-' },
    [INPUT_KEY_KEYPAD_PLUS] = { '+', '+' }, [INPUT_KEY_KEYPAD_SLASH] = { '/', '/' },
};

uint32_t input_keymap_us(uint32_t code, uint32_t modifiers)
{
    if (code >= INPUT_KEY_COUNT)
        return 0;
    const struct key_characters *k = &us[code];
    if (!k->plain)
        return 0;
    int shifted = (modifiers & INPUT_MODIFIER_SHIFT) != 0;
    /* Caps Lock turns the case of letters only, and Shift turns it back. */
    if ((modifiers & INPUT_MODIFIER_CAPS_LOCK) && k->plain >= 'a' && k->plain <= 'z')
        shifted = !shifted;
    return (uint32_t)(unsigned char)(shifted ? k->shifted : k->plain);
}
