/* SPDX-License-Identifier: MIT */
/* Strict UTF-8 decoding (RFC 3629): the only forms accepted are the shortest ones of
 * U+0000..U+10FFFF without the surrogates. */
#include <graphics/utf8.h>

/* Length of a sequence from its first byte, or 0 for a byte no sequence starts with. */
static size_t sequence_length(uint8_t first)
{
    if (first < 0x80)
        return 1;
    if (first >= 0xC2 && first <= 0xDF)
        return 2;
    if (first >= 0xE0 && first <= 0xEF)
        return 3;
    if (first >= 0xF0 && first <= 0xF4)
        return 4;
    return 0;
}

static uint32_t smallest_for_length(size_t length)
{
    return length == 2 ? 0x80u : length == 3 ? 0x800u : 0x10000u;
}

size_t utf8_decode(const uint8_t *bytes, size_t size, uint32_t *code_point)
{
    *code_point = UTF8_REPLACEMENT_CHARACTER;
    size_t length = sequence_length(bytes[0]);
    if (length == 0 || length > size)
        return 0;
    if (length == 1) {
        *code_point = bytes[0];
        return 1;
    }
    uint32_t value = bytes[0] & (0x7Fu >> length);
    for (size_t i = 1; i < length; i++) {
        if ((bytes[i] & 0xC0) != 0x80)
            return 0;
        value = (value << 6) | (bytes[i] & 0x3Fu);
    }
    if (value < smallest_for_length(length) || value > 0x10FFFFu ||
        (value >= 0xD800u && value <= 0xDFFFu))
        return 0;
    *code_point = value;
    return length;
}
