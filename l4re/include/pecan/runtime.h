/* SPDX-License-Identifier: MIT */
/*
 * The runtime every program links (l4re/rt): its environment (struct pecan_env, written by
 * its loader), the named capabilities in it, and the allocators of capability slots and
 * UTCB slots. Programs start in l4re/rt/crt0.S with sp at the stack top and r0 at the
 * environment page; the start-up code (l4re/rt/start.c) sets all of this up before main.
 */
#ifndef PECAN_RUNTIME_H
#define PECAN_RUNTIME_H

#include <pecan/env.h>
#include <pecan/invoke.h>

/* The environment page of this program (read-only). */
const struct pecan_env *pecan_env(void);

/* The slot of the named capability `name` (as the loader listed it), or 0 if there is
 * none. */
pecan_cap_t pecan_env_cap(const char *name);

/* Capability slots: an empty slot of the program's CNode (0 or -PECAN_ENOMEM). Thread-safe.
 * pecan_cap_free only returns the slot (it must be empty again); pecan_cap_release deletes
 * the capability in it first. */
int pecan_cap_alloc(pecan_cap_t *slot);
void pecan_cap_free(pecan_cap_t slot);
void pecan_cap_release(pecan_cap_t slot);
/* Slots still free (for tests and reports). */
unsigned pecan_cap_free_count(void);

/* UTCB slots of the UTCB area (one 4 KiB page each; slot 0 is the main thread's). */
int pecan_utcb_slot_alloc(unsigned *slot);
void pecan_utcb_slot_free(unsigned slot);
pecan_word_t pecan_utcb_slot_address(unsigned slot);

/* The UTCB's user area: word 0 points at the thread's record (struct pecan_thread, which
 * holds its thread-local storage); the rest is free for the program. */
#define PECAN_UTCB_USER_THREAD 0

/* Receive buffer for capability items of the next call: up to 4 slots (empty ones). The
 * runtime's client stubs set it before every call that returns capabilities and clear it
 * afterwards, so a stray capability from another call cannot fill a slot. */
static inline void pecan_receive_caps(const pecan_cap_t *slots, unsigned count)
{
    struct pecan_utcb *utcb = pecan_utcb();
    utcb->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = count;
    for (unsigned i = 0; i < count && i < PECAN_UTCB_MAX_CAP_BUFFERS; i++)
        utcb->buffer[PECAN_UTCB_BUFFER_CAP_SLOTS + i] = slots[i];
}

/* Ends the program through the parent protocol (after newlib's exit() flushed stdio). */
void pecan_exit(int status) __attribute__((noreturn));

#endif
