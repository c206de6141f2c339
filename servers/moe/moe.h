/* SPDX-License-Identifier: MIT */
/*
 * moe's shared state and the contract between its files (docs/runtime.md): the one server
 * (pecan/server.h) every moe object is registered with, ownership of objects by the
 * factory that made them, and each object kind's constructor.
 *
 * Ownership: every object a client makes through a factory is on that factory's list and
 * is destroyed with it (a subsystem goes as a whole); an object with a gate also goes on
 * its own when its last client copy is gone (no-clients hook), and leaves the list then.
 * Destroying an object frees exactly the memory blocks it was charged for.
 */
#ifndef MOE_H
#define MOE_H

#include <pecan/server.h>
#include "memory.h"

extern struct server moe_server;
extern const struct pecan_bootinfo *moe_bootinfo;

/* Depth that names a slot of moe's one-level CNode. */
#define MOE_DEPTH 32

/* moe's own priority: above every program it starts (app_model.h), so a request is served
 * as soon as it comes. */
#define MOE_PRIORITY 200

struct factory;

/* A node on a factory's list of the objects made through it. */
struct moe_owned {
    struct moe_owned *next;
    struct moe_owned *prev;
    struct factory *owner;                    /* NULL: nobody's (moe's own objects) */
    bool destroy_first;                       /* tasks: before the memory they map */
    void (*destroy)(struct moe_owned *owned); /* frees the object; it has left the list */
};

/* Puts owned on factory's list (owner NULL: nothing). */
void moe_own(struct factory *owner, struct moe_owned *owned,
             void (*destroy)(struct moe_owned *owned));
/* Takes owned off its owner's list (no-op if on none). */
void moe_disown(struct moe_owned *owned);

/* A moe object served through a gate of its own (object.c): the gate is a memory block
 * charged to q, registered with moe_server under type. */
int moe_object_start(struct server_object *object, struct memory_block *gate,
                     const struct server_type *type, struct quota *q);
/* Unregisters the object (its client copies go) and frees its gate. */
void moe_object_end(struct server_object *object, struct memory_block *gate);

/* Copies of up to n - 1 bytes of a client's name, NUL-terminated, printable only. */
void moe_copy_name(char *dest, unsigned n, const char *src, unsigned length);

/* Factories (factory.c). factory_init sizes the table RELEASE finds kernel objects in
 * (from RAM, in moe's own memory): at start-up, before any factory. */
struct factory;
int factory_init(void);
struct quota *factory_quota(struct factory *f);
/* A factory with its own quota of limit bytes, reserved in parent's quota; owned by owner
 * (NULL for the factories moe hands out itself). */
int factory_create(struct factory *owner, struct quota *parent, uint32_t limit,
                   const char *name, struct factory **out);
struct server_object *factory_object(struct factory *f);
struct moe_owned *factory_objects(struct factory *f);   /* head of its owned list */
const char *factory_name(struct factory *f);
void factory_destroy(struct factory *f);
/* The factory a client sent as item index, which it holds with WRITE (it pays for what
 * the request makes): 0, -PECAN_EINVALCAP (no item), -PECAN_EXDEV (not a moe factory),
 * -PECAN_EPERM (no WRITE). */
int factory_received(struct server_request *r, unsigned index, struct factory **out);
/* Every live factory: the first with NULL, then the one after f (NULL at the end). */
struct factory *factory_next(struct factory *f);
/* moe holds f for a program it started: losing every client copy does not end it (the
 * program may drop its factory capability and keep running); its exit does. */
void factory_hold(struct factory *f);

/* Tasks (task.c): vspace, CNode with a guard (index = slot), region map, threads. */
struct task;
/* A fault nobody can resolve, as TASK FAULT answers it (protocol/task.h). */
struct task_fault {
    unsigned kind;             /* PECAN_TASK_FAULT_* */
    pecan_word_t address;      /* page faults: the faulting address (to 8 bytes) */
    pecan_word_t pc;
    unsigned why;              /* a positive PECAN_E* code */
};
#define TASK_FAULT_TEXT_SIZE 96
int task_create(struct factory *owner, struct quota *q, const char *name, struct task **out);
struct server_object *task_object(struct task *t);
pecan_cap_t task_cnode(struct task *t);        /* the guarded CNode capability (moe's) */
pecan_cap_t task_vspace(struct task *t);
struct region_map *task_region_map(struct task *t);
/* A thread with its UTCB at utcb_vaddr; pager and exception handler: the region map. */
int task_create_thread(struct task *t, pecan_word_t utcb_vaddr, pecan_cap_t *thread);
/* Destroys the thread of t whose thread capability is in moe's slot thread: 0 or -PECAN_EINVAL
 * (not a thread of t). */
int task_destroy_thread(struct task *t, pecan_cap_t thread);
/* Stops every thread and frees everything the task holds. */
void task_destroy(struct task *t);
/* Ends t for a fault nobody can resolve in any of its threads: frees everything it holds
 * (as task_destroy) but the object, which keeps fault for TASK FAULT. A parent object of
 * moe's is told at once (parent_child_crashed), and its hook may destroy t: the caller
 * must not touch t (nor its region map) afterwards. */
void task_crash(struct task *t, const struct task_fault *fault);
const struct task_fault *task_fault(struct task *t);
/* One line for logs: "write fault at 00000000, pc 00010234 (nothing attached there)". */
void task_fault_format(const struct task_fault *f, char *text, unsigned size);

/* Logs (log.c): LOG protocol objects (consoles) with a tag and a colour; input ones get
 * what is typed at the kernel log while they hold the input focus. */
struct log;
int log_create(struct factory *owner, struct quota *q, const char *tag, unsigned tag_length,
               unsigned colour, bool input, struct log **out);
struct server_object *log_object(struct log *l);
/* The bit of moe's notification the kernel log signals when bytes are typed. */
#define LOG_INPUT_BIT 0x80000000u
/* Binds notification (moe's own) to the kernel log's input. */
void log_input_start(pecan_cap_t notification);
/* The kernel log signalled: hand its bytes to the focused object. */
void log_input_arrived(void);
/* moe's own lines (tag "moe"). */
void moe_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Namespaces (namespace.c). */
struct namespace;
int namespace_create(struct factory *owner, struct quota *q, struct namespace **out);
struct server_object *namespace_object(struct namespace *ns);
/* Enters a capability of moe's space (moved into the namespace, which deletes it when
 * the entry goes) under name. */
int namespace_enter(struct namespace *ns, const char *name, unsigned length,
                    pecan_cap_t slot, unsigned flags);

/* Parents (parent.c): the PARENT object a started program reports its exit to. */
struct parent;
typedef void (*parent_exit_hook_t)(struct parent *p, int status);
int parent_create(struct factory *owner, struct quota *q, struct task *child,
                  const char *name, parent_exit_hook_t hook, struct parent **out);
struct server_object *parent_object(struct parent *p);
struct task *parent_child(struct parent *p);   /* NULL once the child is gone */
/* The parent object of moe's whose copy is in slot index of the task's CNode (cnode: moe's
 * capability to it, resolved at depth), or NULL (empty, another server's gate, ...). */
struct parent *parent_of_task_slot(pecan_cap_t cnode, pecan_word_t index, unsigned depth);
/* child crashed (task_crash): if it is p's child and has not exited, p reports it with
 * PECAN_PARENT_STATUS_CRASHED and runs its hook (which may destroy p and the child). */
void parent_child_crashed(struct parent *p, struct task *child);

/*
 * Dataspaces and region maps (dataspace.c, region_map.c: moe's memory engineer). What the
 * rest of moe calls; dataspace.h and region_map.h may add more.
 */
struct dataspace;
struct region_map;
/* Anonymous (zero-filled, backed page by page as touched) or, with
 * PECAN_DATASPACE_CONTIGUOUS, physically contiguous memory of size bytes (align_bits: log2
 * of the physical alignment asked for, 0: none) charged to q, owned by owner. */
int dataspace_create(struct factory *owner, struct quota *q, uint32_t size, uint32_t flags,
                     unsigned align_bits, struct dataspace **out);
/* A boot module as a read-only dataspace (moe's own, never freed). */
int dataspace_create_rom(const struct pecan_bootinfo_module *module, struct dataspace **out);
struct server_object *dataspace_object(struct dataspace *ds);
uint32_t dataspace_size(struct dataspace *ds);
uint32_t dataspace_physical(struct dataspace *ds);   /* contiguous: its address; else ~0 */
/* The dataspace a server object is (NULL if it is not one). */
struct dataspace *dataspace_from_object(struct server_object *object);
/* Copies size bytes from src at src_offset into dest at dest_offset (backing dest's
 * pages as needed). */
int dataspace_copy(struct dataspace *dest, uint32_t dest_offset, struct dataspace *src,
                   uint32_t src_offset, uint32_t size);
/* moe's address of the byte at offset, its page backed now; valid to the end of the page. */
void *dataspace_local(struct dataspace *ds, uint32_t offset);

/* The region map of task's address space vspace, charged to q. It is the pager of the
 * task's threads (a fault it cannot resolve ends the task: task_crash); it keeps every
 * attached dataspace alive while attached. */
int region_map_create(struct quota *q, pecan_cap_t vspace, struct task *task,
                      struct region_map **out);
void region_map_destroy(struct region_map *rm);
struct server_object *region_map_object(struct region_map *rm);
/* Attaches [offset, offset + size) of ds at vaddr (page aligned) with rights PECAN_MAP_*. */
int region_map_attach(struct region_map *rm, uint32_t vaddr, uint32_t size, unsigned rights,
                      struct dataspace *ds, uint32_t offset);

/* The boot modules as read-only dataspaces in a namespace (rom.c). */
int rom_create(struct namespace **out);
/* The module of that name and its dataspace, or NULL. */
const struct pecan_bootinfo_module *rom_find(const char *name, unsigned length,
                                             struct dataspace **ds);

/* The memory report (report.c): every factory's quota and objects, moe's totals. */
void report_log(void);
void report_factory(struct factory *f);   /* one factory's line */

#endif
