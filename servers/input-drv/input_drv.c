/* SPDX-License-Identifier: MIT */
/*
 * input-drv: the PL050 keyboard and mouse driver as a program of its own, serving the
 * EVENT protocol (pecan/protocol/event.h; docs/graphics.md, "Input"). The boot script
 * gives it "iomem" (covering the KMIs' registers), "icu" (covering their lines) and
 * "input" (the server end of the channel its clients open sessions at).
 *
 * Usage: input-drv [--keyboard=PHYS,IRQ] [--mouse=PHYS,IRQ] [--sessions=N]
 * (RealView EB: KMI0 0x10006000 line 39, KMI1 0x10007000 line 40; at most 8 sessions). A
 * device that does not answer its reset is left out (INFO says which are there); with
 * neither the driver ends with status 1.
 *
 * Two threads: the main thread serves the sessions (the server framework); the interrupt
 * thread waits on the notification both lines are bound to, reads the bytes, decodes them
 * into events (ps2_events.c), puts every event into every session's ring and signals the
 * sessions' notifications. The lock guards what both touch: the list of sessions (with
 * their rings and notifications) and the decoding state that INFO reads.
 *
 * Each session's ring is a stream of pecan/event_server.h: one page from a factory of its
 * own, made through the driver's factory; closing the session destroys that factory, which
 * takes the page back from everyone who mapped it, so a client that keeps its mapping or
 * its capability cannot keep the driver's memory. The number of sessions is bounded, so the driver's
 * quota bounds what clients can make it spend.
 *
 * Invariants: a session is in sessions[] from the end of its open until the start of its
 * close, with its ring initialised and mapped here; the interrupt thread touches a session
 * only under the lock; a session's notification slot is 0 or holds a notification with
 * WRITE.
 */
#include <pecan/event_server.h>
#include <pecan/factory.h>
#include <pecan/icu.h>
#include <pecan/iomem.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/server.h>
#include <pecan/sys.h>
#include <pecan/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kmi.h"
#include "ps2_events.h"

#define MAX_SESSIONS 8u
#define SERVER_CAPACITY (MAX_SESSIONS + 4u)
#define REGISTERS_SIZE 0x1000u
#define BYTES_PER_INTERRUPT 16u      /* then the line is acknowledged and fires again */
#define BATCH_MAX (2u * BYTES_PER_INTERRUPT * PS2_EVENTS_MAX)

struct device {
    const char *name;
    pecan_word_t phys;
    pecan_word_t line;
    pecan_word_t bit;               /* its bit in the interrupt notification */
    bool present;
    struct kmi kmi;
    pecan_cap_t handler;            /* the kernel's IRQ handler capability */
};

struct event_session {
    struct server_session base;     /* first: the framework's part */
    struct pecan_event_stream stream;
};

static struct device keyboard = { "keyboard", 0x10006000, 39, 0x1, false, { 0 }, 0 };
static struct device mouse = { "mouse", 0x10007000, 40, 0x2, false, { 0 }, 0 };
static pecan_cap_t interrupts;      /* the notification both lines are bound to */

static struct pecan_mutex lock = PECAN_MUTEX_INIT;
static struct event_session *sessions[MAX_SESSIONS];   /* under lock */
static unsigned session_count;                          /* under lock */
static unsigned session_limit = MAX_SESSIONS;
static struct ps2_events decoding;                      /* under lock */

static struct server server;

/* ---- sessions and their rings ---- */

/* OPEN: no arguments. The ring is ready before the session is listed for events. */
static int open_session(struct server_request *r, struct server_session **out)
{
    if (r->words != 2)
        return -PECAN_EINVAL;
    if (session_count >= session_limit)
        return -PECAN_ENOMEM;
    struct event_session *s = calloc(1, sizeof(*s));
    if (!s)
        return -PECAN_ENOMEM;
    int err = pecan_event_stream_make(&s->stream);
    if (err) {
        free(s);
        return err;
    }
    pecan_mutex_lock(&lock);
    sessions[session_count++] = s;
    pecan_mutex_unlock(&lock);
    *out = &s->base;
    return 0;
}

static void close_session(struct server_session *base)
{
    struct event_session *s = (struct event_session *)base;
    pecan_mutex_lock(&lock);
    for (unsigned i = 0; i < session_count; i++)
        if (sessions[i] == s) {
            sessions[i] = sessions[--session_count];
            break;
        }
    pecan_mutex_unlock(&lock);
    pecan_event_stream_free(&s->stream);
    free(s);
}

/* ---- the EVENT protocol ---- */

static void lock_sessions(void)
{
    pecan_mutex_lock(&lock);
}

static void unlock_sessions(void)
{
    pecan_mutex_unlock(&lock);
}

static void info(pecan_word_t *devices, pecan_word_t *modifiers, pecan_word_t *buttons)
{
    *devices = (keyboard.present ? PECAN_EVENT_DEVICE_KEYBOARD : 0) |
               (mouse.present ? PECAN_EVENT_DEVICE_MOUSE : 0);
    *modifiers = ps2_events_modifiers(&decoding);
    *buttons = decoding.buttons;
}

static const struct pecan_event_service service = { lock_sessions, unlock_sessions, info };

static int event_request(struct server_request *r)
{
    struct event_session *s = (struct event_session *)r->object;
    return pecan_event_stream_request(r, &s->stream, &service);
}

static const struct server_protocol event_protocols[] = { { PECAN_PROTO_EVENT, event_request } };
static struct server_sessions event_sessions = {
    .protocol = PECAN_PROTO_EVENT,
    .type = { .name = "event", .protocols = event_protocols, .protocol_count = 1 },
    .open = open_session,
    .close = close_session,
};

/* ---- the devices and their interrupts ---- */

/* Every event of the batch into every session's ring; a session whose ring took any is
 * signalled. */
static void publish(const struct pecan_event *batch, unsigned count)
{
    for (unsigned i = 0; i < session_count; i++) {
        struct event_session *s = sessions[i];
        bool any = false;
        for (unsigned j = 0; j < count; j++)
            any |= pecan_event_stream_put(&s->stream, &batch[j]);
        if (any)
            pecan_event_stream_signal(&s->stream);
    }
}

/* The bytes a device has for us, at most BYTES_PER_INTERRUPT; its line acknowledged. */
static unsigned read_bytes(struct device *d, uint8_t *bytes)
{
    unsigned count = 0;
    while (count < BYTES_PER_INTERRUPT && kmi_read(&d->kmi, &bytes[count]))
        count++;
    pecan_irq_ack(d->handler);
    return count;
}

static void *interrupt_thread(void *unused)
{
    (void)unused;
    pecan_thread_park_prepare(pecan_thread_self());   /* see main */
    for (;;) {
        pecan_word_t bits = 0;
        if (pecan_notification_wait(interrupts, &bits) != 0) {
            printf("input-drv: the interrupt notification is gone (FAILED)\n");
            exit(1);
        }
        uint8_t keys[BYTES_PER_INTERRUPT], moves[BYTES_PER_INTERRUPT];
        unsigned key_count = (bits & keyboard.bit) && keyboard.present ? read_bytes(&keyboard, keys) : 0;
        unsigned move_count = (bits & mouse.bit) && mouse.present ? read_bytes(&mouse, moves) : 0;
        uint32_t now = kmi_clock_ms();
        struct pecan_event batch[BATCH_MAX];
        unsigned count = 0;
        pecan_mutex_lock(&lock);
        for (unsigned i = 0; i < key_count; i++)
            count += ps2_events_keyboard(&decoding, keys[i], now, &batch[count]);
        for (unsigned i = 0; i < move_count; i++)
            count += ps2_events_mouse(&decoding, moves[i], now, &batch[count]);
        publish(batch, count);
        pecan_mutex_unlock(&lock);
    }
    return 0;
}

/* Registers mapped, the device reset and set up, its line bound to the notification. */
static int device_start(struct device *d, pecan_cap_t iomem, pecan_cap_t icu)
{
    pecan_cap_t ds;
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    const char *why = "";
    int err = pecan_cap_alloc(&ds);
    if (!err && !(err = pecan_iomem_dataspace(iomem, PECAN_ENV_FACTORY, d->phys, REGISTERS_SIZE, ds)))
        err = pecan_rm_attach(PECAN_ENV_RM, &at, REGISTERS_SIZE,
                              PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0);
    if (err) {
        printf("input-drv: %s registers at 0x%lx not given (error %d)\n", d->name,
               (unsigned long)d->phys, err);
        return err;
    }
    d->kmi.registers = (volatile uint32_t *)(uintptr_t)at;
    if (!(err = pecan_cap_alloc(&d->handler)) && !(err = pecan_icu_get(icu, d->line, d->handler)))
        err = pecan_irq_bind(d->handler, interrupts, d->bit);
    if (err) {
        printf("input-drv: %s line %lu not given (error %d)\n", d->name, (unsigned long)d->line,
               err);
        return err;
    }
    err = d == &keyboard ? kmi_keyboard_init(&d->kmi, &why) : kmi_mouse_init(&d->kmi, &why);
    if (err) {
        printf("input-drv: no %s at 0x%lx: %s (error %d)\n", d->name, (unsigned long)d->phys,
               why, err);
        return err;
    }
    d->present = true;
    kmi_enable_receive_interrupt(&d->kmi);
    return 0;
}

/* ---- options ---- */

/* --name=PHYS,IRQ */
static bool device_option(const char *argument, const char *name, struct device *d)
{
    size_t length = strlen(name);
    if (strncmp(argument, name, length) != 0 || argument[length] != '=')
        return false;
    char *end;
    d->phys = strtoul(argument + length + 1, &end, 0);
    if (*end == ',')
        d->line = strtoul(end + 1, &end, 0);
    if (*end) {
        printf("input-drv: %s: PHYS,IRQ expected\n", argument);
        exit(1);
    }
    return true;
}

static void options(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (device_option(argv[i], "--keyboard", &keyboard) ||
            device_option(argv[i], "--mouse", &mouse))
            continue;
        if (strncmp(argv[i], "--sessions=", 11) == 0) {
            session_limit = (unsigned)strtoul(argv[i] + 11, 0, 10);
            if (session_limit >= 1 && session_limit <= MAX_SESSIONS)
                continue;
        }
        printf("input-drv: usage: input-drv [--keyboard=PHYS,IRQ] [--mouse=PHYS,IRQ] "
               "[--sessions=1..%u] (not '%s')\n", MAX_SESSIONS, argv[i]);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    pecan_cap_t channel = pecan_env_cap("input"), iomem = pecan_env_cap("iomem"),
                icu = pecan_env_cap("icu");
    options(argc, argv);
    if (!channel || !iomem || !icu) {
        printf("input-drv: needs the capabilities \"input\", \"iomem\" and \"icu\"\n");
        return 1;
    }
    ps2_events_init(&decoding);
    int err = pecan_cap_alloc(&interrupts);
    if (!err)
        err = pecan_factory_create_notification(PECAN_ENV_FACTORY, interrupts);
    if (err) {
        printf("input-drv: no notification (error %d)\n", err);
        return 1;
    }
    device_start(&keyboard, iomem, icu);
    device_start(&mouse, iomem, icu);
    if (!keyboard.present && !mouse.present) {
        printf("input-drv: neither keyboard nor mouse\n");
        return 1;
    }
    /* The notification a thread blocks on when the lock is taken is made now rather than
     * at the first contention, which could find the quota used up (and would make the
     * driver's slots and memory depend on timing). */
    struct pecan_thread *thread;
    if ((err = pecan_thread_park_prepare(pecan_thread_self())) != 0 ||
        (err = pecan_thread_create(&thread, interrupt_thread, 0)) != 0 ||
        (err = server_program_init(&server, SERVER_CAPACITY)) != 0 ||
        (err = server_sessions_serve(&server, &event_sessions, channel)) != 0) {
        printf("input-drv: cannot serve (error %d)\n", err);
        return 1;
    }
    printf("input-drv: ready (%s%s%s), at most %u sessions\n",
           keyboard.present ? "keyboard" : "", keyboard.present && mouse.present ? " and " : "",
           mouse.present ? "mouse" : "", session_limit);
    server_loop(&server);
}
