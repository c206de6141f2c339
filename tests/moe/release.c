/* SPDX-License-Identifier: MIT */
/*
 * moe_release (issue 14 item 5): FACTORY gates and notifications given back one by one,
 * and FACTORY UNTYPED, run as moe's init program. Every case prints
 * "moe_release: <case>: ok" or a line with FAILED; the program exits with the number of
 * failed checks.
 *
 *  cycles            1,000 gates and 1,000 notifications made and RELEASEd: the factory's
 *                    `used` and moe's free memory back exactly
 *  gate_dropped      1,000 gates made, badged copies minted, every capability deleted:
 *                    moe frees each gate itself (its no-clients watch), `used` exact
 *  release_revokes   a RELEASEd gate's other capabilities (a badged copy) are gone too
 *  release_rules     no item EINVALCAP; a capability moe did not make through CREATE (our
 *                    CNode, a dataspace of moe's) EXDEV; another factory's object (a
 *                    sibling's) EPERM; through an ancestor ok; a read-only factory copy
 *                    EPERM
 *  untyped           64 KiB of untyped in our CNode, retyped by us into untyped halves,
 *                    notifications and a frame we map and write; DESTROY of its factory takes it and all
 *                    we made from it back: the slots are empty, moe's free memory exact
 *  untyped_rules     size out of range ERANGE, over the quota ENOMEM, an occupied slot
 *                    EEXIST, no CNode item EINVALCAP, a read-only factory copy EPERM:
 *                    nothing charged after any of them
 */
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/namespace.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/testkit.h>
#include <stdio.h>
#include <stdlib.h>

#define CYCLES 1000u
#define PAGE 4096u
#define DEPTH 32

static int failures;

static void check(const char *name, int ok, const char *what, long value)
{
    if (ok)
        printf("moe_release: %s: ok\n", name);
    else
        printf("moe_release: %s: FAILED: %s (%ld)\n", name, what, value);
    failures += !ok;
}

static struct pecan_factory_info info_of(pecan_cap_t factory)
{
    struct pecan_factory_info info = { 0 };
    pecan_factory_info(factory, &info);
    return info;
}

static unsigned type_of(pecan_cap_t s)
{
    struct pecan_cap_identity id = { 0 };
    return pecan_cnode_identify(PECAN_ENV_CNODE, s, DEPTH, &id) ? 0 : id.type;
}

/* A read-only copy of factory: registered without RW in a namespace, queried back. */
static pecan_cap_t read_only(pecan_cap_t factory)
{
    pecan_cap_t ns = testkit_slot(), ro = testkit_slot();
    int err = pecan_factory_create_namespace(PECAN_ENV_FACTORY, ns);
    if (!err)
        err = pecan_ns_register(ns, "f", factory, 0);
    if (!err)
        err = pecan_ns_query_path(ns, "f", ro);
    if (err) {
        printf("moe_release: read-only copy: error %d (FAILED)\n", err);
        exit(101);
    }
    pecan_cap_release(ns);
    return ro;
}

static void cycles(void)
{
    pecan_cap_t s = testkit_slot();
    struct pecan_factory_info before = info_of(PECAN_ENV_FACTORY);
    int err = 0;
    for (unsigned i = 0; i < 2 * CYCLES && !err; i++) {
        err = (i & 1) ? pecan_factory_create_notification(PECAN_ENV_FACTORY, s)
                      : pecan_factory_create_gate(PECAN_ENV_FACTORY, s);
        if (!err)
            err = pecan_factory_release(PECAN_ENV_FACTORY, s);
        if (!err && type_of(s) != 0)
            err = -1000;   /* the release did not take our capability */
    }
    struct pecan_factory_info after = info_of(PECAN_ENV_FACTORY);
    check("cycles", err == 0, "create/release", err);
    check("cycles", after.used == before.used && after.objects == before.objects,
          "the factory's use not back exactly", (long)(after.used - before.used));
    check("cycles", after.free_ram == before.free_ram, "moe's free memory not back exactly",
          (long)(after.free_ram - before.free_ram));
    printf("moe_release: %u gates and %u notifications: used %lu -> %lu, moe free %lu -> %lu\n",
           CYCLES, CYCLES, (unsigned long)before.used, (unsigned long)after.used,
           (unsigned long)before.free_ram, (unsigned long)after.free_ram);
    pecan_cap_free(s);
}

static void gate_dropped(void)
{
    pecan_cap_t gate = testkit_slot(), badged = testkit_slot();
    struct pecan_factory_info before = info_of(PECAN_ENV_FACTORY);
    int err = 0;
    for (unsigned i = 0; i < CYCLES && !err; i++) {
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, gate);
        if (!err)
            err = pecan_gate_bind(gate, PECAN_ENV_THREAD);
        if (!err)
            err = pecan_cnode_mint(PECAN_ENV_CNODE, badged, DEPTH, PECAN_ENV_CNODE, gate, DEPTH,
                                   PECAN_RIGHT_WRITE, 0x1234);
        /* Half the time the badged copy first, else ours first (the badged copy moves
         * up to moe's original): the last capability goes last either way. */
        if (i & 1) {
            pecan_cnode_delete(PECAN_ENV_CNODE, badged, DEPTH);
            pecan_cnode_delete(PECAN_ENV_CNODE, gate, DEPTH);
        } else {
            pecan_cnode_delete(PECAN_ENV_CNODE, gate, DEPTH);
            pecan_cnode_delete(PECAN_ENV_CNODE, badged, DEPTH);
        }
    }
    /* moe frees a gate when it takes its no-clients notification, before the next
     * request (an open wait takes a pending notification first): INFO sees it done. */
    struct pecan_factory_info after = info_of(PECAN_ENV_FACTORY);
    check("gate_dropped", err == 0, "create/bind/mint", err);
    check("gate_dropped", after.used == before.used && after.objects == before.objects,
          "dropped gates still charged", (long)(after.used - before.used));
    check("gate_dropped", after.free_ram == before.free_ram, "moe's free memory not back",
          (long)(after.free_ram - before.free_ram));
    pecan_cap_free(gate);
    pecan_cap_free(badged);
}

static void release_revokes(void)
{
    pecan_cap_t gate = testkit_slot(), badged = testkit_slot();
    int err = pecan_factory_create_gate(PECAN_ENV_FACTORY, gate);
    if (!err)
        err = pecan_cnode_mint(PECAN_ENV_CNODE, badged, DEPTH, PECAN_ENV_CNODE, gate, DEPTH,
                               PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT, 7);
    if (!err)
        err = pecan_factory_release(PECAN_ENV_FACTORY, badged);   /* any copy names it */
    check("release_revokes", err == 0, "release through a badged copy", err);
    check("release_revokes", type_of(gate) == 0 && type_of(badged) == 0,
          "a capability to the released gate is left", (long)type_of(gate));
    pecan_cap_free(gate);
    pecan_cap_free(badged);
}

static void release_rules(void)
{
    pecan_cap_t a = testkit_slot(), b = testkit_slot(), gate = testkit_slot();
    pecan_cap_t note = testkit_slot(), ds = testkit_slot();
    int err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 64 * 1024, a);
    if (!err)
        err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 64 * 1024, b);
    if (!err)
        err = pecan_factory_create_gate(a, gate);
    if (!err)
        err = pecan_factory_create_notification(a, note);
    if (!err)
        err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, PAGE, 0, 0, ds, 0);
    if (err) {
        check("release_rules", 0, "setting up", err);
        return;
    }
    struct pecan_message m = { .tag = 0 };
    m.word[0] = PECAN_FACTORY_RELEASE;
    m.tag = pecan_tag(PECAN_PROTO_FACTORY, 1, 0);
    err = pecan_error(pecan_ipc_call(a, &m, PECAN_TIMEOUT_NEVER));
    check("release_rules", err == -PECAN_EINVALCAP, "no item", err);
    err = pecan_factory_release(a, PECAN_ENV_CNODE);
    check("release_rules", err == -PECAN_EXDEV, "our CNode", err);
    err = pecan_factory_release(PECAN_ENV_FACTORY, ds);
    check("release_rules", err == -PECAN_EXDEV, "a dataspace (moe's own gate)", err);
    err = pecan_factory_release(b, gate);
    check("release_rules", err == -PECAN_EPERM, "a sibling's gate", err);
    err = pecan_factory_release(b, note);
    check("release_rules", err == -PECAN_EPERM, "a sibling's notification", err);
    pecan_cap_t ro = read_only(a);
    err = pecan_factory_release(ro, gate);
    check("release_rules", err == -PECAN_EPERM, "through a read-only copy", err);
    check("release_rules", type_of(gate) == PECAN_OBJ_GATE, "refused, yet gone", 0);
    pecan_word_t used = info_of(a).used;
    err = pecan_factory_release(PECAN_ENV_FACTORY, gate);   /* a's parent */
    check("release_rules", err == 0, "release through the parent", err);
    err = pecan_factory_release(a, note);
    check("release_rules", err == 0, "release through its own factory", err);
    check("release_rules", info_of(a).used < used, "a's quota not given back", 0);
    err = pecan_factory_release(a, note);
    check("release_rules", err == -PECAN_EINVALCAP, "a second release", err);
    pecan_cap_release(ro);
    pecan_cap_release(ds);
    pecan_factory_destroy(PECAN_ENV_FACTORY, a);
    pecan_factory_destroy(PECAN_ENV_FACTORY, b);
    pecan_cap_release(a);
    pecan_cap_release(b);
    pecan_cap_free(gate);
    pecan_cap_free(note);
}

/* Splits the untyped in u into two halves (first, first + 1), retypes 4 notifications
 * from one (first + 2 .. first + 5) and a 4 KiB frame from the other (first + 6), and
 * writes through the frame mapped at a free address. A retype needs an untyped without
 * children, hence the halves. */
#define UNTYPED_SLOTS 7u

static pecan_word_t reserved;

static int use_untyped(pecan_cap_t u, pecan_cap_t first)
{
    int err = pecan_untyped_retype(u, PECAN_OBJ_UNTYPED, 15, 2, PECAN_ENV_CNODE, first);
    if (!err)
        err = pecan_untyped_retype(first, PECAN_OBJ_NOTIFICATION, 0, 4, PECAN_ENV_CNODE,
                                   first + 2);
    if (!err)
        err = pecan_untyped_retype(first + 1, PECAN_OBJ_FRAME, 12, 1, PECAN_ENV_CNODE,
                                   first + 6);
    if (err)
        return err;
    pecan_word_t at = reserved;
    err = pecan_vspace_map_frame(PECAN_ENV_VSPACE, first + 6, at,
                                 PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
    if (err)
        return err;
    *(volatile uint32_t *)at = 0x600dF00d;
    return *(volatile uint32_t *)at == 0x600dF00d ? 0 : -1;
}

/* count consecutive free slots (the retype's destination). */
static pecan_cap_t slots(unsigned count)
{
    pecan_cap_t first = testkit_slot();
    for (unsigned i = 1; i < count; i++)
        if (testkit_slot() != first + i) {
            printf("moe_release: no consecutive slots (FAILED)\n");
            exit(102);
        }
    return first;
}

static void untyped(void)
{
    /* The page to map the frame at, reserved first: its page table stays ours after. */
    reserved = PECAN_ENV_FREE_BASE;
    int err = pecan_rm_reserve(PECAN_ENV_RM, &reserved, PAGE, PECAN_RM_SEARCH_ADDRESS);
    check("untyped", err == 0, "a page reserved", err);
    struct pecan_factory_info before = info_of(PECAN_ENV_FACTORY);
    pecan_cap_t f = testkit_slot(), u = testkit_slot(), first = slots(UNTYPED_SLOTS);
    err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 256 * 1024, f);
    if (!err)
        err = pecan_factory_create_untyped(f, 16, PECAN_ENV_CNODE, u);
    check("untyped", err == 0, "64 KiB of untyped", err);
    if (err)
        return;
    pecan_word_t base;
    unsigned bits = 0;
    int device = 1, leaf = 0;
    err = pecan_untyped_info(u, &base, &bits, &device, &leaf);
    check("untyped", err == 0 && bits == 16 && !device && leaf, "UNTYPED INFO", err);
    check("untyped", info_of(f).used >= 64 * 1024, "not charged to the factory",
          (long)info_of(f).used);
    err = use_untyped(u, first);
    check("untyped", err == 0, "retyped into our own objects and used", err);
    err = pecan_factory_destroy(PECAN_ENV_FACTORY, f);
    check("untyped", err == 0, "DESTROY of its factory", err);
    unsigned left = 0;
    for (unsigned i = 0; i < UNTYPED_SLOTS; i++)
        left += type_of(first + i) != 0;
    check("untyped", type_of(u) == 0 && left == 0, "revoked: objects left", (long)left);
    struct pecan_factory_info after = info_of(PECAN_ENV_FACTORY);
    check("untyped", after.used == before.used && after.free_ram == before.free_ram,
          "moe's free memory not back exactly", (long)(after.free_ram - before.free_ram));
    pecan_rm_free_area(PECAN_ENV_RM, reserved);
    pecan_cap_release(f);
}

static void untyped_rules(void)
{
    pecan_cap_t f = testkit_slot(), u = testkit_slot();
    int err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 64 * 1024, f);
    if (err) {
        check("untyped_rules", 0, "setting up", err);
        return;
    }
    pecan_word_t used = info_of(f).used;
    err = pecan_factory_create_untyped(f, 11, PECAN_ENV_CNODE, u);
    check("untyped_rules", err == -PECAN_ERANGE, "2^11 bytes", err);
    err = pecan_factory_create_untyped(f, 32, PECAN_ENV_CNODE, u);
    check("untyped_rules", err == -PECAN_ERANGE, "2^32 bytes", err);
    err = pecan_factory_create_untyped(f, 17, PECAN_ENV_CNODE, u);
    check("untyped_rules", err == -PECAN_ENOMEM, "over the quota", err);
    err = pecan_factory_create_untyped(f, 12, PECAN_ENV_CNODE, PECAN_ENV_FACTORY);
    check("untyped_rules", err == -PECAN_EEXIST, "an occupied slot", err);
    struct pecan_message m = { .tag = pecan_tag(PECAN_PROTO_FACTORY, 4, 0) };
    m.word[0] = PECAN_FACTORY_CREATE;
    m.word[1] = PECAN_FACTORY_UNTYPED;
    m.word[2] = 12;
    m.word[3] = u;
    err = pecan_error(pecan_ipc_call(f, &m, PECAN_TIMEOUT_NEVER));
    check("untyped_rules", err == -PECAN_EINVALCAP, "no CNode item", err);
    pecan_cap_t ro = read_only(f);
    err = pecan_factory_create_untyped(ro, 12, PECAN_ENV_CNODE, u);
    check("untyped_rules", err == -PECAN_EPERM, "a read-only factory copy", err);
    check("untyped_rules", info_of(f).used == used && type_of(u) == 0,
          "charged after a refusal", (long)(info_of(f).used - used));
    pecan_cap_release(ro);
    pecan_factory_destroy(PECAN_ENV_FACTORY, f);
    pecan_cap_release(f);
    pecan_cap_free(u);
}

int main(void)
{
    cycles();
    gate_dropped();
    release_revokes();
    release_rules();
    untyped();
    untyped_rules();
    printf("moe_release: %d checks failed\n", failures);
    return failures;
}
