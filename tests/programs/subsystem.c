/* SPDX-License-Identifier: MIT */
/*
 * subsystem: the child of conf/subsystem.lua (issue 14), which ned starts with a quota
 * of its own and kills, again and again. Before it says it is ready it holds one of each
 * kind of thing a subsystem may hold, each paid for by its quota and each shown to work:
 *
 *   session   a session at the echo server behind its capability "echo", its gate made
 *             through our factory (the client pays), called once;
 *   gate      an IPC gate and a notification made through FACTORY;
 *   thread    a thread of ours that serves that gate (called once through it) and stays
 *             blocked in a receive on it;
 *   untyped   64 KiB from FACTORY UNTYPED, retyped by us into two halves, a notification
 *             (signalled and polled) and a frame mapped and written; the main thread
 *             then blocks on that notification.
 *
 * Then it registers "ready" (the FACTORY notification) in the namespace "board" and waits
 * to be killed. Nothing is given back: ned's DESTROY of the quota must take all of it.
 * Usage: subsystem <cycle> <cycles>; the first and the last cycle print what they hold.
 * Any failure prints a line with FAILED and exits non-zero, so ned never sees "ready".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pecan/factory.h>
#include <pecan/namespace.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/session.h>
#include <pecan/sys.h>
#include <pecan/testkit.h>
#include <pecan/thread.h>
#include "../../pkg/echo/echo.h"

#define PAGE 4096u
#define UNTYPED_BITS 16u   /* 64 KiB */
#define GATE_LABEL 0x5ab   /* our own protocol on the FACTORY gate: the answer is w0 + 1 */
#define FRAME_MARK 0x5ab5ab00u

static unsigned cycle;

static void fail(const char *what, int err) __attribute__((noreturn));
static void fail(const char *what, int err)
{
    printf("subsystem: cycle %u: %s: error %d (FAILED)\n", cycle, what, err);
    exit(1);
}

/* ---- session ------------------------------------------------------------------------------ */

/* Opens a session whose gate our quota pays for, and calls it once. */
static void open_session(struct pecan_session *session)
{
    pecan_cap_t echo = pecan_env_cap("echo");
    if (!echo)
        fail("no capability \"echo\"", -PECAN_ENOENT);
    int err = echo_open(echo, PECAN_ENV_FACTORY, session);
    if (err)
        fail("opening the echo session", err);
    if (!session->gate)
        fail("the session's gate was not ours (the server paid)", -PECAN_EINVAL);
    char answer[5];
    err = echo_upper(session->cap, "cycle", 5, answer);
    if (!err && memcmp(answer, "CYCLE", 5) != 0)
        err = -PECAN_EINVAL;
    if (err)
        fail("calling the echo session", err);
}

/* ---- thread serving the FACTORY gate ------------------------------------------------------ */

/* Binds the gate to itself and answers every call with w0 + 1, forever. */
static void *serve_gate(void *arg)
{
    pecan_cap_t gate = (pecan_cap_t)(uintptr_t)arg;
    int err = pecan_gate_bind(gate, pecan_thread_cap(pecan_thread_self()));
    if (err)
        fail("binding the gate to our thread", err);
    for (;;) {
        struct pecan_message m;
        struct pecan_reply r = pecan_ipc_receive(gate, &m, PECAN_TIMEOUT_NEVER);
        if (r.ipc_status) {
            pecan_sleep_us(10000);   /* nothing to answer; no reason to spin */
            continue;
        }
        int good = pecan_tag_label(m.tag) == GATE_LABEL && pecan_tag_words(m.tag) >= 1;
        m.word[0] += 1;
        m.tag = pecan_tag(good ? 0 : -PECAN_EBADPROTO, good ? 1 : 0, 0);
        pecan_ipc_reply(&m);
    }
    return 0;
}

/* A gate and a notification through FACTORY; a thread of ours serves the gate. */
static pecan_cap_t factory_objects_and_thread(void)
{
    pecan_cap_t gate = testkit_slot(), note = testkit_slot();
    int err = pecan_factory_create_gate(PECAN_ENV_FACTORY, gate);
    if (err)
        fail("FACTORY CREATE of a gate", err);
    err = pecan_factory_create_notification(PECAN_ENV_FACTORY, note);
    if (err)
        fail("FACTORY CREATE of a notification", err);
    pecan_word_t bits = 0;
    err = pecan_notification_signal(note, 4);
    if (!err)
        err = pecan_notification_poll(note, &bits);
    if (!err && bits != 4)
        err = -PECAN_EINVAL;
    if (err)
        fail("signalling the FACTORY notification", err);
    struct pecan_thread *thread;
    err = pecan_thread_create(&thread, serve_gate, (void *)(uintptr_t)gate);
    if (err)
        fail("creating a thread", err);
    /* A call waits at the gate until the thread has bound it. */
    struct pecan_message m = { .tag = pecan_tag(GATE_LABEL, 1, 0) };
    m.word[0] = cycle;
    err = pecan_error(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER));
    if (!err && (pecan_tag_words(m.tag) < 1 || m.word[0] != cycle + 1))
        err = -PECAN_EINVAL;
    if (err)
        fail("calling our thread through the FACTORY gate", err);
    return note;
}

/* ---- untyped ------------------------------------------------------------------------------ */

/* count consecutive empty slots (a retype's destination). */
static pecan_cap_t consecutive_slots(unsigned count)
{
    pecan_cap_t first = testkit_slot();
    for (unsigned i = 1; i < count; i++)
        if (testkit_slot() != first + i)
            fail("no consecutive slots for a retype", -PECAN_ERANGE);
    return first;
}

/* 64 KiB of untyped, split into halves (a retype needs an untyped without children): a
 * notification from one, a frame mapped and written from the other. Returns the
 * notification. */
static pecan_cap_t untyped_objects(void)
{
    pecan_cap_t untyped = testkit_slot(), halves = consecutive_slots(2);
    pecan_cap_t note = testkit_slot(), frame = testkit_slot();
    int err = pecan_factory_create_untyped(PECAN_ENV_FACTORY, UNTYPED_BITS, PECAN_ENV_CNODE,
                                           untyped);
    if (err)
        fail("FACTORY UNTYPED", err);
    err = pecan_untyped_retype(untyped, PECAN_OBJ_UNTYPED, UNTYPED_BITS - 1, 2,
                               PECAN_ENV_CNODE, halves);
    if (!err)
        err = pecan_untyped_retype(halves, PECAN_OBJ_NOTIFICATION, 0, 1, PECAN_ENV_CNODE, note);
    if (!err)
        err = pecan_untyped_retype(halves + 1, PECAN_OBJ_FRAME, 12, 1, PECAN_ENV_CNODE, frame);
    if (err)
        fail("retyping the untyped", err);
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    err = pecan_rm_reserve(PECAN_ENV_RM, &at, PAGE, PECAN_RM_SEARCH_ADDRESS);
    if (!err)
        err = pecan_vspace_map_frame(PECAN_ENV_VSPACE, frame, at,
                                     PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
    if (err)
        fail("mapping the frame", err);
    volatile uint32_t *word = (volatile uint32_t *)at;
    *word = FRAME_MARK + cycle;
    pecan_word_t bits = 0;
    err = pecan_notification_signal(note, 1);
    if (!err)
        err = pecan_notification_poll(note, &bits);
    if (!err && (bits != 1 || *word != FRAME_MARK + cycle))
        err = -PECAN_EINVAL;
    if (err)
        fail("using the objects retyped from the untyped", err);
    return note;
}

int main(int argc, char **argv)
{
    unsigned cycles = argc > 2 ? (unsigned)strtoul(argv[2], 0, 10) : 0;
    cycle = argc > 1 ? (unsigned)strtoul(argv[1], 0, 10) : 0;
    pecan_cap_t board = pecan_env_cap("board");
    if (!board || !cycles)
        fail("usage: subsystem <cycle> <cycles>, a namespace \"board\"", -PECAN_EINVAL);
    struct pecan_session session;
    open_session(&session);
    pecan_cap_t factory_note = factory_objects_and_thread();
    pecan_cap_t untyped_note = untyped_objects();
    if (cycle <= 1 || cycle == cycles)
        printf("subsystem: cycle %u: ready: an echo session, a FACTORY gate and "
               "notification, a thread serving the gate, 64 KiB of FACTORY UNTYPED "
               "retyped\n", cycle);
    int err = pecan_ns_register(board, "ready", factory_note, PECAN_NAMESPACE_RW);
    if (err)
        fail("registering ready in the board", err);
    for (;;) {
        pecan_word_t bits;
        pecan_notification_wait(untyped_note, &bits);
    }
}
