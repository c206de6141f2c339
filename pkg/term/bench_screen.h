/* SPDX-License-Identifier: MIT */
/*
 * bench_screen: the screen bench_term serves term for term_key_to_pixels, standing in for
 * a mag window (bench_screen.c). Its sessions speak FRAMEBUFFER (a 640x480x16 buffer in
 * this program's memory, no AUTO_REFRESH, so term sends a REFRESH for what it drew),
 * DATASPACE (that buffer, mapped page by page) and EVENT (a ring the benchmark puts keys
 * in, as mag puts a focused window's keys). It is served by a thread of its own.
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

/* The pixels, row by row (BENCH_SCREEN_WIDTH a row). */
const uint16_t *bench_screen_pixels(void);

#endif
