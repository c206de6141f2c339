/* SPDX-License-Identifier: MIT */
/*
 * The no-clients notification (session garbage collection): a server watches its gate
 * capability; the notification fires exactly once when the last client copy derived from
 * it is deleted: one by one, by revoking the server's capability, by deleting a client
 * task's CNode, or by revoking the untyped a client task's CNode came from. A server
 * thread with the notification bound wakes from its open wait with it.
 */
#include "ipctest.h"

#define GC_BITS 0x40u

UTEST(gc_no_clients_last_copy_deleted)
{
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t c = slots_alloc(4);
    REQUIRE(gate && n && c);
    /* Set with no client at all: signalled at once. */
    CHECK_OK(pecan_gate_set_no_clients(gate, n, GC_BITS));
    CHECK_EQ(poll_bits(n), GC_BITS);
    CHECK_EQ(poll_bits(n), 0);
    /* Errors: no bits, not a notification, a notification without WRITE, a client's
     * copy without READ (that is IPC to the server, which is not there: it waits, so use
     * a zero timeout). */
    CHECK_ERR(pecan_gate_set_no_clients(gate, n, 0), -PECAN_EINVAL);
    CHECK_ERR(pecan_gate_set_no_clients(gate, gate, 1), -PECAN_ETYPE);
    REQUIRE_OK(cap_copy(c, n, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    CHECK_ERR(pecan_gate_set_no_clients(gate, c, 1), -PECAN_EPERM);
    CHECK_OK(cap_delete(c));
    CHECK_EQ(poll_bits(n), 0);
    /* Three clients: two minted copies and a copy of one of them. */
    REQUIRE_OK(cap_mint(c, gate, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT, 1));
    REQUIRE_OK(cap_mint(c + 1, gate, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT, 2));
    REQUIRE_OK(cap_copy(c + 2, c + 1, PECAN_RIGHT_WRITE));
    CHECK_OK(pecan_gate_set_no_clients(gate, n, GC_BITS));
    CHECK_EQ(poll_bits(n), 0);
    CHECK_OK(cap_delete(c + 1));
    CHECK_EQ(poll_bits(n), 0);
    CHECK_OK(cap_delete(c));
    CHECK_EQ(poll_bits(n), 0);
    CHECK_EQ(pecan_gate_has_clients(gate), 1);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(c + 2));   /* the last one */
    CHECK_EQ(pecan_gate_has_clients(gate), 0);
    CHECK_EQ(poll_bits(n), GC_BITS);
    CHECK_EQ(poll_bits(n), 0);     /* once */
    /* Deleting other capabilities, or the server's own copy of the gate, signals nothing. */
    REQUIRE_OK(cap_copy(c + 3, gate, PECAN_RIGHTS_ALL));
    CHECK_OK(cap_delete(c + 3));
    CHECK_EQ(poll_bits(n), 0);
    /* A new client, and its deletion: once again. */
    REQUIRE_OK(cap_mint(c, gate, PECAN_RIGHT_WRITE, 3));
    CHECK_EQ(poll_bits(n), 0);
    CHECK_OK(cap_delete(c));
    CHECK_EQ(poll_bits(n), GC_BITS);
    CHECK_EQ(poll_bits(n), 0);
    CHECK_CLEAN();
}

UTEST(gc_no_clients_revoke)
{
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t c = slots_alloc(8);
    REQUIRE(gate && n && c);
    for (unsigned i = 0; i < 8; i++)
        REQUIRE_OK(cap_mint(c + i, gate, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT, 0x10 + i));
    CHECK_OK(pecan_gate_set_no_clients(gate, n, GC_BITS | 1));
    CHECK_EQ(poll_bits(n), 0);
    CHECK_OK(cap_revoke(gate));   /* all eight go in one revoke: one signal */
    for (unsigned i = 0; i < 8; i++)
        CHECK_EQ(cap_type(c + i), CAPK_NULL);
    CHECK_EQ(poll_bits(n), GC_BITS | 1);
    CHECK_EQ(poll_bits(n), 0);
    CHECK_CLEAN();
}

/* A server bound to the notification: its open wait ends with it (label NOTIFICATION). */
static void gc_server(struct helper *h)
{
    struct pecan_message m;
    for (;;) {
        struct pecan_reply r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
        if (r.ipc_status != PECAN_IPC_OK)
            continue;
        if (pecan_tag_label(m.tag) == PECAN_LABEL_NOTIFICATION) {
            h->arg[1] |= m.word[0];
            h->arg[2]++;
            continue;
        }
        h->counter++;
        m.tag = 0;
        pecan_ipc_reply(&m);
    }
}

#define T_GATE TASK_FIRST_FREE
#define T_DONE (TASK_FIRST_FREE + 1)

/* The client task calls the server once through its copy, then stops. */
static void gc_client(pecan_word_t gate, pecan_word_t report, pecan_word_t done,
                      pecan_word_t a3)
{
    (void)a3;
    volatile pecan_word_t *rep = (volatile pecan_word_t *)report;
    struct pecan_message m = { .tag = pecan_tag(1, 0, 0) };
    rep[1] = (pecan_word_t)ipc_err(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER));
    rep[0] = 1;
    pecan_notification_signal(done, 1);
    task_exit();
}

/* Two client tasks; one is torn down by deleting every capability to its CNode, the other
 * by revoking the untyped its CNode came from. Only the second is the last client. */
UTEST(gc_no_clients_client_task_deleted)
{
    struct helper s;
    struct task a, b;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t done = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(gate && n && done);
    REQUIRE_OK(helper_create(&s, gc_server, 200));
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(pecan_thread_bind_notification(s.thread, n));
    REQUIRE_OK(helper_start(&s));
    REQUIRE_OK(task_create(&a, 100));
    REQUIRE_OK(task_mint(&a, T_GATE, gate, PECAN_RIGHT_WRITE, 0xA));
    REQUIRE_OK(task_copy(&a, T_DONE, done, PECAN_RIGHT_WRITE));
    CHECK_OK(pecan_gate_set_no_clients(gate, n, GC_BITS));
    CHECK_EQ(s.arg[2], 0);
    volatile pecan_word_t *rep = remote_shared();
    rep[0] = rep[1] = 0;
    REQUIRE_OK(remote_start(&a.r, gc_client, T_GATE, REMOTE_SHARED_VA, T_DONE, 0));
    pecan_word_t bits;
    CHECK_OK(pecan_notification_wait(done, &bits));
    CHECK_EQ(rep[0], 1);
    CHECK_OK((int)rep[1]);
    CHECK_EQ(s.counter, 1);
    task_destroy(&a);   /* the thread and the shared frame; the CNode stays */
    CHECK_EQ(s.arg[2], 0);

    /* Task b, a client too, from a second copy. */
    REQUIRE_OK(task_create(&b, 100));
    REQUIRE_OK(task_mint(&b, T_GATE, gate, PECAN_RIGHT_WRITE, 0xB));
    REQUIRE_OK(task_copy(&b, T_DONE, done, PECAN_RIGHT_WRITE));
    rep = remote_shared();
    rep[0] = rep[1] = 0;
    REQUIRE_OK(remote_start(&b.r, gc_client, T_GATE, REMOTE_SHARED_VA, T_DONE, 0));
    CHECK_OK(pecan_notification_wait(done, &bits));
    CHECK_EQ(rep[0], 1);
    CHECK_EQ(s.counter, 2);
    CHECK_CLEAN();

    /* Task a's CNode: delete every capability to it (its own slot to itself first). */
    CHECK_OK(pecan_cnode_delete(a.cnode, TASK_CNODE, TASK_RADIX));
    CHECK_OK(cap_delete(a.space));
    CHECK_EQ(s.arg[2], 0);
    CHECK_OK(cap_delete(a.cnode));   /* the last: the CNode and its copy of the gate go */
    CHECK_EQ(s.arg[2], 0);           /* task b is still a client */
    CHECK_EQ(poll_bits(n), 0);
    CHECK_CLEAN();

    /* Task b: revoke the untyped its CNode came from. */
    task_destroy(&b);
    obj_free(b.cnode);
    CHECK_EQ(s.arg[2], 1);           /* woken once, with the bits */
    CHECK_EQ(s.arg[1], GC_BITS);
    CHECK_EQ(poll_bits(n), 0);
    CHECK_CLEAN();
    helper_destroy(&s);
    CHECK_CLEAN();
}

/* The watch goes with the notification or with the gate. */
UTEST(gc_no_clients_watcher_destroyed)
{
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t n2 = obj_new(PECAN_OBJ_NOTIFICATION, 0), c = slot_alloc();
    REQUIRE(gate && n && n2 && c);
    REQUIRE_OK(cap_mint(c, gate, PECAN_RIGHT_WRITE, 5));
    CHECK_OK(pecan_gate_set_no_clients(gate, n, GC_BITS));
    obj_free(n);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(c));   /* nothing to signal any more */
    CHECK_CLEAN();
    /* Setting it again replaces the notification. */
    REQUIRE_OK(cap_mint(c, gate, PECAN_RIGHT_WRITE, 5));
    CHECK_OK(pecan_gate_set_no_clients(gate, n2, 1));
    obj_free(gate);            /* the client's copy goes first, then the gate */
    CHECK_EQ(cap_type(c), CAPK_NULL);
    pecan_word_t bits = poll_bits(n2);
    CHECK(bits == 0 || bits == 1);   /* at most once */
    CHECK_EQ(poll_bits(n2), 0);
    CHECK_CLEAN();
}
