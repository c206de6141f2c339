/* SPDX-License-Identifier: MIT */
/* What boot found out, for the rest of the kernel and for the self-tests. */
#ifndef PECAN_BOOT_INIT_H
#define PECAN_BOOT_INIT_H

#include <types.h>

struct boot_info {
    size_t ram_size;
    paddr_t kernel_phys_start;
    paddr_t kernel_phys_end;
    unsigned cpus_online;
    uint64_t cpus_online_ns;   /* clock when the last CPU reported in */
};

extern struct boot_info boot_info;

#endif
