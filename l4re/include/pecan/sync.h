/* SPDX-License-Identifier: MIT */
/*
 * Synchronisation with timeouts (l4re/thread): counting semaphores and mailboxes, beside
 * the mutexes and condition variables of pecan/thread.h (pecan_cond_wait_timed is
 * there). Made to carry lwIP's sys_arch directly: sys_sem_* are the semaphores, sys_mbox_*
 * the mailboxes, sys_mutex_* pecan_mutex, sys_now pecan_sync_clock_ms; lwIP's timeout 0
 * ("forever") is the untimed call.
 *
 * Timeouts are in milliseconds. A timed call waits at least that long (the kernel's clock
 * moves once per tick, 10 ms; a wait ends within about two ticks of its time) and
 * reports running out as -PECAN_ETIMEDOUT, distinct from every other result; a timeout
 * of 0 only tries. Waiters queue in order; a unit or message handed to a queued waiter
 * is its own, so a waiter whose time runs out at the same moment either got it (and
 * returns 0) or did not (and it went to the next waiter): nothing is lost or counted
 * twice. Wake-ups go through each thread's park notification (pecan/thread.h); timeouts
 * through one timer thread of the runtime, started by the program's first timed wait.
 *
 * None of these holds a kernel object: nothing to free when one is no longer used.
 */
#ifndef PECAN_SYNC_H
#define PECAN_SYNC_H

#include <pecan/errors.h>
#include <pecan/thread.h>
#include <stdint.h>

/* The clock timeouts are measured on: milliseconds since boot (the KIP clock). */
uint64_t pecan_sync_clock_ms(void);

/* Counting semaphore: units, and the threads waiting for one (first come, first served). */
struct pecan_sem {
    int queue_lock;
    unsigned count;
    struct pecan_thread *head, *tail;
};
#define PECAN_SEM_INIT(count) { 0, (count), 0, 0 }
void pecan_sem_init(struct pecan_sem *sem, unsigned count);
/* Takes a unit, waiting as long as it takes. */
void pecan_sem_down(struct pecan_sem *sem);
/* Takes a unit if there is one: 0, else -PECAN_EBUSY. */
int pecan_sem_trydown(struct pecan_sem *sem);
/* Takes a unit, waiting at most timeout_ms: 0 or -PECAN_ETIMEDOUT. */
int pecan_sem_down_timed(struct pecan_sem *sem, uint32_t timeout_ms);
/* Gives a unit: to the first waiter if there is one. */
void pecan_sem_up(struct pecan_sem *sem);

/* Mailbox: a bounded FIFO of pointers in a ring the caller provides (size slots). */
struct pecan_mbox {
    struct pecan_sem free_slots, messages;
    int ring_lock;
    void **ring;
    unsigned size, first, count;
};
/* 0, or -PECAN_EINVAL for a ring of no slots. */
int pecan_mbox_init(struct pecan_mbox *box, void **ring, unsigned size);
/* Puts message in, waiting for a free slot as long as it takes. */
void pecan_mbox_post(struct pecan_mbox *box, void *message);
/* Puts message in if a slot is free: 0, else -PECAN_EBUSY. */
int pecan_mbox_trypost(struct pecan_mbox *box, void *message);
/* Takes the oldest message, waiting as long as it takes. */
void pecan_mbox_fetch(struct pecan_mbox *box, void **message);
/* Takes the oldest message if there is one: 0, else -PECAN_EBUSY. */
int pecan_mbox_tryfetch(struct pecan_mbox *box, void **message);
/* Takes the oldest message, waiting at most timeout_ms: 0 or -PECAN_ETIMEDOUT. */
int pecan_mbox_fetch_timed(struct pecan_mbox *box, void **message, uint32_t timeout_ms);

#endif
