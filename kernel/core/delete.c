/* SPDX-License-Identifier: MIT */
/*
 * Deleting capabilities, destroying objects, revoking (include/core/delete.h).
 *
 * Deleting a capability that is not the last one to its object only takes it out of the
 * derivation tree. Deleting the last one destroys the object: the type's hook removes
 * every in-kernel reference to it. Containers (CNodes and TCBs) hold capabilities
 * themselves; instead of recursing into them, the slot that held the last capability
 * becomes a zombie pushed on a stack linked through the zombie slots, and the loop in
 * drain_zombies() deletes the container's slots one at a time. A zombie stays in the
 * derivation tree until its container is empty, so its parent untyped is not a leaf and
 * its memory cannot be retyped before then.
 *
 * Long deletions and revokes look for pending interrupts every few steps and return
 * INVOCATION_RESTART: the progress is in the tree itself, so calling again continues.
 */
#include <core/cdt.h>
#include <core/delete.h>
#include <core/invocation.h>
#include <interrupt_controller.h>
#include <lib/string.h>
#include <object/endpoint.h>
#include <object/tcb.h>

#define STEPS_BETWEEN_PREEMPTION_CHECKS 16

unsigned long delete_preemptions;

static struct cte *zombie_stack;
static unsigned steps_since_check;

static bool should_stop(bool preemptible)
{
    if (!preemptible || ++steps_since_check < STEPS_BETWEEN_PREEMPTION_CHECKS)
        return false;
    steps_since_check = 0;
    if (!intc_interrupt_pending())
        return false;
    delete_preemptions++;
    return true;
}

/* The slots a container holds: a CNode's 2^radix slots, or a TCB's own. */
static struct cte *container_slots(const struct capability *cap, unsigned *count)
{
    if (cap->type == CAP_CNODE) {
        *count = 1u << cap->size_bits;
        return (struct cte *)(uintptr_t)cap->object;
    }
    if (cap->type == CAP_TCB) {
        *count = TCB_SLOT_COUNT;
        return ((struct tcb *)(uintptr_t)cap->object)->slots;
    }
    *count = 0;
    return NULL;
}

static void clear_slot(struct cte *slot)
{
    cdt_remove(slot);
    slot->cap = (struct capability){ 0 };
    slot->cdt_depth = 0;
    slot->zombie_next = NULL;
}

/* Per-capability clean-up that does not depend on being the last reference. */
static void capability_deleted(struct cte *slot)
{
    if (slot->cap.type == CAP_FRAME)
        frame_cap_deleted(slot);
    else if (slot->cap.type == CAP_PAGE_TABLE)
        page_table_cap_deleted(&slot->cap);
}

/* The last capability to a non-container object goes: destroy the object. */
static void destroy_object(struct capability *cap)
{
    switch (cap->type) {
    case CAP_ENDPOINT: endpoint_destroy(cap); break;
    case CAP_NOTIFICATION: notification_destroy(cap); break;
    case CAP_VSPACE: vspace_destroy(cap); break;
    case CAP_PAGE_TABLE: page_table_destroy(cap); break;
    case CAP_IRQ_HANDLER: irq_handler_destroy(cap); break;
    default: break;   /* untyped, frames and singletons hold no kernel references */
    }
}

/* Deletes one capability without recursing; a container becomes a zombie instead. */
static void delete_one(struct cte *slot)
{
    struct capability *cap = &slot->cap;
    /* A zombie goes only when its container is empty (drain_zombies). It can be met
     * inside its own container when a CNode held the last capability to itself. */
    if (cap_is_null(cap) || cap->type == CAP_ZOMBIE)
        return;
    capability_deleted(slot);
    bool last = cdt_is_last_reference(slot) && cdt_is_leaf(slot);
    unsigned count;
    if (last && container_slots(cap, &count)) {
        if (cap->type == CAP_TCB)
            tcb_destroy_begin(cap);
        cap->extra = 0;                 /* zombie: next slot of the container to empty */
        cap->badge = cap->type;         /* remember what the container was */
        cap->type = CAP_ZOMBIE;
        slot->zombie_next = zombie_stack;
        zombie_stack = slot;
        return;
    }
    if (last)
        destroy_object(cap);
    /* A gate capability that was its parent's first child: the parent may have become a
     * leaf, which is what a no-clients notification waits for. */
    struct cte *parent = slot->cdt_prev->cdt_depth < slot->cdt_depth ? slot->cdt_prev : NULL;
    bool gate = cap->type == CAP_ENDPOINT;
    clear_slot(slot);
    if (gate && parent)
        endpoint_cap_removed(parent);
}

/* Empties zombie containers until the stack is empty (or an interrupt is pending). */
static int drain_zombies(bool preemptible)
{
    while (zombie_stack) {
        struct cte *zombie = zombie_stack;
        struct capability container = zombie->cap;
        container.type = (uint8_t)container.badge;
        unsigned count;
        struct cte *slots = container_slots(&container, &count);
        if (zombie->cap.extra < count) {
            delete_one(&slots[zombie->cap.extra++]);
        } else {
            zombie_stack = zombie->zombie_next;
            clear_slot(zombie);
        }
        if (should_stop(preemptible))
            return INVOCATION_RESTART;
    }
    return 0;
}

int cte_delete(struct cte *slot, bool preemptible)
{
    int err = drain_zombies(preemptible);   /* finish an earlier, interrupted deletion */
    if (err)
        return err;
    delete_one(slot);
    return drain_zombies(preemptible);
}

/* The last entry of the subtree below slot: deleting leaves first means no entry ever
 * has to move up a level. */
static struct cte *deepest_first_leaf(struct cte *slot)
{
    struct cte *d = cdt_first_descendant(slot);
    while (d && !cdt_is_leaf(d))
        d = cdt_first_descendant(d);
    return d;
}

int cte_revoke(struct cte *slot, bool preemptible)
{
    int err = drain_zombies(preemptible);
    if (err)
        return err;
    for (;;) {
        /* An untyped's capability may sit in a container made from that untyped: then
         * destroying the container emptied the slot being revoked, and its descendants
         * have moved up to its parent. Nothing is left to revoke. */
        if (cap_is_null(&slot->cap))
            return 0;
        struct cte *leaf = deepest_first_leaf(slot);
        if (!leaf)
            return 0;
        delete_one(leaf);
        if ((err = drain_zombies(preemptible)) != 0)
            return err;
        if (should_stop(preemptible))
            return INVOCATION_RESTART;
    }
}
