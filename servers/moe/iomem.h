/* SPDX-License-Identifier: MIT */
/*
 * The IOMEM object (iomem.c): one per moe, to be registered as "iomem" in the root
 * namespace (for drivers only). Device dataspaces it makes are charged to nobody.
 */
#ifndef MOE_IOMEM_H
#define MOE_IOMEM_H

#include "moe.h"

/* The IOMEM object (made on the first call). 0 or -PECAN_ENOMEM. */
int iomem_create(struct server_object **out);

#endif
