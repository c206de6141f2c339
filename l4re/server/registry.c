/* SPDX-License-Identifier: MIT */
/*
 * The object registry of a server (pecan/server.h): objects by key, where the key is the
 * badge of every client copy of the object's gate. Owns key allocation, gate binding,
 * minting client copies (which arms the no-clients watch) and recognising capabilities
 * that are copies of this server's own gates.
 *
 * Keys: a key given back goes on a list of free keys, linked through the registry entries
 * themselves (an odd value: never an object's address); a new object takes the last key
 * given back, or else the lowest key never issued. So registering is O(1) whatever the
 * capacity, the registry need not be cleared at start-up, and keys stay as low as the
 * number of objects allows (the no-clients scan goes only up to the highest key issued).
 *
 * Writes (keys taken and given back, entries set) hold the server's spin lock, since
 * another thread may register an object for this server's thread; lookups read without
 * it: an entry is complete before its key is in any badge, and a fresh entry is a free
 * link before `issued` shows it to the no-clients scan.
 *
 * Invariants: for a key up to issued, objects[key - 1] is the object with that key or a
 * link of the free-key list; entries above issued are never read; a badge with bits
 * outside the key and SERVER_BADGE_RIGHTS names nothing; a registered object's gate is
 * bound to the server thread; an object's watch is armed only after a client copy exists
 * (arming without one would signal at once and free the object).
 */
#include <pecan/server.h>
#include "../thread/spin.h"

/* Free-key links: (next key << 1) | 1, where next key 0 ends the list. */
static struct server_object *free_link(unsigned next_key)
{
    return (struct server_object *)(((uintptr_t)next_key << 1) | 1u);
}

static unsigned free_link_next(const struct server_object *entry)
{
    return (unsigned)((uintptr_t)entry >> 1);
}

int server_init(struct server *s, const struct server_config *config,
                struct server_object **objects, unsigned capacity)
{
    if (!config || !objects || capacity == 0 || capacity > SERVER_KEY_MASK ||
        config->receive_slots > SERVER_MAX_RECEIVE ||
        !config->slot_alloc || !config->slot_free)
        return -PECAN_EINVAL;
    *s = (struct server){ .config = *config, .objects = objects, .capacity = capacity };
    s->request.server = s;
    s->receive.count = config->receive_slots;
    for (unsigned i = 0; i < config->receive_slots; i++) {
        s->receive.slots[i] = config->slot_alloc();
        if (!s->receive.slots[i])
            return -PECAN_ENOMEM;
    }
    return pecan_thread_bind_notification(config->thread, config->notification);
}

static int take_key(struct server *s, pecan_word_t *key)
{
    if (s->free_keys) {
        *key = s->free_keys;
        s->free_keys = free_link_next(s->objects[*key - 1]);
        return 0;
    }
    if (s->issued == s->capacity)
        return -PECAN_ENOMEM;
    /* The entry is a (free) link before `issued` shows it: another thread's no-clients
     * scan reads every entry up to issued. */
    s->objects[s->issued] = free_link(0);
    __atomic_store_n(&s->issued, s->issued + 1, __ATOMIC_RELEASE);
    *key = s->issued;
    return 0;
}

static void give_key(struct server *s, pecan_word_t key)
{
    s->objects[key - 1] = free_link(s->free_keys);
    s->free_keys = key;
}

/* The loop's common path takes the type's first protocol (server.h, common_label); a fault
 * label goes through the general path, which checks the pager right. */
static void set_common_protocol(struct server_object *object, const struct server_type *type)
{
    object->common_label = SERVER_NO_LABEL;
    object->common_handler = 0;
    if (type->protocol_count && !server_is_fault_label(type->protocols[0].label)) {
        object->common_label = type->protocols[0].label;
        object->common_handler = type->protocols[0].handler;
    }
}

/* Enters object under a fresh key and binds its gate to the server thread if bind. The
 * lock covers the registry's writes only: lookups read without it (an entry is complete
 * before its key can be in any badge, and a fresh entry before `issued` shows it). */
static int enter(struct server *s, struct server_object *object, const struct server_type *type,
                 pecan_cap_t gate, bool bind)
{
    pecan_word_t key;
    struct pecan_cap_identity id;
    int err = pecan_cnode_identify(s->config.cnode, gate, s->config.cnode_depth, &id);
    if (err)
        return err;
    if (id.type != PECAN_OBJ_GATE)
        return -PECAN_ETYPE;
    /* Gate control (bind, the no-clients watch, its question) needs READ: through a copy
     * without it the kernel takes the control message for IPC to the gate's server, and
     * the server would wait on itself. */
    if (!(id.rights & PECAN_RIGHT_READ))
        return -PECAN_EPERM;
    spin_lock(&s->lock);
    err = take_key(s, &key);
    if (!err) {
        *object = (struct server_object){ .type = type, .gate = gate, .gate_phys = id.phys,
                                          .key = key, .server = s };
        set_common_protocol(object, type);
        __atomic_store_n(&s->objects[key - 1], object, __ATOMIC_RELEASE);
        s->count++;
    }
    spin_unlock(&s->lock);
    if (err || !bind || (err = pecan_gate_bind(gate, s->config.thread)) == 0)
        return err;
    spin_lock(&s->lock);
    give_key(s, key);
    s->count--;
    spin_unlock(&s->lock);
    object->key = 0;
    return err;
}

int server_register(struct server *s, struct server_object *object,
                    const struct server_type *type, pecan_cap_t gate)
{
    return enter(s, object, type, gate, true);
}

int server_watch(struct server *s, struct server_object *object,
                 const struct server_type *type, pecan_cap_t gate)
{
    return enter(s, object, type, gate, false);
}

void server_unregister(struct server *s, struct server_object *object)
{
    if (!object->key || server_lookup(s, object->key) != object)
        return;
    if (s->unbadged == object)
        s->unbadged = 0;
    /* Client copies go first: a stale copy must never reach the key's next object. */
    pecan_cnode_revoke(s->config.cnode, object->gate, s->config.cnode_depth);
    spin_lock(&s->lock);
    give_key(s, object->key);
    s->count--;
    spin_unlock(&s->lock);
    object->key = 0;
    object->watched = false;
}


static int arm_watch(struct server *s, struct server_object *object)
{
    if (object->watched)
        return 0;
    int err = pecan_gate_set_no_clients(object->gate, s->config.notification,
                                        (pecan_word_t)1 << (object->key % 32));
    if (!err)
        object->watched = true;
    return err;
}

int server_mint_into(struct server *s, struct server_object *object, pecan_cap_t cnode,
                     pecan_word_t dest, unsigned depth, unsigned rights)
{
    if (!object->key)
        return -PECAN_EINVAL;
    unsigned kernel_rights = PECAN_RIGHT_WRITE | (rights & PECAN_RIGHT_GRANT);
    unsigned object_rights =
        PECAN_RIGHT_READ | (rights & (PECAN_RIGHT_WRITE | SERVER_RIGHT_FAULTS));
    pecan_word_t badge = object->key | object_rights << SERVER_BADGE_RIGHTS_SHIFT;
    int err = pecan_cnode_mint(cnode, dest, depth, s->config.cnode, object->gate,
                               s->config.cnode_depth, kernel_rights, badge);
    if (err)
        return err;
    err = arm_watch(s, object);
    if (err)
        pecan_cnode_delete(cnode, dest, depth);
    return err;
}

int server_mint(struct server *s, struct server_object *object, pecan_cap_t dest,
                unsigned rights)
{
    return server_mint_into(s, object, s->config.cnode, dest, s->config.cnode_depth, rights);
}

int server_copy(struct server *s, struct server_object *object, pecan_cap_t dest,
                unsigned rights)
{
    if (!object->key)
        return -PECAN_EINVAL;
    /* A mint (a child, so the watch sees it) with no badge: the holder badges its own. */
    int err = pecan_cnode_mint(s->config.cnode, dest, s->config.cnode_depth, s->config.cnode,
                               object->gate, s->config.cnode_depth, rights & PECAN_RIGHTS_ALL, 0);
    if (err)
        return err;
    err = arm_watch(s, object);
    if (err)
        pecan_cnode_delete(s->config.cnode, dest, s->config.cnode_depth);
    return err;
}

struct server_object *server_identify_object(struct server *s, pecan_cap_t slot,
                                             const struct server_type *type, unsigned *rights)
{
    struct pecan_cap_identity id;
    if (!slot || pecan_cnode_identify(s->config.cnode, slot, s->config.cnode_depth, &id))
        return 0;
    if (id.type != PECAN_OBJ_GATE)
        return 0;
    struct server_object *object = server_lookup(s, id.badge);
    /* The badge alone could come from another server's gate: the object must match. */
    if (!object || object->gate_phys != id.phys)
        return 0;
    if (type && object->type != type)
        return 0;
    if (rights)
        *rights = server_badge_rights(id.badge);
    return object;
}
