/* SPDX-License-Identifier: MIT */
/*
 * moe's TASK objects (protocol/task.h): an address space, a capability space (one CNode
 * of 2^PECAN_ENV_CNODE_BITS slots whose capability carries a guard so index = slot), a
 * region map (the pager of every thread) and the threads made with CREATE_THREAD, each
 * with a UTCB frame mapped at the address the client chose. A thread goes with
 * DESTROY_THREAD or with its task. A task is destroyed on TERMINATE, on its program's
 * exit (parent.c), when no client copy is left, or with its factory; destroying it frees
 * exactly the blocks it was charged for.
 *
 * A crash (task_crash: a fault its region map cannot resolve, an exception) ends the task
 * as a whole, whichever thread faulted (a component with an unresolvable fault is dead,
 * as in L4Re and Genode): everything it holds is freed at once, but the object stays, with
 * its gate and record, to answer FAULT until TERMINATE or its last client copy. Deleting
 * its CNode deletes the child's copy of its parent object, which is how a parent that is
 * not moe learns (its no-clients notification); a parent object of moe's is told directly.
 *
 * Invariants: every thread of a live task is in threads[] with its thread object, UTCB frame
 * and the copy of the frame mapped in the task; the page table of the UTCB area is installed
 * while the task is live; a crashed task holds nothing but its gate and record, and its
 * fault's kind is not PECAN_TASK_FAULT_NONE.
 */
#include <lib/format.h>
#include <lib/string.h>
#include <pecan/env.h>
#include <pecan/protocol/task.h>
#include "moe.h"
#include "record.h"

#define MAX_THREADS_PER_TASK 16

struct thread_record {
    struct memory_block thread;
    struct memory_block utcb;
    pecan_cap_t utcb_mapping;    /* copy of the UTCB frame capability mapped in the task */
    pecan_word_t utcb_vaddr;
    bool used;
};

struct task {
    struct server_object server;
    struct memory_block gate;
    struct moe_owned owned;
    struct quota *quota;
    struct memory_block vspace;
    struct memory_block cnode;
    pecan_cap_t cspace;          /* the CNode minted with its guard (index = slot) */
    struct memory_block utcb_table;
    struct region_map *rm;
    struct thread_record threads[MAX_THREADS_PER_TASK];
    struct task_fault fault;     /* what ended it (kind NONE while it is live) */
    char name[16];
    bool used;
};

static const struct server_type task_type;

struct server_object *task_object(struct task *t) { return &t->server; }
pecan_cap_t task_cnode(struct task *t) { return t->cspace; }
pecan_cap_t task_vspace(struct task *t) { return t->vspace.object; }
struct region_map *task_region_map(struct task *t) { return t->rm; }

static void destroy_owned_task(struct moe_owned *owned)
{
    task_destroy((struct task *)((char *)owned - __builtin_offsetof(struct task, owned)));
}

static int make_cspace(struct task *t)
{
    int err = memory_alloc_object(t->quota, PECAN_OBJ_CNODE, PECAN_ENV_CNODE_BITS, &t->cnode);
    if (err)
        return err;
    if ((err = quota_charge_slot(t->quota)) != 0)
        return err;
    t->cspace = moe_slot_alloc();
    if (!t->cspace) {
        quota_release_slot(t->quota);
        return -PECAN_ENOMEM;
    }
    /* CNode badge: guard length in bits 0-4, guard value 0: index n is slot n. */
    err = pecan_cnode_mint(PECAN_ROOT_CNODE, t->cspace, MOE_DEPTH, PECAN_ROOT_CNODE,
                           t->cnode.object, MOE_DEPTH, PECAN_RIGHTS_ALL,
                           32 - PECAN_ENV_CNODE_BITS);
    if (err) {
        moe_slot_free(t->cspace);
        quota_release_slot(t->quota);
        t->cspace = 0;
    }
    return err;
}

static int make_spaces(struct task *t)
{
    int err = memory_alloc_object(t->quota, PECAN_OBJ_VSPACE, 0, &t->vspace);
    if (err)
        return err;
    if ((err = make_cspace(t)) != 0)
        return err;
    /* The UTCB area is one MiB: one page table, installed for good. */
    err = memory_alloc_object(t->quota, PECAN_OBJ_PAGE_TABLE, 0, &t->utcb_table);
    if (err)
        return err;
    return pecan_vspace_map_page_table(t->vspace.object, t->utcb_table.object,
                                       PECAN_ENV_UTCB_AREA);
}

int task_create(struct factory *owner, struct quota *q, const char *name, struct task **out)
{
    struct task *t;
    int err = RECORD_NEW(q, &t);
    if (err)
        return err;
    *t = (struct task){ .quota = q, .used = true };
    moe_copy_name(t->name, sizeof(t->name), name, strlen(name));
    err = moe_object_start(&t->server, &t->gate, &task_type, q);
    if (err) {
        record_free(t);
        return err;
    }
    moe_own(owner, &t->owned, destroy_owned_task);
    t->owned.destroy_first = true;
    if ((err = make_spaces(t)) != 0 ||
        (err = region_map_create(q, t->vspace.object, t, &t->rm)) != 0) {
        task_destroy(t);
        return err;
    }
    *out = t;
    return 0;
}

static void free_thread(struct task *t, struct thread_record *th)
{
    if (th->thread.object)
        memory_free(&th->thread);   /* stops the thread wherever it runs */
    if (th->utcb_mapping) {
        pecan_cnode_delete(PECAN_ROOT_CNODE, th->utcb_mapping, MOE_DEPTH);
        moe_slot_free(th->utcb_mapping);
        quota_release_slot(t->quota);
    }
    if (th->utcb.object)
        memory_free(&th->utcb);
    *th = (struct thread_record){ 0 };
}

/* Frees everything the task holds but its object (gate and record). Threads first: they
 * stop before the memory they use goes. Deleting the CNode deletes every capability the
 * task held, so the servers of its sessions see their clients go. */
static void end_task(struct task *t)
{
    for (unsigned i = 0; i < MAX_THREADS_PER_TASK; i++)
        if (t->threads[i].used)
            free_thread(t, &t->threads[i]);
    if (t->rm)
        region_map_destroy(t->rm);
    t->rm = 0;
    if (t->utcb_table.object)
        memory_free(&t->utcb_table);
    if (t->vspace.object)
        memory_free(&t->vspace);
    if (t->cspace) {
        pecan_cnode_delete(PECAN_ROOT_CNODE, t->cspace, MOE_DEPTH);
        moe_slot_free(t->cspace);
        quota_release_slot(t->quota);
        t->cspace = 0;
    }
    if (t->cnode.object)
        memory_free(&t->cnode);
}

void task_destroy(struct task *t)
{
    if (!t->used)
        return;
    moe_disown(&t->owned);
    end_task(t);
    moe_object_end(&t->server, &t->gate);
    t->used = false;
    record_free(t);
}

static bool crashed(const struct task *t)
{
    return t->fault.kind != PECAN_TASK_FAULT_NONE;
}

void task_crash(struct task *t, const struct task_fault *fault)
{
    if (!t->used || crashed(t))
        return;
    /* Found before the CNode goes: the parent object whose copy the child holds, if it
     * is one of moe's (a program's parent learns from its copy going). */
    struct parent *parent = parent_of_task_slot(t->cspace, PECAN_ENV_PARENT, MOE_DEPTH);
    t->fault = *fault;
    char text[TASK_FAULT_TEXT_SIZE];
    task_fault_format(fault, text, sizeof(text));
    moe_log("%s: task ended: %s", t->name, text);
    end_task(t);
    if (parent)
        parent_child_crashed(parent, t);   /* its hook may destroy t */
}

const struct task_fault *task_fault(struct task *t)
{
    return &t->fault;
}

void task_fault_format(const struct task_fault *f, char *text, unsigned size)
{
    const char *kind = pecan_task_fault_kind_name(f->kind);
    if (!pecan_task_fault_has_address(f->kind))
        format_string(text, size, "%s at pc %08lx", kind, (unsigned long)f->pc);
    else
        format_string(text, size, "%s at %08lx, pc %08lx (%s)", kind,
                      (unsigned long)f->address, (unsigned long)f->pc,
                      pecan_task_fault_why_text(f->why));
}

static int map_utcb(struct task *t, struct thread_record *th)
{
    int err = quota_charge_slot(t->quota);
    if (err)
        return err;
    th->utcb_mapping = moe_slot_alloc();
    if (!th->utcb_mapping) {
        quota_release_slot(t->quota);
        return -PECAN_ENOMEM;
    }
    /* A frame capability holds one mapping: moe's own is in moe's space, so a copy. */
    err = pecan_cnode_copy(PECAN_ROOT_CNODE, th->utcb_mapping, MOE_DEPTH, PECAN_ROOT_CNODE,
                           th->utcb.object, MOE_DEPTH, PECAN_RIGHTS_ALL);
    if (err) {
        moe_slot_free(th->utcb_mapping);
        quota_release_slot(t->quota);
        th->utcb_mapping = 0;
        return err;
    }
    return pecan_vspace_map_frame(t->vspace.object, th->utcb_mapping, th->utcb_vaddr,
                                  PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
}

static int configure_thread(struct task *t, struct thread_record *th)
{
    /* The pager is a copy of the region map's gate that only the thread holds: its badge
     * names the map and carries SERVER_RIGHT_FAULTS, which no client copy has, so a fault
     * message through it is the kernel's. */
    pecan_cap_t pager = moe_slot_alloc();
    if (!pager)
        return -PECAN_ENOMEM;
    int err = server_mint(&moe_server, region_map_object(t->rm), pager,
                          PECAN_RIGHT_WRITE | SERVER_RIGHT_FAULTS);
    if (!err)
        err = pecan_thread_configure(th->thread.object, t->cspace, t->vspace.object,
                                     th->utcb.object, th->utcb_vaddr, pager, pager);
    pecan_cnode_delete(PECAN_ROOT_CNODE, pager, MOE_DEPTH);
    moe_slot_free(pager);
    return err;
}

static bool utcb_address_free(struct task *t, pecan_word_t vaddr)
{
    if (vaddr < PECAN_ENV_UTCB_AREA || vaddr & 0xFFFu ||
        (vaddr - PECAN_ENV_UTCB_AREA) / 0x1000u >= PECAN_ENV_UTCB_SLOTS)
        return false;
    for (unsigned i = 0; i < MAX_THREADS_PER_TASK; i++)
        if (t->threads[i].used && t->threads[i].utcb_vaddr == vaddr)
            return false;
    return true;
}

int task_create_thread(struct task *t, pecan_word_t utcb_vaddr, pecan_cap_t *thread)
{
    if (crashed(t) || !utcb_address_free(t, utcb_vaddr))
        return -PECAN_EINVAL;
    struct thread_record *th = 0;
    for (unsigned i = 0; i < MAX_THREADS_PER_TASK && !th; i++)
        if (!t->threads[i].used)
            th = &t->threads[i];
    if (!th)
        return -PECAN_ENOMEM;
    *th = (struct thread_record){ .utcb_vaddr = utcb_vaddr, .used = true };
    int err = memory_alloc_object(t->quota, PECAN_OBJ_THREAD, 0, &th->thread);
    if (!err)
        err = memory_alloc_contiguous(t->quota, 12, &th->utcb);   /* zeroed, with a capability */
    if (!err)
        err = map_utcb(t, th);
    if (!err)
        err = configure_thread(t, th);
    if (err) {
        free_thread(t, th);
        return err;
    }
    *thread = th->thread.object;
    return 0;
}

/* The record of the thread whose thread capability is in moe's slot (a received item): its
 * object is found by its physical address, so any copy of the thread object names it, and a
 * thread object of another task (or no thread object) names none. */
static struct thread_record *thread_of(struct task *t, pecan_cap_t slot)
{
    struct pecan_cap_identity id;
    if (pecan_cnode_identify(PECAN_ROOT_CNODE, slot, MOE_DEPTH, &id) != 0 ||
        id.type != PECAN_OBJ_THREAD)
        return 0;
    for (unsigned i = 0; i < MAX_THREADS_PER_TASK; i++)
        if (t->threads[i].used && t->threads[i].thread.phys == id.phys)
            return &t->threads[i];
    return 0;
}

int task_destroy_thread(struct task *t, pecan_cap_t thread)
{
    struct thread_record *th = thread_of(t, thread);
    if (!th)
        return -PECAN_EINVAL;
    free_thread(t, th);   /* revokes every copy of the thread object, the caller's item
                             included */
    return 0;
}

static uint32_t block_bytes(const struct memory_block *b)
{
    return b->object ? (uint32_t)1 << b->size_bits : 0;
}

static struct task *request_task(struct server_request *r)
{
    return (struct task *)r->object;
}

static int op_create_thread(struct server_request *r, struct task *t)
{
    int err = server_need_words(r, 2);
    if (err)
        return err;
    pecan_cap_t thread;
    if ((err = task_create_thread(t, r->in[1], &thread)) != 0)
        return err;
    return server_reply_cap(r, thread, PECAN_RIGHTS_ALL);
}

static int op_destroy_thread(struct server_request *r, struct task *t)
{
    pecan_cap_t thread = server_peek_cap(r, 0);
    if (!thread)
        return -PECAN_EINVALCAP;
    /* The caller may have been the thread itself: then nobody waits for the reply. */
    return task_destroy_thread(t, thread);
}

static int op_info(struct server_request *r, struct task *t)
{
    unsigned threads = 0;
    uint32_t bytes = block_bytes(&t->gate) + block_bytes(&t->vspace) +
                     block_bytes(&t->cnode) + block_bytes(&t->utcb_table);
    for (unsigned i = 0; i < MAX_THREADS_PER_TASK; i++) {
        if (!t->threads[i].used)
            continue;
        threads++;
        bytes += block_bytes(&t->threads[i].thread) + block_bytes(&t->threads[i].utcb);
    }
    server_reply_word(r, threads);
    server_reply_word(r, bytes);
    return 0;
}

static int op_fault(struct server_request *r, struct task *t)
{
    server_reply_word(r, t->fault.kind);
    server_reply_word(r, t->fault.address);
    server_reply_word(r, t->fault.pc);
    server_reply_word(r, t->fault.why);
    return 0;
}

static bool op_changes(pecan_word_t op)
{
    return op == PECAN_TASK_CREATE_THREAD || op == PECAN_TASK_DESTROY_THREAD ||
           op == PECAN_TASK_TERMINATE;
}

static int task_request(struct server_request *r)
{
    int err = server_need_words(r, 1);
    if (err)
        return err;
    struct task *t = request_task(r);
    /* Making, destroying and ending change the task: WRITE. INFO and FAULT only read. */
    if (op_changes(r->in[0]) && !(r->rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    switch (r->in[0]) {
    case PECAN_TASK_CREATE_THREAD:
        return op_create_thread(r, t);
    case PECAN_TASK_DESTROY_THREAD:
        return op_destroy_thread(r, t);
    case PECAN_TASK_TERMINATE:
        task_destroy(t);
        /* The caller may have been one of its threads: then nobody waits for a reply. */
        return 0;
    case PECAN_TASK_INFO:
        return op_info(r, t);
    case PECAN_TASK_FAULT:
        return op_fault(r, t);
    default:
        return -PECAN_ENOSYS;
    }
}

static void task_no_clients(struct server_object *object)
{
    task_destroy((struct task *)object);
}

static const struct server_protocol task_protocols[] = {
    { PECAN_PROTO_TASK, task_request },
};
static const struct server_type task_type = {
    .name = "task", .protocols = task_protocols, .protocol_count = 1,
    .no_clients = task_no_clients,
};
