/* SPDX-License-Identifier: MIT */
/*
 * The system call's entry (from arch/armv6/vectors.S) and the IPC fast path: a call to a
 * thread that is waiting for it, and a reply-and-wait to a caller that is waiting for the
 * reply, when the message is in registers only (up to six words, no items, no timeout),
 * the partner is on this CPU and no queued thread has a higher priority than the partner.
 * Then the message moves register to register and the partner runs next: the caller has
 * blocked, and the partner becomes current directly, without the run queue and without a
 * scheduling choice, and is entered at once.
 *
 * Anything unusual takes the general path (arch_handle_syscall in arch/armv6/trap.c, then
 * core/invoke.c and core/ipc.c), which does the same with every case covered; the two
 * must leave identical state (the tests run both). Every check comes before the first
 * change, so declining leaves nothing to undo. The general path is handed the slot of
 * the invoked capability (looked up here for it).
 *
 * The fast path runs only when the kernel lock was free. Then no other CPU can have asked
 * this CPU to let go of its thread (that only happens while a CPU waits for the lock), so
 * cpu->executing is still the caller, and it stays set until enter_thread replaces it.
 */
#include <core/cspace.h>
#include <core/enter.h>
#include <core/ipc.h>
#include <core/kernel_lock.h>
#include <core/sched.h>
#include <core/syscall.h>
#include <object/endpoint.h>
#include <object/notification.h>

/* A tag the fast path can carry: at most six words, no items, and not gate control
 * (KOBJECT is a kernel operation on the gate, not a message). The items field (bits
 * 6-11) sits just above the words, so one compare of bits 0-11 checks both. The
 * operation word is compared whole, so the timeout is "never". A reply labelled KOBJECT
 * would be an ordinary message, but declining it keeps a way to make both directions of a
 * round trip take the general path (ipcbench's ipc_rt_cross_as_slowpath). */
static bool fast_tag(pecan_tag_t tag)
{
    return (tag & 0xfffu) <= PECAN_MSG_REGISTERS && pecan_tag_label(tag) != PECAN_PROTO_KOBJECT;
}

/* r3-r8: copied as one block (load/store multiple). */
struct message_registers {
    word_t word[PECAN_MSG_REGISTERS];
};

/* The words, tag and badge of a register-only message, from -> to. */
static void move_message(struct tcb *to, const struct tcb *from, pecan_tag_t tag, word_t badge)
{
    *(struct message_registers *)&to->context.r[3] =
        *(const struct message_registers *)&from->context.r[3];
    to->context.r[0] = PECAN_IPC_OK;
    /* The label and the words (the items are 0 already): as the general path delivers. */
    to->context.r[1] = tag & ~0xf000u;   /* bits 12-15: the flags */
    to->context.r[2] = badge;
}

/* The address space thread runs in, which it must have to take the fast path: false if
 * it has none. (A vspace capability always names an object: no NULL test.) */
static bool fast_vspace(const struct tcb *thread, struct vspace **vspace)
{
    const struct capability *cap = &thread->slots[TCB_SLOT_VSPACE].cap;
    if (cap->type != CAP_VSPACE)
        return false;
    *vspace = (struct vspace *)cap->object;
    return true;
}

/* The partner of a fast-path message, with its address space. */
struct fast_partner {
    struct tcb *thread;
    struct vspace *vspace;
};

static bool fast_call(struct cpu *cpu, struct tcb *caller, const struct cte *slot,
                      struct fast_partner *partner)
{
    pecan_tag_t tag = caller->context.r[1];
    if (!fast_tag(tag) || !cap_has_rights(&slot->cap, PECAN_RIGHT_WRITE))
        return false;
    struct endpoint *gate = (struct endpoint *)slot->cap.object;
    struct tcb *receiver = gate->bound_thread;
    if (!receiver || receiver->state != THREAD_BLOCKED_RECEIVE || receiver->cpu != caller->cpu ||
        receiver->timeout_at || receiver->reply_to ||
        !((receiver->ipc_flags & IPC_FLAG_OPEN) || receiver->receive_gate == gate))
        return false;
    struct vspace *vspace;
    if (!fast_vspace(receiver, &vspace) || !sched_switch_to(cpu->run_queue, receiver))
        return false;
    move_message(receiver, caller, tag, slot->cap.badge);
    receiver->ipc_flags = 0;
    receiver->receive_gate = NULL;
    receiver->reply_to = caller;
    caller->reply_from = receiver;
    caller->state = THREAD_BLOCKED_REPLY;
    *partner = (struct fast_partner){ receiver, vspace };
    return true;
}

/* The caller named by server->reply_to is BLOCKED_REPLY with reply_from == server: the
 * implicit reply capability's invariant (core/invariants.c checks it). */
static bool fast_reply_wait(struct cpu *cpu, struct tcb *server, struct fast_partner *partner)
{
    pecan_tag_t tag = server->context.r[1];
    struct tcb *caller = server->reply_to;
    struct notification *n = server->bound_notification;
    if (!fast_tag(tag) || !caller || (caller->ipc_flags & IPC_FLAG_FAULT) ||
        caller->timeout_at || caller->cpu != server->cpu || server->senders_head ||
        (n && n->bits))
        return false;
    struct vspace *vspace;
    if (!fast_vspace(caller, &vspace) || !sched_switch_to(cpu->run_queue, caller))
        return false;
    move_message(caller, server, tag, 0);
    server->reply_to = NULL;
    caller->reply_from = NULL;
    caller->ipc_flags = 0;
    server->state = THREAD_BLOCKED_RECEIVE;
    server->ipc_flags = IPC_FLAG_OPEN;
    server->receive_gate = NULL;
    *partner = (struct fast_partner){ caller, vspace };
    return true;
}

struct user_context *syscall_entry(struct cpu *cpu)
{
    if (!kernel_lock_try_acquire(cpu->index))
        return arch_handle_syscall_contended(cpu);
    struct tcb *current = cpu->executing;
    word_t operation_word = current->context.r[2];
    struct fast_partner partner;
    if (operation_word == PECAN_OP_CALL) {
        struct cte *slot;
        /* The general lookup is left to the general path. */
        if (!cspace_lookup_one_level(&current->slots[TCB_SLOT_CSPACE].cap,
                                     current->context.r[0], &slot))
            return arch_handle_syscall(cpu, current, syscall_lookup(current));
        if (slot->cap.type == CAP_ENDPOINT && fast_call(cpu, current, slot, &partner))
            return enter_thread_in(cpu, partner.thread, partner.vspace);
        return arch_handle_syscall(cpu, current, slot);   /* most kernel invocations */
    } else if (operation_word == PECAN_OP_REPLY_WAIT) {
        /* The reply goes to the implicit reply capability: no lookup. */
        if (fast_reply_wait(cpu, current, &partner))
            return enter_thread_in(cpu, partner.thread, partner.vspace);
    }
    return arch_handle_syscall(cpu, current, syscall_lookup(current));
}
