/* SPDX-License-Identifier: MIT */
/* The ring of a mailbox (internal to l4re/thread; portable, for the host unit tests):
 * count messages from index first on, wrapping at size. The caller guarantees room (put)
 * and a message (take): the mailbox's semaphores count them. */
#ifndef PECAN_THREAD_RING_H
#define PECAN_THREAD_RING_H

static inline void ring_put(void **ring, unsigned size, unsigned first, unsigned *count,
                            void *message)
{
    ring[(first + *count) % size] = message;
    (*count)++;
}

static inline void *ring_take(void **ring, unsigned size, unsigned *first, unsigned *count)
{
    void *message = ring[*first];
    *first = (*first + 1) % size;
    (*count)--;
    return message;
}

#endif
