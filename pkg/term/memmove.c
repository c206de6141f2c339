/* SPDX-License-Identifier: MIT */
/*
 * memmove for term, in place of newlib's. libvterm scrolls by moving its cell buffer with
 * memmove: on 80 x 30 cells that is 83 KB per line scrolled, the most of what text costs.
 * newlib's generic C memmove moves 16 bytes in 12 instructions forwards and one byte in 4
 * backwards; this one moves 64 bytes per two load-multiple and store-multiple pairs when source
 * and destination are equally aligned, in either direction, and byte by byte otherwise.
 * Same contract as the standard's: any overlap, n may be 0.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define BLOCK 64u

static void forwards(uint8_t *d, const uint8_t *s, size_t n)
{
    if ((((uintptr_t)d ^ (uintptr_t)s) & 3) == 0) {
        for (; ((uintptr_t)d & 3) && n; n--)
            *d++ = *s++;
        for (; n >= BLOCK; n -= BLOCK)
            __asm__ volatile("ldmia %1!, {r2-r9}\n\tstmia %0!, {r2-r9}\n\t"
                             "ldmia %1!, {r2-r9}\n\tstmia %0!, {r2-r9}"
                             : "+r"(d), "+r"(s)
                             :
                             : "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "memory");
        for (; n >= 4; n -= 4, d += 4, s += 4)
            *(uint32_t *)d = *(const uint32_t *)s;
    }
    for (; n; n--)
        *d++ = *s++;
}

/* From the end down: d and s point just past the bytes to move. */
static void backwards(uint8_t *d, const uint8_t *s, size_t n)
{
    if ((((uintptr_t)d ^ (uintptr_t)s) & 3) == 0) {
        for (; ((uintptr_t)d & 3) && n; n--)
            *--d = *--s;
        for (; n >= BLOCK; n -= BLOCK)
            __asm__ volatile("ldmdb %1!, {r2-r9}\n\tstmdb %0!, {r2-r9}\n\t"
                             "ldmdb %1!, {r2-r9}\n\tstmdb %0!, {r2-r9}"
                             : "+r"(d), "+r"(s)
                             :
                             : "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "memory");
        for (; n >= 4; n -= 4) {
            d -= 4, s -= 4;
            *(uint32_t *)d = *(const uint32_t *)s;
        }
    }
    for (; n; n--)
        *--d = *--s;
}

void *memmove(void *destination, const void *source, size_t n)
{
    uint8_t *d = destination;
    const uint8_t *s = source;
    if (d == s || n == 0)
        return destination;
    if (d < s || (uintptr_t)d - (uintptr_t)s >= n)
        forwards(d, s, n);
    else
        backwards(d + n, s + n, n);
    return destination;
}
