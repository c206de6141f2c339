/* SPDX-License-Identifier: MIT */
/*
 * captest: the user-mode test suite of the capability kernel, run as the root task.
 * UTEST(name) registers a case in the .utest_cases section (l4re/rt/user.ld); main.c runs
 * them in link order and prints TAP. CHECK* expectations print a "#" line and mark the
 * case failed without stopping it; REQUIRE* also end the case. After every case the
 * framework revokes what the case allocated, then checks that its slots are empty, the
 * untyped pool is whole again and the kernel's invariant checker finds nothing.
 */
#ifndef CAPTEST_H
#define CAPTEST_H

#include <pecan/bootinfo.h>
#include <pecan/print.h>
#include <pecan/sys.h>
#include <stdbool.h>
#include <stdint.h>

struct utest {
    const char *name;
    void (*run)(void);
};

#define UTEST(name_)                                                                      \
    static void utest_##name_(void);                                                      \
    static const struct utest utest_case_##name_                                          \
        __attribute__((used, section(".utest_cases"))) = { #name_, utest_##name_ };      \
    static void utest_##name_(void)

/* The boot info (main.c). */
extern const struct pecan_bootinfo *bootinfo;
/* Slots of the root CNode (the kernel sizes it from RAM). */
#define ROOT_CNODE_SLOTS (1u << bootinfo->root_cnode_bits)

/* Records a failed expectation of the running case (printed as a TAP comment). */
void ut_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Has the running case failed so far? */
bool ut_failed(void);
/* Command-line options of the boot image ("name=value"). */
bool cmdline_value(const char *name, char *value, unsigned size);
unsigned long cmdline_number(const char *name, unsigned long fallback);
/* The name of an error code ("EPERM", "IPC_CANCELED", ...). */
const char *err_name(int err);

#define CHECK(cond)                                                                       \
    ((cond) ? true : (ut_fail(__FILE__, __LINE__, "expected %s", #cond), false))

#define CHECK_EQ(a, b)                                                                    \
    ({                                                                                    \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);    \
        if (a_ != b_)                                                                     \
            ut_fail(__FILE__, __LINE__, "expected %s == %s: 0x%llx != 0x%llx", #a, #b,    \
                    a_, b_);                                                              \
        a_ == b_;                                                                         \
    })

/* A call's result must be exactly err (0 or -PECAN_E*). */
#define CHECK_ERR(call, err)                                                              \
    ({                                                                                    \
        int got_ = (call), want_ = (err);                                                 \
        if (got_ != want_)                                                                \
            ut_fail(__FILE__, __LINE__, "%s: expected %s, got %s (%d)", #call,            \
                    err_name(want_), err_name(got_), got_);                               \
        got_ == want_;                                                                    \
    })
#define CHECK_OK(call) CHECK_ERR(call, 0)

/* Each of n recorded results must be exactly the error wanted ("<what> i: expected ..."). */
#define CHECK_ERRORS(what, got, want, n) check_errors(__FILE__, __LINE__, what, got, want, n)
void check_errors(const char *file, int line, const char *what, const volatile int *got,
                  const int *want, unsigned n);

#define REQUIRE(cond)                                                                     \
    do {                                                                                  \
        if (!CHECK(cond))                                                                 \
            return;                                                                       \
    } while (0)
#define REQUIRE_OK(call)                                                                  \
    do {                                                                                  \
        if (!CHECK_OK(call))                                                              \
            return;                                                                       \
    } while (0)

/* The kernel's invariant checker must find nothing (after every interesting step). */
#define CHECK_CLEAN() kernel_clean(__FILE__, __LINE__)
bool kernel_clean(const char *file, int line);

/* Capability types as CNODE_IDENTIFY reports them (the kernel's enum cap_type). */
enum cap_kind {
    CAPK_NULL = 0, CAPK_UNTYPED, CAPK_THREAD, CAPK_GATE, CAPK_NOTIFICATION, CAPK_CNODE,
    CAPK_VSPACE, CAPK_PAGE_TABLE, CAPK_FRAME, CAPK_IRQ_CONTROL, CAPK_IRQ_HANDLER,
    CAPK_LOG, CAPK_SCHEDULER, CAPK_ZOMBIE,
};
#define CAP_FLAG_DEVICE 0x01u
#define CAP_FLAG_MAPPED 0x02u
#define NOT_MAPPED 0xFFFFFFFFu

/* Root CNode shorthands: slots are named with depth 32 (one level). */
#define ROOT PECAN_ROOT_CNODE
#define ROOT_DEPTH 32
int cap_identify(pecan_cap_t slot, struct pecan_cap_identity *id);   /* in the root CNode */
unsigned cap_type(pecan_cap_t slot);                                 /* 0: empty */
int cap_copy(pecan_cap_t dest, pecan_cap_t src, unsigned rights);   /* root to root */
int cap_mint(pecan_cap_t dest, pecan_cap_t src, unsigned rights, pecan_word_t badge);
int cap_move(pecan_cap_t dest, pecan_cap_t src);
int cap_delete(pecan_cap_t slot);
int cap_revoke(pecan_cap_t slot);
/* A one-level capability-space root for a CNode of radix bits: a copy minted with a
 * guard of zeros covering the other 32 - radix bits, so index n names slot n. */
int cap_mint_cspace(pecan_cap_t dest, pecan_cap_t cnode, unsigned radix);

/* Root CNode slots for the running case, from the first free slot up; all of them must be
 * empty again when the case ends. */
pecan_cap_t slot_alloc(void);
pecan_cap_t slots_alloc(unsigned count);   /* consecutive */

/* Untyped memory for the running case, cut from the boot untyped (a buddy split). The
 * returned slot holds a leaf untyped of exactly 2^size_bits bytes; ut_free revokes it
 * (destroying everything made from it) and gives it back. Whatever a case does not give
 * back is revoked when it ends. */
pecan_cap_t ut_alloc(unsigned size_bits);
void ut_free(pecan_cap_t untyped);
/* Physical base of a pool untyped. */
pecan_word_t ut_paddr(pecan_cap_t untyped);
/* Fills leaf[i] with the leaf flag of every boot-info RAM untyped and every pool untyped;
 * returns how many it wrote (for before/after comparisons). */
unsigned untyped_leaf_snapshot(uint8_t *leaf, unsigned max);

/* One object of a type (PECAN_OBJ_*, size_bits as retype takes it) in a new root slot,
 * from an untyped of its own; obj_free revokes that untyped. 0 if it fails. */
pecan_cap_t obj_new(unsigned type, unsigned size_bits);
void obj_free(pecan_cap_t slot);
/* log2 of the bytes one object of a retype type takes. */
unsigned obj_size_bits(unsigned type, unsigned size_bits);

/* The bits a notification holds now (taken by the poll); a failed poll is a failed check. */
pecan_word_t poll_bits(pecan_cap_t notification);

/* Debug operations of the kernel log. */
/* The longest kernel entry (LOG DEBUG_LATENCY) from latency_start to latency_check: the
 * figure is printed as a "bench latency_<what> <ns> instructions" line, and under -icount
 * (the image's icount=1: ns are instructions) it must stay below LATENCY_LIMIT. */
#define LATENCY_LIMIT 100000u
void latency_start(void);
uint64_t latency_check(const char *what);
unsigned kernel_problems(void);
unsigned long kernel_preemptions(void);
uint64_t now_ns(void);

/*
 * Helper threads in the root's address space and capability space: a thread object and a 1 MiB
 * frame mapped at its own MiB (the stack at its top, the UTCB at its base). The thread
 * runs fn(h), then signals h->done (if set) and suspends itself through h->self (the
 * index of its thread object in its own capability space: h->thread unless the case gives the
 * thread another capability space). Each helper of a case
 * gets its own MiB from HELPER_AREA.
 */
#define HELPER_AREA 0x50000000u
struct helper {
    pecan_cap_t thread;
    pecan_cap_t frame;
    pecan_word_t base;                  /* where the frame is mapped */
    void (*fn)(struct helper *h);
    pecan_cap_t self;                   /* its own thread object in its capability space */
    pecan_cap_t done;                   /* notification signalled after fn, or 0 */
    pecan_word_t arg[4];
    volatile pecan_word_t counter;
    volatile int result;
    volatile int finished;
};
/* Creates the thread (not started) with the given priority (the root runs at 128). */
int helper_create(struct helper *h, void (*fn)(struct helper *h), unsigned priority);
/* Starts it (THREAD_START) to run fn from the beginning. */
int helper_start(struct helper *h);
/* Deletes its thread object and frame (the untyped they came from are freed with the case). */
void helper_destroy(struct helper *h);

/*
 * Threads in an address space of their own ("remote"): a vspace holding copies of the
 * root's code frames at the same addresses (read and execute only), and a 64 KiB frame
 * as stack (UTCB at its base). The root's data and bss are not there, so the thread's
 * entry takes everything it needs in its four arguments and uses only its stack; a frame
 * mapped at REMOTE_SHARED_VA in both spaces can carry results back (so one remote per
 * case). Capability space: the root CNode unless the case configures another.
 */
#define REMOTE_STACK_VA 0x000E0000u
#define REMOTE_SHARED_VA 0x000C0000u
typedef void (*remote_entry_fn)(pecan_word_t a0, pecan_word_t a1, pecan_word_t a2,
                                pecan_word_t a3);
struct remote {
    pecan_cap_t vspace, page_table, stack, thread;
    pecan_cap_t shared;            /* frame at REMOTE_SHARED_VA in the remote space */
    pecan_cap_t root_shared;       /* its copy at REMOTE_SHARED_VA in the root's space */
    pecan_cap_t text_first;        /* copies of the text frames: consecutive root slots */
    unsigned text_count;
};
int remote_create(struct remote *r, unsigned priority);
/* Maps copies of the root's code and read-only frames into vspace at the root's
 * addresses; *first and *count name the copies (consecutive root slots). */
int map_root_text(pecan_cap_t vspace, pecan_cap_t *first, unsigned *count);
int remote_start(struct remote *r, remote_entry_fn entry, pecan_word_t a0, pecan_word_t a1,
                 pecan_word_t a2, pecan_word_t a3);
/* The shared frame as the root sees it. */
static inline volatile pecan_word_t *remote_shared(void)
{
    return (volatile pecan_word_t *)REMOTE_SHARED_VA;
}

/* The device untyped the kernel gave the root for the region at paddr, or 0 (sp804.c). */
pecan_cap_t device_untyped_at(pecan_word_t paddr);

/*
 * The board's SP804 timer as an interrupt source (sp804.c): mapped at vaddr (a MiB of its
 * own), its interrupt bound to notification with bits. sp804_one_shot starts a one-shot
 * of the given microseconds, sp804_periodic a periodic timer; after an expiry,
 * sp804_clear and an ACK of the handler let the next one through.
 */
struct sp804 {
    pecan_cap_t device, frame, page_table, handler;
    volatile uint32_t *regs;
};
int sp804_open(struct sp804 *t, pecan_word_t vaddr, pecan_cap_t notification,
               pecan_word_t bits);
void sp804_one_shot(struct sp804 *t, unsigned microseconds);
void sp804_periodic(struct sp804 *t, unsigned microseconds);
void sp804_clear(struct sp804 *t);
bool sp804_raised(struct sp804 *t);
void sp804_close(struct sp804 *t);

/* Spins for about the given number of microseconds (root keeps the CPU). */
void spin_us(unsigned us);
/* Spins (stays runnable) until *value differs from old, for up to ms milliseconds; true if
 * it did. For a thread at the root's priority, whose turns come with ticks that a busy host
 * delays and merges: a fixed spin was not always a turn. */
bool spin_until_changed(const volatile pecan_word_t *value, pecan_word_t old, unsigned ms);

/* xorshift32 PRNG. */
static inline uint32_t xorshift32(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* Framework internals (main.c, alloc.c). */
void alloc_init(void);
void alloc_case_begin(void);
void alloc_case_end(void);
void helper_case_begin(void);

#endif
