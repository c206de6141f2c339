/* SPDX-License-Identifier: MIT */
/*
 * The LOG protocol of term's sessions (console.h; the model in pecan/protocol/console.h).
 * Every word is checked, in the contract's order, before anything changes. WINDOW_SIZE
 * asks term (the hooks) at each call: it changes when the window is resized, and then
 * the readers that gave BIND a w2 are signalled with those bits.
 */
#include <pecan/protocol/console.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include "console.h"

_Static_assert(TERM_INPUT_SIZE >= PECAN_CONSOLE_INPUT_MIN, "the contract's least input buffer");

static const struct term_console_hooks *hooks;
static struct term_console_session *sessions;

static uint8_t input[TERM_INPUT_SIZE];
static uint32_t input_head, input_count, input_dropped;
static pecan_word_t attributes[3] = {
    PECAN_CONSOLE_DEFAULT_INPUT, PECAN_CONSOLE_DEFAULT_OUTPUT, PECAN_CONSOLE_DEFAULT_LOCAL,
};
static const pecan_word_t attribute_masks[3] = {
    PECAN_CONSOLE_INPUT_FLAGS, PECAN_CONSOLE_OUTPUT_FLAGS, PECAN_CONSOLE_LOCAL_FLAGS,
};

void term_console_init(const struct term_console_hooks *h)
{
    hooks = h;
}

uint32_t term_console_waiting(void)
{
    return input_count;
}

uint32_t term_console_dropped(void)
{
    return input_dropped;
}

static void signal_readers(void)
{
    for (struct term_console_session *s = sessions; s; s = s->next_session)
        if (s->notification)
            pecan_notification_signal(s->notification, s->bits);
}

void term_console_input(const char *bytes, size_t length)
{
    size_t taken = 0;
    for (; taken < length && input_count < TERM_INPUT_SIZE; taken++, input_count++)
        input[(input_head + input_count) % TERM_INPUT_SIZE] = (uint8_t)bytes[taken];
    input_dropped += (uint32_t)(length - taken);
    if (taken)
        signal_readers();
}

void term_console_resized(void)
{
    for (struct term_console_session *s = sessions; s; s = s->next_session)
        if (s->notification && s->resize_bits)
            pecan_notification_signal(s->notification, s->resize_bits);
}

static void unbind(struct term_console_session *s)
{
    if (s->notification)
        pecan_cap_release(s->notification);
    s->notification = 0;
    s->bits = 0;
    s->resize_bits = 0;
}

void term_console_attach(struct term_console_session *s)
{
    s->notification = 0;
    s->bits = 0;
    s->resize_bits = 0;
    s->next_session = sessions;
    sessions = s;
}

void term_console_detach(struct term_console_session *s)
{
    for (struct term_console_session **link = &sessions; *link; link = &(*link)->next_session)
        if (*link == s) {
            *link = s->next_session;
            break;
        }
    unbind(s);
}

static int write_bytes(struct server_request *r)
{
    if (!(r->rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    pecan_word_t length = r->in[1];
    if (length > (pecan_word_t)(r->words - 2) * 4)
        return length > PECAN_LOG_READ_MAX ? -PECAN_ERANGE : -PECAN_EMSGTOOSHORT;
    if (hooks && hooks->write)
        hooks->write((const char *)&r->in[2], length);
    return 0;
}

static int read_bytes(struct server_request *r)
{
    pecan_word_t most = r->in[1];
    if (most > PECAN_LOG_READ_MAX)
        return -PECAN_ERANGE;
    uint32_t n = input_count < most ? input_count : (uint32_t)most;
    uint8_t *out = (uint8_t *)&r->out[2];
    for (uint32_t i = 0; i < n; i++)
        out[i] = input[(input_head + i) % TERM_INPUT_SIZE];
    for (uint32_t i = n; i % 4; i++)
        out[i] = 0;   /* the last word's spare bytes carry nothing of ours */
    input_head = (input_head + n) % TERM_INPUT_SIZE;
    input_count -= n;
    r->out[0] = n;
    r->out[1] = input_count;
    r->reply_words = (uint16_t)(2 + (n + 3) / 4);
    return 0;
}

/* BIND's item, checked in the contract's order: a capability, a notification, with WRITE;
 * then bits that are not 0. The optional w2 (resize bits) may be anything: 0 asks for
 * nothing. */
static int bind(struct server_request *r, struct term_console_session *s)
{
    pecan_word_t bits = r->in[1], resize_bits = r->words >= 3 ? r->in[2] : 0;
    pecan_cap_t notification = 0;
    if (r->items) {
        struct pecan_cap_identity id;
        pecan_cap_t slot = server_peek_cap(r, 0);
        if (!slot || pecan_cnode_identify(r->server->config.cnode, slot,
                                          r->server->config.cnode_depth, &id))
            return -PECAN_EINVALCAP;
        if (id.type != PECAN_OBJ_NOTIFICATION)
            return -PECAN_ETYPE;
        if (!(id.rights & PECAN_RIGHT_WRITE))
            return -PECAN_EPERM;
        if (!bits)
            return -PECAN_EINVAL;
        if (!(notification = server_take_cap(r, 0)))
            return -PECAN_ENOMEM;
    }
    unbind(s);
    s->notification = notification;
    s->bits = notification ? bits : 0;
    s->resize_bits = notification ? resize_bits : 0;
    /* A reader that binds after bytes came learns of them at once. */
    if (notification && input_count)
        pecan_notification_signal(notification, bits);
    return 0;
}

static int set_attributes(struct server_request *r)
{
    for (unsigned i = 0; i < 3; i++)
        attributes[i] = r->in[1 + i] & attribute_masks[i];
    return 0;
}

static int get_attributes(struct server_request *r)
{
    for (unsigned i = 0; i < 3; i++)
        r->out[i] = attributes[i];
    r->reply_words = 3;
    return 0;
}

static int window_size(struct server_request *r)
{
    uint32_t rows = 0, columns = 0;
    if (hooks && hooks->window_size)
        hooks->window_size(&rows, &columns);
    r->out[0] = rows;
    r->out[1] = columns;
    r->reply_words = 2;
    return 0;
}

/* Words each operation needs, opcode included; 0: not an operation of ours. */
static unsigned words_needed(pecan_word_t op)
{
    switch (op) {
    case PECAN_LOG_WRITE: case PECAN_LOG_READ: case PECAN_LOG_BIND: return 2;
    case PECAN_LOG_GET_ATTR: case PECAN_LOG_WINDOW_SIZE: return 1;
    case PECAN_LOG_SET_ATTR: return 4;
    default: return 0;
    }
}

int term_console_request(struct server_request *r, struct term_console_session *s)
{
    int err = server_need_words(r, 1);
    if (err)
        return err;
    pecan_word_t op = r->in[0];
    unsigned needed = words_needed(op);
    if (!needed)
        return -PECAN_ENOSYS;
    if ((err = server_need_words(r, needed)) != 0)
        return err;
    bool reader_only = op == PECAN_LOG_READ || op == PECAN_LOG_BIND || op == PECAN_LOG_SET_ATTR;
    if (reader_only && !(r->rights & PECAN_RIGHT_READ))
        return -PECAN_EPERM;
    switch (op) {
    case PECAN_LOG_WRITE: return write_bytes(r);
    case PECAN_LOG_READ: return read_bytes(r);
    case PECAN_LOG_BIND: return bind(r, s);
    case PECAN_LOG_GET_ATTR: return get_attributes(r);
    case PECAN_LOG_SET_ATTR: return set_attributes(r);
    default: return window_size(r);
    }
}
