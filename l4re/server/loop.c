/* SPDX-License-Identifier: MIT */
/*
 * The server loop (pecan/server.h): reply and wait in one trap, dispatch by badge and
 * then by protocol, build replies of words and items, periodic and deferred work between
 * messages. Whatever cannot be decoded (no object under the badge, a protocol the object
 * does not speak, a failed item) is answered with an error and never reaches a handler.
 *
 * The message path is kept short (docs/bench.md, server_call_rt): the trap moves words
 * between the registers and the request's in/out arrays directly, and decode and
 * dispatch are inline.
 *
 * Invariants: before each wait the receive buffer names only empty slots; capabilities a
 * handler did not take are deleted before the next wait; minted reply copies are deleted
 * right after their reply, so client copies hang off the server's original gate.
 */
#include <pecan/kip.h>
#include <pecan/server.h>

/* The message path (reply-and-wait, decode, dispatch) is one function in the end: every
 * call and frame on it would show in server_call_rt (docs/bench.md). */
#define HOT static inline __attribute__((always_inline))

static void delete_slot(struct server *s, pecan_cap_t slot)
{
    pecan_cnode_delete(s->config.cnode, slot, s->config.cnode_depth);
}

/* The receive buffer names the receive slots. A handler's own calls change it (client
 * stubs name their slots and clear the count afterwards), and so does server_take_cap:
 * it is written again only when it differs. */
HOT void set_receive_buffer(struct server *s)
{
    struct pecan_utcb *utcb = pecan_utcb();
    unsigned count = s->config.receive_slots;
    if (count <= 1 && utcb->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] == count &&
        (count == 0 || utcb->buffer[PECAN_UTCB_BUFFER_CAP_SLOTS] == s->receive[0]) &&
        utcb->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] == 0)
        return;
    utcb->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = s->config.receive_slots;
    for (unsigned i = 0; i < s->config.receive_slots; i++)
        utcb->buffer[PECAN_UTCB_BUFFER_CAP_SLOTS + i] = s->receive[i];
    utcb->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = 0;   /* servers take no mappings */
}

/* Capability item index -> its slot, or 0. Items are counted among capability items only,
 * the way the kernel fills the receive slots. */
static int cap_item_position(const struct server_request *r, unsigned index, unsigned *slot)
{
    unsigned cap_items = 0;
    for (unsigned i = 0; i < r->items; i++) {
        unsigned at = r->words + 2 * i;
        if (at + 1 >= PECAN_UTCB_MESSAGE_WORDS)
            return -PECAN_EINVAL;
        pecan_word_t w0 = r->in[at];
        if ((w0 & PECAN_ITEM_KIND_MASK) != PECAN_ITEM_CAP)
            continue;
        if (cap_items == index) {
            if (w0 >> PECAN_ITEM_RESULT_SHIFT || cap_items >= r->server->config.receive_slots)
                return -PECAN_EINVAL;
            *slot = cap_items;
            return 0;
        }
        cap_items++;
    }
    return -PECAN_ENOENT;
}

pecan_cap_t server_peek_cap(struct server_request *r, unsigned index)
{
    unsigned slot;
    if (cap_item_position(r, index, &slot) || (r->taken & (1u << slot)))
        return 0;
    return r->server->receive[slot];
}

pecan_cap_t server_take_cap(struct server_request *r, unsigned index)
{
    unsigned slot;
    if (cap_item_position(r, index, &slot) || (r->taken & (1u << slot)))
        return 0;
    pecan_cap_t fresh = r->server->config.slot_alloc();
    if (!fresh)
        return 0;
    pecan_cap_t taken = r->server->receive[slot];
    r->server->receive[slot] = fresh;
    r->taken |= 1u << slot;
    return taken;
}

struct server_object *server_received_object(struct server_request *r, unsigned index,
                                             const struct server_type *type, unsigned *rights)
{
    return server_identify_object(r->server, server_peek_cap(r, index), type, rights);
}

static int add_item(struct server_request *r, pecan_word_t w0, pecan_word_t w1)
{
    if (r->reply_items >= SERVER_MAX_REPLY_ITEMS)
        return -PECAN_EMSGTOOLONG;
    r->out_items[2 * r->reply_items] = w0;
    r->out_items[2 * r->reply_items + 1] = w1;
    r->reply_items++;
    return 0;
}

int server_reply_cap(struct server_request *r, pecan_cap_t slot, unsigned rights)
{
    return add_item(r, PECAN_ITEM_CAP | (rights & PECAN_RIGHTS_ALL) << PECAN_ITEM_RIGHTS_SHIFT,
                    slot);
}

/* A slot for a copy lent to the reply: deleted after the reply is sent. 0 or an error. */
static int lend_slot(struct server_request *r, pecan_cap_t *slot)
{
    struct server *s = r->server;
    if (r->lent_count >= SERVER_MAX_LENDS || r->reply_items >= SERVER_MAX_REPLY_ITEMS)
        return -PECAN_EMSGTOOLONG;
    *slot = s->config.slot_alloc();
    return *slot ? 0 : -PECAN_ENOMEM;
}

/* Sends the lent slot's copy (made, err 0) or gives the slot back (err). */
static int reply_lent(struct server_request *r, pecan_cap_t slot, int err, unsigned rights)
{
    if (err) {
        r->server->config.slot_free(slot);
        return err;
    }
    r->lent[r->lent_count++] = slot;
    return server_reply_cap(r, slot, rights);
}

int server_reply_object(struct server_request *r, struct server_object *object,
                        unsigned rights)
{
    struct server *s = r->server;
    pecan_cap_t slot;
    int err = lend_slot(r, &slot);
    if (err)
        return err;
    /* GRANT is needed to send the item; the client's copy gets the rights asked for, never
     * SERVER_RIGHT_FAULTS (only a thread's pager copy carries it). */
    /* Minted by the registry the object is in (another server thread's, for sessions). */
    err = server_mint(object->server ? object->server : s, object, slot,
                      (rights & (PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT)) | PECAN_RIGHT_GRANT);
    return reply_lent(r, slot, err, PECAN_RIGHT_WRITE | (rights & PECAN_RIGHT_GRANT));
}

int server_reply_copy(struct server_request *r, struct server_object *object,
                      unsigned rights)
{
    pecan_cap_t slot;
    int err = lend_slot(r, &slot);
    if (err)
        return err;
    err = server_copy(r->server, object, slot, rights | PECAN_RIGHT_GRANT);
    return reply_lent(r, slot, err, rights);
}

int server_reply_map(struct server_request *r, pecan_word_t base, unsigned order,
                     unsigned rights)
{
    if (order < 12 || order > 31 || (base & ((1u << order) - 1)))
        return -PECAN_EINVAL;
    return add_item(r, PECAN_ITEM_MAP | (rights & 7u) << PECAN_ITEM_RIGHTS_SHIFT |
                           order << PECAN_ITEM_ORDER_SHIFT, base);
}

/* The request's header from the received tag and badge (its words are in r->in
 * already). */
/* The request's header from the received tag and badge (its words are in r->in
 * already). The kernel delivers no more than words + 2 * items <= 63 (docs/abi.md), so
 * the tag's counts need no clamping. */
HOT void start_request(struct pecan_reply received, struct server_request *r)
{
    r->object = 0;
    r->label = pecan_tag_label(received.tag);
    r->badge = received.badge;
    r->rights = server_badge_rights(received.badge);
    r->ipc_status = received.ipc_status;
    r->words = pecan_tag_words(received.tag);
    r->items = pecan_tag_items(received.tag);
    r->reply_words = 0;
    r->reply_items = 0;
    r->lent_count = 0;
    r->taken = 0;
}

HOT server_handler_t find_handler(const struct server_type *type, int label)
{
    /* Most types speak one protocol: the first entry without the loop. */
    if (type->protocol_count && type->protocols[0].label == label)
        return type->protocols[0].handler;
    for (unsigned i = 1; i < type->protocol_count; i++)
        if (type->protocols[i].label == label)
            return type->protocols[i].handler;
    return 0;
}

HOT int decode(struct server *s, struct server_request *r)
{
    if (r->ipc_status != PECAN_IPC_OK && r->ipc_status != PECAN_IPC_ITEM_FAILED)
        return SERVER_NO_REPLY;   /* nothing was received: nobody to answer */
    r->object = server_lookup(s, r->badge);
    if (!r->object)
        return -PECAN_EINVALCAP;
    server_handler_t handler = find_handler(r->object->type, r->label);
    if (!handler)
        return -PECAN_EBADPROTO;
    /* Only the kernel sends through a pager copy: a fault label through any other copy is
     * a client's forgery. */
    if ((r->label == PECAN_LABEL_PAGE_FAULT || r->label == PECAN_LABEL_EXCEPTION) &&
        !(r->rights & SERVER_RIGHT_FAULTS))
        return -PECAN_EPERM;
    return handler(r);
}

static void empty_receive_slots(struct server *s)
{
    for (unsigned i = 0; i < s->config.receive_slots; i++)
        delete_slot(s, s->receive[i]);   /* an empty slot: deleting it is a no-op error */
}

static void return_lent_slots(struct server *s, struct server_request *r)
{
    for (unsigned i = 0; i < r->lent_count; i++) {
        delete_slot(s, r->lent[i]);
        s->config.slot_free(r->lent[i]);
    }
    r->lent_count = 0;
}

/* Handles the request in r (its words in r->in): false if nothing is to be sent, else
 * the reply is in r->out (words, then the items from r->out_items) and r->reply_tag. */
HOT bool handle(struct server *s, struct pecan_reply received, struct server_request *r)
{
    start_request(received, r);
    if (r->label == PECAN_LABEL_NOTIFICATION && r->ipc_status == PECAN_IPC_OK &&
        r->badge == 0 && r->words >= 1 && r->items == 0) {
        /* Woken by the bound notification: no reply capability, nothing to answer. */
        server_no_clients(s, r->in[0]);
        if (!s->unbadged)
            return false;
        /* A client of the unbadged object can send the very same message (badge 0): it
         * gets an error; after a true notification the reply finds no caller and the
         * loop waits again. */
        r->reply_tag = pecan_tag(-PECAN_EBADPROTO, 0, 0);
        return true;
    }
    int label = decode(s, r);
    if (r->items)
        empty_receive_slots(s);
    if (label == SERVER_NO_REPLY)
        return false;
    s->messages++;
    if (label < 0) {
        s->rejected++;
        /* An error reply carries nothing else: drop what the handler prepared. */
        return_lent_slots(s, r);
        r->reply_words = r->reply_items = 0;
    }
    for (unsigned i = 0; i < 2 * r->reply_items; i++)
        r->out[r->reply_words + i] = r->out_items[i];
    r->reply_tag = pecan_tag(label, r->reply_words, r->reply_items);
    return true;
}

bool server_dispatch(struct server *s, struct pecan_reply received, struct pecan_message *msg,
                     struct server_request *r)
{
    unsigned length = pecan_message_length(received.tag);
    for (unsigned i = 0; i < length; i++)
        r->in[i] = msg->word[i];
    r->server = s;
    if (!handle(s, received, r))
        return false;
    msg->tag = r->reply_tag;
    unsigned reply_length = pecan_message_length(r->reply_tag);
    for (unsigned i = 0; i < reply_length; i++)
        msg->word[i] = r->out[i];
    return true;
}

/* The one trap of the loop: sends the reply in r->out with r->reply_tag (REPLY
 * operations) and receives into r->in (RECV operations). Words 0-5 travel in registers
 * straight from and to the request, the rest through the UTCB: no message is copied
 * twice. */
HOT struct pecan_reply trap(struct server_request *r, pecan_word_t operation,
                            pecan_word_t timeout)
{
    operation |= timeout << PECAN_TIMEOUT_SHIFT;
    pecan_tag_t tag = (operation & PECAN_OP_SEND) ? r->reply_tag : 0;
    /* Items (bits 6-11) or more than six words (bits 0-5): the rest through the UTCB,
     * one test for both. */
    if ((tag & 0xFFFu) > PECAN_MSG_REGISTERS) {
        unsigned length = pecan_message_length(tag);
        struct pecan_utcb *utcb = pecan_utcb();
        for (unsigned i = PECAN_MSG_REGISTERS; i < length; i++)
            utcb->message[i] = r->out[i];
    }
    register pecan_word_t r0 __asm__("r0") = 0;
    register pecan_word_t r1 __asm__("r1") = tag;
    register pecan_word_t r2 __asm__("r2") = operation;
    register pecan_word_t r3 __asm__("r3") = r->out[0];
    register pecan_word_t r4 __asm__("r4") = r->out[1];
    register pecan_word_t r5 __asm__("r5") = r->out[2];
    register pecan_word_t r6 __asm__("r6") = r->out[3];
    register pecan_word_t r7 __asm__("r7") = r->out[4];
    register pecan_word_t r8 __asm__("r8") = r->out[5];
    __asm__ volatile("svc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6),
                       "+r"(r7), "+r"(r8)
                     :
                     : "memory");
    r->in[0] = r3;
    r->in[1] = r4;
    r->in[2] = r5;
    r->in[3] = r6;
    r->in[4] = r7;
    r->in[5] = r8;
    if ((r1 & 0xFFFu) > PECAN_MSG_REGISTERS) {
        unsigned length = pecan_message_length(r1);
        struct pecan_utcb *utcb = pecan_utcb();
        for (unsigned i = PECAN_MSG_REGISTERS; i < length; i++)
            r->in[i] = utcb->message[i];
    }
    return (struct pecan_reply){ r0, r1, r2 };
}

static void reply_only(struct server *s, struct server_request *r)
{
    trap(r, PECAN_OP_REPLY | PECAN_OP_SEND, PECAN_TIMEOUT_NEVER);
    return_lent_slots(s, r);
}

static uint64_t clock_ns(void)
{
    return pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
}

/* How long the next wait may last: until the next periodic call, for at most the idle
 * time while background work is pending, else for ever. */
static pecan_word_t timeout_for_work(struct server *s);

HOT pecan_word_t wait_timeout(struct server *s)
{
    if (!s->background_pending && !s->config.periodic)
        return PECAN_TIMEOUT_NEVER;   /* the common case */
    return timeout_for_work(s);
}

static pecan_word_t timeout_for_work(struct server *s)
{
    uint32_t us = s->background_pending ? SERVER_BACKGROUND_IDLE_US : 0xFFFFFFFFu;
    if (s->config.periodic) {
        uint64_t now = clock_ns();
        uint64_t left = s->next_period_ns > now ? (s->next_period_ns - now + 999) / 1000 : 0;
        if (left < us)
            us = (uint32_t)left;
    }
    return us ? pecan_timeout_us(us) : PECAN_TIMEOUT_ZERO;
}

/* The periodic call, if its time has come (the next one is a period after this one). */
static void run_periodic(struct server *s)
{
    uint64_t now = clock_ns();
    if (now < s->next_period_ns)
        return;
    s->next_period_ns = now + (uint64_t)s->config.period_us * 1000u;
    s->config.periodic(s);
}

static void start_periodic(struct server *s)
{
    if (s->config.periodic)
        s->next_period_ns = clock_ns() + (uint64_t)s->config.period_us * 1000u;
}

void server_loop(struct server *s)
{
    struct server_request *r = &s->request;
    bool reply = false;
    start_periodic(s);
    for (;;) {
        set_receive_buffer(s);
        pecan_word_t timeout = wait_timeout(s);
        struct pecan_reply received;
        if (reply && r->lent_count) {
            /* The minted copies must go right after the reply, before we block. */
            reply_only(s, r);
            received = trap(r, PECAN_OP_WAIT, timeout);
        } else {
            received = trap(r, reply ? PECAN_OP_REPLY_WAIT : PECAN_OP_WAIT, timeout);
        }
        if (received.ipc_status == PECAN_IPC_TIMEOUT) {
            reply = false;
            if (s->background_pending)
                s->background_pending = s->config.background();   /* nobody waits: work */
            if (s->config.periodic)
                run_periodic(s);
            continue;
        }
        reply = handle(s, received, r);
        if (!reply)
            return_lent_slots(s, r);
        if (s->background_pending || s->config.periodic) {
            /* The caller gets its answer first; then one step, then the next message. */
            if (reply)
                reply_only(s, r);
            reply = false;
            if (s->background_pending)
                s->background_pending = s->config.background();
            if (s->config.periodic)
                run_periodic(s);
        }
    }
}

int server_serve_one(struct server *s, pecan_word_t timeout)
{
    set_receive_buffer(s);
    struct pecan_reply received = trap(&s->request, PECAN_OP_WAIT, timeout);
    if (received.ipc_status == PECAN_IPC_TIMEOUT)
        return 1;
    if (handle(s, received, &s->request))
        reply_only(s, &s->request);
    return_lent_slots(s, &s->request);
    return 0;
}
