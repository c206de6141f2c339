/* SPDX-License-Identifier: MIT */
/* CRC-32 (IEEE 802.3, as zlib's crc32) for boot image checks. Portable. */
#ifndef PECAN_LIB_CRC32_H
#define PECAN_LIB_CRC32_H

#include <types.h>

/* Continues a CRC: crc32_update(0, data, n) is the CRC of data. */
uint32_t crc32_update(uint32_t crc, const void *data, size_t size);

#endif
