/* SPDX-License-Identifier: MIT */
/*
 * Untyped memory: INFO, RETYPE of every object type and size with its placement, and
 * every error RETYPE can return; after each error nothing may have changed (the untyped
 * is still a leaf and the destination slots are empty).
 */
#include "captest.h"

static bool is_leaf(pecan_cap_t untyped)
{
    int leaf = 0;
    return pecan_untyped_info(untyped, 0, 0, 0, &leaf) == 0 && leaf;
}

static unsigned depth_of(pecan_cap_t slot)
{
    struct pecan_cap_identity id = { 0 };
    cap_identify(slot, &id);
    return id.depth;
}

/* After a failed retype: the untyped is still a leaf, the slots are empty. */
static void check_unchanged(pecan_cap_t untyped, pecan_cap_t dest, unsigned count)
{
    CHECK(is_leaf(untyped));
    for (unsigned i = 0; i < count; i++)
        CHECK_EQ(cap_type(dest + i), CAPK_NULL);
}

UTEST(untyped_info)
{
    pecan_cap_t u = ut_alloc(16);
    REQUIRE(u);
    pecan_word_t base = 1;
    unsigned bits = 0;
    int device = -1, leaf = -1;
    REQUIRE_OK(pecan_untyped_info(u, &base, &bits, &device, &leaf));
    CHECK_EQ(base, ut_paddr(u));
    CHECK_EQ(bits, 16);
    CHECK_EQ(device, 0);
    CHECK_EQ(leaf, 1);
    pecan_cap_t n = slot_alloc();
    REQUIRE_OK(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 1, ROOT, n));
    CHECK_OK(pecan_untyped_info(u, 0, 0, 0, &leaf));
    CHECK_EQ(leaf, 0);
    CHECK_CLEAN();
    CHECK_OK(cap_revoke(u));
    CHECK_OK(pecan_untyped_info(u, 0, 0, 0, &leaf));
    CHECK_EQ(leaf, 1);
    CHECK_EQ(cap_type(n), CAPK_NULL);
    ut_free(u);
}

UTEST(untyped_info_device)
{
    for (unsigned i = 0; i < bootinfo->cap_count; i++) {
        const struct pecan_bootinfo_cap *c = &bootinfo->caps[i];
        if (c->kind != PECAN_BOOTINFO_DEVICE_UNTYPED)
            continue;
        pecan_word_t base = 0;
        unsigned bits = 0;
        int device = 0, leaf = 0;
        CHECK_OK(pecan_untyped_info(c->slot, &base, &bits, &device, &leaf));
        CHECK_EQ(base, c->paddr);
        CHECK_EQ(bits, c->size_bits);
        CHECK_EQ(device, 1);
        CHECK_EQ(leaf, 1);
    }
}

/* Retypes one object of (type, size) and checks what the kernel reports about it. */
static void retype_one(unsigned type, unsigned size_bits, unsigned cap_kind)
{
    unsigned object_bits = obj_size_bits(type, size_bits);
    pecan_cap_t u = ut_alloc(object_bits < 12 ? 12 : object_bits);
    pecan_cap_t s = slot_alloc();
    if (!u || !s)
        return;
    if (!CHECK_OK(pecan_untyped_retype(u, type, size_bits, 1, ROOT, s))) {
        ut_fail(__FILE__, __LINE__, "  (type %u, size_bits %u)", type, size_bits);
        ut_free(u);
        return;
    }
    struct pecan_cap_identity id;
    CHECK_OK(cap_identify(s, &id));
    CHECK_EQ(id.type, cap_kind);
    CHECK_EQ(id.rights, PECAN_RIGHTS_ALL);
    CHECK_EQ(id.phys, ut_paddr(u));
    CHECK_EQ(id.depth, depth_of(u) + 1);
    unsigned want_size = type == PECAN_OBJ_CNODE ? size_bits : object_bits;
    if (!CHECK_EQ(id.size_bits, want_size))
        ut_fail(__FILE__, __LINE__, "  (type %u, size_bits %u)", type, size_bits);
    CHECK(!is_leaf(u));
    CHECK_CLEAN();
    ut_free(u);
    CHECK_EQ(cap_type(s), CAPK_NULL);
}

UTEST(untyped_retype_every_type_and_size)
{
    for (unsigned bits = 12; bits <= 22; bits++)
        retype_one(PECAN_OBJ_UNTYPED, bits, CAPK_UNTYPED);
    retype_one(PECAN_OBJ_THREAD, 0, CAPK_THREAD);
    retype_one(PECAN_OBJ_GATE, 0, CAPK_GATE);
    retype_one(PECAN_OBJ_NOTIFICATION, 0, CAPK_NOTIFICATION);
    for (unsigned radix = 1; radix <= 16; radix++)
        retype_one(PECAN_OBJ_CNODE, radix, CAPK_CNODE);
    retype_one(PECAN_OBJ_VSPACE, 0, CAPK_VSPACE);
    retype_one(PECAN_OBJ_PAGE_TABLE, 0, CAPK_PAGE_TABLE);
    retype_one(PECAN_OBJ_FRAME, 12, CAPK_FRAME);
    retype_one(PECAN_OBJ_FRAME, 16, CAPK_FRAME);
    retype_one(PECAN_OBJ_FRAME, 20, CAPK_FRAME);
}

/* count objects of one type from one untyped: placed from its start, in order, aligned to
 * their size, not overlapping, all children of the untyped (siblings of each other). */
static void check_placement(unsigned type, unsigned size_bits, unsigned untyped_bits)
{
    unsigned object_bits = obj_size_bits(type, size_bits);
    unsigned count = 1u << (untyped_bits - object_bits);
    pecan_cap_t u = ut_alloc(untyped_bits);
    pecan_cap_t first = slots_alloc(count);
    if (!u || !first)
        return;
    REQUIRE_OK(pecan_untyped_retype(u, type, size_bits, count, ROOT, first));
    unsigned child_depth = depth_of(u) + 1;
    for (unsigned i = 0; i < count; i++) {
        struct pecan_cap_identity id;
        CHECK_OK(cap_identify(first + i, &id));
        if (!CHECK_EQ(id.phys, ut_paddr(u) + (i << object_bits)) ||
            !CHECK_EQ(id.depth, child_depth))
            break;
    }
    CHECK_CLEAN();
    ut_free(u);
}

UTEST(untyped_retype_placement)
{
    check_placement(PECAN_OBJ_NOTIFICATION, 0, 12);   /* 128 */
    check_placement(PECAN_OBJ_GATE, 0, 13);           /* 256 */
    check_placement(PECAN_OBJ_THREAD, 0, 14);         /* 16 */
    check_placement(PECAN_OBJ_CNODE, 4, 13);          /* 16 of 512 bytes */
    check_placement(PECAN_OBJ_FRAME, 12, 16);         /* 16 */
    check_placement(PECAN_OBJ_FRAME, 16, 20);         /* 16 */
    check_placement(PECAN_OBJ_PAGE_TABLE, 0, 15);     /* 8 */
    check_placement(PECAN_OBJ_VSPACE, 0, 16);         /* 4 */
    check_placement(PECAN_OBJ_UNTYPED, 12, 16);       /* 16 */
}

/* Calls RETYPE with n raw words. */
static int retype_raw(pecan_cap_t u, unsigned n, pecan_word_t type, pecan_word_t size_bits,
                      pecan_word_t count, pecan_word_t cnode, pecan_word_t offset)
{
    pecan_word_t w[] = { PECAN_UNTYPED_RETYPE, type, size_bits, count, cnode, offset };
    return pecan_call(u, PECAN_PROTO_UNTYPED, n, w, 0, 0);
}

UTEST(untyped_retype_argument_errors)
{
    pecan_cap_t u = ut_alloc(16);
    pecan_cap_t d = slots_alloc(2);
    REQUIRE(u && d);
    for (unsigned n = 1; n < 6; n++)
        CHECK_ERR(retype_raw(u, n, PECAN_OBJ_NOTIFICATION, 0, 1, ROOT, d), -PECAN_EMSGTOOSHORT);
    CHECK_ERR(retype_raw(u, 6, 0, 0, 1, ROOT, d), -PECAN_EINVAL);
    CHECK_ERR(retype_raw(u, 6, PECAN_OBJ_TYPE_COUNT, 0, 1, ROOT, d), -PECAN_EINVAL);
    CHECK_ERR(retype_raw(u, 6, 0xFFFFFFFFu, 0, 1, ROOT, d), -PECAN_EINVAL);
    static const pecan_word_t bad_sizes[][2] = {
        { PECAN_OBJ_UNTYPED, 11 }, { PECAN_OBJ_UNTYPED, 32 }, { PECAN_OBJ_UNTYPED, 0 },
        { PECAN_OBJ_CNODE, 0 }, { PECAN_OBJ_CNODE, 17 }, { PECAN_OBJ_FRAME, 13 },
        { PECAN_OBJ_FRAME, 0 }, { PECAN_OBJ_FRAME, 21 }, { PECAN_OBJ_FRAME, 0x80000010u },
        { PECAN_OBJ_UNTYPED, 44 },
    };
    for (unsigned i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
        if (!CHECK_ERR(retype_raw(u, 6, bad_sizes[i][0], bad_sizes[i][1], 1, ROOT, d),
                       -PECAN_ERANGE))
            ut_fail(__FILE__, __LINE__, "  (type %u size %u)", (unsigned)bad_sizes[i][0],
                    (unsigned)bad_sizes[i][1]);
    }
    CHECK_ERR(retype_raw(u, 6, PECAN_OBJ_NOTIFICATION, 0, 0, ROOT, d), -PECAN_ERANGE);
    CHECK_ERR(retype_raw(u, 6, PECAN_OBJ_NOTIFICATION, 0, 4097, ROOT, d), -PECAN_ERANGE);
    CHECK_ERR(retype_raw(u, 6, PECAN_OBJ_NOTIFICATION, 0, 2049, ROOT, d), -PECAN_ERANGE);
    CHECK_ERR(retype_raw(u, 6, PECAN_OBJ_NOTIFICATION, 0, 0xFFFFFFFFu, ROOT, d), -PECAN_ERANGE);
    /* Unknown opcode, wrong protocol. */
    pecan_word_t w[] = { 7 };
    CHECK_ERR(pecan_call(u, PECAN_PROTO_UNTYPED, 1, w, 0, 0), -PECAN_ENOSYS);
    pecan_word_t r[] = { PECAN_UNTYPED_RETYPE, PECAN_OBJ_NOTIFICATION, 0, 1, ROOT, d };
    CHECK_ERR(pecan_call(u, PECAN_PROTO_CNODE, 6, r, 0, 0), -PECAN_EBADPROTO);
    CHECK_ERR(pecan_call(u, 0, 6, r, 0, 0), -PECAN_EBADPROTO);
    check_unchanged(u, d, 2);
    CHECK_CLEAN();
}

UTEST(untyped_retype_destination_errors)
{
    pecan_cap_t u = ut_alloc(16);
    pecan_cap_t small = obj_new(PECAN_OBJ_CNODE, 2);   /* 4 slots */
    pecan_cap_t ro = slot_alloc(), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t d = slots_alloc(4);
    REQUIRE(u && small && ro && n && d);
    /* Destination CNode: unresolvable or empty, not a CNode, without WRITE. */
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 1, 0x00ABCDEFu, 0),
              -PECAN_EINVALCAP);
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 1, d, 0), -PECAN_EINVALCAP);
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 1, n, 0), -PECAN_ETYPE);
    REQUIRE_OK(cap_copy(ro, small, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 1, ro, 0), -PECAN_EPERM);
    /* Slots past the end of the CNode. */
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 1, small, 4), -PECAN_ERANGE);
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 3, small, 2), -PECAN_ERANGE);
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 1, small, 0xFFFFFFFFu),
              -PECAN_ERANGE);
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 2000,
                                   ROOT, ROOT_CNODE_SLOTS - 1000), -PECAN_ERANGE);
    /* An occupied slot anywhere in the range. */
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 4, ROOT, d - 1), -PECAN_EEXIST);
    CHECK_OK(cap_copy(d + 2, n, PECAN_RIGHTS_ALL));
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 4, ROOT, d), -PECAN_EEXIST);
    CHECK_OK(cap_delete(d + 2));
    check_unchanged(u, d, 4);
    /* The whole small CNode works. */
    CHECK_OK(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 4, small, 0));
    CHECK_CLEAN();
    CHECK_OK(cap_delete(ro));
}

UTEST(untyped_retype_not_leaf_and_no_memory)
{
    pecan_cap_t u = ut_alloc(12);
    pecan_cap_t d = slots_alloc(130);
    REQUIRE(u && d);
    /* Bigger than the untyped, or more than fit. */
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_VSPACE, 0, 1, ROOT, d), -PECAN_ENOMEM);
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_FRAME, 16, 1, ROOT, d), -PECAN_ENOMEM);
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_UNTYPED, 13, 1, ROOT, d), -PECAN_ENOMEM);
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_CNODE, 8, 1, ROOT, d), -PECAN_ENOMEM);
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_THREAD, 0, 5, ROOT, d), -PECAN_ENOMEM);
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 129, ROOT, d), -PECAN_ENOMEM);
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_FRAME, 12, 2, ROOT, d), -PECAN_ENOMEM);
    check_unchanged(u, d, 130);
    /* Exactly full works; then the untyped has children: ENOTLEAF for any retype. */
    REQUIRE_OK(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 128, ROOT, d));
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 1, ROOT, d + 128),
              -PECAN_ENOTLEAF);
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_UNTYPED, 12, 1, ROOT, d + 128), -PECAN_ENOTLEAF);
    CHECK_EQ(cap_type(d + 128), CAPK_NULL);
    /* One child left is enough to keep it from being a leaf. */
    for (unsigned i = 0; i < 127; i++)
        CHECK_OK(cap_delete(d + i));
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 1, ROOT, d), -PECAN_ENOTLEAF);
    CHECK_OK(cap_delete(d + 127));
    CHECK(is_leaf(u));
    CHECK_OK(pecan_untyped_retype(u, PECAN_OBJ_FRAME, 12, 1, ROOT, d));
    CHECK_CLEAN();
    ut_free(u);
}

UTEST(untyped_device_only_frames)
{
    pecan_cap_t dev = 0;
    for (unsigned i = 0; i < bootinfo->cap_count && !dev; i++) {
        if (bootinfo->caps[i].kind == PECAN_BOOTINFO_DEVICE_UNTYPED &&
            bootinfo->caps[i].size_bits == 12)
            dev = bootinfo->caps[i].slot;
    }
    REQUIRE(dev);
    pecan_cap_t d = slot_alloc();
    static const unsigned kernel_types[][2] = {
        { PECAN_OBJ_THREAD, 0 }, { PECAN_OBJ_GATE, 0 }, { PECAN_OBJ_NOTIFICATION, 0 },
        { PECAN_OBJ_CNODE, 1 }, { PECAN_OBJ_PAGE_TABLE, 0 }, { PECAN_OBJ_VSPACE, 0 },
    };
    for (unsigned i = 0; i < sizeof(kernel_types) / sizeof(kernel_types[0]); i++)
        CHECK_ERR(pecan_untyped_retype(dev, kernel_types[i][0], kernel_types[i][1], 1, ROOT, d),
                  -PECAN_ETYPE);
    check_unchanged(dev, d, 1);
    /* A frame: device flag set, not RAM. */
    REQUIRE_OK(pecan_untyped_retype(dev, PECAN_OBJ_FRAME, 12, 1, ROOT, d));
    struct pecan_cap_identity id;
    CHECK_OK(cap_identify(d, &id));
    CHECK_EQ(id.type, CAPK_FRAME);
    CHECK(id.flags & CAP_FLAG_DEVICE);
    CHECK_OK(cap_revoke(dev));
    /* A device untyped child, which again makes only frames. */
    pecan_cap_t f = slot_alloc();
    REQUIRE_OK(pecan_untyped_retype(dev, PECAN_OBJ_UNTYPED, 12, 1, ROOT, d));
    int device = 0;
    CHECK_OK(pecan_untyped_info(d, 0, 0, &device, 0));
    CHECK_EQ(device, 1);
    CHECK_ERR(pecan_untyped_retype(d, PECAN_OBJ_NOTIFICATION, 0, 1, ROOT, f), -PECAN_ETYPE);
    CHECK_OK(pecan_untyped_retype(d, PECAN_OBJ_FRAME, 12, 1, ROOT, f));
    CHECK_CLEAN();
    CHECK_OK(cap_revoke(dev));
    CHECK(is_leaf(dev));
}

/* Same-size untyped children nest until the derivation tree is full: EDEPTH, cleanly. */
UTEST(untyped_depth_limit)
{
    pecan_cap_t u = ut_alloc(12);
    pecan_cap_t chain = slots_alloc(70);
    REQUIRE(u && chain);
    pecan_cap_t parent = u;
    unsigned made = 0;
    int err = 0;
    for (unsigned i = 0; i < 70; i++) {
        err = pecan_untyped_retype(parent, PECAN_OBJ_UNTYPED, 12, 1, ROOT, chain + i);
        if (err)
            break;
        parent = chain + i;
        made++;
    }
    CHECK_ERR(err, -PECAN_EDEPTH);
    CHECK_EQ(depth_of(parent), 63);
    CHECK_EQ(made, 63 - depth_of(u));
    CHECK_EQ(cap_type(chain + made), CAPK_NULL);
    CHECK(is_leaf(parent));
    /* The deepest untyped still makes objects of other kinds? No: they would be at 64. */
    CHECK_ERR(pecan_untyped_retype(parent, PECAN_OBJ_NOTIFICATION, 0, 1, ROOT, chain + made),
              -PECAN_EDEPTH);
    CHECK_CLEAN();
    ut_free(u);
    CHECK_EQ(cap_type(chain), CAPK_NULL);
    CHECK_EQ(cap_type(chain + made - 1), CAPK_NULL);
}

/* Address spaces take a hardware ASID each: a retype that runs out makes nothing. */
UTEST(untyped_retype_vspace_no_asid)
{
    pecan_cap_t u = ut_alloc(22);   /* 256 page directories */
    pecan_cap_t d = slots_alloc(256);
    REQUIRE(u && d);
    CHECK_ERR(pecan_untyped_retype(u, PECAN_OBJ_VSPACE, 0, 256, ROOT, d), -PECAN_ENOASID);
    check_unchanged(u, d, 256);
    CHECK_CLEAN();
    /* The ASIDs were given back: as many as are free now can be made. */
    REQUIRE_OK(pecan_untyped_retype(u, PECAN_OBJ_VSPACE, 0, 200, ROOT, d));
    unsigned asid = 0;
    CHECK_OK(pecan_vspace_info(d + 199, &asid, 0, 0));
    CHECK(asid > 0 && asid < 256);
    CHECK_CLEAN();
    ut_free(u);
}

/* Moving an untyped keeps its place in the tree; deleting one with children moves them
 * up to its parent, which then still covers them. */
UTEST(untyped_move_and_delete_with_children)
{
    pecan_cap_t u = ut_alloc(14);
    pecan_cap_t child = slot_alloc(), moved = slot_alloc(), objs = slots_alloc(4);
    REQUIRE(u && child && moved && objs);
    REQUIRE_OK(pecan_untyped_retype(u, PECAN_OBJ_UNTYPED, 13, 1, ROOT, child));
    unsigned child_depth = depth_of(child);
    CHECK_OK(cap_move(moved, child));
    CHECK_EQ(cap_type(child), CAPK_NULL);
    CHECK_EQ(depth_of(moved), child_depth);
    CHECK_ERR(cap_copy(child, moved, PECAN_RIGHTS_ALL), -PECAN_EUNTYPEDCOPY);
    CHECK_ERR(cap_mint(child, moved, PECAN_RIGHTS_ALL, 0), -PECAN_EUNTYPEDCOPY);
    REQUIRE_OK(pecan_untyped_retype(moved, PECAN_OBJ_THREAD, 0, 4, ROOT, objs));
    CHECK_EQ(depth_of(objs), child_depth + 1);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(moved));
    CHECK_EQ(depth_of(objs + 3), child_depth);
    CHECK(!is_leaf(u));
    CHECK_CLEAN();
    CHECK_OK(pecan_thread_set_priority(objs, 7));   /* the objects live on */
    ut_free(u);
    CHECK_EQ(cap_type(objs), CAPK_NULL);
}

/* RETYPE has no EPERM of its own (docs/abi.md): an untyped capability always has every
 * right. The kernel makes them with all rights (at boot and by retype), and nothing can
 * make one with fewer: copy, mint and capability items are refused (EUNTYPEDCOPY) whatever
 * the mask, and move keeps the rights. */
static unsigned rights_of(pecan_cap_t slot)
{
    struct pecan_cap_identity id;
    return cap_identify(slot, &id) == 0 ? id.rights : 0;
}

UTEST(untyped_capabilities_always_have_every_right)
{
    for (unsigned i = 0; i < bootinfo->cap_count; i++) {
        unsigned kind = bootinfo->caps[i].kind;
        if ((kind == PECAN_BOOTINFO_UNTYPED || kind == PECAN_BOOTINFO_DEVICE_UNTYPED) &&
            cap_type(bootinfo->caps[i].slot) == CAPK_UNTYPED)
            CHECK_EQ(rights_of(bootinfo->caps[i].slot), PECAN_RIGHTS_ALL);
    }
    pecan_cap_t u = ut_alloc(13), child = slot_alloc(), moved = slot_alloc();
    pecan_cap_t other = slot_alloc(), n = slot_alloc();
    REQUIRE(u && child && moved && other && n);
    CHECK_EQ(rights_of(u), PECAN_RIGHTS_ALL);
    REQUIRE_OK(pecan_untyped_retype(u, PECAN_OBJ_UNTYPED, 12, 1, ROOT, child));
    CHECK_EQ(rights_of(child), PECAN_RIGHTS_ALL);
    static const unsigned masks[] = { 0, PECAN_RIGHT_READ, PECAN_RIGHT_GRANT,
                                      PECAN_RIGHTS_ALL & ~PECAN_RIGHT_WRITE };
    for (unsigned i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
        CHECK_ERR(cap_copy(other, child, masks[i]), -PECAN_EUNTYPEDCOPY);
        CHECK_ERR(cap_mint(other, child, masks[i], 0), -PECAN_EUNTYPEDCOPY);
    }
    REQUIRE_OK(cap_move(moved, child));
    CHECK_EQ(rights_of(moved), PECAN_RIGHTS_ALL);
    CHECK_OK(pecan_untyped_retype(moved, PECAN_OBJ_NOTIFICATION, 0, 1, ROOT, n));
    CHECK_CLEAN();
    CHECK_OK(cap_revoke(u));
    ut_free(u);
}
