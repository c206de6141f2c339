/* SPDX-License-Identifier: MIT */
/* Address space, page table and frame client calls. */
#include "call.h"

int pecan_vspace_map_frame(pecan_cap_t vspace, pecan_cap_t frame, pecan_word_t vaddr,
                           unsigned rights, unsigned attributes)
{
    pecan_word_t w[] = { PECAN_VSPACE_MAP_FRAME, frame, vaddr, rights, attributes };
    return sys_call(vspace, PECAN_PROTO_VSPACE, 5, w, 0, 0);
}

static int one_cap(pecan_cap_t vspace, pecan_word_t op, pecan_cap_t cap)
{
    pecan_word_t w[] = { op, cap };
    return sys_call(vspace, PECAN_PROTO_VSPACE, 2, w, 0, 0);
}

int pecan_vspace_unmap_frame(pecan_cap_t vspace, pecan_cap_t frame)
{
    return one_cap(vspace, PECAN_VSPACE_UNMAP_FRAME, frame);
}

int pecan_vspace_map_page_table(pecan_cap_t vspace, pecan_cap_t page_table, pecan_word_t vaddr)
{
    pecan_word_t w[] = { PECAN_VSPACE_MAP_PAGE_TABLE, page_table, vaddr };
    return sys_call(vspace, PECAN_PROTO_VSPACE, 3, w, 0, 0);
}

int pecan_vspace_unmap_page_table(pecan_cap_t vspace, pecan_cap_t page_table)
{
    return one_cap(vspace, PECAN_VSPACE_UNMAP_PAGE_TABLE, page_table);
}

int pecan_vspace_donate_page_table(pecan_cap_t vspace, pecan_cap_t page_table)
{
    return one_cap(vspace, PECAN_VSPACE_DONATE_PAGE_TABLE, page_table);
}

int pecan_vspace_remap_frame(pecan_cap_t vspace, pecan_cap_t frame, unsigned rights)
{
    pecan_word_t w[] = { PECAN_VSPACE_REMAP_FRAME, frame, rights };
    return sys_call(vspace, PECAN_PROTO_VSPACE, 3, w, 0, 0);
}

int pecan_vspace_unmap(pecan_cap_t vspace, pecan_word_t vaddr, unsigned order, unsigned flags)
{
    pecan_word_t w[] = { PECAN_VSPACE_UNMAP, vaddr, order, flags };
    return sys_call(vspace, PECAN_PROTO_VSPACE, 4, w, 0, 0);
}

int pecan_frame_info(pecan_cap_t frame, pecan_word_t *phys, unsigned *size_bits,
                     pecan_word_t *mapped_vaddr)
{
    pecan_word_t w[] = { PECAN_FRAME_INFO }, r[3] = { 0 };
    int err = sys_call(frame, PECAN_PROTO_FRAME, 1, w, r, 3);
    if (phys)
        *phys = r[0];
    if (size_bits)
        *size_bits = r[1];
    if (mapped_vaddr)
        *mapped_vaddr = r[2];
    return err;
}

int pecan_vspace_info(pecan_cap_t vspace, unsigned *asid, unsigned *pool, unsigned *installed)
{
    pecan_word_t w[] = { PECAN_VSPACE_INFO }, r[3] = { 0 };
    int err = sys_call(vspace, PECAN_PROTO_VSPACE, 1, w, r, 3);
    if (asid)
        *asid = r[0];
    if (pool)
        *pool = r[1];
    if (installed)
        *installed = r[2];
    return err;
}

int pecan_page_table_info(pecan_cap_t page_table, pecan_word_t *installed_vaddr)
{
    pecan_word_t w[] = { PECAN_PAGE_TABLE_INFO }, r[1] = { 0xFFFFFFFFu };
    int err = sys_call(page_table, PECAN_PROTO_PAGE_TABLE, 1, w, r, 1);
    *installed_vaddr = r[0];
    return err;
}
