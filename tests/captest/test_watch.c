/* SPDX-License-Identifier: MIT */
/*
 * Who owns a gate's no-clients watch (GATE SET_NO_CLIENTS, docs/abi.md): the capability
 * it was set through. Through it the watch is re-targeted or cancelled; a capability
 * derived from it takes it over (a gate passed down from its maker through a client to a
 * server); an ancestor, a copy or another branch gets EBUSY. The watch ends with the
 * watched capability and moves with it. After each step both notifications are polled:
 * a signal must reach only the watch's notification, exactly once, and never after the
 * watch has moved on or ended.
 */
#include "captest.h"

#define BITS_A 0x100u
#define BITS_B 0x200u
#define CANCEL 0   /* no notification: cancel the watch */

/* The chain of a gate made by one party for a client that hands it to a server: the
 * maker's capability, the client's child of it, the server's child of the client's, and
 * a session capability the server gave out (no READ: not gate control). */
struct chain {
    pecan_cap_t maker, client, server, session;
};

static bool chain_make(struct chain *c)
{
    c->maker = obj_new(PECAN_OBJ_GATE, 0);
    c->client = slot_alloc();
    c->server = slot_alloc();
    c->session = slot_alloc();
    return c->maker && c->client && c->server && c->session &&
           CHECK_OK(cap_mint(c->client, c->maker, PECAN_RIGHTS_ALL, 0)) &&
           CHECK_OK(cap_mint(c->server, c->client, PECAN_RIGHTS_ALL, 0)) &&
           CHECK_OK(cap_mint(c->session, c->server, PECAN_RIGHT_WRITE, 0x5E));
}

/* The maker watches first; the server's copy, two levels below, takes the watch over.
 * Then nobody above or beside the server can take it back, and the maker's old watch
 * never fires: not when the server's last client goes (that signals the server's
 * notification alone), nor when the maker itself has no children left. */
UTEST(watch_ancestor_cannot_take_over)
{
    struct chain c;
    pecan_cap_t n1 = obj_new(PECAN_OBJ_NOTIFICATION, 0), n2 = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t copy = slot_alloc(), side = slot_alloc(), other = slot_alloc();
    REQUIRE(chain_make(&c) && n1 && n2 && copy && side && other);
    REQUIRE_OK(cap_mint(other, c.maker, PECAN_RIGHT_WRITE, 0x0E));   /* the maker's own client */
    REQUIRE_OK(pecan_gate_set_no_clients(c.maker, n1, BITS_A));
    CHECK_EQ(poll_bits(n1), 0);                 /* the maker has clients */
    CHECK_OK(pecan_gate_set_no_clients(c.server, n2, BITS_B));
    CHECK_EQ(poll_bits(n1), 0);
    CHECK_EQ(poll_bits(n2), 0);                 /* the server has its session's client */
    CHECK_CLEAN();

    /* The maker, the client, a copy of the server's capability and a READ child of the
     * client beside the server's: none may set, re-target or cancel the server's watch. */
    REQUIRE_OK(cap_copy(copy, c.server, PECAN_RIGHTS_ALL));
    REQUIRE_OK(cap_mint(side, c.client, PECAN_RIGHTS_ALL, 0));
    const pecan_cap_t others[] = { c.maker, c.client, copy, side };
    for (unsigned i = 0; i < sizeof others / sizeof others[0]; i++) {
        CHECK_ERR(pecan_gate_set_no_clients(others[i], n1, BITS_A), -PECAN_EBUSY);
        CHECK_ERR(pecan_gate_set_no_clients(others[i], n2, BITS_A), -PECAN_EBUSY);
        CHECK_ERR(pecan_gate_set_no_clients(others[i], CANCEL, 0), -PECAN_EBUSY);
    }
    CHECK_EQ(poll_bits(n1), 0);
    CHECK_EQ(poll_bits(n2), 0);
    CHECK_OK(cap_delete(copy));
    CHECK_OK(cap_delete(side));
    CHECK_OK(cap_delete(other));
    CHECK_EQ(poll_bits(n1), 0);
    CHECK_EQ(poll_bits(n2), 0);
    CHECK_CLEAN();

    /* The session's client goes: the server's watch fires, once, with its bits. */
    CHECK_OK(cap_delete(c.session));
    CHECK_EQ(poll_bits(n2), BITS_B);
    CHECK_EQ(poll_bits(n1), 0);
    CHECK_EQ(poll_bits(n2), 0);
    /* The server drops its copy, and the client its own: the maker has no children
     * left, but it watches nothing any more. */
    CHECK_OK(cap_delete(c.server));
    CHECK_OK(cap_delete(c.client));
    CHECK_EQ(poll_bits(n1), 0);
    CHECK_EQ(poll_bits(n2), 0);
    CHECK_CLEAN();
    /* The watch ended with the server's capability: the maker may watch again (it is a
     * leaf now, so that signals at once). */
    CHECK_OK(pecan_gate_set_no_clients(c.maker, n1, BITS_A));
    CHECK_EQ(poll_bits(n1), BITS_A);
    CHECK_EQ(poll_bits(n2), 0);
    CHECK_CLEAN();
}

/* The watched capability re-targets its watch to another notification and other bits,
 * and cancels it; a cancel with no watch in place changes nothing. */
UTEST(watch_retarget_and_cancel)
{
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n1 = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t n2 = obj_new(PECAN_OBJ_NOTIFICATION, 0), client = slot_alloc();
    pecan_cap_t copy = slot_alloc();
    REQUIRE(gate && n1 && n2 && client && copy);
    REQUIRE_OK(cap_mint(client, gate, PECAN_RIGHT_WRITE, 1));
    REQUIRE_OK(pecan_gate_set_no_clients(gate, n1, BITS_A));
    CHECK_OK(pecan_gate_set_no_clients(gate, n2, BITS_B));
    CHECK_OK(cap_delete(client));
    CHECK_EQ(poll_bits(n2), BITS_B);
    CHECK_EQ(poll_bits(n1), 0);
    CHECK_EQ(poll_bits(n2), 0);
    CHECK_CLEAN();

    /* Re-targeted while it has no clients: signalled at once, at the new target only. */
    CHECK_OK(pecan_gate_set_no_clients(gate, n1, BITS_A | BITS_B));
    CHECK_EQ(poll_bits(n1), BITS_A | BITS_B);
    CHECK_EQ(poll_bits(n2), 0);

    /* Cancelled: a client that comes and goes signals nothing. */
    CHECK_OK(pecan_gate_set_no_clients(gate, CANCEL, 0));
    REQUIRE_OK(cap_mint(client, gate, PECAN_RIGHT_WRITE, 1));
    CHECK_OK(cap_delete(client));
    CHECK_EQ(poll_bits(n1), 0);
    CHECK_EQ(poll_bits(n2), 0);
    CHECK_OK(pecan_gate_set_no_clients(gate, CANCEL, 0));   /* nothing to cancel */
    CHECK_CLEAN();

    /* With no watch in place any capability with READ may set one: here a copy, which
     * then owns it, so the original is refused. */
    REQUIRE_OK(cap_copy(copy, gate, PECAN_RIGHTS_ALL));
    CHECK_OK(pecan_gate_set_no_clients(copy, n2, BITS_B));
    CHECK_EQ(poll_bits(n2), BITS_B);
    CHECK_ERR(pecan_gate_set_no_clients(gate, n1, BITS_A), -PECAN_EBUSY);
    CHECK_ERR(pecan_gate_set_no_clients(gate, CANCEL, 0), -PECAN_EBUSY);
    REQUIRE_OK(cap_mint(client, copy, PECAN_RIGHT_WRITE, 2));
    CHECK_OK(cap_delete(client));
    CHECK_EQ(poll_bits(n2), BITS_B);
    CHECK_EQ(poll_bits(n1), 0);
    /* Errors in the arguments come before the ownership check. */
    CHECK_ERR(pecan_gate_set_no_clients(gate, n1, 0), -PECAN_EINVAL);
    CHECK_ERR(pecan_gate_set_no_clients(gate, gate, 1), -PECAN_ETYPE);
    CHECK_OK(cap_delete(copy));
    CHECK_CLEAN();
}

/* Deleting the watched capability ends the watch, even while it has children: they move
 * up to its parent and signal nothing when they go. Another capability may watch then. */
UTEST(watch_ends_with_the_watched_capability)
{
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n1 = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t n2 = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t owner = slot_alloc(), client = slot_alloc(), client2 = slot_alloc();
    REQUIRE(gate && n1 && n2 && owner && client && client2);
    REQUIRE_OK(cap_mint(owner, gate, PECAN_RIGHTS_ALL, 0));
    REQUIRE_OK(cap_mint(client, owner, PECAN_RIGHT_WRITE, 3));
    REQUIRE_OK(pecan_gate_set_no_clients(owner, n1, BITS_A));
    CHECK_ERR(pecan_gate_set_no_clients(gate, n2, BITS_B), -PECAN_EBUSY);
    CHECK_OK(cap_delete(owner));
    CHECK_EQ(poll_bits(n1), 0);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(client));   /* a child of the gate now; no watch to fire */
    CHECK_EQ(poll_bits(n1), 0);

    /* The gate's own capability takes the free watch; the gate has no clients now. */
    CHECK_OK(pecan_gate_set_no_clients(gate, n2, BITS_B));
    CHECK_EQ(poll_bits(n2), BITS_B);
    REQUIRE_OK(cap_mint(client2, gate, PECAN_RIGHT_WRITE, 4));
    CHECK_OK(cap_delete(client2));
    CHECK_EQ(poll_bits(n2), BITS_B);
    CHECK_EQ(poll_bits(n1), 0);
    CHECK_CLEAN();

    /* The watched capability moved into a CNode that is then destroyed: the watch goes
     * with it, and its client (moved up to the gate's capability) signals nothing. */
    pecan_cap_t cnode = obj_new(PECAN_OBJ_CNODE, 2);
    REQUIRE(cnode);
    REQUIRE_OK(pecan_gate_set_no_clients(gate, CANCEL, 0));
    REQUIRE_OK(cap_mint(owner, gate, PECAN_RIGHTS_ALL, 0));
    REQUIRE_OK(cap_mint(client, owner, PECAN_RIGHT_WRITE, 5));
    REQUIRE_OK(pecan_gate_set_no_clients(owner, n1, BITS_A));
    REQUIRE_OK(pecan_cnode_move(cnode, 0, 2, ROOT, owner, ROOT_DEPTH));
    CHECK_ERR(pecan_gate_set_no_clients(gate, n2, BITS_B), -PECAN_EBUSY);
    CHECK_CLEAN();
    obj_free(cnode);
    CHECK_EQ(poll_bits(n1), 0);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(client));
    CHECK_EQ(poll_bits(n1), 0);
    CHECK_OK(pecan_gate_set_no_clients(gate, n2, BITS_B));
    CHECK_EQ(poll_bits(n2), BITS_B);
    CHECK_EQ(poll_bits(n1), 0);
    CHECK_CLEAN();
}

/* CNODE MOVE takes the watch along: the moved capability still owns it and its clients
 * still signal it; the slot it left is empty, and a copy of it is refused. */
UTEST(watch_moves_with_the_capability)
{
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n1 = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t owner = slot_alloc(), moved = slot_alloc(), client = slot_alloc();
    REQUIRE(gate && n1 && owner && moved && client);
    REQUIRE_OK(cap_mint(owner, gate, PECAN_RIGHTS_ALL, 0));
    REQUIRE_OK(cap_mint(client, owner, PECAN_RIGHT_WRITE, 6));
    REQUIRE_OK(pecan_gate_set_no_clients(owner, n1, BITS_A));
    CHECK_OK(cap_move(moved, owner));
    CHECK_EQ(cap_type(owner), CAPK_NULL);
    CHECK_CLEAN();
    CHECK_ERR(pecan_gate_set_no_clients(gate, n1, BITS_B), -PECAN_EBUSY);
    CHECK_OK(cap_delete(client));
    CHECK_EQ(poll_bits(n1), BITS_A);
    CHECK_OK(pecan_gate_set_no_clients(moved, n1, BITS_B));   /* still its owner */
    CHECK_EQ(poll_bits(n1), BITS_B);
    CHECK_OK(cap_delete(moved));
    CHECK_OK(pecan_gate_set_no_clients(gate, n1, BITS_A));
    CHECK_EQ(poll_bits(n1), BITS_A);
    CHECK_CLEAN();
}

/* Destroying the notification ends the watch: another capability may watch then. */
UTEST(watch_ends_with_the_notification)
{
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n1 = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t n2 = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t owner = slot_alloc(), client = slot_alloc();
    REQUIRE(gate && n1 && n2 && owner && client);
    REQUIRE_OK(cap_mint(owner, gate, PECAN_RIGHTS_ALL, 0));
    REQUIRE_OK(cap_mint(client, owner, PECAN_RIGHT_WRITE, 7));
    REQUIRE_OK(pecan_gate_set_no_clients(owner, n1, BITS_A));
    obj_free(n1);
    CHECK_CLEAN();
    CHECK_OK(pecan_gate_set_no_clients(gate, n2, BITS_B));
    CHECK_EQ(poll_bits(n2), 0);         /* the gate has a client: the owner */
    CHECK_OK(cap_delete(client));
    CHECK_EQ(poll_bits(n2), 0);         /* the owner's client, not the gate's */
    CHECK_OK(cap_delete(owner));
    CHECK_EQ(poll_bits(n2), BITS_B);
    CHECK_CLEAN();
}

/* A capability derived from the watched one takes the watch over only if few enough
 * entries of the derivation tree lie between them (the kernel's walk is bounded): here
 * copies of the client's capability, which the client made itself. */
#define TAKEOVER_DISTANCE 256u   /* WATCH_TAKEOVER_DISTANCE in kernel/object/gate.c */

static void takeover_across(unsigned copies, int expected)
{
    struct chain c;
    pecan_cap_t n1 = obj_new(PECAN_OBJ_NOTIFICATION, 0), padding = slots_alloc(copies);
    REQUIRE(chain_make(&c) && n1 && padding);
    REQUIRE_OK(pecan_gate_set_no_clients(c.maker, n1, BITS_A));
    for (unsigned i = 0; i < copies; i++)
        REQUIRE_OK(cap_copy(padding + i, c.client, PECAN_RIGHT_WRITE));
    CHECK_ERR(pecan_gate_set_no_clients(c.server, n1, BITS_B), expected);
    CHECK_OK(cap_delete(c.session));
    CHECK_EQ(poll_bits(n1), expected ? 0 : BITS_B);
    CHECK_CLEAN();
}

UTEST(watch_takeover_distance_is_bounded)
{
    /* The client's capability and its copies lie between the maker's and the server's. */
    takeover_across(TAKEOVER_DISTANCE - 1, 0);
    takeover_across(TAKEOVER_DISTANCE, -PECAN_EBUSY);
}
