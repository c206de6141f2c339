/* SPDX-License-Identifier: MIT */
/*
 * The invariant checker (include/core/invariants.h). It needs to remember which objects
 * it has seen; a fixed, statically allocated hash set does that (debug data, not a heap).
 * If the set fills up the checks that depend on it are skipped and that is reported.
 */
#include <core/cdt.h>
#include <core/console.h>
#include <core/console_input.h>
#include <core/cpu.h>
#include <core/invariants.h>
#include <core/sched.h>
#include <object/gate.h>
#include <object/irq_handler.h>
#include <object/notification.h>
#include <object/thread.h>
#include <stdarg.h>

#define SEEN_CAPACITY 16384   /* power of two */

/* An object is its key (kernel VA; physical base for untyped and frames; IRQ number for
 * handlers), its type and, for untyped, its size: an untyped and its first child (untyped
 * or frame) share a base address but are different objects. */
struct seen_object {
    word_t key;
    uint8_t type;
    uint8_t size_bits;
    bool used;
};

static struct seen_object seen[SEEN_CAPACITY];
static bool seen_overflow;
static unsigned problems;

void invariants_report(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    kprintf("invariant violated: ");
    kvprintf(fmt, args);
    kprintf("\n");
    va_end(args);
    problems++;
}

static unsigned seen_hash(word_t key)
{
    return (key >> 4) * 2654435761u % SEEN_CAPACITY;
}

/* The entry of (key, type, size_bits), or the free entry where it would go; NULL if the
 * set is full. */
static struct seen_object *seen_slot(word_t key, unsigned type, unsigned size_bits)
{
    unsigned i = seen_hash(key);
    for (unsigned n = 0; n < SEEN_CAPACITY; n++, i = (i + 1) % SEEN_CAPACITY) {
        struct seen_object *s = &seen[i];
        if (!s->used || (s->key == key && s->type == type && s->size_bits == size_bits))
            return s;
    }
    return NULL;
}

/* Records an object; false if it was recorded before (a second run of capabilities). */
static bool seen_add(word_t key, unsigned type, unsigned size_bits)
{
    struct seen_object *s = seen_slot(key, type, size_bits);
    if (!s) {
        seen_overflow = true;
        return true;
    }
    if (s->used)
        return false;
    *s = (struct seen_object){
        .key = key, .type = (uint8_t)type, .size_bits = (uint8_t)size_bits, .used = true,
    };
    return true;
}

bool invariants_object_live(word_t key, unsigned cap_type)
{
    if (seen_overflow)
        return true;
    unsigned i = seen_hash(key);
    for (unsigned n = 0; n < SEEN_CAPACITY && seen[i].used; n++, i = (i + 1) % SEEN_CAPACITY) {
        if (seen[i].key == key && seen[i].type == cap_type)
            return true;
    }
    return false;
}

static word_t object_key(const struct capability *cap)
{
    if (cap->type == CAP_IRQ_HANDLER)
        return 0x80000000u | cap->extra;   /* not an address: keep it apart */
    return cap->object;
}

/* Ancestors of the entry being checked, by depth, and where their last child ended. */
static struct cte *ancestors[CDT_MAX_DEPTH];
static paddr_t last_child_end[CDT_MAX_DEPTH];

static struct cte *nearest_untyped(unsigned depth)
{
    while (depth-- > 0) {
        if (ancestors[depth] && ancestors[depth]->cap.type == CAP_UNTYPED)
            return ancestors[depth];
    }
    return NULL;
}

static void check_placement(struct cte *slot)
{
    const struct capability *cap = &slot->cap;
    size_t size = cap_object_size(cap);
    if (size == 0)
        return;
    paddr_t phys = cap_object_phys(cap);
    if (phys & (size - 1))
        invariants_report("%s at %08lx not aligned to its size %zu", cap_type_name(cap->type),
                          (unsigned long)phys, size);
    struct cte *parent_untyped = nearest_untyped(slot->cdt_depth);
    if (!parent_untyped)
        return;   /* made at boot, not from untyped */
    paddr_t base = parent_untyped->cap.object;
    size_t limit = (size_t)1 << parent_untyped->cap.size_bits;
    if (phys < base || phys - base > limit || size > limit - (phys - base))
        invariants_report("%s at %08lx outside its untyped %08lx/%u", cap_type_name(cap->type),
                          (unsigned long)phys, (unsigned long)base, parent_untyped->cap.size_bits);
    /* Children of one untyped are created in address order and never overlap. */
    unsigned d = slot->cdt_depth;
    if (ancestors[d - 1]->cap.type == CAP_UNTYPED) {
        if (phys < last_child_end[d])
            invariants_report("%s at %08lx overlaps the object before it (ends %08lx)",
                              cap_type_name(cap->type), (unsigned long)phys,
                              (unsigned long)last_child_end[d]);
        last_child_end[d] = phys + size;
    }
}

static void check_entry(struct cte *slot, const struct cte *prev)
{
    if (cap_is_null(&slot->cap))
        invariants_report("empty slot %p in the derivation tree", (void *)slot);
    if (slot->cdt_next && slot->cdt_next->cdt_prev != slot)
        invariants_report("broken list link at %p", (void *)slot);
    unsigned depth = slot->cdt_depth;
    if (depth >= CDT_MAX_DEPTH || (prev ? depth > prev->cdt_depth + 1 : depth != 0)) {
        invariants_report("depth %u after depth %u at %p", depth,
                          prev ? (unsigned)prev->cdt_depth : 0u, (void *)slot);
        return;
    }
    ancestors[depth] = slot;
    if (depth + 1 < CDT_MAX_DEPTH)
        last_child_end[depth + 1] = 0;
    bool new_run = !prev || !cap_same_object(&prev->cap, &slot->cap);
    unsigned size_bits = slot->cap.type == CAP_UNTYPED ? slot->cap.size_bits : 0;
    /* IRQ control's copies may be split by handlers claimed through them (object/cap.h). */
    if (new_run && slot->cap.type != CAP_IRQ_CONTROL &&
        !seen_add(object_key(&slot->cap), slot->cap.type, size_bits))
        invariants_report("capabilities to %s %08lx are not one contiguous run",
                          cap_type_name(slot->cap.type), (unsigned long)slot->cap.object);
    if (new_run && depth > 0)
        check_placement(slot);
}

static void check_sender_queue(const struct thread *head, const void *owner, bool at_gate)
{
    const struct thread *prev = NULL;
    unsigned n = 0;
    for (const struct thread *t = head; t; prev = t, t = t->wait_next) {
        if (++n > 100000) {
            invariants_report("sender queue of %p does not end", owner);
            return;
        }
        if (!invariants_object_live((word_t)(uintptr_t)t, CAP_THREAD))
            invariants_report("sender queue of %p holds a destroyed thread %p", owner,
                              (const void *)t);
        if (t->state != THREAD_BLOCKED_SEND || t->blocked_on != owner || t->wait_prev != prev ||
            !!(t->ipc_flags & IPC_FLAG_AT_GATE) != at_gate)
            invariants_report("thread %p in the sender queue of %p: state %u, blocked on %p, "
                              "flags %x", (const void *)t, owner, t->state, t->blocked_on,
                              t->ipc_flags);
    }
}

static void check_ipc_references(const struct thread *thread)
{
    check_sender_queue(thread->senders_head, thread, false);
    if (thread->reply_to && (thread->reply_to->state != THREAD_BLOCKED_REPLY ||
                          thread->reply_to->reply_from != thread))
        invariants_report("thread %p holds a reply capability to %p, which is not waiting for it",
                          (const void *)thread, (const void *)thread->reply_to);
    if (thread->reply_from && thread->reply_from->reply_to != thread)
        invariants_report("thread %p waits for a reply from %p, which does not hold it",
                          (const void *)thread, (const void *)thread->reply_from);
    if (thread->send_gate && thread->state == THREAD_BLOCKED_SEND &&
        !invariants_object_live((word_t)(uintptr_t)thread->send_gate, CAP_GATE))
        invariants_report("thread %p sends through a destroyed gate", (const void *)thread);
    else if (thread->send_gate && thread->state == THREAD_BLOCKED_SEND) {
        /* It waits where its gate leads: at the bound thread, or at the gate if none. */
        const struct gate *g = thread->send_gate;
        const void *where = g->bound_thread ? (const void *)g->bound_thread : (const void *)g;
        if (thread->blocked_on != where)
            invariants_report("thread %p sends through gate %p but waits at %p, not at %p",
                              (const void *)thread, (const void *)g, thread->blocked_on, where);
    }
    for (const struct gate *g = thread->bound_gates; g; g = g->bound_next) {
        if (g->bound_thread != thread || !invariants_object_live((word_t)(uintptr_t)g, CAP_GATE))
            invariants_report("thread %p: bound gate %p is destroyed or bound elsewhere",
                              (const void *)thread, (const void *)g);
    }
}

static void check_thread_references(const struct thread *thread)
{
    check_ipc_references(thread);
    if (thread->state == THREAD_BLOCKED_NOTIFICATION &&
        !invariants_object_live((word_t)(uintptr_t)thread->blocked_on, CAP_NOTIFICATION))
        invariants_report("thread %p waits on a destroyed notification", (const void *)thread);
}

static void check_scheduled(const struct thread *t, void *arg)
{
    if (!invariants_object_live((word_t)(uintptr_t)t, CAP_THREAD))
        invariants_report("CPU %u schedules a destroyed thread %p", *(unsigned *)arg,
                          (const void *)t);
}

/* The no-clients watch of a gate (object/gate.h), once per gate; 1 if it has one. */
static unsigned check_gate_watch(const struct gate *g)
{
    if (!g->watched != !g->no_clients) {
        invariants_report("gate %p: watched slot %p but notification %p", (const void *)g,
                          (const void *)g->watched, (const void *)g->no_clients);
        return 0;
    }
    if (!g->watched)
        return 0;
    const struct cte *w = g->watched;
    if (w->cap.type != CAP_GATE || w->cap.object != (uintptr_t)g || !w->cdt_prev ||
        !w->cap.extra)
        invariants_report("gate %p: its watched slot %p is not in the tree with a capability "
                          "to it and bits", (const void *)g, (const void *)w);
    if (!invariants_object_live((word_t)(uintptr_t)g->no_clients, CAP_NOTIFICATION))
        invariants_report("gate %p watched by a destroyed notification", (const void *)g);
    return 1;
}

/* The gates a notification's watch list names; their count. */
static unsigned check_watching_gates(const struct notification *n)
{
    unsigned count = 0;
    for (const struct gate *g = n->watching_gates; g; g = g->watch_next) {
        if (++count > 100000) {
            invariants_report("watch list of notification %p does not end", (const void *)n);
            break;
        }
        if (!invariants_object_live((word_t)(uintptr_t)g, CAP_GATE) || g->no_clients != n)
            invariants_report("notification %p lists gate %p, destroyed or watched by %p",
                              (const void *)n, (const void *)g, (const void *)g->no_clients);
    }
    return count;
}

static void check_gate(const struct cte *s, bool first_of_run, unsigned *watched_gates)
{
    const struct gate *g = (const struct gate *)s->cap.object;
    if (s->cap.extra && g->watched != s)
        invariants_report("slot %p holds no-clients bits but gate %p watches %p", (const void *)s,
                          (const void *)g, (const void *)g->watched);
    if (!first_of_run)
        return;
    check_sender_queue(g->waiting_head, g, true);
    if (g->bound_thread &&
        !invariants_object_live((word_t)(uintptr_t)g->bound_thread, CAP_THREAD))
        invariants_report("gate %p bound to a destroyed thread", (const void *)g);
    *watched_gates += check_gate_watch(g);
}

static void check_queues(void)
{
    /* Every listed gate watches the notification that lists it; equal counts then mean
     * that every watching gate is listed (destroying the notification finds it). */
    unsigned watched_gates = 0, listed_gates = 0;
    for (struct cte *s = cdt_first(); s; s = cdt_next(s)) {
        bool first_of_run = !cap_same_object(&s->cdt_prev->cap, &s->cap);
        if (s->cap.type == CAP_THREAD)
            check_thread_references((const struct thread *)(uintptr_t)s->cap.object);
        if (s->cap.type == CAP_GATE)
            check_gate(s, first_of_run, &watched_gates);
        if (s->cap.type != CAP_NOTIFICATION)
            continue;
        const struct notification *n = (const struct notification *)(uintptr_t)s->cap.object;
        for (const struct thread *t = n->wait_head; t; t = t->wait_next) {
            if (!invariants_object_live((word_t)(uintptr_t)t, CAP_THREAD))
                invariants_report("notification %p queues a destroyed thread", (const void *)n);
        }
        if (first_of_run)
            listed_gates += check_watching_gates(n);
    }
    if (watched_gates != listed_gates)
        invariants_report("%u gates have a no-clients watch, notifications list %u",
                          watched_gates, listed_gates);
    for (unsigned cpu = 0; cpu < CONFIG_MAX_CPUS; cpu++)
        sched_for_each(cpu, check_scheduled, &cpu);
}

unsigned invariants_check(void)
{
    problems = 0;
    seen_overflow = false;
    for (unsigned i = 0; i < SEEN_CAPACITY; i++)
        seen[i].used = false;
    const struct cte *prev = NULL;
    for (struct cte *s = cdt_first(); s; s = cdt_next(s)) {
        check_entry(s, prev);
        prev = s;
    }
    if (seen_overflow)
        kprintf("invariants: more than %u objects, object checks incomplete\n", SEEN_CAPACITY);
    check_queues();
    sched_check_invariants();
    irq_handler_check_invariants();
    console_input_check_invariants();
    vspace_check_invariants();
    return problems;
}
