/* SPDX-License-Identifier: MIT */
/*
 * The board's SP804 timer 0 as an interrupt source for tests (captest.h): its device
 * frame mapped uncached in the root's address space (under a page table of its own), its
 * interrupt claimed and bound to a notification, one-shot expiries on demand.
 */
#include "captest.h"

#define SP804_PADDR 0x10011000u
#define SP804_IRQ 33                /* timer 0/1 on the EB ARM11MPCore tile's GIC */

/* Timer 1 registers (word offsets) and control bits. */
enum { SP804_LOAD = 0, SP804_CONTROL = 2, SP804_INTCLR = 3, SP804_RIS = 4 };
#define SP804_ENABLE 0x80u
#define SP804_IRQ_ENABLE 0x20u
#define SP804_32BIT 0x02u
#define SP804_ONESHOT 0x01u
#define SP804_PERIODIC 0x40u

pecan_cap_t device_untyped_at(pecan_word_t paddr)
{
    for (unsigned i = 0; i < bootinfo->cap_count; i++) {
        if (bootinfo->caps[i].kind == PECAN_BOOTINFO_DEVICE_UNTYPED &&
            bootinfo->caps[i].paddr == paddr)
            return bootinfo->caps[i].slot;
    }
    return 0;
}

int sp804_open(struct sp804 *t, pecan_word_t vaddr, pecan_cap_t notification, pecan_word_t bits)
{
    t->device = device_untyped_at(SP804_PADDR);
    t->frame = slot_alloc();
    t->handler = slot_alloc();
    t->page_table = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    t->regs = (volatile uint32_t *)(uintptr_t)vaddr;
    if (!t->device || !t->frame || !t->handler || !t->page_table)
        return -PECAN_ENOENT;
    int err = pecan_untyped_retype(t->device, PECAN_OBJ_FRAME, 12, 1, ROOT, t->frame);
    if (!err)
        err = pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, t->page_table, vaddr);
    if (!err)
        err = pecan_vspace_map_frame(PECAN_ROOT_VSPACE, t->frame, vaddr,
                                     PECAN_MAP_READ | PECAN_MAP_WRITE, PECAN_MAP_UNCACHED);
    if (!err)
        err = pecan_irq_control_get(PECAN_ROOT_IRQ_CONTROL, SP804_IRQ, ROOT, t->handler);
    if (!err)
        err = pecan_irq_bind(t->handler, notification, bits);
    return err;
}

void sp804_one_shot(struct sp804 *t, unsigned microseconds)
{
    t->regs[SP804_CONTROL] = 0;
    t->regs[SP804_INTCLR] = 1;
    t->regs[SP804_LOAD] = microseconds;   /* 1 MHz */
    t->regs[SP804_CONTROL] = SP804_ENABLE | SP804_IRQ_ENABLE | SP804_32BIT | SP804_ONESHOT;
}

void sp804_periodic(struct sp804 *t, unsigned microseconds)
{
    t->regs[SP804_CONTROL] = 0;
    t->regs[SP804_INTCLR] = 1;
    t->regs[SP804_LOAD] = microseconds;
    t->regs[SP804_CONTROL] = SP804_ENABLE | SP804_PERIODIC | SP804_IRQ_ENABLE | SP804_32BIT;
}

void sp804_clear(struct sp804 *t)
{
    t->regs[SP804_INTCLR] = 1;
}

bool sp804_raised(struct sp804 *t)
{
    return t->regs[SP804_RIS] & 1;
}

void sp804_close(struct sp804 *t)
{
    t->regs[SP804_CONTROL] = 0;
    t->regs[SP804_INTCLR] = 1;
    CHECK_OK(cap_delete(t->handler));
    CHECK_OK(cap_revoke(t->device));
}
