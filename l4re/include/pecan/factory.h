/* SPDX-License-Identifier: MIT */
/*
 * FACTORY protocol client (l4re/client/factory.c; opcodes in protocol/factory.h). Each
 * create call puts the new capability into dest, an empty slot the caller allocated.
 */
#ifndef PECAN_FACTORY_H
#define PECAN_FACTORY_H

#include <pecan/protocol/factory.h>
#include <pecan/syscall.h>

int pecan_factory_create_gate(pecan_cap_t factory, pecan_cap_t dest);
int pecan_factory_create_notification(pecan_cap_t factory, pecan_cap_t dest);
/* phys (may be NULL): the physical address of a contiguous dataspace. */
int pecan_factory_create_dataspace(pecan_cap_t factory, pecan_word_t size, unsigned flags,
                                   unsigned align_order, pecan_cap_t dest, pecan_word_t *phys);
int pecan_factory_create_namespace(pecan_cap_t factory, pecan_cap_t dest);
int pecan_factory_create_factory(pecan_cap_t factory, pecan_word_t quota, pecan_cap_t dest);
/* The same, named (at most PECAN_FACTORY_NAME_MAX bytes) for moe's memory report. */
int pecan_factory_create_named_factory(pecan_cap_t factory, pecan_word_t quota,
                                       const char *name, pecan_cap_t dest);
/* A log: colour 0-7, plus PECAN_LOG_INPUT for a console that takes input. */
int pecan_factory_create_log(pecan_cap_t factory, unsigned colour, const char *tag,
                             pecan_cap_t dest);

/* The four capabilities of a new task. */
struct pecan_factory_task {
    pecan_cap_t task, cnode, region_map, vspace;
};
int pecan_factory_create_task(pecan_cap_t factory, const struct pecan_factory_task *dest);
/* Untyped of 2^size_bits bytes retyped into slot dest_slot of the CNode cnode, charged to
 * factory's quota and revoked (with all retyped from it) when the factory goes. */
int pecan_factory_create_untyped(pecan_cap_t factory, unsigned size_bits, pecan_cap_t cnode,
                                 pecan_word_t dest_slot);

struct pecan_factory_info {
    pecan_word_t quota, used, objects;
    pecan_word_t free_ram;    /* moe: its free RAM in bytes (0 if the server does not say) */
    pecan_word_t moe_own;     /* moe: bytes its own quota holds (0 if not said) */
};
int pecan_factory_info(pecan_cap_t factory, struct pecan_factory_info *info);
int pecan_factory_report(pecan_cap_t factory);
/* Ends descendant (a factory made through factory, or through one it made, ...) with
 * everything it made, whatever still holds capabilities to it; its quota goes back. */
int pecan_factory_destroy(pecan_cap_t factory, pecan_cap_t descendant);
/* Gives back a gate or notification made through factory (or a descendant of it): the
 * object goes, every capability to it with it, and its quota returns. */
int pecan_factory_release(pecan_cap_t factory, pecan_cap_t object);

#endif
