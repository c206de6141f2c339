/* SPDX-License-Identifier: MIT */
/* Bitwise CRC-32: no table, because it only runs over the boot image once per boot. */
#include <lib/crc32.h>

uint32_t crc32_update(uint32_t crc, const void *data, size_t size)
{
    const uint8_t *p = data;
    crc = ~crc;
    while (size--) {
        crc ^= *p++;
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}
