/* SPDX-License-Identifier: MIT */
/*
 * Threads. A thread is a kernel object of 1 KiB retyped from untyped. It holds
 * copies of the capabilities it runs with (capability space, address space, UTCB frame,
 * pager, exception handler) in slots of its own, so those objects live at least as long as
 * the thread uses them; the kernel reads them from there on every use.
 *
 * Fields are protected by the big kernel lock (core/kernel_lock.h).
 */
#ifndef PECAN_OBJECT_THREAD_H
#define PECAN_OBJECT_THREAD_H

#include <arch/memory.h>
#include <object/cap.h>
#include <pecan/utcb.h>

#define THREAD_SIZE_BITS 10

enum thread_slot {
    THREAD_SLOT_CSPACE = 0,
    THREAD_SLOT_VSPACE,
    THREAD_SLOT_UTCB,
    THREAD_SLOT_PAGER,
    THREAD_SLOT_EXCEPTION_HANDLER,
    THREAD_SLOT_COUNT,
};

enum thread_state {
    THREAD_INACTIVE = 0,          /* created or suspended: never scheduled */
    THREAD_RUNNABLE,              /* in a run queue, or running */
    THREAD_BLOCKED_NOTIFICATION,  /* waiting in a notification's queue */
    THREAD_BLOCKED_SEND,          /* queued at its receiver (or at an unbound gate) */
    THREAD_BLOCKED_RECEIVE,       /* waiting for a message (open or closed) or sleeping */
    THREAD_BLOCKED_REPLY,         /* called, waiting for the answer (reply_from holds it) */
};

/* ipc_flags of a blocked sender or receiver */
#define IPC_FLAG_CALL 0x1u        /* the send is the first half of a call */
#define IPC_FLAG_FAULT 0x2u       /* the kernel sends a fault on the thread's behalf */
#define IPC_FLAG_OPEN 0x4u        /* the receive takes messages from any source */
#define IPC_FLAG_AT_GATE 0x8u     /* the sender waits at an unbound gate, not at a thread */

/* The user-mode registers of a thread while it is not running. */
struct user_context {
    word_t r[13];
    word_t sp;
    word_t lr;
    word_t pc;
    word_t cpsr;
};

struct thread {
    struct cte slots[THREAD_SLOT_COUNT];
    struct user_context context;
    word_t utcb_vaddr;            /* where the thread sees its UTCB */
    uint8_t state;                /* enum thread_state */
    uint8_t priority;             /* 0 (lowest) .. 255 */
    uint8_t cpu;                  /* the CPU whose run queue it belongs to */
    uint8_t flags;
    struct thread *run_next;      /* run queue (core/sched.c) */
    struct thread *run_prev;
    struct thread *wait_next;     /* the queue it is blocked in (notification, sender queue) */
    struct thread *wait_prev;
    void *blocked_on;             /* that queue's owner: notification, receiver thread object or
                                     gate */
    word_t utcb_offset;           /* offset of the UTCB inside the UTCB frame */

    /* IPC (core/ipc.c) */
    struct thread *senders_head;  /* threads blocked sending to this one */
    struct thread *senders_tail;
    struct gate *send_gate;       /* while sending: the gate used */
    word_t send_badge;            /* and the badge of the capability used */
    struct gate *receive_gate;/* closed receive: only messages through this gate */
    struct thread *reply_to;      /* implicit reply capability: the caller we owe an answer */
    struct thread *reply_from;    /* while BLOCKED_REPLY: the thread that holds our reply */
    struct gate *bound_gates; /* gates bound to this thread (list through the gates) */
    struct notification *bound_notification;   /* wakes open waits too */
    uint8_t ipc_flags;            /* IPC_FLAG_* of the blocked operation */
    uint8_t fault_kind;           /* while IPC_FLAG_FAULT: enum fault_kind (core/fault.c) */
    uint8_t send_rights;          /* while sending: the rights of the capability used */
    uint8_t reserved;
    word_t fault_address;         /* while IPC_FLAG_FAULT: faulting address and status */
    word_t fault_status;

    /* Timeouts (core/timeout.c) */
    uint64_t timeout_at;          /* clock ns when a blocked operation times out; 0 none */
    struct thread *timeout_next;
    struct thread *timeout_prev;

    /* Scheduling (core/sched.c, object/scheduler.c) */
    uint16_t quantum_ticks;       /* ticks per turn; 0: the default (sched.h) */
    uint16_t ticks_used;          /* of the current turn */

    /* Priority authority (object/thread.c, object/scheduler.c). Last in the structure so no
     * offset the system call's assembly knows (arch/syscall_layout.h) moves. */
    uint8_t mcp;                  /* maximum controlled priority: the highest priority or
                                     MCP this thread may give any thread, itself included */
};

_Static_assert(sizeof(struct thread) <= (1u << THREAD_SIZE_BITS), "a thread fits its object");

/* The UTCB as the kernel sees it (through the kernel window), or NULL if there is none. */
static inline struct pecan_utcb *thread_utcb(const struct thread *thread)
{
    const struct capability *frame = &thread->slots[THREAD_SLOT_UTCB].cap;
    if (frame->type != CAP_FRAME)
        return NULL;
    return (struct pecan_utcb *)phys_to_virt(frame->object + thread->utcb_offset);
}

/* The thread's capability space root (a CNode capability), or NULL. */
static inline const struct capability *thread_cspace_root(const struct thread *thread)
{
    const struct capability *root = &thread->slots[THREAD_SLOT_CSPACE].cap;
    return root->type == CAP_CNODE ? root : NULL;
}
/* The address space object the thread runs in, or NULL. */
static inline struct vspace *thread_vspace(const struct thread *thread)
{
    const struct capability *v = &thread->slots[THREAD_SLOT_VSPACE].cap;
    return v->type == CAP_VSPACE ? (struct vspace *)v->object : NULL;
}

/* Prepares a freshly retyped thread object. */
void thread_init(struct thread *thread);
/* Stops the thread: out of the run queue and any wait queue, state INACTIVE. */
void thread_suspend(struct thread *thread);
/* Sets the reply of a blocked thread and makes it runnable (notification wake-up, ...). */
void thread_complete_call(struct thread *thread, int result, unsigned words, const word_t *values);
/* May caller give a thread this priority (or MCP)? 0; ERANGE above 255; EPERM above the
 * caller's MCP. SET_PRIORITY, SET_MCP and the Scheduler's RUN_THREAD all ask this. */
int thread_check_priority(const struct thread *caller, word_t priority);

#endif
