/* SPDX-License-Identifier: MIT */
/*
 * The service kit's test and fuzz helpers (pecan/testkit.h, which states the model). Owns
 * the program's random state; the pools, watches and children are the caller's. Nothing
 * here keeps a capability the caller did not hand in or ask for.
 */
#include <pecan/errors.h>
#include <pecan/factory.h>
#include <pecan/testkit.h>
#include <stdio.h>

#define SETTLE_STEP_US 10000u

/* ---- random numbers ---- */

static uint32_t random_state = 0x2545F491u;

void testkit_seed(uint32_t seed)
{
    random_state = seed ? seed : 0x2545F491u;
}

uint32_t testkit_random32(void)
{
    random_state ^= random_state << 13;
    random_state ^= random_state >> 17;
    random_state ^= random_state << 5;
    return random_state;
}

/* ---- the pool ---- */

/* The next slot of the pool, allocated; 0 when the pool or the slots are full. */
static pecan_cap_t pool_slot(struct testkit_pool *pool)
{
    pecan_cap_t slot = 0;
    if (pool->count >= TESTKIT_POOL_MAX || pecan_cap_alloc(&slot))
        return 0;
    pool->cap[pool->count++] = slot;
    return slot;
}

static int copy_into(struct testkit_pool *pool, pecan_cap_t cap, pecan_word_t rights)
{
    pecan_cap_t slot = pool_slot(pool);
    if (!slot)
        return -PECAN_ENOMEM;
    return pecan_cnode_copy(PECAN_ENV_CNODE, slot, 32, PECAN_ENV_CNODE, cap, 32, rights);
}

int testkit_pool_add(struct testkit_pool *pool, pecan_cap_t cap)
{
    return copy_into(pool, cap, PECAN_RIGHTS_ALL);
}

int testkit_pool_add_gate(struct testkit_pool *pool, pecan_cap_t factory)
{
    pecan_cap_t slot = pool_slot(pool);
    return slot ? pecan_factory_create_gate(factory, slot) : -PECAN_ENOMEM;
}

int testkit_pool_init(struct testkit_pool *pool, pecan_cap_t factory)
{
    pool->count = 0;
    int err = testkit_pool_add_gate(pool, factory);
    if (!err)   /* a gate a client may call but not serve */
        err = copy_into(pool, pool->cap[0], PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
    if (!err) {
        pecan_cap_t slot = pool_slot(pool);
        err = slot ? pecan_factory_create_notification(factory, slot) : -PECAN_ENOMEM;
    }
    if (!err)
        err = testkit_pool_add(pool, PECAN_ENV_CNODE);
    return err;
}

pecan_cap_t testkit_pool_pick(const struct testkit_pool *pool)
{
    return pool->count ? pool->cap[testkit_random32() % pool->count] : 0;
}

/* ---- a fuzz call ---- */

void testkit_add_items(struct pecan_message *m, unsigned words, unsigned items,
                       const struct testkit_pool *pool)
{
    for (unsigned i = 0; i < items; i++) {
        m->word[words + 2 * i] =
            PECAN_ITEM_CAP | (testkit_random32() & 0xF) << PECAN_ITEM_RIGHTS_SHIFT;
        m->word[words + 2 * i + 1] = testkit_pool_pick(pool);
    }
}

int testkit_call(pecan_cap_t to, struct pecan_message *m, uint32_t timeout_us,
                 pecan_cap_t landing, struct pecan_reply *reply, bool *got_cap)
{
    pecan_receive_caps(&landing, 1);
    *reply = pecan_ipc_call(to, m, pecan_timeout_us(timeout_us));
    pecan_receive_caps(0, 0);
    struct pecan_cap_identity id;
    *got_cap = pecan_cnode_identify(PECAN_ENV_CNODE, landing, 32, &id) == 0 && id.type;
    if (*got_cap)   /* the server must see this copy go and clean up */
        pecan_cnode_delete(PECAN_ENV_CNODE, landing, 32);
    if (reply->ipc_status != PECAN_IPC_OK && reply->ipc_status != PECAN_IPC_ITEM_FAILED)
        return PECAN_IPC_ERROR(reply->ipc_status);
    return 0;
}

/* ---- accounting exact ---- */

/* The first error reading a figure is the one reported. */
static void note_error(struct testkit_accounts *a, int err)
{
    if (!a->error)
        a->error = err;
}

struct testkit_accounts testkit_measure(const struct testkit_watch *watch)
{
    struct testkit_accounts a = { 0 };
    struct pecan_factory_info info;
    if (watch->channel)
        note_error(&a, pecan_session_info(watch->channel, &a.server));
    if (watch->moe_free) {
        int err = pecan_factory_info(PECAN_ENV_FACTORY, &info);
        note_error(&a, err);
        a.moe_free = err ? 0 : info.free_ram;
    }
    for (unsigned i = 0; i < watch->factory_count && i < TESTKIT_FACTORIES_MAX; i++) {
        int err = pecan_factory_info(watch->factory[i], &info);
        note_error(&a, err);
        a.used[i] = err ? 0 : info.used;
    }
    return a;
}

bool testkit_same(const struct testkit_watch *watch, const struct testkit_accounts *a,
                  const struct testkit_accounts *b)
{
    if (a->error || b->error || a->server.open != b->server.open ||
        a->server.objects != b->server.objects || a->server.free_slots != b->server.free_slots ||
        a->moe_free != b->moe_free)
        return false;
    for (unsigned i = 0; i < watch->factory_count && i < TESTKIT_FACTORIES_MAX; i++)
        if (a->used[i] != b->used[i])
            return false;
    return true;
}

bool testkit_settle(const struct testkit_watch *watch, const struct testkit_accounts *want,
                    unsigned tries, struct testkit_accounts *now)
{
    for (unsigned i = 0; i < tries; i++) {
        *now = testkit_measure(watch);
        if (testkit_same(watch, want, now))
            return true;
        pecan_sleep_us(SETTLE_STEP_US);
    }
    return false;
}

void testkit_print_accounts(const char *program, const struct testkit_watch *watch,
                            const struct testkit_accounts *before,
                            const struct testkit_accounts *after, bool failed)
{
    printf("%s:", program);
    if (before->error || after->error)
        printf(" errors reading figures %d, %d,", before->error, after->error);
    if (watch->moe_free)
        printf(" moe free %lu -> %lu,", (unsigned long)before->moe_free,
               (unsigned long)after->moe_free);
    for (unsigned i = 0; i < watch->factory_count && i < TESTKIT_FACTORIES_MAX; i++)
        printf(" %s used %lu -> %lu,", watch->factory_name[i] ? watch->factory_name[i] : "factory",
               (unsigned long)before->used[i], (unsigned long)after->used[i]);
    if (watch->channel)
        printf(" sessions %lu -> %lu, objects %lu -> %lu, free slots %lu -> %lu",
               (unsigned long)before->server.open, (unsigned long)after->server.open,
               (unsigned long)before->server.objects, (unsigned long)after->server.objects,
               (unsigned long)before->server.free_slots, (unsigned long)after->server.free_slots);
    printf(failed ? " (FAILED)\n" : "\n");
}

/* ---- starting the server ---- */

int testkit_rig_init(struct testkit_rig *rig, pecan_word_t client_quota)
{
    int err = pecan_cap_alloc(&rig->channel);
    if (!err)
        err = pecan_cap_alloc(&rig->clients);
    if (!err)
        err = pecan_cap_alloc(&rig->landing);
    if (!err)
        err = children_init(&rig->children, PECAN_ENV_FACTORY);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, rig->channel);
    if (!err)
        err = pecan_factory_create_factory(PECAN_ENV_FACTORY, client_quota, rig->clients);
    return err;
}

int testkit_start(const char *program, struct children *children, const struct child_spec *spec,
                  struct child **child)
{
    struct child_spec filled = *spec;
    if (!filled.scheduler)
        filled.scheduler = PECAN_ENV_SCHEDULER;
    if (!filled.log)
        filled.log = PECAN_ENV_LOG;
    const char *why = "";
    int err = children_start(children, &filled, child, &why);
    if (err)
        printf("%s: %s not started: %s (%d)\n", program, spec->path, why, err);
    return err;
}
