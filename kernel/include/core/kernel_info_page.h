/* SPDX-License-Identifier: MIT */
/* The kernel info page (abi/kip.h), mapped read-only into every address space. */
#ifndef PECAN_CORE_KERNEL_INFO_PAGE_H
#define PECAN_CORE_KERNEL_INFO_PAGE_H

#include <pecan/kip.h>
#include <types.h>

/* Fills it in and maps it at PECAN_KIP_ADDRESS (before any address space is made). */
void kernel_info_page_init(unsigned cpu_count);
/* Publishes the clock (CPU 0's tick). */
void kernel_info_page_update_clock(uint64_t now_ns);

#endif
