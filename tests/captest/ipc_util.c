/* SPDX-License-Identifier: MIT */
/*
 * Tasks for the IPC cases (ipctest.h): a remote thread with a capability space of its own.
 */
#include "ipctest.h"

int task_create(struct task *t, unsigned priority)
{
    *t = (struct task){ 0 };
    int err = remote_create(&t->r, priority);
    if (err)
        return err;
    t->cnode = obj_new(PECAN_OBJ_CNODE, TASK_RADIX);
    t->space = slot_alloc();
    if (!t->cnode || !t->space)
        return -PECAN_ENOMEM;
    err = cap_mint_cspace(t->space, t->cnode, TASK_RADIX);
    if (!err)
        err = task_copy(t, TASK_SELF, t->r.thread, PECAN_RIGHTS_ALL);
    if (!err)
        err = pecan_cnode_copy(t->cnode, TASK_CNODE, TASK_RADIX, ROOT, t->space, ROOT_DEPTH,
                               PECAN_RIGHTS_ALL);
    if (!err)
        err = pecan_thread_configure(t->r.thread, t->space, PECAN_CAP_UNCHANGED,
                                     PECAN_CAP_UNCHANGED, REMOTE_STACK_VA, PECAN_CAP_UNCHANGED,
                                     PECAN_CAP_UNCHANGED);
    return err;
}

int task_copy(struct task *t, unsigned index, pecan_cap_t src, unsigned rights)
{
    return pecan_cnode_copy(t->cnode, index, TASK_RADIX, ROOT, src, ROOT_DEPTH, rights);
}

int task_mint(struct task *t, unsigned index, pecan_cap_t src, unsigned rights,
              pecan_word_t badge)
{
    return pecan_cnode_mint(t->cnode, index, TASK_RADIX, ROOT, src, ROOT_DEPTH, rights, badge);
}

unsigned task_cap_type(struct task *t, unsigned index)
{
    struct pecan_cap_identity id;
    return pecan_cnode_identify(t->cnode, index, TASK_RADIX, &id) == 0 ? id.type : CAPK_NULL;
}

void task_destroy(struct task *t)
{
    if (t->cnode)
        CHECK_OK(pecan_cnode_delete(t->cnode, TASK_SELF, TASK_RADIX));
    if (t->r.thread)
        CHECK_OK(cap_delete(t->r.thread));
    for (unsigned i = 0; i < t->r.text_count; i++)
        CHECK_OK(cap_delete(t->r.text_first + i));
    if (t->r.root_shared)
        CHECK_OK(cap_delete(t->r.root_shared));
}

bool wait_flag(volatile pecan_word_t *flag, unsigned ms)
{
    uint64_t deadline = kip_now_ns() + (uint64_t)ms * 1000000u;
    while (!*flag && kip_now_ns() < deadline)
        pecan_sleep_us(1000);   /* one tick */
    return *flag != 0;
}
