/* SPDX-License-Identifier: MIT */
/*
 * moe's NAMESPACE objects (protocol/namespace.h): names to capabilities, one component
 * per entry. A query resolves components as long as they lead through moe's own
 * namespaces, and says how many bytes of the name are left for the capability it returns.
 * Entries hold a capability of moe's space (a copy the namespace owns and deletes when the
 * entry goes).
 *
 * Rights: QUERY and LIST read; REGISTER and UNLINK need the object right WRITE. What a
 * query hands out is never stronger than what was registered, nor than the entry's flags
 * and the view it was asked through allow (rights_for): moe's own objects as fresh client
 * copies with WRITE only if the registered copy had it, the entry is RW and every
 * namespace on the way was reached with WRITE; other capabilities as a child of the
 * registered one with its rights masked: never READ on a gate (it would let the querier
 * bind the gate and take its server's messages), never REVOKE, WRITE on a gate (sending
 * is how a gate is used; its server's badge says what the sender may change) and WRITE on
 * anything else only as for moe's objects.
 *
 * Lifetime: an entry names an object that may die (its factory destroyed, its server
 * gone); the kernel then empties the entry's slot (revoking the object's capabilities),
 * so every access checks the slot (entry_alive) and drops a dead entry: its name is
 * free again and LIST no longer shows it.
 *
 * Costs: a namespace and its entries are records on its quota (record.h), and each
 * entry's capability slot is charged too (MEMORY_SLOT_PRICE): whoever was given WRITE on
 * a namespace spends its owner's quota. A namespace holds at most MAX_ENTRIES names, so a
 * request's work (a lookup, LIST by index) stays bounded.
 *
 * Invariants: names in one namespace are unique, non-empty and contain no '/'; every entry
 * is on its namespace's list and holds a slot that was non-empty when the entry was made
 * (and is checked before use).
 */
#include <lib/string.h>
#include <pecan/protocol/namespace.h>
#include "moe.h"
#include "record.h"

#define MAX_ENTRIES 512
#define ENTRY_NAME_MAX 48

struct entry;

struct namespace {
    struct server_object server;
    struct memory_block gate;
    struct moe_owned owned;
    struct quota *quota;            /* pays for the entries */
    struct entry *entries;          /* in the order they were made */
    unsigned entry_count;
};

struct entry {
    struct entry *next, *prev;
    char name[ENTRY_NAME_MAX];
    unsigned length;
    pecan_cap_t slot;
    unsigned flags;
};

static const struct server_type namespace_type;

struct server_object *namespace_object(struct namespace *ns) { return &ns->server; }

static void free_entry(struct namespace *ns, struct entry *e)
{
    pecan_cnode_delete(PECAN_ROOT_CNODE, e->slot, MOE_DEPTH);
    moe_slot_free(e->slot);
    quota_release_slot(ns->quota);
    if (e->prev)
        e->prev->next = e->next;
    else
        ns->entries = e->next;
    if (e->next)
        e->next->prev = e->prev;
    ns->entry_count--;
    record_free(e);
}

static void destroy_namespace(struct namespace *ns)
{
    moe_disown(&ns->owned);
    while (ns->entries)
        free_entry(ns, ns->entries);
    moe_object_end(&ns->server, &ns->gate);
    record_free(ns);
}

static void destroy_owned_namespace(struct moe_owned *owned)
{
    destroy_namespace((struct namespace *)((char *)owned -
                                           __builtin_offsetof(struct namespace, owned)));
}

int namespace_create(struct factory *owner, struct quota *q, struct namespace **out)
{
    struct namespace *ns;
    int err = RECORD_NEW(q, &ns);
    if (err)
        return err;
    ns->quota = q;
    err = moe_object_start(&ns->server, &ns->gate, &namespace_type, q);
    if (err) {
        record_free(ns);
        return err;
    }
    moe_own(owner, &ns->owned, destroy_owned_namespace);
    *out = ns;
    return 0;
}

/* The entry's capability still names an object; a dead entry is dropped here. */
static bool entry_alive(struct namespace *ns, struct entry *e)
{
    struct pecan_cap_identity id;
    if (pecan_cnode_identify(PECAN_ROOT_CNODE, e->slot, MOE_DEPTH, &id) == 0 && id.type != 0)
        return true;
    free_entry(ns, e);
    return false;
}

/* The live entry of that name in ns, or NULL. */
static struct entry *find_entry(struct namespace *ns, const char *name, unsigned length)
{
    for (struct entry *e = ns->entries; e; e = e->next)
        if (e->length == length && memcmp(e->name, name, length) == 0)
            return entry_alive(ns, e) ? e : 0;
    return 0;
}

static void append_entry(struct namespace *ns, struct entry *e)
{
    struct entry **at = &ns->entries, *prev = 0;
    while (*at) {
        prev = *at;
        at = &(*at)->next;
    }
    e->prev = prev;
    *at = e;
    ns->entry_count++;
}

static bool valid_component(const char *name, unsigned length)
{
    if (length == 0 || length >= ENTRY_NAME_MAX)
        return false;
    for (unsigned i = 0; i < length; i++)
        if (name[i] == '/' || name[i] == 0)
            return false;
    return true;
}

int namespace_enter(struct namespace *ns, const char *name, unsigned length,
                    pecan_cap_t slot, unsigned flags)
{
    if (!valid_component(name, length))
        return -PECAN_EINVAL;
    struct entry *e = find_entry(ns, name, length);
    if (e && !(flags & PECAN_NAMESPACE_OVERWRITE))
        return -PECAN_EEXIST;
    if (!e && ns->entry_count == MAX_ENTRIES)
        return -PECAN_ENOMEM;
    struct entry *fresh;
    int err = RECORD_NEW(ns->quota, &fresh);
    if (err)
        return err;
    if ((err = quota_charge_slot(ns->quota)) != 0) {
        record_free(fresh);
        return err;
    }
    if (e)
        free_entry(ns, e);   /* only now: a failed overwrite keeps the old entry */
    if (server_identify_object(&moe_server, slot, &namespace_type, 0))
        flags |= PECAN_NAMESPACE_DIRECTORY;
    fresh->length = length;
    fresh->slot = slot;
    fresh->flags = flags & (PECAN_NAMESPACE_RW | PECAN_NAMESPACE_DIRECTORY);
    memcpy(fresh->name, name, length);
    append_entry(ns, fresh);
    return 0;
}

/* The name argument: length in words[at], the bytes from words[at + 1]. */
static int read_name(struct server_request *r, unsigned at, const char **name, unsigned *length)
{
    int err = server_need_words(r, at + 1);
    if (err)
        return err;
    *length = r->in[at];
    if (*length > PECAN_NAME_MAX)
        return -PECAN_ERANGE;
    if (r->words < at + 1 + (*length + 3) / 4)
        return -PECAN_EMSGTOOSHORT;
    *name = (const char *)&r->in[at + 1];
    return 0;
}

/* Kernel rights a capability of kernel type type, registered with registered rights in
 * an entry with flags, may be handed out with to a client asking through a view with
 * object rights view. */
static unsigned rights_for(unsigned type, unsigned registered, unsigned flags, unsigned view)
{
    bool writable = (flags & PECAN_NAMESPACE_RW) && (view & PECAN_RIGHT_WRITE);
    unsigned allowed = PECAN_RIGHT_GRANT;
    if (type == PECAN_OBJ_GATE)
        allowed |= PECAN_RIGHT_WRITE;   /* send; never READ (bind, receive) */
    else
        allowed |= PECAN_RIGHT_READ | (writable ? PECAN_RIGHT_WRITE : 0);
    return registered & allowed;
}

/* Hands out the entry's capability with the rights the entry and the asker allow. */
static int reply_entry(struct server_request *r, struct entry *e, unsigned rights)
{
    unsigned object_rights;
    struct server_object *own = server_identify_object(&moe_server, e->slot, 0, &object_rights);
    if (own) {
        if (!(e->flags & PECAN_NAMESPACE_RW))
            rights &= ~PECAN_RIGHT_WRITE;
        return server_reply_object(r, own, (rights & object_rights & PECAN_RIGHT_WRITE) |
                                               PECAN_RIGHT_GRANT);
    }
    struct pecan_cap_identity id;
    int err = pecan_cnode_identify(PECAN_ROOT_CNODE, e->slot, MOE_DEPTH, &id);
    if (err || id.type == 0)
        return -PECAN_ENOENT;
    return server_reply_cap(r, e->slot, rights_for(id.type, id.rights, e->flags, rights));
}

static int query(struct server_request *r)
{
    const char *name;
    unsigned length;
    int err = read_name(r, 1, &name, &length);
    if (err)
        return err;
    struct namespace *ns = (struct namespace *)r->object;
    unsigned rights = r->rights;
    for (;;) {
        while (length && *name == '/')
            name++, length--;
        unsigned component = 0;
        while (component < length && name[component] != '/')
            component++;
        if (!valid_component(name, component))
            return -PECAN_ENOENT;
        struct entry *e = find_entry(ns, name, component);
        if (!e)
            return -PECAN_ENOENT;
        name += component;
        length -= component;
        while (length && *name == '/')
            name++, length--;
        unsigned object_rights;
        struct namespace *inner = (struct namespace *)server_identify_object(
            &moe_server, e->slot, &namespace_type, &object_rights);
        if (length && inner) {
            /* Through one of moe's own namespaces: keep resolving here. */
            if (!(e->flags & PECAN_NAMESPACE_RW))
                rights &= ~PECAN_RIGHT_WRITE;
            rights &= object_rights | PECAN_RIGHT_READ;
            ns = inner;
            continue;
        }
        server_reply_word(r, length);
        server_reply_word(r, e->flags);
        return reply_entry(r, e, rights);
    }
}

static int register_name(struct server_request *r)
{
    const char *name;
    unsigned length;
    int err = read_name(r, 2, &name, &length);
    if (err)
        return err;
    if (!(r->rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    if (!valid_component(name, length))
        return -PECAN_EINVAL;
    if (!server_peek_cap(r, 0))
        return -PECAN_EINVALCAP;
    struct namespace *ns = (struct namespace *)r->object;
    if (find_entry(ns, name, length) && !(r->in[1] & PECAN_NAMESPACE_OVERWRITE))
        return -PECAN_EEXIST;
    pecan_cap_t slot = server_take_cap(r, 0);
    if (!slot)
        return -PECAN_ENOMEM;
    err = namespace_enter(ns, name, length, slot, r->in[1]);
    if (err) {
        pecan_cnode_delete(PECAN_ROOT_CNODE, slot, MOE_DEPTH);
        moe_slot_free(slot);
    }
    return err;
}

static int unlink_name(struct server_request *r)
{
    const char *name;
    unsigned length;
    int err = read_name(r, 1, &name, &length);
    if (err)
        return err;
    if (!(r->rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    struct namespace *ns = (struct namespace *)r->object;
    struct entry *e = find_entry(ns, name, length);
    if (!e)
        return -PECAN_ENOENT;
    free_entry(ns, e);
    return 0;
}

static int list(struct server_request *r)
{
    int err = server_need_words(r, 2);
    if (err)
        return err;
    struct namespace *ns = (struct namespace *)r->object;
    unsigned index = r->in[1], n = 0;
    for (struct entry *e = ns->entries, *next; e; e = next) {
        next = e->next;   /* a dead entry is freed by entry_alive */
        if (!entry_alive(ns, e) || n++ != index)
            continue;
        server_reply_word(r, e->flags);
        server_reply_word(r, e->length);
        pecan_word_t packed[ENTRY_NAME_MAX / 4] = { 0 };
        memcpy(packed, e->name, e->length);
        for (unsigned w = 0; w < (e->length + 3) / 4; w++)
            server_reply_word(r, packed[w]);
        return 0;
    }
    return -PECAN_ENOENT;
}

static int namespace_request(struct server_request *r)
{
    int err = server_need_words(r, 1);
    if (err)
        return err;
    switch (r->in[0]) {
    case PECAN_NAMESPACE_QUERY: return query(r);
    case PECAN_NAMESPACE_REGISTER: return register_name(r);
    case PECAN_NAMESPACE_UNLINK: return unlink_name(r);
    case PECAN_NAMESPACE_LIST: return list(r);
    default: return -PECAN_ENOSYS;
    }
}

static void namespace_no_clients(struct server_object *object)
{
    destroy_namespace((struct namespace *)object);
}

static const struct server_protocol namespace_protocols[] = {
    { PECAN_PROTO_NAMESPACE, namespace_request },
};
static const struct server_type namespace_type = {
    .name = "namespace", .protocols = namespace_protocols, .protocol_count = 1,
    .no_clients = namespace_no_clients,
};
