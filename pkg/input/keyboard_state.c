/* SPDX-License-Identifier: MIT */
/* The keys held down and Caps Lock, from key events: modifiers for the terminal and mag,
 * and typematic repeats told apart from new presses. */
#include <input/ps2.h>

#include <string.h>

void keyboard_state_init(struct keyboard_state *state)
{
    memset(state, 0, sizeof(*state));
}

bool keyboard_state_is_pressed(const struct keyboard_state *state, uint16_t code)
{
    if (code >= INPUT_KEY_COUNT)
        return false;
    return (state->pressed[code / 32] >> (code % 32)) & 1u;
}

bool keyboard_state_apply(struct keyboard_state *state, struct key_event event)
{
    if (event.code >= INPUT_KEY_COUNT)
        return false;
    bool was_pressed = keyboard_state_is_pressed(state, event.code);
    uint32_t bit = 1u << (event.code % 32);
    if (!event.pressed) {
        state->pressed[event.code / 32] &= ~bit;
        return false;
    }
    state->pressed[event.code / 32] |= bit;
    if (was_pressed)
        return true;
    if (event.code == INPUT_KEY_CAPS_LOCK)
        state->caps_lock = !state->caps_lock;
    return false;
}

unsigned keyboard_state_modifiers(const struct keyboard_state *state)
{
    unsigned modifiers = 0;
    if (keyboard_state_is_pressed(state, INPUT_KEY_LEFT_SHIFT) ||
        keyboard_state_is_pressed(state, INPUT_KEY_RIGHT_SHIFT))
        modifiers |= INPUT_MODIFIER_SHIFT;
    if (keyboard_state_is_pressed(state, INPUT_KEY_LEFT_CTRL) ||
        keyboard_state_is_pressed(state, INPUT_KEY_RIGHT_CTRL))
        modifiers |= INPUT_MODIFIER_CTRL;
    if (keyboard_state_is_pressed(state, INPUT_KEY_LEFT_ALT) ||
        keyboard_state_is_pressed(state, INPUT_KEY_RIGHT_ALT))
        modifiers |= INPUT_MODIFIER_ALT;
    if (state->caps_lock)
        modifiers |= INPUT_MODIFIER_CAPS_LOCK;
    return modifiers;
}
