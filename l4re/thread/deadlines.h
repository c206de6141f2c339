/* SPDX-License-Identifier: MIT */
/*
 * The deadlines of timed waits, earliest first (internal to l4re/thread; portable, so the
 * host unit tests run it: tests/unit/test_runtime_sync.c). The timer (timer.c) keeps one
 * list under its lock; each entry lives in the frame of the thread that waits.
 */
#ifndef PECAN_THREAD_DEADLINES_H
#define PECAN_THREAD_DEADLINES_H

#include <stdint.h>

#define DEADLINE_NONE UINT64_MAX   /* deadline_wait_us of an empty list */

struct deadline {
    uint64_t at_ns;            /* on the KIP clock */
    struct deadline *next;
    void *owner;               /* the waiting thread */
    int fired;                 /* set by the timer once at_ns has passed */
};

struct deadline_list {
    struct deadline *head;     /* earliest first; equal ones in the order they came */
};

/* now_ns plus timeout_ms plus slack_ns, without overflowing (DEADLINE_NONE at most). */
uint64_t deadline_after(uint64_t now_ns, uint32_t timeout_ms, uint64_t slack_ns);
/* Puts d in its place; 1 if it is now the earliest. */
int deadline_insert(struct deadline_list *list, struct deadline *d);
/* Takes d off the list; 1 if it was on it. */
int deadline_remove(struct deadline_list *list, struct deadline *d);
/* Takes off and returns the earliest entry if it is due at now_ns, else NULL. */
struct deadline *deadline_take_due(struct deadline_list *list, uint64_t now_ns);
/* Microseconds from now_ns until the earliest entry is due, rounded up (0: due already);
 * DEADLINE_NONE if the list is empty. */
uint64_t deadline_wait_us(const struct deadline_list *list, uint64_t now_ns);

#endif
