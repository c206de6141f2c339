/* SPDX-License-Identifier: MIT */
/*
 * The server framework set up for an ordinary program (pecan/server.h, "Programs and
 * sessions"): what moe and the children library configure by hand, from the program's
 * environment in one call, for the calling thread or for a new server thread.
 *
 * Invariants: each server thread has its own struct server, registry and notification
 * (a registry is written under its lock, read by its own thread only); a new thread
 * starts serving only once its struct server is set up (the creator holds `starting`).
 */
#include <pecan/factory.h>
#include <pecan/runtime.h>
#include <pecan/server.h>
#include <pecan/thread.h>
#include <stdlib.h>

#define DEPTH 32              /* a program's CNode: one level, index = slot */
#define RECEIVE_SLOTS 2       /* a session's gate and payer (CREATE's items) */

static pecan_cap_t slot_or_zero(void)
{
    pecan_cap_t slot;
    return pecan_cap_alloc(&slot) ? 0 : slot;
}

/* s served by thread: a notification of its own, a registry from the heap. */
static int set_up(struct server *s, unsigned capacity, pecan_cap_t thread)
{
    struct server_object **registry = malloc(capacity * sizeof(*registry));
    pecan_cap_t notification = slot_or_zero();
    int err = registry && notification ? 0 : -PECAN_ENOMEM;
    if (!err)
        err = pecan_factory_create_notification(PECAN_ENV_FACTORY, notification);
    struct server_config config = {
        .thread = thread, .cnode = PECAN_ENV_CNODE, .cnode_depth = DEPTH,
        .notification = notification, .slot_alloc = slot_or_zero, .slot_free = pecan_cap_free,
        .receive_slots = RECEIVE_SLOTS,
    };
    if (!err)
        err = server_init(s, &config, registry, capacity);
    if (err) {
        free(registry);
        if (notification)
            pecan_cap_release(notification);
    }
    return err;
}

int server_program_init(struct server *s, unsigned capacity)
{
    return set_up(s, capacity, PECAN_ENV_THREAD);
}

static struct pecan_mutex starting = PECAN_MUTEX_INIT;

static void *serve(void *arg)
{
    struct server *s = arg;
    pecan_mutex_lock(&starting);   /* held by the creator until s is set up */
    pecan_mutex_unlock(&starting);
    if (!s->capacity)
        return 0;                  /* the set-up failed */
    server_loop(s);
}

int server_program_thread(struct server *s, unsigned capacity)
{
    pecan_mutex_lock(&starting);
    struct pecan_thread *thread;
    int err = pecan_thread_create(&thread, serve, s);
    if (!err && (err = set_up(s, capacity, pecan_thread_cap(thread))) != 0)
        s->capacity = 0;           /* the thread ends at once (and stays unjoined) */
    pecan_mutex_unlock(&starting);
    return err;
}
