/* SPDX-License-Identifier: MIT */
/*
 * ARMv6 short-descriptor encodings for user mappings (SCTLR.XP = 1, subpages disabled).
 * References: ARM Architecture Reference Manual, ARMv6 edition (DDI 0100I), chapter B4:
 * the access-permission table (APX:AP), the memory-region attribute table (TEX/C/B), and
 * B4.7 (first- and second-level descriptor formats); ARM11 MPCore TRM chapter 6.
 *
 * First level (L1, 4096 entries, one per MiB):
 *   fault    [1:0]=00                 bits [31:2] ignored by the MMU (software may use them)
 *   coarse   [1:0]=01  [8:5] domain  [31:10] L2 table base
 *   section  [1:0]=10  B[2] C[3] XN[4] domain[8:5] AP[11:10] TEX[14:12] APX[15] S[16]
 *            nG[17] [18]=0 (1 would be a supersection) [31:20] base
 * Second level (coarse table, 256 entries, one per 4 KiB):
 *   large    [1:0]=01  B[2] C[3] AP[5:4] APX[9] S[10] nG[11] TEX[14:12] XN[15] [31:16] base
 *            (a 64 KiB page is 16 identical entries at a 16-entry boundary)
 *   small    [1]=1 XN[0] B[2] C[3] AP[5:4] TEX[8:6] APX[9] S[10] nG[11] [31:12] base
 *
 * Every user mapping: domain 0, nG = 1 (ASID-tagged), and one of two memory types:
 *   normal RAM:     TEX=001 C=1 B=1 (write-back, write-allocate), S=1 (the MPCore's CPUs
 *                   share it coherently; same attributes as the kernel window, so no alias
 *                   with different cacheability for ordinary frames);
 *   shared device:  TEX=000 C=0 B=1 (PECAN_MAP_UNCACHED, or a device frame); S is ignored.
 * Access: read-write APX=0 AP=11; read-only APX=1 AP=10 (APX=1 AP=11 is reserved on v6, it
 * only became "read-only" in v6K/v7). There is no write-only or execute-only user page, so
 * every mapping is readable. XN=1 unless PECAN_MAP_EXECUTE.
 *
 * Portable (no inline assembly): unit-tested on the host (tests/unit/test_page_table.c).
 */
#ifndef PECAN_ARCH_PAGE_TABLE_H
#define PECAN_ARCH_PAGE_TABLE_H

#include <pecan/protocols.h>
#include <types.h>

#define L1_ENTRIES 4096u
#define L2_ENTRIES 256u
#define L2_TABLE_BYTES 1024u
#define LARGE_PAGE_ENTRIES 16u         /* L2 entries one 64 KiB page occupies */

#define FRAME_BITS_SMALL 12u
#define FRAME_BITS_LARGE 16u
#define FRAME_BITS_SECTION 20u

#define L1_INDEX(va) ((va) >> 20)
#define L2_INDEX(va) (((va) >> 12) & 0xffu)

/* Descriptor types. */
#define PT_TYPE_MASK 0x3u
#define PT_TYPE_FAULT 0x0u
#define L1_TYPE_COARSE 0x1u
#define L1_TYPE_SECTION 0x2u
#define L2_TYPE_LARGE 0x1u
#define L2_SMALL_BIT 0x2u              /* bits[1:0] = 1x: small page, bit 0 is its XN */

#define L1_COARSE_BASE_MASK 0xFFFFFC00u
#define L1_SECTION_BASE_MASK 0xFFF00000u
#define L2_LARGE_BASE_MASK 0xFFFF0000u
#define L2_SMALL_BASE_MASK 0xFFFFF000u
#define L1_SECTION_SUPER (1u << 18)

/* The attribute fields every format has, before they are placed at its bit positions. */
struct pt_attrs {
    unsigned b, c, tex;   /* memory type */
    unsigned ap, apx;     /* access permissions */
    unsigned s, xn;
};

#define PT_AP_USER_RW 0x3u    /* with APX=0 */
#define PT_AP_USER_RO 0x2u    /* with APX=1 */

/* The attributes of a user mapping with the given PECAN_MAP_* bits. */
static inline struct pt_attrs pt_user_attrs(unsigned map_rights)
{
    struct pt_attrs a;
    bool uncached = (map_rights & PECAN_MAP_UNCACHED) != 0;

    a.b = 1;
    a.c = uncached ? 0 : 1;
    a.tex = uncached ? 0 : 1;
    a.s = uncached ? 0 : 1;
    if (map_rights & PECAN_MAP_WRITE) {
        a.ap = PT_AP_USER_RW;
        a.apx = 0;
    } else {
        a.ap = PT_AP_USER_RO;
        a.apx = 1;
    }
    a.xn = (map_rights & PECAN_MAP_EXECUTE) ? 0 : 1;
    return a;
}

/* Back from the fields to PECAN_MAP_* bits (0 if not user-accessible). */
static inline unsigned pt_rights_of(unsigned apx, unsigned ap, unsigned xn, unsigned c)
{
    unsigned rights;

    if (apx == 0 && ap == PT_AP_USER_RW)
        rights = PECAN_MAP_READ | PECAN_MAP_WRITE;
    else if (apx == 1 && ap == PT_AP_USER_RO)
        rights = PECAN_MAP_READ;
    else
        return 0;
    if (!xn)
        rights |= PECAN_MAP_EXECUTE;
    if (!c)
        rights |= PECAN_MAP_UNCACHED;
    return rights;
}

static inline uint32_t pt_coarse(paddr_t table)
{
    return (table & L1_COARSE_BASE_MASK) | L1_TYPE_COARSE;   /* domain 0 */
}

static inline uint32_t pt_section(paddr_t pa, unsigned map_rights)
{
    struct pt_attrs a = pt_user_attrs(map_rights);
    return (pa & L1_SECTION_BASE_MASK) | L1_TYPE_SECTION | a.b << 2 | a.c << 3 | a.xn << 4 |
           a.ap << 10 | a.tex << 12 | a.apx << 15 | a.s << 16 | 1u << 17;
}

static inline uint32_t pt_large_page(paddr_t pa, unsigned map_rights)
{
    struct pt_attrs a = pt_user_attrs(map_rights);
    return (pa & L2_LARGE_BASE_MASK) | L2_TYPE_LARGE | a.b << 2 | a.c << 3 | a.ap << 4 |
           a.apx << 9 | a.s << 10 | 1u << 11 | a.tex << 12 | a.xn << 15;
}

static inline uint32_t pt_small_page(paddr_t pa, unsigned map_rights)
{
    struct pt_attrs a = pt_user_attrs(map_rights);
    return (pa & L2_SMALL_BASE_MASK) | L2_SMALL_BIT | a.xn | a.b << 2 | a.c << 3 | a.ap << 4 |
           a.tex << 6 | a.apx << 9 | a.s << 10 | 1u << 11;
}

static inline bool pt_is_section(uint32_t l1)
{
    return (l1 & PT_TYPE_MASK) == L1_TYPE_SECTION && !(l1 & L1_SECTION_SUPER);
}

static inline bool pt_is_coarse(uint32_t l1)
{
    return (l1 & PT_TYPE_MASK) == L1_TYPE_COARSE;
}

static inline bool pt_is_large(uint32_t l2)
{
    return (l2 & PT_TYPE_MASK) == L2_TYPE_LARGE;
}

static inline bool pt_is_small(uint32_t l2)
{
    return (l2 & L2_SMALL_BIT) != 0;
}

static inline unsigned pt_section_rights(uint32_t d)
{
    return pt_rights_of((d >> 15) & 1, (d >> 10) & 3, (d >> 4) & 1, (d >> 3) & 1);
}

static inline unsigned pt_large_rights(uint32_t d)
{
    return pt_rights_of((d >> 9) & 1, (d >> 4) & 3, (d >> 15) & 1, (d >> 3) & 1);
}

static inline unsigned pt_small_rights(uint32_t d)
{
    return pt_rights_of((d >> 9) & 1, (d >> 4) & 3, d & 1, (d >> 3) & 1);
}

/* The descriptor for a frame of size_bits (12, 16, 20) at pa: section for 1 MiB, else the
 * L2 entry (repeated LARGE_PAGE_ENTRIES times for 64 KiB). */
static inline uint32_t pt_frame_descriptor(unsigned size_bits, paddr_t pa, unsigned map_rights)
{
    if (size_bits == FRAME_BITS_SECTION)
        return pt_section(pa, map_rights);
    if (size_bits == FRAME_BITS_LARGE)
        return pt_large_page(pa, map_rights);
    return pt_small_page(pa, map_rights);
}

/* Does descriptor d map a frame of size_bits at pa (the mapping a frame capability made)? */
static inline bool pt_maps_frame(uint32_t d, unsigned size_bits, paddr_t pa)
{
    if (size_bits == FRAME_BITS_SECTION)
        return pt_is_section(d) && (d & L1_SECTION_BASE_MASK) == pa;
    if (size_bits == FRAME_BITS_LARGE)
        return pt_is_large(d) && (d & L2_LARGE_BASE_MASK) == pa;
    return pt_is_small(d) && (d & L2_SMALL_BASE_MASK) == pa;
}

/* Does a second-level entry map anything (small or large page)? */
static inline bool pt_l2_valid(uint32_t l2)
{
    return (l2 & PT_TYPE_MASK) != PT_TYPE_FAULT;
}

/* The physical address of the 4 KiB page at va that a valid L2 entry d maps (for a large
 * page: the piece of it at va). */
static inline paddr_t pt_l2_page(uint32_t d, vaddr_t va)
{
    if (pt_is_large(d))
        return (d & L2_LARGE_BASE_MASK) | (va & ~L2_LARGE_BASE_MASK & L2_SMALL_BASE_MASK);
    return d & L2_SMALL_BASE_MASK;
}

/* The PECAN_MAP_* rights (| PECAN_MAP_UNCACHED) of a valid L2 entry. */
static inline unsigned pt_l2_rights(uint32_t d)
{
    return pt_is_large(d) ? pt_large_rights(d) : pt_small_rights(d);
}

/* The PECAN_MAP_* rights of a mapping descriptor (L1 section or L2 page). */
static inline unsigned pt_descriptor_rights(unsigned size_bits, uint32_t d)
{
    if (size_bits == FRAME_BITS_SECTION)
        return pt_section_rights(d);
    if (size_bits == FRAME_BITS_LARGE)
        return pt_large_rights(d);
    return pt_small_rights(d);
}

#endif
