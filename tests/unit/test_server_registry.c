/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the server framework's object registry (l4re/server/registry.c,
 * no_clients.c) over stubs of the system calls it makes: keys are taken and given back in
 * O(1) whatever the capacity (a free-key list, keys never issued above), the registry
 * need not be cleared, lookups refuse free and never-issued keys, and the no-clients scan
 * finds the objects of a signalled bit. Minted badges carry the copy's object rights above
 * the key, and registration sets the protocol the loop's common path dispatches to.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pecan/server.h>

/* ---- system call stubs ------------------------------------------------------------------ */

static unsigned identify_calls, has_clients_calls, revokes;
static pecan_word_t minted_badge;

int pecan_cnode_identify(pecan_cap_t cnode, pecan_word_t index, unsigned depth,
                         struct pecan_cap_identity *id)
{
    (void)cnode;
    (void)depth;
    identify_calls++;
    /* Slots from 1000 hold gates (phys = slot, the server's copy: every right); others
     * hold a notification. */
    *id = (struct pecan_cap_identity){ .type = index >= 1000 ? PECAN_OBJ_GATE : 0,
                                       .rights = PECAN_RIGHTS_ALL, .phys = index };
    return 0;
}

int pecan_gate_bind(pecan_cap_t gate, pecan_cap_t thread)
{
    (void)gate;
    (void)thread;
    return 0;
}

int pecan_cnode_revoke(pecan_cap_t cnode, pecan_word_t index, unsigned depth)
{
    (void)cnode;
    (void)index;
    (void)depth;
    revokes++;
    return 0;
}

int pecan_thread_bind_notification(pecan_cap_t thread, pecan_cap_t notification)
{
    (void)thread;
    (void)notification;
    return 0;
}

int pecan_gate_set_no_clients(pecan_cap_t gate, pecan_cap_t notification, pecan_word_t bits)
{
    (void)gate;
    (void)notification;
    (void)bits;
    return 0;
}

int pecan_gate_has_clients(pecan_cap_t gate)
{
    (void)gate;
    has_clients_calls++;
    return 1;
}

int pecan_cnode_mint(pecan_cap_t cnode, pecan_word_t dest, unsigned dest_depth,
                     pecan_cap_t src_cnode, pecan_word_t src, unsigned src_depth,
                     unsigned rights, pecan_word_t badge)
{
    (void)cnode;
    (void)dest;
    (void)dest_depth;
    (void)src_cnode;
    (void)src;
    (void)src_depth;
    (void)rights;
    minted_badge = badge;
    return 0;
}

int pecan_cnode_delete(pecan_cap_t cnode, pecan_word_t index, unsigned depth)
{
    (void)cnode;
    (void)index;
    (void)depth;
    return 0;
}

/* The registry's spin lock sleeps after long spinning; one thread never spins here. */
int pecan_sleep_us(uint32_t us)
{
    (void)us;
    return 0;
}

static pecan_cap_t next_slot = 100;

static pecan_cap_t slot_alloc(void)
{
    return next_slot++;
}

static void slot_free(pecan_cap_t slot)
{
    (void)slot;
}

/* ---- the tests ------------------------------------------------------------------------- */

#define CAPACITY 100000u

static struct server server;
static struct server_object *entries[CAPACITY];
static struct server_object objects[CAPACITY];
static void no_clients(struct server_object *object)
{
    (void)object;   /* never called: every gate has clients (pecan_gate_has_clients) */
}

static const struct server_type type = { .name = "test", .no_clients = no_clients };

static void start(unsigned capacity)
{
    struct server_config config = {
        .thread = 1, .cnode = 2, .cnode_depth = 32, .notification = 3,
        .slot_alloc = slot_alloc, .slot_free = slot_free, .receive_slots = 2,
    };
    /* The registry need not be cleared: fill it with garbage. */
    memset(entries, 0x5A, sizeof(entries));
    revokes = 0;
    assert_int_equal(server_init(&server, &config, entries, capacity), 0);
}

static void test_keys_reused_last_freed_first(void **state)
{
    (void)state;
    start(CAPACITY);
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(server_register(&server, &objects[i], &type, 1000 + i), 0);
        assert_int_equal(objects[i].key, i + 1);
    }
    assert_ptr_equal(server_lookup(&server, 3), &objects[2]);
    assert_null(server_lookup(&server, 6));          /* never issued (garbage entry) */
    assert_null(server_lookup(&server, 0));
    assert_null(server_lookup(&server, 3 | 0x01000000u));   /* bits outside the key */
    server_unregister(&server, &objects[1]);
    server_unregister(&server, &objects[3]);
    assert_int_equal(server.count, 3);
    assert_null(server_lookup(&server, 2));          /* a free key names nothing */
    assert_null(server_lookup(&server, 4));
    server_unregister(&server, &objects[1]);         /* twice: ignored */
    assert_int_equal(server.count, 3);
    assert_int_equal(revokes, 2);
    assert_int_equal(server_register(&server, &objects[10], &type, 1010), 0);
    assert_int_equal(objects[10].key, 4);            /* the last key given back */
    assert_int_equal(server_register(&server, &objects[11], &type, 1011), 0);
    assert_int_equal(objects[11].key, 2);
    assert_int_equal(server_register(&server, &objects[12], &type, 1012), 0);
    assert_int_equal(objects[12].key, 6);            /* then a fresh one */
    assert_int_equal(server.issued, 6);
    /* Not a gate: refused, and no key is used up. */
    assert_int_equal(server_register(&server, &objects[13], &type, 5), -PECAN_ETYPE);
    assert_int_equal(server.issued, 6);
}

static void test_full_registry(void **state)
{
    (void)state;
    start(CAPACITY);
    for (unsigned i = 0; i < CAPACITY; i++)
        assert_int_equal(server_register(&server, &objects[i], &type, 1000 + i), 0);
    struct server_object extra;
    assert_int_equal(server_register(&server, &extra, &type, 999999), -PECAN_ENOMEM);
    assert_ptr_equal(server_lookup(&server, CAPACITY), &objects[CAPACITY - 1]);
    assert_null(server_lookup(&server, CAPACITY + 1));
    server_unregister(&server, &objects[77777]);
    assert_int_equal(server_register(&server, &extra, &type, 999999), 0);
    assert_int_equal(extra.key, 77778);
    for (unsigned i = 0; i < CAPACITY; i++)
        server_unregister(&server, i == 77777 ? &extra : &objects[i]);
    assert_int_equal(server.count, 0);
}

/* A signalled no-clients bit asks the watched objects of its keys, none of a free key. */
static void test_no_clients_asks_the_bit_s_objects(void **state)
{
    (void)state;
    start(CAPACITY);
    for (unsigned i = 0; i < 64; i++) {
        assert_int_equal(server_register(&server, &objects[i], &type, 1000 + i), 0);
        assert_int_equal(server_mint(&server, &objects[i], 50, PECAN_RIGHT_WRITE), 0);
    }
    has_clients_calls = 0;
    server_no_clients(&server, 1u << 5);   /* keys 5 and 37 */
    assert_int_equal(has_clients_calls, 2);
    server_unregister(&server, &objects[36]);
    has_clients_calls = 0;
    server_no_clients(&server, 1u << 5);
    assert_int_equal(has_clients_calls, 1);
}

/* A minted badge names its object and carries its rights; any other bit names nothing. */
static void test_badges_carry_rights(void **state)
{
    (void)state;
    start(CAPACITY);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(server_register(&server, &objects[i], &type, 1000 + i), 0);
    assert_int_equal(server_mint(&server, &objects[2], 50, PECAN_RIGHT_WRITE), 0);
    pecan_word_t writable = minted_badge;
    assert_int_equal(server_mint(&server, &objects[2], 51, 0), 0);
    pecan_word_t read_only = minted_badge;
    assert_int_equal(server_mint(&server, &objects[2], 52, SERVER_RIGHT_FAULTS), 0);
    pecan_word_t pager = minted_badge;
    assert_int_equal(writable & SERVER_KEY_MASK, 3);
    assert_ptr_equal(server_lookup(&server, writable), &objects[2]);
    assert_ptr_equal(server_lookup(&server, read_only), &objects[2]);
    assert_ptr_equal(server_lookup(&server, pager), &objects[2]);
    assert_int_equal(server_badge_rights(writable), PECAN_RIGHT_READ | PECAN_RIGHT_WRITE);
    assert_int_equal(server_badge_rights(read_only), PECAN_RIGHT_READ);
    assert_int_equal(server_badge_rights(pager), PECAN_RIGHT_READ | SERVER_RIGHT_FAULTS);
    assert_int_equal(server_badge_rights(0), PECAN_RIGHT_READ);
    for (unsigned bit = 24; bit < 32; bit++) {
        pecan_word_t badge = 3 | 1u << bit;
        if (badge & SERVER_BADGE_RIGHTS)
            assert_ptr_equal(server_lookup(&server, badge), &objects[2]);
        else
            assert_null(server_lookup(&server, badge));   /* GRANT, REVOKE, bits 24-26 */
    }
    assert_null(server_lookup(&server, SERVER_BADGE_RIGHTS));   /* key 0 */
}

static int first(struct server_request *r)
{
    (void)r;
    return 0;
}

static int second(struct server_request *r)
{
    (void)r;
    return 1;
}

/* The common path takes a type's first protocol, never a fault label, none of no type. */
static void test_common_protocol(void **state)
{
    (void)state;
    static const struct server_protocol served[] = { { 0x4100, first }, { 0x4101, second } };
    static const struct server_protocol pager[] = { { PECAN_LABEL_PAGE_FAULT, first },
                                                    { 0x4100, second } };
    static const struct server_type served_type = { .protocols = served, .protocol_count = 2 };
    static const struct server_type pager_type = { .protocols = pager, .protocol_count = 2 };
    start(CAPACITY);
    assert_int_equal(server_register(&server, &objects[0], &served_type, 1000), 0);
    assert_int_equal(objects[0].common_label, 0x4100);
    assert_ptr_equal(objects[0].common_handler, first);
    assert_int_equal(server_register(&server, &objects[1], &pager_type, 1001), 0);
    assert_int_equal(objects[1].common_label, SERVER_NO_LABEL);
    assert_int_equal(server_watch(&server, &objects[2], &type, 1002), 0);
    assert_int_equal(objects[2].common_label, SERVER_NO_LABEL);
    assert_null(objects[2].common_handler);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_reused_last_freed_first),
        cmocka_unit_test(test_full_registry),
        cmocka_unit_test(test_no_clients_asks_the_bit_s_objects),
        cmocka_unit_test(test_badges_carry_rights),
        cmocka_unit_test(test_common_protocol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
