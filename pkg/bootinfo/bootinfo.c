/* SPDX-License-Identifier: MIT */
/*
 * bootinfo: a root task that shows what the kernel handed over: every capability in the
 * root CNode with its physical range, the boot modules, and the totals of untyped
 * memory. It checks each listed capability against the kernel (CNode identify) and exits
 * with status 0 if all agree.
 */
#include <pecan/bootinfo.h>
#include <pecan/print.h>
#include <pecan/sys.h>

static const char *const kind_names[] = {
    [PECAN_BOOTINFO_UNTYPED] = "untyped",
    [PECAN_BOOTINFO_DEVICE_UNTYPED] = "device untyped",
    [PECAN_BOOTINFO_MODULE_FRAME] = "module frame",
    [PECAN_BOOTINFO_IMAGE_FRAME] = "frame",
    [PECAN_BOOTINFO_PAGE_TABLE] = "page table",
    [PECAN_BOOTINFO_KERNEL_OBJECT] = "kernel object",
};

static int check_cap(const struct pecan_bootinfo_cap *cap)
{
    struct pecan_cap_identity id;
    int err = pecan_cnode_identify(PECAN_ROOT_CNODE, cap->slot, 32, &id);
    if (err || id.type == 0) {
        pecan_printf("bootinfo: slot %u is listed but empty (%d)\n", (unsigned)cap->slot, err);
        return 1;
    }
    if (id.phys != cap->paddr) {
        pecan_printf("bootinfo: slot %u: listed at %08lx, kernel says %08lx\n",
                     (unsigned)cap->slot, (unsigned long)cap->paddr, (unsigned long)id.phys);
        return 1;
    }
    return 0;
}

int root_main(const struct pecan_bootinfo *info);

int root_main(const struct pecan_bootinfo *info)
{
    if (info->magic != PECAN_BOOTINFO_MAGIC || info->version != PECAN_BOOTINFO_VERSION) {
        pecan_printf("bootinfo: bad boot-info magic/version\n");
        return 1;
    }
    unsigned long untyped = 0, device = 0;
    int problems = 0;
    pecan_printf("root task: %u CPUs, %lu MiB RAM, %u IRQ numbers, command line \"%s\"\n",
                 (unsigned)info->cpu_count, (unsigned long)(info->ram_size >> 20),
                 (unsigned)info->irq_count, info->cmdline);
    pecan_printf("capabilities (first free slot %u):\n", (unsigned)info->first_free_slot);
    for (unsigned i = 0; i < info->cap_count; i++) {
        const struct pecan_bootinfo_cap *c = &info->caps[i];
        pecan_printf("  slot %4u  %-14s phys %08lx  size 2^%u\n", (unsigned)c->slot,
                     kind_names[c->kind], (unsigned long)c->paddr, (unsigned)c->size_bits);
        if (c->kind == PECAN_BOOTINFO_UNTYPED)
            untyped += 1ul << c->size_bits;
        if (c->kind == PECAN_BOOTINFO_DEVICE_UNTYPED)
            device += 1ul << c->size_bits;
        problems += check_cap(c);
    }
    pecan_printf("modules:\n");
    for (unsigned i = 0; i < info->module_count; i++) {
        const struct pecan_bootinfo_module *m = &info->modules[i];
        pecan_printf("  %-24s %8lu bytes, frames %u-%u, at %08lx\n", m->name, (unsigned long)m->size,
                     (unsigned)m->first_frame, (unsigned)(m->first_frame + m->frame_count - 1),
                     (unsigned long)m->vaddr);
    }
    pecan_printf("untyped: %lu KiB of RAM, %lu KiB of device memory; %d problems\n",
                 untyped / 1024, device / 1024, problems);
    return problems ? 1 : 0;
}
