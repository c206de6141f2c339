/* SPDX-License-Identifier: MIT */
/*
 * Device memory (protocol/iomem.h, memory.h) and the IOMEM objects that hand it out.
 *
 * The device window: at start-up moe takes every device untyped the kernel listed in the
 * boot info, in physical order, retypes each into 4 KiB frames and maps them uncached in
 * its device window, one after the other, so that physically adjacent device regions are
 * adjacent in the window too. A device dataspace's pages are then sent from moe's window
 * with memory items like any other page. All of it happens once, before any program runs:
 * the slots, page tables and window range are fixed by what the kernel handed over, and no
 * request adds to them (so no client can fill a table of moe's for the others, and moe's
 * free memory never moves because a driver mapped a device).
 *
 * IOMEM objects: the root one (moe's own, registered as "iomem" for the init program)
 * covers every address; a VIEW is a new IOMEM object that covers [phys, phys + size) of
 * the one it was made from, so a boot script can give a driver exactly its registers. A
 * view's record and gate are charged to the factory its maker names, and it goes with that
 * factory or when its last client copy goes. Dataspaces made through a view are the
 * payer's as well and do not depend on the view staying.
 *
 * Invariants: devices[] is sorted by physical address and never changes after
 * iomem_create; a device's frames are mapped at local .. local + size for moe's lifetime;
 * every IOMEM object's range is inside its maker's; what tasks got from the window is taken
 * back when a device dataspace over it is destroyed (memory_device_unmap).
 */
#include <pecan/protocol/iomem.h>

#include "dataspace.h"
#include "iomem.h"
#include "record.h"

#define MAX_DEVICES 64          /* device untyped regions moe takes from the boot info */
#define PAGE_SIZE 4096u

struct device {
    uint32_t phys, size;        /* one device untyped's region */
    pecan_cap_t untyped;
    uint32_t local;             /* moe's address of phys in the device window */
};

static struct device devices[MAX_DEVICES];
static unsigned device_count;

/* ---- the device window -------------------------------------------------------------- */

static void collect_devices(const struct pecan_bootinfo *info)
{
    for (uint32_t i = 0; i < info->cap_count && i < PECAN_BOOTINFO_MAX_CAPS; i++) {
        const struct pecan_bootinfo_cap *cap = &info->caps[i];
        if (cap->kind != PECAN_BOOTINFO_DEVICE_UNTYPED)
            continue;
        if (device_count == MAX_DEVICES) {
            moe_log("iomem: more than %u device regions; %08x and up are not used",
                    MAX_DEVICES, (unsigned)cap->paddr);
            return;
        }
        devices[device_count++] = (struct device){
            .phys = cap->paddr, .size = 1u << cap->size_bits, .untyped = cap->slot };
    }
}

static void sort_devices(void)
{
    for (unsigned i = 1; i < device_count; i++) {
        struct device d = devices[i];
        unsigned j = i;
        for (; j > 0 && devices[j - 1].phys > d.phys; j--)
            devices[j] = devices[j - 1];
        devices[j] = d;
    }
}

/* Places the devices in the window in physical order; those that do not fit are dropped
 * (the window is 256 MiB; the EB has a few dozen KiB of registers). */
static void place_devices(void)
{
    uint32_t next = MEMORY_DEVICE_WINDOW_BASE;
    unsigned kept = 0;
    for (unsigned i = 0; i < device_count; i++) {
        struct device d = devices[i];
        if (MEMORY_DEVICE_WINDOW_LIMIT - next < d.size) {
            moe_log("iomem: device window full; %08x (%u KiB) is not used",
                    (unsigned)d.phys, (unsigned)(d.size / 1024));
            continue;
        }
        d.local = next;
        next += d.size;
        devices[kept++] = d;
    }
    device_count = kept;
}

/* Page tables for the window's MiBs up to end (charged to moe, at start-up). */
static int map_window_tables(uint32_t end)
{
    for (uint32_t at = MEMORY_DEVICE_WINDOW_BASE; at < end; at += 1u << 20) {
        struct memory_block table;
        int err = memory_alloc_object(memory_own_quota(), PECAN_OBJ_PAGE_TABLE, 0, &table);
        if (err)
            return err;
        err = pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, table.object, at);
        if (err) {
            memory_free(&table);
            return err;
        }
    }
    return 0;
}

/* Retypes the device's untyped into 4 KiB frames and maps each at its window address. */
static int map_device(const struct device *d)
{
    unsigned count = d->size / PAGE_SIZE;
    pecan_cap_t first = moe_slots_alloc(count);
    if (!first)
        return -PECAN_ENOMEM;
    int err = pecan_untyped_retype(d->untyped, PECAN_OBJ_FRAME, 12, count, PECAN_ROOT_CNODE,
                                   first);
    if (err) {
        moe_slots_free(first, count);
        return err;
    }
    for (unsigned i = 0; i < count && !err; i++)
        err = pecan_vspace_map_frame(PECAN_ROOT_VSPACE, first + i, d->local + i * PAGE_SIZE,
                                     PECAN_MAP_READ | PECAN_MAP_WRITE, PECAN_MAP_UNCACHED);
    return err;
}

static int device_window_init(void)
{
    collect_devices(moe_bootinfo);
    sort_devices();
    place_devices();
    if (device_count == 0)
        return 0;
    const struct device *last = &devices[device_count - 1];
    int err = map_window_tables(last->local + last->size);
    for (unsigned i = 0; i < device_count && !err; i++)
        err = map_device(&devices[i]);
    return err;
}

/* The device whose region holds phys, or NULL. */
static const struct device *device_at(uint32_t phys)
{
    for (unsigned i = 0; i < device_count; i++)
        if (phys - devices[i].phys < devices[i].size)
            return &devices[i];
    return 0;
}

/* Is [phys, phys + size) (not empty, not wrapping) device memory in one run of regions
 * that are adjacent both physically and in the window? Visits each region at most once. */
static bool device_run(uint32_t phys, uint32_t size, uint32_t *local)
{
    const struct device *d = device_at(phys);
    if (!d)
        return false;
    *local = d->local + (phys - d->phys);
    uint32_t end = phys + size;
    while (end - d->phys > d->size) {
        const struct device *next = d + 1;
        if (next == &devices[device_count] || next->phys != d->phys + d->size ||
            next->local != d->local + d->size)
            return false;
        d = next;
    }
    return true;
}

static bool bad_range(uint32_t phys, uint32_t size)
{
    return size == 0 || (phys | size) & (PAGE_SIZE - 1) || phys + size < phys;
}

int memory_device_map(uint32_t phys, uint32_t size, uint32_t *local)
{
    if (bad_range(phys, size))
        return -PECAN_EALIGN;
    return device_run(phys, size, local) ? 0 : -PECAN_ENOENT;
}

void memory_device_unmap(uint32_t local, uint32_t size)
{
    /* Without UNMAP_OWN: the mapping database removes every mapping made from moe's page,
     * in every task, recursively. */
    for (uint32_t off = 0; off < size; off += PAGE_SIZE)
        pecan_vspace_unmap(PECAN_ROOT_VSPACE, local + off, 12, 0);
}

/* ---- IOMEM objects ------------------------------------------------------------------ */

struct iomem {
    struct server_object server;
    struct memory_block gate;
    struct moe_owned owned;
    uint32_t first, last;       /* the range it covers, both ends included */
};

static struct iomem root;
static const struct server_type iomem_type;

static bool is_root(const struct iomem *v)
{
    return v == &root;
}

static void destroy_view(struct iomem *v)
{
    moe_disown(&v->owned);
    moe_object_end(&v->server, &v->gate);
    record_free(v);
}

static void destroy_owned_view(struct moe_owned *owned)
{
    destroy_view((struct iomem *)((char *)owned - __builtin_offsetof(struct iomem, owned)));
}

static int view_create(struct factory *payer, uint32_t phys, uint32_t size, struct iomem **out)
{
    struct quota *q = factory_quota(payer);
    struct iomem *v;
    int err = RECORD_NEW(q, &v);
    if (err)
        return err;
    v->first = phys;
    v->last = phys + (size - 1);
    err = moe_object_start(&v->server, &v->gate, &iomem_type, q);
    if (err) {
        record_free(v);
        return err;
    }
    moe_own(payer, &v->owned, destroy_owned_view);
    *out = v;
    return 0;
}

/* Words 1-2 of DATASPACE and VIEW, and the right both need: [phys, phys + size) must be
 * pages inside the object's range. 0, -PECAN_EMSGTOOSHORT, -PECAN_EPERM (no WRITE),
 * -PECAN_EINVAL (empty, unaligned, wrapping), -PECAN_ERANGE (outside the range). */
static int requested_range(struct server_request *r, const struct iomem *v, uint32_t *phys,
                           uint32_t *size)
{
    /* It makes an object: WRITE, like FACTORY CREATE. */
    int err = server_need_writable(r, 3);
    if (err)
        return err;
    *phys = r->in[1];
    *size = r->in[2];
    if (bad_range(*phys, *size))
        return -PECAN_EINVAL;
    if (*phys < v->first || *phys + (*size - 1) > v->last)
        return -PECAN_ERANGE;
    return 0;
}

/* The range a DATASPACE or VIEW request names inside v, and the factory that pays. */
static int range_and_payer(struct server_request *r, struct iomem *v, uint32_t *phys,
                           uint32_t *size, struct factory **payer)
{
    int err = requested_range(r, v, phys, size);
    return err ? err : factory_received(r, 0, payer);
}

static int make_dataspace(struct server_request *r, struct iomem *v)
{
    uint32_t phys, size;
    struct factory *payer;
    int err = range_and_payer(r, v, &phys, &size, &payer);
    if (err)
        return err;
    struct dataspace *ds;
    err = dataspace_create_device(payer, factory_quota(payer), phys, size, &ds);
    if (err)
        return err;
    return server_reply_object(r, dataspace_object(ds), PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
}

static int make_view(struct server_request *r, struct iomem *v)
{
    uint32_t phys, size, local;
    struct factory *payer;
    int err = range_and_payer(r, v, &phys, &size, &payer);
    if (err)
        return err;
    if (!device_run(phys, size, &local))
        return -PECAN_ENOENT;   /* a view of nothing a driver could map: a script's typo */
    struct iomem *view;
    if ((err = view_create(payer, phys, size, &view)) != 0)
        return err;
    return server_reply_object(r, &view->server, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
}

static int iomem_request(struct server_request *r)
{
    struct iomem *v = (struct iomem *)r->object;
    int err = server_need_words(r, 1);
    if (err)
        return err;
    switch (r->in[0]) {
    case PECAN_IOMEM_DATASPACE: return make_dataspace(r, v);
    case PECAN_IOMEM_VIEW: return make_view(r, v);
    case PECAN_IOMEM_INFO:
        server_reply_word(r, v->first);
        server_reply_word(r, v->last);
        return 0;
    default: return -PECAN_ENOSYS;
    }
}

static void iomem_no_clients(struct server_object *object)
{
    struct iomem *v = (struct iomem *)object;
    if (!is_root(v))   /* moe's own stays */
        destroy_view(v);
}

static const struct server_protocol protocols[] = {
    { PECAN_PROTO_IOMEM, iomem_request },
};

static const struct server_type iomem_type = {
    .name = "iomem",
    .protocols = protocols,
    .protocol_count = 1,
    .no_clients = iomem_no_clients,
};

int iomem_create(struct server_object **out)
{
    if (root.server.key) {
        *out = &root.server;
        return 0;
    }
    int err = device_window_init();
    if (!err)
        err = moe_object_start(&root.server, &root.gate, &iomem_type, memory_own_quota());
    if (err)
        return err;
    root.first = 0;
    root.last = 0xFFFFFFFFu;
    *out = &root.server;
    return 0;
}
