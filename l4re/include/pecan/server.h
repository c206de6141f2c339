/* SPDX-License-Identifier: MIT */
/*
 * The server framework (l4re/server/, docs/runtime.md): every object a server serves has
 * an IPC gate of its own, bound to the server thread. The server keeps the gate's original
 * capability; clients get copies minted with the object's key as badge, so the badge of a
 * message names the object. The loop replies and waits in one trap, dispatches by badge
 * and then by protocol (tag label), and answers whatever it cannot decode with an error.
 *
 * No clients: one notification is bound to the server thread; each object's gate is
 * watched (GATE SET_NO_CLIENTS) with bit key % 32 once a client copy exists. When the open
 * wait wakes with the notification, every watched object of a signalled bit that has no
 * client left gets its type's no_clients hook (which usually frees it).
 *
 * Rights: every client copy carries the kernel right WRITE (needed to send) and never READ
 * (READ on a gate would let the holder rebind it); GRANT only if the object right GRANT is
 * given. The object rights travel in the badge, above the key (READ always, WRITE for a
 * writable copy: SERVER_BADGE_RIGHTS), so one object can have writable and read-only
 * clients; handlers see them in request->rights.
 *
 * Faults: fault messages (PECAN_LABEL_PAGE_FAULT, PECAN_LABEL_EXCEPTION) are made by the
 * kernel for a thread, through the pager capability the thread was configured with; any
 * client could send the same label through its own copy. So a server installs a copy
 * minted with the object right SERVER_RIGHT_FAULTS (badge bit SERVER_BADGE_FAULTS) as the
 * pager, into the thread only, and the loop answers a fault label that arrives through
 * any other copy with -PECAN_EPERM before it reaches a handler. server_reply_object never
 * hands out that right: a client cannot get a copy that passes for the kernel.
 *
 * Keys are reused last-freed-first and otherwise handed out from 1 upwards, so they stay
 * as low as the number of objects allows: the no-clients scan of a bit visits the keys
 * issued so far, not the whole capacity.
 *
 * Threads: a struct server is one server thread with its own registry, notification and
 * request. Another thread may register objects with it (sessions opened on one thread and
 * served on another): registry writes take the server's spin lock, lookups do not.
 *
 * Watched only: server_watch registers a gate the server does not serve (moe's FACTORY
 * gates, bound by their clients) for its no-clients hook alone; its copies are plain
 * (server_copy). The kernel keeps one watch per gate: whoever arms it last holds it.
 *
 * Unbadged: a boot script's channel reaches its server through copies the server did not
 * mint (badge 0); server_set_unbadged names the object they address.
 *
 * Invariants: a registered object's key is its index in the registry plus one, never 0;
 * its common_label and common_handler are its type's first protocol, or SERVER_NO_LABEL;
 * the badge of every minted client copy is the key plus its object rights shifted by
 * SERVER_BADGE_RIGHTS_SHIFT (READ always, WRITE for writable copies, SERVER_RIGHT_FAULTS
 * for pager copies); slots the loop lends (receive slots, minted reply copies) are empty
 * again or handed over before the next message.
 */
#ifndef PECAN_SERVER_H
#define PECAN_SERVER_H

#include <stdbool.h>
#include <pecan/sys.h>

struct server;
struct server_object;
struct server_request;

/* Handles one message for an object: returns the reply label (0 or -PECAN_E*), or
 * SERVER_NO_REPLY to send nothing (the caller was destroyed, or must stay blocked). */
typedef int (*server_handler_t)(struct server_request *request);
#define SERVER_NO_REPLY 0x7FFFFFFF
/* A label no message carries (a tag's label is 16 bits): see server_object.common_label. */
#define SERVER_NO_LABEL 0x10000

struct server_protocol {
    int label;                 /* protocol id in the tag label (PECAN_PROTO_*, fault labels) */
    server_handler_t handler;
};

struct server_type {
    const char *name;
    const struct server_protocol *protocols;
    unsigned protocol_count;
    /* The last client copy of the object's gate is gone. May unregister and free it. */
    void (*no_clients)(struct server_object *object);
};

/* Embed one in every served object (container_of to get back). */
struct server_object {
    const struct server_type *type;
    /* What the loop dispatches to without looking at the type (set by registration): the
     * type's first protocol, or SERVER_NO_LABEL if it speaks none or the first is a fault
     * label (whose messages need the general path's check of the pager right). */
    int common_label;
    server_handler_t common_handler;
    pecan_cap_t gate;          /* the server's original gate capability */
    pecan_word_t gate_phys;    /* the gate object's identity (CNODE_IDENTIFY w3) */
    pecan_word_t key;          /* badge of every client copy; 0 while not registered */
    bool watched;              /* no-clients watch armed (after the first client copy) */
    struct server *server;     /* the server (thread) it is registered with */
};

/* What the server needs from its environment. */
struct server_config {
    pecan_cap_t thread;        /* the server thread object (binds gates and the notification) */
    pecan_cap_t cnode;         /* the server's capability-space root */
    unsigned cnode_depth;      /* depth that names a slot of it (32 for a one-level space) */
    pecan_cap_t notification;  /* no-clients notification (READ|WRITE), bound by server_init */
    pecan_cap_t (*slot_alloc)(void);          /* an empty slot, 0 if none */
    void (*slot_free)(pecan_cap_t slot);      /* gives back an empty slot */
    unsigned receive_slots;    /* capability items accepted per message (0..4) */
    /* Deferred work (NULL: none): one bounded step of it; true while more is left. While
     * server_defer said there is work, the loop runs a step after each reply and, when no
     * message comes for SERVER_BACKGROUND_IDLE_US, one step: each request waits for at
     * most one step, and the server's CPU stays free for others while it is idle (a
     * server above its clients' priority that worked on unasked would starve the ones on
     * its CPU). */
    bool (*background)(void);
    /* Periodic work (NULL: none): the loop calls periodic every period_us microseconds
     * (at the kernel's 10 ms tick: no earlier, at most a tick later), between messages. */
    void (*periodic)(struct server *s);
    uint32_t period_us;
    /* Signals of the server's own on the notification (0, NULL: none): the loop gives the
     * signalled ones of notify_bits to notified before the no-clients scan (which runs
     * for every bit, since objects share bits by key % 32: a spurious scan costs only
     * time). moe's console input comes this way (servers/moe/log.c). */
    pecan_word_t notify_bits;
    void (*notified)(struct server *s, pecan_word_t bits);
};

/* Object right of pager copies (request->rights): fault messages are accepted through it. */
#define SERVER_RIGHT_FAULTS 0x10u
/* A minted copy's badge: the key in bits 0-23, the copy's object rights from bit 27 on
 * (READ 29, WRITE 27, SERVER_RIGHT_FAULTS 31), so badge >> 27 is request->rights. Every
 * other bit is 0. */
#define SERVER_KEY_MASK 0x00FFFFFFu
#define SERVER_BADGE_RIGHTS_SHIFT 27
#define SERVER_BADGE_READ (PECAN_RIGHT_READ << SERVER_BADGE_RIGHTS_SHIFT)
#define SERVER_BADGE_WRITE (PECAN_RIGHT_WRITE << SERVER_BADGE_RIGHTS_SHIFT)
#define SERVER_BADGE_FAULTS (SERVER_RIGHT_FAULTS << SERVER_BADGE_RIGHTS_SHIFT)
#define SERVER_BADGE_RIGHTS (SERVER_BADGE_READ | SERVER_BADGE_WRITE | SERVER_BADGE_FAULTS)

#define SERVER_BACKGROUND_IDLE_US 1000u
#define SERVER_MAX_RECEIVE 4
#define SERVER_MAX_REPLY_ITEMS 4
#define SERVER_MAX_LENDS 4

/* A request and its reply. Between messages items, reply_items, lent_count and taken are
 * 0 (the loop clears them when it is done with a message), so a common message sets only
 * its header and reply_words. */
struct server_request {
    struct server *server;
    struct server_object *object;      /* the badge's (the protocol is the handler's) */
    unsigned rights;                   /* object rights of the client's copy: READ, WRITE?,
                                          SERVER_RIGHT_FAULTS (a thread's pager copy)? */
    unsigned words;                    /* untyped words received */
    unsigned items;                    /* typed items received (after the words) */
    /* The reply being built: words in out (handlers may write them directly and set
     * reply_words), items added with server_reply_cap/object/map. */
    union {
        struct {
            uint16_t reply_words;
            uint16_t reply_items;
        };
        uint32_t reply_size;   /* both in one word: at most 6 for words alone in registers */
    };
    pecan_word_t in[PECAN_UTCB_MESSAGE_WORDS];
    pecan_word_t out[PECAN_UTCB_MESSAGE_WORDS];
    pecan_word_t out_items[2 * SERVER_MAX_REPLY_ITEMS];
    pecan_cap_t lent[SERVER_MAX_LENDS];   /* minted copies to delete after the reply */
    unsigned lent_count;
    unsigned taken;                       /* bit i: the handler kept receive slot i */
};

/* The first words of the UTCB receive buffer (PECAN_UTCB_BUFFER_CAP_COUNT on) as the loop
 * writes them before each wait, in one block copy. */
struct server_receive {
    pecan_word_t count;                      /* config.receive_slots */
    pecan_cap_t slots[SERVER_MAX_RECEIVE];   /* empty slots; [count..] unused */
};

struct server {
    struct server_config config;
    struct server_request request;     /* the one being handled (one per server thread) */
    struct server_object *unbadged;    /* gets messages with badge 0 (NULL: refused) */
    uint64_t next_period_ns;           /* KIP clock of the next periodic call */
    struct server_object **objects;   /* registry: objects[key - 1] (registry.c) */
    unsigned capacity;
    unsigned count;                    /* registered objects */
    unsigned issued;                   /* keys 1 .. issued were handed out at some time */
    unsigned free_keys;                /* last key given back (a list), 0 if none */
    struct server_receive receive;     /* the receive slots */
    uint32_t messages;                 /* dispatched messages (statistics) */
    uint32_t rejected;                 /* error replies for undecodable messages */
    bool background_pending;           /* config.background has work (server_defer) */
    int lock;                          /* registry writes from several threads */
};


/* Sets up the registry (objects[capacity], need not be initialised: registering and
 * looking up cost the same whatever the capacity), binds the notification to the thread
 * and allocates the receive slots. */
int server_init(struct server *s, const struct server_config *config,
                struct server_object **objects, unsigned capacity);

/* Registers object (type set by the caller) served through gate (the server's original,
 * all rights): binds the gate to the server thread and gives it a key. -PECAN_ENOMEM if
 * the registry is full. */
int server_register(struct server *s, struct server_object *object,
                    const struct server_type *type, pecan_cap_t gate);
/* Registers object for its no-clients hook only: gate (the server's capability, with
 * READ) is not bound to the server thread, someone else serves it (moe's FACTORY gates,
 * which a client binds to its own thread). Its client copies come from server_copy. */
int server_watch(struct server *s, struct server_object *object,
                 const struct server_type *type, pecan_cap_t gate);
/* Forgets the object: revokes every client copy of its gate (so no stale capability can
 * reach whatever gets the key next) and frees its key. The gate capability stays the
 * caller's to delete. */
void server_unregister(struct server *s, struct server_object *object);
/* The registry entry the badge of a minted copy names: the object, or an odd value if
 * the badge names none (a free-key link, registry.c; 1 for a key never issued, key 0 and
 * bits outside the key and SERVER_BADGE_RIGHTS). Inline: every message looks one up. */
static inline uintptr_t server_entry(struct server *s, pecan_word_t badge)
{
    /* One compare for the whole range: key 0 wraps, and bits outside the key make the
     * index at least SERVER_KEY_MASK, which no key reaches (capacity <= SERVER_KEY_MASK). */
    pecan_word_t index = (badge & ~SERVER_BADGE_RIGHTS) - 1;
    if (index >= s->issued)
        return 1;
    return (uintptr_t)s->objects[index];
}
/* The object a badge names, or 0: badge 0 is the unbadged object's. */
static inline struct server_object *server_lookup(struct server *s, pecan_word_t badge)
{
    if (badge == 0)
        return s->unbadged;
    uintptr_t entry = server_entry(s, badge);
    return (entry & 1u) ? 0 : (struct server_object *)entry;
}

/* Mints a client copy of object's gate into slot dest of the server's own space and arms
 * the no-clients watch. rights: object rights PECAN_RIGHT_WRITE (in the badge),
 * PECAN_RIGHT_GRANT (the client may pass it on) and SERVER_RIGHT_FAULTS (only for a copy
 * that goes straight into a thread as its pager); see "Rights" and "Faults" above. */
int server_mint(struct server *s, struct server_object *object, pecan_cap_t dest,
                unsigned rights);
/* Mints a client copy into slot dest of another CNode (named by cnode in the server's
 * space, slot dest at depth) and arms the watch: how a loader hands objects to a child. */
int server_mint_into(struct server *s, struct server_object *object, pecan_cap_t cnode,
                     pecan_word_t dest, unsigned depth, unsigned rights);

/* A plain client copy of object's gate into slot dest of the server's space: a child
 * without badge, with exactly the kernel rights asked (READ too: the holder may bind it),
 * and the watch armed. For watched objects (server_watch), whose holder badges its own. */
int server_copy(struct server *s, struct server_object *object, pecan_cap_t dest,
                unsigned rights);

/* There is deferred work: the loop runs config.background in steps between requests. */
static inline void server_defer(struct server *s)
{
    if (s->config.background)
        s->background_pending = true;
}

/* Messages with badge 0 go to object (registered with s): what a boot script's channel
 * needs, whose clients all hold unbadged copies the server did not mint. They carry no
 * object right but READ. */
static inline void server_set_unbadged(struct server *s, struct server_object *object)
{
    s->unbadged = object;
}

/* Serves forever. config.periodic and config.background are read when it starts. */
void server_loop(struct server *s) __attribute__((noreturn));
/* Waits for one message (timeout as for pecan_ipc_wait), handles and answers it: for a
 * thread that serves between other work. 0, or 1 if the time ran out. */
int server_serve_one(struct server *s, pecan_word_t timeout);
/* Runs the no-clients hooks for the objects of the signalled bits. */
void server_no_clients(struct server *s, pecan_word_t bits);

/* Requests: arguments. */
static inline int server_need_words(const struct server_request *r, unsigned n)
{
    return r->words >= n ? 0 : -PECAN_EMSGTOOSHORT;
}
/* An operation that changes its object: its n words there, then the caller's copy
 * writable, in the order every protocol checks them. */
static inline int server_need_writable(const struct server_request *r, unsigned n)
{
    if (r->words < n)
        return -PECAN_EMSGTOOSHORT;
    return (r->rights & PECAN_RIGHT_WRITE) ? 0 : -PECAN_EPERM;
}
/* The i-th received capability item's slot (moved out of the receive buffer: the caller
 * owns it from now on and must delete or keep it), or 0 if item i is not a delivered
 * capability. */
pecan_cap_t server_take_cap(struct server_request *r, unsigned index);
/* The i-th received capability item's slot, still owned by the loop (emptied after the
 * handler returns). 0 if item i is not a delivered capability. */
pecan_cap_t server_peek_cap(struct server_request *r, unsigned index);
/* The object of this server a received capability item names, if the capability is a
 * copy of one of its gates (checked with CNODE_IDENTIFY against the gate object) and of
 * the given type (NULL: any). *rights (may be NULL) gets the copy's object rights. */
struct server_object *server_received_object(struct server_request *r, unsigned index,
                                             const struct server_type *type, unsigned *rights);
/* The same check for a capability already in the server's space. */
struct server_object *server_identify_object(struct server *s, pecan_cap_t slot,
                                             const struct server_type *type, unsigned *rights);
/* The labels of the messages the kernel makes for a thread (see "Faults" above). */
static inline bool server_is_fault_label(int label)
{
    return label == PECAN_LABEL_PAGE_FAULT || label == PECAN_LABEL_EXCEPTION;
}
/* Object rights the badge of a minted copy carries (its other bits checked, as by
 * server_entry). */
static inline unsigned server_minted_rights(pecan_word_t badge)
{
    return badge >> SERVER_BADGE_RIGHTS_SHIFT;
}
/* Object rights a badge carries: an unbadged copy's are READ. */
static inline unsigned server_badge_rights(pecan_word_t badge)
{
    return badge ? server_minted_rights(badge) : PECAN_RIGHT_READ;
}

/* Requests: the reply (words first, then items). */
static inline void server_reply_word(struct server_request *r, pecan_word_t value)
{
    if (r->reply_words < PECAN_UTCB_MESSAGE_WORDS - 2 * SERVER_MAX_REPLY_ITEMS)
        r->out[r->reply_words++] = value;
}
/* A capability item: a child of slot in the server's space, with rights masked. */
int server_reply_cap(struct server_request *r, pecan_cap_t slot, unsigned rights);
/* A client copy of object (minted as server_mint does, object rights WRITE and GRANT;
 * SERVER_RIGHT_FAULTS is dropped) as a capability item; the minted slot is deleted after
 * the reply, so the client's copy hangs off the server's original. */
int server_reply_object(struct server_request *r, struct server_object *object,
                        unsigned rights);
/* A plain copy of a watched object's gate (server_copy, kernel rights as asked) as a
 * capability item, lent as server_reply_object's copies are. */
int server_reply_copy(struct server_request *r, struct server_object *object,
                      unsigned rights);
/* A memory item: pages [base, base + 2^order) of the server's space, rights PECAN_MAP_*. */
int server_reply_map(struct server_request *r, pecan_word_t base, unsigned order,
                     unsigned rights);

/*
 * ---- Programs and sessions (library pecan_server_program: l4re/server/program.c,
 * session.c; docs/servers.md) ----
 *
 * Set-up: server_program_init makes the calling thread a server of an ordinary program
 * (its thread object and CNode from the environment, a no-clients notification made through the
 * program's factory, a registry of capacity objects from the heap, slots from the
 * runtime's allocator, one receive slot). server_program_thread starts another thread that
 * serves its own struct server (its own registry and notification): objects registered
 * with that server are served on that thread.
 *
 * Sessions: a session factory (struct server_sessions) serves the FACTORY protocol on a
 * gate, usually the server end of a boot script's channel (its clients' copies are
 * unbadged: server_set_unbadged). CREATE (w1 the session's protocol, w2.. arguments,
 * item 0: an IPC gate the client made through its own factory, with READ) opens a
 * session: the framework binds that gate to one of the sessions' server threads (in turn),
 * calls open for the per-session state and answers with a client copy of the session
 * (object rights WRITE, GRANT). So each session has its own gate, paid by the client's
 * quota; the server never calls a capability the client chose (a client's "factory"
 * could be a gate that never answers). A client that can send no item (a channel copy
 * without GRANT) gets a gate of the server's own factory: the server's quota pays, as in
 * L4Re. When the last client copy goes (the client closed the session, deleted its
 * capability, or its subsystem died), the framework unregisters the session, deletes the
 * server's copy of its gate (RELEASEs it when the server paid) and calls close. The
 * server watches the gate itself, which takes the place of moe's watch (one per gate), so
 * the client gives its gate back with FACTORY RELEASE (pecan_session_close). The client
 * keeps READ on its gate and can take the watch back (docs/servers.md, "Known hole"). A
 * gate some thread serves already is refused (EBUSY).
 * INFO answers w0 0, w1 0, w2 sessions open, w3 objects registered on the sessions'
 * servers (the factory's own included), w4 the program's free capability slots: what a
 * test needs to see that sessions leave nothing behind.
 */
int server_program_init(struct server *s, unsigned capacity);
int server_program_thread(struct server *s, unsigned capacity);

struct server_sessions;

/* Embed first in the per-session state. */
struct server_session {
    struct server_object object;
    struct server_sessions *sessions;
    bool server_paid;                  /* its gate is the server's (the client sent none) */
};

struct server_sessions {
    struct server_object object;       /* the session factory */
    int protocol;                      /* what CREATE's w1 must name */
    /* The sessions' type: name and protocols; no_clients is the framework's. */
    struct server_type type;
    /* Makes the state of a new session from the request's arguments (r->in[2 ..
     * r->words)): 0 and *out, or an error for the client. */
    int (*open)(struct server_request *r, struct server_session **out);
    /* Frees a session's state (it is unregistered and its gate gone). */
    void (*close)(struct server_session *session);
    struct server **servers;           /* the threads sessions go to (NULL: the factory's) */
    unsigned server_count;
    unsigned next;                     /* the next session's server (in turn) */
    unsigned open_count;               /* sessions open */
};

/* Serves sessions on gate (the server's capability, with READ), as the unbadged object
 * of s: binds the gate to s's thread. sessions: protocol, type, open, close (and servers)
 * filled in. */
int server_sessions_serve(struct server *s, struct server_sessions *sessions, pecan_cap_t gate);

#endif
