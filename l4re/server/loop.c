/* SPDX-License-Identifier: MIT */
/*
 * The server loop (pecan/server.h): reply and wait in one trap, dispatch by badge and
 * then by protocol, build replies of words and items, periodic and deferred work between
 * messages. Whatever cannot be decoded (no object under the badge, a protocol the object
 * does not speak, a failed item) is answered with an error and never reaches a handler.
 *
 * The message path is kept short (docs/bench.md, server_call_rt): the common message
 * (words only, through a minted copy, for its object's first protocol, answered with
 * words only while no work waits between messages) is decoded in one pass and answered
 * with the next wait in one trap, which moves the words between the registers and the
 * request's in/out arrays with one block transfer each way. Everything else takes the
 * general path, which decodes the same and more.
 *
 * Invariants: before each wait the receive buffer names only empty slots; capabilities a
 * handler did not take are deleted before the next wait; minted reply copies are deleted
 * right after their reply, so client copies hang off the server's original gate; between
 * messages the request's items, reply_items, lent_count and taken are 0.
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
            if (w0 >> PECAN_ITEM_RESULT_SHIFT || cap_items >= r->server->receive.count)
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
    return r->server->receive.slots[slot];
}

pecan_cap_t server_take_cap(struct server_request *r, unsigned index)
{
    unsigned slot;
    if (cap_item_position(r, index, &slot) || (r->taken & (1u << slot)))
        return 0;
    pecan_cap_t fresh = r->server->config.slot_alloc();
    if (!fresh)
        return 0;
    pecan_cap_t taken = r->server->receive.slots[slot];
    r->server->receive.slots[slot] = fresh;
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
 * already). The kernel delivers no more than words + 2 * items <= 63 (docs/abi.md), so
 * the tag's counts need no clamping. The items and the rest of the reply state are 0
 * already (handle_general sets items when there are any). */
HOT void start_request(struct pecan_reply received, struct server_object *object,
                       unsigned rights, struct server_request *r)
{
    r->object = object;
    r->rights = rights;
    r->words = pecan_tag_words(received.tag);
    r->reply_size = 0;   /* reply_words; reply_items is 0 already */
}

static server_handler_t find_handler(const struct server_type *type, int label)
{
    for (unsigned i = 0; i < type->protocol_count; i++)
        if (type->protocols[i].label == label)
            return type->protocols[i].handler;
    return 0;
}

/* The reply label for a message that is not the notification: the handler's, or an
 * error for what cannot be decoded. */
static int decode(struct server *s, struct pecan_reply received, struct server_request *r)
{
    int label = pecan_tag_label(received.tag);
    if (received.ipc_status != PECAN_IPC_OK && received.ipc_status != PECAN_IPC_ITEM_FAILED)
        return SERVER_NO_REPLY;   /* nothing was received: nobody to answer */
    r->object = server_lookup(s, received.badge);
    if (!r->object)
        return -PECAN_EINVALCAP;
    server_handler_t handler = find_handler(r->object->type, label);
    if (!handler)
        return -PECAN_EBADPROTO;
    /* Only the kernel sends through a pager copy: a fault label through any other copy is
     * a client's forgery. */
    if (server_is_fault_label(label) && !(r->rights & SERVER_RIGHT_FAULTS))
        return -PECAN_EPERM;
    return handler(r);
}

static void empty_receive_slots(struct server *s)
{
    for (unsigned i = 0; i < s->receive.count; i++)
        delete_slot(s, s->receive.slots[i]);   /* an empty one: deleting is a no-op error */
}

static void reply_only(struct server *s, struct server_request *r, pecan_tag_t tag);

/* What the handling of a message returns when nothing is to be sent with the next wait:
 * not a tag of any message (63 items). */
#define NOTHING_TO_SEND 0xFFFFFFFFu

static void return_lent_slots(struct server *s, struct server_request *r)
{
    for (unsigned i = 0; i < r->lent_count; i++) {
        delete_slot(s, r->lent[i]);
        s->config.slot_free(r->lent[i]);
    }
    r->lent_count = 0;
}

/* The reply to a request its handler (or the decoder) answered with label: its tag, its
 * words and items in r->out, to be sent with the next wait; or NOTHING_TO_SEND if there
 * is nothing to send, or it went alone already because it lends copies (they are deleted
 * right after it, before the server blocks). */
static pecan_tag_t finish(struct server *s, struct server_request *r, int label)
{
    if (label == SERVER_NO_REPLY || label < 0) {
        /* Nothing, or an error, which carries nothing else: drop what the handler
         * prepared. */
        return_lent_slots(s, r);
        r->reply_words = r->reply_items = 0;
        if (label == SERVER_NO_REPLY)
            return NOTHING_TO_SEND;
        s->rejected++;
    }
    s->messages++;
    for (unsigned i = 0; i < 2 * r->reply_items; i++)
        r->out[r->reply_words + i] = r->out_items[i];
    pecan_tag_t tag = pecan_tag(label, r->reply_words, r->reply_items);
    r->reply_items = 0;
    if (!r->lent_count)
        return tag;
    reply_only(s, r, tag);
    return NOTHING_TO_SEND;
}

/* The words of the message beyond the six the trap received in registers: still in the
 * UTCB, nothing having been called since. */
static void receive_rest(struct server_request *r, pecan_tag_t tag)
{
    unsigned length = pecan_message_length(tag);
    const struct pecan_utcb *utcb = pecan_utcb();
    for (unsigned i = PECAN_MSG_REGISTERS; i < length; i++)
        r->in[i] = utcb->message[i];
}

/* Woken by the bound notification (no reply capability, nothing to answer): the
 * server's own signals (config.notify_bits), then the no-clients hooks of the objects of
 * its bits. */
static bool is_notification(struct pecan_reply received, const struct server_request *r)
{
    return pecan_tag_label(received.tag) == PECAN_LABEL_NOTIFICATION &&
           received.ipc_status == PECAN_IPC_OK && received.badge == 0 && r->words >= 1 &&
           r->items == 0;
}

static pecan_tag_t answer_notification(struct server *s, struct server_request *r)
{
    pecan_word_t own = r->in[0] & s->config.notify_bits;
    if (own && s->config.notified)
        s->config.notified(s, own);
    server_no_clients(s, r->in[0]);
    if (!s->unbadged)
        return NOTHING_TO_SEND;
    /* A client of the unbadged object can send the very same message (badge 0): it gets
     * an error; after a true notification the reply finds no caller and the loop waits
     * again. */
    return pecan_tag(-PECAN_EBADPROTO, 0, 0);
}

/* handle() for every message but the common one: the notification, badge 0, items, more
 * than six words, a failed receive, what cannot be decoded. It leaves the request's
 * items 0 again (server_request's invariant), its receive slots empty. */
static pecan_tag_t handle_general(struct server *s, struct pecan_reply received,
                                  struct server_request *r)
{
    receive_rest(r, received.tag);
    start_request(received, 0, server_badge_rights(received.badge), r);
    r->items = pecan_tag_items(received.tag);
    pecan_tag_t tag = is_notification(received, r) ? answer_notification(s, r)
                                                   : finish(s, r, decode(s, received, r));
    if (r->items) {
        empty_receive_slots(s);
        r->items = 0;
        r->taken = 0;
    }
    return tag;
}

/* The tag's message has items or more than six words: bits 0-11 above 6, tested as
 * bits 20-31 (a shift and a compare). */
static inline bool beyond_registers(pecan_tag_t tag)
{
    return tag << 20 > (pecan_tag_t)PECAN_MSG_REGISTERS << 20;
}

/* A common message: received whole (status OK) in the registers (six words at most, no
 * items), through a minted copy whose badge names a registered object, for the protocol
 * the object's common path takes (server.h: never a fault label); *object is set. These
 * are the general path's checks in an order the common message passes at once; any other
 * meets them again there. */
HOT bool is_common(struct server *s, struct pecan_reply received,
                   struct server_object **object)
{
    if (received.ipc_status != PECAN_IPC_OK || beyond_registers(received.tag))
        return false;
    uintptr_t entry = server_entry(s, received.badge);
    if (entry & 1u)
        return false;
    *object = (struct server_object *)entry;
    return (*object)->common_label == pecan_tag_label(received.tag);
}

/* Calls the handler of a common message (is_common) with the request's header set. */
HOT int dispatch_common(struct pecan_reply received, struct server_object *object,
                        struct server_request *r)
{
    start_request(received, object, server_minted_rights(received.badge), r);
    return object->common_handler(r);
}

/* Handles the request whose first six words are in r->in: the reply's tag (its words in
 * r->out), or NOTHING_TO_SEND. */
static pecan_tag_t handle(struct server *s, struct pecan_reply received,
                          struct server_request *r)
{
    struct server_object *object;
    if (!is_common(s, received, &object))
        return handle_general(s, received, r);
    return finish(s, r, dispatch_common(received, object, r));
}

/* The one trap of the loop: sends the reply in r->out with tag (operations with SEND) and
 * receives into r->in (with RECV). Words 0-5 go between the registers and the request
 * with one block transfer each way; the rest of a reply goes through the UTCB, the rest
 * of a request stays there for handle_general: no message is copied twice. Before a
 * wait the receive buffer is written whole: a handler's own calls change it (client
 * stubs name their slots and clear the count afterwards), and a block copy costs less
 * than checking it. */
HOT struct pecan_reply trap(struct server *s, struct server_request *r,
                            struct pecan_utcb *utcb, pecan_word_t operation,
                            pecan_word_t timeout, pecan_tag_t tag)
{
    if (!(operation & PECAN_OP_SEND))
        tag = 0;
    if (operation & PECAN_OP_RECV) {
        /* The slots, and no map window: servers take no mappings. */
        _Static_assert(sizeof(s->receive) == 5 * sizeof(pecan_word_t), "r4-r8");
        __asm__ volatile("ldm %[from], {r4-r8}\n\t"
                         "stm %[to], {r4-r8}\n\t"
                         "mov r4, #0\n\t"
                         "str r4, %[window]"
                         : [window] "=m"(utcb->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW]),
                           "=m"(*(struct server_receive *)&utcb->buffer[0])
                         : [from] "r"(&s->receive),
                           [to] "r"(&utcb->buffer[PECAN_UTCB_BUFFER_CAP_COUNT]),
                           "m"(s->receive)
                         : "r4", "r5", "r6", "r7", "r8");
    }
    if (beyond_registers(tag)) {
        unsigned length = pecan_message_length(tag);
        for (unsigned i = PECAN_MSG_REGISTERS; i < length; i++)
            utcb->message[i] = r->out[i];
    }
    register pecan_word_t r0 __asm__("r0") = 0;
    register pecan_word_t r1 __asm__("r1") = tag;
    register pecan_word_t r2 __asm__("r2") = operation | timeout << PECAN_TIMEOUT_SHIFT;
    __asm__ volatile("ldm %[out], {r3-r8}\n\t"
                     "svc #0\n\t"
                     "stm %[in], {r3-r8}"
                     : "+r"(r0), "+r"(r1), "+r"(r2)
                     : [out] "r"(r->out), [in] "r"(r->in)
                     : "r3", "r4", "r5", "r6", "r7", "r8", "memory");
    return (struct pecan_reply){ r0, r1, r2 };
}

/* Sends the reply alone, then deletes the copies it lent. */
static void reply_only(struct server *s, struct server_request *r, pecan_tag_t tag)
{
    trap(s, r, pecan_utcb(), PECAN_OP_REPLY | PECAN_OP_SEND, PECAN_TIMEOUT_NEVER, tag);
    return_lent_slots(s, r);
}

static uint64_t clock_ns(void)
{
    return pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
}

/* How long a wait may last: until the next periodic call, for at most the idle time
 * while background work is pending, else for ever. */
static pecan_word_t wait_timeout(struct server *s)
{
    if (!s->background_pending && !s->config.periodic)
        return PECAN_TIMEOUT_NEVER;
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

/* The work between messages: one step of the deferred work, the periodic call if due. */
static void run_work(struct server *s)
{
    if (s->background_pending)
        s->background_pending = s->config.background();
    if (s->config.periodic)
        run_periodic(s);
}

/* Waits for the next message, doing the work between messages whenever the wait's time
 * runs out. */
static struct pecan_reply wait_message(struct server *s, struct server_request *r)
{
    for (;;) {
        struct pecan_reply received =
            trap(s, r, pecan_utcb(), PECAN_OP_WAIT, wait_timeout(s), 0);
        if (received.ipc_status != PECAN_IPC_TIMEOUT)
            return received;
        run_work(s);
    }
}

/* The next message after one that is not answered with the next wait in one trap: the
 * reply (if any) goes alone, so the caller gets its answer before the work between
 * messages; then one step of work, then the wait. */
static struct pecan_reply next_message(struct server *s, struct server_request *r,
                                       pecan_tag_t tag)
{
    if (tag != NOTHING_TO_SEND)
        reply_only(s, r, tag);
    run_work(s);
    return wait_message(s, r);
}

/* The reply can go with the next wait, in one trap: nothing is to be done between this
 * message and the next. A plain server (no periodic or deferred work configured) need not
 * look. */
HOT bool fuse_reply(const struct server *s, bool plain)
{
    return plain || (!s->config.periodic && !s->background_pending);
}

/* The loop, for a plain server or any other (a constant: two loops). The common message
 * answered with words in the registers alone (label 0, no items) takes the shortest way:
 * its reply needs no tag built and nothing through the UTCB. */
HOT __attribute__((noreturn)) void serve(struct server *s, bool plain)
{
    struct server_request *r = &s->request;
    /* Read once (volatile): the compiler would read it again before every wait rather
     * than keep it. */
    struct pecan_utcb *utcb;
    __asm__ volatile("mrc p15, 0, %0, c13, c0, 3" : "=r"(utcb));
    struct pecan_reply received = wait_message(s, r);
    for (;;) {
        struct server_object *object;
        pecan_tag_t tag;
        if (is_common(s, received, &object)) {
            int label = dispatch_common(received, object, r);
            uint32_t size = r->reply_size;
            if (label == 0 && size <= PECAN_MSG_REGISTERS && fuse_reply(s, plain)) {
                s->messages++;
                /* Label 0, no items: the tag is the number of words. */
                received = trap(s, r, utcb, PECAN_OP_REPLY_WAIT, PECAN_TIMEOUT_NEVER, size);
                continue;
            }
            tag = finish(s, r, label);
        } else {
            tag = handle_general(s, received, r);
        }
        if (tag != NOTHING_TO_SEND && fuse_reply(s, plain))
            received = trap(s, r, utcb, PECAN_OP_REPLY_WAIT, PECAN_TIMEOUT_NEVER, tag);
        else
            received = next_message(s, r, tag);
    }
}

void server_loop(struct server *s)
{
    start_periodic(s);
    if (s->config.periodic || s->config.background)
        serve(s, false);
    serve(s, true);
}

int server_serve_one(struct server *s, pecan_word_t timeout)
{
    struct pecan_reply received =
        trap(s, &s->request, pecan_utcb(), PECAN_OP_WAIT, timeout, 0);
    if (received.ipc_status == PECAN_IPC_TIMEOUT)
        return 1;
    pecan_tag_t tag = handle(s, received, &s->request);
    if (tag != NOTHING_TO_SEND)
        reply_only(s, &s->request, tag);
    return 0;
}
