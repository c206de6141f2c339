/* SPDX-License-Identifier: MIT */
/*
 * The ICU objects (icu.c): moe's root ICU, to be given as "icu" to the init program (for
 * drivers only), covering every IRQ number the kernel has.
 */
#ifndef MOE_ICU_H
#define MOE_ICU_H

#include "moe.h"

/* The root ICU (made on the first call). 0 or -PECAN_ENOMEM. */
int icu_create(struct server_object **out);

#endif
