/* SPDX-License-Identifier: MIT */
/*
 * moe's PARENT objects (protocol/parent.h): the object a program moe started reports its
 * exit to. SIGNAL (object right WRITE) EXIT records the status, logs it and runs the
 * starter's hook (which reclaims the child); the exiting thread gets no reply. Other
 * signals are accepted.
 *
 * Invariant: child is checked against its registry key before use, so a task destroyed
 * another way (TERMINATE, its factory) is never touched again.
 */
#include <lib/string.h>
#include <pecan/protocol/parent.h>
#include "moe.h"
#include "record.h"


struct parent {
    struct server_object server;
    struct memory_block gate;
    struct moe_owned owned;
    struct task *child;
    pecan_word_t child_key;
    parent_exit_hook_t hook;
    char name[16];
    int status;
    bool exited;
    bool used;
};

static const struct server_type parent_type;

struct server_object *parent_object(struct parent *p) { return &p->server; }

static void destroy_parent(struct parent *p)
{
    moe_disown(&p->owned);
    moe_object_end(&p->server, &p->gate);
    p->used = false;
    record_free(p);
}

static void destroy_owned_parent(struct moe_owned *owned)
{
    destroy_parent((struct parent *)((char *)owned - __builtin_offsetof(struct parent, owned)));
}

int parent_create(struct factory *owner, struct quota *q, struct task *child,
                  const char *name, parent_exit_hook_t hook, struct parent **out)
{
    struct parent *p;
    int err = RECORD_NEW(q, &p);
    if (err)
        return err;
    *p = (struct parent){ .child = child, .child_key = task_object(child)->key, .hook = hook,
                          .used = true };
    moe_copy_name(p->name, sizeof(p->name), name, strlen(name));
    err = moe_object_start(&p->server, &p->gate, &parent_type, q);
    if (err) {
        record_free(p);
        return err;
    }
    moe_own(owner, &p->owned, destroy_owned_parent);
    *out = p;
    return 0;
}

struct task *parent_child(struct parent *p)
{
    if (!p->child || server_lookup(&moe_server, p->child_key) != task_object(p->child))
        return 0;
    return p->child;
}

static int parent_request(struct server_request *r)
{
    int err = server_need_words(r, 1);
    if (err)
        return err;
    if (r->in[0] != PECAN_PARENT_SIGNAL)
        return -PECAN_ENOSYS;
    if ((err = server_need_words(r, 3)) != 0)
        return err;
    if (!(r->rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;   /* a signal reports for the child: only its writable copy */
    struct parent *p = (struct parent *)r->object;
    if (r->in[1] != PECAN_SIGNAL_EXIT)
        return 0;
    if (p->exited)
        return -PECAN_EINVAL;
    p->exited = true;
    p->status = (int)r->in[2];
    moe_log("%s exited with status %d", p->name, p->status);
    if (p->hook)
        p->hook(p, p->status);
    /* The caller was the child's thread, gone now (or kept stopped by the hook). */
    return SERVER_NO_REPLY;
}

static void parent_no_clients(struct server_object *object)
{
    destroy_parent((struct parent *)object);
}

static const struct server_protocol parent_protocols[] = {
    { PECAN_PROTO_PARENT, parent_request },
};
static const struct server_type parent_type = {
    .name = "parent", .protocols = parent_protocols, .protocol_count = 1,
    .no_clients = parent_no_clients,
};
