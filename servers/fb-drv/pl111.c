/* SPDX-License-Identifier: MIT */
/*
 * PL111 programming (pl111.h). The timings beyond the visible size (sync widths, porches,
 * the pixel clock) are left 0: QEMU models none of them, and on a real board they
 * belong to the panel, which the boot script would have to name. On hardware the clock
 * of the RealView's CLCD (OSC4 in the system registers) would also need setting.
 */
#include "pl111.h"

enum {   /* word offsets */
    TIMING0 = 0x00 / 4, TIMING1 = 0x04 / 4, TIMING2 = 0x08 / 4, TIMING3 = 0x0C / 4,
    UPPER_BASE = 0x10 / 4, LOWER_BASE = 0x14 / 4, CONTROL = 0x18 / 4, INTERRUPT_MASK = 0x1C / 4,
    PERIPH_ID0 = 0xFE0 / 4, PERIPH_ID1 = 0xFE4 / 4,
};

#define CONTROL_ENABLE 0x001u
#define CONTROL_BPP_SHIFT 1
#define CONTROL_BPP_565 6u          /* 16 bits, 5:6:5 */
#define CONTROL_BPP_24 5u           /* 24 bits in a 32-bit word */
#define CONTROL_TFT 0x020u
#define CONTROL_BGR 0x100u
#define CONTROL_POWER 0x800u
#define TIMING2_BYPASS_DIVIDER (1u << 26)
#define TIMING2_CLOCKS_PER_LINE_SHIFT 16

uint32_t pl111_part_number(volatile uint32_t *registers)
{
    return (registers[PERIPH_ID0] & 0xFFu) | (registers[PERIPH_ID1] & 0xFu) << 8;
}

void pl111_start(volatile uint32_t *registers, const struct fb_mode *mode, uint32_t frame)
{
    uint32_t bpp = mode->format->bits_per_pixel == 16 ? CONTROL_BPP_565 : CONTROL_BPP_24;
    uint32_t control = CONTROL_ENABLE | bpp << CONTROL_BPP_SHIFT | CONTROL_TFT | CONTROL_BGR;
    registers[CONTROL] = 0;
    registers[INTERRUPT_MASK] = 0;
    registers[TIMING0] = (mode->width / 16 - 1) << 2;   /* pixels per line, in 16s */
    registers[TIMING1] = mode->height - 1;              /* lines per panel */
    registers[TIMING2] = TIMING2_BYPASS_DIVIDER | (mode->width - 1) << TIMING2_CLOCKS_PER_LINE_SHIFT;
    registers[TIMING3] = 0;
    registers[UPPER_BASE] = frame;
    registers[LOWER_BASE] = 0;
    registers[CONTROL] = control;
    /* The TRM powers the panel up only once the controller runs. */
    registers[CONTROL] = control | CONTROL_POWER;
}
