/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the IPC cases (test_ipc.c, test_reply.c, test_transfer.c, test_fault.c,
 * test_gc.c): message patterns checked word for word, a register-only system call for
 * threads without a UTCB, and tasks: a remote thread (captest.h) with a capability space
 * of its own, a small CNode whose slots the case fills.
 *
 * Everything here that a remote thread runs is static inline or in the l4re library and
 * uses only its arguments and its stack: a remote has the root's code, not its data.
 */
#ifndef IPCTEST_H
#define IPCTEST_H

#include <pecan/kip.h>
#include "captest.h"

/* IPC failures as pecan_error() folds them (PECAN_IPC_ERROR, pecan/errors.h). */
#define TIMED_OUT PECAN_IPC_ERROR(PECAN_IPC_TIMEOUT)
#define NO_PARTNER PECAN_IPC_ERROR(PECAN_IPC_NO_PARTNER)
#define CANCELED PECAN_IPC_ERROR(PECAN_IPC_CANCELED)
#define ABORTED PECAN_IPC_ERROR(PECAN_IPC_ABORTED)
#define ITEM_FAILED PECAN_IPC_ERROR(PECAN_IPC_ITEM_FAILED)
#define NO_REPLY_CAP PECAN_IPC_ERROR(PECAN_IPC_NO_REPLY_CAP)

/* Labels of the test protocol: a request's label is its word count; STOP ends a server. */
#define LABEL_STOP 0x7000
#define LABEL_REPLY_BASE 0x100

/* Word i of a request of n words in round k, and the answer to it. */
static inline pecan_word_t pattern_word(unsigned k, unsigned n, unsigned i)
{
    return 0xA5000000u ^ (k << 14) ^ (n << 8) ^ i ^ (i << 20) ^ (i * 0x9E3779B1u);
}

static inline pecan_word_t answer_word(pecan_word_t request, unsigned i)
{
    return ~request + i * 7u;
}

/* A request: label n, n words of round k (k in word 0's pattern only through the words). */
static inline void fill_request(struct pecan_message *m, unsigned k, unsigned n)
{
    m->tag = pecan_tag((int)n, n, 0);
    for (unsigned i = 0; i < n; i++)
        m->word[i] = pattern_word(k, n, i);
    for (unsigned i = n; i < PECAN_UTCB_MESSAGE_WORDS; i++)
        m->word[i] = 0xDEAD0000u | i;
}

/* Overwrites the message words in the UTCB, so stale words cannot pass for copied ones. */
static inline void poison_utcb(void)
{
    struct pecan_utcb *u = pecan_utcb();
    for (unsigned i = 0; i < PECAN_UTCB_MESSAGE_WORDS; i++)
        u->message[i] = 0xBAD00000u | i;
}

/* Server side: n words received; returns how many are not the pattern of any round k
 * whose value the first word reveals (the server does not know k: it tries the word 0
 * relation). The answer is built in place, label LABEL_REPLY_BASE + n. */
static inline unsigned answer_request(struct pecan_message *m, unsigned *k_out)
{
    unsigned n = pecan_tag_words(m->tag), bad = 0;
    if (pecan_tag_label(m->tag) != (int)n || pecan_tag_items(m->tag) != 0)
        bad++;
    unsigned k = n ? ((m->word[0] ^ pattern_word(0, n, 0)) >> 14) : 0;
    for (unsigned i = 0; i < n; i++) {
        if (m->word[i] != pattern_word(k, n, i))
            bad++;
        m->word[i] = answer_word(m->word[i], i);
    }
    m->tag = pecan_tag(LABEL_REPLY_BASE + (int)n, n, 0);
    if (k_out)
        *k_out = k;
    return bad;
}

/* Client side: mismatches between the reply and the answer expected for round k, n words. */
static inline unsigned check_answer(const struct pecan_message *m, unsigned k, unsigned n)
{
    unsigned bad = 0;
    if (pecan_tag_label(m->tag) != LABEL_REPLY_BASE + (int)n || pecan_tag_words(m->tag) != n ||
        pecan_tag_items(m->tag) != 0)
        bad++;
    for (unsigned i = 0; i < n && i < PECAN_MSG_MAX_WORDS; i++) {
        if (m->word[i] != answer_word(pattern_word(k, n, i), i))
            bad++;
    }
    return bad;
}

/* The system call with the message in registers only (for threads without a UTCB, and
 * the benchmarks): w[0..5] in, reply words out. Returns r0; *tag and *badge get r1, r2. */
static inline pecan_word_t raw_ipc(pecan_cap_t cap, pecan_word_t operation_word, pecan_tag_t *tag,
                                   pecan_word_t w[6], pecan_word_t *badge)
{
    register pecan_word_t r0 __asm__("r0") = cap;
    register pecan_word_t r1 __asm__("r1") = *tag;
    register pecan_word_t r2 __asm__("r2") = operation_word;
    register pecan_word_t r3 __asm__("r3") = w[0];
    register pecan_word_t r4 __asm__("r4") = w[1];
    register pecan_word_t r5 __asm__("r5") = w[2];
    register pecan_word_t r6 __asm__("r6") = w[3];
    register pecan_word_t r7 __asm__("r7") = w[4];
    register pecan_word_t r8 __asm__("r8") = w[5];
    __asm__ volatile("svc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6),
                       "+r"(r7), "+r"(r8)
                     :
                     : "memory");
    *tag = r1;
    w[0] = r3;
    w[1] = r4;
    w[2] = r5;
    w[3] = r6;
    w[4] = r7;
    w[5] = r8;
    if (badge)
        *badge = r2;
    return r0;
}

/* The error of an IPC as pecan_error() folds it. */
static inline int ipc_err(struct pecan_reply r)
{
    return pecan_error(r);
}

/*
 * A task: a remote thread (captest.h: its own address space with the root's code) and a
 * capability space of its own, a CNode of 2^TASK_RADIX slots (index n is slot n). The case
 * puts capabilities in with task_copy/task_mint; slot TASK_SELF holds its thread object (so the
 * thread can stop itself), slot TASK_CNODE its CNode.
 */
#define TASK_RADIX 4
#define TASK_SELF 1
#define TASK_CNODE 2
#define TASK_FIRST_FREE 3
struct task {
    struct remote r;
    pecan_cap_t cnode;     /* the CNode (from obj_new) */
    pecan_cap_t space;     /* its capability-space root: the CNode minted with a guard */
};
int task_create(struct task *t, unsigned priority);
int task_copy(struct task *t, unsigned index, pecan_cap_t src, unsigned rights);
int task_mint(struct task *t, unsigned index, pecan_cap_t src, unsigned rights,
              pecan_word_t badge);
/* Type of the capability in a slot of the task's CNode (0: empty). */
unsigned task_cap_type(struct task *t, unsigned index);
/* Deletes its thread and what refers to the root's image frames (the rest goes with the
 * untyped of the case). */
void task_destroy(struct task *t);

/* A remote thread ends by stopping itself (through TASK_SELF in its capability space). */
static inline void __attribute__((noreturn)) task_exit(void)
{
    for (;;)
        pecan_thread_suspend(TASK_SELF);
}

/* Waits up to about ms milliseconds for *flag to become non-zero, sleeping a tick at a
 * time (so lower-priority threads run). */
bool wait_flag(volatile pecan_word_t *flag, unsigned ms);

/* The KIP clock. */
static inline uint64_t kip_now_ns(void)
{
    return pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
}

#endif
