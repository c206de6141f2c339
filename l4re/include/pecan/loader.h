/* SPDX-License-Identifier: MIT */
/*
 * The ELF loader library (l4re/loader, docs/runtime.md "Start-up of a program"), shared
 * by moe and the Lua loader: it reads the executable, plans its segments, builds the
 * environment page and starts the main thread, all through an "app model" of function
 * pointers. moe's app model calls into its own objects directly; a loader that is a
 * client implements it with IPC. A dataspace or capability is an opaque handle the app
 * model gives meaning to.
 */
#ifndef PECAN_LOADER_H
#define PECAN_LOADER_H

#include <stdint.h>
#include <pecan/env.h>

typedef uintptr_t loader_handle_t;

struct loader_app_model {
    void *context;
    /* The task: address space, capability space (well-known slots CNODE, VSPACE, TASK
     * and RM installed by the app model), region map. */
    int (*create_task)(void *context);
    /* An anonymous, zero-filled dataspace of size bytes. */
    int (*create_dataspace)(void *context, uint32_t size, loader_handle_t *ds);
    /* Copies size bytes of src at src_offset into dest at dest_offset. */
    int (*copy_in)(void *context, loader_handle_t dest, uint32_t dest_offset,
                   loader_handle_t src, uint32_t src_offset, uint32_t size);
    /* Attaches [offset, offset + size) of ds at vaddr of the child (rights PECAN_MAP_*). */
    int (*attach)(void *context, loader_handle_t ds, uint32_t vaddr, uint32_t size,
                  unsigned rights, uint32_t offset);
    /* A local, writable view of the first size bytes of ds (NULL on failure), and its end. */
    void *(*map_local)(void *context, loader_handle_t ds, uint32_t size);
    void (*unmap_local)(void *context, loader_handle_t ds, void *local, uint32_t size);
    /* Puts capability cap (with rights) into slot of the child's capability space. */
    int (*install_cap)(void *context, pecan_cap_t slot, loader_handle_t cap, unsigned rights);
    /* Optional (NULL: none): puts a capability to dataspace ds into slot. The heap is then
     * passed as the named capability "heap", so the runtime can give pages back. */
    int (*install_dataspace)(void *context, pecan_cap_t slot, loader_handle_t ds,
                             unsigned rights);
    /* Creates the main thread (UTCB at PECAN_ENV_UTCB_AREA, its thread object in
     * PECAN_ENV_THREAD) and starts it at pc with sp and r0. */
    int (*start)(void *context, uint32_t pc, uint32_t sp, uint32_t r0);
};

struct loader_cap {
    const char *name;         /* NULL: a well-known slot, not listed in the environment */
    pecan_cap_t slot;         /* well-known slot; named ones get slots from 16 on (0 here) */
    loader_handle_t cap;
    unsigned rights;
};

struct loader_program {
    loader_handle_t image;    /* the executable's dataspace */
    const void *image_bytes;  /* readable view of it, image_size bytes */
    uint32_t image_size;
    unsigned argc;
    const char *const *argv;
    unsigned envc;
    const char *const *envp;
    unsigned cap_count;
    const struct loader_cap *caps;
};

/* Loads and starts the program. 0, or a negative error: -PECAN_EINVAL for a bad
 * executable (*elf_error says why when not NULL), -PECAN_ERANGE if the arguments or
 * capabilities do not fit the environment page, or the app model's error. On an error
 * the app model's task is left for the caller to destroy. */
int loader_start(const struct loader_app_model *model, const struct loader_program *program,
                 const char **error);

/* Starts a configured thread at pc (bit 0 set: Thumb state) with sp and r0 in user mode,
 * through scheduler at priority on a program CPU (pecan_sched_program_cpus: not the root
 * server's when there are others; the lowest of them), with mcp as its priority limit
 * (RUN_THREAD, THREAD_SET_MCP, then THREAD_START): the last step of every app model's
 * start. The caller's own MCP bounds both (EPERM above it). */
int loader_run_thread(pecan_cap_t thread, pecan_cap_t scheduler, unsigned priority, unsigned mcp,
                      uint32_t pc, uint32_t sp, uint32_t r0);

/* Fills the environment page for the program (portable, host-tested). The named
 * capabilities get slots PECAN_ENV_FIRST_NAMED on, in order. */
int loader_build_env(struct pecan_env *env, const struct loader_program *program);

#endif
