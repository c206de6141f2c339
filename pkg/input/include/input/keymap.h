/* SPDX-License-Identifier: MIT */
/* The US keyboard layout: which character a key gives with the modifiers held
 * (INPUT_MODIFIER_*). Keys that give no character (arrows, function keys, modifiers,
 * Enter, Tab, Backspace, Escape: a terminal turns those into sequences of its own) give
 * 0. Ctrl and Alt are not applied here; the caller encodes them (a terminal sends Ctrl-A
 * as 0x01). Caps Lock shifts letters only, as on a PC. */
#ifndef INPUT_KEYMAP_H
#define INPUT_KEYMAP_H

#include <stdint.h>

/* The character of key code (an INPUT_KEY_*) with modifiers, or 0. Any code is safe. */
uint32_t input_keymap_us(uint32_t code, uint32_t modifiers);

#endif
