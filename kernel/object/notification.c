/* SPDX-License-Identifier: MIT */
/*
 * Notifications (include/object/notification.h): signal ORs bits in (plus the badge of
 * the capability used); if threads wait, the first one receives the bits at once instead.
 * wait blocks until bits are set; poll never blocks. Waiters queue through their thread
 * objects.
 */
#include <core/console_input.h>
#include <core/invocation.h>
#include <core/delete.h>
#include <core/ipc.h>
#include <core/sched.h>
#include <core/thread_queue.h>
#include <object/gate.h>
#include <object/irq_handler.h>
#include <object/notification.h>

void notification_init(struct notification *n)
{
    n->bits = 0;
    n->wait_head = n->wait_tail = NULL;
    n->bound_thread = NULL;
    n->watching_gates = NULL;
}

void notification_bind_thread(struct notification *n, struct thread *thread)
{
    if (thread && thread->bound_notification) {
        thread->bound_notification->bound_thread = NULL;
        thread->bound_notification = NULL;
    }
    if (n && n->bound_thread) {
        n->bound_thread->bound_notification = NULL;
        n->bound_thread = NULL;
    }
    if (n && thread) {
        n->bound_thread = thread;
        thread->bound_notification = n;
    }
}

static void queue_append(struct notification *n, struct thread *thread)
{
    thread_queue_append(&n->wait_head, &n->wait_tail, thread, n);
}

static void queue_remove(struct notification *n, struct thread *thread)
{
    thread_queue_remove(&n->wait_head, &n->wait_tail, thread);
}

void notification_signal(struct notification *n, word_t bits)
{
    struct thread *waiter = n->wait_head;
    if (!waiter) {
        /* A thread bound to it and waiting for anything takes the bits directly. */
        if (n->bound_thread && !n->bits && ipc_deliver_notification(n->bound_thread, bits))
            return;
        n->bits |= bits;
        return;
    }
    queue_remove(n, waiter);
    thread_complete_call(waiter, 0, 1, &bits);
}

void notification_cancel_wait(struct thread *thread)
{
    if (thread->state == THREAD_BLOCKED_NOTIFICATION && thread->blocked_on)
        queue_remove(thread->blocked_on, thread);
}

void notification_destroy(struct capability *cap)
{
    struct notification *n = (struct notification *)(uintptr_t)cap->object;
    irq_handler_notification_destroyed(n);
    console_input_notification_destroyed(n);
    gate_notification_destroyed(n);
    notification_bind_thread(n, NULL);
    while (n->wait_head) {
        struct thread *waiter = n->wait_head;
        queue_remove(n, waiter);
        thread_complete_call(waiter, -PECAN_EINVALCAP, 0, NULL);
        waiter->context.r[0] = PECAN_IPC_CANCELED;
    }
}

static struct notification *invoked(const struct invocation *inv)
{
    return (struct notification *)(uintptr_t)inv->slot->cap.object;
}

static int decode_signal(struct invocation *inv)
{
    if (inv->length < 2)
        return -PECAN_EMSGTOOSHORT;
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    word_t bits = invocation_word(inv, 1) | inv->slot->cap.badge;
    if (!bits)
        return -PECAN_EINVAL;
    notification_signal(invoked(inv), bits);
    return 0;
}

static int take_bits(struct invocation *inv)
{
    struct notification *n = invoked(inv);
    invocation_reply(inv, 0, n->bits);
    n->bits = 0;
    return 0;
}

static int decode_wait(struct invocation *inv, bool block)
{
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_READ))
        return -PECAN_EPERM;
    struct notification *n = invoked(inv);
    if (n->bits || !block)
        return take_bits(inv);
    struct thread *caller = inv->caller;
    sched_dequeue(caller);
    caller->state = THREAD_BLOCKED_NOTIFICATION;
    queue_append(n, caller);
    return INVOCATION_BLOCKED;
}

int notification_decode(struct invocation *inv)
{
    switch (invocation_word(inv, 0)) {
    case PECAN_NOTIFICATION_SIGNAL: return decode_signal(inv);
    case PECAN_NOTIFICATION_WAIT: return decode_wait(inv, true);
    case PECAN_NOTIFICATION_POLL: return decode_wait(inv, false);
    default: return -PECAN_ENOSYS;
    }
}
