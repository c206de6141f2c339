/* SPDX-License-Identifier: MIT */
/* Untyped client calls. */
#include "call.h"

int pecan_untyped_retype(pecan_cap_t untyped, unsigned type, unsigned size_bits, unsigned count,
                         pecan_cap_t dest_cnode, pecan_word_t dest_offset)
{
    pecan_word_t w[] = { PECAN_UNTYPED_RETYPE, type, size_bits, count, dest_cnode, dest_offset };
    return sys_call(untyped, PECAN_PROTO_UNTYPED, 6, w, 0, 0);
}

int pecan_untyped_info(pecan_cap_t untyped, pecan_word_t *base, unsigned *size_bits,
                       int *is_device, int *is_leaf)
{
    pecan_word_t w[] = { PECAN_UNTYPED_INFO }, r[4] = { 0 };
    int err = sys_call(untyped, PECAN_PROTO_UNTYPED, 1, w, r, 4);
    if (base)
        *base = r[0];
    if (size_bits)
        *size_bits = r[1];
    if (is_device)
        *is_device = (int)r[2];
    if (is_leaf)
        *is_leaf = (int)r[3];
    return err;
}
