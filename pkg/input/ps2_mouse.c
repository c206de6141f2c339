/* SPDX-License-Identifier: MIT */
/* Standard PS/2 mouse packets, three bytes each. Byte 0: buttons in bits 0-2 (left, right,
 * middle), bit 3 always set, X and Y sign in bits 4 and 5, X and Y overflow in bits 6 and 7;
 * bytes 1 and 2: the low eight bits of the 9-bit two's complement X and Y movement, Y
 * growing upwards. Invariant: count < 3 between calls, and packet[0] has bit 3 set whenever
 * count > 0. */
#include <input/ps2.h>

#define FIRST_BYTE_ALWAYS_ONE 0x08u
#define X_SIGN 0x10u
#define Y_SIGN 0x20u
#define X_OVERFLOW 0x40u
#define Y_OVERFLOW 0x80u
#define BUTTON_BITS 0x07u

void ps2_mouse_decoder_init(struct ps2_mouse_decoder *decoder)
{
    decoder->count = 0;
}

/* A 9-bit movement; an overflowed one is reported as the largest movement of its sign. */
static int16_t movement(uint8_t low_bits, bool negative, bool overflow)
{
    if (overflow)
        return negative ? -256 : 255;
    return (int16_t)(negative ? (int)low_bits - 256 : (int)low_bits);
}

bool ps2_mouse_decode(struct ps2_mouse_decoder *decoder, uint8_t byte, struct mouse_event *event)
{
    if (decoder->count == 0 && !(byte & FIRST_BYTE_ALWAYS_ONE))
        return false;
    decoder->packet[decoder->count++] = byte;
    if (decoder->count < 3)
        return false;
    decoder->count = 0;
    uint8_t flags = decoder->packet[0];
    event->dx = movement(decoder->packet[1], flags & X_SIGN, flags & X_OVERFLOW);
    /* PS/2 Y grows upwards, the screen's downwards. */
    event->dy = (int16_t)-movement(decoder->packet[2], flags & Y_SIGN, flags & Y_OVERFLOW);
    event->buttons = flags & BUTTON_BITS;
    return true;
}
