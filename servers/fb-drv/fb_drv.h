/* SPDX-License-Identifier: MIT */
/*
 * fb-drv's pieces (docs/graphics.md): fb_drv.c sets the screen up (the frame, the PL111
 * or none) from the boot script's arguments and capabilities; screen_server.c serves
 * FRAMEBUFFER sessions on it, each session object also speaking DATASPACE for the
 * frame's pages.
 *
 * Invariants once serving: the screen never changes; every page of the frame is mapped
 * in fb-drv's space, readable and writable (it was written once, when cleared), so a
 * page sent with MAP always arrives.
 */
#ifndef FB_DRV_H
#define FB_DRV_H

#include <stdbool.h>
#include <stdint.h>
#include <pecan/server.h>
#include "mode.h"

#define FB_NO_PHYSICAL 0xFFFFFFFFu

struct screen {
    struct fb_mode mode;
    uint8_t *pixels;      /* the frame in fb-drv's space: mode.frame_size bytes */
    uint32_t physical;    /* the frame's physical address (PL111), FB_NO_PHYSICAL (RAM only) */
};

extern struct screen screen;

/* Serves FRAMEBUFFER sessions of the screen on channel with s (one thread). */
int screen_serve(struct server *s, pecan_cap_t channel);
/* The sessions' counts, for the log. */
unsigned screen_sessions_open(void);

#endif
