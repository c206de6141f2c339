/* SPDX-License-Identifier: MIT */
/*
 * Synchronous IPC (core/ipc.c): send, receive (closed on a gate, or open), call,
 * reply, reply-and-wait, with timeouts; the implicit reply capability; transfer of
 * message words and typed items. All under the big kernel lock.
 */
#ifndef PECAN_CORE_IPC_H
#define PECAN_CORE_IPC_H

#include <object/gate.h>
#include <object/thread.h>

/* The IPC part of the system call: operation flags and timeout from r2, the invoked gate
 * (or NULL for replies, open waits and sleeps). Sets the caller's result registers or
 * blocks it. */
void ipc_syscall(struct thread *caller, struct cte *gate_slot, word_t operation);

/* Kernel-generated call on behalf of a faulting thread: the message is built from the
 * thread's fault state (core/fault.c fault_message) when it is delivered, through the gate
 * in handler_slot; the thread waits for the reply as if it had called, and the reply goes
 * to fault_reply. Needs the WRITE right on the handler's capability, like any send.
 * Returns NULL, or why the call cannot be made (no gate, no right). */
const char *ipc_fault_call(struct thread *thread, struct cte *handler_slot);

/* The thread stops (suspend, destroy): leave every IPC queue and relation; partners
 * waiting on it get an error. */
void ipc_cancel(struct thread *thread);
void ipc_thread_destroyed(struct thread *thread);

/* A blocked operation's time is up (core/timeout.c). */
void ipc_timeout(struct thread *thread);

/* Delivers bound-notification bits to a thread in an open wait; false if it is not
 * waiting that way. */
bool ipc_deliver_notification(struct thread *thread, word_t bits);

/* A gate was bound to a thread: senders waiting at the gate move to the thread. */
void ipc_gate_bound(struct gate *gate);
/* A gate is about to be unbound from its thread (rebind, thread or gate destroyed): the
 * senders queued at that thread through it move back to the gate, and a closed receive
 * on it ends CANCELED. */
void ipc_gate_unbinding(struct gate *gate);
/* A gate (already unbound) goes away: everyone waiting through it gets NO_PARTNER. */
void ipc_gate_destroyed(struct gate *gate);

#endif
