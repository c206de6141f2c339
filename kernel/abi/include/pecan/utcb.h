/* SPDX-License-Identifier: MIT */
/*
 * The user thread control block: a per-thread area in the thread's own address space
 * (inside a frame it names with THREAD_CONFIGURE). Message words 0-5 travel in
 * registers; the UTCB holds all 64 so stubs can spill to it.
 */
#ifndef PECAN_ABI_UTCB_H
#define PECAN_ABI_UTCB_H

#include <pecan/syscall.h>

#define PECAN_UTCB_MESSAGE_WORDS 64
#define PECAN_UTCB_BUFFER_WORDS 16
#define PECAN_UTCB_SIZE 512

/* Receive buffers: where capabilities and mappings sent to this thread may land. */
#define PECAN_UTCB_BUFFER_CAP_COUNT 0      /* buffer[0]: number of capability slots (0-4) */
#define PECAN_UTCB_BUFFER_CAP_SLOTS 1      /* buffer[1..4]: capability indices of empty slots */
#define PECAN_UTCB_BUFFER_MAP_WINDOW 8     /* buffer[8]: window base | log2(size), 0: none */
#define PECAN_UTCB_MAX_CAP_BUFFERS 4

struct pecan_utcb {
    pecan_word_t message[PECAN_UTCB_MESSAGE_WORDS];   /* message registers */
    pecan_word_t buffer[PECAN_UTCB_BUFFER_WORDS];     /* receive buffers (capability slots) */
    pecan_word_t error;                                /* detail of the last IPC error */
    pecan_word_t user[PECAN_UTCB_SIZE / 4 - PECAN_UTCB_MESSAGE_WORDS - PECAN_UTCB_BUFFER_WORDS - 1];
};

#endif
