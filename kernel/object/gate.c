/* SPDX-License-Identifier: MIT */
/*
 * IPC gates (include/object/gate.h): the gate-control part of the GATE protocol
 * (bind a thread, info, the no-clients watch), and destruction. Message transfer
 * through gates is core/ipc.c. Control needs the READ right on the gate capability, which
 * a server keeps and its clients' copies lack; a message with the GATE label through a
 * capability without READ is ordinary IPC to the server.
 *
 * The no-clients watch is owned by the capability it was set through (the watched slot),
 * as seL4 ties authority to capabilities rather than to who asks last: another holder of
 * READ, such as the gate's maker or the client that handed the gate to a server, cannot
 * take it or spoof it (EBUSY). Only a capability derived from the watched one may take
 * it over, because its holder was given the gate by the watcher: that is how a gate moe
 * made and watches reaches the server that serves it (moe, then the client, then the
 * server's copy below the client's).
 */
#include <core/cdt.h>
#include <core/delete.h>
#include <core/invocation.h>
#include <core/ipc.h>
#include <object/gate.h>
#include <object/notification.h>

static void unbind(struct gate *gate)
{
    struct thread *t = gate->bound_thread;
    if (!t)
        return;
    ipc_gate_unbinding(gate);
    if (gate->bound_prev)
        gate->bound_prev->bound_next = gate->bound_next;
    else
        t->bound_gates = gate->bound_next;
    if (gate->bound_next)
        gate->bound_next->bound_prev = gate->bound_prev;
    gate->bound_next = gate->bound_prev = NULL;
    gate->bound_thread = NULL;
}

static void bind(struct gate *gate, struct thread *t)
{
    if (gate->bound_thread == t)
        return;   /* nothing changes: its senders and a closed receive on it stay */
    unbind(gate);
    gate->bound_thread = t;
    gate->bound_prev = NULL;
    gate->bound_next = t->bound_gates;
    if (t->bound_gates)
        t->bound_gates->bound_prev = gate;
    t->bound_gates = gate;
    ipc_gate_bound(gate);
}

/* How many entries of the derivation tree may lie between the watched capability and
 * one derived from it that takes the watch over. Between moe's and a server's copy of a
 * client's gate lie the client's copy and what the client derived from it; only holders
 * of the watched capability's subtree can add entries there, so a longer distance only
 * refuses their own hand-over. It bounds the walk: interrupts are masked. */
#define WATCH_TAKEOVER_DISTANCE 256u

void gate_unwatch(struct gate *gate)
{
    struct notification *n = gate->no_clients;
    if (!n)
        return;
    struct gate **link = &n->watching_gates;
    while (*link && *link != gate)
        link = &(*link)->watch_next;
    if (*link)
        *link = gate->watch_next;
    gate->watched->cap.extra = 0;
    gate->watched = NULL;
    gate->no_clients = NULL;
    gate->watch_next = NULL;
}

static void watch(struct gate *gate, struct cte *slot, struct notification *n, word_t bits)
{
    gate->no_clients = n;
    gate->watched = slot;
    slot->cap.extra = bits;
    gate->watch_next = n->watching_gates;
    n->watching_gates = gate;
}

/* May the watch be set, changed or cancelled through slot? */
static bool may_change_watch(const struct gate *gate, const struct cte *slot)
{
    return !gate->watched || gate->watched == slot ||
           cdt_descends_within(slot, gate->watched, WATCH_TAKEOVER_DISTANCE);
}

void gate_destroy(struct capability *cap)
{
    struct gate *gate = (struct gate *)cap->object;
    unbind(gate);
    ipc_gate_destroyed(gate);
    gate_unwatch(gate);
}

void gate_thread_destroyed(struct thread *thread)
{
    while (thread->bound_gates)
        unbind(thread->bound_gates);
}

void gate_notification_destroyed(struct notification *n)
{
    while (n->watching_gates)
        gate_unwatch(n->watching_gates);
}

void gate_cap_moved(struct cte *from, struct cte *to)
{
    struct gate *gate = (struct gate *)to->cap.object;
    if (gate->watched == from)
        gate->watched = to;
}

void gate_cap_removed(struct cte *parent)
{
    if (parent->cap.type != CAP_GATE)
        return;
    struct gate *gate = (struct gate *)parent->cap.object;
    if (gate->watched == parent && cdt_is_leaf(parent))
        notification_signal(gate->no_clients, parent->cap.extra);
}

static int decode_bind(struct invocation *inv, struct gate *gate)
{
    struct cte *thread;
    if (inv->length < 2)
        return -PECAN_EMSGTOOSHORT;
    int err = invocation_lookup_typed(inv, invocation_word(inv, 1), CAP_THREAD, PECAN_RIGHT_WRITE,
                                      &thread);
    if (err)
        return err;
    bind(gate, (struct thread *)thread->cap.object);
    return 0;
}

/* w1 the notification (WRITE), or 0 to cancel the watch; w2 the bits, ORed with the
 * notification capability's badge. */
static int decode_no_clients(struct invocation *inv, struct gate *gate)
{
    if (inv->length < 3)
        return -PECAN_EMSGTOOSHORT;
    struct notification *notification = NULL;
    word_t bits = 0;
    word_t index = invocation_word(inv, 1);
    if (index != 0) {
        struct cte *n;
        int err = invocation_lookup_typed(inv, index, CAP_NOTIFICATION, PECAN_RIGHT_WRITE, &n);
        if (err)
            return err;
        notification = (struct notification *)n->cap.object;
        bits = invocation_word(inv, 2) | n->cap.badge;
        if (!bits)
            return -PECAN_EINVAL;
    }
    if (!may_change_watch(gate, inv->slot))
        return -PECAN_EBUSY;
    gate_unwatch(gate);
    if (!notification)
        return 0;
    watch(gate, inv->slot, notification, bits);
    if (cdt_is_leaf(inv->slot))
        notification_signal(notification, bits);   /* no clients right now */
    return 0;
}

/* Control operations on a gate; false if the message is not one (then it is IPC). */
bool gate_control(struct invocation *inv, int *result)
{
    if (pecan_tag_label(inv->tag) != PECAN_PROTO_GATE || inv->length < 1 ||
        !cap_has_rights(&inv->slot->cap, PECAN_RIGHT_READ))
        return false;
    struct gate *gate = (struct gate *)inv->slot->cap.object;
    switch (invocation_word(inv, 0)) {
    case PECAN_GATE_BIND:
        *result = decode_bind(inv, gate);
        return true;
    case PECAN_GATE_SET_NO_CLIENTS:
        *result = decode_no_clients(inv, gate);
        return true;
    case PECAN_GATE_INFO:
        invocation_reply(inv, 0, gate->bound_thread != NULL);
        invocation_reply(inv, 1, inv->slot->cap.badge);
        /* Lets a server that shares one notification bit among many gates find which of
         * them lost their clients. */
        invocation_reply(inv, 2, !cdt_is_leaf(inv->slot));
        *result = 0;
        return true;
    default:
        return false;
    }
}
