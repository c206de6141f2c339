/* SPDX-License-Identifier: MIT */
/*
 * The IOMEM objects (iomem.c): moe's root IOMEM, to be given as "iomem" to the init
 * program (for drivers only), covering every address; views of it are paid for by whoever
 * makes them. Making the root one maps every device region in moe's device window.
 */
#ifndef MOE_IOMEM_H
#define MOE_IOMEM_H

#include "moe.h"

/* The root IOMEM object (made on the first call). 0 or a negative error. */
int iomem_create(struct server_object **out);

#endif
