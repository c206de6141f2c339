/* SPDX-License-Identifier: MIT */
/*
 * Starting programs from a program (pecan/children.h): the loader library's app model
 * over IPC, and the PARENT objects through which the children report their exit. A child
 * that crashed is seen when its copy of the parent object goes (no-clients hook); moe
 * keeps its fault in the task object for TASK FAULT until the parent terminates it.
 *
 * Handles of the app model are slots of the parent's own capability space. The child's
 * CNode is a one-level space whose capability carries a guard (index = slot), so every
 * install is a CNODE copy at depth 32 from the parent's space into the child's.
 */
#include <stdlib.h>
#include <string.h>
#include <pecan/dataspace.h>
#include <pecan/children.h>
#include <pecan/kip.h>
#include <pecan/loader.h>
#include <pecan/namespace.h>
#include <pecan/protocol/parent.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/task.h>

#define DEPTH 32
#define CLIENT_RIGHTS (PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT)

struct app_context {
    struct children *children;
    struct child *child;
};

/* ---- capability slots ---------------------------------------------------------------- */

static pecan_cap_t slot_or_zero(void)
{
    pecan_cap_t slot;
    return pecan_cap_alloc(&slot) == 0 ? slot : 0;
}

static void release(pecan_cap_t *slot)
{
    if (*slot)
        pecan_cap_release(*slot);
    *slot = 0;
}

static int install(struct child *c, pecan_cap_t slot, pecan_cap_t source,
                   unsigned rights)
{
    return pecan_cnode_copy(c->task.cnode, slot, DEPTH, PECAN_ENV_CNODE, source, DEPTH, rights);
}

/* ---- the app model ------------------------------------------------------------------- */

static int app_create_task(void *context)
{
    struct app_context *l = context;
    struct child *c = l->child;
    pecan_cap_t *slots[] = { &c->task.task, &c->task.cnode, &c->task.region_map,
                             &c->task.vspace };
    for (unsigned i = 0; i < 4; i++)
        if (!(*slots[i] = slot_or_zero()))
            return -PECAN_ENOMEM;
    int err = pecan_factory_create_task(c->factory, &c->task);
    if (err)
        return err;
    if ((err = install(c, PECAN_ENV_CNODE, c->task.cnode, PECAN_RIGHTS_ALL)) ||
        (err = install(c, PECAN_ENV_VSPACE, c->task.vspace, PECAN_RIGHTS_ALL)) ||
        (err = install(c, PECAN_ENV_TASK, c->task.task, CLIENT_RIGHTS)) ||
        (err = install(c, PECAN_ENV_RM, c->task.region_map, CLIENT_RIGHTS)))
        return err;
    /* The parent object goes in before the child can run, so an early exit finds it. */
    return server_mint_into(&l->children->server, &c->parent, c->task.cnode, PECAN_ENV_PARENT,
                            DEPTH, PECAN_RIGHT_WRITE);
}

static int remember(struct child *c, pecan_cap_t ds)
{
    if (c->made_count == CHILD_MAX_DATASPACES)
        return -PECAN_ERANGE;
    c->made[c->made_count++] = ds;
    return 0;
}

static int app_create_dataspace(void *context, uint32_t size, loader_handle_t *ds)
{
    struct app_context *l = context;
    pecan_cap_t slot = slot_or_zero();
    if (!slot)
        return -PECAN_ENOMEM;
    int err = pecan_factory_create_dataspace(l->child->factory, size, 0, 0, slot, 0);
    if (!err)
        err = remember(l->child, slot);
    if (err) {
        release(&slot);
        return err;
    }
    *ds = slot;
    return 0;
}

static int app_copy_in(void *context, loader_handle_t dest, uint32_t dest_offset,
                       loader_handle_t src, uint32_t src_offset, uint32_t size)
{
    (void)context;
    return pecan_dataspace_copy_in((pecan_cap_t)dest, dest_offset, (pecan_cap_t)src,
                                   src_offset, size);
}

static int app_attach(void *context, loader_handle_t ds, uint32_t vaddr, uint32_t size,
                      unsigned rights, uint32_t offset)
{
    struct app_context *l = context;
    pecan_word_t address = vaddr;
    return pecan_rm_attach(l->child->task.region_map, &address, size, rights,
                           (pecan_cap_t)ds, offset);
}

static void *map_here(pecan_cap_t ds, uint32_t size, unsigned rights)
{
    pecan_word_t address = PECAN_ENV_FREE_BASE;
    if (pecan_rm_attach(PECAN_ENV_RM, &address, size, PECAN_RM_SEARCH_ADDRESS | rights, ds, 0))
        return 0;
    return (void *)(uintptr_t)address;
}

static void unmap_here(const void *local)
{
    pecan_rm_detach(PECAN_ENV_RM, (pecan_word_t)(uintptr_t)local, 0, 0);
}

static void *app_map_local(void *context, loader_handle_t ds, uint32_t size)
{
    (void)context;
    return map_here((pecan_cap_t)ds, size, PECAN_MAP_READ | PECAN_MAP_WRITE);
}

static void app_unmap_local(void *context, loader_handle_t ds, void *local, uint32_t size)
{
    (void)context;
    (void)ds;
    (void)size;
    unmap_here(local);
}

static int app_install_cap(void *context, pecan_cap_t slot, loader_handle_t cap,
                           unsigned rights)
{
    struct app_context *l = context;
    return install(l->child, slot, (pecan_cap_t)cap, rights);
}

static int app_start(void *context, uint32_t pc, uint32_t sp, uint32_t r0)
{
    struct app_context *l = context;
    struct child *c = l->child;
    if (!(c->thread = slot_or_zero()))
        return -PECAN_ENOMEM;
    int err = pecan_task_create_thread(c->task.task, PECAN_ENV_UTCB_AREA, c->thread);
    if (!err)
        err = install(c, PECAN_ENV_THREAD, c->thread, PECAN_RIGHTS_ALL);
    if (err)
        return err;
    return loader_run_thread(c->thread, c->scheduler, c->priority, c->mcp, pc, sp, r0);
}

static const struct loader_app_model ipc_model = {
    .create_task = app_create_task,
    .create_dataspace = app_create_dataspace,
    .copy_in = app_copy_in,
    .attach = app_attach,
    .map_local = app_map_local,
    .unmap_local = app_unmap_local,
    .install_cap = app_install_cap,
    .install_dataspace = app_install_cap,   /* handles are slots either way */
    .start = app_start,
};

/* ---- the parent objects --------------------------------------------------------------- */

static struct child *child_of(struct server_object *object)
{
    return (struct child *)((char *)object - offsetof(struct child, parent));
}

static int parent_signal(struct server_request *r)
{
    int err = server_need_words(r, 3);
    if (err)
        return err;
    if (r->in[0] != PECAN_PARENT_SIGNAL)
        return -PECAN_ENOSYS;
    if (r->in[1] != PECAN_SIGNAL_EXIT)
        return 0;   /* other signals are accepted and ignored */
    struct child *c = child_of(r->object);
    if (!c->exited) {
        c->exited = true;
        c->status = (int)r->in[2];
        pecan_task_terminate(c->task.task);
    }
    return SERVER_NO_REPLY;   /* the caller is gone with its task */
}

static const struct server_protocol parent_protocols[] = {
    { PECAN_PROTO_PARENT, parent_signal },
};

/* The child's copy of its parent object went away without an exit: moe ended its task
 * for a fault nobody can resolve (protocol/parent.h), someone else terminated it, or it
 * deleted the copy itself. Either way it counts as crashed; TASK FAULT says whether a
 * fault ended it and which (asked before the task object goes), and what is left of it
 * is ended. */
static void parent_no_clients(struct server_object *object)
{
    struct child *c = child_of(object);
    if (c->exited)
        return;
    c->exited = true;
    c->crashed = true;
    c->status = CHILD_STATUS_CRASHED;
    if (pecan_task_fault(c->task.task, &c->fault) != 0)
        c->fault = (struct pecan_task_fault){ .kind = PECAN_TASK_FAULT_NONE };
    pecan_task_terminate(c->task.task);
}

static const struct server_type parent_type = {
    .name = "parent",
    .protocols = parent_protocols,
    .protocol_count = 1,
    .no_clients = parent_no_clients,
};

/* ---- children ------------------------------------------------------------------------ */

static pecan_cap_t server_slot_alloc(void)
{
    return slot_or_zero();
}

int children_init(struct children *l, pecan_cap_t factory)
{
    memset(l, 0, sizeof(*l));
    l->factory = factory;
    l->notification = slot_or_zero();
    if (!l->notification)
        return -PECAN_ENOMEM;
    int err = pecan_factory_create_notification(factory, l->notification);
    if (err)
        return err;
    struct server_config config = {
        .thread = PECAN_ENV_THREAD,
        .cnode = PECAN_ENV_CNODE,
        .cnode_depth = DEPTH,
        .notification = l->notification,
        .slot_alloc = server_slot_alloc,
        .slot_free = pecan_cap_free,
        .receive_slots = 0,
    };
    return server_init(&l->server, &config, l->objects, CHILDREN_MAX);
}

/* The program's dataspace: the first path component names a capability of this program
 * (a namespace such as "rom"), the rest is looked up in it. */
static int open_image(const char *path, pecan_cap_t *ds, const char **why)
{
    const char *slash = strchr(path, '/');
    char first[PECAN_ENV_NAME_SIZE];
    size_t length = slash ? (size_t)(slash - path) : strlen(path);
    if (!slash || length == 0 || length >= sizeof(first) || !slash[1]) {
        *why = "the program must be named <namespace>/<name>, e.g. rom/hello";
        return -PECAN_EINVAL;
    }
    memcpy(first, path, length);
    first[length] = 0;
    pecan_cap_t ns = pecan_env_cap(first);
    if (!ns) {
        *why = "no such namespace in the loader's environment";
        return -PECAN_ENOENT;
    }
    if (!(*ds = slot_or_zero()))
        return -PECAN_ENOMEM;
    int err = pecan_ns_query_path(ns, slash + 1, *ds);
    if (err) {
        *why = "no such program";
        release(ds);
    }
    return err;
}

static void forget(struct children *l, struct child *c)
{
    if (c->parent.key) {
        /* Unregistering revoked the child's copy: the gate is as good as new. */
        server_unregister(&l->server, &c->parent);
        if (l->spare_gate_count < CHILDREN_MAX) {
            l->spare_gates[l->spare_gate_count++] = c->parent_gate;
            c->parent_gate = 0;
        }
    }
    release(&c->parent_gate);
    release(&c->thread);
    release(&c->task.task);
    release(&c->task.region_map);
    release(&c->task.vspace);
    release(&c->task.cnode);
    for (unsigned i = 0; i < c->made_count; i++)
        release(&c->made[i]);
    for (unsigned i = 0; i < CHILDREN_MAX; i++)
        if (l->child[i] == c)
            l->child[i] = 0;
    free(c);
}

static int new_child(struct children *l, const struct child_spec *spec,
                     struct child **out)
{
    unsigned index = 0;
    while (index < CHILDREN_MAX && l->child[index])
        index++;
    if (index == CHILDREN_MAX)
        return -PECAN_ENOMEM;
    struct child *c = calloc(1, sizeof(*c));
    if (!c)
        return -PECAN_ENOMEM;
    c->owner = l;
    c->id = ++l->next_id;
    c->factory = spec->factory;
    c->scheduler = spec->scheduler;
    c->priority = spec->priority ? spec->priority : CHILD_PRIORITY;
    c->mcp = spec->mcp ? spec->mcp : c->priority;
    l->child[index] = c;
    *out = c;
    /* The parent gate is the parent's (charged to its factory and reused), so a child's
     * factory holds nothing of it once the child is released. */
    if (l->spare_gate_count) {
        c->parent_gate = l->spare_gates[--l->spare_gate_count];
    } else {
        if (!(c->parent_gate = slot_or_zero()))
            return -PECAN_ENOMEM;
        int err = pecan_factory_create_gate(l->factory, c->parent_gate);
        if (err)
            return err;
    }
    return server_register(&l->server, &c->parent, &parent_type, c->parent_gate);
}

static int load(struct child *c, struct app_context *context,
                const struct child_spec *spec, const char **why)
{
    pecan_cap_t image;
    int err = open_image(spec->path, &image, why);
    if (err)
        return err;
    if ((err = remember(c, image)) != 0) {
        release(&image);
        return err;
    }
    struct pecan_dataspace_info info;
    if ((err = pecan_dataspace_info(image, &info)) != 0)
        return err;
    const void *bytes = map_here(image, info.size, PECAN_MAP_READ);
    if (!bytes) {
        *why = "cannot map the program file";
        return -PECAN_ENOMEM;
    }
    struct loader_cap caps[3 + spec->cap_count];
    caps[0] = (struct loader_cap){ 0, PECAN_ENV_LOG, spec->log, CLIENT_RIGHTS };
    caps[1] = (struct loader_cap){ 0, PECAN_ENV_SCHEDULER, spec->scheduler, PECAN_RIGHTS_ALL };
    caps[2] = (struct loader_cap){ 0, PECAN_ENV_FACTORY, spec->factory, CLIENT_RIGHTS };
    for (unsigned i = 0; i < spec->cap_count; i++)
        caps[3 + i] = (struct loader_cap){ spec->caps[i].name, 0, spec->caps[i].cap,
                                           spec->caps[i].rights };
    struct loader_program program = {
        .image = image, .image_bytes = bytes, .image_size = info.size,
        .argc = spec->argc, .argv = spec->argv, .envc = spec->envc, .envp = spec->envp,
        .cap_count = 3 + spec->cap_count, .caps = caps,
    };
    struct loader_app_model model = ipc_model;
    model.context = context;
    err = loader_start(&model, &program, why);
    unmap_here(bytes);
    return err;
}

/* The child's priority and MCP (spec's, or the defaults) before anything is made. The
 * kernel refuses an MCP above the parent's own too, but only with EPERM at the very
 * end: asking first names the cause. A main thread above its MCP could not start threads
 * at its own priority, hence priority <= MCP. */
static int check_priorities(const struct child_spec *spec, const char **why)
{
    unsigned priority = spec->priority ? spec->priority : CHILD_PRIORITY;
    unsigned mcp = spec->mcp ? spec->mcp : priority;
    if (priority > 255 || mcp > 255) {
        *why = "priorities go from 0 to 255";
        return -PECAN_ERANGE;
    }
    if (priority > mcp) {
        *why = "priority above its limit (mcp)";
        return -PECAN_EINVAL;
    }
    int own = pecan_sched_thread_mcp(PECAN_ENV_SCHEDULER, PECAN_ENV_THREAD);
    if (own >= 0 && mcp > (unsigned)own) {
        *why = "priority limit (mcp) above the parent's own";
        return -PECAN_EPERM;
    }
    return 0;
}

int children_start(struct children *l, const struct child_spec *spec,
                   struct child **child, const char **why)
{
    const char *unused;
    if (!why)
        why = &unused;
    *why = 0;
    int err = check_priorities(spec, why);
    if (err)
        return err;
    struct child *c = 0;
    err = new_child(l, spec, &c);
    if (!err) {
        struct app_context context = { l, c };
        err = load(c, &context, spec, why);
    }
    if (err) {
        if (c && c->task.task)
            pecan_task_terminate(c->task.task);
        if (c)
            forget(l, c);
        if (!*why)
            *why = "could not create the task (quota?)";
        return err;
    }
    *child = c;
    return 0;
}

/* A child that exited and was not reported yet (each exit is reported once). */
static struct child *take_exited(struct children *l)
{
    for (unsigned i = 0; i < CHILDREN_MAX; i++) {
        struct child *c = l->child[i];
        if (c && c->exited && !c->reported) {
            c->reported = true;
            return c;
        }
    }
    return 0;
}

static uint64_t clock_us(void)
{
    return pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS) / 1000u;
}

/* The kernel's timeout for the next wait: what is left of the deadline, capped at the
 * longest timeout a word can say (about 16.7 s: a longer wait is several waits). */
static pecan_word_t next_timeout(uint64_t deadline_us)
{
    uint64_t now = clock_us();
    uint64_t left = deadline_us > now ? deadline_us - now : 0;
    return pecan_timeout_us(left > PECAN_TIMEOUT_MAX_US ? PECAN_TIMEOUT_MAX_US : (uint32_t)left);
}

int children_wait(struct children *l, uint32_t timeout_us, struct child **exited)
{
    /* The timeout is for the whole wait, not for each message served meanwhile. */
    uint64_t deadline_us = clock_us() + timeout_us;
    for (;;) {
        if ((*exited = take_exited(l)) != 0)
            return 0;
        pecan_word_t timeout = timeout_us ? next_timeout(deadline_us) : PECAN_TIMEOUT_NEVER;
        if (server_serve_one(&l->server, timeout) != 0 && timeout_us && clock_us() >= deadline_us)
            return 1;
    }
}

int children_kill(struct children *l, struct child *child)
{
    (void)l;
    if (child->exited)
        return 0;
    child->exited = true;
    child->killed = true;
    child->status = CHILD_STATUS_KILLED;
    return pecan_task_terminate(child->task.task);
}

void children_release(struct children *l, struct child *child)
{
    if (!child->exited)
        children_kill(l, child);
    forget(l, child);
}
