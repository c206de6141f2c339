/* SPDX-License-Identifier: MIT */
/* Typed message items: capabilities and memory mappings (core/ipc_items.c). */
#ifndef PECAN_CORE_IPC_ITEMS_H
#define PECAN_CORE_IPC_ITEMS_H

#include <object/thread.h>

/* Delivers one item (words *w0, *w1 as the sender wrote them) to receiver and rewrites
 * the two words as the receiver sees them. *cap_index counts the capability items so far:
 * the n-th one goes to the n-th receive slot. Returns 0 or a negative PECAN_E*. */
int ipc_transfer_item(struct thread *sender, struct thread *receiver, unsigned *cap_index,
                      word_t *w0, word_t *w1);

#endif
