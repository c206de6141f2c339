/* SPDX-License-Identifier: MIT */
/* The server side of an EVENT session (pecan/event_server.h): the ring's memory, the
 * client's notification, and the requests, each checked whole before anything changes. */
#include <pecan/event_server.h>
#include <pecan/factory.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>

/* A slot of ours and whatever it holds; 0 is no slot. */
static void release(pecan_cap_t *slot)
{
    if (*slot)
        pecan_cap_release(*slot);
    *slot = 0;
}

void pecan_event_stream_free(struct pecan_event_stream *stream)
{
    if (stream->address)
        pecan_rm_detach(PECAN_ENV_RM, stream->address, 0, 0);
    stream->address = 0;
    if (stream->factory)
        pecan_factory_destroy(PECAN_ENV_FACTORY, stream->factory);
    release(&stream->buffer);
    release(&stream->factory);
    release(&stream->notification);
}

static int ring_make(struct pecan_event_stream *stream)
{
    int err;
    pecan_word_t address = PECAN_ENV_FREE_BASE;
    if ((err = pecan_cap_alloc(&stream->buffer)) != 0)
        return err;
    pecan_cap_t factory;
    if ((err = pecan_cap_alloc(&factory)) != 0)
        return err;
    if ((err = pecan_factory_create_factory(PECAN_ENV_FACTORY, PECAN_EVENT_STREAM_QUOTA,
                                            factory)) != 0) {
        pecan_cap_free(factory);
        return err;
    }
    stream->factory = factory;   /* from here on pecan_event_stream_free destroys it */
    if ((err = pecan_factory_create_dataspace(stream->factory, PECAN_EVENT_STREAM_SIZE, 0, 0,
                                              stream->buffer, 0)) ||
        (err = pecan_rm_attach(PECAN_ENV_RM, &address, PECAN_EVENT_STREAM_SIZE,
                               PECAN_RM_SEARCH_ADDRESS | PECAN_RM_EAGER_MAP | PECAN_MAP_READ |
                                   PECAN_MAP_WRITE,
                               stream->buffer, 0)))
        return err;
    stream->address = address;
    return pecan_event_producer_init(&stream->producer, (void *)(uintptr_t)address,
                                     PECAN_EVENT_STREAM_SIZE);
}

int pecan_event_stream_make(struct pecan_event_stream *stream)
{
    int err = ring_make(stream);
    if (err)
        pecan_event_stream_free(stream);
    return err;
}

bool pecan_event_stream_put(struct pecan_event_stream *stream, const struct pecan_event *event)
{
    return pecan_event_producer_put(&stream->producer, event);
}

void pecan_event_stream_signal(struct pecan_event_stream *stream)
{
    if (stream->notification)
        pecan_notification_signal(stream->notification, stream->bits);
}

static int get_buffer(struct server_request *r, struct pecan_event_stream *stream)
{
    if (r->words != 1)
        return -PECAN_EINVAL;
    r->out[0] = PECAN_EVENT_STREAM_SIZE;
    r->out[1] = stream->producer.capacity;
    r->reply_words = 2;
    return server_reply_cap(r, stream->buffer, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
}

/* The notification item of BIND: a notification with WRITE, taken out of the loop's
 * receive slot. */
static int received_notification(struct server_request *r, pecan_cap_t *notification)
{
    struct pecan_cap_identity id;
    pecan_cap_t slot = server_peek_cap(r, 0);
    if (!slot ||
        pecan_cnode_identify(r->server->config.cnode, slot, r->server->config.cnode_depth, &id))
        return -PECAN_EINVALCAP;
    if (id.type != PECAN_OBJ_NOTIFICATION)
        return -PECAN_ETYPE;
    if (!(id.rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    return (*notification = server_take_cap(r, 0)) ? 0 : -PECAN_ENOMEM;
}

static void lock(const struct pecan_event_service *service)
{
    if (service->lock)
        service->lock();
}

static void unlock(const struct pecan_event_service *service)
{
    if (service->unlock)
        service->unlock();
}

static int bind(struct server_request *r, struct pecan_event_stream *stream,
                const struct pecan_event_service *service)
{
    int err = server_need_words(r, 2);
    if (err)
        return err;
    pecan_word_t bits = r->in[1];
    pecan_cap_t notification = 0;
    if (r->words != 2)
        return -PECAN_EINVAL;
    if (r->items) {
        if (!bits)
            return -PECAN_EINVAL;
        if ((err = received_notification(r, &notification)) != 0)
            return err;
    }
    lock(service);
    pecan_cap_t old = stream->notification;
    stream->notification = notification;
    stream->bits = notification ? bits : 0;
    unlock(service);
    release(&old);
    return 0;
}

static int info(struct server_request *r, struct pecan_event_stream *stream,
                const struct pecan_event_service *service)
{
    if (r->words != 1)
        return -PECAN_EINVAL;
    lock(service);
    service->info(&r->out[0], &r->out[1], &r->out[2]);
    r->out[3] = stream->producer.dropped;
    unlock(service);
    r->reply_words = 4;
    return 0;
}

int pecan_event_stream_request(struct server_request *r, struct pecan_event_stream *stream,
                               const struct pecan_event_service *service)
{
    int err = server_need_words(r, 1);
    if (err)
        return err;
    pecan_word_t op = r->in[0];
    if (op != PECAN_EVENT_GET_BUFFER && op != PECAN_EVENT_BIND && op != PECAN_EVENT_INFO)
        return -PECAN_ENOSYS;
    if (op != PECAN_EVENT_INFO && !(r->rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    switch (op) {
    case PECAN_EVENT_GET_BUFFER:
        return get_buffer(r, stream);
    case PECAN_EVENT_BIND:
        return bind(r, stream, service);
    default:
        return info(r, stream, service);
    }
}
