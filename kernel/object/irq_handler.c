/* SPDX-License-Identifier: MIT */
/*
 * IRQ control and IRQ handler objects (include/object/irq_handler.h). IRQ numbers are the
 * board's flat numbering (interrupt_controller.h; on the RealView EB the lines behind the board
 * GIC1 cascade are 64 and up, docs/drivers.md). The kernel's own lines (IPIs, per-CPU
 * timers, a cascade's input) cannot be claimed: intc_user_line says which can.
 */
#include <core/cdt.h>
#include <core/cspace.h>
#include <core/delete.h>
#include <core/invariants.h>
#include <core/invocation.h>
#include <core/irq.h>
#include <core/kernel_lock.h>
#include <interrupt_controller.h>
#include <object/irq_handler.h>
#include <object/notification.h>
#include <plat.h>

#define FIRST_USER_IRQ 32

struct irq_line {
    bool claimed;              /* a handler capability exists */
    struct notification *notification;
    word_t bits;
};

static struct irq_line irq_lines[PLAT_IRQ_COUNT];
static const char irq_control_object;   /* the singleton's identity */

struct capability irq_control_cap(void)
{
    return (struct capability){
        .type = CAP_IRQ_CONTROL,
        .rights = PECAN_RIGHTS_ALL,
        .object = (uintptr_t)&irq_control_object,
    };
}

static void user_interrupt(unsigned irq)
{
    /* Masked until the driver acknowledges: level-triggered lines would fire again. */
    intc_disable(irq);
    struct irq_line *line = &irq_lines[irq];
    bool locked_here = kernel_lock_held_here();
    if (!locked_here)
        kernel_lock_acquire();
    if (line->notification)
        notification_signal(line->notification, line->bits);
    if (!locked_here)
        kernel_lock_release();
}

static void unbind(unsigned irq)
{
    intc_disable(irq);
    irq_lines[irq].notification = NULL;
    irq_lines[irq].bits = 0;
}

void irq_handler_notification_destroyed(struct notification *n)
{
    for (unsigned irq = FIRST_USER_IRQ; irq < PLAT_IRQ_COUNT; irq++) {
        if (irq_lines[irq].notification == n)
            unbind(irq);
    }
}

void irq_handler_destroy(struct capability *cap)
{
    unsigned irq = cap->extra;
    unbind(irq);
    irq_lines[irq].claimed = false;
}

static int decode_get(struct invocation *inv)
{
    if (inv->length < 4)
        return -PECAN_EMSGTOOSHORT;
    word_t irq = invocation_word(inv, 1);
    if (!intc_user_line(irq))
        return -PECAN_ERANGE;
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    struct cte *root;
    int err = invocation_lookup_typed(inv, invocation_word(inv, 2), CAP_CNODE, PECAN_RIGHT_WRITE, &root);
    if (err)
        return err;
    word_t offset = invocation_word(inv, 3);
    if (offset >= ((word_t)1 << root->cap.size_bits))
        return -PECAN_ERANGE;
    struct cte *dest = (struct cte *)(uintptr_t)root->cap.object + offset;
    if (!cap_is_null(&dest->cap))
        return -PECAN_EEXIST;
    if (irq_lines[irq].claimed)
        return -PECAN_EBUSY;
    if (inv->slot->cdt_depth + 1 >= CDT_MAX_DEPTH)
        return -PECAN_EDEPTH;
    irq_lines[irq].claimed = true;
    dest->cap = (struct capability){
        .type = CAP_IRQ_HANDLER, .rights = PECAN_RIGHTS_ALL, .object = irq, .extra = irq,
    };
    cdt_insert_child(inv->slot, dest);
    return 0;
}

int irq_control_decode(struct invocation *inv)
{
    if (invocation_word(inv, 0) != PECAN_IRQ_CONTROL_GET)
        return -PECAN_ENOSYS;
    return decode_get(inv);
}

static bool may_modify(const struct invocation *inv)
{
    return cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE);
}

/* Every handler operation checks, in order: message length, WRITE on the handler, the
 * other arguments (docs/abi.md). */
static int decode_bind(struct invocation *inv, unsigned irq)
{
    if (inv->length < 3)
        return -PECAN_EMSGTOOSHORT;
    if (!may_modify(inv))
        return -PECAN_EPERM;
    struct cte *n;
    int err = invocation_lookup_typed(inv, invocation_word(inv, 1), CAP_NOTIFICATION,
                                      PECAN_RIGHT_WRITE, &n);
    if (err)
        return err;
    word_t bits = invocation_word(inv, 2) | n->cap.badge;
    if (!bits)
        return -PECAN_EINVAL;
    if (irq_lines[irq].notification)
        return -PECAN_EMAPPED;
    irq_lines[irq].notification = (struct notification *)(uintptr_t)n->cap.object;
    irq_lines[irq].bits = bits;
    irq_register(irq, user_interrupt);
    intc_enable(irq);
    return 0;
}

int irq_handler_decode(struct invocation *inv)
{
    unsigned irq = inv->slot->cap.extra;
    switch (invocation_word(inv, 0)) {
    case PECAN_IRQ_BIND: return decode_bind(inv, irq);
    case PECAN_IRQ_UNBIND:
        if (!may_modify(inv))
            return -PECAN_EPERM;
        unbind(irq);
        return 0;
    case PECAN_IRQ_ACK:
        if (!may_modify(inv))
            return -PECAN_EPERM;
        if (!irq_lines[irq].notification)
            return -PECAN_ENOENT;
        intc_enable(irq);
        return 0;
    default: return -PECAN_ENOSYS;
    }
}

void irq_handler_check_invariants(void)
{
    for (unsigned irq = FIRST_USER_IRQ; irq < PLAT_IRQ_COUNT; irq++) {
        struct notification *n = irq_lines[irq].notification;
        if (n && !invariants_object_live((word_t)(uintptr_t)n, CAP_NOTIFICATION))
            invariants_report("IRQ %u bound to a destroyed notification", irq);
        if (n && !irq_lines[irq].claimed)
            invariants_report("IRQ %u bound but not claimed", irq);
    }
}
