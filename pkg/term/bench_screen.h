/* SPDX-License-Identifier: MIT */
/*
 * bench_screen: the screen bench_term serves term for term_key_to_pixels, and
 * term-resize for its resize test, standing in for a mag window (bench_screen.c). Its
 * sessions speak FRAMEBUFFER (a 640x480x16 buffer in this program's memory, no
 * AUTO_REFRESH, so term sends a REFRESH for what it drew; resized on request), DATASPACE
 * (that buffer, mapped page by page) and EVENT (a ring the test puts keys and resizes in,
 * as mag puts a focused window's). It is served by a thread of its own.
 */
#ifndef BENCH_SCREEN_H
#define BENCH_SCREEN_H

#include <pecan/protocol/event.h>
#include <pecan/syscall.h>
#include <stdbool.h>
#include <stdint.h>

#define BENCH_SCREEN_WIDTH 640u
#define BENCH_SCREEN_HEIGHT 480u

struct bench_screen_rectangle {
    uint32_t x, y, width, height;
};

/* Serves sessions on the gate channel from a thread of its own; each REFRESH is kept
 * (bench_screen_refreshed) and signals bits on the notification refreshed. */
int bench_screen_serve(pecan_cap_t channel, pecan_cap_t refreshed, pecan_word_t bits);

/* Puts the events into the open session's ring and signals its client once; false if
 * no session has a ring or an event was dropped. */
bool bench_screen_send(const struct pecan_event *events, unsigned count);

/* The last REFRESH's rectangle. */
struct bench_screen_rectangle bench_screen_refreshed(void);

/* The pixels, row by row (bench_screen_buffer_width() a row: BENCH_SCREEN_WIDTH until a
 * resize). */
const uint16_t *bench_screen_pixels(void);

/* The window resized, as mag does it: INFO answers width x height (1 .. the largest)
 * from now on, `events` (1 .. 8) RESIZE events go into the ring at once (a drag's
 * several: the client sees them in one batch), and the next GET_BUFFER 0 replaces
 * buffer 0 by a cleared one of that size. False if an argument is out of range or an
 * event could not be put. */
bool bench_screen_resize(uint32_t width, uint32_t height, unsigned events);
/* The next `infos` INFOs fail with -PECAN_EBUSY, the next `get_buffers` GET_BUFFERs with
 * -PECAN_ENOMEM (buffer 0 then stays as it was). */
void bench_screen_fail(unsigned infos, unsigned get_buffers);
/* Calls answered since the start (failed ones too), and REFRESHes refused as outside. */
struct bench_screen_calls {
    unsigned info, get_buffer, refresh_outside;
};
struct bench_screen_calls bench_screen_calls(void);
/* Buffer 0's width as last handed out: its line is that many pixels. */
uint32_t bench_screen_buffer_width(void);

#endif
