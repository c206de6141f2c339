/* SPDX-License-Identifier: MIT */
/*
 * The "rom" namespace: every boot module as a read-only dataspace, under the module's
 * name. Built once at start-up; the entries hold read-only client copies, so the
 * dataspaces live as long as moe.
 */
#include <lib/string.h>
#include "moe.h"

static struct dataspace *modules[PECAN_BOOTINFO_MAX_MODULES];

static int enter_module(struct namespace *rom, const struct pecan_bootinfo_module *module,
                        struct dataspace **ds_out)
{
    struct dataspace *ds;
    int err = dataspace_create_rom(module, &ds);
    if (err)
        return err;
    *ds_out = ds;
    pecan_cap_t slot = moe_slot_alloc();
    if (!slot)
        return -PECAN_ENOMEM;
    err = server_mint(&moe_server, dataspace_object(ds), slot, PECAN_RIGHT_GRANT);
    if (!err)
        err = namespace_enter(rom, module->name, strnlen(module->name, sizeof(module->name)),
                              slot, 0);
    if (err) {
        pecan_cnode_delete(PECAN_ROOT_CNODE, slot, MOE_DEPTH);
        moe_slot_free(slot);
    }
    return err;
}

int rom_create(struct namespace **out)
{
    int err = namespace_create(0, memory_own_quota(), out);
    if (err)
        return err;
    for (unsigned i = 0; i < moe_bootinfo->module_count; i++) {
        err = enter_module(*out, &moe_bootinfo->modules[i], &modules[i]);
        if (err)
            moe_log("rom: module %s not entered: error %d", moe_bootinfo->modules[i].name, err);
    }
    return 0;
}

const struct pecan_bootinfo_module *rom_find(const char *name, unsigned length,
                                             struct dataspace **ds)
{
    for (unsigned i = 0; i < moe_bootinfo->module_count; i++) {
        const struct pecan_bootinfo_module *m = &moe_bootinfo->modules[i];
        if (modules[i] && strnlen(m->name, sizeof(m->name)) == length &&
            memcmp(m->name, name, length) == 0) {
            *ds = modules[i];
            return m;
        }
    }
    return 0;
}
