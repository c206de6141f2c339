/* SPDX-License-Identifier: MIT */
/*
 * moe's app model for the loader library (pecan/loader.h): starts a program from rom in
 * a new task with direct calls into moe's own objects. Each program gets a factory of its
 * own (its quota), and everything made for it (task, dataspaces, log, parent) is owned
 * by that factory, so reclaiming the program is destroying its factory.
 *
 * Handles: a dataspace handle is a struct dataspace *; a capability handle is a struct
 * app_model_cap * (a moe object to mint, or a slot of moe's space to copy).
 */
#include <lib/string.h>
#include <pecan/loader.h>
#include "icu.h"
#include "iomem.h"
#include "app_model.h"

static struct pecan_env env_buffer;   /* the environment page is built here, then copied */

static int install_object(struct moe_app_model *l, pecan_cap_t slot, struct server_object *object,
                          unsigned rights)
{
    return server_mint_into(&moe_server, object, task_cnode(l->task), slot, MOE_DEPTH, rights);
}

static int install_slot(struct moe_app_model *l, pecan_cap_t slot, pecan_cap_t source,
                        unsigned rights)
{
    return pecan_cnode_copy(task_cnode(l->task), slot, MOE_DEPTH, PECAN_ROOT_CNODE, source,
                            MOE_DEPTH, rights);
}

static int app_create_task(void *context)
{
    struct moe_app_model *l = context;
    int err = task_create(l->factory, factory_quota(l->factory), l->name, &l->task);
    if (err)
        return err;
    if ((err = install_slot(l, PECAN_ENV_CNODE, task_cnode(l->task), PECAN_RIGHTS_ALL)) ||
        (err = install_slot(l, PECAN_ENV_VSPACE, task_vspace(l->task), PECAN_RIGHTS_ALL)) ||
        (err = install_object(l, PECAN_ENV_TASK, task_object(l->task),
                              PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT)) ||
        (err = install_object(l, PECAN_ENV_RM, region_map_object(task_region_map(l->task)),
                              PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT)))
        return err;
    return 0;
}

static int app_create_dataspace(void *context, uint32_t size, loader_handle_t *ds)
{
    struct moe_app_model *l = context;
    struct dataspace *d;
    int err = dataspace_create(l->factory, factory_quota(l->factory), size, 0, 0, &d);
    if (!err)
        *ds = (loader_handle_t)d;
    return err;
}

static int app_copy_in(void *context, loader_handle_t dest, uint32_t dest_offset,
                       loader_handle_t src, uint32_t src_offset, uint32_t size)
{
    (void)context;
    return dataspace_copy((struct dataspace *)dest, dest_offset, (struct dataspace *)src,
                          src_offset, size);
}

static int app_attach(void *context, loader_handle_t ds, uint32_t vaddr, uint32_t size,
                      unsigned rights, uint32_t offset)
{
    struct moe_app_model *l = context;
    return region_map_attach(task_region_map(l->task), vaddr, size, rights,
                             (struct dataspace *)ds, offset);
}

static void *app_map_local(void *context, loader_handle_t ds, uint32_t size)
{
    (void)context;
    (void)ds;
    return size <= sizeof(env_buffer) ? &env_buffer : 0;
}

/* Pages of a dataspace need not be adjacent in moe's window: copy page by page. */
static void app_unmap_local(void *context, loader_handle_t ds, void *local, uint32_t size)
{
    (void)context;
    const char *from = local;
    for (uint32_t offset = 0; offset < size; offset += 0x1000u) {
        char *to = dataspace_local((struct dataspace *)ds, offset);
        if (to)
            memcpy(to, from + offset, size - offset < 0x1000u ? size - offset : 0x1000u);
    }
}

static int app_install_cap(void *context, pecan_cap_t slot, loader_handle_t cap,
                           unsigned rights)
{
    struct moe_app_model *l = context;
    const struct app_model_cap *c = (const struct app_model_cap *)cap;
    if (c->object)
        return install_object(l, slot, c->object, rights);
    return install_slot(l, slot, c->slot, rights);
}

static int app_install_dataspace(void *context, pecan_cap_t slot, loader_handle_t ds,
                                 unsigned rights)
{
    return install_object(context, slot, dataspace_object((struct dataspace *)ds), rights);
}

static int app_start(void *context, uint32_t pc, uint32_t sp, uint32_t r0)
{
    struct moe_app_model *l = context;
    pecan_cap_t thread;
    int err = task_create_thread(l->task, PECAN_ENV_UTCB_AREA, &thread);
    if (err)
        return err;
    if ((err = install_slot(l, PECAN_ENV_THREAD, thread, PECAN_RIGHTS_ALL)) != 0)
        return err;
    return loader_run_thread(thread, PECAN_ROOT_SCHEDULER, INIT_PRIORITY, INIT_MCP, pc, sp, r0);
}

static const struct loader_app_model model_template = {
    .create_task = app_create_task,
    .create_dataspace = app_create_dataspace,
    .copy_in = app_copy_in,
    .attach = app_attach,
    .map_local = app_map_local,
    .unmap_local = app_unmap_local,
    .install_cap = app_install_cap,
    .install_dataspace = app_install_dataspace,
    .start = app_start,
};

static void log_error(struct moe_app_model *l, const char *what, int err)
{
    moe_log("%s: %s failed: error %d", l->name, what, err);
}

int app_model_start(struct moe_app_model *l, struct dataspace *image, const void *bytes,
                    uint32_t size, unsigned argc, const char *const *argv,
                    struct server_object *rom, parent_exit_hook_t hook)
{
    int err = factory_create(0, memory_own_quota(), l->quota, l->name, &l->factory);
    if (err) {
        log_error(l, "factory", err);
        return err;
    }
    factory_hold(l->factory);   /* it goes at the program's exit, not when it drops it */
    struct log *log;
    unsigned colour = 1 + l->serial % 6;
    l->serial++;
    if ((err = log_create(l->factory, factory_quota(l->factory), l->name, strlen(l->name),
                          colour, l->console, &log)) != 0) {
        log_error(l, "log", err);
        factory_destroy(l->factory);
        return err;
    }
    /* The parent object needs the task: it is made once the task exists (below). */
    struct app_model_cap log_cap = { .object = log_object(log) };
    struct app_model_cap factory_cap = { .object = factory_object(l->factory) };
    struct app_model_cap scheduler_cap = { .slot = PECAN_ROOT_SCHEDULER };
    struct app_model_cap rom_cap = { .object = rom };
    struct app_model_cap parent_cap = { 0 };
    /* The init program (ned) is trusted with device memory and interrupt lines and hands
     * views of them to drivers. */
    struct server_object *iomem = 0, *icu = 0;
    if ((err = iomem_create(&iomem)) != 0 || (err = icu_create(&icu)) != 0) {
        log_error(l, iomem ? "icu" : "iomem", err);
        factory_destroy(l->factory);
        return err;
    }
    struct app_model_cap iomem_cap = { .object = iomem };
    struct app_model_cap icu_cap = { .object = icu };
    struct loader_cap caps[] = {
        { 0, PECAN_ENV_LOG, (loader_handle_t)&log_cap, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT },
        { 0, PECAN_ENV_SCHEDULER, (loader_handle_t)&scheduler_cap, PECAN_RIGHTS_ALL },
        { 0, PECAN_ENV_FACTORY, (loader_handle_t)&factory_cap,
          PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT },
        { 0, PECAN_ENV_PARENT, (loader_handle_t)&parent_cap,
          PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT },
        { "iomem", 0, (loader_handle_t)&iomem_cap, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT },
        { "icu", 0, (loader_handle_t)&icu_cap, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT },
        { "rom", 0, (loader_handle_t)&rom_cap, PECAN_RIGHT_GRANT },
    };
    struct loader_program program = {
        .image = (loader_handle_t)image, .image_bytes = bytes, .image_size = size,
        .argc = argc, .argv = argv, .cap_count = rom ? 7 : 6, .caps = caps,
    };
    struct loader_app_model model = model_template;
    model.context = l;
    l->task = 0;
    /* The parent capability is installed by a wrapped install_cap once the task exists. */
    l->parent_cap = &parent_cap;
    l->hook = hook;
    model.install_cap = app_model_install_with_parent;
    const char *why = 0;
    err = loader_start(&model, &program, &why);
    if (err) {
        moe_log("%s: not started: %s (error %d)", l->name, why ? why : "?", err);
        factory_destroy(l->factory);
        l->factory = 0;
        return err;
    }
    return 0;
}

int app_model_install_with_parent(void *context, pecan_cap_t slot, loader_handle_t cap,
                               unsigned rights)
{
    struct moe_app_model *l = context;
    struct app_model_cap *c = (struct app_model_cap *)cap;
    if (c == l->parent_cap && !c->object) {
        struct parent *p;
        int err = parent_create(l->factory, factory_quota(l->factory), l->task, l->name,
                                l->hook, &p);
        if (err)
            return err;
        l->parent = p;
        c->object = parent_object(p);
    }
    return app_install_cap(context, slot, cap, rights);
}
