/* SPDX-License-Identifier: MIT */
/*
 * IPC gates, 32-byte objects. A gate is bound to one thread; a message sent
 * through a gate goes to that thread, which learns the badge of the capability used.
 * Senders to an unbound gate wait at the gate until a thread is bound, so channels can be
 * wired before their server runs.
 *
 * A gate carries at most one no-clients watch (session GC): a notification and bits,
 * signalled when the capability the watch was set through (the watched slot) has no
 * derived copy left. The watch belongs to that capability: it is changed or cancelled
 * through it, or taken over through a capability derived from it (the gate passed down
 * to a server), never through an ancestor or a copy; it ends with the watched slot, the
 * notification or the gate, and moves with the capability (CNODE MOVE).
 *
 * Invariants (checked by core/invariants.c): watched is NULL iff no_clients is; the
 * watched slot is in the derivation tree and holds a capability to this gate, with the
 * bits (never 0) in its extra word; every other capability to a gate has extra 0; a gate
 * is in its notification's watching_gates list iff its no_clients names it.
 */
#ifndef PECAN_OBJECT_GATE_H
#define PECAN_OBJECT_GATE_H

#include <object/thread.h>

#define GATE_SIZE_BITS 5

struct gate {
    struct thread *bound_thread;
    struct thread *waiting_head;       /* senders waiting for a bound thread */
    struct thread *waiting_tail;
    struct gate *bound_next;           /* the bound thread's list of gates */
    struct gate *bound_prev;
    struct notification *no_clients;   /* signalled when the watched capability is a leaf */
    struct cte *watched;               /* the watched slot; its cap.extra holds the bits (the
                                          gate has no room for them) */
    struct gate *watch_next;           /* next gate watched by the same notification */
};

_Static_assert(sizeof(struct gate) == (1u << GATE_SIZE_BITS), "gate size");

struct invocation;

/* Gate control (GATE protocol through a capability with READ); false if the message
 * is ordinary IPC instead. */
bool gate_control(struct invocation *inv, int *result);
/* A notification goes away: gates stop signalling it. */
void gate_notification_destroyed(struct notification *n);

/* A thread goes away: unbind every gate bound to it. */
void gate_thread_destroyed(struct thread *thread);
/* Ends the gate's no-clients watch, if it has one. */
void gate_unwatch(struct gate *gate);
/* A gate capability is being deleted (still in its slot): the watch ends if it was
 * set through it. Inline: it is on the path of every deletion of a gate capability. */
static inline void gate_cap_deleted(struct cte *slot)
{
    struct gate *gate = (struct gate *)slot->cap.object;
    if (gate->watched == slot)
        gate_unwatch(gate);
}
/* A gate capability moved from one slot to another (CNODE MOVE): its watch goes along. */
void gate_cap_moved(struct cte *from, struct cte *to);
/* A gate capability was deleted from the derivation tree, leaving its parent with no
 * children: signal the no-clients notification if that parent is the watched one. */
void gate_cap_removed(struct cte *parent_if_leaf);

#endif
