/* SPDX-License-Identifier: MIT */
/*
 * Threads of a program (l4re/thread): create/join/exit, mutexes and condition variables,
 * thread-local storage, newlib's state per thread. Semaphores, mailboxes and the clock of
 * timed waits are in pecan/sync.h.
 *
 * A thread is a kernel thread object made by the task's TASK CREATE_THREAD, a stack dataspace
 * attached through the region map, and a record (struct pecan_thread) that word
 * PECAN_UTCB_USER_THREAD of its UTCB points at. Blocking uses one notification per
 * thread (its "park" notification, made through the factory the first time the thread
 * has to wait): a mutex or condition variable keeps a queue of waiting threads and wakes
 * one by setting its `woken` flag and signalling its notification. Notification bits
 * stay set until taken, so a wake-up is never lost.
 *
 * A finished thread stops itself; the thread that joins it takes it apart: TASK
 * DESTROY_THREAD frees its thread object and UTCB page at moe, its stack and record go, and its
 * park notification is kept for the next thread. There is no detach: a thread nobody
 * joins keeps what it holds until the task ends. A thread that crashes (a fault moe
 * cannot resolve) ends the whole task, whichever thread it is.
 */
#ifndef PECAN_THREAD_H
#define PECAN_THREAD_H

#include <pecan/syscall.h>

struct _reent;

#define PECAN_TLS_KEYS 16
#define PECAN_THREAD_STACK_SIZE 0x10000u

struct pecan_thread {
    pecan_cap_t cap;
    pecan_cap_t park;                 /* notification this thread blocks on (0: none yet) */
    unsigned utcb_slot;
    pecan_cap_t stack_ds;             /* 0 for the main thread */
    pecan_word_t stack_base, stack_size;
    void *(*entry)(void *);
    void *arg;
    void *result;
    int finished;                     /* set (atomically) by the exiting thread */
    struct pecan_thread *joiner;      /* set (atomically) by the joining thread */
    /* Queue link while waiting on a mutex or condition variable. */
    struct pecan_thread *next_waiter;
    int woken;
    void *tls[PECAN_TLS_KEYS];
    /* newlib's state of this thread (l4re/libc/reent.c); NULL: newlib's global one, which
     * the main thread uses. */
    struct _reent *reent;
};

/* Starts entry(arg) in a new thread with a stack of PECAN_THREAD_STACK_SIZE bytes. */
int pecan_thread_create(struct pecan_thread **thread, void *(*entry)(void *), void *arg);
/* Waits for thread to finish, returns what its entry returned (result may be NULL) and
 * destroys it, its memory back in the quota. Each thread is joined once. */
int pecan_thread_join(struct pecan_thread *thread, void **result);
/* Ends the calling thread (not the main thread: that ends with exit()). */
void pecan_thread_exit(void *result) __attribute__((noreturn));
struct pecan_thread *pecan_thread_self(void);
/* The thread capability (to change its pager or handler, read its registers). */
pecan_cap_t pecan_thread_cap(struct pecan_thread *thread);

/* Blocking primitives of the thread library (l4re/thread/park.c): the calling thread
 * waits until another one calls pecan_thread_wake on it. */
int pecan_thread_park_prepare(struct pecan_thread *self);
void pecan_thread_park(struct pecan_thread *self);
/* Signals again the bits of `taken` (bits a wait took) that are not the wake bit. */
void pecan_thread_park_keep(struct pecan_thread *self, pecan_word_t taken);
void pecan_thread_wake(struct pecan_thread *thread);
/* Blocks on the calling thread's park notification until it is signalled (by anyone: a
 * waker, a console bound to it) or timeout_ms have passed (pecan/sync.h's clock): 0, or
 * -PECAN_ETIMEDOUT; *bits (may be NULL) the bits the wait took (0 if none). Wake-ups may
 * be spurious: the caller looks at its condition again. */
int pecan_thread_park_timed(struct pecan_thread *self, uint32_t timeout_ms, pecan_word_t *bits);

/* The bit a waker (and the timer of timed waits) signals on a park notification. The
 * other bits are a console's bound to it (l4re/libc/console.c): a wait for a waker that
 * takes them signals them again as it returns, so that they reach the console's reader. */
#define PECAN_THREAD_WAKE_BIT 0x1u

/* Mutex: 0 free, 1 held, 2 held with waiters; waiters queue under a short spin lock. */
struct pecan_mutex {
    int state;
    int queue_lock;
    struct pecan_thread *head, *tail;
};
#define PECAN_MUTEX_INIT { 0, 0, 0, 0 }
void pecan_mutex_init(struct pecan_mutex *mutex);
void pecan_mutex_lock(struct pecan_mutex *mutex);
int pecan_mutex_trylock(struct pecan_mutex *mutex);   /* 0 or -PECAN_EBUSY */
void pecan_mutex_unlock(struct pecan_mutex *mutex);

/* Recursive mutex (newlib's malloc and environment locks). */
struct pecan_recursive_mutex {
    struct pecan_mutex mutex;
    struct pecan_thread *owner;
    unsigned depth;
};
#define PECAN_RECURSIVE_MUTEX_INIT { PECAN_MUTEX_INIT, 0, 0 }
void pecan_recursive_mutex_lock(struct pecan_recursive_mutex *mutex);
void pecan_recursive_mutex_unlock(struct pecan_recursive_mutex *mutex);

struct pecan_cond {
    int queue_lock;
    struct pecan_thread *head, *tail;
};
#define PECAN_COND_INIT { 0, 0, 0 }
void pecan_cond_init(struct pecan_cond *cond);
void pecan_cond_wait(struct pecan_cond *cond, struct pecan_mutex *mutex);
/* As pecan_cond_wait, for at most timeout_ms (at least that long, rounded up to the
 * kernel's tick): 0 when signalled (or woken spuriously), -PECAN_ETIMEDOUT when the time
 * ran out (at once for 0). The mutex is held again either way. pecan/sync.h has the
 * rest of the timed waits. */
int pecan_cond_wait_timed(struct pecan_cond *cond, struct pecan_mutex *mutex,
                          uint32_t timeout_ms);
void pecan_cond_signal(struct pecan_cond *cond);
void pecan_cond_broadcast(struct pecan_cond *cond);

/* Thread-local storage: keys index the per-thread slots of struct pecan_thread. */
int pecan_tls_key_create(unsigned *key);    /* 0 or -PECAN_ENOMEM */
void *pecan_tls_get(unsigned key);
int pecan_tls_set(unsigned key, void *value);

/* newlib's state of the calling thread, for newlib's _r functions: errno is its _errno.
 * The main thread's is newlib's global one (docs/runtime.md, "newlib's state per thread"). */
struct _reent *pecan_reent(void);

#endif
