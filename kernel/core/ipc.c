/* SPDX-License-Identifier: MIT */
/*
 * Synchronous IPC (include/core/ipc.h).
 *
 * A message goes through a gate to the thread bound to it. If that thread waits for it
 * (an open wait, or a closed receive on this gate) the message is copied at once;
 * otherwise the sender queues at the receiver (senders_head) or, for an unbound gate, at
 * the gate. A call leaves the receiver holding the implicit reply capability: reply_to
 * names the caller, and the caller's reply_from names the receiver. It is not in any
 * capability space, so it cannot be copied, minted or sent; a reply consumes it; if either
 * side goes away the other is told (ipc_thread_destroyed, ipc_cancel).
 *
 * A message is checked where it is copied, not only where it is sent. A queued sender's
 * tag, words and UTCB belong to user space until the receiver takes them: THREAD
 * WRITE_REGISTERS can rewrite the tag, CONFIGURE can take the UTCB away. So every path
 * that copies a message (a send to a waiting receiver, a receiver taking a queued sender,
 * a reply, a gate bound to a thread with senders waiting) runs check_message() on the
 * registers as they are at that moment, with the rights of the capability the sender
 * used (recorded in send_rights while it waits). A message that fails is not copied at
 * all: its sender gets the error, as it would have at send time. Fault messages are made
 * by the kernel from the faulting thread's state and need only the WRITE right on the
 * handler's capability, like any send.
 *
 * Invariants (big kernel lock):
 *   - a thread is in at most one queue, and only while BLOCKED_SEND (or in a
 *     notification's queue while BLOCKED_NOTIFICATION);
 *   - t->reply_to == c  <=>  c->state == BLOCKED_REPLY && c->reply_from == t;
 *   - a blocked sender's send_gate is live and it waits at the gate's bound thread (or at
 *     the gate if it has none): unbinding a gate moves its senders back to the gate,
 *     destroying it fails them.
 */
#include <core/fault.h>
#include <core/panic.h>
#include <core/invocation.h>
#include <core/ipc.h>
#include <core/ipc_items.h>
#include <core/sched.h>
#include <core/thread_queue.h>
#include <core/timeout.h>
#include <object/notification.h>

enum send_result { SEND_DELIVERED, SEND_BLOCKED, SEND_FAILED };

/* ---- queues of blocked senders ------------------------------------------------------ */

/* Takes a blocked sender out of whichever queue it is in. */
static void sender_dequeue(struct thread *sender)
{
    if (!sender->blocked_on)
        return;   /* already taken out (a partner going away dequeues before failing it) */
    if (sender->ipc_flags & IPC_FLAG_AT_GATE) {
        struct gate *gate = sender->blocked_on;
        thread_queue_remove(&gate->waiting_head, &gate->waiting_tail, sender);
    } else {
        struct thread *receiver = sender->blocked_on;
        thread_queue_remove(&receiver->senders_head, &receiver->senders_tail, sender);
    }
}

/* Queues a sender at the gate's bound thread, or at the gate if it has none, remembering
 * what the capability it sends through allows, for the checks at delivery. */
static void sender_enqueue(struct thread *sender, const struct cte *slot)
{
    struct gate *gate = (struct gate *)slot->cap.object;
    struct thread *receiver = gate->bound_thread;
    sender->send_gate = gate;
    sender->send_badge = slot->cap.badge;
    sender->send_rights = slot->cap.rights;
    if (receiver) {
        thread_queue_append(&receiver->senders_head, &receiver->senders_tail, sender, receiver);
    } else {
        sender->ipc_flags |= IPC_FLAG_AT_GATE;
        thread_queue_append(&gate->waiting_head, &gate->waiting_tail, sender, gate);
    }
}

/* ---- ending a thread's IPC operation ------------------------------------------------ */

/* The thread's system call ends with an IPC status (and label), and it runs again. */
static void complete(struct thread *t, word_t status, int label)
{
    timeout_cancel(t);
    t->ipc_flags = 0;
    t->context.r[0] = status;
    t->context.r[1] = pecan_tag(label, 0, 0);
    sched_enqueue(t);
}

/* A thread blocked in a fault call cannot just return: its handler failed it. */
static void fail_partner(struct thread *t, word_t status)
{
    if (t->ipc_flags & IPC_FLAG_FAULT) {
        t->ipc_flags = 0;
        timeout_cancel(t);
        fault_unhandled(t, status);
        return;
    }
    complete(t, status, 0);
}

static void block(struct thread *t, enum thread_state state, word_t timeout_field)
{
    sched_dequeue(t);
    t->state = state;
    if (timeout_field != PECAN_TIMEOUT_NEVER)
        timeout_arm(t, timeout_field);
}

/* ---- checking and copying a message ------------------------------------------------- */

/* Is the message the sender's registers describe now one it may send with these rights
 * (those of the capability it used)? Length first, then rights, the order docs/abi.md
 * gives. 0 or a negative PECAN_E* code. */
static int check_message(const struct thread *sender, unsigned rights)
{
    pecan_tag_t tag = sender->context.r[1];
    unsigned total = pecan_tag_words(tag) + 2 * pecan_tag_items(tag);
    if (total > PECAN_MSG_MAX_WORDS || (total > PECAN_MSG_REGISTERS && !thread_utcb(sender)))
        return -PECAN_EMSGTOOLONG;
    if (!(rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    /* Capabilities travel only through a gate capability with the grant right. */
    if (pecan_tag_items(tag) && !(rights & PECAN_RIGHT_GRANT))
        return -PECAN_EPERM;
    return 0;
}

static word_t read_word(const struct thread *t, const struct pecan_utcb *u, unsigned i)
{
    return i < PECAN_MSG_REGISTERS ? t->context.r[3 + i] : u->message[i];
}

static void write_word(struct thread *t, struct pecan_utcb *u, unsigned i, word_t v)
{
    if (i < PECAN_MSG_REGISTERS)
        t->context.r[3 + i] = v;
    else
        u->message[i] = v;
}

/* The kernel's fault message for a thread in a fault call. */
static pecan_tag_t copy_fault_message(struct thread *sender, struct thread *receiver,
                                      struct pecan_utcb *ru)
{
    word_t fault_words[PECAN_MSG_MAX_WORDS];
    int label;
    unsigned words = fault_message(sender, fault_words, &label);
    if (words > PECAN_MSG_REGISTERS && !ru)
        words = PECAN_MSG_REGISTERS;
    for (unsigned i = 0; i < words; i++)
        write_word(receiver, ru, i, fault_words[i]);
    return pecan_tag(label, words, 0);
}

/* Copies a message that check_message() passed: words, then items. A receiver without a
 * UTCB has room for six words only; its tag counts what it got. */
static pecan_tag_t copy_message(struct thread *sender, struct thread *receiver,
                                struct pecan_utcb *ru, word_t *status)
{
    const struct pecan_utcb *su = thread_utcb(sender);
    pecan_tag_t tag = sender->context.r[1];
    unsigned words = pecan_tag_words(tag), items = pecan_tag_items(tag);
    unsigned total = words + 2 * items;
    if (total > PECAN_MSG_REGISTERS && !ru) {
        total = PECAN_MSG_REGISTERS;
        *status = PECAN_IPC_ITEM_FAILED;
        if (words > total)
            words = total;
        items = (total - words) / 2;
    }
    for (unsigned i = 0; i < words; i++)
        write_word(receiver, ru, i, read_word(sender, su, i));
    unsigned cap_index = 0;
    for (unsigned i = 0; i < items; i++) {
        word_t w0 = read_word(sender, su, words + 2 * i);
        word_t w1 = read_word(sender, su, words + 2 * i + 1);
        int err = ipc_transfer_item(sender, receiver, &cap_index, &w0, &w1);
        if (err) {
            *status = PECAN_IPC_ITEM_FAILED;
            if (ru)
                ru->error = (word_t)-err;
        }
        write_word(receiver, ru, words + 2 * i, w0);
        write_word(receiver, ru, words + 2 * i + 1, w1);
    }
    return pecan_tag(pecan_tag_label(tag), words, items);
}

/* Copies the message sender -> receiver (or the kernel's fault message) and sets the
 * receiver's result registers: status, tag, badge. The sender's message is checked here,
 * with the rights it sends with, because this is where it is used; if it fails, nothing
 * is copied and the error is returned. */
static int transfer(struct thread *sender, unsigned rights, struct thread *receiver, word_t badge)
{
    struct pecan_utcb *ru = thread_utcb(receiver);
    word_t status = PECAN_IPC_OK;
    pecan_tag_t tag;
    if (sender->ipc_flags & IPC_FLAG_FAULT) {
        tag = copy_fault_message(sender, receiver, ru);
    } else {
        int err = check_message(sender, rights);
        if (err)
            return err;
        tag = copy_message(sender, receiver, ru, &status);
    }
    receiver->context.r[0] = status;
    receiver->context.r[1] = tag;
    receiver->context.r[2] = badge;
    return 0;
}

/* ---- send ----------------------------------------------------------------------------- */

static bool accepts(const struct thread *receiver, const struct gate *gate)
{
    if (receiver->state != THREAD_BLOCKED_RECEIVE)
        return false;
    return (receiver->ipc_flags & IPC_FLAG_OPEN) || receiver->receive_gate == gate;
}

/* The message reached receiver; a call leaves it holding the reply capability. */
static void delivered(struct thread *sender, struct thread *receiver, bool is_call)
{
    timeout_cancel(receiver);
    receiver->ipc_flags = 0;
    receiver->receive_gate = NULL;
    sched_enqueue(receiver);
    if (is_call) {
        receiver->reply_to = sender;
        sender->reply_from = receiver;
    }
}

/* Sends the caller's message through the gate capability in slot. A call blocks the
 * caller for the reply. */
static enum send_result send(struct thread *caller, const struct cte *slot, bool is_call,
                             word_t timeout_field)
{
    struct gate *gate = (struct gate *)slot->cap.object;
    struct thread *receiver = gate->bound_thread;
    if (receiver && accepts(receiver, gate)) {
        int err = transfer(caller, slot->cap.rights, receiver, slot->cap.badge);
        if (err) {
            complete(caller, PECAN_IPC_OK, err);
            return SEND_FAILED;
        }
        delivered(caller, receiver, is_call);
        if (!is_call)
            return SEND_DELIVERED;
        block(caller, THREAD_BLOCKED_REPLY, timeout_field);
        return SEND_BLOCKED;
    }
    if (timeout_field == PECAN_TIMEOUT_ZERO) {
        complete(caller, PECAN_IPC_TIMEOUT, 0);
        return SEND_FAILED;
    }
    caller->ipc_flags = is_call ? IPC_FLAG_CALL : 0;
    sender_enqueue(caller, slot);
    block(caller, THREAD_BLOCKED_SEND, timeout_field);
    return SEND_BLOCKED;
}

/* ---- receive -------------------------------------------------------------------------- */

static struct thread *find_sender(const struct thread *receiver, const struct gate *gate)
{
    for (struct thread *s = receiver->senders_head; s; s = s->wait_next) {
        if (!gate || s->send_gate == gate)
            return s;
    }
    return NULL;
}

/* Takes the message of a queued sender, checked as it is now. A message that no longer
 * passes is not taken: its sender gets the error and false is returned. */
static bool take_from(struct thread *receiver, struct thread *sender)
{
    bool is_call = sender->ipc_flags & (IPC_FLAG_CALL | IPC_FLAG_FAULT);
    sender_dequeue(sender);
    timeout_cancel(sender);
    int err = transfer(sender, sender->send_rights, receiver, sender->send_badge);
    if (err) {
        complete(sender, PECAN_IPC_OK, err);
        return false;
    }
    if (is_call) {
        sender->state = THREAD_BLOCKED_REPLY;
        sender->ipc_flags &= IPC_FLAG_FAULT;
        receiver->reply_to = sender;
        sender->reply_from = receiver;
    } else {
        complete(sender, PECAN_IPC_OK, 0);
    }
    return true;
}

/* Takes the first queued sender's message (through gate, or any with NULL) that passes
 * its checks; false if none does. */
static bool take_message(struct thread *receiver, const struct gate *gate)
{
    struct thread *sender;
    while ((sender = find_sender(receiver, gate)) != NULL) {
        if (take_from(receiver, sender))
            return true;
    }
    return false;
}

/* A reply capability that was never used goes when its holder waits again for a message
 * (which could bring the next one). A sleep is no such wait: a server that sleeps while it
 * serves a request (a lock's back-off) still answers its caller afterwards. */
static void drop_reply_capability(struct thread *t)
{
    struct thread *caller = t->reply_to;
    if (!caller)
        return;
    t->reply_to = NULL;
    caller->reply_from = NULL;
    fail_partner(caller, PECAN_IPC_ABORTED);
}

static bool take_notification(struct thread *receiver)
{
    struct notification *n = receiver->bound_notification;
    if (!n || !n->bits)
        return false;
    receiver->context.r[3] = n->bits;
    n->bits = 0;
    receiver->context.r[0] = PECAN_IPC_OK;
    receiver->context.r[1] = pecan_tag(PECAN_LABEL_NOTIFICATION, 1, 0);
    receiver->context.r[2] = 0;
    return true;
}

/* Receives for the caller: a closed receive on gate (NULL: nothing, a sleep) or an open
 * wait. Blocks if nothing is there. */
static void receive(struct thread *caller, struct gate *gate, bool open, word_t timeout_field)
{
    if (open || gate)
        drop_reply_capability(caller);
    if (open && take_notification(caller))
        return;
    if ((open || gate) && take_message(caller, open ? NULL : gate))
        return;
    if (timeout_field == PECAN_TIMEOUT_ZERO) {
        caller->context.r[0] = PECAN_IPC_TIMEOUT;
        caller->context.r[1] = 0;
        return;
    }
    caller->receive_gate = open ? NULL : gate;
    caller->ipc_flags = open ? IPC_FLAG_OPEN : 0;
    block(caller, THREAD_BLOCKED_RECEIVE, timeout_field);
}

bool ipc_deliver_notification(struct thread *thread, word_t bits)
{
    if (thread->state != THREAD_BLOCKED_RECEIVE || !(thread->ipc_flags & IPC_FLAG_OPEN))
        return false;
    timeout_cancel(thread);
    thread->ipc_flags = 0;
    thread->context.r[0] = PECAN_IPC_OK;
    thread->context.r[1] = pecan_tag(PECAN_LABEL_NOTIFICATION, 1, 0);
    thread->context.r[2] = 0;
    thread->context.r[3] = bits;
    sched_enqueue(thread);
    return true;
}

/* ---- reply ---------------------------------------------------------------------------- */

/* Replies through the server's reply capability. A reply that fails its checks is not
 * sent and the reply capability stays (the server may answer again). Returns the IPC
 * status, and *error the check's error. */
static word_t reply(struct thread *server, int *error)
{
    struct thread *caller = server->reply_to;
    *error = 0;
    if (!caller)
        return PECAN_IPC_NO_REPLY_CAP;
    /* A reply needs no right: the reply capability is the permission to answer. */
    if ((*error = check_message(server, PECAN_RIGHTS_ALL)) != 0)
        return PECAN_IPC_OK;
    server->reply_to = NULL;
    caller->reply_from = NULL;
    timeout_cancel(caller);
    if (caller->ipc_flags & IPC_FLAG_FAULT) {
        caller->ipc_flags = 0;
        fault_reply(caller, server);
        return PECAN_IPC_OK;
    }
    *error = transfer(server, PECAN_RIGHTS_ALL, caller, 0);
    assert(*error == 0);   /* checked above, and nothing ran in between */
    caller->ipc_flags = 0;
    sched_enqueue(caller);
    return PECAN_IPC_OK;
}

/* ---- the system call ------------------------------------------------------------------ */

static void fail(struct thread *caller, word_t status, int error)
{
    caller->context.r[0] = status;
    caller->context.r[1] = pecan_tag(error, 0, 0);
}

static void send_phase(struct thread *caller, struct cte *slot, word_t operation, word_t timeout)
{
    bool is_call = (operation & (PECAN_OP_RECV | PECAN_OP_OPEN_WAIT)) == PECAN_OP_RECV;
    struct gate *gate = (struct gate *)slot->cap.object;
    if (gate->bound_thread == caller) {
        fail(caller, PECAN_IPC_NO_PARTNER, -PECAN_EINVAL);   /* would wait for itself */
        return;
    }
    enum send_result r = send(caller, slot, is_call, timeout);
    if (r != SEND_DELIVERED)
        return;
    if (operation & PECAN_OP_RECV) {
        receive(caller, NULL, true, timeout);   /* send and then wait for anything */
        return;
    }
    fail(caller, PECAN_IPC_OK, 0);
}

static void receive_phase(struct thread *caller, struct cte *slot, word_t operation,
                          word_t timeout)
{
    if (operation & PECAN_OP_OPEN_WAIT) {
        receive(caller, NULL, true, timeout);
        return;
    }
    if (!slot) {
        fail(caller, PECAN_IPC_BAD_SELECTOR, -PECAN_EINVALCAP);
        return;
    }
    if (cap_is_null(&slot->cap)) {   /* receive from nothing: a sleep */
        receive(caller, NULL, false, timeout);
        return;
    }
    struct gate *gate = (struct gate *)slot->cap.object;
    if (slot->cap.type != CAP_GATE || gate->bound_thread != caller ||
        !cap_has_rights(&slot->cap, PECAN_RIGHT_READ)) {
        fail(caller, PECAN_IPC_NO_PARTNER, -PECAN_EPERM);
        return;
    }
    receive(caller, gate, false, timeout);
}

void ipc_syscall(struct thread *caller, struct cte *slot, word_t operation_word)
{
    word_t operation = operation_word & 0xff;
    word_t timeout = operation_word >> PECAN_TIMEOUT_SHIFT;

    if (operation & PECAN_OP_REPLY) {
        int err;
        word_t status = reply(caller, &err);
        if (err || !(operation & PECAN_OP_RECV)) {
            fail(caller, status, err);   /* a refused reply does not go on to the wait */
            return;
        }
        receive(caller, NULL, true, timeout);   /* reply-and-wait: the server loop */
        return;
    }
    if (operation & PECAN_OP_SEND) {
        if (!slot || slot->cap.type != CAP_GATE) {
            fail(caller, PECAN_IPC_NO_PARTNER, slot ? -PECAN_ETYPE : -PECAN_EINVALCAP);
            return;
        }
        /* Checked now so that a sender that will queue learns at once; checked again
         * when the message is copied (transfer). */
        int err = check_message(caller, slot->cap.rights);
        if (err) {
            fail(caller, PECAN_IPC_OK, err);
            return;
        }
        send_phase(caller, slot, operation, timeout);
        return;
    }
    if (operation & PECAN_OP_RECV) {
        receive_phase(caller, slot, operation, timeout);
        return;
    }
    fail(caller, PECAN_IPC_OK, -PECAN_EINVAL);
}

const char *ipc_fault_call(struct thread *thread, struct cte *handler_slot)
{
    if (!handler_slot || handler_slot->cap.type != CAP_GATE)
        return "no handler";
    /* The kernel sends on the thread's behalf, with no more right than the thread has. */
    if (!cap_has_rights(&handler_slot->cap, PECAN_RIGHT_WRITE))
        return "its handler capability lacks the write right";
    struct gate *gate = (struct gate *)handler_slot->cap.object;
    if (gate->bound_thread == thread)
        return "it is its own handler";
    thread->ipc_flags = IPC_FLAG_FAULT;
    struct thread *receiver = gate->bound_thread;
    if (receiver && accepts(receiver, gate)) {
        transfer(thread, handler_slot->cap.rights, receiver, handler_slot->cap.badge);
        delivered(thread, receiver, true);
        block(thread, THREAD_BLOCKED_REPLY, PECAN_TIMEOUT_NEVER);
        thread->ipc_flags = IPC_FLAG_FAULT;
        return NULL;
    }
    sender_enqueue(thread, handler_slot);
    block(thread, THREAD_BLOCKED_SEND, PECAN_TIMEOUT_NEVER);
    return NULL;
}

/* ---- cancelling ----------------------------------------------------------------------- */

void ipc_cancel(struct thread *thread)
{
    timeout_cancel(thread);
    switch (thread->state) {
    case THREAD_BLOCKED_SEND:
        sender_dequeue(thread);
        break;
    case THREAD_BLOCKED_REPLY:
        if (thread->reply_from)
            thread->reply_from->reply_to = NULL;
        thread->reply_from = NULL;
        break;
    case THREAD_BLOCKED_RECEIVE:
        thread->receive_gate = NULL;
        break;
    default:
        return;
    }
    bool fault = thread->ipc_flags & IPC_FLAG_FAULT;
    thread->ipc_flags = 0;
    if (fault)
        return;   /* the kernel's call, not the thread's: its registers stay the user's */
    thread->context.r[0] = PECAN_IPC_CANCELED;
    thread->context.r[1] = 0;
}

void ipc_timeout(struct thread *thread)
{
    assert(thread->state == THREAD_BLOCKED_SEND || thread->state == THREAD_BLOCKED_RECEIVE ||
           thread->state == THREAD_BLOCKED_REPLY);
    bool fault = thread->ipc_flags & IPC_FLAG_FAULT;
    ipc_cancel(thread);
    if (fault) {
        fault_unhandled(thread, PECAN_IPC_TIMEOUT);
        return;
    }
    complete(thread, PECAN_IPC_TIMEOUT, 0);
}

void ipc_thread_destroyed(struct thread *thread)
{
    ipc_cancel(thread);
    drop_reply_capability(thread);
    while (thread->senders_head) {
        struct thread *sender = thread->senders_head;
        sender_dequeue(sender);
        fail_partner(sender, PECAN_IPC_ABORTED);
    }
    gate_thread_destroyed(thread);
    notification_bind_thread(NULL, thread);
}

/* ---- gates ---------------------------------------------------------------------------- */

void ipc_gate_bound(struct gate *gate)
{
    struct thread *receiver = gate->bound_thread;
    while (gate->waiting_head) {
        struct thread *sender = gate->waiting_head;
        thread_queue_remove(&gate->waiting_head, &gate->waiting_tail, sender);
        sender->ipc_flags &= (uint8_t)~IPC_FLAG_AT_GATE;
        if (sender == receiver) {   /* it would wait for itself, as send_phase refuses */
            fail_partner(sender, PECAN_IPC_NO_PARTNER);
            continue;
        }
        thread_queue_append(&receiver->senders_head, &receiver->senders_tail, sender, receiver);
    }
    if (accepts(receiver, gate) &&
        take_message(receiver, (receiver->ipc_flags & IPC_FLAG_OPEN) ? NULL : gate)) {
        receiver->ipc_flags = 0;
        receiver->receive_gate = NULL;
        timeout_cancel(receiver);
        sched_enqueue(receiver);
    }
}

void ipc_gate_unbinding(struct gate *gate)
{
    struct thread *receiver = gate->bound_thread;
    /* Its senders go back to the gate, in their order, and follow it to its next thread. */
    for (struct thread *s = receiver->senders_head, *next; s; s = next) {
        next = s->wait_next;
        if (s->send_gate != gate)
            continue;
        thread_queue_remove(&receiver->senders_head, &receiver->senders_tail, s);
        s->ipc_flags |= IPC_FLAG_AT_GATE;
        thread_queue_append(&gate->waiting_head, &gate->waiting_tail, s, gate);
    }
    /* A closed receive on the gate can no longer be answered through it. */
    if (receiver->state == THREAD_BLOCKED_RECEIVE && receiver->receive_gate == gate) {
        receiver->receive_gate = NULL;
        complete(receiver, PECAN_IPC_CANCELED, 0);
    }
}

void ipc_gate_destroyed(struct gate *gate)
{
    assert(!gate->bound_thread);   /* unbound first: every sender waits at the gate */
    while (gate->waiting_head) {
        struct thread *sender = gate->waiting_head;
        sender_dequeue(sender);
        fail_partner(sender, PECAN_IPC_NO_PARTNER);
    }
}
