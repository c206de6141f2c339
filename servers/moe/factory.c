/* SPDX-License-Identifier: MIT */
/*
 * moe's FACTORY objects (protocol/factory.h): each has a quota, and everything created
 * through it is charged to that quota and owned by it (moe.h): destroying a factory
 * destroys what it made, sub-factories included, and gives its quota back to its parent.
 * A factory dies when its last client copy goes (unless moe holds it for a program it
 * started: then with the program), with the factory that owns it, or on DESTROY through
 * a factory it descends from: objects can hold capabilities to each other (a namespace
 * holding itself and its factory), so the last client copy alone may never go, and the
 * parent must be able to take its quota back anyway.
 *
 * Gates, notifications and untyped made through CREATE (struct kernel_object) are on the
 * factory's list like every other object. A gate also goes when its last capability
 * does (moe watches the gate as it watches its own, without serving it); a gate or a
 * notification on RELEASE through its factory or one above it (found by the object's
 * address, which CNODE IDENTIFY tells for the capability the client sends). An untyped
 * goes with its factory only: it cannot travel in an item.
 *
 * Rights: CREATE, DESTROY, RELEASE and REPORT need the object right WRITE; INFO only
 * reads.
 *
 * Invariants: a factory's quota is charged with its whole limit in the parent quota while
 * it exists; every kernel object made through CREATE is on the factory's list; every
 * live gate and notification of them is on by_phys, and every live gate is registered
 * (watched) with moe_server.
 */
#include <lib/string.h>
#include <pecan/protocol/dataspace.h>
#include <pecan/protocol/factory.h>
#include "moe.h"
#include "record.h"

struct factory {
    struct server_object server;
    struct memory_block gate;
    struct moe_owned owned;        /* on the list of the factory that made this one */
    struct moe_owned objects;      /* head: what was made through this factory */
    struct quota quota;
    struct factory *next, *prev;   /* every live factory (the memory report) */
    char name[16];
    bool held;                     /* moe's app model holds it: no-clients does not end it */
};

/* A gate, notification or untyped a client made through CREATE: moe keeps the original
 * (an untyped's block: the client's untyped is its child). A gate is watched (server
 * registry, no-clients hook); gates and notifications are on the by_phys table. */
struct kernel_object {
    struct server_object server;          /* gates: registered with server_watch */
    struct moe_owned owned;
    struct memory_block block;
    struct kernel_object *next_same_bucket;
};

static struct factory *all_factories;
static const struct server_type factory_type;
static const struct server_type kernel_gate_type;

/* Gates and notifications by the address of the kernel object (the start of its 4 KiB
 * block, which CNODE IDENTIFY reports for any capability to it), for RELEASE. Bucket =
 * page number mod the bucket count; the objects of one bucket are on distinct pages, so a
 * chain holds at most (RAM pages / buckets) = 16 of them whatever clients do. */
#define BY_PHYS_PAGES_PER_BUCKET 16u
static struct kernel_object **by_phys;
static uint32_t by_phys_mask;

int factory_init(void)
{
    uint32_t buckets = 64;
    while (buckets * BY_PHYS_PAGES_PER_BUCKET < (memory_total_bytes() >> 12))
        buckets <<= 1;
    by_phys = memory_alloc_table(buckets * (uint32_t)sizeof(*by_phys));
    if (!by_phys)
        return -PECAN_ENOMEM;
    by_phys_mask = buckets - 1;
    return 0;
}

static struct kernel_object **bucket_of(uint32_t phys)
{
    return &by_phys[(phys >> 12) & by_phys_mask];
}

static void enter_by_phys(struct kernel_object *k)
{
    struct kernel_object **head = bucket_of(k->block.phys);
    k->next_same_bucket = *head;
    *head = k;
}

static void remove_by_phys(struct kernel_object *k)
{
    struct kernel_object **link = bucket_of(k->block.phys);
    while (*link && *link != k)
        link = &(*link)->next_same_bucket;
    if (*link)
        *link = k->next_same_bucket;
}

static struct kernel_object *find_by_phys(unsigned type, uint32_t phys)
{
    for (struct kernel_object *k = *bucket_of(phys); k; k = k->next_same_bucket)
        if (k->block.phys == phys && k->block.type == type)
            return k;
    return 0;
}

struct factory *factory_next(struct factory *f)
{
    return f ? f->next : all_factories;
}

static void link_factory(struct factory *f)
{
    f->prev = 0;
    f->next = all_factories;
    if (f->next)
        f->next->prev = f;
    all_factories = f;
}

static void unlink_factory(struct factory *f)
{
    if (f->prev)
        f->prev->next = f->next;
    else
        all_factories = f->next;
    if (f->next)
        f->next->prev = f->prev;
}

struct quota *factory_quota(struct factory *f) { return &f->quota; }
struct server_object *factory_object(struct factory *f) { return &f->server; }
struct moe_owned *factory_objects(struct factory *f) { return &f->objects; }
const char *factory_name(struct factory *f) { return f->name; }

/* Destroys the owned objects (only the destroy_first ones if asked). Destroying one may
 * take others off the list, so each round starts from the head again. */
static void destroy_owned(struct factory *f, bool only_first)
{
    for (;;) {
        struct moe_owned *o = f->objects.next;
        while (o != &f->objects && only_first && !o->destroy_first)
            o = o->next;
        if (o == &f->objects)
            return;
        moe_disown(o);
        o->destroy(o);
    }
}

static void destroy_owned_factory(struct moe_owned *owned)
{
    factory_destroy((struct factory *)((char *)owned - __builtin_offsetof(struct factory, owned)));
}

int factory_create(struct factory *owner, struct quota *parent, uint32_t limit,
                   const char *name, struct factory **out)
{
    /* The factory's record and gate are the parent's: the new quota is the child's to
     * spend, all of it. */
    struct factory *f;
    int err = RECORD_NEW(parent, &f);
    if (err)
        return err;
    err = moe_object_start(&f->server, &f->gate, &factory_type, parent);
    if (err) {
        record_free(f);
        return err;
    }
    /* The whole limit is reserved in the parent (quota_init charges it): the
     * sub-factory's clients can never take more, whatever its siblings do. */
    err = quota_init(&f->quota, parent, limit);
    if (err) {
        moe_object_end(&f->server, &f->gate);
        record_free(f);
        return err;
    }
    f->objects.next = f->objects.prev = &f->objects;
    f->objects.owner = 0;
    moe_copy_name(f->name, sizeof(f->name), name, strlen(name));
    moe_own(owner, &f->owned, destroy_owned_factory);
    link_factory(f);
    *out = f;
    return 0;
}

void factory_destroy(struct factory *f)
{
    moe_disown(&f->owned);
    /* Tasks first, so no region map refers to a dataspace that is gone. */
    destroy_owned(f, true);
    destroy_owned(f, false);
    unlink_factory(f);
    /* What outlives the factory (a destroyed dataspace still attached in another task's
     * region map) goes on moe's bill until it is freed. */
    record_move_pages(&f->quota, memory_own_quota());
    if (quota_fini(&f->quota))
        moe_log("factory %s: quota not empty at its end (%u bytes)", f->name,
                (unsigned)f->quota.used);
    moe_object_end(&f->server, &f->gate);
    record_free(f);
}

void factory_hold(struct factory *f)
{
    f->held = true;
}

int factory_received(struct server_request *r, unsigned index, struct factory **out)
{
    if (!server_peek_cap(r, index))
        return -PECAN_EINVALCAP;
    unsigned rights;
    struct server_object *object = server_received_object(r, index, &factory_type, &rights);
    if (!object)
        return -PECAN_EXDEV;
    if (!(rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    *out = (struct factory *)object;
    return 0;
}

static struct factory *request_factory(struct server_request *r)
{
    return (struct factory *)((char *)r->object - __builtin_offsetof(struct factory, server));
}

static struct kernel_object *kernel_object_of(struct moe_owned *owned)
{
    return (struct kernel_object *)((char *)owned - __builtin_offsetof(struct kernel_object, owned));
}

/* Frees a kernel object (it has left its factory's list): every capability to it goes. */
static void destroy_kernel_object(struct moe_owned *owned)
{
    struct kernel_object *k = kernel_object_of(owned);
    if (k->server.key)
        server_unregister(&moe_server, &k->server);
    if (k->block.type != PECAN_OBJ_UNTYPED)
        remove_by_phys(k);
    memory_free(&k->block);
    record_free(k);
}

/* The last capability to a gate made through CREATE is gone: the gate goes too. */
static void kernel_gate_no_clients(struct server_object *object)
{
    struct kernel_object *k = (struct kernel_object *)object;
    moe_disown(&k->owned);
    destroy_kernel_object(&k->owned);
}

static int create_kernel_object(struct server_request *r, struct factory *f, unsigned type)
{
    struct kernel_object *k;
    int err = RECORD_NEW(&f->quota, &k);
    if (err)
        return err;
    err = memory_alloc_object(&f->quota, type, 0, &k->block);
    if (err) {
        record_free(k);
        return err;
    }
    if (type == PECAN_OBJ_GATE &&
        (err = server_watch(&moe_server, &k->server, &kernel_gate_type, k->block.object))) {
        memory_free(&k->block);
        record_free(k);
        return err;
    }
    enter_by_phys(k);
    moe_own(f, &k->owned, destroy_kernel_object);
    /* A gate's copy is lent and the watch armed (server_reply_copy); a notification's is
     * a plain child of moe's original. */
    if (type == PECAN_OBJ_GATE)
        return server_reply_copy(r, &k->server, PECAN_RIGHTS_ALL);
    return server_reply_cap(r, k->block.object, PECAN_RIGHTS_ALL);
}

/* UNTYPED: 2^w2 bytes into slot w3 of the CNode sent as item 0. */
static int create_untyped(struct server_request *r, struct factory *f)
{
    int err = server_need_words(r, 4);
    if (err)
        return err;
    pecan_cap_t cnode = server_peek_cap(r, 0);
    if (!cnode)
        return -PECAN_EINVALCAP;
    struct kernel_object *k;
    if ((err = RECORD_NEW(&f->quota, &k)) != 0)
        return err;
    err = memory_alloc_untyped(&f->quota, r->in[2], cnode, r->in[3], &k->block);
    if (err) {
        record_free(k);
        return err;
    }
    moe_own(f, &k->owned, destroy_kernel_object);
    return 0;
}

/* Whether f is g or one of g's ancestors (g was made through f, or through one f made). */
static bool factory_above(struct factory *f, struct factory *g)
{
    while (g && g != f)
        g = g->owned.owner;
    return g != 0;
}

/* RELEASE: the gate or notification sent as item 0, if f or a descendant made it. */
static int release_kernel_object(struct server_request *r, struct factory *f)
{
    pecan_cap_t slot = server_peek_cap(r, 0);
    struct pecan_cap_identity id;
    if (!slot || pecan_cnode_identify(PECAN_ROOT_CNODE, slot, MOE_DEPTH, &id))
        return -PECAN_EINVALCAP;
    if (id.type != PECAN_OBJ_GATE && id.type != PECAN_OBJ_NOTIFICATION)
        return -PECAN_EXDEV;
    struct kernel_object *k = find_by_phys(id.type, id.phys);
    if (!k)
        return -PECAN_EXDEV;   /* not one moe made through CREATE */
    if (!factory_above(f, k->owned.owner))
        return -PECAN_EPERM;   /* another subsystem's: not f's to end */
    moe_disown(&k->owned);
    destroy_kernel_object(&k->owned);
    return 0;
}

static int create_dataspace(struct server_request *r, struct factory *f)
{
    int err = server_need_words(r, 5);
    if (err)
        return err;
    struct dataspace *ds;
    err = dataspace_create(f, &f->quota, r->in[2], r->in[3], r->in[4], &ds);
    if (err)
        return err;
    server_reply_word(r, dataspace_physical(ds));
    return server_reply_object(r, dataspace_object(ds), PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
}

static int create_factory(struct server_request *r, struct factory *f)
{
    int err = server_need_words(r, 3);
    if (err)
        return err;
    if (r->in[2] == 0)
        return -PECAN_EINVAL;
    /* Optional name for the memory report (w3 length, w4.. bytes); else the parent's. */
    char name[16] = { 0 };
    const char *child_name = f->name;
    if (r->words > 3) {
        unsigned length = r->in[3];
        if (length > sizeof(name) - 1 || (length + 3) / 4 > r->words - 4)
            return length > sizeof(name) - 1 ? -PECAN_ERANGE : -PECAN_EMSGTOOSHORT;
        memcpy(name, &r->in[4], length);
        child_name = name;
    }
    struct factory *child;
    err = factory_create(f, &f->quota, r->in[2], child_name, &child);
    if (err)
        return err;
    return server_reply_object(r, &child->server, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
}

static int create_log(struct server_request *r, struct factory *f)
{
    int err = server_need_words(r, 4);
    if (err)
        return err;
    pecan_word_t options = r->in[2];
    unsigned colour = options & PECAN_LOG_COLOUR_MASK, length = r->in[3];
    if (options & ~(pecan_word_t)(PECAN_LOG_COLOUR_MASK | PECAN_LOG_INPUT))
        return -PECAN_ERANGE;
    if (length > 16 || (length + 3) / 4 > r->words - 4)
        return length > 16 ? -PECAN_ERANGE : -PECAN_EMSGTOOSHORT;
    struct log *l;
    err = log_create(f, &f->quota, (const char *)&r->in[4], length, colour,
                     (options & PECAN_LOG_INPUT) != 0, &l);
    if (err)
        return err;
    return server_reply_object(r, log_object(l), PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
}

static int create_namespace(struct server_request *r, struct factory *f)
{
    struct namespace *ns;
    int err = namespace_create(f, &f->quota, &ns);
    if (err)
        return err;
    return server_reply_object(r, namespace_object(ns), PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
}

static int create_task(struct server_request *r, struct factory *f)
{
    struct task *t;
    int err = task_create(f, &f->quota, f->name, &t);
    if (err)
        return err;
    if ((err = server_reply_object(r, task_object(t), PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT)) ||
        (err = server_reply_cap(r, task_cnode(t), PECAN_RIGHTS_ALL)) ||
        (err = server_reply_object(r, region_map_object(task_region_map(t)),
                                   PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT)) ||
        (err = server_reply_cap(r, task_vspace(t), PECAN_RIGHTS_ALL))) {
        task_destroy(t);
        return err;
    }
    return 0;
}

static int factory_create_request(struct server_request *r)
{
    struct factory *f = request_factory(r);
    int err = server_need_words(r, 2);
    if (err)
        return err;
    switch (r->in[1]) {
    case PECAN_FACTORY_GATE: return create_kernel_object(r, f, PECAN_OBJ_GATE);
    case PECAN_FACTORY_NOTIFICATION: return create_kernel_object(r, f, PECAN_OBJ_NOTIFICATION);
    case PECAN_FACTORY_DATASPACE: return create_dataspace(r, f);
    case PECAN_FACTORY_NAMESPACE: return create_namespace(r, f);
    case PECAN_FACTORY_FACTORY: return create_factory(r, f);
    case PECAN_FACTORY_LOG: return create_log(r, f);
    case PECAN_FACTORY_TASK: return create_task(r, f);
    case PECAN_FACTORY_UNTYPED: return create_untyped(r, f);
    default: return -PECAN_ENOSYS;
    }
}

/* DESTROY: the factory named by the item, if it descends from f (made through f, or
 * through one f made, ...), goes with everything it made; its quota returns to its
 * parent's. */
static int destroy_descendant(struct server_request *r, struct factory *f)
{
    if (!server_peek_cap(r, 0))
        return -PECAN_EINVALCAP;
    struct server_object *named = server_received_object(r, 0, &factory_type, 0);
    if (!named)
        return -PECAN_EXDEV;   /* not a factory of this server */
    struct factory *child = (struct factory *)named;
    if (!factory_above(f, child->owned.owner))
        return -PECAN_EPERM;   /* f itself, a sibling or an ancestor: not f's to end */
    factory_destroy(child);
    /* The caller may have been a thread of a task the child made: nobody waits then. */
    return 0;
}

static int factory_request(struct server_request *r)
{
    int err = server_need_words(r, 1);
    if (err)
        return err;
    struct factory *f = request_factory(r);
    /* Everything but INFO makes, ends or reports (writes to the console): WRITE. */
    if (r->in[0] != PECAN_FACTORY_INFO && !(r->rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    switch (r->in[0]) {
    case PECAN_FACTORY_CREATE:
        return factory_create_request(r);
    case PECAN_FACTORY_INFO:
        server_reply_word(r, f->quota.limit);
        server_reply_word(r, f->quota.used);
        server_reply_word(r, f->quota.objects);
        server_reply_word(r, memory_free_bytes());
        server_reply_word(r, memory_own_quota()->used);   /* for moe_bytes (docs/bench.md) */
        return 0;
    case PECAN_FACTORY_REPORT:
        report_log();
        return 0;
    case PECAN_FACTORY_DESTROY:
        return destroy_descendant(r, f);
    case PECAN_FACTORY_RELEASE:
        return release_kernel_object(r, f);
    default:
        return -PECAN_ENOSYS;
    }
}

static void factory_no_clients(struct server_object *object)
{
    struct factory *f = (struct factory *)object;
    if (!f->held)   /* a program moe started keeps its factory until it exits */
        factory_destroy(f);
}

static const struct server_protocol factory_protocols[] = {
    { PECAN_PROTO_FACTORY, factory_request },
};
static const struct server_type factory_type = {
    .name = "factory", .protocols = factory_protocols, .protocol_count = 1,
    .no_clients = factory_no_clients,
};

static const struct server_type kernel_gate_type = {
    .name = "gate", .protocols = 0, .protocol_count = 0,
    .no_clients = kernel_gate_no_clients,
};
