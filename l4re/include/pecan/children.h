/* SPDX-License-Identifier: MIT */
/*
 * Starting programs from a program (l4re/loader/children.c): the loader library's app
 * model over IPC (FACTORY, TASK, REGION_MAP and DATASPACE clients), plus the PARENT side
 * for the children. The Lua loader (pkg/ned) is built on it, and so is any program that
 * starts others. A child's memory is charged to the factory given for it; its exit status
 * arrives through its parent object, served by the parent's thread whenever it calls
 * children_wait.
 *
 * A child that dies without an exit (moe ended its task for a fault nobody could resolve,
 * protocol/parent.h) is reported with CHILD_STATUS_CRASHED and its fault.
 *
 * Invariants: a child is in the parent's list from children_start until
 * children_release; its task, thread and the dataspaces made for it are capabilities in
 * the parent's own space until then; once it has exited, its task is terminated.
 */
#ifndef PECAN_CHILDREN_H
#define PECAN_CHILDREN_H

#include <stdbool.h>
#include <pecan/factory.h>
#include <pecan/protocol/parent.h>
#include <pecan/server.h>
#include <pecan/task.h>

#define CHILD_MAX_DATASPACES 16
#define CHILDREN_MAX 64
#define CHILD_PRIORITY 100
#define CHILD_STATUS_KILLED (-1000)       /* status of a child ended by children_kill */
#define CHILD_STATUS_CRASHED PECAN_PARENT_STATUS_CRASHED      /* its task died */

struct child {
    struct server_object parent;        /* the child's PARENT object */
    struct children *owner;             /* the set it belongs to */
    unsigned id;                        /* 1, 2, ...: never reused */
    struct pecan_factory_task task;     /* the child's task, in the parent's space */
    pecan_cap_t thread;                 /* its main thread */
    pecan_cap_t parent_gate;            /* the gate of the parent object */
    pecan_cap_t made[CHILD_MAX_DATASPACES];      /* dataspaces made for it */
    unsigned made_count;
    pecan_cap_t factory;                /* charged for everything above */
    pecan_cap_t scheduler;
    unsigned priority;                  /* of its main thread */
    unsigned mcp;                       /* the limit of its threads' priorities */
    bool exited;
    bool killed;                        /* by children_kill */
    bool crashed;                       /* its task died without an exit */
    bool reported;                      /* children_wait returned it once */
    int status;                         /* exit status, once exited */
    struct pecan_task_fault fault;      /* crashed: what ended it (kind NONE: not a fault,
                                           e.g. it deleted its parent capability) */
};

/* A named capability for the child's environment: a slot of the parent's space. */
struct child_cap {
    const char *name;
    pecan_cap_t cap;
    unsigned rights;
};

struct child_spec {
    const char *path;              /* "<named cap>/<name...>", e.g. "rom/hello" */
    unsigned argc;                 /* argv[0] is the program's name */
    const char *const *argv;
    unsigned envc;
    const char *const *envp;
    pecan_cap_t factory;           /* memory and objects of the child, with its quota */
    pecan_cap_t scheduler;         /* SCHEDULER protocol: where its threads run */
    pecan_cap_t log;               /* LOG protocol: its output */
    unsigned priority;             /* 0: CHILD_PRIORITY */
    unsigned mcp;                  /* the highest priority its threads may have or give
                                      (their MCP), from priority to the parent's own MCP;
                                      0: the priority */
    unsigned cap_count;
    const struct child_cap *caps;
};

struct children {
    struct server server;
    struct server_object *objects[CHILDREN_MAX];
    struct child *child[CHILDREN_MAX];
    unsigned next_id;
    pecan_cap_t notification;
    pecan_cap_t factory;                /* pays for the parent's own objects */
    /* Parent gates of released children, kept for the next ones: the parent watches
     * each (its no-clients hook), which takes the place of moe's watch, so moe would free
     * a gate only on RELEASE or with the factory, and a new gate per child would grow
     * the factory's use with every start. */
    pecan_cap_t spare_gates[CHILDREN_MAX];
    unsigned spare_gate_count;
};

/* Sets l up on the calling thread (it serves the children's parent objects
 * inside children_wait). factory pays for the gates and the notification. */
int children_init(struct children *l, pecan_cap_t factory);

/* Loads and starts spec's program. On failure *why (may be NULL) says what went wrong in
 * words, and nothing of the child is left. A priority or MCP over 255 is ERANGE, a
 * priority above the MCP EINVAL, an MCP above the parent's own EPERM. */
int children_start(struct children *l, const struct child_spec *spec,
                   struct child **child, const char **why);

/* Serves the children's parent objects until one exits (returned in *exited), or the
 * timeout (microseconds; 0: wait for ever) passes. 0 when a child exited (each exit is
 * reported once), 1 when the time ran out. */
int children_wait(struct children *l, uint32_t timeout_us, struct child **exited);

/* Ends a child: its task is terminated; children_wait reports it with status
 * CHILD_STATUS_KILLED. */
int children_kill(struct children *l, struct child *child);

/* Forgets an exited child: deletes everything the parent held for it. */
void children_release(struct children *l, struct child *child);

#endif
