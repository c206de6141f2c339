/* SPDX-License-Identifier: MIT */
/*
 * The capability derivation tree, kept as in the seL4 thesis: one circular doubly-linked
 * list through all occupied slots, in preorder, with each slot's depth. The parent of an
 * entry is the nearest entry before it with a smaller depth; its descendants are the
 * entries after it with a greater depth, up to the first one that is not.
 *
 * Portable: unit-tested on the host (tests/unit/test_cdt.c).
 */
#ifndef PECAN_CORE_CDT_H
#define PECAN_CORE_CDT_H

#include <object/cap.h>

#define CDT_MAX_DEPTH 64

/* Adds a capability with no parent (boot-time objects and untyped). */
void cdt_insert_root(struct cte *slot);
/* Adds child as the first child of parent. Fails (false) if the tree would get too deep. */
bool cdt_insert_child(struct cte *parent, struct cte *child);
/* Adds copy as a sibling of original, directly before it. */
/* Inserts first[0..count) as children right after parent, in that order (a retype). The
 * caller has checked the depth. */
void cdt_insert_children(struct cte *parent, struct cte *first, unsigned count);
void cdt_insert_sibling(struct cte *original, struct cte *copy);
/* Puts to in from's place in the tree (move); from leaves the tree. */
void cdt_replace(struct cte *from, struct cte *to);
/* Takes slot out of the tree; its descendants move up one level to its parent. */
void cdt_remove(struct cte *slot);

/* O(1): has the capability no children? */
bool cdt_is_leaf(const struct cte *slot);
/* O(1): is this the last capability to its object (runs are contiguous)? */
bool cdt_is_last_reference(const struct cte *slot);
/* The first descendant of slot, or NULL. */
struct cte *cdt_first_descendant(const struct cte *slot);
/* The parent of slot, or NULL for a root. O(siblings). */
struct cte *cdt_parent(const struct cte *slot);
/* Is slot a descendant of ancestor with at most limit entries of the list between them?
 * false when it is not, or is farther: the walk is bounded because interrupts are masked
 * and only holders of ancestor's subtree choose how many entries lie in between. */
bool cdt_descends_within(const struct cte *slot, const struct cte *ancestor, unsigned limit);

/* Walking the whole tree in preorder (invariant checker): NULL ends. */
struct cte *cdt_first(void);
struct cte *cdt_next(const struct cte *slot);

/* Resets the tree to empty (boot and unit tests). */
void cdt_init(void);

#endif
