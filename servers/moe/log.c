/* SPDX-License-Identifier: MIT */
/*
 * moe's LOG objects: consoles of the LOG protocol (pecan/protocol/console.h), one per
 * client, with a tag and an ANSI colour.
 *
 * Output (WRITE, object right WRITE): bytes are kept per object until a newline and each
 * line goes to the kernel log in one write with the tag in front, so lines of different
 * clients (and CPUs: moe serves them one at a time) never mix mid-line. A log made with
 * input (FACTORY LOG with PECAN_LOG_INPUT) is an interactive program's terminal instead:
 * its bytes go out at once and as they are, no tag, no colour, so that echo, prompts and
 * line editing (CR, backspace, escape sequences) show as the program meant them.
 *
 * Input: moe binds its own notification to the kernel log (bit LOG_INPUT_BIT) and hands
 * what is typed to the one log object holding the input focus, into that object's buffer
 * (LOG_INPUT_SIZE bytes, the newest dropped when full), signalling the notification its
 * reader bound. Only logs made with input accept READ, BIND and SET_ATTR (without it they
 * answer -PECAN_EPERM, as a console without the READ right does). moe takes bytes from
 * the kernel only while the focused object has room, so typed-ahead bytes wait in the
 * kernel's ring while nobody holds the focus.
 *
 * Focus: the input logs that ever BOUND a notification form a stack; the most recent
 * BIND (with a notification) puts its object on top and the top holds the focus. An
 * object leaves the stack when it goes (its last client copy is gone, e.g. its program
 * ended): the focus returns to the one below, the one that held it before. Unbinding (BIND
 * without an item) leaves an object where it is.
 *
 * Invariants: buffered < LINE_MAX (a full buffer is written out as a line of its own);
 * input_count <= LOG_INPUT_SIZE; an object is on the focus stack only if it has input;
 * notification is 0 or a capability slot of moe's the object owns, bits non-zero with it.
 */
#include <lib/format.h>
#include <lib/string.h>
#include <pecan/print.h>
#include <pecan/log.h>
#include "moe.h"
#include "record.h"

#define TAG_MAX 16
#define LINE_MAX 160
#define LOG_INPUT_SIZE 256u      /* PECAN_CONSOLE_INPUT_MIN */
/* Bytes in one READ reply: what the server framework's reply words hold. */
#define READ_REPLY_MAX ((PECAN_UTCB_MESSAGE_WORDS - 2 * SERVER_MAX_REPLY_ITEMS - 2) * 4)

struct log {
    struct server_object server;
    struct memory_block gate;
    struct moe_owned owned;
    char tag[TAG_MAX + 1];
    unsigned colour;
    bool input_allowed;
    unsigned buffered;
    char line[LINE_MAX];
    /* Input (input_allowed only). */
    pecan_cap_t notification;
    pecan_word_t bits;
    pecan_word_t attributes[3];      /* input, output, local flags */
    bool stacked;                    /* on the focus stack */
    struct log *below, *above;
    unsigned input_first, input_count;
    char input[LOG_INPUT_SIZE];
};

static struct log *focus;            /* the top of the focus stack */

static const struct server_type log_type;

struct server_object *log_object(struct log *l) { return &l->server; }

static void write_line(const char *tag, unsigned colour, const char *text, unsigned length)
{
    char out[LINE_MAX + TAG_MAX + 32];
    size_t n = colour ? format_string(out, sizeof(out), "\033[3%um%s | ", colour, tag)
                      : format_string(out, sizeof(out), "%s | ", tag);
    if (n > TAG_MAX + 16)
        n = TAG_MAX + 16;
    if (length > LINE_MAX)
        length = LINE_MAX;
    memcpy(out + n, text, length);
    n += length;
    if (colour) {
        memcpy(out + n, "\033[0m", 4);
        n += 4;
    }
    out[n++] = '\n';
    pecan_log_write(PECAN_ROOT_LOG, out, (unsigned)n);
}

static void log_append(struct log *l, const char *bytes, unsigned length)
{
    for (unsigned i = 0; i < length; i++) {
        char c = bytes[i];
        if (c == '\n') {
            write_line(l->tag, l->colour, l->line, l->buffered);
            l->buffered = 0;
            continue;
        }
        if (c == '\r')
            continue;
        l->line[l->buffered++] = (c == '\t' || (c >= 0x20 && c < 0x7f) || c == 033) ? c : '?';
        if (l->buffered == LINE_MAX) {
            write_line(l->tag, l->colour, l->line, l->buffered);
            l->buffered = 0;
        }
    }
}

/* ---- input ---- */

static void stack_remove(struct log *l)
{
    if (!l->stacked)
        return;
    if (l->above)
        l->above->below = l->below;
    else
        focus = l->below;
    if (l->below)
        l->below->above = l->above;
    l->above = l->below = 0;
    l->stacked = false;
}

static void stack_push(struct log *l)
{
    stack_remove(l);
    l->below = focus;
    if (focus)
        focus->above = l;
    focus = l;
    l->stacked = true;
}

static void keep_input(struct log *l, const char *bytes, unsigned n)
{
    for (unsigned i = 0; i < n && l->input_count < LOG_INPUT_SIZE; i++) {
        l->input[(l->input_first + l->input_count) % LOG_INPUT_SIZE] = bytes[i];
        l->input_count++;
    }
}

/* Moves what the kernel log holds to the focused object, as far as it has room, and
 * tells its reader. */
static void pull_input(void)
{
    struct log *l = focus;
    if (!l)
        return;
    bool arrived = false;
    while (l->input_count < LOG_INPUT_SIZE) {
        char bytes[PECAN_LOG_READ_MAX];
        unsigned room = LOG_INPUT_SIZE - l->input_count, got = 0;
        if (room > sizeof(bytes))
            room = sizeof(bytes);
        if (pecan_log_read(PECAN_ROOT_LOG, bytes, room, &got, 0) != 0 || got == 0)
            break;
        keep_input(l, bytes, got);
        arrived = true;
    }
    if (arrived && l->notification)
        pecan_notification_signal(l->notification, l->bits);
}

void log_input_start(pecan_cap_t notification)
{
    int err = pecan_log_bind(PECAN_ROOT_LOG, notification, LOG_INPUT_BIT);
    if (err)
        moe_log("console input: the kernel log refused the binding: error %d", err);
}

void log_input_arrived(void)
{
    pull_input();
}

static void drop_notification(struct log *l)
{
    if (!l->notification)
        return;
    pecan_cnode_delete(PECAN_ROOT_CNODE, l->notification, MOE_DEPTH);
    moe_slot_free(l->notification);
    l->notification = 0;
    l->bits = 0;
}

/* ---- objects ---- */

static void destroy_log(struct log *l)
{
    if (l->buffered)   /* the last words of a client that did not end its line */
        write_line(l->tag, l->colour, l->line, l->buffered);
    bool had_focus = l == focus;
    stack_remove(l);
    drop_notification(l);
    moe_disown(&l->owned);
    moe_object_end(&l->server, &l->gate);
    record_free(l);
    if (had_focus)
        pull_input();   /* the focus went back to the one below: it may take bytes now */
}

static void destroy_owned_log(struct moe_owned *owned)
{
    destroy_log((struct log *)((char *)owned - __builtin_offsetof(struct log, owned)));
}

int log_create(struct factory *owner, struct quota *q, const char *tag, unsigned tag_length,
               unsigned colour, bool input, struct log **out)
{
    struct log *l;
    int err = RECORD_NEW(q, &l);
    if (err)
        return err;
    l->colour = colour & 7;
    l->input_allowed = input;
    l->attributes[0] = PECAN_CONSOLE_DEFAULT_INPUT;
    l->attributes[1] = PECAN_CONSOLE_DEFAULT_OUTPUT;
    l->attributes[2] = PECAN_CONSOLE_DEFAULT_LOCAL;
    moe_copy_name(l->tag, sizeof(l->tag), tag, tag_length);
    err = moe_object_start(&l->server, &l->gate, &log_type, q);
    if (err) {
        record_free(l);
        return err;
    }
    moe_own(owner, &l->owned, destroy_owned_log);
    *out = l;
    return 0;
}

/* ---- requests: checked as the protocol orders (length, opcode, right, arguments) ---- */

static int log_write(struct server_request *r, struct log *l)
{
    unsigned length = r->in[1];
    if (length > (r->words - 2) * 4)
        return length > (PECAN_UTCB_MESSAGE_WORDS - 2) * 4 ? -PECAN_ERANGE
                                                           : -PECAN_EMSGTOOSHORT;
    const char *bytes = (const char *)&r->in[2];
    if (l->input_allowed)
        pecan_log_write(PECAN_ROOT_LOG, bytes, length);
    else
        log_append(l, bytes, length);
    return 0;
}

static int log_read(struct server_request *r, struct log *l)
{
    pecan_word_t wanted = r->in[1];
    if (wanted > PECAN_LOG_READ_MAX)
        return -PECAN_ERANGE;
    if (wanted > READ_REPLY_MAX)
        wanted = READ_REPLY_MAX;
    unsigned n = wanted < l->input_count ? (unsigned)wanted : l->input_count;
    r->out[0] = n;
    r->out[1] = l->input_count - n;
    for (unsigned w = 0; w < (n + 3) / 4; w++)
        r->out[2 + w] = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned char c = (unsigned char)l->input[(l->input_first + i) % LOG_INPUT_SIZE];
        r->out[2 + i / 4] |= (pecan_word_t)c << (8 * (i % 4));
    }
    l->input_first = (l->input_first + n) % LOG_INPUT_SIZE;
    l->input_count -= n;
    r->out[1] = l->input_count;
    r->reply_words = (uint16_t)(2 + (n + 3) / 4);
    if (n && l == focus)
        pull_input();   /* room again: what waits in the kernel comes now */
    return 0;
}

/* The notification of item 0 (moved into moe's space): 0 and *slot, or the error. */
static int take_notification(struct server_request *r, pecan_cap_t *slot)
{
    pecan_cap_t taken = server_take_cap(r, 0);
    if (!taken)
        return -PECAN_EINVALCAP;
    struct pecan_cap_identity id;
    int err = pecan_cnode_identify(PECAN_ROOT_CNODE, taken, MOE_DEPTH, &id);
    if (!err && id.type == 0)
        err = -PECAN_EINVALCAP;
    else if (!err && id.type != PECAN_OBJ_NOTIFICATION)
        err = -PECAN_ETYPE;
    else if (!err && !(id.rights & PECAN_RIGHT_WRITE))
        err = -PECAN_EPERM;
    if (err) {
        pecan_cnode_delete(PECAN_ROOT_CNODE, taken, MOE_DEPTH);
        moe_slot_free(taken);
        return err == -PECAN_ETYPE || err == -PECAN_EPERM ? err : -PECAN_EINVALCAP;
    }
    *slot = taken;
    return 0;
}

/* BIND: w1 the bits, item 0 the notification (none: unbind). A w2 (bits for a new size,
 * pecan/protocol/console.h) is accepted and ignored: moe's logs have no screen and never
 * change size. */
static int log_bind(struct server_request *r, struct log *l)
{
    if (r->items == 0) {
        drop_notification(l);
        return 0;
    }
    pecan_word_t bits = r->in[1];
    pecan_cap_t slot;
    int err = take_notification(r, &slot);
    if (err)
        return err;
    if (!bits) {
        pecan_cnode_delete(PECAN_ROOT_CNODE, slot, MOE_DEPTH);
        moe_slot_free(slot);
        return -PECAN_EINVAL;
    }
    drop_notification(l);
    l->notification = slot;
    l->bits = bits;
    stack_push(l);
    pull_input();
    if (l->input_count)   /* bytes kept from before: the reader learns of them at once */
        pecan_notification_signal(l->notification, l->bits);
    return 0;
}

static int log_get_attributes(struct server_request *r, struct log *l)
{
    r->out[0] = l->attributes[0];
    r->out[1] = l->attributes[1];
    r->out[2] = l->attributes[2];
    r->reply_words = 3;
    return 0;
}

static int log_set_attributes(struct server_request *r, struct log *l)
{
    l->attributes[0] = r->in[1] & PECAN_CONSOLE_INPUT_FLAGS;
    l->attributes[1] = r->in[2] & PECAN_CONSOLE_OUTPUT_FLAGS;
    l->attributes[2] = r->in[3] & PECAN_CONSOLE_LOCAL_FLAGS;
    return 0;
}

static int log_window_size(struct server_request *r, struct log *l)
{
    (void)l;
    r->out[0] = 0;
    r->out[1] = 0;
    r->reply_words = 2;
    return 0;
}

struct log_operation {
    pecan_word_t opcode;
    unsigned words;            /* the message's least length */
    bool reads;                /* needs the READ right: an object with input */
    int (*handle)(struct server_request *r, struct log *l);
};

static const struct log_operation operations[] = {
    { PECAN_LOG_WRITE, 2, false, log_write },
    { PECAN_LOG_READ, 2, true, log_read },
    { PECAN_LOG_BIND, 2, true, log_bind },
    { PECAN_LOG_GET_ATTR, 1, false, log_get_attributes },
    { PECAN_LOG_SET_ATTR, 4, true, log_set_attributes },
    { PECAN_LOG_WINDOW_SIZE, 1, false, log_window_size },
};

/* Every client copy carries the object right READ (pecan/server.h), so a log's READ
 * right is whether it was made with input. */
static bool has_right(const struct server_request *r, const struct log *l,
                      const struct log_operation *op)
{
    if (op->opcode == PECAN_LOG_WRITE)
        return (r->rights & PECAN_RIGHT_WRITE) != 0;
    if (op->reads)
        return l->input_allowed && (r->rights & PECAN_RIGHT_READ);
    return true;
}

static int log_request(struct server_request *r)
{
    int err = server_need_words(r, 1);
    if (err)
        return err;
    struct log *l = (struct log *)r->object;
    for (unsigned i = 0; i < sizeof(operations) / sizeof(operations[0]); i++) {
        const struct log_operation *op = &operations[i];
        if (op->opcode != r->in[0])
            continue;
        if ((err = server_need_words(r, op->words)) != 0)
            return err;
        if (!has_right(r, l, op))
            return -PECAN_EPERM;
        return op->handle(r, l);
    }
    return -PECAN_ENOSYS;
}

static void log_no_clients(struct server_object *object)
{
    destroy_log((struct log *)object);
}

void moe_log(const char *fmt, ...)
{
    char text[LINE_MAX];
    va_list args;
    va_start(args, fmt);
    size_t n = format_string_va(text, sizeof(text), fmt, args);
    va_end(args);
    if (n >= sizeof(text))
        n = sizeof(text) - 1;
    write_line("moe", 0, text, (unsigned)n);
}

static const struct server_protocol log_protocols[] = {
    { PECAN_PROTO_LOG, log_request },
};
static const struct server_type log_type = {
    .name = "log", .protocols = log_protocols, .protocol_count = 1,
    .no_clients = log_no_clients,
};
