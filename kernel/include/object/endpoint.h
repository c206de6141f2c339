/* SPDX-License-Identifier: MIT */
/*
 * IPC gates (endpoints), 32-byte objects. A gate is bound to one thread; a message sent
 * through a gate goes to that thread, which learns the badge of the capability used.
 * Senders to an unbound gate wait at the gate until a thread is bound, so channels can be
 * wired before their server runs. A gate can carry a no-clients notification: signalled
 * when the capability it was set through has no derived copy left (session GC).
 */
#ifndef PECAN_OBJECT_ENDPOINT_H
#define PECAN_OBJECT_ENDPOINT_H

#include <object/tcb.h>

#define ENDPOINT_SIZE_BITS 5

struct endpoint {
    struct tcb *bound_thread;
    struct tcb *waiting_head;          /* senders waiting for a bound thread */
    struct tcb *waiting_tail;
    struct endpoint *bound_next;       /* the bound thread's list of gates */
    struct endpoint *bound_prev;
    struct notification *no_clients;   /* signalled when the watched capability is a leaf */
    word_t no_clients_bits;
    struct endpoint *watch_next;       /* next gate watched by the same notification */
};

_Static_assert(sizeof(struct endpoint) == (1u << ENDPOINT_SIZE_BITS), "endpoint size");

struct invocation;

/* Gate control (KOBJECT protocol through a capability with READ); false if the message
 * is ordinary IPC instead. */
bool endpoint_control(struct invocation *inv, int *result);
/* A notification goes away: gates stop signalling it. */
void endpoint_notification_destroyed(struct notification *n);

/* A thread goes away: unbind every gate bound to it. */
void endpoint_thread_destroyed(struct tcb *tcb);
/* A gate capability was deleted from the derivation tree, leaving its parent with no
 * children: signal the no-clients notification if that parent is the watched one. */
void endpoint_cap_removed(struct cte *parent_if_leaf);

#endif
