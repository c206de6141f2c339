/* SPDX-License-Identifier: MIT */
/*
 * Device memory (protocol/iomem.h, memory.h): the device untyped the kernel gave moe are
 * retyped into 4 KiB frames on first use and mapped uncached in moe's device window, so a
 * device dataspace's pages can be sent with memory items like any other. The IOMEM object
 * makes such dataspaces; moe registers it as "iomem" for drivers only.
 *
 * Invariants: a device untyped is retyped at most once (frames[] records its frames);
 * every window range handed out stays mapped in moe for moe's lifetime (device memory is
 * not RAM and is not charged), and a range asked for again is reused; what tasks got from
 * it is taken back when a device dataspace over it is destroyed (memory_device_unmap).
 */
#include <pecan/protocol/iomem.h>

#include "dataspace.h"
#include "iomem.h"

#define MAX_DEVICE_UNTYPED 64
#define MAX_WINDOWS 64
#define PAGE_SIZE 4096u

struct device_frames {
    uint32_t phys;           /* the device untyped's base */
    pecan_cap_t first;       /* its 4 KiB frames, consecutive */
    unsigned count;
};

struct device_window {
    uint32_t phys, size, local;
};

static struct device_frames retyped[MAX_DEVICE_UNTYPED];
static unsigned retyped_count;
static struct device_window windows[MAX_WINDOWS];
static unsigned window_count;
static uint32_t window_next = MEMORY_DEVICE_WINDOW_BASE;

/* The frame capability of the device page at phys (retyping its untyped if need be). */
static int device_frame(uint32_t phys, pecan_cap_t *frame)
{
    pecan_cap_t untyped;
    uint32_t base;
    unsigned bits;
    int err = memory_device_untyped(phys, &untyped, &base, &bits);
    if (err)
        return err;
    for (unsigned i = 0; i < retyped_count; i++) {
        if (retyped[i].phys == base) {
            *frame = retyped[i].first + (phys - base) / PAGE_SIZE;
            return 0;
        }
    }
    if (retyped_count == MAX_DEVICE_UNTYPED)
        return -PECAN_ENOMEM;
    unsigned count = 1u << (bits - 12);
    pecan_cap_t first = moe_slots_alloc(count);
    if (!first)
        return -PECAN_ENOMEM;
    err = pecan_untyped_retype(untyped, PECAN_OBJ_FRAME, 12, count, PECAN_ROOT_CNODE, first);
    if (err) {
        moe_slots_free(first, count);
        return err;
    }
    retyped[retyped_count++] = (struct device_frames){ .phys = base, .first = first, .count = count };
    *frame = first + (phys - base) / PAGE_SIZE;
    return 0;
}

/* Maps a copy of the page's frame capability (a frame capability holds one mapping). */
static int map_page(uint32_t phys, uint32_t at)
{
    pecan_cap_t frame;
    int err = device_frame(phys, &frame);
    if (err)
        return err;
    pecan_cap_t copy = moe_slot_alloc();
    if (!copy)
        return -PECAN_ENOMEM;
    err = pecan_cnode_copy(PECAN_ROOT_CNODE, copy, 32, PECAN_ROOT_CNODE, frame, 32,
                           PECAN_RIGHTS_ALL);
    if (!err)
        err = pecan_vspace_map_frame(PECAN_ROOT_VSPACE, copy, at,
                                     PECAN_MAP_READ | PECAN_MAP_WRITE, PECAN_MAP_UNCACHED);
    if (err) {
        pecan_cnode_delete(PECAN_ROOT_CNODE, copy, 32);
        moe_slot_free(copy);
    }
    return err;
}

/* Page tables for the device window's MiBs as it grows (charged to moe). */
static int ensure_window_table(uint32_t at)
{
    static uint32_t tables_up_to = MEMORY_DEVICE_WINDOW_BASE;
    while (tables_up_to <= at) {
        struct memory_block table;
        int err = memory_alloc_object(memory_own_quota(), PECAN_OBJ_PAGE_TABLE, 0, &table);
        if (err)
            return err;
        err = pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, table.object, tables_up_to);
        if (err) {
            memory_free(&table);
            return err;
        }
        tables_up_to += 1u << 20;
    }
    return 0;
}

int memory_device_map(uint32_t phys, uint32_t size, uint32_t *local)
{
    if (size == 0 || (phys | size) & (PAGE_SIZE - 1) || phys + size < phys)
        return -PECAN_EALIGN;
    for (unsigned i = 0; i < window_count; i++) {
        const struct device_window *w = &windows[i];
        if (phys >= w->phys && phys + size <= w->phys + w->size) {
            *local = w->local + (phys - w->phys);
            return 0;
        }
    }
    /* Every page must be device memory moe holds before anything is mapped. */
    for (uint32_t p = phys; p < phys + size; p += PAGE_SIZE) {
        pecan_cap_t untyped;
        uint32_t base;
        unsigned bits;
        if (memory_device_untyped(p, &untyped, &base, &bits))
            return -PECAN_ENOENT;
    }
    if (window_count == MAX_WINDOWS || MEMORY_DEVICE_WINDOW_LIMIT - window_next < size)
        return -PECAN_ENOMEM;
    uint32_t at = window_next;
    for (uint32_t off = 0; off < size; off += PAGE_SIZE) {
        int err = ensure_window_table(at + off);
        if (!err)
            err = map_page(phys + off, at + off);
        if (err)
            return err;   /* pages mapped so far stay: the window is not reused */
    }
    window_next += size;
    windows[window_count++] = (struct device_window){ .phys = phys, .size = size, .local = at };
    *local = at;
    return 0;
}

void memory_device_unmap(uint32_t local, uint32_t size)
{
    /* Without UNMAP_OWN: the mapping database removes every mapping made from moe's page,
     * in every task, recursively. */
    for (uint32_t off = 0; off < size; off += PAGE_SIZE)
        pecan_vspace_unmap(PECAN_ROOT_VSPACE, local + off, 12, 0);
}

/* ---- the IOMEM object --------------------------------------------------------------- */

struct iomem {
    struct server_object server;
    struct memory_block gate;
};

static struct iomem the_iomem;

static int handle(struct server_request *r)
{
    if (r->words < 1)
        return -PECAN_EMSGTOOSHORT;
    if (r->in[0] != PECAN_IOMEM_DATASPACE)
        return -PECAN_ENOSYS;
    int err = server_need_words(r, 3);
    if (err)
        return err;
    if (!(r->rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;   /* makes an object: WRITE, like FACTORY CREATE */
    struct factory *payer;
    if ((err = factory_received(r, 0, &payer)) != 0)
        return err;
    struct dataspace *ds;
    err = dataspace_create_device(payer, factory_quota(payer), r->in[1], r->in[2], &ds);
    if (err)
        return err;
    return server_reply_object(r, dataspace_object(ds), PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
}

static const struct server_protocol protocols[] = {
    { PECAN_PROTO_IOMEM, handle },
};

static const struct server_type iomem_type = {
    .name = "iomem",
    .protocols = protocols,
    .protocol_count = 1,
    .no_clients = 0,   /* moe's own: it stays */
};

int iomem_create(struct server_object **out)
{
    if (the_iomem.server.key) {
        *out = &the_iomem.server;
        return 0;
    }
    int err = moe_object_start(&the_iomem.server, &the_iomem.gate, &iomem_type,
                               memory_own_quota());
    /* The window's first page table now, so moe's free memory does not move later when a
     * driver maps its first device (moe compares it before and after each program). */
    if (!err)
        err = ensure_window_table(MEMORY_DEVICE_WINDOW_BASE);
    if (err)
        return err;
    *out = &the_iomem.server;
    return 0;
}
