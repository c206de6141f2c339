/* SPDX-License-Identifier: MIT */
/*
 * Hostile partners: one case per class of defect an adversarial review found, each a
 * second party changing state between a check and its use.
 *   - Replies are checked like sends: too long for the replier's UTCB, or longer than a
 *     message can be, the reply is refused and the reply capability stays.
 *   - A queued sender's message is checked when it is taken, not only when it was sent:
 *     its UTCB taken away (CONFIGURE), its tag rewritten (WRITE_REGISTERS) to more words
 *     than it can send or to a capability item through a gate copy without GRANT.
 *   - Fault messages need the WRITE right on the handler's capability, like any send.
 *   - The no-clients notification fires when the last client copy goes, not when a client's
 *     own copy loses a child.
 *   - Rebinding a gate takes its queued senders to the new thread; destroying a rebound
 *     gate fails them; a closed receive on a gate that moved away ends CANCELED.
 * Each case fails (or the kernel panics) when its check is removed from the kernel.
 */
#include "ipctest.h"

#define GOOD_WORD 0x600Du

static int raw_error(pecan_word_t status, pecan_tag_t tag)
{
    return pecan_error((struct pecan_reply){ status, tag, 0 });
}

/* ---- replies are checked ------------------------------------------------------------- */

/* A server without a UTCB: takes one call, replies with seven words (refused), then six
 * (delivered). arg[1], arg[2]: the errors of the two replies. */
static void no_utcb_replier(struct helper *h)
{
    pecan_word_t w[6] = { 0 };
    pecan_tag_t tag = 0;
    raw_ipc(0, PECAN_OP_WAIT, &tag, w, 0);
    for (unsigned i = 0; i < 6; i++)
        w[i] = GOOD_WORD + i;
    tag = pecan_tag(0, 7, 0);
    pecan_word_t status = raw_ipc(0, PECAN_OP_REPLY | PECAN_OP_SEND, &tag, w, 0);
    h->arg[1] = (pecan_word_t)raw_error(status, tag);
    for (unsigned i = 0; i < 6; i++)
        w[i] = GOOD_WORD + i;
    tag = pecan_tag(0, 6, 0);
    status = raw_ipc(0, PECAN_OP_REPLY | PECAN_OP_SEND, &tag, w, 0);
    h->arg[2] = (pecan_word_t)raw_error(status, tag);
}

/* A server with a UTCB: takes one call, replies with a tag of 63 words and 63 items (188
 * words), then the same as reply-and-wait, both refused, then one word. arg[1..3]. */
static void overlong_replier(struct helper *h)
{
    pecan_word_t w[6] = { 0 };
    pecan_tag_t tag = 0;
    raw_ipc(0, PECAN_OP_WAIT, &tag, w, 0);
    for (unsigned i = 0; i < PECAN_UTCB_MESSAGE_WORDS; i++)
        pecan_utcb()->message[i] = 0xFEED0000u | i;
    tag = pecan_tag(0, 63, 63);
    pecan_word_t status = raw_ipc(0, PECAN_OP_REPLY | PECAN_OP_SEND, &tag, w, 0);
    h->arg[1] = (pecan_word_t)raw_error(status, tag);
    tag = pecan_tag(0, 63, 63);
    status = raw_ipc(0, PECAN_OP_REPLY_WAIT, &tag, w, 0);
    h->arg[2] = (pecan_word_t)raw_error(status, tag);
    w[0] = GOOD_WORD;
    tag = pecan_tag(0, 1, 0);
    status = raw_ipc(0, PECAN_OP_REPLY | PECAN_OP_SEND, &tag, w, 0);
    h->arg[3] = (pecan_word_t)raw_error(status, tag);
}

UTEST(hostile_reply_checked_like_a_send)
{
    struct helper s;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), empty = slot_alloc();
    REQUIRE(gate && empty);

    /* Seven words from a server without a UTCB (the kernel read a NULL UTCB). */
    REQUIRE_OK(helper_create(&s, no_utcb_replier, 210));
    REQUIRE_OK(pecan_thread_configure(s.thread, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED, empty,
                                      0, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(helper_start(&s));
    struct pecan_message m = { .tag = pecan_tag(1, 1, 0) };
    CHECK_OK(ipc_err(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER)));
    CHECK_ERR((int)s.arg[1], -PECAN_EMSGTOOLONG);
    CHECK_OK((int)s.arg[2]);
    CHECK_EQ(pecan_tag_words(m.tag), 6);
    CHECK_EQ(m.word[5], GOOD_WORD + 5);
    CHECK(s.finished);
    CHECK_CLEAN();
    helper_destroy(&s);

    /* 188 words from a server with a UTCB (the kernel wrote past the caller's UTCB). The
     * caller's UTCB beyond its message words must be untouched. */
    struct pecan_utcb *u = pecan_utcb();
    for (unsigned i = 0; i < sizeof(u->user) / sizeof(u->user[0]); i++)
        u->user[i] = 0x5AFE0000u | i;
    pecan_word_t buffer_before = u->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW];
    REQUIRE_OK(helper_create(&s, overlong_replier, 210));
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(helper_start(&s));
    m.tag = pecan_tag(1, 1, 0);
    CHECK_OK(ipc_err(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER)));
    CHECK_ERR((int)s.arg[1], -PECAN_EMSGTOOLONG);
    CHECK_ERR((int)s.arg[2], -PECAN_EMSGTOOLONG);   /* and it does not go on to the wait */
    CHECK_OK((int)s.arg[3]);                        /* the reply capability stayed */
    CHECK_EQ(pecan_tag_words(m.tag), 1);
    CHECK_EQ(m.word[0], GOOD_WORD);
    unsigned damaged = 0;
    for (unsigned i = 0; i < sizeof(u->user) / sizeof(u->user[0]); i++)
        damaged += u->user[i] != (0x5AFE0000u | i);
    CHECK_EQ(damaged, 0);
    CHECK_EQ(u->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW], buffer_before);
    CHECK(s.finished);
    CHECK_CLEAN();
    helper_destroy(&s);
}

/* ---- queued senders are checked when taken ------------------------------------------- */

/* One call through arg[0] with arg[1] words (register-only: no UTCB needed), its error in
 * result. */
static void raw_caller(struct helper *h)
{
    pecan_word_t w[6] = { 1, 2, 3, 4, 5, 6 };
    pecan_tag_t tag = pecan_tag(0, (unsigned)h->arg[1], 0);
    pecan_word_t status = raw_ipc(h->arg[0], PECAN_OP_CALL, &tag, w, 0);
    h->result = raw_error(status, tag);
}

/* One call through arg[0] with arg[1] words through the UTCB, its error in result. */
static void utcb_caller(struct helper *h)
{
    struct pecan_message m;
    fill_request(&m, 2, (unsigned)h->arg[1]);
    h->result = ipc_err(pecan_ipc_call(h->arg[0], &m, PECAN_TIMEOUT_NEVER));
}

/* Starts a caller (priority 210: it runs at once and queues at the root, which is bound to
 * the gate but not receiving). */
static bool queue_caller(struct helper *c, void (*fn)(struct helper *), pecan_cap_t through,
                         unsigned words, pecan_cap_t utcb)
{
    if (helper_create(c, fn, 210) != 0)
        return false;
    if (utcb && pecan_thread_configure(c->thread, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED, utcb,
                                       0, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED) != 0)
        return false;
    c->arg[0] = through;
    c->arg[1] = words;
    c->result = 12345;
    return helper_start(c) == 0 && !c->finished;
}

/* The root takes what is queued at gate (zero timeout): the error of the receive. */
static int take_queued(pecan_cap_t gate)
{
    struct pecan_message m;
    return ipc_err(pecan_ipc_receive(gate, &m, PECAN_TIMEOUT_ZERO));
}

/* Rewrites a blocked thread's tag register (r1) and message words 0-1 (r3, r4). */
static int rewrite_tag(pecan_cap_t thread, pecan_tag_t tag, pecan_word_t w0, pecan_word_t w1)
{
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT];
    int err = pecan_thread_read_registers(thread, regs);
    if (err)
        return err;
    regs[1] = tag;
    regs[3] = w0;
    regs[4] = w1;
    return pecan_thread_write_registers(thread, regs);
}

UTEST(hostile_queued_sender_checked_when_taken)
{
    struct helper c;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t empty = slot_alloc(), no_grant = slot_alloc(), landing = slot_alloc();
    REQUIRE(gate && n && empty && no_grant && landing);
    REQUIRE_OK(pecan_gate_bind(gate, PECAN_ROOT_THREAD));
    REQUIRE_OK(cap_copy(no_grant, gate, PECAN_RIGHT_WRITE));

    /* Ten words, queued; then its UTCB is taken away (CONFIGURE). */
    REQUIRE(queue_caller(&c, utcb_caller, gate, 10, 0));
    REQUIRE_OK(pecan_thread_configure(c.thread, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED, empty,
                                      0, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    CHECK_ERR(take_queued(gate), TIMED_OUT);   /* refused: nothing else to take */
    CHECK(wait_flag((volatile pecan_word_t *)&c.finished, 1000));
    CHECK_ERR(c.result, -PECAN_EMSGTOOLONG);
    CHECK_CLEAN();
    helper_destroy(&c);

    /* One word from a thread without a UTCB, queued; its tag rewritten to seven words. */
    REQUIRE(queue_caller(&c, raw_caller, gate, 1, empty));
    REQUIRE_OK(rewrite_tag(c.thread, pecan_tag(0, 7, 0), 1, 2));
    CHECK_ERR(take_queued(gate), TIMED_OUT);
    CHECK(wait_flag((volatile pecan_word_t *)&c.finished, 1000));
    CHECK_ERR(c.result, -PECAN_EMSGTOOLONG);
    CHECK_CLEAN();
    helper_destroy(&c);

    /* Rewritten to 63 words and 63 items: more than any message. */
    REQUIRE(queue_caller(&c, raw_caller, gate, 1, 0));
    REQUIRE_OK(rewrite_tag(c.thread, pecan_tag(0, 63, 63), 1, 2));
    CHECK_ERR(take_queued(gate), TIMED_OUT);
    CHECK(wait_flag((volatile pecan_word_t *)&c.finished, 1000));
    CHECK_ERR(c.result, -PECAN_EMSGTOOLONG);
    CHECK_CLEAN();
    helper_destroy(&c);

    /* Through a copy without GRANT, no items (allowed when sent); rewritten to carry a
     * capability item. The receiver names a slot for it: it must stay empty. */
    struct pecan_utcb *u = pecan_utcb();
    u->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = 1;
    u->buffer[PECAN_UTCB_BUFFER_CAP_SLOTS] = landing;
    REQUIRE(queue_caller(&c, raw_caller, no_grant, 0, 0));
    REQUIRE_OK(rewrite_tag(c.thread, pecan_tag(0, 0, 1),
                           PECAN_ITEM_CAP | PECAN_RIGHTS_ALL << PECAN_ITEM_RIGHTS_SHIFT, n));
    CHECK_ERR(take_queued(gate), TIMED_OUT);
    u->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = 0;
    CHECK_EQ(cap_type(landing), CAPK_NULL);
    CHECK(wait_flag((volatile pecan_word_t *)&c.finished, 1000));
    CHECK_ERR(c.result, -PECAN_EPERM);
    CHECK_CLEAN();
    helper_destroy(&c);

    /* A good message behind a refused one is taken by the same receive. */
    struct helper good;
    REQUIRE(queue_caller(&c, raw_caller, gate, 1, 0));
    REQUIRE(queue_caller(&good, raw_caller, gate, 2, 0));
    REQUIRE_OK(rewrite_tag(c.thread, pecan_tag(0, 63, 1), 1, 2));   /* 65 words */
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_receive(gate, &m, PECAN_TIMEOUT_ZERO);
    CHECK_OK(ipc_err(r));
    CHECK_EQ(pecan_tag_words(m.tag), 2);
    CHECK_EQ(m.word[1], 2);
    m.tag = pecan_tag(0, 0, 0);
    CHECK_OK(ipc_err(pecan_ipc_reply(&m)));
    CHECK(wait_flag((volatile pecan_word_t *)&good.finished, 1000));
    CHECK_OK(good.result);
    CHECK(wait_flag((volatile pecan_word_t *)&c.finished, 1000));
    CHECK_ERR(c.result, -PECAN_EMSGTOOLONG);
    CHECK_CLEAN();
    helper_destroy(&good);
    helper_destroy(&c);
}

/* ---- fault messages need WRITE ---------------------------------------------------------- */

#define UNMAPPED_ADDRESS 0x7F000000u

static void touch_unmapped(struct helper *h)
{
    h->counter = 1;
    h->arg[3] = *(volatile pecan_word_t *)UNMAPPED_ADDRESS;
    h->counter = 2;
}

static void undefined_instruction(struct helper *h)
{
    h->counter = 1;
    __asm__ volatile(".word 0xe7f000f0");   /* permanently undefined (UDF) */
    h->counter = 2;
}

/* Starts a helper (210: it runs and faults at once) with pager or exception handler set
 * to handler. */
static bool start_faulting(struct helper *t, void (*fn)(struct helper *), pecan_cap_t pager,
                           pecan_cap_t exception_handler)
{
    return helper_create(t, fn, 210) == 0 &&
           pecan_thread_configure(t->thread, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                                  PECAN_CAP_UNCHANGED, 0, pager, exception_handler) == 0 &&
           helper_start(t) == 0;
}

/* A fault message arrives at the root within ms, of this label; refused, so the thread
 * stops. */
static bool fault_arrives(int label, unsigned ms)
{
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, pecan_timeout_us(ms * 1000));
    if (r.ipc_status != PECAN_IPC_OK || pecan_tag_label(m.tag) != label)
        return false;
    m.tag = pecan_tag(-1, 0, 0);
    return ipc_err(pecan_ipc_reply(&m)) == 0;
}

UTEST(hostile_fault_message_needs_write)
{
    struct helper t;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), no_write = slot_alloc();
    pecan_cap_t writable = slot_alloc();
    REQUIRE(gate && no_write && writable);
    REQUIRE_OK(pecan_gate_bind(gate, PECAN_ROOT_THREAD));
    REQUIRE_OK(cap_copy(no_write, gate, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    REQUIRE_OK(cap_copy(writable, gate, PECAN_RIGHT_WRITE));

    /* A page fault and an exception through copies without WRITE: nothing arrives, the
     * thread stops at the fault. */
    REQUIRE(start_faulting(&t, touch_unmapped, no_write, PECAN_CAP_UNCHANGED));
    CHECK_ERR(take_queued(gate), TIMED_OUT);
    CHECK_EQ(t.counter, 1);
    CHECK_CLEAN();
    helper_destroy(&t);
    REQUIRE(start_faulting(&t, undefined_instruction, writable, no_write));
    CHECK_ERR(take_queued(gate), TIMED_OUT);
    CHECK_EQ(t.counter, 1);
    CHECK_CLEAN();
    helper_destroy(&t);

    /* The same through copies with WRITE: the messages arrive. */
    REQUIRE(start_faulting(&t, touch_unmapped, writable, PECAN_CAP_UNCHANGED));
    CHECK(fault_arrives(PECAN_LABEL_PAGE_FAULT, 2000));
    CHECK_EQ(t.counter, 1);
    CHECK_CLEAN();
    helper_destroy(&t);
    REQUIRE(start_faulting(&t, undefined_instruction, no_write, writable));
    CHECK(fault_arrives(PECAN_LABEL_EXCEPTION, 2000));
    CHECK_EQ(t.counter, 1);
    CHECK_CLEAN();
    helper_destroy(&t);
}

/* ---- no-clients: exactly when the last client copy goes ---------------------------------- */

#define GC_BITS 0x80u

UTEST(hostile_no_clients_not_when_a_client_copy_loses_a_child)
{
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t client = slot_alloc(), grandchild = slot_alloc();
    REQUIRE(gate && n && client && grandchild);
    REQUIRE_OK(pecan_gate_set_no_clients(gate, n, GC_BITS));
    CHECK_EQ(poll_bits(n), GC_BITS);   /* no clients yet */
    REQUIRE_OK(cap_mint(client, gate, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT, 7));
    /* The client passes its copy on (a child of its copy), and that child goes: the
     * client still holds its own. */
    REQUIRE_OK(cap_mint(grandchild, client, PECAN_RIGHT_WRITE, 7));
    CHECK_OK(cap_delete(grandchild));
    CHECK_EQ(poll_bits(n), 0);
    CHECK_EQ(pecan_gate_has_clients(gate), 1);
    /* The client's copy goes while its child stays: the child is still a client. */
    REQUIRE_OK(cap_mint(grandchild, client, PECAN_RIGHT_WRITE, 7));
    CHECK_OK(cap_delete(client));
    CHECK_EQ(poll_bits(n), 0);        /* the grandchild still is a client */
    CHECK_OK(cap_delete(grandchild));
    CHECK_EQ(poll_bits(n), GC_BITS);  /* the last client copy is gone */
    CHECK_EQ(poll_bits(n), 0);
    CHECK_CLEAN();
}

/* ---- rebinding and destroying gates with senders queued ---------------------------------- */

/* Answers one call (open wait) with GOOD_WORD; arg[3] the words it received. */
static void answer_one(struct helper *h)
{
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
    h->arg[3] = pecan_tag_words(m.tag);
    h->result = ipc_err(r);
    m.tag = pecan_tag(0, 1, 0);
    m.word[0] = GOOD_WORD;
    pecan_ipc_reply(&m);
}

/* Waits on notification arg[0], receiving nothing. */
static void never_receives(struct helper *h)
{
    pecan_word_t bits;
    pecan_notification_wait(h->arg[0], &bits);
}

/* A closed receive on gate arg[0]; its error in result. */
static void closed_receiver(struct helper *h)
{
    struct pecan_message m;
    h->result = ipc_err(pecan_ipc_receive(h->arg[0], &m, PECAN_TIMEOUT_NEVER));
}

UTEST(hostile_rebind_and_destroy_settle_queued_senders)
{
    struct helper c, s, x;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(gate && n);

    /* A caller queued at the root; the gate moves to a server waiting openly: the server
     * gets the call and answers it. */
    REQUIRE_OK(pecan_gate_bind(gate, PECAN_ROOT_THREAD));
    REQUIRE(queue_caller(&c, raw_caller, gate, 3, 0));
    REQUIRE_OK(helper_create(&s, answer_one, 150));
    REQUIRE_OK(helper_start(&s));
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    CHECK(wait_flag((volatile pecan_word_t *)&c.finished, 1000));
    CHECK_OK(c.result);
    CHECK(s.finished);
    CHECK_OK(s.result);
    CHECK_EQ(s.arg[3], 3);
    CHECK_CLEAN();
    helper_destroy(&c);
    helper_destroy(&s);

    /* A caller queued at the root; the gate moves to a thread that never receives, then
     * is destroyed: the caller gets NO_PARTNER. */
    REQUIRE_OK(pecan_gate_bind(gate, PECAN_ROOT_THREAD));
    REQUIRE(queue_caller(&c, raw_caller, gate, 1, 0));
    REQUIRE_OK(helper_create(&x, never_receives, 150));
    x.arg[0] = n;
    REQUIRE_OK(helper_start(&x));
    REQUIRE_OK(pecan_gate_bind(gate, x.thread));
    CHECK_CLEAN();
    CHECK_EQ(take_queued(gate), NO_PARTNER);   /* the root no longer receives through it */
    obj_free(gate);
    CHECK(wait_flag((volatile pecan_word_t *)&c.finished, 1000));
    CHECK_ERR(c.result, NO_PARTNER);
    CHECK_CLEAN();
    helper_destroy(&c);

    /* A closed receive on a gate that moves to another thread ends CANCELED. */
    gate = obj_new(PECAN_OBJ_GATE, 0);
    REQUIRE(gate);
    REQUIRE_OK(helper_create(&s, closed_receiver, 150));
    s.arg[0] = gate;
    s.result = 12345;
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(helper_start(&s));
    CHECK(!s.finished);
    REQUIRE_OK(pecan_gate_bind(gate, PECAN_ROOT_THREAD));
    CHECK(wait_flag((volatile pecan_word_t *)&s.finished, 1000));
    CHECK_ERR(s.result, CANCELED);
    CHECK_CLEAN();
    helper_destroy(&s);
    CHECK_OK(pecan_notification_signal(n, 1));
    CHECK(wait_flag((volatile pecan_word_t *)&x.finished, 1000));
    helper_destroy(&x);
    CHECK_CLEAN();
}
