/* SPDX-License-Identifier: MIT */
/*
 * The service kit's test and fuzz helpers (library pecan_testkit; docs/servers.md, "Build,
 * test, fuzz, scenario"): what every server's test and fuzz target needs, written once, so
 * that a fuzz target keeps only what it knows of its protocol (labels, words, the judge).
 *
 * The model:
 *   - Slots: testkit_slot gives one or ends the test, which a test cannot go on without.
 *   - Random numbers: one xorshift32 per program, seeded by the test, so a run repeats
 *     exactly and a failing message can be found again by its number.
 *   - The pool: capabilities a hostile client holds and may send as items. The test owns
 *     it and everything in it: testkit_pool_init makes a gate, its copy without READ and a
 *     notification through a factory the test chooses (so their memory is on that
 *     factory's bill) and copies the test's CNode; testkit_pool_add copies what the
 *     protocol hands out (the channel, a session, a buffer, ...), so the test can close
 *     its own capability without the pool's copy changing what the server sees later.
 *     The order of the pool is the order of the calls: a seed picks the same capabilities.
 *   - A fuzz call (testkit_call): the message goes with random items from the pool
 *     (testkit_add_items) and a receive slot for one capability; the answer must come
 *     within the timeout, whatever it says. A capability that came with the answer (a
 *     session opened by chance, a buffer) is deleted at once, so the server must see the
 *     last copy go and clean up. Judging the answer (must the server have accepted?) is
 *     the protocol's, and stays in the fuzz target.
 *   - "Accounting exact": a struct testkit_watch names what must come back after the run:
 *     the server's INFO (open sessions, registered objects, free slots) at its session
 *     factory, the memory used through some factories, and moe's free memory.
 *     testkit_settle measures until every figure equals the one before the run (a server
 *     learns of a closed session from its no-clients watch: soon, not at once), and
 *     testkit_print_accounts says which figure moved.
 *   - Starting the server: a rig (testkit_rig_init) is what every test makes first: the
 *     children it starts the server with, the channel (a gate the server gets as its
 *     session factory), a factory its clients pay through, and the landing slot of
 *     testkit_call. testkit_start runs a child with the environment's scheduler and log
 *     unless the spec names others, and says why it failed.
 */
#ifndef PECAN_TESTKIT_H
#define PECAN_TESTKIT_H

#include <pecan/children.h>
#include <pecan/runtime.h>
#include <pecan/session.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- slots ---- */

/* The exit status of a test that ran out of capability slots. */
#define TESTKIT_EXIT_NO_SLOT 100

/* A free capability slot of this program. Running out is the test's own failure, not a
 * case it tests: prints "testkit: out of capability slots (FAILED)" and exits with
 * TESTKIT_EXIT_NO_SLOT (the program's log tag says which test it was). */
pecan_cap_t testkit_slot(void);

/* ---- random numbers ---- */

void testkit_seed(uint32_t seed);   /* not 0: xorshift stays at 0 */
uint32_t testkit_random32(void);

/* ---- the pool of hostile capabilities ---- */

#define TESTKIT_POOL_MAX 16u

struct testkit_pool {
    pecan_cap_t cap[TESTKIT_POOL_MAX];
    unsigned count;
};

/* The first four: a gate, its copy without READ, a notification (made through factory),
 * a copy of the test's CNode. */
int testkit_pool_init(struct testkit_pool *pool, pecan_cap_t factory);
/* A copy of cap with all rights. */
int testkit_pool_add(struct testkit_pool *pool, pecan_cap_t cap);
/* A fresh gate made through factory (a server's CREATE may take one). */
int testkit_pool_add_gate(struct testkit_pool *pool, pecan_cap_t factory);
pecan_cap_t testkit_pool_pick(const struct testkit_pool *pool);

/* ---- a fuzz call ---- */

/* Appends items capability items after words words of m: each a capability from the pool
 * with random rights. */
void testkit_add_items(struct pecan_message *m, unsigned words, unsigned items,
                       const struct testkit_pool *pool);

/* Calls to with m, a receive slot at landing and a timeout. 0 if answered (error or not;
 * the answer in *reply and m), else PECAN_IPC_ERROR(the IPC status). *got_cap: a capability came
 * with the answer (it is deleted). */
/* How long a fuzz call waits for its answer before it counts the server as hung: long
 * enough that a host starving QEMU for a while never makes a live server miss it. */
#define TESTKIT_ANSWER_US 10000000u
int testkit_call(pecan_cap_t to, struct pecan_message *m, uint32_t timeout_us,
                 pecan_cap_t landing, struct pecan_reply *reply, bool *got_cap);

/* ---- accounting exact ---- */

#define TESTKIT_FACTORIES_MAX 4u

/* What must come back. A zero channel or moe_free false leaves that figure out. */
struct testkit_watch {
    pecan_cap_t channel;                          /* the server's session factory: INFO */
    bool moe_free;                                /* moe's free memory */
    unsigned factory_count;                       /* memory used through these */
    pecan_cap_t factory[TESTKIT_FACTORIES_MAX];
    const char *factory_name[TESTKIT_FACTORIES_MAX];
};

struct testkit_accounts {
    int error;                                    /* a figure could not be read */
    struct pecan_session_info server;
    pecan_word_t moe_free;
    pecan_word_t used[TESTKIT_FACTORIES_MAX];
};

struct testkit_accounts testkit_measure(const struct testkit_watch *watch);
bool testkit_same(const struct testkit_watch *watch, const struct testkit_accounts *a,
                  const struct testkit_accounts *b);
/* Measures into *now every 10 ms, at most tries times, until it is the same as *want. */
bool testkit_settle(const struct testkit_watch *watch, const struct testkit_accounts *want,
                    unsigned tries, struct testkit_accounts *now);
/* "<program>: moe free a -> b, <factory> used a -> b, sessions a -> b, ..." and
 * " (FAILED)" if failed. */
void testkit_print_accounts(const char *program, const struct testkit_watch *watch,
                            const struct testkit_accounts *before,
                            const struct testkit_accounts *after, bool failed);

/* ---- starting the server ---- */

struct testkit_rig {
    struct children children;   /* through the environment's factory */
    pecan_cap_t channel;        /* a gate made through the environment's factory */
    pecan_cap_t clients;        /* a factory of client_quota bytes: the clients' bill */
    pecan_cap_t landing;        /* an empty slot: testkit_call's receive slot */
};

int testkit_rig_init(struct testkit_rig *rig, pecan_word_t client_quota);

/* children_start with the environment's scheduler and log where spec names none; prints
 * "<program>: <path> not started: <why> (<error>)" on failure. */
int testkit_start(const char *program, struct children *children, const struct child_spec *spec,
                  struct child **child);

#endif
