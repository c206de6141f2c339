/* SPDX-License-Identifier: MIT */
/* EVENT protocol client (pecan/event.h). The server may be hostile too: every reply's
 * length is checked before a word of it is read, and the ring is checked at attach. */
#include <pecan/event.h>
#include <pecan/region_map.h>
#include "client_call.h"

#define RING_SIZE_MAX 0x100000u   /* more than any event server needs */

int pecan_event_open(pecan_cap_t channel, pecan_cap_t factory, struct pecan_session *session)
{
    return pecan_session_open(channel, PECAN_PROTO_EVENT, factory, 0, 0, session);
}

int pecan_event_get_buffer(pecan_cap_t session, pecan_cap_t dest, pecan_word_t *size,
                           pecan_word_t *capacity)
{
    struct pecan_message m;
    m.word[0] = PECAN_EVENT_GET_BUFFER;
    pecan_receive_caps(&dest, 1);
    int err = client_call(session, PECAN_PROTO_EVENT, &m, 1, 0);
    if (err)
        return err;
    if (pecan_tag_words(m.tag) < 2 || pecan_tag_items(m.tag) < 1)
        return -PECAN_EMSGTOOSHORT;
    *size = m.word[0];
    *capacity = m.word[1];
    return 0;
}

int pecan_event_bind(pecan_cap_t session, pecan_cap_t notification, pecan_word_t bits)
{
    struct pecan_message m;
    m.word[0] = PECAN_EVENT_BIND;
    m.word[1] = bits;
    client_cap_item(&m.word[2], notification, PECAN_RIGHT_WRITE);
    return client_call(session, PECAN_PROTO_EVENT, &m, 2, 1);
}

int pecan_event_unbind(pecan_cap_t session)
{
    struct pecan_message m;
    m.word[0] = PECAN_EVENT_BIND;
    m.word[1] = 0;
    return client_call(session, PECAN_PROTO_EVENT, &m, 2, 0);
}

int pecan_event_info(pecan_cap_t session, struct pecan_event_info *info)
{
    struct pecan_message m;
    m.word[0] = PECAN_EVENT_INFO;
    int err = client_call(session, PECAN_PROTO_EVENT, &m, 1, 0);
    if (err)
        return err;
    if (pecan_tag_words(m.tag) < 4)
        return -PECAN_EMSGTOOSHORT;
    info->devices = m.word[0];
    info->modifiers = m.word[1];
    info->buttons = m.word[2];
    info->dropped = m.word[3];
    return 0;
}

int pecan_event_attach(pecan_cap_t session, struct pecan_event_client *client)
{
    pecan_word_t capacity;
    int err = pecan_cap_alloc(&client->buffer);
    if (err)
        return err;
    err = pecan_event_get_buffer(session, client->buffer, &client->size, &capacity);
    if (!err && (client->size == 0 || client->size > RING_SIZE_MAX || (client->size & 0xFFF)))
        err = -PECAN_EINVAL;
    client->address = PECAN_ENV_FREE_BASE;
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &client->address, client->size,
                              PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE,
                              client->buffer, 0);
    if (err) {
        pecan_cap_release(client->buffer);
        return err;
    }
    err = pecan_event_consumer_init(&client->consumer, (void *)(uintptr_t)client->address,
                                    client->size);
    if (!err && client->consumer.capacity != capacity)
        err = -PECAN_EINVAL;
    if (err)
        pecan_event_detach(client);
    return err;
}

void pecan_event_detach(struct pecan_event_client *client)
{
    pecan_rm_detach(PECAN_ENV_RM, client->address, 0, 0);
    pecan_cap_release(client->buffer);
    client->buffer = 0;
}
