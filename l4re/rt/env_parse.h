/* SPDX-License-Identifier: MIT */
/*
 * Reading the environment page (portable; host-tested in tests/unit): the check of its
 * header, named capabilities by name, and the argv/envp string vectors. The page comes
 * from the loader, so every count and string is checked against the page's bounds.
 */
#ifndef PECAN_RT_ENV_PARSE_H
#define PECAN_RT_ENV_PARSE_H

#include <pecan/env.h>

/* 0 if magic, version and counts are sane, else -PECAN_EINVAL. */
int env_check(const struct pecan_env *env);
/* The slot of the capability named name, or 0. */
pecan_cap_t env_find_cap(const struct pecan_env *env, const char *name);
/* Fills vector with argc argv pointers, NULL, envc envp pointers, NULL (argc + envc + 2
 * entries, at most max). Returns 0, -PECAN_ERANGE if max is too small, or -PECAN_EINVAL
 * if the strings run past the page. */
int env_string_vectors(const struct pecan_env *env, char **vector, unsigned max);

#endif
