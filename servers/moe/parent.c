/* SPDX-License-Identifier: MIT */
/*
 * moe's PARENT objects (protocol/parent.h): the object a program moe started reports its
 * exit to. SIGNAL (object right WRITE) EXIT records the status, logs it and runs the
 * starter's hook (which reclaims the child); the exiting thread gets no reply. Other
 * signals are accepted. A child that crashed (task_crash) is reported the same way with
 * PECAN_PARENT_STATUS_CRASHED, once: an exit and a crash never both run the hook.
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

struct parent *parent_of_task_slot(pecan_cap_t cnode, pecan_word_t index, unsigned depth)
{
    struct pecan_cap_identity id;
    if (pecan_cnode_identify(cnode, index, depth, &id) != 0 || id.type != PECAN_OBJ_GATE)
        return 0;
    struct server_object *object = server_lookup(&moe_server, id.badge);
    /* The badge alone could be another server's gate's: the object must be this one. */
    if (!object || object->type != &parent_type || object->gate_phys != id.phys)
        return 0;
    return (struct parent *)object;
}

/* Records the child's end (exit or crash; callers check it is the first) and runs the
 * hook, which may destroy p. */
static void child_ended(struct parent *p, int status)
{
    p->exited = true;
    p->status = status;
    if (p->hook)
        p->hook(p, status);
}

void parent_child_crashed(struct parent *p, struct task *child)
{
    if (parent_child(p) != child || p->exited)
        return;   /* another's child (a copy passed on), or it has exited already */
    char text[TASK_FAULT_TEXT_SIZE];
    task_fault_format(task_fault(child), text, sizeof(text));
    moe_log("%s crashed: %s", p->name, text);
    child_ended(p, PECAN_PARENT_STATUS_CRASHED);
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
    moe_log("%s exited with status %d", p->name, (int)r->in[2]);
    child_ended(p, (int)r->in[2]);
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
