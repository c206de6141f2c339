/* SPDX-License-Identifier: MIT */
/*
 * NAMESPACE protocol client (l4re/client/namespace.c; opcodes in protocol/namespace.h).
 * Names are '/'-separated paths; a query that a server resolves only in part returns a
 * namespace and how much of the name is left, and pecan_ns_query goes on there.
 */
#ifndef PECAN_NAMESPACE_H
#define PECAN_NAMESPACE_H

#include <pecan/protocol/namespace.h>
#include <pecan/syscall.h>

/* Resolves name (length bytes) starting at ns; the capability lands in dest (an empty
 * slot), *flags (may be NULL) gets the last entry's flags. */
int pecan_ns_query(pecan_cap_t ns, const char *name, unsigned length, pecan_cap_t dest,
                   unsigned *flags);
/* Same for a NUL-terminated name. */
int pecan_ns_query_path(pecan_cap_t ns, const char *path, pecan_cap_t dest);
int pecan_ns_register(pecan_cap_t ns, const char *name, pecan_cap_t cap, unsigned flags);
int pecan_ns_unlink(pecan_cap_t ns, const char *name);
/* The index-th entry: its name (NUL-terminated, cut to size) and flags. -PECAN_ENOENT
 * past the end. */
int pecan_ns_list(pecan_cap_t ns, unsigned index, char *name, unsigned size, unsigned *flags);

#endif
