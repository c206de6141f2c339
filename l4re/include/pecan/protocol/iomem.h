/* SPDX-License-Identifier: MIT */
/*
 * The IOMEM protocol: device memory for drivers (docs/drivers.md). An IOMEM object covers
 * a range of physical addresses. moe registers the root one, which covers them all, as
 * "iomem" for its init program (a boot script hands narrower views on to drivers only);
 * VIEW makes an object that covers a part of the invoked one, so a driver can be given
 * exactly its registers. Whoever holds an object can make dataspaces of device registers
 * or framebuffer memory outside RAM inside its range, and narrower views.
 *
 * Costs: whoever asks pays. DATASPACE and VIEW carry a moe FACTORY capability with WRITE;
 * the new object's record and gate are charged to that factory's quota and the object is
 * destroyed with it (-PECAN_EINVALCAP without the item, -PECAN_EXDEV if it is not one of
 * moe's factories, -PECAN_EPERM without WRITE on it). A view also goes when its last
 * client copy goes; what was made through it stays (it belongs to its payer).
 *
 * Rights: DATASPACE and VIEW need the object right WRITE (-PECAN_EPERM); INFO needs none.
 * Destroying a device dataspace takes every mapping of its registers back from every task.
 *
 * Checks, in order: words (-PECAN_EMSGTOOSHORT), WRITE, the range (-PECAN_EINVAL: empty,
 * not 4 KiB aligned, wrapping; -PECAN_ERANGE: not inside the object's range), the factory,
 * then -PECAN_ENOENT: not device memory moe holds in one run (RAM, the kernel's own
 * devices, a gap between regions), -PECAN_ENOMEM: the payer's quota.
 */
#ifndef PECAN_PROTOCOL_IOMEM_H
#define PECAN_PROTOCOL_IOMEM_H

#include <pecan/protocol_numbers.h>   /* PECAN_PROTO_IOMEM */

enum pecan_iomem_op {
    PECAN_IOMEM_DATASPACE = 0,   /* w1 physical address, w2 size (4 KiB aligned, inside the
                                    object's range), item: the factory that pays
                                    -> item: a device dataspace (mapped uncached) */
    PECAN_IOMEM_VIEW = 1,        /* w1 physical address, w2 size (as DATASPACE), item: the
                                    factory that pays -> item: an IOMEM object covering
                                    [w1, w1 + w2) only */
    PECAN_IOMEM_INFO = 2,        /* -> w0 first, w1 last address covered (both included:
                                    moe's root object answers 0 and 0xFFFFFFFF) */
};

#endif
