/* SPDX-License-Identifier: MIT */
/*
 * The implicit reply capability: every misuse is refused or fails cleanly. Reply twice,
 * reply without a call (and after a plain send), a new wait drops an unused one (its
 * caller gets ABORTED) while a sleep keeps it, it cannot be named (no slot changes when a call arrives, no CNode
 * operation or capability item can reach it, forwarding the request does not pass it on:
 * the client's answer comes only from the server it called), reply after the caller was
 * destroyed, suspended (the caller gets CANCELED) or timed out, and a server destroyed
 * mid-call (its caller and its queued senders get ABORTED).
 */
#include "ipctest.h"

/* A server that takes one call and then waits on a notification (arg[1]) before it
 * replies; it replies twice more. arg[0] unused; results[]: the three replies' errors.
 * counter: 1 after the call arrived, 2 after the first reply, 3 at the end. */
static volatile int results[4];
static volatile pecan_word_t received_badge;

static int reply_word(pecan_word_t word)
{
    struct pecan_message m = { .tag = pecan_tag(0, 1, 0) };
    m.word[0] = word;
    return ipc_err(pecan_ipc_reply(&m));
}

static void holding_server(struct helper *h)
{
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
    received_badge = r.badge;
    h->result = (int)r.ipc_status;
    h->counter = 1;
    pecan_word_t bits;
    if (h->arg[1])
        pecan_notification_wait(h->arg[1], &bits);
    results[0] = reply_word(0x600D);
    h->counter = 2;
    results[1] = reply_word(0xBAD);
    results[2] = ipc_err(pecan_ipc_reply_wait(&m, PECAN_TIMEOUT_ZERO));   /* nothing left */
    h->counter = 3;
}

/* One call from a client helper: arg[0] gate, arg[2] timeout field; result, arg[3] word 0
 * of the answer. counter: 1 calling, 2 returned. */
static void one_call(struct helper *h)
{
    struct pecan_message m = { .tag = pecan_tag(5, 1, 0) };
    m.word[0] = 0xCA11;
    h->counter = 1;
    h->result = ipc_err(pecan_ipc_call(h->arg[0], &m, h->arg[2]));
    h->arg[3] = m.word[0];
    h->counter = 2;
}

static void reset_results(void)
{
    for (unsigned i = 0; i < 4; i++)
        results[i] = 12345;
}

/* A holding server (priority 150) with one caller (200) whose call it has taken and holds
 * until *n is signalled. False if the objects or threads could not be made. */
static bool start_held_call(struct helper *s, struct helper *c, pecan_cap_t *n)
{
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0);
    *n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    reset_results();
    if (!gate || !*n || helper_create(s, holding_server, 150) != 0 ||
        helper_create(c, one_call, 200) != 0)
        return false;
    s->arg[1] = *n;
    c->arg[0] = gate;
    c->arg[2] = PECAN_TIMEOUT_NEVER;
    return pecan_gate_bind(gate, s->thread) == 0 && helper_start(s) == 0 && helper_start(c) == 0;
}

UTEST(reply_twice_and_without_call)
{
    struct helper s;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0);
    REQUIRE(gate);
    /* The root has never received a call. */
    CHECK_ERR(reply_word(1), NO_REPLY_CAP);
    reset_results();
    REQUIRE_OK(helper_create(&s, holding_server, 200));
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(helper_start(&s));
    struct pecan_message m = { .tag = pecan_tag(5, 1, 0) };
    m.word[0] = 1;
    CHECK_OK(ipc_err(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER)));
    CHECK_EQ(m.word[0], 0x600D);   /* the first reply arrives */
    CHECK_EQ(s.counter, 3);        /* the server ran on (200) */
    CHECK_OK(results[0]);
    CHECK_ERR(results[1], NO_REPLY_CAP);   /* used up */
    CHECK_ERR(results[2], TIMED_OUT);      /* reply-and-wait without one: just the wait */
    CHECK_CLEAN();
    helper_destroy(&s);

    /* A plain send gives no reply capability. */
    reset_results();
    REQUIRE_OK(helper_create(&s, holding_server, 200));
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(helper_start(&s));
    m.tag = pecan_tag(5, 1, 0);
    CHECK_OK(ipc_err(pecan_ipc_send(gate, &m, PECAN_TIMEOUT_NEVER)));
    CHECK_EQ(s.counter, 3);
    CHECK_ERR(results[0], NO_REPLY_CAP);
    CHECK_CLEAN();
    helper_destroy(&s);
    CHECK_CLEAN();
}

/* A server that receives a call, sleeps, and answers: the sleep keeps its reply
 * capability (spin locks back off by sleeping inside requests). */
static void sleeping_server(struct helper *h)
{
    struct pecan_message m;
    h->result = (int)pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER).ipc_status;
    h->counter = 1;
    h->arg[3] = (pecan_word_t)pecan_sleep_us(1000);
    h->counter = 2;
    h->arg[2] = (pecan_word_t)reply_word(7);
}

UTEST(reply_kept_across_sleep)
{
    struct helper s;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0);
    REQUIRE(gate);
    REQUIRE_OK(helper_create(&s, sleeping_server, 200));
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(helper_start(&s));
    struct pecan_message m = { .tag = pecan_tag(5, 0, 0) };
    struct pecan_reply r = pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER);
    CHECK_OK(ipc_err(r));
    CHECK_EQ(m.word[0], 7);
    CHECK(s.finished);
    CHECK_OK(s.result);
    CHECK_OK((int)s.arg[3]);
    CHECK_OK((int)s.arg[2]);
    helper_destroy(&s);
    CHECK_CLEAN();
}

/* A server that receives a call and waits again without replying. */
static void dropping_server(struct helper *h)
{
    struct pecan_message m;
    h->result = (int)pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER).ipc_status;
    h->counter = 1;
    h->arg[3] = (pecan_word_t)ipc_err(pecan_ipc_wait(&m, PECAN_TIMEOUT_ZERO));
    h->counter = 2;
    h->arg[2] = (pecan_word_t)reply_word(1);
}

UTEST(reply_dropped_by_new_wait)
{
    struct helper s;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0);
    REQUIRE(gate);
    REQUIRE_OK(helper_create(&s, dropping_server, 200));
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(helper_start(&s));
    struct pecan_message m = { .tag = pecan_tag(5, 0, 0) };
    CHECK_ERR(ipc_err(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER)), ABORTED);
    CHECK(s.finished);
    CHECK_OK(s.result);
    CHECK_ERR((int)s.arg[3], TIMED_OUT);
    CHECK_ERR((int)s.arg[2], NO_REPLY_CAP);
    CHECK_CLEAN();
    helper_destroy(&s);
}

/* ---- it cannot be named --------------------------------------------------------------- */

#define SNAPSHOT_SLOTS 160
struct slot_snapshot {
    uint8_t type[SNAPSHOT_SLOTS];
    uint8_t rights[SNAPSHOT_SLOTS];
    pecan_word_t badge[SNAPSHOT_SLOTS];
};

static void snapshot(struct slot_snapshot *s, pecan_cap_t first)
{
    for (unsigned i = 0; i < SNAPSHOT_SLOTS; i++) {
        struct pecan_cap_identity id = { 0 };
        pecan_cap_t slot = i < 16 ? i : first + i - 16;
        if (cap_identify(slot, &id) != 0)
            id.type = 0xFF;
        s->type[i] = (uint8_t)id.type;
        s->rights[i] = (uint8_t)id.rights;
        s->badge[i] = id.badge;
    }
}

/* The forwarding server: takes the client's call, tries to hand on its reply capability
 * every way there is, forwards the request to a second server (whose answer comes back
 * to it, not to the client), and only then answers the client. Steps in arg[1..3]. */
static struct slot_snapshot before_call, during_call;
static volatile int forward_results[8];

static void forwarding_server(struct helper *h)
{
    struct pecan_message m;
    pecan_cap_t second = h->arg[0], scratch = h->arg[1];
    struct pecan_reply r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
    h->result = (int)r.ipc_status;
    snapshot(&during_call, bootinfo->first_free_slot);
    /* No index names it: copying or sending slot 0 (null), or any other slot, moves a
     * capability at most, never the reply right. */
    forward_results[0] = cap_copy(scratch, 0, PECAN_RIGHTS_ALL);
    struct pecan_message f = { .tag = pecan_tag(77, 1, 1) };
    f.word[0] = m.word[0];
    f.word[1] = PECAN_ITEM_CAP | PECAN_RIGHTS_ALL << PECAN_ITEM_RIGHTS_SHIFT;
    f.word[2] = 0;
    /* Forward the request (with an item naming slot 0) to the second server. */
    r = pecan_ipc_call(second, &f, PECAN_TIMEOUT_NEVER);
    forward_results[1] = ipc_err(r);
    forward_results[2] = (int)f.word[0];
    h->counter = 1;
    /* Only now the client's answer. */
    forward_results[3] = reply_word(f.word[0] + 1);
    h->counter = 2;
}

/* The second server: records the item's result, tries to reply twice (the first goes
 * to the forwarding server, which called it), answers with word 0 + 0x1000. */
static void second_server(struct helper *h)
{
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
    forward_results[4] = ipc_err(r);
    forward_results[5] = (int)pecan_utcb()->error;
    forward_results[6] = (int)m.word[1];
    m.word[0] += 0x1000;
    m.tag = pecan_tag(0, 1, 0);
    forward_results[7] = ipc_err(pecan_ipc_reply(&m));
    h->arg[3] = (pecan_word_t)reply_word(0xBAD);
    h->counter = 1;
}

UTEST(reply_cannot_be_named_or_passed_on)
{
    struct helper client, fwd, second;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), gate2 = obj_new(PECAN_OBJ_GATE, 0);
    pecan_cap_t scratch = slot_alloc();
    REQUIRE(gate && gate2 && scratch);
    REQUIRE_OK(helper_create(&fwd, forwarding_server, 150));
    REQUIRE_OK(helper_create(&second, second_server, 140));
    REQUIRE_OK(helper_create(&client, one_call, 200));
    REQUIRE_OK(pecan_gate_bind(gate, fwd.thread));
    REQUIRE_OK(pecan_gate_bind(gate2, second.thread));
    fwd.arg[0] = gate2;
    fwd.arg[1] = scratch;
    client.arg[0] = gate;
    client.arg[2] = PECAN_TIMEOUT_NEVER;
    for (unsigned i = 0; i < 8; i++)
        forward_results[i] = 12345;
    REQUIRE_OK(helper_start(&second));
    snapshot(&before_call, bootinfo->first_free_slot);
    /* The forwarding server runs below the client: it takes the call, then everything
     * runs to its end before the root (128) sees it. */
    REQUIRE_OK(helper_start(&fwd));
    REQUIRE_OK(helper_start(&client));
    CHECK_EQ(client.counter, 2);
    CHECK_OK(client.result);
    CHECK_EQ(client.arg[3], 0xCA11 + 0x1000 + 1);   /* from the forwarding server only */
    CHECK_OK(fwd.result);
    CHECK_EQ(fwd.counter, 2);
    /* No slot changed when the call (and its reply right) arrived. */
    bool same = true;
    for (unsigned i = 0; i < SNAPSHOT_SLOTS; i++) {
        same &= before_call.type[i] == during_call.type[i] &&
                before_call.rights[i] == during_call.rights[i] &&
                before_call.badge[i] == during_call.badge[i];
    }
    CHECK(same);
    CHECK_ERR(forward_results[0], -PECAN_EINVALCAP);   /* nothing to copy at index 0 */
    CHECK_EQ(cap_type(scratch), CAPK_NULL);
    CHECK_OK(forward_results[1]);                      /* the forward itself works */
    CHECK_EQ(forward_results[2], 0xCA11 + 0x1000);     /* answered by the second server */
    CHECK_OK(forward_results[3]);
    CHECK_ERR(forward_results[4], ITEM_FAILED);        /* the item naming slot 0 */
    CHECK_EQ(forward_results[5], PECAN_EINVALCAP);
    CHECK_EQ(forward_results[6], PECAN_ITEM_CAP | PECAN_EINVALCAP << PECAN_ITEM_RESULT_SHIFT);
    CHECK_OK(forward_results[7]);
    CHECK_ERR((int)second.arg[3], NO_REPLY_CAP);
    CHECK_CLEAN();
    helper_destroy(&client);
    helper_destroy(&fwd);
    helper_destroy(&second);
    CHECK_CLEAN();
}

/* ---- the caller goes away --------------------------------------------------------------- */

UTEST(reply_after_caller_destroyed)
{
    struct helper s, c;
    pecan_cap_t n;
    REQUIRE(start_held_call(&s, &c, &n));
    CHECK_EQ(c.counter, 1);   /* waiting for the reply */
    CHECK_EQ(s.counter, 1);   /* holding it, waiting on n */
    CHECK_CLEAN();
    CHECK_OK(cap_delete(c.thread));   /* the caller is destroyed */
    c.thread = 0;
    CHECK_CLEAN();
    CHECK_OK(pecan_notification_signal(n, 1));
    CHECK_EQ(s.counter, 3);
    CHECK_ERR(results[0], NO_REPLY_CAP);
    CHECK_ERR(results[1], NO_REPLY_CAP);
    CHECK_CLEAN();
    helper_destroy(&s);
    helper_destroy(&c);
}

UTEST(reply_after_caller_suspended)
{
    struct helper s, c;
    pecan_cap_t n;
    REQUIRE(start_held_call(&s, &c, &n));
    CHECK_EQ(c.counter, 1);
    REQUIRE_OK(pecan_thread_suspend(c.thread));
    CHECK_CLEAN();
    CHECK_OK(pecan_notification_signal(n, 1));   /* the server's reply finds nobody */
    CHECK_EQ(s.counter, 3);
    CHECK_ERR(results[0], NO_REPLY_CAP);
    CHECK_EQ(c.counter, 1);
    REQUIRE_OK(pecan_thread_resume(c.thread));   /* the call ends cancelled */
    CHECK_EQ(c.counter, 2);
    CHECK_ERR(c.result, CANCELED);
    CHECK_CLEAN();
    helper_destroy(&s);
    helper_destroy(&c);
}

UTEST(reply_after_call_timed_out)
{
    struct helper s;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(gate && n);
    reset_results();
    REQUIRE_OK(helper_create(&s, holding_server, 150));
    s.arg[1] = n;
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(helper_start(&s));
    struct pecan_message m = { .tag = pecan_tag(5, 0, 0) };
    uint64_t t0 = kip_now_ns();
    /* The send goes through at once; the wait for the reply times out. */
    CHECK_ERR(ipc_err(pecan_ipc_call(gate, &m, pecan_timeout_us(20000))), TIMED_OUT);
    CHECK(kip_now_ns() - t0 >= 20000000ull);
    CHECK_EQ(s.counter, 1);
    CHECK_CLEAN();
    CHECK_OK(pecan_notification_signal(n, 1));
    CHECK_EQ(s.counter, 3);
    CHECK_ERR(results[0], NO_REPLY_CAP);
    CHECK_CLEAN();
    helper_destroy(&s);
}

/* ---- the server goes away --------------------------------------------------------------- */

UTEST(reply_server_destroyed_mid_call)
{
    struct helper s, c1, c2;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(gate && n);
    REQUIRE_OK(helper_create(&s, holding_server, 150));
    REQUIRE_OK(helper_create(&c1, one_call, 200));
    REQUIRE_OK(helper_create(&c2, one_call, 200));
    s.arg[1] = n;
    c1.arg[0] = c2.arg[0] = gate;
    c1.arg[2] = c2.arg[2] = PECAN_TIMEOUT_NEVER;
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(helper_start(&s));
    REQUIRE_OK(helper_start(&c1));   /* its call is taken: the server holds the reply */
    REQUIRE_OK(helper_start(&c2));   /* queued at the server */
    CHECK_EQ(c1.counter, 1);
    CHECK_EQ(c2.counter, 1);
    CHECK_EQ(s.counter, 1);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(s.thread));  /* the server dies */
    s.thread = 0;
    CHECK_EQ(c1.counter, 2);
    CHECK_ERR(c1.result, ABORTED);
    CHECK_EQ(c2.counter, 2);
    CHECK_ERR(c2.result, ABORTED);
    CHECK_CLEAN();
    /* The gate is unbound now: a caller waits (here: not at all). */
    int bound = -1;
    CHECK_OK(pecan_gate_info(gate, &bound, 0));
    CHECK_EQ(bound, 0);
    struct pecan_message m = { .tag = pecan_tag(5, 0, 0) };
    CHECK_ERR(ipc_err(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_ZERO)), TIMED_OUT);
    CHECK_CLEAN();
    helper_destroy(&s);
    helper_destroy(&c1);
    helper_destroy(&c2);
}

/* A server suspended while holding a reply keeps it: resumed, it answers. */
UTEST(reply_server_suspended_keeps_it)
{
    struct helper s, c;
    pecan_cap_t n;
    REQUIRE(start_held_call(&s, &c, &n));
    CHECK_EQ(s.counter, 1);
    REQUIRE_OK(pecan_thread_suspend(s.thread));   /* its notification wait ends cancelled */
    CHECK_EQ(c.counter, 1);                    /* the caller still waits */
    CHECK_CLEAN();
    REQUIRE_OK(pecan_thread_resume(s.thread));
    CHECK_EQ(c.counter, 2);
    CHECK_OK(c.result);
    CHECK_EQ(c.arg[3], 0x600D);
    CHECK_OK(results[0]);
    CHECK_CLEAN();
    helper_destroy(&s);
    helper_destroy(&c);
}
