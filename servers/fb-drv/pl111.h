/* SPDX-License-Identifier: MIT */
/*
 * The ARM PrimeCell PL111 colour LCD controller (pl111.c; the RealView EB's at
 * 0x10020000, shared/docs/platforms.md section 7): it scans the frame out of physical
 * memory by itself, so once started it needs nothing more, and a refresh is a no-op.
 * Registers come as an uncached mapping of the controller's page.
 */
#ifndef FB_DRV_PL111_H
#define FB_DRV_PL111_H

#include <stdint.h>
#include "mode.h"

#define PL111_REGISTER_SIZE 0x1000u
#define PL111_PART_NUMBER 0x111u

/* The part number in the PrimeCell identification registers (0x111 for a PL111; a
 * PL110 has 0x110, and its LCDControl is elsewhere). */
uint32_t pl111_part_number(volatile uint32_t *registers);
/* Stops the controller, sets the mode's timings and the frame's physical address, then
 * enables it: TFT, 16 bits 5:6:5 or 24 bits in 32, BGR set (so red is at the top: the
 * formats mode.h names), powered. */
void pl111_start(volatile uint32_t *registers, const struct fb_mode *mode, uint32_t frame);

#endif
