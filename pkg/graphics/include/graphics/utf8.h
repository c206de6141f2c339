/* SPDX-License-Identifier: MIT */
/* Strict UTF-8 decoding: one code point at a time from untrusted bytes. Overlong forms,
 * surrogates, code points above U+10FFFF and cut-off sequences are errors, never read past
 * the end. */
#ifndef GRAPHICS_UTF8_H
#define GRAPHICS_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT_CHARACTER 0xFFFDu

/* Decodes the code point at the start of `size` bytes (size > 0). Returns how many bytes it
 * took (1 to 4) and stores the code point, or returns 0 on malformed or cut-off input, having
 * stored UTF8_REPLACEMENT_CHARACTER; a caller that goes on skips one byte. */
size_t utf8_decode(const uint8_t *bytes, size_t size, uint32_t *code_point);

#endif
