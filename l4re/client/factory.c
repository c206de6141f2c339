/* SPDX-License-Identifier: MIT */
/* FACTORY protocol client (pecan/factory.h): one create call per object type. */
#include <pecan/factory.h>
#include <string.h>
#include "client_call.h"

#define LOG_TAG_MAX 32

/* CREATE of type with the argument words in m->word[2..2+args); the new capabilities land
 * in dest[0..count). */
static int create(pecan_cap_t factory, unsigned type, struct pecan_message *m, unsigned args,
                  const pecan_cap_t *dest, unsigned count)
{
    m->word[0] = PECAN_FACTORY_CREATE;
    m->word[1] = type;
    pecan_receive_caps(dest, count);
    int err = client_call(factory, PECAN_PROTO_FACTORY, m, 2 + args, 0);
    if (!err && pecan_tag_items(m->tag) < count)
        return -PECAN_EMSGTOOSHORT;
    return err;
}

int pecan_factory_create_gate(pecan_cap_t factory, pecan_cap_t dest)
{
    struct pecan_message m;
    return create(factory, PECAN_FACTORY_GATE, &m, 0, &dest, 1);
}

int pecan_factory_create_notification(pecan_cap_t factory, pecan_cap_t dest)
{
    struct pecan_message m;
    return create(factory, PECAN_FACTORY_NOTIFICATION, &m, 0, &dest, 1);
}

int pecan_factory_create_dataspace(pecan_cap_t factory, pecan_word_t size, unsigned flags,
                                   unsigned align_order, pecan_cap_t dest, pecan_word_t *phys)
{
    struct pecan_message m;
    m.word[2] = size;
    m.word[3] = flags;
    m.word[4] = align_order;
    int err = create(factory, PECAN_FACTORY_DATASPACE, &m, 3, &dest, 1);
    if (!err && phys)
        *phys = pecan_tag_words(m.tag) >= 1 ? m.word[0] : ~0u;
    return err;
}

int pecan_factory_create_namespace(pecan_cap_t factory, pecan_cap_t dest)
{
    struct pecan_message m;
    return create(factory, PECAN_FACTORY_NAMESPACE, &m, 0, &dest, 1);
}

int pecan_factory_create_factory(pecan_cap_t factory, pecan_word_t quota, pecan_cap_t dest)
{
    struct pecan_message m;
    m.word[2] = quota;
    return create(factory, PECAN_FACTORY_FACTORY, &m, 1, &dest, 1);
}

/* A create whose arguments are one word and a string (length, then packed bytes), the
 * string at most max bytes. */
static int create_with_string(pecan_cap_t factory, unsigned type, pecan_word_t word,
                              const char *string, unsigned max, pecan_cap_t dest)
{
    unsigned length = (unsigned)strlen(string);
    if (length > max)
        return -PECAN_ERANGE;
    struct pecan_message m;
    m.word[2] = word;
    m.word[3] = length;
    unsigned words = client_pack_bytes(&m.word[4], string, length);
    return create(factory, type, &m, 2 + words, &dest, 1);
}

int pecan_factory_create_named_factory(pecan_cap_t factory, pecan_word_t quota,
                                       const char *name, pecan_cap_t dest)
{
    return create_with_string(factory, PECAN_FACTORY_FACTORY, quota, name,
                              PECAN_FACTORY_NAME_MAX, dest);
}

int pecan_factory_create_charged_factory(pecan_cap_t factory, pecan_cap_t payer,
                                         pecan_word_t quota, pecan_cap_t dest)
{
    struct pecan_message m;
    m.word[0] = PECAN_FACTORY_CREATE;
    m.word[1] = PECAN_FACTORY_FACTORY;
    m.word[2] = quota;
    client_cap_item(&m.word[3], payer, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
    pecan_receive_caps(&dest, 1);
    int err = client_call(factory, PECAN_PROTO_FACTORY, &m, 3, 1);
    if (!err && pecan_tag_items(m.tag) < 1)
        return -PECAN_EMSGTOOSHORT;
    return err;
}

int pecan_factory_create_log(pecan_cap_t factory, unsigned colour, const char *tag,
                             pecan_cap_t dest)
{
    return create_with_string(factory, PECAN_FACTORY_LOG, colour, tag, LOG_TAG_MAX, dest);
}

int pecan_factory_create_task(pecan_cap_t factory, const struct pecan_factory_task *dest)
{
    struct pecan_message m;
    pecan_cap_t slots[4] = { dest->task, dest->cnode, dest->region_map, dest->vspace };
    return create(factory, PECAN_FACTORY_TASK, &m, 0, slots, 4);
}

int pecan_factory_create_untyped(pecan_cap_t factory, unsigned size_bits, pecan_cap_t cnode,
                                 pecan_word_t dest_slot)
{
    struct pecan_message m;
    m.word[0] = PECAN_FACTORY_CREATE;
    m.word[1] = PECAN_FACTORY_UNTYPED;
    m.word[2] = size_bits;
    m.word[3] = dest_slot;
    client_cap_item(&m.word[4], cnode, PECAN_RIGHTS_ALL);
    return client_call(factory, PECAN_PROTO_FACTORY, &m, 4, 1);
}

int pecan_factory_info(pecan_cap_t factory, struct pecan_factory_info *info)
{
    struct pecan_message m;
    m.word[0] = PECAN_FACTORY_INFO;
    int err = client_call(factory, PECAN_PROTO_FACTORY, &m, 1, 0);
    if (err)
        return err;
    if (pecan_tag_words(m.tag) < 3)
        return -PECAN_EMSGTOOSHORT;
    *info = (struct pecan_factory_info){ m.word[0], m.word[1], m.word[2], 0, 0 };
    if (pecan_tag_words(m.tag) >= 5) {
        info->free_ram = m.word[3];
        info->moe_own = m.word[4];
    }
    return 0;
}

int pecan_factory_report(pecan_cap_t factory)
{
    struct pecan_message m;
    m.word[0] = PECAN_FACTORY_REPORT;
    return client_call(factory, PECAN_PROTO_FACTORY, &m, 1, 0);
}

int pecan_factory_destroy(pecan_cap_t factory, pecan_cap_t descendant)
{
    struct pecan_message m;
    m.word[0] = PECAN_FACTORY_DESTROY;
    client_cap_item(&m.word[1], descendant, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
    return client_call(factory, PECAN_PROTO_FACTORY, &m, 1, 1);
}

int pecan_factory_release(pecan_cap_t factory, pecan_cap_t object)
{
    struct pecan_message m;
    m.word[0] = PECAN_FACTORY_RELEASE;
    client_cap_item(&m.word[1], object, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
    return client_call(factory, PECAN_PROTO_FACTORY, &m, 1, 1);
}
