/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line from the boot image: space-separated words, either "name" or
 * "name=value". Portable (unit-tested on the host).
 */
#ifndef PECAN_LIB_CMDLINE_H
#define PECAN_LIB_CMDLINE_H

#include <types.h>

/* Copies the value of name=value into out (NUL-terminated) and returns true, or returns
 * false if the option is absent. A bare "name" has the empty value. */
bool cmdline_get(const char *cmdline, const char *name, char *out, size_t out_size);
bool cmdline_has(const char *cmdline, const char *name);

#endif
