/* SPDX-License-Identifier: MIT */
/*
 * NAMESPACE protocol client (pecan/namespace.h). A query that a server resolves only in
 * part returns a namespace and the number of bytes of the name left; the client goes on
 * there with the rest. Each step receives into dest; a partial result moves out of dest
 * into a slot of its own, which is released when the next step is done.
 */
#include <pecan/namespace.h>
#include <string.h>
#include "client_call.h"

#define MAX_STEPS 16
#define CNODE_DEPTH 32

static int query_step(pecan_cap_t ns, const char *name, unsigned length, pecan_cap_t dest,
                      pecan_word_t *left, pecan_word_t *flags)
{
    struct pecan_message m;
    m.word[0] = PECAN_NAMESPACE_QUERY;
    m.word[1] = length;
    unsigned words = 2 + client_pack_bytes(&m.word[2], name, length);
    pecan_receive_caps(&dest, 1);
    int err = client_call(ns, PECAN_PROTO_NAMESPACE, &m, words, 0);
    if (err)
        return err;
    if (pecan_tag_words(m.tag) < 2 || pecan_tag_items(m.tag) < 1)
        return -PECAN_EMSGTOOSHORT;
    *left = m.word[0];
    *flags = m.word[1];
    return *left > length ? -PECAN_EINVAL : 0;
}

int pecan_ns_query(pecan_cap_t ns, const char *name, unsigned length, pecan_cap_t dest,
                   unsigned *flags)
{
    if (!length || length > PECAN_NAME_MAX)
        return -PECAN_EINVAL;
    pecan_cap_t held = 0;   /* an intermediate namespace we own */
    int err = -PECAN_ENOENT;
    for (unsigned step = 0; step < MAX_STEPS; step++) {
        pecan_word_t left = 0, entry_flags = 0;
        err = query_step(held ? held : ns, name, length, dest, &left, &entry_flags);
        if (held)
            pecan_cap_release(held);
        held = 0;
        if (err)
            return err;
        if (!left) {
            if (flags)
                *flags = entry_flags;
            return 0;
        }
        name += length - left;
        length = left;
        while (length && *name == '/') {
            name++;
            length--;
        }
        if (!length) {
            if (flags)
                *flags = entry_flags;
            return 0;
        }
        err = pecan_cap_alloc(&held);
        if (!err)
            err = pecan_cnode_move(PECAN_ENV_CNODE, held, CNODE_DEPTH, PECAN_ENV_CNODE, dest,
                                   CNODE_DEPTH);
        if (err) {
            if (held)
                pecan_cap_free(held);
            pecan_cnode_delete(PECAN_ENV_CNODE, dest, CNODE_DEPTH);
            return err;
        }
    }
    if (held)
        pecan_cap_release(held);
    return -PECAN_ERANGE;   /* more levels than any sane name has */
}

int pecan_ns_query_path(pecan_cap_t ns, const char *path, pecan_cap_t dest)
{
    return pecan_ns_query(ns, path, (unsigned)strlen(path), dest, 0);
}

int pecan_ns_register(pecan_cap_t ns, const char *name, pecan_cap_t cap, unsigned flags)
{
    unsigned length = (unsigned)strlen(name);
    if (!length || length > PECAN_NAME_MAX)
        return -PECAN_EINVAL;
    struct pecan_message m;
    m.word[0] = PECAN_NAMESPACE_REGISTER;
    m.word[1] = flags;
    m.word[2] = length;
    unsigned words = 3 + client_pack_bytes(&m.word[3], name, length);
    /* No REVOKE: nothing a querier gets should revoke. moe masks further (protocol). */
    client_cap_item(&m.word[words], cap,
                    PECAN_RIGHT_READ | PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
    return client_call(ns, PECAN_PROTO_NAMESPACE, &m, words, 1);
}

int pecan_ns_unlink(pecan_cap_t ns, const char *name)
{
    unsigned length = (unsigned)strlen(name);
    if (!length || length > PECAN_NAME_MAX)
        return -PECAN_EINVAL;
    struct pecan_message m;
    m.word[0] = PECAN_NAMESPACE_UNLINK;
    m.word[1] = length;
    unsigned words = 2 + client_pack_bytes(&m.word[2], name, length);
    return client_call(ns, PECAN_PROTO_NAMESPACE, &m, words, 0);
}

int pecan_ns_list(pecan_cap_t ns, unsigned index, char *name, unsigned size, unsigned *flags)
{
    struct pecan_message m;
    m.word[0] = PECAN_NAMESPACE_LIST;
    m.word[1] = index;
    int err = client_call(ns, PECAN_PROTO_NAMESPACE, &m, 2, 0);
    if (err)
        return err;
    unsigned words = pecan_tag_words(m.tag);
    if (words < 2)
        return -PECAN_EMSGTOOSHORT;
    unsigned length = m.word[1];
    if (length > (words - 2) * 4)
        return -PECAN_EMSGTOOSHORT;
    if (flags)
        *flags = m.word[0];
    if (!size)
        return 0;
    unsigned n = length < size - 1 ? length : size - 1;
    for (unsigned i = 0; i < n; i++)
        name[i] = (char)(m.word[2 + i / 4] >> (8 * (i % 4)));
    name[n] = 0;
    return 0;
}
