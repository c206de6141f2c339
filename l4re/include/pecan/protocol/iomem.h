/* SPDX-License-Identifier: MIT */
/*
 * The IOMEM protocol: device memory for drivers. moe registers one IOMEM object as "iomem"
 * in its root namespace; whoever holds it (a boot script gives it to drivers only) can make
 * dataspaces of device registers or framebuffer memory outside RAM.
 *
 * Costs: whoever asks pays. DATASPACE carries a moe FACTORY capability with WRITE; the
 * dataspace's record and gate are charged to that factory's quota and the dataspace is
 * destroyed with it (-PECAN_EINVALCAP without the item, -PECAN_EXDEV if it is not one of
 * moe's factories, -PECAN_EPERM without WRITE on it).
 *
 * Rights: DATASPACE needs the object right WRITE (-PECAN_EPERM). Destroying a device
 * dataspace takes every mapping of its registers back from every task.
 */
#ifndef PECAN_PROTOCOL_IOMEM_H
#define PECAN_PROTOCOL_IOMEM_H

#include <pecan/protocol_numbers.h>   /* PECAN_PROTO_IOMEM */

enum pecan_iomem_op {
    PECAN_IOMEM_DATASPACE = 0,   /* w1 physical address, w2 size (4 KiB aligned),
                                    item: the factory that pays
                                    -> item: a device dataspace (mapped uncached) */
};

#endif
