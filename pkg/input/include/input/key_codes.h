/* SPDX-License-Identifier: MIT */
/* Key and button numbers of Pecan's input events. The numbers are those of Linux's input
 * layer, which L4Re's event protocol uses as well, so programs and tables written for
 * either read ours unchanged; the names are our own (an INPUT_ prefix keeps them apart from
 * curses' KEY_ macros). Only the keys a PC keyboard and a PS/2 mouse have are listed. */
#ifndef INPUT_KEY_CODES_H
#define INPUT_KEY_CODES_H

enum input_key_code {
    INPUT_KEY_RESERVED = 0,
    INPUT_KEY_ESCAPE = 1,
    INPUT_KEY_1 = 2, INPUT_KEY_2 = 3, INPUT_KEY_3 = 4, INPUT_KEY_4 = 5, INPUT_KEY_5 = 6,
    INPUT_KEY_6 = 7, INPUT_KEY_7 = 8, INPUT_KEY_8 = 9, INPUT_KEY_9 = 10, INPUT_KEY_0 = 11,
    INPUT_KEY_MINUS = 12,
    INPUT_KEY_EQUAL = 13,
    INPUT_KEY_BACKSPACE = 14,
    INPUT_KEY_TAB = 15,
    INPUT_KEY_Q = 16, INPUT_KEY_W = 17, INPUT_KEY_E = 18, INPUT_KEY_R = 19, INPUT_KEY_T = 20,
    INPUT_KEY_Y = 21, INPUT_KEY_U = 22, INPUT_KEY_I = 23, INPUT_KEY_O = 24, INPUT_KEY_P = 25,
    INPUT_KEY_LEFT_BRACE = 26,
    INPUT_KEY_RIGHT_BRACE = 27,
    INPUT_KEY_ENTER = 28,
    INPUT_KEY_LEFT_CTRL = 29,
    INPUT_KEY_A = 30, INPUT_KEY_S = 31, INPUT_KEY_D = 32, INPUT_KEY_F = 33, INPUT_KEY_G = 34,
    INPUT_KEY_H = 35, INPUT_KEY_J = 36, INPUT_KEY_K = 37, INPUT_KEY_L = 38,
    INPUT_KEY_SEMICOLON = 39,
    INPUT_KEY_APOSTROPHE = 40,
    INPUT_KEY_GRAVE = 41,
    INPUT_KEY_LEFT_SHIFT = 42,
    INPUT_KEY_BACKSLASH = 43,
    INPUT_KEY_Z = 44, INPUT_KEY_X = 45, INPUT_KEY_C = 46, INPUT_KEY_V = 47, INPUT_KEY_B = 48,
    INPUT_KEY_N = 49, INPUT_KEY_M = 50,
    INPUT_KEY_COMMA = 51,
    INPUT_KEY_DOT = 52,
    INPUT_KEY_SLASH = 53,
    INPUT_KEY_RIGHT_SHIFT = 54,
    INPUT_KEY_KEYPAD_ASTERISK = 55,
    INPUT_KEY_LEFT_ALT = 56,
    INPUT_KEY_SPACE = 57,
    INPUT_KEY_CAPS_LOCK = 58,
    INPUT_KEY_F1 = 59, INPUT_KEY_F2 = 60, INPUT_KEY_F3 = 61, INPUT_KEY_F4 = 62,
    INPUT_KEY_F5 = 63, INPUT_KEY_F6 = 64, INPUT_KEY_F7 = 65, INPUT_KEY_F8 = 66,
    INPUT_KEY_F9 = 67, INPUT_KEY_F10 = 68,
    INPUT_KEY_NUM_LOCK = 69,
    INPUT_KEY_SCROLL_LOCK = 70,
    INPUT_KEY_KEYPAD_7 = 71, INPUT_KEY_KEYPAD_8 = 72, INPUT_KEY_KEYPAD_9 = 73,
    INPUT_KEY_KEYPAD_MINUS = 74,
    INPUT_KEY_KEYPAD_4 = 75, INPUT_KEY_KEYPAD_5 = 76, INPUT_KEY_KEYPAD_6 = 77,
    INPUT_KEY_KEYPAD_PLUS = 78,
    INPUT_KEY_KEYPAD_1 = 79, INPUT_KEY_KEYPAD_2 = 80, INPUT_KEY_KEYPAD_3 = 81,
    INPUT_KEY_KEYPAD_0 = 82,
    INPUT_KEY_KEYPAD_DOT = 83,
    INPUT_KEY_102ND = 86,          /* the extra key left of Z on ISO keyboards */
    INPUT_KEY_F11 = 87,
    INPUT_KEY_F12 = 88,
    INPUT_KEY_KEYPAD_ENTER = 96,
    INPUT_KEY_RIGHT_CTRL = 97,
    INPUT_KEY_KEYPAD_SLASH = 98,
    INPUT_KEY_SYSRQ = 99,          /* Print Screen, and SysRq (Alt + Print Screen) */
    INPUT_KEY_RIGHT_ALT = 100,
    INPUT_KEY_HOME = 102,
    INPUT_KEY_UP = 103,
    INPUT_KEY_PAGE_UP = 104,
    INPUT_KEY_LEFT = 105,
    INPUT_KEY_RIGHT = 106,
    INPUT_KEY_END = 107,
    INPUT_KEY_DOWN = 108,
    INPUT_KEY_PAGE_DOWN = 109,
    INPUT_KEY_INSERT = 110,
    INPUT_KEY_DELETE = 111,
    INPUT_KEY_PAUSE = 119,
    INPUT_KEY_LEFT_META = 125,
    INPUT_KEY_RIGHT_META = 126,
    INPUT_KEY_COMPOSE = 127,       /* the menu key */
    INPUT_KEY_COUNT = 128,         /* every keyboard key above is below this */

    INPUT_BUTTON_LEFT = 0x110,
    INPUT_BUTTON_RIGHT = 0x111,
    INPUT_BUTTON_MIDDLE = 0x112,
};

#endif
