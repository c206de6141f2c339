/* SPDX-License-Identifier: MIT */
/*
 * The environment page a loader writes for a program (pecan/env.h): layout constants,
 * the named capabilities with their slots, and argv/envp strings packed one after the
 * other. Portable: no system calls.
 */
#include <lib/string.h>
#include <pecan/loader.h>
#include <pecan/errors.h>

static int pack_strings(struct pecan_env *env, unsigned *used, unsigned count,
                        const char *const *strings)
{
    for (unsigned i = 0; i < count; i++) {
        size_t n = strlen(strings[i]) + 1;
        if (n > sizeof(env->strings) - *used)
            return -PECAN_ERANGE;
        memcpy(env->strings + *used, strings[i], n);
        *used += (unsigned)n;
    }
    return 0;
}

int loader_build_env(struct pecan_env *env, const struct loader_program *program)
{
    memset(env, 0, sizeof(*env));
    env->magic = PECAN_ENV_MAGIC;
    env->version = PECAN_ENV_VERSION;
    env->cnode_bits = PECAN_ENV_CNODE_BITS;
    env->utcb_area = PECAN_ENV_UTCB_AREA;
    env->utcb_slots = PECAN_ENV_UTCB_SLOTS;
    env->stack_top = PECAN_ENV_STACK_TOP;
    env->stack_size = PECAN_ENV_STACK_SIZE;
    env->heap_base = PECAN_ENV_HEAP_BASE;
    env->heap_max = PECAN_ENV_HEAP_MAX;
    pecan_cap_t next = PECAN_ENV_FIRST_NAMED;
    for (unsigned i = 0; i < program->cap_count; i++) {
        const struct loader_cap *c = &program->caps[i];
        if (!c->name)
            continue;
        if (env->cap_count == PECAN_ENV_MAX_CAPS || strlen(c->name) >= PECAN_ENV_NAME_SIZE)
            return -PECAN_ERANGE;
        struct pecan_env_cap *e = &env->caps[env->cap_count++];
        memcpy(e->name, c->name, strlen(c->name) + 1);
        e->cap = next++;
        e->rights = c->rights;
    }
    env->first_free_cap = next;
    unsigned used = 0;
    int err = pack_strings(env, &used, program->argc, program->argv);
    if (!err)
        err = pack_strings(env, &used, program->envc, program->envp);
    if (err)
        return err;
    env->argc = program->argc;
    env->envc = program->envc;
    return 0;
}
