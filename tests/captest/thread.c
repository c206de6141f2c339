/* SPDX-License-Identifier: MIT */
/*
 * Helper threads for captest (captest.h): a thread object running in the root's capability and
 * address space, with a 1 MiB frame of its own at a MiB of HELPER_AREA as stack and UTCB
 * (a section mapping, so no page table is needed). Higher-priority helpers run as soon as
 * they are resumed and hand the CPU back when they block or stop; lower-priority ones run
 * only while the root is blocked.
 */
#include "captest.h"

#define HELPER_FRAME_BITS 20
#define CPSR_USER 0x10u

static unsigned helpers_made;

void helper_case_begin(void)
{
    helpers_made = 0;
}

static void helper_entry(struct helper *h)
{
    h->fn(h);
    h->finished = 1;
    if (h->done)
        pecan_notification_signal(h->done, 1);
    for (;;)
        pecan_thread_suspend(h->self);
}

int helper_create(struct helper *h, void (*fn)(struct helper *h), unsigned priority)
{
    h->fn = fn;
    h->done = 0;
    for (unsigned i = 0; i < 4; i++)
        h->arg[i] = 0;
    h->counter = 0;
    h->result = 0;
    h->finished = 0;
    h->base = HELPER_AREA + ((pecan_word_t)helpers_made++ << HELPER_FRAME_BITS);
    h->thread = h->self = obj_new(PECAN_OBJ_THREAD, 0);
    h->frame = obj_new(PECAN_OBJ_FRAME, HELPER_FRAME_BITS);
    if (!h->thread || !h->frame)
        return -PECAN_ENOMEM;
    int err = pecan_vspace_map_frame(PECAN_ROOT_VSPACE, h->frame, h->base,
                                     PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
    if (!err)
        err = pecan_thread_configure(h->thread, ROOT, PECAN_ROOT_VSPACE, h->frame, h->base,
                                     PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED);
    if (!err)
        err = pecan_thread_set_priority(h->thread, priority);
    return err;
}

int helper_start(struct helper *h)
{
    return pecan_thread_start(h->thread, (pecan_word_t)(uintptr_t)helper_entry,
                              h->base + (1u << HELPER_FRAME_BITS), (pecan_word_t)(uintptr_t)h);
}

void helper_destroy(struct helper *h)
{
    if (h->thread)
        CHECK_OK(cap_delete(h->thread));
    if (h->frame)
        CHECK_OK(cap_delete(h->frame));
}

/* Root image frames holding code or read-only data (below __text_end). */
extern const char __text_end[];

int map_root_text(pecan_cap_t vspace, pecan_cap_t *first, unsigned *count)
{
    *count = 0;
    for (unsigned i = 0; i < bootinfo->cap_count; i++) {
        const struct pecan_bootinfo_cap *c = &bootinfo->caps[i];
        pecan_word_t vaddr = NOT_MAPPED;
        if (c->kind != PECAN_BOOTINFO_IMAGE_FRAME ||
            pecan_frame_info(c->slot, 0, 0, &vaddr) != 0 ||
            vaddr >= (pecan_word_t)(uintptr_t)__text_end)
            continue;
        pecan_cap_t copy = slot_alloc();
        if (!*count)
            *first = copy;
        (*count)++;
        int err = cap_copy(copy, c->slot, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT);
        if (!err)
            err = pecan_vspace_map_frame(vspace, copy, vaddr,
                                         PECAN_MAP_READ | PECAN_MAP_EXECUTE, 0);
        if (err)
            return err;
    }
    return *count ? 0 : -PECAN_ENOENT;
}

static int map_text(struct remote *r)
{
    return map_root_text(r->vspace, &r->text_first, &r->text_count);
}

static int map_shared(struct remote *r)
{
    r->shared = obj_new(PECAN_OBJ_FRAME, 12);
    r->root_shared = slot_alloc();
    if (!r->shared || !r->root_shared)
        return -PECAN_ENOMEM;
    int err = cap_copy(r->root_shared, r->shared, PECAN_RIGHTS_ALL);
    if (!err)
        err = pecan_vspace_map_frame(r->vspace, r->shared, REMOTE_SHARED_VA,
                                     PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
    if (!err)
        err = pecan_vspace_map_frame(PECAN_ROOT_VSPACE, r->root_shared, REMOTE_SHARED_VA,
                                     PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
    return err;
}

int remote_create(struct remote *r, unsigned priority)
{
    r->vspace = obj_new(PECAN_OBJ_VSPACE, 0);
    r->page_table = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    r->stack = obj_new(PECAN_OBJ_FRAME, 16);
    r->thread = obj_new(PECAN_OBJ_THREAD, 0);
    if (!r->vspace || !r->page_table || !r->stack || !r->thread)
        return -PECAN_ENOMEM;
    int err = pecan_vspace_map_page_table(r->vspace, r->page_table, 0);
    if (!err)
        err = map_text(r);
    if (!err)
        err = pecan_vspace_map_frame(r->vspace, r->stack, REMOTE_STACK_VA,
                                     PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
    if (!err)
        err = map_shared(r);
    if (!err)
        err = pecan_thread_configure(r->thread, ROOT, r->vspace, r->stack, REMOTE_STACK_VA,
                                     PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED);
    if (!err)
        err = pecan_thread_set_priority(r->thread, priority);
    return err;
}

int remote_start(struct remote *r, remote_entry_fn entry, pecan_word_t a0, pecan_word_t a1,
                 pecan_word_t a2, pecan_word_t a3)
{
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT] = { a0, a1, a2, a3 };
    regs[13] = REMOTE_STACK_VA + 0x10000;
    regs[15] = (pecan_word_t)(uintptr_t)entry;
    regs[16] = CPSR_USER;
    int err = pecan_thread_write_registers(r->thread, regs);
    return err ? err : pecan_thread_resume(r->thread);
}
