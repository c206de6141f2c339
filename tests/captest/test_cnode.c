/* SPDX-License-Identifier: MIT */
/*
 * CNode operations on the root CNode: copy (a sibling with the same or fewer rights),
 * mint (a child, fewer rights, a badge), move, delete, revoke and identify, with the
 * rights they need (WRITE on the CNode, GRANT on what is passed on, REVOKE to revoke),
 * the capabilities that are never copied (untyped, page tables), and the depth limit of
 * the derivation tree.
 */
#include "captest.h"

#define R_READ PECAN_RIGHT_READ
#define R_WRITE PECAN_RIGHT_WRITE
#define R_GRANT PECAN_RIGHT_GRANT
#define R_REVOKE PECAN_RIGHT_REVOKE
#define R_ALL PECAN_RIGHTS_ALL

static struct pecan_cap_identity identity(pecan_cap_t slot)
{
    struct pecan_cap_identity id = { 0 };
    cap_identify(slot, &id);
    return id;
}

UTEST(cnode_copy_rights)
{
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t c = slots_alloc(6);
    REQUIRE(n && c);
    struct pecan_cap_identity master = identity(n);
    /* A full copy: same object, same rights, a sibling (same depth). */
    REQUIRE_OK(cap_copy(c, n, R_ALL));
    struct pecan_cap_identity id = identity(c);
    CHECK_EQ(id.type, CAPK_NOTIFICATION);
    CHECK_EQ(id.phys, master.phys);
    CHECK_EQ(id.rights, R_ALL);
    CHECK_EQ(id.depth, master.depth);
    /* Fewer rights; a copy of that cannot get them back. */
    REQUIRE_OK(cap_copy(c + 1, n, R_READ | R_GRANT));
    CHECK_EQ(identity(c + 1).rights, R_READ | R_GRANT);
    REQUIRE_OK(cap_copy(c + 2, c + 1, R_ALL));
    CHECK_EQ(identity(c + 2).rights, R_READ | R_GRANT);
    CHECK_OK(cap_copy(c + 3, c + 1, R_WRITE));
    CHECK_EQ(identity(c + 3).rights, 0);
    /* Without GRANT a capability cannot be passed on. */
    REQUIRE_OK(cap_copy(c + 4, n, R_READ | R_WRITE));
    CHECK_ERR(cap_copy(c + 5, c + 4, R_ALL), -PECAN_EPERM);
    CHECK_ERR(cap_mint(c + 5, c + 4, R_ALL, 0), -PECAN_EPERM);
    CHECK_ERR(cap_move(c + 5, c + 4), -PECAN_EPERM);
    CHECK_EQ(cap_type(c + 5), CAPK_NULL);
    /* The rights are enforced: READ|GRANT cannot signal, but can poll. */
    CHECK_ERR(pecan_notification_signal(c + 1, 1), -PECAN_EPERM);
    CHECK_OK(pecan_notification_signal(c, 2));
    CHECK_EQ(poll_bits(c + 2), 2);
    CHECK_ERR(pecan_notification_signal(c + 3, 1), -PECAN_EPERM);
    pecan_word_t bits;
    CHECK_ERR(pecan_notification_poll(c + 3, &bits), -PECAN_EPERM);
    CHECK_CLEAN();
    for (unsigned i = 0; i < 5; i++)
        CHECK_OK(cap_delete(c + i));
    CHECK_CLEAN();
}

UTEST(cnode_mint_badges_and_rights)
{
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t m = slots_alloc(6);
    REQUIRE(n && m);
    REQUIRE_OK(cap_mint(m, n, R_ALL, 0x10));
    struct pecan_cap_identity id = identity(m);
    CHECK_EQ(id.badge, 0x10);
    CHECK_EQ(id.depth, identity(n).depth + 1);
    CHECK_EQ(id.phys, identity(n).phys);
    /* The badge is ORed into every signal through it (even one without bits). */
    CHECK_OK(pecan_notification_signal(m, 0x1));
    CHECK_EQ(poll_bits(n), 0x11);
    CHECK_OK(pecan_notification_signal(m, 0));
    CHECK_EQ(poll_bits(n), 0x10);
    /* A badged capability keeps its badge. */
    CHECK_ERR(cap_mint(m + 1, m, R_ALL, 0x20), -PECAN_EPERM);
    CHECK_ERR(cap_mint(m + 1, m, R_ALL, 0), -PECAN_EPERM);
    CHECK_OK(cap_mint(m + 1, m, R_ALL, 0x10));
    CHECK_EQ(identity(m + 1).badge, 0x10);
    CHECK_EQ(identity(m + 1).depth, id.depth + 1);
    CHECK_OK(cap_copy(m + 2, m, R_ALL));   /* a copy keeps the badge too */
    CHECK_EQ(identity(m + 2).badge, 0x10);
    /* Mint cannot add rights. */
    REQUIRE_OK(cap_mint(m + 3, n, R_READ | R_GRANT, 0x4));
    REQUIRE_OK(cap_mint(m + 4, m + 3, R_ALL, 0x4));
    CHECK_EQ(identity(m + 4).rights, R_READ | R_GRANT);
    CHECK_ERR(pecan_notification_signal(m + 4, 1), -PECAN_EPERM);
    CHECK_CLEAN();
    CHECK_OK(cap_revoke(n));
    for (unsigned i = 0; i < 5; i++)
        CHECK_EQ(cap_type(m + i), CAPK_NULL);
    CHECK_CLEAN();
}

UTEST(cnode_mint_badge_per_type)
{
    pecan_cap_t e = obj_new(PECAN_OBJ_GATE, 0);
    pecan_cap_t f = obj_new(PECAN_OBJ_FRAME, 12);
    pecan_cap_t t = obj_new(PECAN_OBJ_THREAD, 0);
    pecan_cap_t c = obj_new(PECAN_OBJ_CNODE, 4);
    pecan_cap_t s = slots_alloc(6);
    REQUIRE(e && f && t && c && s);
    REQUIRE_OK(cap_mint(s, e, R_ALL, 0xBEEF));
    CHECK_EQ(identity(s).badge, 0xBEEF);
    CHECK_ERR(cap_mint(s + 1, s, R_ALL, 0xCAFE), -PECAN_EPERM);
    /* Types without a badge take only 0. */
    CHECK_ERR(cap_mint(s + 1, f, R_ALL, 5), -PECAN_EINVAL);
    CHECK_ERR(cap_mint(s + 1, t, R_ALL, 1), -PECAN_EINVAL);
    CHECK_EQ(cap_type(s + 1), CAPK_NULL);
    CHECK_OK(cap_mint(s + 1, f, R_READ | R_GRANT, 0));
    CHECK_OK(cap_mint(s + 2, t, R_ALL, 0));
    /* CNodes: the badge is the guard; guard bits + radix must fit 32 bits. */
    CHECK_ERR(cap_mint(s + 3, c, R_ALL, 29), -PECAN_EINVAL);
    CHECK_OK(cap_mint(s + 3, c, R_ALL, 28 | (0x5u << 5)));
    CHECK_EQ(identity(s + 3).badge, 0x5);
    CHECK_CLEAN();
    for (unsigned i = 0; i < 4; i++)
        CHECK_OK(cap_delete(s + i));
}

/* Only the gate's server (READ) may badge an unbadged gate capability: a client's
 * unbadged copy (a channel) minting a badge would speak as another client's session. */
UTEST(cnode_mint_gate_badge_needs_read)
{
    pecan_cap_t e = obj_new(PECAN_OBJ_GATE, 0);
    pecan_cap_t s = slots_alloc(5);
    REQUIRE(e && s);
    REQUIRE_OK(cap_copy(s, e, R_WRITE | R_GRANT));   /* what a client gets: no READ */
    CHECK_ERR(cap_mint(s + 1, s, R_ALL, 0x42), -PECAN_EPERM);
    CHECK_EQ(cap_type(s + 1), CAPK_NULL);
    CHECK_OK(cap_mint(s + 1, s, R_ALL, 0));            /* an unbadged copy stays allowed */
    CHECK_EQ(identity(s + 1).badge, 0);
    CHECK_OK(cap_mint(s + 2, e, R_WRITE | R_GRANT, 0x42));   /* the server names a client */
    CHECK_OK(cap_mint(s + 3, s + 2, R_ALL, 0x42));      /* and the client passes it on */
    CHECK_EQ(identity(s + 3).badge, 0x42);
    CHECK_ERR(cap_mint(s + 4, s + 2, R_ALL, 0x43), -PECAN_EPERM);
    CHECK_CLEAN();
    for (unsigned i = 0; i < 4; i++)
        CHECK_OK(cap_delete(s + i));
    CHECK_CLEAN();
}

UTEST(cnode_move)
{
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t s = slots_alloc(5);
    REQUIRE(n && s);
    REQUIRE_OK(cap_mint(s, n, R_ALL, 0x8));
    unsigned depth = identity(n).depth;
    /* Moving keeps the place in the tree: the child stays a child. */
    REQUIRE_OK(cap_move(s + 1, n));
    CHECK_EQ(cap_type(n), CAPK_NULL);
    CHECK_EQ(identity(s + 1).depth, depth);
    CHECK_EQ(identity(s).depth, depth + 1);
    CHECK_OK(pecan_notification_signal(s + 1, 1));
    CHECK_EQ(poll_bits(s), 1);
    /* Onto itself (the destination is occupied), onto an occupied slot, from an empty
     * one: errors, and nothing moves. */
    CHECK_ERR(cap_move(s + 1, s + 1), -PECAN_EEXIST);
    CHECK_EQ(cap_type(s + 1), CAPK_NOTIFICATION);
    CHECK_ERR(cap_move(s, s + 1), -PECAN_EEXIST);
    CHECK_ERR(cap_move(s + 3, s + 2), -PECAN_EINVALCAP);
    CHECK_CLEAN();
    /* Move back so the case can free it through its own slot. */
    REQUIRE_OK(cap_move(n, s + 1));
    CHECK_OK(cap_revoke(n));
    CHECK_EQ(cap_type(s), CAPK_NULL);
    CHECK_CLEAN();
}

UTEST(cnode_delete_and_revoke)
{
    pecan_cap_t u = ut_alloc(12);
    pecan_cap_t n = slot_alloc(), s = slots_alloc(6);
    REQUIRE(u && n && s);
    REQUIRE_OK(pecan_untyped_retype(u, PECAN_OBJ_NOTIFICATION, 0, 1, ROOT, n));
    REQUIRE_OK(cap_copy(s, n, R_ALL));                   /* sibling */
    REQUIRE_OK(cap_mint(s + 1, n, R_ALL, 1));            /* child of n */
    REQUIRE_OK(cap_mint(s + 2, s, R_ALL, 2));            /* child of the sibling */
    REQUIRE_OK(cap_copy(s + 3, n, R_READ | R_WRITE | R_GRANT));   /* no REVOKE */
    /* Revoke needs REVOKE on the capability, and something in the slot. */
    CHECK_ERR(cap_revoke(s + 3), -PECAN_EPERM);
    CHECK_ERR(cap_revoke(s + 4), -PECAN_EINVALCAP);
    /* Revoke takes the descendants only: the child goes, the siblings and their
     * children stay. */
    CHECK_OK(cap_revoke(n));
    CHECK_EQ(cap_type(n), CAPK_NOTIFICATION);
    CHECK_EQ(cap_type(s + 1), CAPK_NULL);
    CHECK_EQ(cap_type(s), CAPK_NOTIFICATION);
    CHECK_EQ(cap_type(s + 2), CAPK_NOTIFICATION);
    CHECK_CLEAN();
    /* Deleting a capability with children moves them up. */
    unsigned depth = identity(s).depth;
    CHECK_OK(cap_delete(s));
    CHECK_EQ(identity(s + 2).depth, depth);
    /* Deleting an empty slot does nothing. */
    CHECK_OK(cap_delete(s + 4));
    /* Deleting copies that are not the last keeps the object. */
    CHECK_OK(cap_delete(n));
    CHECK_OK(cap_delete(s + 3));
    CHECK_OK(pecan_notification_signal(s + 2, 4));
    CHECK_EQ(poll_bits(s + 2), 6);
    int leaf = 1;
    CHECK_OK(pecan_untyped_info(u, 0, 0, 0, &leaf));
    CHECK_EQ(leaf, 0);
    /* The last one destroys it: the untyped is a leaf again. */
    CHECK_OK(cap_delete(s + 2));
    CHECK_OK(pecan_untyped_info(u, 0, 0, 0, &leaf));
    CHECK_EQ(leaf, 1);
    CHECK_CLEAN();
    ut_free(u);
}

UTEST(cnode_identify)
{
    struct pecan_cap_identity id;
    pecan_cap_t empty = slot_alloc(), ro = slot_alloc();
    REQUIRE(empty && ro);
    CHECK_OK(cap_identify(empty, &id));
    CHECK_EQ(id.type, CAPK_NULL);
    CHECK_OK(cap_identify(PECAN_ROOT_LOG, &id));
    CHECK_EQ(id.type, CAPK_LOG);
    CHECK_OK(cap_identify(PECAN_ROOT_CNODE, &id));
    CHECK_EQ(id.type, CAPK_CNODE);
    CHECK_EQ(id.size_bits, bootinfo->root_cnode_bits);
    CHECK_OK(cap_identify(PECAN_ROOT_THREAD, &id));
    CHECK_EQ(id.type, CAPK_THREAD);
    /* (index, depth) that do not resolve in the one-level root CNode. */
    CHECK_ERR(pecan_cnode_identify(ROOT, 5, 0, &id), -PECAN_EINVALCAP);
    CHECK_ERR(pecan_cnode_identify(ROOT, 5, 12, &id), -PECAN_EINVALCAP);
    CHECK_ERR(pecan_cnode_identify(ROOT, 5, 33, &id), -PECAN_EINVALCAP);
    CHECK_ERR(pecan_cnode_identify(ROOT, ROOT_CNODE_SLOTS, 32, &id), -PECAN_EINVALCAP);
    pecan_word_t w[] = { PECAN_CNODE_IDENTIFY, 5 };
    CHECK_ERR(pecan_call(ROOT, PECAN_PROTO_CNODE, 2, w, 0, 0), -PECAN_EMSGTOOSHORT);
    /* Identify needs no rights on the CNode. */
    REQUIRE_OK(cap_copy(ro, ROOT, R_GRANT));
    CHECK_OK(pecan_cnode_identify(ro, PECAN_ROOT_LOG, 32, &id));
    CHECK_EQ(id.type, CAPK_LOG);
    CHECK_OK(cap_delete(ro));
}

/* Every modifying operation checks its message, WRITE on the CNode and the source. */
UTEST(cnode_errors)
{
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t ro = slot_alloc(), d = slot_alloc(), e = slot_alloc();
    REQUIRE(n && ro && d && e);
    REQUIRE_OK(cap_copy(ro, ROOT, R_READ | R_GRANT | R_REVOKE));
    /* No WRITE on the invoked CNode. */
    CHECK_ERR(pecan_cnode_copy(ro, d, 32, ROOT, n, 32, R_ALL), -PECAN_EPERM);
    CHECK_ERR(pecan_cnode_mint(ro, d, 32, ROOT, n, 32, R_ALL, 1), -PECAN_EPERM);
    CHECK_ERR(pecan_cnode_move(ro, d, 32, ROOT, n, 32), -PECAN_EPERM);
    CHECK_ERR(pecan_cnode_delete(ro, n, 32), -PECAN_EPERM);
    CHECK_ERR(pecan_cnode_revoke(ro, n, 32), -PECAN_EPERM);
    /* No WRITE on the source CNode, or it is not a CNode, or empty. */
    CHECK_ERR(pecan_cnode_copy(ROOT, d, 32, ro, n, 32, R_ALL), -PECAN_EPERM);
    CHECK_ERR(pecan_cnode_copy(ROOT, d, 32, n, 0, 32, R_ALL), -PECAN_ETYPE);
    CHECK_ERR(pecan_cnode_copy(ROOT, d, 32, e, 0, 32, R_ALL), -PECAN_EINVALCAP);
    /* Unresolvable destination or source, empty source, occupied destination. */
    CHECK_ERR(pecan_cnode_copy(ROOT, d, 31, ROOT, n, 32, R_ALL), -PECAN_EINVALCAP);
    CHECK_ERR(pecan_cnode_copy(ROOT, d, 32, ROOT, n, 8, R_ALL), -PECAN_EINVALCAP);
    CHECK_ERR(pecan_cnode_copy(ROOT, d, 32, ROOT, e, 32, R_ALL), -PECAN_EINVALCAP);
    CHECK_ERR(pecan_cnode_mint(ROOT, d, 32, ROOT, e, 32, R_ALL, 0), -PECAN_EINVALCAP);
    CHECK_ERR(cap_copy(ro, n, R_ALL), -PECAN_EEXIST);
    CHECK_ERR(cap_mint(ro, n, R_ALL, 0), -PECAN_EEXIST);
    CHECK_ERR(cap_move(ro, n), -PECAN_EEXIST);
    CHECK_ERR(pecan_cnode_delete(ROOT, d, 16), -PECAN_EINVALCAP);
    CHECK_ERR(pecan_cnode_revoke(ROOT, d, 16), -PECAN_EINVALCAP);
    /* Short messages, unknown opcodes, wrong protocol. */
    pecan_word_t w[8] = { PECAN_CNODE_COPY, d, 32, ROOT, n, 32, R_ALL, 0 };
    CHECK_ERR(pecan_call(ROOT, PECAN_PROTO_CNODE, 6, w, 0, 0), -PECAN_EMSGTOOSHORT);
    w[0] = PECAN_CNODE_MINT;
    CHECK_ERR(pecan_call(ROOT, PECAN_PROTO_CNODE, 7, w, 0, 0), -PECAN_EMSGTOOSHORT);
    w[0] = PECAN_CNODE_MOVE;
    CHECK_ERR(pecan_call(ROOT, PECAN_PROTO_CNODE, 5, w, 0, 0), -PECAN_EMSGTOOSHORT);
    w[0] = PECAN_CNODE_DELETE;
    CHECK_ERR(pecan_call(ROOT, PECAN_PROTO_CNODE, 2, w, 0, 0), -PECAN_EMSGTOOSHORT);
    w[0] = PECAN_CNODE_REVOKE;
    CHECK_ERR(pecan_call(ROOT, PECAN_PROTO_CNODE, 2, w, 0, 0), -PECAN_EMSGTOOSHORT);
    w[0] = 6;
    CHECK_ERR(pecan_call(ROOT, PECAN_PROTO_CNODE, 8, w, 0, 0), -PECAN_ENOSYS);
    w[0] = PECAN_CNODE_COPY;
    CHECK_ERR(pecan_call(ROOT, PECAN_PROTO_THREAD, 7, w, 0, 0), -PECAN_EBADPROTO);
    CHECK_EQ(cap_type(d), CAPK_NULL);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(ro));
}

UTEST(cnode_untyped_and_page_tables_never_copied)
{
    pecan_cap_t u = ut_alloc(12);
    pecan_cap_t pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    pecan_cap_t d = slot_alloc(), d2 = slot_alloc();
    REQUIRE(u && pt && d && d2);
    CHECK_ERR(cap_copy(d, u, R_ALL), -PECAN_EUNTYPEDCOPY);
    CHECK_ERR(cap_mint(d, u, R_ALL, 0), -PECAN_EUNTYPEDCOPY);
    CHECK_ERR(cap_copy(d, pt, R_ALL), -PECAN_ETYPE);
    CHECK_ERR(cap_mint(d, pt, R_ALL, 0), -PECAN_ETYPE);
    /* Boot untyped are not copyable either. */
    for (unsigned i = 0; i < bootinfo->cap_count; i++) {
        unsigned kind = bootinfo->caps[i].kind;
        if (kind == PECAN_BOOTINFO_UNTYPED || kind == PECAN_BOOTINFO_DEVICE_UNTYPED) {
            CHECK_ERR(cap_copy(d, bootinfo->caps[i].slot, R_ALL), -PECAN_EUNTYPEDCOPY);
            break;
        }
    }
    CHECK_EQ(cap_type(d), CAPK_NULL);
    /* Both may move. */
    CHECK_OK(cap_move(d2, pt));
    CHECK_OK(cap_move(pt, d2));
    CHECK_CLEAN();
    ut_free(u);
}

/* A chain of mints ends at the tree's depth limit with EDEPTH, leaving nothing behind;
 * deleting a link moves the rest up one level; revoking the first removes all. */
UTEST(cnode_mint_depth_limit)
{
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t chain = slots_alloc(70);
    REQUIRE(n && chain);
    unsigned start = identity(n).depth, made = 0;
    pecan_cap_t prev = n;
    int err = 0;
    for (unsigned i = 0; i < 70; i++) {
        err = cap_mint(chain + i, prev, R_ALL, 0);
        if (err)
            break;
        prev = chain + i;
        made++;
    }
    CHECK_ERR(err, -PECAN_EDEPTH);
    CHECK_EQ(made, 63 - start);
    CHECK_EQ(identity(prev).depth, 63);
    CHECK_EQ(cap_type(chain + made), CAPK_NULL);
    CHECK_CLEAN();
    /* A copy of the deepest one is fine (a sibling), a mint from it is not. */
    CHECK_OK(cap_copy(chain + made, prev, R_ALL));
    CHECK_ERR(cap_mint(chain + made + 1, prev, R_ALL, 0), -PECAN_EDEPTH);
    CHECK_OK(cap_delete(chain + made));
    /* Take out a middle link: everything below moves up by one. */
    CHECK_OK(cap_delete(chain + 10));
    CHECK_EQ(identity(prev).depth, 62);
    CHECK_OK(cap_mint(chain + made, prev, R_ALL, 0));
    CHECK_CLEAN();
    CHECK_OK(cap_revoke(n));
    for (unsigned i = 0; i <= made; i++) {
        if (!CHECK_EQ(cap_type(chain + i), CAPK_NULL))
            break;
    }
    CHECK_CLEAN();
}

/* An untyped whose capability sits in a CNode made from that untyped: revoking it
 * destroys the CNode, and with it the slot of the capability being revoked. */
UTEST(cnode_revoke_untyped_kept_in_its_own_cnode)
{
    pecan_cap_t parent = ut_alloc(13), u = slot_alloc(), c = slot_alloc();
    REQUIRE(parent && u && c);
    REQUIRE_OK(pecan_untyped_retype(parent, PECAN_OBJ_UNTYPED, 12, 1, ROOT, u));
    REQUIRE_OK(pecan_untyped_retype(u, PECAN_OBJ_CNODE, 2, 1, ROOT, c));
    REQUIRE_OK(pecan_cnode_move(c, 0, 2, ROOT, u, ROOT_DEPTH));
    CHECK_CLEAN();
    /* Done, or the restarted call finds the CNode gone. */
    int err = pecan_cnode_revoke(c, 0, 2);
    if (err != -PECAN_EINVALCAP)
        CHECK_OK(err);
    CHECK_CLEAN();
    CHECK_EQ(cap_type(c), CAPK_NULL);
    int leaf = 0;
    CHECK_OK(pecan_untyped_info(parent, 0, 0, 0, &leaf));
    CHECK_EQ(leaf, 1);
    ut_free(parent);
}
