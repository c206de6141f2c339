/* SPDX-License-Identifier: MIT */
/*
 * Capability transfer in messages: a gate capability and a notification in one message
 * to another task (receive slots named in its UTCB buffer); the received capabilities
 * have the rights ANDed with the item's mask, are children of the sender's (revoking
 * those removes them) and work; the receiver learns the badge. Refusals: a capability
 * without GRANT (EPERM), a gate capability without GRANT carrying items, untyped and page
 * tables, a missing, occupied or unresolvable receive slot (ITEM_FAILED with the reason in
 * the UTCB error word and the item); items in a reply.
 */
#include "ipctest.h"

#define T_SLOT_GATE 8
#define T_SLOT_NOTIFICATION 9
#define T_DONE (TASK_FIRST_FREE)

/* The shared report of the receiving task. */
struct transfer_report {
    pecan_word_t status, tag, error, word0;
    pecan_word_t item[4];
    int signal_result, poll_result, call_result;
    pecan_word_t call_badge;
    pecan_word_t done;
};

/* The task: names two receive slots, takes one call, uses what arrived, answers. */
static void receiving_task(pecan_word_t report, pecan_word_t done, pecan_word_t a2,
                           pecan_word_t a3)
{
    (void)a2;
    (void)a3;
    volatile struct transfer_report *rep = (volatile struct transfer_report *)report;
    struct pecan_utcb *u = pecan_utcb();
    u->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = 2;
    u->buffer[PECAN_UTCB_BUFFER_CAP_SLOTS] = T_SLOT_GATE;
    u->buffer[PECAN_UTCB_BUFFER_CAP_SLOTS + 1] = T_SLOT_NOTIFICATION;
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
    rep->status = r.ipc_status;
    rep->tag = m.tag;
    rep->error = u->error;
    rep->word0 = m.word[0];
    for (unsigned i = 0; i < 4; i++)
        rep->item[i] = m.word[1 + i];
    /* Use them: signal (WRITE only), poll (no READ: refused), call the gate. */
    rep->signal_result = pecan_notification_signal(T_SLOT_NOTIFICATION, 0x10);
    pecan_word_t bits;
    rep->poll_result = pecan_notification_poll(T_SLOT_NOTIFICATION, &bits);
    struct pecan_message c = { .tag = pecan_tag(3, 0, 0) };
    rep->call_result = ipc_err(pecan_ipc_call(T_SLOT_GATE, &c, PECAN_TIMEOUT_NEVER));
    rep->call_badge = c.word[0];
    m.tag = pecan_tag(0, 0, 0);
    pecan_ipc_reply(&m);
    rep->done = 1;
    pecan_notification_signal(done, 1);
    task_exit();
}

/* Answers each call with its badge in word 0. */
static void badge_echo(struct helper *h)
{
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
    for (;;) {
        h->counter++;
        m.word[0] = r.badge;
        m.tag = pecan_tag(0, 1, 0);
        r = pecan_ipc_reply_wait(&m, PECAN_TIMEOUT_NEVER);
    }
}

static unsigned rights_of(pecan_cap_t cnode, unsigned index, unsigned depth, pecan_word_t *badge)
{
    struct pecan_cap_identity id = { 0 };
    if (pecan_cnode_identify(cnode, index, depth, &id) != 0)
        return 0xFF;
    if (badge)
        *badge = id.badge;
    return id.type == CAPK_NULL ? 0xFF : id.rights;
}

UTEST(transfer_gate_and_notification_to_task)
{
    struct task t;
    struct helper echo;
    pecan_cap_t server = obj_new(PECAN_OBJ_GATE, 0), other = obj_new(PECAN_OBJ_GATE, 0);
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0), done = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t gb = slot_alloc(), nb = slot_alloc();
    REQUIRE(server && other && n && done && gb && nb);
    REQUIRE_OK(task_create(&t, 150));
    REQUIRE_OK(task_copy(&t, T_DONE, done, PECAN_RIGHT_WRITE));
    REQUIRE_OK(pecan_gate_bind(server, t.r.thread));
    REQUIRE_OK(helper_create(&echo, badge_echo, 200));
    REQUIRE_OK(pecan_gate_bind(other, echo.thread));
    REQUIRE_OK(helper_start(&echo));
    /* What is sent: a badged gate copy (all rights), a badged notification copy. */
    REQUIRE_OK(cap_mint(gb, other, PECAN_RIGHTS_ALL, 0x5A));
    REQUIRE_OK(cap_mint(nb, n, PECAN_RIGHTS_ALL, 0x3));
    volatile struct transfer_report *rep = (volatile struct transfer_report *)remote_shared();
    *rep = (struct transfer_report){ 0 };
    REQUIRE_OK(remote_start(&t.r, receiving_task, REMOTE_SHARED_VA, T_DONE, 0, 0));
    CHECK_EQ(task_cap_type(&t, T_SLOT_GATE), CAPK_NULL);
    struct pecan_message m = { .tag = pecan_tag(21, 1, 2) };
    m.word[0] = 0x1234;
    m.word[1] = PECAN_ITEM_CAP | (PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT) << PECAN_ITEM_RIGHTS_SHIFT;
    m.word[2] = gb;
    m.word[3] = PECAN_ITEM_CAP | PECAN_RIGHT_WRITE << PECAN_ITEM_RIGHTS_SHIFT;
    m.word[4] = nb;
    CHECK_OK(ipc_err(pecan_ipc_call(server, &m, PECAN_TIMEOUT_NEVER)));
    pecan_word_t bits = 0;
    CHECK_OK(pecan_notification_wait(done, &bits));
    CHECK_EQ(rep->done, 1);
    /* The message and its items as the task saw them. */
    CHECK_EQ(rep->status, PECAN_IPC_OK);
    CHECK_EQ(rep->error, 0);
    CHECK_EQ(pecan_tag_label(rep->tag), 21);
    CHECK_EQ(pecan_tag_words(rep->tag), 1);
    CHECK_EQ(pecan_tag_items(rep->tag), 2);
    CHECK_EQ(rep->word0, 0x1234);
    CHECK_EQ(rep->item[0], PECAN_ITEM_CAP);
    CHECK_EQ(rep->item[1], 0x5A);   /* the badge of the gate capability */
    CHECK_EQ(rep->item[2], PECAN_ITEM_CAP);
    CHECK_EQ(rep->item[3], 0x3);
    /* The received capabilities: rights ANDed, badges kept, and they work. */
    pecan_word_t badge = 0;
    CHECK_EQ(task_cap_type(&t, T_SLOT_GATE), CAPK_GATE);
    CHECK_EQ(rights_of(t.cnode, T_SLOT_GATE, TASK_RADIX, &badge),
             PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
    CHECK_EQ(badge, 0x5A);
    CHECK_EQ(task_cap_type(&t, T_SLOT_NOTIFICATION), CAPK_NOTIFICATION);
    CHECK_EQ(rights_of(t.cnode, T_SLOT_NOTIFICATION, TASK_RADIX, &badge), PECAN_RIGHT_WRITE);
    CHECK_EQ(badge, 0x3);
    CHECK_OK(rep->signal_result);
    CHECK_ERR(rep->poll_result, -PECAN_EPERM);
    CHECK_OK(rep->call_result);
    CHECK_EQ(rep->call_badge, 0x5A);
    CHECK_EQ(echo.counter, 1);
    CHECK_OK(pecan_notification_poll(n, &bits));
    CHECK_EQ(bits, 0x13);   /* the badge ORed in */
    CHECK_CLEAN();
    /* They are children of the sender's capabilities. */
    CHECK_OK(cap_revoke(gb));
    CHECK_EQ(task_cap_type(&t, T_SLOT_GATE), CAPK_NULL);
    CHECK_EQ(task_cap_type(&t, T_SLOT_NOTIFICATION), CAPK_NOTIFICATION);
    CHECK_OK(cap_revoke(nb));
    CHECK_EQ(task_cap_type(&t, T_SLOT_NOTIFICATION), CAPK_NULL);
    CHECK_CLEAN();
    task_destroy(&t);
    helper_destroy(&echo);
    CHECK_OK(cap_delete(gb));
    CHECK_OK(cap_delete(nb));
    CHECK_CLEAN();
}

/* ---- refusals --------------------------------------------------------------------------- */

/* A receiver in the root's spaces: before each wait it names receive slots from
 * slot_setup[] (count, slots); it records each message. */
struct transfer_record {
    pecan_word_t status, error, tag, w[6];
};
static volatile struct transfer_record trec;
static volatile pecan_word_t slot_setup[5];

static void slot_receiver(struct helper *h)
{
    struct pecan_message m;
    struct pecan_utcb *u = pecan_utcb();
    for (;;) {
        for (unsigned i = 0; i < 5; i++)
            u->buffer[i] = slot_setup[i];
        u->error = 0;
        struct pecan_reply r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
        trec.status = r.ipc_status;
        trec.error = u->error;
        trec.tag = m.tag;
        for (unsigned i = 0; i < 6; i++)
            trec.w[i] = m.word[i];
        h->counter++;
        m.tag = 0;
        pecan_ipc_reply(&m);
    }
}

/* Sends 0-2 capability items (index, rights mask) through gate; the receive slots are set
 * first. Returns the sender's error. */
static int send_caps(pecan_cap_t gate, unsigned count, const pecan_cap_t *caps,
                     const unsigned *masks)
{
    struct pecan_message m = { .tag = pecan_tag(4, 0, count) };
    for (unsigned i = 0; i < count; i++) {
        m.word[2 * i] = PECAN_ITEM_CAP | masks[i] << PECAN_ITEM_RIGHTS_SHIFT;
        m.word[2 * i + 1] = caps[i];
    }
    trec.status = 0xFFFF;
    return ipc_err(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER));
}

static void set_slots(unsigned count, pecan_cap_t a, pecan_cap_t b)
{
    slot_setup[0] = count;
    slot_setup[1] = a;
    slot_setup[2] = b;
}

static pecan_word_t item_failure(int err)
{
    return PECAN_ITEM_CAP | (pecan_word_t)-err << PECAN_ITEM_RESULT_SHIFT;
}

UTEST(transfer_rights_and_refusals)
{
    struct helper s;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0), ut = ut_alloc(12);
    pecan_cap_t nw = slot_alloc(), nr = slot_alloc(), gate_w = slot_alloc();
    pecan_cap_t r1 = slot_alloc(), r2 = slot_alloc(), busy = slot_alloc();
    REQUIRE(gate && n && pt && ut && nw && nr && gate_w && r1 && r2 && busy);
    REQUIRE_OK(cap_copy(nw, n, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT));
    REQUIRE_OK(cap_copy(nr, n, PECAN_RIGHT_READ | PECAN_RIGHT_WRITE));   /* no GRANT */
    REQUIRE_OK(cap_copy(gate_w, gate, PECAN_RIGHT_WRITE));
    REQUIRE_OK(cap_copy(busy, n, PECAN_RIGHTS_ALL));
    REQUIRE_OK(helper_create(&s, slot_receiver, 200));
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    set_slots(2, r1, r2);
    REQUIRE_OK(helper_start(&s));
    pecan_cap_t caps[2];
    unsigned masks[2];

    /* Rights only shrink: a mask of all rights on a WRITE|GRANT copy gives WRITE|GRANT. */
    caps[0] = nw;
    masks[0] = PECAN_RIGHTS_ALL;
    CHECK_OK(send_caps(gate, 1, caps, masks));
    CHECK_EQ(trec.status, PECAN_IPC_OK);
    CHECK_EQ(rights_of(ROOT, r1, ROOT_DEPTH, 0), PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
    CHECK_OK(cap_delete(r1));
    /* A mask of nothing: the capability arrives with no rights. */
    masks[0] = 0;
    CHECK_OK(send_caps(gate, 1, caps, masks));
    CHECK_EQ(rights_of(ROOT, r1, ROOT_DEPTH, 0), 0);
    CHECK_OK(cap_delete(r1));
    CHECK_CLEAN();

    /* A capability without GRANT cannot be sent. */
    caps[0] = nr;
    masks[0] = PECAN_RIGHTS_ALL;
    CHECK_OK(send_caps(gate, 1, caps, masks));
    CHECK_EQ(trec.status, PECAN_IPC_ITEM_FAILED);
    CHECK_EQ(trec.error, PECAN_EPERM);
    CHECK_EQ(trec.w[0], item_failure(-PECAN_EPERM));
    CHECK_EQ(cap_type(r1), CAPK_NULL);
    /* Nor untyped memory, nor a page table. */
    caps[0] = ut;
    CHECK_OK(send_caps(gate, 1, caps, masks));
    CHECK_EQ(trec.error, PECAN_EUNTYPEDCOPY);
    caps[0] = pt;
    CHECK_OK(send_caps(gate, 1, caps, masks));
    CHECK_EQ(trec.error, PECAN_ETYPE);
    CHECK_EQ(cap_type(r1), CAPK_NULL);
    /* A gate capability without GRANT carries no items: refused before anything moves. */
    pecan_word_t before = s.counter;
    caps[0] = nw;
    CHECK_ERR(send_caps(gate_w, 1, caps, masks), -PECAN_EPERM);
    CHECK_EQ(s.counter, before);
    CHECK_CLEAN();

    /* Receive slots: one named for two items, the second fails; none named; occupied. */
    set_slots(1, r1, 0);
    CHECK_OK(send_caps(gate, 0, caps, masks));   /* the receiver takes the new set-up */
    caps[0] = nw;
    caps[1] = gate;
    masks[0] = masks[1] = PECAN_RIGHTS_ALL;
    CHECK_OK(send_caps(gate, 2, caps, masks));
    CHECK_EQ(trec.status, PECAN_IPC_ITEM_FAILED);
    CHECK_EQ(trec.error, PECAN_ERANGE);
    CHECK_EQ(trec.w[0], PECAN_ITEM_CAP);          /* the first arrived */
    CHECK_EQ(trec.w[2], item_failure(-PECAN_ERANGE));
    CHECK_EQ(trec.w[3], 0);
    CHECK_EQ(cap_type(r1), CAPK_NOTIFICATION);
    CHECK_EQ(cap_type(r2), CAPK_NULL);
    CHECK_OK(cap_delete(r1));
    set_slots(0, 0, 0);
    CHECK_OK(send_caps(gate, 0, caps, masks));
    CHECK_OK(send_caps(gate, 1, caps, masks));
    CHECK_EQ(trec.status, PECAN_IPC_ITEM_FAILED);
    CHECK_EQ(trec.error, PECAN_ERANGE);
    set_slots(1, busy, 0);
    CHECK_OK(send_caps(gate, 0, caps, masks));
    CHECK_OK(send_caps(gate, 1, caps, masks));
    CHECK_EQ(trec.error, PECAN_EEXIST);
    CHECK_EQ(trec.w[0], item_failure(-PECAN_EEXIST));
    set_slots(1, 0xFFFFF000u, 0);   /* cannot be resolved */
    CHECK_OK(send_caps(gate, 0, caps, masks));
    CHECK_OK(send_caps(gate, 1, caps, masks));
    CHECK_EQ(trec.status, PECAN_IPC_ITEM_FAILED);
    CHECK(trec.error != 0);
    CHECK_CLEAN();
    helper_destroy(&s);
    CHECK_OK(cap_delete(nw));
    CHECK_OK(cap_delete(nr));
    CHECK_OK(cap_delete(gate_w));
    CHECK_OK(cap_delete(busy));
    CHECK_CLEAN();
}

/* Items travel in replies too: the server answers with a capability; the caller names
 * the receive slot. */
static void cap_giver(struct helper *h)
{
    struct pecan_message m;
    pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
    m.tag = pecan_tag(0, 1, 1);
    m.word[0] = 0xF1F1;
    m.word[1] = PECAN_ITEM_CAP | (PECAN_RIGHT_READ | PECAN_RIGHT_GRANT) << PECAN_ITEM_RIGHTS_SHIFT;
    m.word[2] = h->arg[0];
    h->result = ipc_err(pecan_ipc_reply(&m));
    h->counter++;
}

UTEST(transfer_in_reply)
{
    struct helper s;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t nb = slot_alloc(), got = slot_alloc();
    REQUIRE(gate && n && nb && got);
    REQUIRE_OK(cap_mint(nb, n, PECAN_RIGHTS_ALL, 0x44));
    REQUIRE_OK(helper_create(&s, cap_giver, 200));
    s.arg[0] = nb;
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(helper_start(&s));
    struct pecan_utcb *u = pecan_utcb();
    u->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = 1;
    u->buffer[PECAN_UTCB_BUFFER_CAP_SLOTS] = got;
    struct pecan_message m = { .tag = pecan_tag(1, 0, 0) };
    struct pecan_reply r = pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER);
    u->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = 0;
    CHECK_EQ(r.ipc_status, PECAN_IPC_OK);
    CHECK_EQ(pecan_tag_items(m.tag), 1);
    CHECK_EQ(m.word[0], 0xF1F1);
    CHECK_EQ(m.word[1], PECAN_ITEM_CAP);
    CHECK_EQ(m.word[2], 0x44);
    CHECK_OK(s.result);
    pecan_word_t badge = 0;
    CHECK_EQ(rights_of(ROOT, got, ROOT_DEPTH, &badge), PECAN_RIGHT_READ | PECAN_RIGHT_GRANT);
    CHECK_EQ(badge, 0x44);
    CHECK_CLEAN();
    helper_destroy(&s);
    CHECK_OK(cap_delete(got));
    CHECK_OK(cap_delete(nb));
    CHECK_CLEAN();
}
