/* SPDX-License-Identifier: MIT */
/*
 * The invariant checker (debug and test builds): walks every capability and object and
 * reports each problem it finds on the console. Returns the number of problems.
 *   - the derivation tree is well formed (links, depths) and every capability to one
 *     object is in one contiguous run;
 *   - every object lies inside its nearest untyped ancestor, aligned to its size, and
 *     the objects under one untyped do not overlap;
 *   - nothing in the kernel points to a destroyed object: run queues, notification
 *     queues, IRQ bindings, the ASID table, page tables.
 */
#ifndef PECAN_CORE_INVARIANTS_H
#define PECAN_CORE_INVARIANTS_H

#include <types.h>

unsigned invariants_check(void);

/* For the checks other files contribute: is there a live object with this key (kernel VA,
 * or physical base for frames and untyped) and capability type? */
bool invariants_object_live(word_t key, unsigned cap_type);
/* Reports a problem (printf-style); counts it. */
void invariants_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Contributed by object/vspace.c: page directories and tables of live address spaces
 * point only at live page tables and frames; the ASID table only at live vspaces. */
void vspace_check_invariants(void);

#endif
