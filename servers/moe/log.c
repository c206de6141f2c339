/* SPDX-License-Identifier: MIT */
/*
 * moe's LOG objects: the kernel log's LOG protocol (WRITE: w1 byte count, the bytes
 * packed from w2; needs the object right WRITE), one object per client with a tag and an
 * ANSI colour. Bytes are kept
 * per object until a newline and each line goes to the console in one write, so lines of
 * different clients (and CPUs: moe serves them one at a time) never mix mid-line.
 *
 * Invariant: buffered < LINE_MAX; a full buffer is written out as a line of its own.
 */
#include <lib/format.h>
#include <lib/string.h>
#include <pecan/print.h>
#include "moe.h"
#include "record.h"

#define TAG_MAX 16
#define LINE_MAX 160

struct log {
    struct server_object server;
    struct memory_block gate;
    struct moe_owned owned;
    char tag[TAG_MAX + 1];
    unsigned colour;
    unsigned buffered;
    char line[LINE_MAX];
};

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

static void destroy_log(struct log *l)
{
    if (l->buffered)   /* the last words of a client that did not end its line */
        write_line(l->tag, l->colour, l->line, l->buffered);
    moe_disown(&l->owned);
    moe_object_end(&l->server, &l->gate);
    record_free(l);
}

static void destroy_owned_log(struct moe_owned *owned)
{
    destroy_log((struct log *)((char *)owned - __builtin_offsetof(struct log, owned)));
}

int log_create(struct factory *owner, struct quota *q, const char *tag, unsigned tag_length,
               unsigned colour, struct log **out)
{
    struct log *l;
    int err = RECORD_NEW(q, &l);
    if (err)
        return err;
    l->colour = colour & 7;
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

static int log_request(struct server_request *r)
{
    int err = server_need_words(r, 1);
    if (err)
        return err;
    if (r->in[0] != PECAN_LOG_WRITE)
        return -PECAN_ENOSYS;
    if ((err = server_need_words(r, 2)) != 0)
        return err;
    if (!(r->rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;   /* writing to the console changes what the log shows */
    unsigned length = r->in[1];
    if (length > (r->words - 2) * 4)
        return length > (PECAN_UTCB_MESSAGE_WORDS - 2) * 4 ? -PECAN_ERANGE
                                                           : -PECAN_EMSGTOOSHORT;
    log_append((struct log *)r->object, (const char *)&r->in[2], length);
    return 0;
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
