/* SPDX-License-Identifier: MIT */
/*
 * Deleting capabilities, destroying objects, revoking (include/core/delete.h).
 *
 * Deleting a capability that is not the last one to its object only takes it out of the
 * derivation tree. Deleting the last one destroys the object: the type's hook removes
 * every in-kernel reference to it.
 *
 * Objects whose destruction grows with a size someone chose are zombies while it goes
 * on: containers (CNodes and thread objects), whose slots hold capabilities that may be last
 * capabilities to other containers, and address spaces, whose page tables hold mappings
 * others derived from. The slot that held the last capability keeps a CAP_ZOMBIE (the
 * object, what it was in flags, a cursor in extra) and stays in the derivation tree until
 * the object is empty, so its parent untyped is not a leaf and the memory cannot be
 * retyped before then. Emptying is a loop of bounded steps (one slot; for an address
 * space, one mapping or one empty table entry), never a recursion. Deleting a frame or
 * page-table capability whose mappings others received pages from removes those derived
 * mappings first, in steps too (the progress is in the mapping database):
 *
 *   - The zombies one deletion makes form a chain: a slot emptied out of a zombie that
 *     turns into a zombie itself links to it (zombie_next, its parent) and is emptied
 *     first. The chain's first zombie, the root, has no parent and keeps the chain's top
 *     in its badge, so a restart continues at once where it stopped.
 *   - Progress lives only in the zombies (cursors, the top) and the objects, never in a
 *     global: each deletion is continued by whoever repeats it, which is the thread that
 *     was interrupted (its svc is restarted, core/invocation.h). Another thread's
 *     deletion does not touch it. The one exception is work a deletion needs done: a
 *     revoke that meets a zombie among the descendants it removes finishes that zombie's
 *     chain, and emptying a container that holds another deletion's root adopts it
 *     (its chain continues ours).
 *   - After every step the loop reports its cost (core/preempt.h) and returns
 *     INVOCATION_RESTART when the entry's budget is spent or an interrupt is pending.
 *
 * A zombie met while emptying a container is ours to descend into (its parent is the
 * zombie being emptied), another deletion's root (adopted), or the root of this chain or
 * the container itself (a CNode that held the last capability to itself, or a cycle of
 * CNodes reached by revoke): those are skipped, as they are emptied already.
 */
#include <core/cdt.h>
#include <core/delete.h>
#include <core/invocation.h>
#include <core/preempt.h>
#include <lib/string.h>
#include <object/gate.h>
#include <object/thread.h>
#include <object/vspace.h>

/* Estimated instructions of one step: a slot emptied (or skipped) in a container. */
#define DELETE_STEP_COST 150u

/* The slots a container zombie holds: a CNode's 2^radix slots, or a thread object's own. */
static struct cte *container_slots(const struct capability *zombie, unsigned *count)
{
    if (zombie->flags == CAP_CNODE) {
        *count = 1u << zombie->size_bits;
        return (struct cte *)(uintptr_t)zombie->object;
    }
    if (zombie->flags == CAP_THREAD) {
        *count = THREAD_SLOT_COUNT;
        return ((struct thread *)(uintptr_t)zombie->object)->slots;
    }
    *count = 0;
    return NULL;
}

static bool destroyed_as_zombie(unsigned type)
{
    return type == CAP_CNODE || type == CAP_THREAD || type == CAP_VSPACE;
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
    else if (slot->cap.type == CAP_GATE)
        gate_cap_deleted(slot);
}

/* The last capability to an object that is not a zombie's goes: destroy the object. */
static void destroy_object(struct capability *cap)
{
    switch (cap->type) {
    case CAP_GATE: gate_destroy(cap); break;
    case CAP_NOTIFICATION: notification_destroy(cap); break;
    case CAP_PAGE_TABLE: page_table_destroy(cap); break;
    case CAP_IRQ_HANDLER: irq_handler_destroy(cap); break;
    default: break;   /* untyped, frames and singletons hold no kernel references */
    }
}

/* The slot becomes a zombie, a link of parent's chain (NULL: the root of a new one). */
static void make_zombie(struct cte *slot, struct cte *parent)
{
    struct capability *cap = &slot->cap;
    if (cap->type == CAP_THREAD)
        thread_destroy_begin(cap);
    cap->flags = cap->type;            /* remember what it was */
    cap->type = CAP_ZOMBIE;
    cap->extra = 0;                    /* cursor: next slot, or page directory entry */
    cap->badge = (word_t)(uintptr_t)slot;   /* a root's top: itself */
    slot->zombie_next = parent;
}

/* Mappings other address spaces derived from the capability's own mapping go first, in
 * steps: there may be many. false: stopped (the capability is still there). */
static bool remove_derived(const struct cte *slot, bool preemptible)
{
    if (!preemptible)
        return true;   /* capability_deleted removes them in one go */
    if (slot->cap.type == CAP_FRAME)
        return frame_remove_derived(slot);
    if (slot->cap.type == CAP_PAGE_TABLE)
        return page_table_remove_derived(&slot->cap);
    return true;
}

enum deleted { DELETED, BECAME_ZOMBIE, STOPPED };

/* Deletes one capability without recursing. BECAME_ZOMBIE: it is a zombie now (of
 * parent's chain), which the caller empties; STOPPED: the budget ran out first (call
 * again). Zombies are left alone. */
static enum deleted delete_one(struct cte *slot, struct cte *parent, bool preemptible)
{
    struct capability *cap = &slot->cap;
    if (cap_is_null(cap) || cap->type == CAP_ZOMBIE)
        return DELETED;
    if (!remove_derived(slot, preemptible))
        return STOPPED;
    capability_deleted(slot);
    bool last = cdt_is_last_reference(slot) && cdt_is_leaf(slot);
    if (last && destroyed_as_zombie(cap->type)) {
        make_zombie(slot, parent);
        return BECAME_ZOMBIE;
    }
    if (last)
        destroy_object(cap);
    /* A gate capability that was its parent's first child: the parent may have become a
     * leaf, which is what a no-clients notification waits for. */
    struct cte *parent_cap = slot->cdt_prev->cdt_depth < slot->cdt_depth ? slot->cdt_prev : NULL;
    bool gate = cap->type == CAP_GATE;
    clear_slot(slot);
    if (gate && parent_cap)
        gate_cap_removed(parent_cap);
    return DELETED;
}

static struct cte *chain_top(const struct cte *root)
{
    return (struct cte *)(uintptr_t)root->cap.badge;
}

static struct cte *chain_root(struct cte *zombie)
{
    while (zombie->zombie_next)
        zombie = zombie->zombie_next;
    return zombie;
}

/* A zombie s met in the container of zombie cur (of root's chain): the zombie to
 * continue with, or NULL when the cursor may move on. */
static struct cte *zombie_met(struct cte *root, struct cte *cur, struct cte *s)
{
    if (s == root || s == cur)
        return NULL;                   /* a container holding its own zombie */
    if (s->zombie_next == cur)
        return s;                      /* ours already */
    if (!s->zombie_next) {
        s->zombie_next = cur;          /* another deletion's root: its chain is ours now */
        return chain_top(s);
    }
    return NULL;                       /* an ancestor, met again through a cycle */
}

/* Empties root's zombie and the chain hanging from it, in preemptible steps. */
static int finish_chain(struct cte *root, bool preemptible)
{
    struct cte *cur = chain_top(root);
    for (;;) {
        struct capability *z = &cur->cap;
        bool empty;
        if (z->flags == CAP_VSPACE) {
            int err = vspace_teardown((struct vspace *)(uintptr_t)z->object, &z->extra,
                                      preemptible);
            if (err)
                return err;
            empty = true;
        } else {
            unsigned count;
            struct cte *slots = container_slots(z, &count);
            empty = z->extra >= count;
            if (!empty) {
                struct cte *s = &slots[z->extra], *next = NULL;
                if (s->cap.type == CAP_ZOMBIE) {
                    next = zombie_met(root, cur, s);
                } else {
                    enum deleted d = delete_one(s, cur, preemptible);
                    if (d == STOPPED)
                        return INVOCATION_RESTART;
                    next = d == BECAME_ZOMBIE ? s : NULL;
                }
                if (next)
                    root->cap.badge = (word_t)(uintptr_t)(cur = next);
                else
                    z->extra++;
            }
        }
        if (empty) {
            struct cte *up = cur->zombie_next;
            bool done = cur == root;
            clear_slot(cur);
            if (done)
                return 0;
            root->cap.badge = (word_t)(uintptr_t)(cur = up);
        }
        if (preemptible && preempt_step(DELETE_STEP_COST))
            return INVOCATION_RESTART;
    }
}

/* Deletes the capability in slot, or continues the deletion its zombie stands for. */
static int delete_or_continue(struct cte *slot, bool preemptible)
{
    if (slot->cap.type == CAP_ZOMBIE)
        return finish_chain(chain_root(slot), preemptible);
    switch (delete_one(slot, NULL, preemptible)) {
    case BECAME_ZOMBIE: return finish_chain(slot, preemptible);
    case STOPPED: return INVOCATION_RESTART;
    default: return 0;
    }
}

int cte_delete(struct cte *slot, bool preemptible)
{
    return delete_or_continue(slot, preemptible);
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
    for (;;) {
        /* An untyped's capability may sit in a container made from that untyped: then
         * destroying the container emptied the slot being revoked, and its descendants
         * have moved up to its parent. Nothing is left to revoke. */
        if (cap_is_null(&slot->cap))
            return 0;
        struct cte *leaf = deepest_first_leaf(slot);
        if (!leaf)
            return 0;
        int err = delete_or_continue(leaf, preemptible);
        if (err)
            return err;
        if (preemptible && preempt_step(DELETE_STEP_COST))
            return INVOCATION_RESTART;
    }
}
