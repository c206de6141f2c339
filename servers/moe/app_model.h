/* SPDX-License-Identifier: MIT */
/*
 * Starting a program from rom (app_model.c): moe's app model for the loader library.
 * A struct moe_app_model describes one program: its name, the quota its factory gets, and after
 * the start its factory, task and parent object.
 */
#ifndef MOE_APP_MODEL_H
#define MOE_APP_MODEL_H

#include <pecan/loader.h>
#include "moe.h"

#define INIT_PRIORITY 100
/* The init program's MCP: below moe, so nothing it starts (or runs itself) can keep moe
 * from serving. The whole rest of the priority range is its to hand on. */
#define INIT_MCP (MOE_PRIORITY - 1)

/* A capability for the child: a moe object to mint, or else a slot of moe's to copy. */
struct app_model_cap {
    struct server_object *object;
    pecan_cap_t slot;
};

struct moe_app_model {
    const char *name;
    uint32_t quota;
    unsigned serial;               /* picks the log colour */
    bool console;                  /* its log is a console with input (--init-console) */
    struct factory *factory;
    struct task *task;
    struct parent *parent;
    struct app_model_cap *parent_cap;
    parent_exit_hook_t hook;
};

/* Starts the ELF image (its dataspace and moe's view of its bytes) with argv, the rom
 * namespace as "rom", and hook run at its exit. */
int app_model_start(struct moe_app_model *l, struct dataspace *image, const void *bytes,
                    uint32_t size, unsigned argc, const char *const *argv,
                    struct server_object *rom, parent_exit_hook_t hook);
int app_model_install_with_parent(void *context, pecan_cap_t slot, loader_handle_t cap,
                                  unsigned rights);

#endif
