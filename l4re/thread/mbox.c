/* SPDX-License-Identifier: MIT */
/*
 * Mailboxes (pecan/sync.h): a ring of pointers and two semaphores, free_slots and
 * messages. Invariant: free_slots + messages + the units in flight between them equal
 * the ring's size; a poster holds a free slot before it touches the ring and a fetcher a
 * message, so the ring (under ring_lock, a spin lock held for a few instructions) never
 * overflows or runs dry, and messages come out in the order they went in.
 */
#include <pecan/sync.h>
#include "ring.h"
#include "spin.h"

int pecan_mbox_init(struct pecan_mbox *box, void **ring, unsigned size)
{
    if (!size || !ring)
        return -PECAN_EINVAL;
    pecan_sem_init(&box->free_slots, size);
    pecan_sem_init(&box->messages, 0);
    box->ring_lock = 0;
    box->ring = ring;
    box->size = size;
    box->first = box->count = 0;
    return 0;
}

/* With a free slot held: puts message in and lets a fetcher have it. */
static void put(struct pecan_mbox *box, void *message)
{
    spin_lock(&box->ring_lock);
    ring_put(box->ring, box->size, box->first, &box->count, message);
    spin_unlock(&box->ring_lock);
    pecan_sem_up(&box->messages);
}

/* With a message held: takes the oldest out and frees its slot. */
static void *take(struct pecan_mbox *box)
{
    spin_lock(&box->ring_lock);
    void *message = ring_take(box->ring, box->size, &box->first, &box->count);
    spin_unlock(&box->ring_lock);
    pecan_sem_up(&box->free_slots);
    return message;
}

void pecan_mbox_post(struct pecan_mbox *box, void *message)
{
    pecan_sem_down(&box->free_slots);
    put(box, message);
}

int pecan_mbox_trypost(struct pecan_mbox *box, void *message)
{
    if (pecan_sem_trydown(&box->free_slots))
        return -PECAN_EBUSY;
    put(box, message);
    return 0;
}

void pecan_mbox_fetch(struct pecan_mbox *box, void **message)
{
    pecan_sem_down(&box->messages);
    *message = take(box);
}

int pecan_mbox_tryfetch(struct pecan_mbox *box, void **message)
{
    if (pecan_sem_trydown(&box->messages))
        return -PECAN_EBUSY;
    *message = take(box);
    return 0;
}

int pecan_mbox_fetch_timed(struct pecan_mbox *box, void **message, uint32_t timeout_ms)
{
    int err = pecan_sem_down_timed(&box->messages, timeout_ms);
    if (err)
        return err;
    *message = take(box);
    return 0;
}
