/* SPDX-License-Identifier: MIT */
/*
 * Interrupt lines for drivers (protocol/icu.h): moe holds the kernel's IRQ control
 * capability (the root task's, slot PECAN_ROOT_IRQ_CONTROL) and hands out the kernel's
 * IRQ handler capabilities through ICU objects, each covering a range of IRQ numbers. The
 * root ICU (moe's own, "icu" for the init program) covers every number the kernel has
 * (boot info irq_count); VIEW makes narrower ones, paid for by the factory the caller
 * names, as IOMEM views are (iomem.c).
 *
 * Why here and not in the kernel: which driver gets which line is policy, the boot
 * script's, like which driver gets which registers; moe already restricts and charges
 * objects per client, and the kernel keeps one IRQ control singleton. The interrupt path
 * itself does not pass through moe: the driver binds and acknowledges with the kernel.
 *
 * Invariants: handlers[line] is 0 or moe's handler capability for that line, claimed at
 * the line's first GET and kept for moe's lifetime (so the table has one entry per line the
 * kernel has, whoever asks); every handler capability a client holds is a child of it, and
 * at most one GET's copies exist at a time (GET revokes the earlier ones); every ICU's
 * range is inside its maker's.
 */
#include <pecan/protocol/icu.h>

#include "icu.h"
#include "record.h"

#define MAX_LINES 1024u   /* the GIC architecture's ID space: the most any board has */

struct icu {
    struct server_object server;
    struct memory_block gate;
    struct moe_owned owned;
    uint32_t first, count;      /* IRQ numbers first .. first + count - 1 */
};

static pecan_cap_t handlers[MAX_LINES];
static struct icu root;
static const struct server_type icu_type;

/* ---- lines ------------------------------------------------------------------------------ */

/* moe's handler capability for the line, claimed from the kernel the first time. The
 * kernel refuses its own lines and numbers it does not have (-PECAN_ERANGE). */
static int line_handler(uint32_t line, pecan_cap_t *out)
{
    if (line >= MAX_LINES)
        return -PECAN_ERANGE;
    if (handlers[line]) {
        *out = handlers[line];
        return 0;
    }
    pecan_cap_t slot = moe_slot_alloc();
    if (!slot)
        return -PECAN_ENOMEM;
    int err = pecan_irq_control_get(PECAN_ROOT_IRQ_CONTROL, line, PECAN_ROOT_CNODE, slot);
    if (err) {
        moe_slot_free(slot);
        return err;
    }
    *out = handlers[line] = slot;
    return 0;
}

/* The line goes to a new driver: whoever had it loses its capabilities and its binding. */
static void take_line_back(pecan_cap_t handler)
{
    pecan_cnode_revoke(PECAN_ROOT_CNODE, handler, MOE_DEPTH);
    pecan_irq_unbind(handler);
}

/* ---- ICU objects ---------------------------------------------------------------------- */

static bool is_root(const struct icu *icu)
{
    return icu == &root;
}

static void destroy_view(struct icu *icu)
{
    moe_disown(&icu->owned);
    moe_object_end(&icu->server, &icu->gate);
    record_free(icu);
}

static void destroy_owned_view(struct moe_owned *owned)
{
    destroy_view((struct icu *)((char *)owned - __builtin_offsetof(struct icu, owned)));
}

static int view_create(struct factory *payer, uint32_t first, uint32_t count, struct icu **out)
{
    struct quota *q = factory_quota(payer);
    struct icu *icu;
    int err = RECORD_NEW(q, &icu);
    if (err)
        return err;
    icu->first = first;
    icu->count = count;
    err = moe_object_start(&icu->server, &icu->gate, &icu_type, q);
    if (err) {
        record_free(icu);
        return err;
    }
    moe_own(payer, &icu->owned, destroy_owned_view);
    *out = icu;
    return 0;
}

static bool covers(const struct icu *icu, uint32_t line)
{
    return line - icu->first < icu->count;
}

/* The words and the right GET and VIEW need. */
static int check_request(struct server_request *r, unsigned words)
{
    int err = server_need_words(r, words);
    if (err)
        return err;
    return (r->rights & PECAN_RIGHT_WRITE) ? 0 : -PECAN_EPERM;
}

static int get_line(struct server_request *r, struct icu *icu)
{
    int err = check_request(r, 2);
    if (err)
        return err;
    uint32_t line = r->in[1];
    if (!covers(icu, line))
        return -PECAN_ERANGE;
    pecan_cap_t handler;
    if ((err = line_handler(line, &handler)) != 0)
        return err;
    take_line_back(handler);
    return server_reply_cap(r, handler, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
}

static int make_view(struct server_request *r, struct icu *icu)
{
    int err = check_request(r, 3);
    if (err)
        return err;
    uint32_t first = r->in[1], count = r->in[2];
    if (count == 0)
        return -PECAN_EINVAL;
    if (!covers(icu, first) || count > icu->count - (first - icu->first))
        return -PECAN_ERANGE;
    struct factory *payer;
    if ((err = factory_received(r, 0, &payer)) != 0)
        return err;
    struct icu *view;
    if ((err = view_create(payer, first, count, &view)) != 0)
        return err;
    return server_reply_object(r, &view->server, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
}

static int icu_request(struct server_request *r)
{
    struct icu *icu = (struct icu *)r->object;
    int err = server_need_words(r, 1);
    if (err)
        return err;
    switch (r->in[0]) {
    case PECAN_ICU_GET: return get_line(r, icu);
    case PECAN_ICU_VIEW: return make_view(r, icu);
    case PECAN_ICU_INFO:
        server_reply_word(r, icu->first);
        server_reply_word(r, icu->count);
        return 0;
    default: return -PECAN_ENOSYS;
    }
}

static void icu_no_clients(struct server_object *object)
{
    struct icu *icu = (struct icu *)object;
    if (!is_root(icu))   /* moe's own stays */
        destroy_view(icu);
}

static const struct server_protocol protocols[] = {
    { PECAN_PROTO_ICU, icu_request },
};

static const struct server_type icu_type = {
    .name = "icu",
    .protocols = protocols,
    .protocol_count = 1,
    .no_clients = icu_no_clients,
};

int icu_create(struct server_object **out)
{
    if (root.server.key) {
        *out = &root.server;
        return 0;
    }
    int err = moe_object_start(&root.server, &root.gate, &icu_type, memory_own_quota());
    if (err)
        return err;
    root.first = 0;
    root.count = moe_bootinfo->irq_count < MAX_LINES ? moe_bootinfo->irq_count : MAX_LINES;
    *out = &root.server;
    return 0;
}
