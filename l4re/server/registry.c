/* SPDX-License-Identifier: MIT */
/*
 * The object registry of a server (pecan/server.h): objects by key, where the key is the
 * badge of every client copy of the object's gate. Owns key allocation, gate binding,
 * minting client copies (which arms the no-clients watch) and recognising capabilities
 * that are copies of this server's own gates.
 *
 * Invariants: objects[key - 1] is the object with that key or NULL; a badge with bits
 * outside the key and SERVER_BADGE_WRITE names nothing; a registered object's
 * gate is bound to the server thread; an object's watch is armed only after a client copy
 * exists (arming without one would signal at once and free the object).
 */
#include <pecan/server.h>

int server_init(struct server *s, const struct server_config *config,
                struct server_object **objects, unsigned capacity)
{
    if (!config || !objects || capacity == 0 || capacity > SERVER_KEY_MASK ||
        config->receive_slots > SERVER_MAX_RECEIVE ||
        !config->slot_alloc || !config->slot_free)
        return -PECAN_EINVAL;
    *s = (struct server){ .config = *config, .objects = objects, .capacity = capacity };
    for (unsigned i = 0; i < capacity; i++)
        objects[i] = 0;
    for (unsigned i = 0; i < config->receive_slots; i++) {
        s->receive[i] = config->slot_alloc();
        if (!s->receive[i])
            return -PECAN_ENOMEM;
    }
    return pecan_thread_bind_notification(config->thread, config->notification);
}

static int find_free_key(struct server *s, pecan_word_t *key)
{
    for (unsigned n = 0; n < s->capacity; n++) {
        unsigned i = (s->next_free + n) % s->capacity;
        if (!s->objects[i]) {
            *key = i + 1;
            s->next_free = (i + 1) % s->capacity;
            return 0;
        }
    }
    return -PECAN_ENOMEM;
}

int server_register(struct server *s, struct server_object *object,
                    const struct server_type *type, pecan_cap_t gate)
{
    pecan_word_t key;
    struct pecan_cap_identity id;
    int err = find_free_key(s, &key);
    if (err)
        return err;
    err = pecan_cnode_identify(s->config.cnode, gate, s->config.cnode_depth, &id);
    if (err)
        return err;
    if (id.type != PECAN_OBJ_ENDPOINT)
        return -PECAN_ETYPE;
    err = pecan_gate_bind(gate, s->config.thread);
    if (err)
        return err;
    *object = (struct server_object){ .type = type, .gate = gate, .gate_phys = id.phys,
                                      .key = key };
    s->objects[key - 1] = object;
    s->count++;
    return 0;
}

void server_unregister(struct server *s, struct server_object *object)
{
    if (!object->key || object->key > s->capacity || s->objects[object->key - 1] != object)
        return;
    /* Client copies go first: a stale copy must never reach the key's next object. */
    pecan_cnode_revoke(s->config.cnode, object->gate, s->config.cnode_depth);
    s->objects[object->key - 1] = 0;
    s->count--;
    object->key = 0;
    object->watched = false;
}

struct server_object *server_lookup(struct server *s, pecan_word_t badge)
{
    pecan_word_t key = badge & SERVER_KEY_MASK;
    if (key == 0 || key > s->capacity ||
        (badge & ~(SERVER_KEY_MASK | SERVER_BADGE_WRITE | SERVER_BADGE_FAULTS)))
        return 0;
    return s->objects[key - 1];
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
    pecan_word_t badge = object->key | ((rights & PECAN_RIGHT_WRITE) ? SERVER_BADGE_WRITE : 0) |
                         ((rights & SERVER_RIGHT_FAULTS) ? SERVER_BADGE_FAULTS : 0);
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

struct server_object *server_identify_object(struct server *s, pecan_cap_t slot,
                                             const struct server_type *type, unsigned *rights)
{
    struct pecan_cap_identity id;
    if (!slot || pecan_cnode_identify(s->config.cnode, slot, s->config.cnode_depth, &id))
        return 0;
    if (id.type != PECAN_OBJ_ENDPOINT)
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
