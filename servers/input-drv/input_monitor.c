/* SPDX-License-Identifier: MIT */
/*
 * input-monitor: an EVENT client that prints every event it gets, one line each (what the
 * scenario test compares with what it typed and moved):
 *   input-monitor: press 30 modifiers 1          (key or button; release, repeat alike)
 *   input-monitor: motion 10 -5                  (dx, dy: right and down are positive)
 *   input-monitor: position 320 240
 * Its session is the capability "event_session" when the boot script opened one for it
 * (ch:create(L4.Proto.Event)), else one it opens at the channel "input". It reads the ring
 * without IPC and waits on its own notification, bound with BIND, when the ring is empty.
 * Each event's time must not go backwards nor lie in the future (else a FAILED line).
 *
 * Usage: input-monitor [--until=CODE] [--leave]. It ends with status 0 when key CODE is
 * released (default 1, Escape), printing "input-monitor: N events, D dropped". With
 * --leave it exits as soon as it is ready, its session still open: a client that dies
 * (the driver must close the session itself).
 */
#include <pecan/event.h>
#include <pecan/factory.h>
#include <pecan/kip.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTIFICATION_BIT 0x1u
#define MAX_AGE_MS 60000u   /* an event read this long after its time stamp is wrong */

static uint32_t clock_ms(void)
{
    uint64_t ns = pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
    return (uint32_t)(ns / 1000000u);
}

static const char *type_name(uint8_t type)
{
    switch (type) {
    case PECAN_EVENT_PRESS: return "press";
    case PECAN_EVENT_RELEASE: return "release";
    case PECAN_EVENT_REPEAT: return "repeat";
    case PECAN_EVENT_MOTION: return "motion";
    case PECAN_EVENT_POSITION: return "position";
    default: return 0;
    }
}

/* Prints the event; false if it is malformed or its time is impossible. last_ms is the
 * time of the event before (none before the first: count 1). */
static bool print_event(const struct pecan_event *e, uint32_t *last_ms, uint32_t count)
{
    const char *name = type_name(e->type);
    uint32_t now = clock_ms();
    bool in_order = (count == 1 || (int32_t)(e->time_ms - *last_ms) >= 0) &&
                    now - e->time_ms <= MAX_AGE_MS;
    if (!name || !in_order) {
        printf("input-monitor: event type %u code %u at %lu ms, now %lu ms, last %lu ms "
               "(FAILED)\n", e->type, e->code, (unsigned long)e->time_ms, (unsigned long)now,
               (unsigned long)*last_ms);
        return false;
    }
    *last_ms = e->time_ms;
    if (e->type == PECAN_EVENT_MOTION || e->type == PECAN_EVENT_POSITION)
        printf("input-monitor: %s %ld %ld\n", name, (long)e->x, (long)e->y);
    else
        printf("input-monitor: %s %u modifiers %u\n", name, e->code, e->modifiers);
    return true;
}

static int session_of(struct pecan_session *session)
{
    pecan_cap_t given = pecan_env_cap("event_session"), channel = pecan_env_cap("input");
    *session = (struct pecan_session){ given, 0, 0 };
    if (given)
        return 0;
    if (!channel) {
        printf("input-monitor: neither \"event_session\" nor \"input\" given\n");
        return -PECAN_ENOENT;
    }
    return pecan_event_open(channel, PECAN_ENV_FACTORY, session);
}

int main(int argc, char **argv)
{
    unsigned until = 1;
    bool leave = false;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--until=", 8) == 0)
            until = (unsigned)strtoul(argv[i] + 8, 0, 0);
        else if (strcmp(argv[i], "--leave") == 0)
            leave = true;
        else {
            printf("input-monitor: usage: input-monitor [--until=CODE] [--leave]\n");
            return 1;
        }
    }
    struct pecan_session session;
    struct pecan_event_client events;
    struct pecan_event_info info;
    pecan_cap_t notification;
    int err = session_of(&session);
    if (!err)
        err = pecan_event_attach(session.cap, &events);
    if (!err)
        err = pecan_cap_alloc(&notification);
    if (!err)
        err = pecan_factory_create_notification(PECAN_ENV_FACTORY, notification);
    if (!err)
        err = pecan_event_bind(session.cap, notification, NOTIFICATION_BIT);
    if (!err)
        err = pecan_event_info(session.cap, &info);
    if (err) {
        printf("input-monitor: no events (error %d) (FAILED)\n", err);
        return 1;
    }
    printf("input-monitor: ready (%s%s, a ring of %lu events)\n",
           (info.devices & PECAN_EVENT_DEVICE_KEYBOARD) ? "keyboard " : "",
           (info.devices & PECAN_EVENT_DEVICE_MOUSE) ? "mouse" : "",
           (unsigned long)events.consumer.capacity);
    if (leave)
        return 0;   /* session, mapping and notification left for the system to reclaim */
    uint32_t last_ms = 0, count = 0;
    bool right = true;
    for (;;) {
        struct pecan_event e;
        while (pecan_event_consumer_get(&events.consumer, &e)) {
            count++;
            right &= print_event(&e, &last_ms, count);
            if (e.type == PECAN_EVENT_RELEASE && e.code == until) {
                printf("input-monitor: %lu events, %lu dropped\n", (unsigned long)count,
                       (unsigned long)pecan_event_consumer_dropped(&events.consumer));
                pecan_event_detach(&events);
                if (!pecan_env_cap("event_session"))
                    pecan_session_close(&session);
                return right ? 0 : 1;
            }
        }
        pecan_word_t bits;
        if ((err = pecan_notification_wait(notification, &bits)) != 0) {
            printf("input-monitor: waiting: error %d (FAILED)\n", err);
            return 1;
        }
    }
}
