/* SPDX-License-Identifier: MIT */
/*
 * What the root task is given (docs/abi.md, "The root task"): well-known capability
 * slots in its root CNode, and the boot-info area mapped read-only into its address space
 * (its address arrives in r0). The boot-info area lists every capability the kernel
 * placed in the root CNode, with its physical range, except the frames of the boot
 * modules, which are listed per module (their frames are consecutive in slots and in
 * physical memory).
 */
#ifndef PECAN_ABI_BOOTINFO_H
#define PECAN_ABI_BOOTINFO_H

#include <pecan/syscall.h>

/* The root task's address space: its ELF segments where they are linked, and these. */
#define PECAN_ROOT_STACK_TOP 0x7FF00000u
#define PECAN_ROOT_STACK_PAGES 16
#define PECAN_ROOT_UTCB_VADDR 0x7FF00000u
#define PECAN_ROOT_BOOTINFO_VADDR 0x7FF10000u
#define PECAN_ROOT_MODULES_VADDR 0x40000000u
#define PECAN_ROOT_IMAGE_LIMIT 0x40000000u   /* ELF segments must lie below */

/* Root CNode: one level, capability index = slot number, 2^root_cnode_bits slots (boot
 * info). The kernel sizes it from RAM, one slot per PECAN_ROOT_CNODE_BYTES_PER_SLOT bytes,
 * so that the root server (moe) can hold a capability for every block of memory it hands
 * out without a table one client could fill for the others (docs/runtime.md); never fewer
 * than 2^PECAN_ROOT_CNODE_MIN_BITS, never more than 2^PECAN_ROOT_CNODE_MAX_BITS. */
#define PECAN_ROOT_CNODE_MIN_BITS 14
#define PECAN_ROOT_CNODE_MAX_BITS 18
#define PECAN_ROOT_CNODE_BYTES_PER_SLOT 1024u
enum pecan_root_slot {
    PECAN_ROOT_NULL = 0,          /* always empty */
    PECAN_ROOT_THREAD = 1,
    PECAN_ROOT_CNODE = 2,
    PECAN_ROOT_VSPACE = 3,
    PECAN_ROOT_IRQ_CONTROL = 4,
    PECAN_ROOT_LOG = 5,
    PECAN_ROOT_SCHEDULER = 6,
    PECAN_ROOT_UTCB_FRAME = 7,
    PECAN_ROOT_BOOTINFO_FRAME = 8,  /* the first of PECAN_BOOTINFO_PAGES */
    PECAN_ROOT_FIRST_DYNAMIC = 16,  /* listed in struct pecan_bootinfo from here on */
};

#define PECAN_BOOTINFO_MAGIC 0x4F464E49u   /* "INFO" */
#define PECAN_BOOTINFO_VERSION 1u
#define PECAN_BOOTINFO_PAGES 8
#define PECAN_BOOTINFO_MAX_CAPS 1024
#define PECAN_BOOTINFO_MAX_MODULES 64
#define PECAN_BOOTINFO_NAME_SIZE 48

enum pecan_bootinfo_kind {
    PECAN_BOOTINFO_UNTYPED = 1,         /* RAM untyped */
    PECAN_BOOTINFO_DEVICE_UNTYPED = 2,  /* MMIO: only frames can be made from it */
    PECAN_BOOTINFO_MODULE_FRAME = 3,    /* frames holding a boot module */
    PECAN_BOOTINFO_IMAGE_FRAME = 4,     /* frames of the root task's own image and stack */
    PECAN_BOOTINFO_PAGE_TABLE = 5,      /* page tables of the root's address space */
    PECAN_BOOTINFO_KERNEL_OBJECT = 6,   /* thread object, CNode, vspace, ... (well-known
                                           slots) */
};

struct pecan_bootinfo_cap {
    pecan_cap_t slot;
    uint32_t kind;          /* enum pecan_bootinfo_kind */
    uint32_t paddr;         /* physical base */
    uint32_t size_bits;     /* size is 1 << size_bits bytes */
};

struct pecan_bootinfo_module {
    char name[PECAN_BOOTINFO_NAME_SIZE];
    pecan_cap_t first_frame;   /* slots first_frame .. first_frame + frame_count - 1 */
    uint32_t frame_count;      /* 4 KiB frames */
    uint32_t size;             /* bytes */
    uint32_t vaddr;            /* mapped read-only in the root's address space here */
    uint32_t paddr;            /* physical address of the first frame (they are contiguous) */
};

struct pecan_bootinfo {
    uint32_t magic;
    uint32_t version;
    uint32_t cpu_count;
    uint32_t ram_size;
    pecan_cap_t first_free_slot;     /* root CNode slots from here on are empty */
    uint32_t root_cnode_bits;
    uint32_t utcb_vaddr;
    uint32_t cap_count;
    uint32_t module_count;
    char cmdline[256];               /* the boot image's command line */
    struct pecan_bootinfo_cap caps[PECAN_BOOTINFO_MAX_CAPS];
    struct pecan_bootinfo_module modules[PECAN_BOOTINFO_MAX_MODULES];
    uint32_t irq_count;              /* IRQ control GET takes numbers below this (the
                                        board's numbering, docs/drivers.md); some of them
                                        are the kernel's (-PECAN_ERANGE) */
};

#endif
