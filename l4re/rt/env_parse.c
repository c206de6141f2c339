/* SPDX-License-Identifier: MIT */
/* Environment page parsing (env_parse.h). */
#include <pecan/errors.h>
#include "env_parse.h"

int env_check(const struct pecan_env *env)
{
    if (env->magic != PECAN_ENV_MAGIC || env->version != PECAN_ENV_VERSION)
        return -PECAN_EINVAL;
    if (env->cap_count > PECAN_ENV_MAX_CAPS || env->cnode_bits > 16 || env->cnode_bits < 4)
        return -PECAN_EINVAL;
    if (env->first_free_cap > (1u << env->cnode_bits))
        return -PECAN_EINVAL;
    if (env->argc + env->envc > sizeof(env->strings))
        return -PECAN_EINVAL;
    return 0;
}

static int names_equal(const char *entry, const char *name)
{
    for (unsigned i = 0; i < PECAN_ENV_NAME_SIZE; i++) {
        if (entry[i] != name[i])
            return 0;
        if (!entry[i])
            return 1;
    }
    return name[PECAN_ENV_NAME_SIZE] == 0;   /* entry filled all 16 bytes, no NUL */
}

pecan_cap_t env_find_cap(const struct pecan_env *env, const char *name)
{
    unsigned count = env->cap_count < PECAN_ENV_MAX_CAPS ? env->cap_count : PECAN_ENV_MAX_CAPS;
    for (unsigned i = 0; i < count; i++)
        if (names_equal(env->caps[i].name, name))
            return env->caps[i].cap;
    return 0;
}

int env_string_vectors(const struct pecan_env *env, char **vector, unsigned max)
{
    unsigned total = env->argc + env->envc;
    if (total + 2 > max)
        return -PECAN_ERANGE;
    const char *p = env->strings, *end = env->strings + sizeof(env->strings);
    unsigned out = 0;
    for (unsigned i = 0; i < total; i++) {
        if (i == env->argc)
            vector[out++] = 0;
        const char *s = p;
        while (p < end && *p)
            p++;
        if (p == end)
            return -PECAN_EINVAL;
        p++;
        vector[out++] = (char *)s;
    }
    if (total == env->argc)
        vector[out++] = 0;
    vector[out] = 0;
    return 0;
}
