/* SPDX-License-Identifier: MIT */
/*
 * moefuzz (docs/testing.md, "moefuzz"): the multi-party, structure-aware fuzzer of moe.
 * This header is the contract between its files:
 *
 *   director.c  the program moe starts (main): options, the arena factory the parties
 *               live in, the board namespace they share, starting the workers, the end
 *               checks and the result line
 *   worker.c    a fuzzing party: a task of its own with a factory of its own
 *   reaper.c    the party in the director that revokes, deletes and destroys while the
 *               workers work
 *   messages.c  structure-aware messages: every opcode of every moe protocol, built from
 *               grids of boundary values, then mutated (short, long, wrong items, labels)
 *   targets.c   the objects a party aims at and what it may put into messages to them
 *
 * Everything random comes from xorshift generators seeded from the run's seed, the
 * party and the step: message n of worker w is built from (seed, w, n) and what its
 * target slot holds, and so is round n of the reaper, so a seed replays every party's
 * messages (the interleaving of the parties, and so what their targets hold, is the
 * machine's).
 */
#ifndef MOEFUZZ_FUZZ_H
#define MOEFUZZ_FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include <pecan/invoke.h>
#include <pecan/syscall.h>

#define FUZZ_PAGE 0x1000u
#define FUZZ_DEPTH 32

/* ---- randomness -------------------------------------------------------------------------- */

struct rng {
    uint32_t state;
};

/* The generator of one step (a message, a round) of one party: a function of the three
 * alone, so a step is the same in every run of the seed whatever the others did. */
void rng_seed(struct rng *r, uint32_t seed, unsigned party, uint32_t step);
uint32_t rng_next(struct rng *r);
uint32_t rng_below(struct rng *r, uint32_t n);          /* 0 .. n - 1 (0 if n is 0) */
bool rng_percent(struct rng *r, unsigned percent);      /* true percent times in 100 */

/* ---- what the parties share -------------------------------------------------------------- */

/* Named capabilities a worker gets, in this order (so at these slots of its space). */
#define FUZZ_CAP_BOARD_NAME "board"   /* the namespace the parties share their objects in */
#define FUZZ_CAP_TALLY_NAME "tally"   /* a page where each worker leaves its counts */
#define FUZZ_CAP_ROM_NAME "rom"
#define FUZZ_BOARD_SLOT 16u           /* PECAN_ENV_FIRST_NAMED: board is the first */

#define FUZZ_MAX_WORKERS 8u

/* A worker's counts, left in the tally page (one per worker) when it ends. */
struct tally {
    uint32_t messages, errors, successes, timeouts, gone, item_failures, bad_replies;
    uint32_t remade;          /* its fuzz objects made again after the reaper took them */
    uint32_t problems;        /* failed checks (each printed with FAILED) */
    uint32_t done;            /* TALLY_DONE once the rest is written */
};
#define TALLY_DONE 0x600DF00Du

/* ---- targets ----------------------------------------------------------------------------- */

/* The kinds of moe objects, by protocol. */
enum kind {
    K_FACTORY, K_DATASPACE, K_REGION_MAP, K_NAMESPACE, K_LOG, K_TASK, K_PARENT, K_IOMEM,
    K_COUNT
};

/* Who else can reach a target, which decides what may travel to it in items. */
enum reach {
    R_PRIVATE,    /* the worker's own environment: only it holds these */
    R_SHARED,     /* its fuzz objects (on the board) and other parties' (from the board) */
};

struct target {
    const char *name;
    enum kind kind;
    enum reach reach;
    pecan_cap_t cap;
    pecan_word_t size;        /* dataspaces: bytes (boundaries of offsets) */
    bool own_env;             /* the worker's own task, region map, parent, factory, log */
    uint32_t sent, errors, successes, timeouts, gone;
};

int kind_protocol(enum kind k);
const char *kind_name(enum kind k);
/* The kind a board name ends in ("w3.ds" -> K_DATASPACE), or K_COUNT. */
enum kind kind_of_board_name(const char *name);
/* The kind of object cap is (named, the kind its name says, is asked first); K_COUNT:
 * none of moe's. */
enum kind kind_identify(pecan_cap_t cap, enum kind named);

/* ---- messages ---------------------------------------------------------------------------- */

/* What a message may name: capabilities for its items (the worker picks them) and the
 * play area of the sender's own region map (the only place its own ATTACH, DETACH,
 * RESERVE and FREE_AREA go). */
struct fuzz_context {
    struct rng *rng;
    /* A capability of kind k (K_COUNT: any) for an item: made by any party and shared,
     * or of the worker's own environment when allow_private (the target is private). */
    pecan_cap_t (*pick)(void *owner, enum kind k, bool allow_private);
    void *owner;
    const pecan_cap_t *empty_caps;     /* receive slots: empty when a message is built */
    unsigned empty_count;
    pecan_word_t never_used_from;      /* capability indices from here up stay empty: the
                                          random ones for shared targets come from there,
                                          so a private capability never reaches them */
    pecan_word_t play_base, play_size;
    uint32_t names_built;              /* cycles through every name length */
};

struct fuzz_message {
    int label;
    unsigned words, items;
    pecan_word_t w[PECAN_UTCB_MESSAGE_WORDS];   /* words, then two per item */
    unsigned receive_caps;                      /* receive slots to offer (0-4) */
    bool receive_window;
};

/* A message for t: a valid layout of one of its protocol's opcodes (or an unknown one)
 * with arguments from the grids, then maybe mutated; made safe for the worker's own
 * environment (never its exit, its task's end nor its thread's, its memory outside the
 * play area). */
void fuzz_build(struct fuzz_context *c, const struct target *t, struct fuzz_message *m);

/* The reply label is a known error code. */
bool fuzz_known_error(int label);

/* The grids (messages.c), for the reaper too. */
pecan_word_t grid_offset(struct rng *r, pecan_word_t size);
pecan_word_t grid_size(struct rng *r, pecan_word_t size);

/* ---- where the parties run ------------------------------------------------------------------ */

/* Moves thread to the last CPU (when there is more than one) at priority: moe's CPU 0 is
 * no place for a thread that must keep answering (the director serves the workers'
 * parent objects), since moe, above every program, leaves it nothing while the workers
 * flood it from the other CPUs (the fairness limit in docs/runtime.md; on CPU 0 the
 * workers' PARENT calls waited up to 0.9 s). Programs start off moe's CPU anyway now
 * (pecan_sched_program_cpus); the move still keeps the director on one known CPU, the
 * last, which the workers' spread (worker.c) reaches last. */
void fuzz_move_to_last_cpu(pecan_cap_t thread, unsigned priority);

/* ---- the parties ------------------------------------------------------------------------- */

struct worker_options {
    unsigned index;
    uint32_t seed;
    uint32_t messages;        /* stop after that many */
    uint32_t seconds;         /* or after that long */
};
int worker_main(const struct worker_options *options);

struct children;
struct pecan_mutex;
struct reaper;
/* The reaper's thread, ready (its stack and notification made) but idle until reaper_go:
 * then it acts on the board's objects and the workers' board copies (children of
 * children, under children_lock) until reaper_stop. */
struct reaper *reaper_start(uint32_t seed, struct children *children,
                            struct pecan_mutex *children_lock);
void reaper_go(struct reaper *r, pecan_cap_t board);
/* Makes it idle for good and returns how many actions it took (and *destroys, how many
 * of them were DESTROYs of fuzz factories). */
uint32_t reaper_stop(struct reaper *r, uint32_t *destroys);

#endif
