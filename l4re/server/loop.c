/* SPDX-License-Identifier: MIT */
/*
 * The server loop (pecan/server.h): reply and wait in one trap, dispatch by badge and
 * then by protocol, build replies of words and items. Whatever cannot be decoded (no
 * object under the badge, a protocol the object does not speak, a failed item) is
 * answered with an error and never reaches a handler.
 *
 * Invariants: before each wait the receive buffer names only empty slots; capabilities a
 * handler did not take are deleted before the next wait; minted reply copies are deleted
 * right after their reply, so client copies hang off the server's original gate.
 */
#include <pecan/kip.h>
#include <pecan/server.h>

static void delete_slot(struct server *s, pecan_cap_t slot)
{
    pecan_cnode_delete(s->config.cnode, slot, s->config.cnode_depth);
}

static void set_receive_buffer(struct server *s)
{
    struct pecan_utcb *utcb = pecan_utcb();
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
    if (cap_item_position(r, index, &slot) || r->taken[slot])
        return 0;
    return r->server->receive[slot];
}

pecan_cap_t server_take_cap(struct server_request *r, unsigned index)
{
    unsigned slot;
    if (cap_item_position(r, index, &slot) || r->taken[slot])
        return 0;
    pecan_cap_t fresh = r->server->config.slot_alloc();
    if (!fresh)
        return 0;
    pecan_cap_t taken = r->server->receive[slot];
    r->server->receive[slot] = fresh;
    r->taken[slot] = true;
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

int server_reply_object(struct server_request *r, struct server_object *object,
                        unsigned rights)
{
    struct server *s = r->server;
    if (r->lent_count >= SERVER_MAX_LENDS || r->reply_items >= SERVER_MAX_REPLY_ITEMS)
        return -PECAN_EMSGTOOLONG;
    pecan_cap_t slot = s->config.slot_alloc();
    if (!slot)
        return -PECAN_ENOMEM;
    /* GRANT is needed to send the item; the client's copy gets the rights asked for, never
     * SERVER_RIGHT_FAULTS (only a thread's pager copy carries it). */
    /* Minted by the registry the object is in (another server thread's, for sessions). */
    int err = server_mint(object->server ? object->server : s, object, slot,
                          (rights & (PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT)) | PECAN_RIGHT_GRANT);
    if (err) {
        s->config.slot_free(slot);
        return err;
    }
    r->lent[r->lent_count++] = slot;
    return server_reply_cap(r, slot, PECAN_RIGHT_WRITE | (rights & PECAN_RIGHT_GRANT));
}

int server_reply_copy(struct server_request *r, struct server_object *object,
                      unsigned rights)
{
    struct server *s = r->server;
    if (r->lent_count >= SERVER_MAX_LENDS || r->reply_items >= SERVER_MAX_REPLY_ITEMS)
        return -PECAN_EMSGTOOLONG;
    pecan_cap_t slot = s->config.slot_alloc();
    if (!slot)
        return -PECAN_ENOMEM;
    int err = server_copy(s, object, slot, rights | PECAN_RIGHT_GRANT);
    if (err) {
        s->config.slot_free(slot);
        return err;
    }
    r->lent[r->lent_count++] = slot;
    return server_reply_cap(r, slot, rights);
}

int server_reply_map(struct server_request *r, pecan_word_t base, unsigned order,
                     unsigned rights)
{
    if (order < 12 || order > 31 || (base & ((1u << order) - 1)))
        return -PECAN_EINVAL;
    return add_item(r, PECAN_ITEM_MAP | (rights & 7u) << PECAN_ITEM_RIGHTS_SHIFT |
                           order << PECAN_ITEM_ORDER_SHIFT, base);
}

static void start_request(struct server *s, struct pecan_reply received,
                          const struct pecan_message *msg, struct server_request *r)
{
    r->server = s;
    r->object = 0;
    r->label = pecan_tag_label(received.tag);
    r->badge = received.badge;
    r->rights = server_badge_rights(received.badge);
    r->ipc_status = received.ipc_status;
    r->words = pecan_tag_words(received.tag);
    r->items = pecan_tag_items(received.tag);
    unsigned length = pecan_message_length(received.tag);
    if (r->words > length)
        r->words = length;
    if (r->words + 2 * r->items > length)
        r->items = (length - r->words) / 2;
    for (unsigned i = 0; i < length; i++)
        r->in[i] = msg->word[i];
    r->reply_words = 0;
    r->reply_items = 0;
    r->lent_count = 0;
    for (unsigned i = 0; i < SERVER_MAX_RECEIVE; i++)
        r->taken[i] = false;
}

static server_handler_t find_handler(const struct server_type *type, int label)
{
    for (unsigned i = 0; i < type->protocol_count; i++)
        if (type->protocols[i].label == label)
            return type->protocols[i].handler;
    return 0;
}

static int decode(struct server *s, struct server_request *r)
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

static void empty_receive_slots(struct server *s, struct server_request *r)
{
    for (unsigned i = 0; i < s->config.receive_slots; i++)
        delete_slot(s, s->receive[i]);   /* an empty slot: deleting it is a no-op error */
    (void)r;
}

bool server_dispatch(struct server *s, struct pecan_reply received, struct pecan_message *msg,
                     struct server_request *r)
{
    start_request(s, received, msg, r);
    if (r->label == PECAN_LABEL_NOTIFICATION && r->ipc_status == PECAN_IPC_OK &&
        r->badge == 0 && r->words >= 1 && pecan_tag_items(received.tag) == 0) {
        /* Woken by the bound notification: no reply capability, nothing to answer. */
        server_no_clients(s, r->in[0]);
        return false;
    }
    int label = decode(s, r);
    if (r->items)
        empty_receive_slots(s, r);
    if (label == SERVER_NO_REPLY)
        return false;
    s->messages++;
    if (label < 0) {
        s->rejected++;
        /* An error reply carries nothing else: drop what the handler prepared. */
        for (unsigned i = 0; i < r->lent_count; i++) {
            delete_slot(s, r->lent[i]);
            s->config.slot_free(r->lent[i]);
        }
        r->lent_count = 0;
        msg->tag = pecan_tag(label, 0, 0);
        return true;
    }
    for (unsigned i = 0; i < r->reply_words; i++)
        msg->word[i] = r->out[i];
    for (unsigned i = 0; i < 2 * r->reply_items; i++)
        msg->word[r->reply_words + i] = r->out_items[i];
    msg->tag = pecan_tag(label, r->reply_words, r->reply_items);
    return true;
}

static void return_lent_slots(struct server *s, struct server_request *r)
{
    for (unsigned i = 0; i < r->lent_count; i++) {
        delete_slot(s, r->lent[i]);
        s->config.slot_free(r->lent[i]);
    }
    r->lent_count = 0;
}

static uint64_t clock_ns(void)
{
    return pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
}

/* How long the next wait may last: until the next periodic call, for at most the idle
 * time while background work is pending, else for ever. */
static pecan_word_t wait_timeout(struct server *s)
{
    if (!s->background_pending && !s->config.periodic)
        return PECAN_TIMEOUT_NEVER;   /* the common case: one test */
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
    struct server_request *request = &s->request;
    struct pecan_message msg;
    bool reply = false;
    start_periodic(s);
    for (;;) {
        set_receive_buffer(s);
        pecan_word_t timeout = wait_timeout(s);
        struct pecan_reply received;
        if (reply && request->lent_count) {
            /* The minted copies must go right after the reply, before we block. */
            pecan_ipc_reply(&msg);
            return_lent_slots(s, request);
            received = pecan_ipc_wait(&msg, timeout);
        } else if (reply) {
            received = pecan_ipc_reply_wait(&msg, timeout);
        } else {
            received = pecan_ipc_wait(&msg, timeout);
        }
        if (received.ipc_status == PECAN_IPC_TIMEOUT) {
            reply = false;
            if (s->background_pending)
                s->background_pending = s->config.background();   /* nobody waits: work */
            if (s->config.periodic)
                run_periodic(s);
            continue;
        }
        reply = server_dispatch(s, received, &msg, request);
        if (!reply)
            return_lent_slots(s, request);
        if (s->background_pending || s->config.periodic) {
            /* The caller gets its answer first; then one step, then the next message. */
            if (reply) {
                pecan_ipc_reply(&msg);
                return_lent_slots(s, request);
                reply = false;
            }
            if (s->background_pending)
                s->background_pending = s->config.background();
            if (s->config.periodic)
                run_periodic(s);
        }
    }
}

int server_serve_one(struct server *s, pecan_word_t timeout)
{
    struct pecan_message msg;
    set_receive_buffer(s);
    struct pecan_reply received = pecan_ipc_wait(&msg, timeout);
    if (received.ipc_status == PECAN_IPC_TIMEOUT)
        return 1;
    if (server_dispatch(s, received, &msg, &s->request))
        pecan_ipc_reply(&msg);
    return_lent_slots(s, &s->request);
    return 0;
}
