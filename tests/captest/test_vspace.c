/* SPDX-License-Identifier: MIT */
/*
 * Address spaces: mapping 4 KiB, 64 KiB and 1 MiB frames (in the root's own address
 * space, so the memory can be checked through the mappings), page tables installed
 * explicitly or taken from the donated pool, every error of the VSPACE protocol, rights
 * (a read-only capability maps read-only, and a write through a read-only mapping faults
 * the writing thread), device frames, and weak links after an address space is deleted.
 */
#include "captest.h"

#define VA 0x51000000u            /* a MiB with an explicit page table */
#define VA_SECTION 0x52000000u
#define VA_DEVICE 0x53000000u
#define VA_RO 0x54000000u
#define VA_ALIAS 0x55000000u
#define RW (PECAN_MAP_READ | PECAN_MAP_WRITE)
#define RO PECAN_MAP_READ

static pecan_word_t mapped_at(pecan_cap_t frame)
{
    pecan_word_t vaddr = 0;
    CHECK_OK(pecan_frame_info(frame, 0, 0, &vaddr));
    return vaddr;
}

static pecan_word_t pt_at(pecan_cap_t pt)
{
    pecan_word_t vaddr = 0;
    CHECK_OK(pecan_page_table_info(pt, &vaddr));
    return vaddr;
}

static unsigned pool_of(pecan_cap_t v)
{
    unsigned pool = ~0u;
    CHECK_OK(pecan_vspace_info(v, 0, &pool, 0));
    return pool;
}

static unsigned installed_of(pecan_cap_t v)
{
    unsigned installed = ~0u;
    CHECK_OK(pecan_vspace_info(v, 0, 0, &installed));
    return installed;
}

static volatile uint32_t *word_at(pecan_word_t vaddr)
{
    return (volatile uint32_t *)(uintptr_t)vaddr;
}

UTEST(vspace_map_4k_frames)
{
    pecan_cap_t f = obj_new(PECAN_OBJ_FRAME, 12), pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    pecan_cap_t pt2 = obj_new(PECAN_OBJ_PAGE_TABLE, 0), f2 = slot_alloc();
    REQUIRE(f && pt && pt2 && f2);
    const pecan_cap_t root = PECAN_ROOT_VSPACE;
    unsigned installed = installed_of(root);
    CHECK_ERR(pecan_vspace_map_frame(root, f, VA, RW, 0), -PECAN_ENOPAGETABLE);
    /* A page table for the MiB (any address in it names it); only one per MiB. */
    REQUIRE_OK(pecan_vspace_map_page_table(root, pt, VA + 0x12345));
    CHECK_EQ(pt_at(pt), VA);
    CHECK_EQ(installed_of(root), installed + 1);
    CHECK_ERR(pecan_vspace_map_page_table(root, pt, VA + 0x100000), -PECAN_EMAPPED);
    CHECK_ERR(pecan_vspace_map_page_table(root, pt2, VA), -PECAN_EMAPPED);
    CHECK_ERR(pecan_vspace_map_page_table(root, pt2, 0xBF000000u), -PECAN_ERANGE);
    /* Alignment and range. */
    CHECK_ERR(pecan_vspace_map_frame(root, f, VA + 0x800, RW, 0), -PECAN_EALIGN);
    CHECK_ERR(pecan_vspace_map_frame(root, f, 0xBF000000u, RW, 0), -PECAN_ERANGE);
    CHECK_ERR(pecan_vspace_map_frame(root, f, 0xFFFFF000u, RW, 0), -PECAN_ERANGE);
    CHECK_EQ(mapped_at(f), NOT_MAPPED);
    REQUIRE_OK(pecan_vspace_map_frame(root, f, VA, RW, 0));
    CHECK_EQ(mapped_at(f), VA);
    CHECK_CLEAN();
    /* A new frame is zeroed; it is really there. */
    CHECK_EQ(*word_at(VA), 0);
    CHECK_EQ(*word_at(VA + 0xFFC), 0);
    *word_at(VA + 8) = 0x12345678u;
    /* One mapping per capability: the same capability cannot map twice... */
    CHECK_ERR(pecan_vspace_map_frame(root, f, VA + 0x1000, RW, 0), -PECAN_EMAPPED);
    /* ...a copy can, and a copy carries no mapping of its own. */
    REQUIRE_OK(cap_copy(f2, f, PECAN_RIGHTS_ALL));
    struct pecan_cap_identity id;
    CHECK_OK(cap_identify(f2, &id));
    CHECK_EQ(id.flags & CAP_FLAG_MAPPED, 0);
    CHECK_EQ(mapped_at(f2), NOT_MAPPED);
    CHECK_ERR(pecan_vspace_map_frame(root, f2, VA, RO, 0), -PECAN_EMAPPED);
    REQUIRE_OK(pecan_vspace_map_frame(root, f2, VA + 0x1000, RO, 0));
    CHECK_EQ(*word_at(VA + 0x1008), 0x12345678u);
    *word_at(VA + 8) = 0x9abcdef0u;
    CHECK_EQ(*word_at(VA + 0x1008), 0x9abcdef0u);
    /* Unmap; unmapping again does nothing; the copy's mapping stays. */
    CHECK_OK(pecan_vspace_unmap_frame(root, f));
    CHECK_EQ(mapped_at(f), NOT_MAPPED);
    CHECK_OK(pecan_vspace_unmap_frame(root, f));
    CHECK_ERR(pecan_vspace_remap_frame(root, f, RW), -PECAN_ENOENT);
    CHECK_EQ(*word_at(VA + 0x1008), 0x9abcdef0u);
    /* Remap the copy writable and write through it. */
    CHECK_OK(pecan_vspace_remap_frame(root, f2, RW));
    *word_at(VA + 0x1010) = 0x5555u;
    CHECK_OK(pecan_vspace_map_frame(root, f, VA + 0x2000, RO, 0));
    CHECK_EQ(*word_at(VA + 0x2010), 0x5555u);
    CHECK_CLEAN();
    obj_free(pt);
    CHECK_OK(cap_delete(f2));
}

/* Removing a page table removes every mapping in it; installed again it is empty; a
 * frame capability's deletion removes its mapping. */
UTEST(vspace_page_table_removal)
{
    pecan_cap_t f = obj_new(PECAN_OBJ_FRAME, 12), pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    pecan_cap_t f2 = slot_alloc();
    REQUIRE(f && pt && f2);
    const pecan_cap_t root = PECAN_ROOT_VSPACE;
    unsigned installed = installed_of(root);
    REQUIRE_OK(cap_copy(f2, f, PECAN_RIGHTS_ALL));
    REQUIRE_OK(pecan_vspace_map_page_table(root, pt, VA));
    REQUIRE_OK(pecan_vspace_map_frame(root, f2, VA + 0x1000, RW, 0));
    REQUIRE_OK(pecan_vspace_map_frame(root, f, VA + 0x2000, RO, 0));
    *word_at(VA + 0x1010) = 0x5555u;
    CHECK_OK(pecan_vspace_unmap_page_table(root, pt));
    CHECK_EQ(pt_at(pt), NOT_MAPPED);
    CHECK_EQ(mapped_at(f), NOT_MAPPED);
    CHECK_EQ(mapped_at(f2), NOT_MAPPED);
    CHECK_EQ(installed_of(root), installed);
    CHECK_OK(pecan_vspace_unmap_frame(root, f2));   /* a dead mapping: nothing to do */
    CHECK_CLEAN();
    /* Installed again (cleared), and deleting a frame's capability unmaps it. */
    REQUIRE_OK(pecan_vspace_map_page_table(root, pt, VA));
    CHECK_OK(pecan_vspace_map_frame(root, f2, VA, RW, 0));
    CHECK_EQ(mapped_at(f), NOT_MAPPED);
    CHECK_OK(cap_delete(f2));
    CHECK_OK(pecan_vspace_map_frame(root, f, VA, RW, 0));
    CHECK_EQ(*word_at(VA + 0x10), 0x5555u);
    CHECK_CLEAN();
    obj_free(pt);   /* deleting the installed page table unmaps f too */
    CHECK_EQ(mapped_at(f), NOT_MAPPED);
    CHECK_EQ(installed_of(root), installed);
    CHECK_CLEAN();
}

UTEST(vspace_map_64k_and_1m_frames)
{
    pecan_cap_t big = obj_new(PECAN_OBJ_FRAME, 16), sec = obj_new(PECAN_OBJ_FRAME, 20);
    pecan_cap_t small = obj_new(PECAN_OBJ_FRAME, 12), pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    pecan_cap_t pt2 = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    REQUIRE(big && sec && small && pt && pt2);
    const pecan_cap_t root = PECAN_ROOT_VSPACE;
    REQUIRE_OK(pecan_vspace_map_page_table(root, pt, VA));
    /* 64 KiB: 64 KiB aligned, 16 entries that must all be free. */
    CHECK_ERR(pecan_vspace_map_frame(root, big, VA + 0x1000, RW, 0), -PECAN_EALIGN);
    CHECK_OK(pecan_vspace_map_frame(root, small, VA + 0x25000, RW, 0));
    CHECK_ERR(pecan_vspace_map_frame(root, big, VA + 0x20000, RW, 0), -PECAN_EMAPPED);
    REQUIRE_OK(pecan_vspace_map_frame(root, big, VA + 0x10000, RW, 0));
    CHECK_EQ(mapped_at(big), VA + 0x10000);
    CHECK_EQ(*word_at(VA + 0x1FFFC), 0);
    *word_at(VA + 0x10000) = 1;
    *word_at(VA + 0x1FFFC) = 2;
    CHECK_EQ(*word_at(VA + 0x10000) + *word_at(VA + 0x1FFFC), 3);
    CHECK_ERR(pecan_vspace_map_frame(root, small, VA + 0x1F000, RW, 0), -PECAN_EMAPPED);
    CHECK_OK(pecan_vspace_unmap_frame(root, small));
    CHECK_ERR(pecan_vspace_map_frame(root, small, VA + 0x1F000, RW, 0), -PECAN_EMAPPED);
    /* 1 MiB: a section, no page table needed; not where a page table is, and no page
     * table (or small frame) where it is. */
    CHECK_ERR(pecan_vspace_map_frame(root, sec, VA_SECTION + 0x80000, RW, 0), -PECAN_EALIGN);
    CHECK_ERR(pecan_vspace_map_frame(root, sec, VA, RW, 0), -PECAN_EMAPPED);
    REQUIRE_OK(pecan_vspace_map_frame(root, sec, VA_SECTION, RW, 0));
    CHECK_ERR(pecan_vspace_map_page_table(root, pt2, VA_SECTION), -PECAN_EMAPPED);
    CHECK_ERR(pecan_vspace_map_frame(root, small, VA_SECTION + 0x1000, RW, 0), -PECAN_EMAPPED);
    CHECK_EQ(*word_at(VA_SECTION + 0xFFFFC), 0);
    *word_at(VA_SECTION + 0xFFFFC) = 0x77;
    CHECK_EQ(*word_at(VA_SECTION + 0xFFFFC), 0x77);
    CHECK_CLEAN();
    CHECK_OK(pecan_vspace_unmap_frame(root, sec));
    CHECK_OK(pecan_vspace_map_page_table(root, pt2, VA_SECTION));   /* the MiB is free again */
    CHECK_OK(pecan_vspace_unmap_page_table(root, pt2));
    CHECK_OK(pecan_vspace_unmap_frame(root, big));
    CHECK_OK(pecan_vspace_unmap_page_table(root, pt));
    CHECK_CLEAN();
}

UTEST(vspace_page_table_pool)
{
    pecan_cap_t v = obj_new(PECAN_OBJ_VSPACE, 0), f = obj_new(PECAN_OBJ_FRAME, 12);
    pecan_cap_t f2 = obj_new(PECAN_OBJ_FRAME, 12), pt1 = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    pecan_cap_t pt2 = obj_new(PECAN_OBJ_PAGE_TABLE, 0), pt3 = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    pecan_cap_t moved = slot_alloc();
    REQUIRE(v && f && f2 && pt1 && pt2 && pt3 && moved);
    unsigned asid = 0;
    CHECK_OK(pecan_vspace_info(v, &asid, 0, 0));
    CHECK(asid > 0 && asid < 256);
    CHECK_EQ(pool_of(v), 0);
    CHECK_EQ(installed_of(v), 0);
    REQUIRE_OK(pecan_vspace_donate_page_table(v, pt1));
    CHECK_EQ(pool_of(v), 1);
    CHECK_ERR(pecan_vspace_donate_page_table(v, pt1), -PECAN_EMAPPED);
    CHECK_ERR(pecan_vspace_map_page_table(v, pt1, 0x00400000u), -PECAN_EMAPPED);
    CHECK_EQ(pt_at(pt1), NOT_MAPPED);
    CHECK_CLEAN();
    /* A mapping that needs a table takes it from the pool. */
    REQUIRE_OK(pecan_vspace_map_frame(v, f, 0x00400000u, RW, 0));
    CHECK_EQ(pool_of(v), 0);
    CHECK_EQ(installed_of(v), 1);
    CHECK_EQ(pt_at(pt1), 0x00400000u);
    CHECK_ERR(pecan_vspace_map_frame(v, f2, 0x00500000u, RW, 0), -PECAN_ENOPAGETABLE);
    /* The pool follows a donated capability that moves. */
    REQUIRE_OK(pecan_vspace_donate_page_table(v, pt2));
    REQUIRE_OK(cap_move(moved, pt2));
    REQUIRE_OK(pecan_vspace_map_frame(v, f2, 0x00500000u, RW, 0));
    CHECK_EQ(pt_at(moved), 0x00500000u);
    CHECK_OK(cap_move(pt2, moved));
    CHECK_CLEAN();
    /* Taking a table back out of the pool, deleting a pooled one. */
    REQUIRE_OK(pecan_vspace_donate_page_table(v, pt3));
    CHECK_OK(pecan_vspace_unmap_page_table(v, pt3));
    CHECK_EQ(pool_of(v), 0);
    REQUIRE_OK(pecan_vspace_donate_page_table(v, pt3));
    CHECK_OK(cap_delete(pt3));
    CHECK_EQ(pool_of(v), 0);
    CHECK_CLEAN();
    /* Operations through another address space are refused. */
    CHECK_ERR(pecan_vspace_unmap_frame(PECAN_ROOT_VSPACE, f), -PECAN_EINVAL);
    CHECK_ERR(pecan_vspace_remap_frame(PECAN_ROOT_VSPACE, f, RO), -PECAN_EINVAL);
    CHECK_ERR(pecan_vspace_unmap_page_table(PECAN_ROOT_VSPACE, pt1), -PECAN_EINVAL);
    CHECK_EQ(mapped_at(f), 0x00400000u);
    CHECK_OK(pecan_vspace_unmap_page_table(v, pt2));
    CHECK_EQ(mapped_at(f2), NOT_MAPPED);
    CHECK_EQ(installed_of(v), 1);
    CHECK_CLEAN();
}

UTEST(vspace_rights_and_errors)
{
    pecan_cap_t v = obj_new(PECAN_OBJ_VSPACE, 0), f = obj_new(PECAN_OBJ_FRAME, 20);
    pecan_cap_t pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    pecan_cap_t ro_f = slot_alloc(), wo_f = slot_alloc(), ro_v = slot_alloc(), e = slot_alloc();
    REQUIRE(v && f && pt && ro_f && wo_f && ro_v && e);
    REQUIRE_OK(cap_copy(ro_f, f, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    REQUIRE_OK(cap_copy(wo_f, f, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT));
    REQUIRE_OK(cap_copy(ro_v, v, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    /* Frame rights limit mapping rights; every mapping is readable. */
    CHECK_ERR(pecan_vspace_map_frame(v, ro_f, 0x10000000u, RW, 0), -PECAN_EPERM);
    CHECK_ERR(pecan_vspace_map_frame(v, wo_f, 0x10000000u, RW, 0), -PECAN_EPERM);
    CHECK_ERR(pecan_vspace_map_frame(v, wo_f, 0x10000000u, PECAN_MAP_WRITE, 0), -PECAN_EPERM);
    CHECK_ERR(pecan_vspace_map_frame(v, f, 0x10000000u, 0, 0), -PECAN_EINVAL);
    CHECK_ERR(pecan_vspace_map_frame(v, f, 0x10000000u, 0x8, 0), -PECAN_EINVAL);
    CHECK_ERR(pecan_vspace_map_frame(v, f, 0x10000000u, RW, 0x20), -PECAN_EINVAL);
    REQUIRE_OK(pecan_vspace_map_frame(v, ro_f, 0x10000000u, RO | PECAN_MAP_EXECUTE, 0));
    CHECK_ERR(pecan_vspace_remap_frame(v, ro_f, RW), -PECAN_EPERM);
    CHECK_ERR(pecan_vspace_remap_frame(v, ro_f, 0), -PECAN_EINVAL);
    CHECK_OK(pecan_vspace_remap_frame(v, ro_f, RO));
    /* The address space capability needs WRITE for everything but INFO. */
    CHECK_ERR(pecan_vspace_map_frame(ro_v, f, 0x20000000u, RW, 0), -PECAN_EPERM);
    CHECK_ERR(pecan_vspace_unmap_frame(ro_v, ro_f), -PECAN_EPERM);
    CHECK_ERR(pecan_vspace_remap_frame(ro_v, ro_f, RO), -PECAN_EPERM);
    CHECK_ERR(pecan_vspace_map_page_table(ro_v, pt, 0x20000000u), -PECAN_EPERM);
    CHECK_ERR(pecan_vspace_unmap_page_table(ro_v, pt), -PECAN_EPERM);
    CHECK_ERR(pecan_vspace_donate_page_table(ro_v, pt), -PECAN_EPERM);
    CHECK_OK(pecan_vspace_info(ro_v, 0, 0, 0));
    /* Wrong or missing capabilities. */
    CHECK_ERR(pecan_vspace_map_frame(v, pt, 0x20000000u, RW, 0), -PECAN_ETYPE);
    CHECK_ERR(pecan_vspace_map_page_table(v, f, 0x20000000u), -PECAN_ETYPE);
    CHECK_ERR(pecan_vspace_donate_page_table(v, f), -PECAN_ETYPE);
    CHECK_ERR(pecan_vspace_unmap_frame(v, e), -PECAN_EINVALCAP);
    CHECK_ERR(pecan_vspace_unmap_page_table(v, 0x00ABC000u), -PECAN_EINVALCAP);
    /* Short messages, unknown opcodes, wrong protocols. */
    static const unsigned min_words[] = { 5, 2, 3, 2, 2, 3 };
    for (unsigned op = 0; op < 6; op++) {
        pecan_word_t w[5] = { op, f, 0x20000000u, RW, 0 };
        if (op == 2 || op == 3 || op == 4)
            w[1] = pt;
        CHECK_ERR(pecan_call(v, PECAN_PROTO_VSPACE, min_words[op] - 1, w, 0, 0),
                  -PECAN_EMSGTOOSHORT);
    }
    pecan_word_t w[2] = { 99, 0 };   /* no such opcode */
    CHECK_ERR(pecan_call(v, PECAN_PROTO_VSPACE, 2, w, 0, 0), -PECAN_ENOSYS);
    CHECK_ERR(pecan_call(f, PECAN_PROTO_FRAME, 2, w, 0, 0), -PECAN_ENOSYS);
    CHECK_ERR(pecan_call(pt, PECAN_PROTO_PAGE_TABLE, 2, w, 0, 0), -PECAN_ENOSYS);
    w[0] = 0;
    CHECK_ERR(pecan_call(v, PECAN_PROTO_FRAME, 1, w, 0, 0), -PECAN_EBADPROTO);
    CHECK_ERR(pecan_call(f, PECAN_PROTO_PAGE_TABLE, 1, w, 0, 0), -PECAN_EBADPROTO);
    CHECK_ERR(pecan_call(pt, PECAN_PROTO_VSPACE, 1, w, 0, 0), -PECAN_EBADPROTO);
    /* The highest section and the end of user space. */
    CHECK_OK(pecan_vspace_unmap_frame(v, ro_f));
    CHECK_OK(pecan_vspace_map_frame(v, f, 0xBEF00000u, RW, 0));
    CHECK_OK(pecan_vspace_unmap_frame(v, f));
    CHECK_ERR(pecan_vspace_map_frame(v, f, 0xBF000000u, RW, 0), -PECAN_ERANGE);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(ro_f));
    CHECK_OK(cap_delete(wo_f));
    CHECK_OK(cap_delete(ro_v));
}

static void write_read_only(struct helper *h)
{
    volatile uint32_t *p = word_at(VA_RO + 0x40);
    h->arg[1] = *p;          /* reading is allowed */
    h->counter = 1;
    *p = 0x99;               /* faults until the root remaps the frame writable */
    h->counter = 2;
}

/* A write through a read-only mapping faults: the thread is suspended at the store, the
 * memory unchanged. Made writable and resumed, it retries the store and goes on. */
UTEST(vspace_read_only_mapping_faults_on_write)
{
    pecan_cap_t f = obj_new(PECAN_OBJ_FRAME, 20), alias = slot_alloc();
    struct helper h;
    REQUIRE(f && alias);
    REQUIRE_OK(cap_copy(alias, f, PECAN_RIGHTS_ALL));
    REQUIRE_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, f, VA_RO, RO, 0));
    REQUIRE_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, alias, VA_ALIAS, RW, 0));
    *word_at(VA_ALIAS + 0x40) = 0x1234;
    REQUIRE_OK(helper_create(&h, write_read_only, 200));
    REQUIRE_OK(helper_start(&h));
    CHECK_EQ(h.counter, 1);
    CHECK_EQ(h.arg[1], 0x1234);
    CHECK(!h.finished);
    CHECK_EQ(*word_at(VA_ALIAS + 0x40), 0x1234);
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT];
    CHECK_OK(pecan_thread_read_registers(h.thread, regs));
    CHECK(regs[15] >= (pecan_word_t)(uintptr_t)write_read_only &&
          regs[15] < (pecan_word_t)(uintptr_t)write_read_only + 0x100);
    CHECK_CLEAN();
    /* Suspended, not runnable: the root keeps running at a lower priority. */
    spin_us(20000);
    CHECK_EQ(h.counter, 1);
    CHECK_OK(pecan_vspace_remap_frame(PECAN_ROOT_VSPACE, f, RW));
    CHECK_OK(pecan_thread_resume(h.thread));
    CHECK_EQ(h.counter, 2);
    CHECK(h.finished);
    CHECK_EQ(*word_at(VA_ALIAS + 0x40), 0x99);
    helper_destroy(&h);
    CHECK_OK(cap_delete(alias));
    CHECK_CLEAN();
}

/* A device frame maps uncached and shows the device: the PL011 UART1 identification. */
UTEST(vspace_device_frame)
{
    pecan_cap_t dev = device_untyped_at(0x1000A000u);
    pecan_cap_t frame = slot_alloc(), pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    REQUIRE(dev && frame && pt);
    REQUIRE_OK(pecan_untyped_retype(dev, PECAN_OBJ_FRAME, 12, 1, ROOT, frame));
    pecan_word_t phys = 0;
    unsigned bits = 0;
    CHECK_OK(pecan_frame_info(frame, &phys, &bits, 0));
    CHECK_EQ(phys, 0x1000A000u);
    CHECK_EQ(bits, 12);
    REQUIRE_OK(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt, VA_DEVICE));
    REQUIRE_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, frame, VA_DEVICE, RW, 0));
    CHECK_EQ(*word_at(VA_DEVICE + 0xFE0) & 0xFF, 0x11);   /* UARTPeriphID0 */
    CHECK_EQ(*word_at(VA_DEVICE + 0xFE4) & 0xFF, 0x10);   /* UARTPeriphID1 */
    CHECK_EQ(*word_at(VA_DEVICE + 0xFF0) & 0xFF, 0x0D);   /* UARTPCellID0 */
    CHECK_CLEAN();
    CHECK_OK(cap_revoke(dev));
    CHECK_EQ(cap_type(frame), CAPK_NULL);
    CHECK_CLEAN();
}

/* Deleting an address space with live mappings: every weak link into it is dead, the
 * frames and page tables can be unmapped (nothing happens), deleted, or mapped again. */
UTEST(vspace_delete_with_live_mappings)
{
    pecan_cap_t v = obj_new(PECAN_OBJ_VSPACE, 0), v2 = obj_new(PECAN_OBJ_VSPACE, 0);
    pecan_cap_t f = obj_new(PECAN_OBJ_FRAME, 12), big = obj_new(PECAN_OBJ_FRAME, 16);
    pecan_cap_t sec = obj_new(PECAN_OBJ_FRAME, 20), pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    pecan_cap_t pooled = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    REQUIRE(v && v2 && f && big && sec && pt && pooled);
    REQUIRE_OK(pecan_vspace_map_page_table(v, pt, 0x00100000u));
    REQUIRE_OK(pecan_vspace_map_frame(v, f, 0x00100000u, RW, 0));
    REQUIRE_OK(pecan_vspace_map_frame(v, big, 0x00110000u, RW, 0));
    REQUIRE_OK(pecan_vspace_map_frame(v, sec, 0x00200000u, RW, 0));
    REQUIRE_OK(pecan_vspace_donate_page_table(v, pooled));
    CHECK_CLEAN();
    obj_free(v);
    CHECK_CLEAN();
    CHECK_EQ(mapped_at(f), NOT_MAPPED);
    CHECK_EQ(mapped_at(big), NOT_MAPPED);
    CHECK_EQ(mapped_at(sec), NOT_MAPPED);
    CHECK_EQ(pt_at(pt), NOT_MAPPED);
    /* A new address space may get the same ASID: the old links stay dead. */
    pecan_cap_t v3 = obj_new(PECAN_OBJ_VSPACE, 0);
    REQUIRE(v3);
    CHECK_EQ(mapped_at(f), NOT_MAPPED);
    CHECK_EQ(pt_at(pt), NOT_MAPPED);
    CHECK_EQ(pool_of(v3), 0);
    CHECK_OK(pecan_vspace_unmap_frame(v3, f));
    CHECK_OK(pecan_vspace_unmap_page_table(v3, pt));
    CHECK_CLEAN();
    /* Everything can be used again. */
    CHECK_OK(pecan_vspace_map_page_table(v2, pt, 0x00100000u));
    CHECK_OK(pecan_vspace_donate_page_table(v2, pooled));
    CHECK_OK(pecan_vspace_map_frame(v2, f, 0x00100000u, RW, 0));
    CHECK_OK(pecan_vspace_map_frame(v2, big, 0x00300000u, RW, 0));
    CHECK_OK(pecan_vspace_map_frame(v2, sec, 0x00200000u, RW, 0));
    CHECK_EQ(pool_of(v2), 0);
    CHECK_CLEAN();
    obj_free(sec);
    obj_free(pt);
    CHECK_CLEAN();
}

/* Unmapping, deleting or replacing a mapping flushes its TLB entry: a new frame at the
 * same address shows its own contents at once, for each page size. */
static void check_no_stale_entry(unsigned bits, pecan_word_t va, pecan_word_t alias_va)
{
    pecan_cap_t a = obj_new(PECAN_OBJ_FRAME, bits), b = obj_new(PECAN_OBJ_FRAME, bits);
    pecan_cap_t b_alias = slot_alloc();
    REQUIRE(a && b && b_alias);
    const pecan_cap_t root = PECAN_ROOT_VSPACE;
    pecan_word_t last = (1u << bits) - 4;
    REQUIRE_OK(pecan_vspace_map_frame(root, a, va, RW, 0));
    *word_at(va) = 0xA0A0;
    *word_at(va + last) = 0xA1A1;
    REQUIRE_OK(cap_copy(b_alias, b, PECAN_RIGHTS_ALL));
    REQUIRE_OK(pecan_vspace_map_frame(root, b_alias, alias_va, RW, 0));
    *word_at(alias_va) = 0xB0B0;
    *word_at(alias_va + last) = 0xB1B1;
    /* Unmap a, map b where a was: b's words, at both ends. */
    CHECK_OK(pecan_vspace_unmap_frame(root, a));
    REQUIRE_OK(pecan_vspace_map_frame(root, b, va, RO, 0));
    CHECK_EQ(*word_at(va), 0xB0B0);
    CHECK_EQ(*word_at(va + last), 0xB1B1);
    /* Writable after REMAP, and the write lands in b. */
    CHECK_OK(pecan_vspace_remap_frame(root, b, RW));
    *word_at(va + last) = 0xB2B2;
    CHECK_EQ(*word_at(alias_va + last), 0xB2B2);
    /* Deleting b's mapping capability, then a back in its place. */
    CHECK_EQ(*word_at(va), 0xB0B0);
    CHECK_OK(cap_delete(b));
    REQUIRE_OK(pecan_vspace_map_frame(root, a, va, RW, 0));
    CHECK_EQ(*word_at(va), 0xA0A0);
    CHECK_EQ(*word_at(va + last), 0xA1A1);
    CHECK_OK(pecan_vspace_unmap_frame(root, a));
    CHECK_OK(cap_delete(b_alias));
    CHECK_CLEAN();
}

UTEST(vspace_no_stale_tlb_entries)
{
    pecan_cap_t pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0), pt2 = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    REQUIRE(pt && pt2);
    REQUIRE_OK(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt, VA));
    REQUIRE_OK(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt2, VA_ALIAS));
    check_no_stale_entry(12, VA + 0x3000, VA_ALIAS);
    check_no_stale_entry(16, VA + 0x40000, VA_ALIAS + 0x10000);
    CHECK_OK(pecan_vspace_unmap_page_table(PECAN_ROOT_VSPACE, pt2));
    check_no_stale_entry(20, VA_SECTION, VA_ALIAS);
    /* A page table removed and another installed for the MiB: the old pages are gone. */
    pecan_cap_t f = obj_new(PECAN_OBJ_FRAME, 12), g = obj_new(PECAN_OBJ_FRAME, 12);
    REQUIRE(f && g);
    REQUIRE_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, f, VA, RW, 0));
    *word_at(VA) = 0xF00D;
    CHECK_OK(pecan_vspace_unmap_page_table(PECAN_ROOT_VSPACE, pt));
    REQUIRE_OK(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt2, VA));
    REQUIRE_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, g, VA, RW, 0));
    CHECK_EQ(*word_at(VA), 0);
    CHECK_OK(pecan_vspace_unmap_page_table(PECAN_ROOT_VSPACE, pt2));
    CHECK_CLEAN();
}

/* The same address in two address spaces maps different frames; switching between the
 * threads (ASID-tagged TLB entries) never shows one the other's. */
static void read_private(pecan_word_t va, pecan_word_t shared, pecan_word_t rounds,
                         pecan_word_t notification)
{
    volatile pecan_word_t *report = (volatile pecan_word_t *)shared;
    for (pecan_word_t i = 0; i < rounds; i++) {
        report[i] = *(volatile pecan_word_t *)va;
        pecan_word_t bits;
        pecan_notification_wait(notification, &bits);
    }
    for (pecan_word_t bits;;)
        pecan_notification_wait(notification, &bits);
}

#define PRIVATE_VA 0x000D0000u

UTEST(vspace_same_address_in_two_spaces)
{
    struct remote r;
    pecan_cap_t mine = obj_new(PECAN_OBJ_FRAME, 12), theirs = obj_new(PECAN_OBJ_FRAME, 12);
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0), pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    pecan_cap_t theirs_alias = slot_alloc();
    REQUIRE(mine && theirs && n && pt && theirs_alias);
    REQUIRE_OK(remote_create(&r, 200));
    REQUIRE_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, mine, PRIVATE_VA, RW, 0));
    REQUIRE_OK(pecan_vspace_map_frame(r.vspace, theirs, PRIVATE_VA, RO, 0));
    REQUIRE_OK(cap_copy(theirs_alias, theirs, PECAN_RIGHTS_ALL));
    REQUIRE_OK(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt, VA));
    REQUIRE_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, theirs_alias, VA, RW, 0));
    *word_at(PRIVATE_VA) = 0x1111;
    *word_at(VA) = 0x2222;
    REQUIRE_OK(remote_start(&r, read_private, PRIVATE_VA, REMOTE_SHARED_VA, 8, n));
    for (unsigned i = 0; i < 8; i++) {
        CHECK_EQ(*word_at(PRIVATE_VA), 0x1111);
        CHECK_OK(pecan_notification_signal(n, 1));
    }
    for (unsigned i = 0; i < 8; i++)
        CHECK_EQ(remote_shared()[i], 0x2222);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(r.thread));
    for (unsigned i = 0; i < r.text_count; i++)
        CHECK_OK(cap_delete(r.text_first + i));
    CHECK_OK(cap_delete(r.root_shared));
    CHECK_OK(cap_delete(theirs_alias));
}

/* A page-table capability that moves while installed still names its table. */
UTEST(vspace_installed_page_table_moves)
{
    pecan_cap_t pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0), f = obj_new(PECAN_OBJ_FRAME, 12);
    pecan_cap_t moved = slot_alloc();
    REQUIRE(pt && f && moved);
    REQUIRE_OK(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt, VA));
    REQUIRE_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, f, VA, RW, 0));
    REQUIRE_OK(cap_move(moved, pt));
    CHECK_EQ(pt_at(moved), VA);
    *word_at(VA) = 5;
    CHECK_OK(pecan_vspace_unmap_page_table(PECAN_ROOT_VSPACE, moved));
    CHECK_EQ(mapped_at(f), NOT_MAPPED);
    CHECK_OK(cap_move(pt, moved));
    CHECK_CLEAN();
}

/* Two capabilities to one frame map it at the same address one after the other: the
 * first's mapping went away with its page table, the second's is made later. The first
 * must not take the second's mapping for its own: the page's mapping record names the
 * slot of the capability that made it (kernel/object/frame.c). */
UTEST(vspace_stale_frame_capability_keeps_off_a_new_mapping)
{
    pecan_cap_t f = obj_new(PECAN_OBJ_FRAME, 12), pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    pecan_cap_t pt2 = obj_new(PECAN_OBJ_PAGE_TABLE, 0), f2 = slot_alloc();
    REQUIRE(f && pt && pt2 && f2);
    const pecan_cap_t root = PECAN_ROOT_VSPACE;
    REQUIRE_OK(cap_copy(f2, f, PECAN_RIGHTS_ALL));
    REQUIRE_OK(pecan_vspace_map_page_table(root, pt, VA));
    REQUIRE_OK(pecan_vspace_map_frame(root, f, VA, RW, 0));
    CHECK_OK(pecan_vspace_unmap_page_table(root, pt));
    CHECK_EQ(mapped_at(f), NOT_MAPPED);
    REQUIRE_OK(pecan_vspace_map_page_table(root, pt2, VA));
    REQUIRE_OK(pecan_vspace_map_frame(root, f2, VA, RW, 0));
    CHECK_EQ(mapped_at(f2), VA);
    CHECK_EQ(mapped_at(f), NOT_MAPPED);
    CHECK_OK(pecan_vspace_map_frame(root, f, VA + 0x1000, RO, 0));
    CHECK_OK(cap_delete(f));
    CHECK_EQ(mapped_at(f2), VA);
    CHECK_OK(pecan_vspace_unmap_page_table(root, pt2));
    CHECK_OK(cap_delete(f2));
    CHECK_CLEAN();
}

/* The errors docs/abi.md lists for MAP_FRAME, UNMAP_FRAME, REMAP_FRAME and
 * UNMAP_PAGE_TABLE, in their order: length, the capability argument, WRITE on the vspace,
 * the rights and attributes asked for (EINVAL), the frame's rights (EPERM), then the
 * place; a frame or table that lives in another address space is EINVAL, a frame that is
 * not mapped cannot be remapped (ENOENT). */
UTEST(vspace_frame_errors_as_documented)
{
    pecan_cap_t v = obj_new(PECAN_OBJ_VSPACE, 0), w = obj_new(PECAN_OBJ_VSPACE, 0);
    pecan_cap_t f = obj_new(PECAN_OBJ_FRAME, 20), pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    pecan_cap_t ro_f = slot_alloc(), ro_v = slot_alloc();
    REQUIRE(v && w && f && pt && ro_f && ro_v);
    REQUIRE_OK(cap_copy(ro_f, f, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    REQUIRE_OK(cap_copy(ro_v, v, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    /* MAP_FRAME: EINVAL for rights (none, unknown bits) and attributes (unknown bits)... */
    CHECK_ERR(pecan_vspace_map_frame(v, f, 0x10000000u, 0, 0), -PECAN_EINVAL);
    CHECK_ERR(pecan_vspace_map_frame(v, f, 0x10000000u, RW | 0x8, 0), -PECAN_EINVAL);
    CHECK_ERR(pecan_vspace_map_frame(v, f, 0x10000000u, RW, PECAN_MAP_UNCACHED << 1),
              -PECAN_EINVAL);
    /* ...after WRITE on the vspace, before the frame's rights and the address. */
    CHECK_ERR(pecan_vspace_map_frame(ro_v, f, 0x10000000u, 0, 0), -PECAN_EPERM);
    CHECK_ERR(pecan_vspace_map_frame(v, ro_f, 0x10000000u, RW, 0x20), -PECAN_EINVAL);
    CHECK_ERR(pecan_vspace_map_frame(v, ro_f, 0x10000000u, RW | 0x8, 0), -PECAN_EINVAL);
    CHECK_ERR(pecan_vspace_map_frame(v, f, 0x10001000u, 0, 0), -PECAN_EINVAL);
    CHECK_ERR(pecan_vspace_map_frame(v, ro_f, 0x10001000u, RW, 0), -PECAN_EPERM);
    CHECK_ERR(pecan_vspace_map_frame(v, f, 0x10001000u, RW, 0), -PECAN_EALIGN);
    /* REMAP_FRAME of a frame that is not mapped: ENOENT, after the rights checks. */
    CHECK_ERR(pecan_vspace_remap_frame(v, f, RO), -PECAN_ENOENT);
    CHECK_ERR(pecan_vspace_remap_frame(v, f, 0), -PECAN_EINVAL);
    CHECK_ERR(pecan_vspace_remap_frame(v, ro_f, RW), -PECAN_EPERM);
    CHECK_ERR(pecan_vspace_remap_frame(ro_v, f, RO), -PECAN_EPERM);
    /* UNMAP_FRAME of a frame that is not mapped: nothing to do. */
    CHECK_OK(pecan_vspace_unmap_frame(v, f));
    /* Mapped in v: another vspace can neither unmap nor remap it (EINVAL), and the mapping
     * stays as it was. */
    REQUIRE_OK(pecan_vspace_map_frame(v, f, 0x10000000u, RW, 0));
    CHECK_ERR(pecan_vspace_unmap_frame(w, f), -PECAN_EINVAL);
    CHECK_ERR(pecan_vspace_remap_frame(w, f, RO), -PECAN_EINVAL);
    CHECK_ERR(pecan_vspace_remap_frame(w, f, 0), -PECAN_EINVAL);   /* rights first */
    pecan_word_t vaddr = 0;
    CHECK_OK(pecan_frame_info(f, 0, 0, &vaddr));
    CHECK_EQ(vaddr, 0x10000000u);
    CHECK_OK(pecan_vspace_remap_frame(v, f, RO));
    CHECK_OK(pecan_vspace_unmap_frame(v, f));
    CHECK_OK(pecan_frame_info(f, 0, 0, &vaddr));
    CHECK_EQ(vaddr, NOT_MAPPED);
    CHECK_ERR(pecan_vspace_remap_frame(v, f, RO), -PECAN_ENOENT);
    /* UNMAP_PAGE_TABLE of a table installed or pooled in another vspace: EINVAL. */
    REQUIRE_OK(pecan_vspace_map_page_table(v, pt, 0x20000000u));
    CHECK_ERR(pecan_vspace_unmap_page_table(w, pt), -PECAN_EINVAL);
    CHECK_OK(pecan_vspace_unmap_page_table(v, pt));
    REQUIRE_OK(pecan_vspace_donate_page_table(v, pt));
    CHECK_ERR(pecan_vspace_unmap_page_table(w, pt), -PECAN_EINVAL);
    CHECK_OK(pecan_vspace_unmap_page_table(v, pt));
    CHECK_OK(pecan_vspace_unmap_page_table(w, pt));   /* neither: nothing to do */
    CHECK_CLEAN();
    CHECK_OK(cap_delete(ro_f));
    CHECK_OK(cap_delete(ro_v));
    obj_free(pt);
    obj_free(f);
    obj_free(w);
    obj_free(v);
    CHECK_CLEAN();
}
