/* SPDX-License-Identifier: MIT */
/*
 * kfuzz: a stateful adversarial fuzzer of the kernel (issue 12, item 4). docs/testing.md
 * describes it; in short:
 *
 * - FZ_TASKS tasks, each with an address space and a capability space of its own, run
 *   FZ_PER_TASK fuzz threads each, on every CPU. Every thread loops over random steps:
 *   IPC of every kind (send, call, reply, reply-and-wait, receive, open wait, send-and-wait)
 *   with random tags (up to 63 words and 63 items, so up to 189 words of message) and
 *   random items (capability items, memory items with random bases and orders), through
 *   gate copies of every rights combination; replies to what it received, fault replies
 *   included; deliberate faults (unmapped memory, undefined instructions) whose pager and
 *   exception handler are gates the fuzz threads serve; THREAD operations on any fuzz
 *   thread (rewriting a blocked sender's tag and words with WRITE_REGISTERS, suspending,
 *   resuming, restarting, removing its UTCB with CONFIGURE, changing its pager); gate
 *   rebinding and no-clients watches (set, taken over, cancelled); capability copies,
 *   moves, deletes and revokes; unmapping its own UTCB frames, fault zone and receive
 *   window.
 * - The root task (priority above them all, CPU 0) is the director: every tick it does
 *   random harm the threads cannot do to each other (destroying a thread, a UTCB frame
 *   or a gate with whatever is queued on it, revoking every client copy of a gate,
 *   removing a UTCB, rewriting registers, moving threads between CPUs, rebinding), brings
 *   back what it destroyed, restarts threads that stopped making progress, and runs the
 *   kernel's invariant checker at intervals.
 * - What must hold: no panic, the invariant checker finds nothing, and the rights of
 *   gates: every gate capability a fuzz thread holds is badged with its rights, so a
 *   receiver can tell a message that came through a copy without WRITE (or a capability
 *   item through a copy without GRANT) and counts it as a rights violation. A watchdog
 *   thread ends the run if the director stops (a corrupt kernel).
 *
 * Fuzz threads run the root's code in their own address space: they keep their state on
 * their stack and in the shared frame (struct fz_shared), never in the root's data.
 * Command line: kfuzz_seed= (printed at the start, so a failure replays), kfuzz_ops=
 * (operations to run), kfuzz_seconds= (a time limit), kfuzz_avoid= (a mask of FZ_AVOID_*
 * operation classes to leave out, for bisecting: each one reached a defect of issue 12).
 *
 * Beware, fuzz thread code: whatever a thread writes must fit its 16 KiB stack (message
 * buffers are PECAN_UTCB_MESSAGE_WORDS long: fz_message writes up to 63 words and items).
 */
#include <lib/string.h>
#include "ipctest.h"   /* raw_ipc */

#define FZ_TASKS 3
#define FZ_PER_TASK 4
#define FZ_THREADS (FZ_TASKS * FZ_PER_TASK)
#define FZ_GATES 4
#define FZ_VARIANTS 5            /* gate copies of different rights per gate */
#define FZ_RADIX 6               /* task CNode: 64 slots */

/* Operation classes kfuzz_avoid= can leave out (each reached a defect of issue 12). */
#define FZ_AVOID_LONG_REPLY 0x1u      /* replies over 6 words */
#define FZ_AVOID_REWRITE 0x2u         /* WRITE_REGISTERS of the message registers */
#define FZ_AVOID_FAULT_RIGHTS 0x4u    /* pagers and handlers without WRITE */
#define FZ_AVOID_REBIND 0x8u          /* GATE BIND of a bound gate */
#define FZ_AVOID_LONG_REWRITE 0x10u   /* rewritten messages over 6 words (with 0x2 clear) */
#define FZ_AVOID_NO_UTCB 0x20u        /* removing UTCBs (CONFIGURE, destroying the frame) */

/* The task's address space (all tasks alike; the root uses FZ_SHARED_VA too). */
#define FZ_DONOR_VA 0x000A0000u        /* 64 KiB, read-write: what memory items send */
#define FZ_SHARED_VA 0x000C0000u       /* the shared frame (struct fz_shared) */
#define FZ_UTCB_FRAME_VA 0x000D0000u   /* thread i's UTCB frame at + i * 4 KiB */
#define FZ_UTCB_OFFSET 0xE00u          /* its UTCB: the last 512 bytes of the frame */
#define FZ_STACK_VA 0x000E0000u        /* 64 KiB: thread i's stack ends at + (i+1) * 16 KiB */
#define FZ_STACK_SIZE 0x4000u
#define FZ_FAULT_VA 0x000F0000u        /* 16 pages, unmapped: deliberate page faults */
#define FZ_WINDOW 0x00100000u          /* receive window: MiB 1 (page tables from the pool) */
#define FZ_WINDOW_ORDER 20
#define FZ_WILD_VA 0x20000000u         /* no page table: faults there cannot be served */

/* Task CNode slots. */
enum {
    S_EMPTY = 0,                            /* kept empty: CONFIGURE with it clears */
    S_CNODE = 1,                            /* the task's capability space */
    S_VSPACE = 2,
    S_THREAD0 = 3,                          /* every fuzz thread: 3 .. 14 */
    S_WATCH = 15,                           /* notification for no-clients watches (unread) */
    S_GATE0 = 16,                           /* gate g, variant k: 16 + 5g + k (16 .. 35) */
    S_UTCBF0 = 36,                          /* the UTCB frames of its threads: 36 .. 39 */
    S_SCRATCH0 = 40,                        /* copies the threads make: 40 .. 47 */
    S_RECV0 = 48,                           /* receive slots: 48 .. 55 */
};
#define S_GATE(g, k) (S_GATE0 + (g) * FZ_VARIANTS + (k))

/* Gate copy variants and their rights. */
static const unsigned variant_rights[FZ_VARIANTS] = {
    PECAN_RIGHT_READ | PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT,
    PECAN_RIGHT_WRITE,
    PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT,
    PECAN_RIGHT_READ,
    0,
};
/* A gate copy's badge names its gate and its rights, so a receiver can check them. */
#define BADGE_MAGIC 0x0A5A0000u
#define BADGE(g, rights) (BADGE_MAGIC | (pecan_word_t)(g) << 8 | (rights))
#define BADGE_IS_OURS(b) (((b) & 0xFFFF0000u) == BADGE_MAGIC)

/* Per fuzz thread state in the shared frame: written by the thread, read by the root. */
struct fz_thread {
    uint32_t rng;
    pecan_word_t utcb_va;
    pecan_cap_t self;                  /* its thread object in its capability space */
    unsigned index, task, local;
    volatile uint32_t ops, ipc, delivered, faults, fault_msgs, thread_ops, violations;
    volatile pecan_word_t viol_badge, viol_tag, viol_word;
};
struct fz_shared {
    volatile uint32_t stop;
    volatile uint32_t avoid;
    struct fz_thread th[FZ_THREADS];
};
#define SH ((struct fz_shared *)FZ_SHARED_VA)

/* A fuzz thread's entry (THREAD START with r0 = its state in the shared frame). */
void fz_main(struct fz_thread *me);

/* ======================================================================================
 * The fuzz threads (run in the tasks: only their stack and the shared frame are theirs)
 * ==================================================================================== */

/* What a thread received that wants an answer. */
enum { P_NONE, P_REQUEST, P_PAGE_FAULT, P_EXCEPTION };
struct fz_local {
    unsigned pending;
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT];   /* of an exception */
    pecan_word_t fault_address;
};

static inline uint32_t rnd(struct fz_thread *me)
{
    return xorshift32(&me->rng);
}

static inline struct pecan_utcb *fz_utcb(struct fz_thread *me)
{
    return (struct pecan_utcb *)me->utcb_va;
}

/* The system call with words 0-5 in registers and the rest written to (and read back
 * from) the thread's UTCB address: the kernel may no longer know that UTCB, or the frame
 * there may be gone (the write then faults to the pager, which maps a page). The words
 * after the message are poisoned first, so items the kernel did not write cannot pass
 * for delivered ones. */
static pecan_word_t fz_syscall(struct fz_thread *me, pecan_cap_t cap, pecan_word_t operation,
                               pecan_tag_t *tag, pecan_word_t *w, pecan_word_t *badge)
{
    unsigned n = pecan_message_length(*tag);
    struct pecan_utcb *u = fz_utcb(me);
    for (unsigned i = PECAN_MSG_REGISTERS; i < PECAN_UTCB_MESSAGE_WORDS; i++)
        u->message[i] = i < n ? w[i] : 0;
    pecan_word_t status = raw_ipc(cap, operation, tag, w, badge);
    unsigned got = pecan_message_length(*tag);
    for (unsigned i = PECAN_MSG_REGISTERS; i < got; i++)
        w[i] = u->message[i];
    return status;
}

/* A capability index: mostly a gate copy, else anything. */
static pecan_cap_t fz_gate_slot(struct fz_thread *me)
{
    uint32_t r = rnd(me) % 100;
    if (r < 88)
        return S_GATE(rnd(me) % FZ_GATES, rnd(me) % FZ_VARIANTS);
    if (r < 96)
        return rnd(me) % 64;
    return rnd(me);
}

static pecan_cap_t fz_thread_slot(struct fz_thread *me)
{
    return rnd(me) % 16 ? S_THREAD0 + rnd(me) % FZ_THREADS : rnd(me) % 64;
}

/* Threads with local index 0 lean towards serving (their gates are bound to them
 * mostly), the others towards calling: a send that finds no receiver waiting fails at
 * once (zero timeout), and a server waits until something comes. Any timeout is rounded
 * up to the next 10 ms tick, so long waits are rare. */
static bool fz_server(struct fz_thread *me)
{
    return me->local == 0;
}

static pecan_word_t fz_timeout(struct fz_thread *me, bool receiving)
{
    uint32_t r = rnd(me) % 100;
    if (receiving && fz_server(me))
        return r < 70 ? PECAN_TIMEOUT_NEVER : r < 90 ? pecan_timeout_us(1 + rnd(me) % 20000)
                                                     : PECAN_TIMEOUT_ZERO;
    return r < 85 ? PECAN_TIMEOUT_ZERO : r < 98 ? pecan_timeout_us(1 + rnd(me) % 20000)
                                                : PECAN_TIMEOUT_NEVER;
}

/* A typed item: a capability (of anything it holds) or memory (anywhere, any order). */
static void fz_item(struct fz_thread *me, pecan_word_t *w0, pecan_word_t *w1)
{
    uint32_t r = rnd(me) % 100;
    if (r < 50) {
        *w0 = PECAN_ITEM_CAP | (rnd(me) & 0xFu) << PECAN_ITEM_RIGHTS_SHIFT;
        *w1 = rnd(me) % 8 ? rnd(me) % 64 : rnd(me);
    } else if (r < 92) {
        unsigned order = rnd(me) % 4 ? 12 + rnd(me) % 5 : 12 + rnd(me) % 20;
        /* Mostly read-only (the receiver must not write into a sender's stack); the donor
         * area read-write. */
        pecan_word_t base = rnd(me) % 3 ? FZ_DONOR_VA + (rnd(me) % 16) * 0x1000u
                                        : (rnd(me) << 12);
        unsigned rights = PECAN_MAP_READ | (rnd(me) % 2 ? PECAN_MAP_EXECUTE : 0);
        if (base >= FZ_DONOR_VA && base < FZ_DONOR_VA + 0x10000u && order <= 16 && rnd(me) % 2)
            rights |= PECAN_MAP_WRITE;
        if (rnd(me) % 16 == 0)
            rights = rnd(me) & 0xFu;
        *w0 = PECAN_ITEM_MAP | rights << PECAN_ITEM_RIGHTS_SHIFT | order << PECAN_ITEM_ORDER_SHIFT;
        *w1 = base & ~((order >= 32 ? 0u : 1u << order) - 1u);
    } else {
        *w0 = rnd(me);
        *w1 = rnd(me);
    }
}

/* A random message: a label, up to 63 words and up to 63 items (far beyond 64 words). */
static pecan_tag_t fz_message(struct fz_thread *me, pecan_word_t *w, bool reply)
{
    uint32_t r = rnd(me) % 100;
    unsigned words = r < 45 ? rnd(me) % 7 : r < 90 ? rnd(me) % 64 : 63;
    r = rnd(me) % 100;
    unsigned items = r < 50 ? 0 : r < 85 ? 1 + rnd(me) % 3 : rnd(me) % 64;
    if (reply && (SH->avoid & FZ_AVOID_LONG_REPLY)) {   /* at most 6 words in all */
        words %= 7;
        items = items % 4;
        if (words + 2 * items > PECAN_MSG_REGISTERS)
            items = (PECAN_MSG_REGISTERS - words) / 2;
    }
    for (unsigned i = 0; i < words && i < PECAN_UTCB_MESSAGE_WORDS; i++)
        w[i] = rnd(me) % 4 ? rnd(me) % 64 : rnd(me);
    for (unsigned i = 0; i < items; i++) {
        unsigned at = words + 2 * i;
        if (at + 1 >= PECAN_UTCB_MESSAGE_WORDS)
            break;
        fz_item(me, &w[at], &w[at + 1]);
    }
    int label = rnd(me) % 8 ? (int)(rnd(me) % 64)
              : rnd(me) % 2 ? (int)(int16_t)rnd(me)
                            : (rnd(me) % 2 ? PECAN_LABEL_PAGE_FAULT : PECAN_LABEL_EXCEPTION);
    return pecan_tag(label, words, items);
}

static void fz_violation(struct fz_thread *me, pecan_word_t badge, pecan_tag_t tag,
                         pecan_word_t what)
{
    if (!me->violations++) {
        me->viol_badge = badge;
        me->viol_tag = tag;
        me->viol_word = what;
    }
}

/* Something arrived (a message through a gate, a fault message, a reply): check that the
 * gate copy it came through allowed it, and remember what wants an answer. */
static void fz_received(struct fz_thread *me, struct fz_local *l, pecan_word_t status,
                        pecan_tag_t tag, const pecan_word_t *w, pecan_word_t badge)
{
    if (status != PECAN_IPC_OK && status != PECAN_IPC_ITEM_FAILED)
        return;
    me->delivered++;
    if (!BADGE_IS_OURS(badge))
        return;   /* a reply, or a notification */
    unsigned rights = badge & 0xFu;
    int label = pecan_tag_label(tag);
    if (!(rights & PECAN_RIGHT_WRITE))
        fz_violation(me, badge, tag, 1);   /* sent through a copy without WRITE */
    unsigned words = pecan_tag_words(tag), items = pecan_tag_items(tag);
    for (unsigned i = 0; i < items && words + 2 * i + 1 < PECAN_UTCB_MESSAGE_WORDS; i++) {
        pecan_word_t w0 = w[words + 2 * i];
        if ((w0 & PECAN_ITEM_KIND_MASK) == PECAN_ITEM_CAP && (w0 >> PECAN_ITEM_RESULT_SHIFT) == 0 &&
            !(rights & PECAN_RIGHT_GRANT))
            fz_violation(me, badge, tag, 2);   /* a capability through a copy without GRANT */
    }
    if (label == PECAN_LABEL_PAGE_FAULT && words >= 2) {
        l->pending = P_PAGE_FAULT;
        l->fault_address = w[0];
        me->fault_msgs++;
    } else if (label == PECAN_LABEL_EXCEPTION && words >= 1 + PECAN_THREAD_REGISTER_COUNT) {
        l->pending = P_EXCEPTION;
        for (unsigned i = 0; i < PECAN_THREAD_REGISTER_COUNT; i++)
            l->regs[i] = w[1 + i];
        me->fault_msgs++;
    } else {
        l->pending = P_REQUEST;
    }
}

/* One IPC operation of any kind. */
static void fz_ipc(struct fz_thread *me, struct fz_local *l)
{
    static const pecan_word_t sending[] = {
        PECAN_OP_SEND, PECAN_OP_CALL, PECAN_OP_CALL, PECAN_OP_CALL,
        PECAN_OP_SEND | PECAN_OP_RECV | PECAN_OP_OPEN_WAIT, PECAN_OP_REPLY | PECAN_OP_SEND,
    };
    static const pecan_word_t receiving[] = {
        PECAN_OP_RECV, PECAN_OP_WAIT, PECAN_OP_WAIT, PECAN_OP_REPLY_WAIT,
    };
    pecan_word_t w[PECAN_UTCB_MESSAGE_WORDS];
    pecan_word_t op = rnd(me) % 100 < (fz_server(me) ? 25u : 85u)
                          ? sending[rnd(me) % (sizeof(sending) / sizeof(sending[0]))]
                          : receiving[rnd(me) % (sizeof(receiving) / sizeof(receiving[0]))];
    if (rnd(me) % 32 == 0)
        op = rnd(me) & 0xFFu;
    pecan_tag_t tag = fz_message(me, w, (op & PECAN_OP_REPLY) != 0);
    struct pecan_utcb *u = fz_utcb(me);
    u->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = rnd(me) % 6;
    for (unsigned i = 0; i < PECAN_UTCB_MAX_CAP_BUFFERS; i++)
        u->buffer[PECAN_UTCB_BUFFER_CAP_SLOTS + i] = rnd(me) % 16 ? S_RECV0 + rnd(me) % 8 : rnd(me) % 64;
    uint32_t r = rnd(me) % 16;
    u->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = r < 12 ? FZ_WINDOW | FZ_WINDOW_ORDER
                                            : r < 14 ? 0 : rnd(me);
    pecan_word_t badge = 0;
    me->ipc++;
    pecan_word_t timeout = fz_timeout(me, (op & PECAN_OP_RECV) && !(op & PECAN_OP_SEND));
    pecan_word_t status = fz_syscall(me, fz_gate_slot(me), op | timeout << PECAN_TIMEOUT_SHIFT,
                                     &tag, w, &badge);
    if (op & PECAN_OP_REPLY)
        l->pending = P_NONE;
    if (op & PECAN_OP_RECV)
        fz_received(me, l, status, tag, w, badge);
}

/* Answers what it received: mostly what a pager or exception handler would (a page at
 * the fault, the registers past the faulting instruction), else anything. */
static void fz_answer(struct fz_thread *me, struct fz_local *l)
{
    pecan_word_t w[PECAN_UTCB_MESSAGE_WORDS];
    pecan_tag_t tag;
    bool proper = rnd(me) % 100 < 65;
    if (proper && l->pending == P_PAGE_FAULT) {
        w[0] = PECAN_ITEM_MAP | (PECAN_MAP_READ | PECAN_MAP_WRITE) << PECAN_ITEM_RIGHTS_SHIFT |
               12u << PECAN_ITEM_ORDER_SHIFT;
        w[1] = FZ_DONOR_VA + (rnd(me) % 16) * 0x1000u;
        tag = pecan_tag(0, 0, 1);
    } else if (proper && l->pending == P_EXCEPTION) {
        for (unsigned i = 0; i < PECAN_THREAD_REGISTER_COUNT; i++)
            w[i] = l->regs[i];
        w[15] += 4;   /* past the undefined instruction */
        tag = pecan_tag(0, PECAN_THREAD_REGISTER_COUNT, 0);
        if (SH->avoid & FZ_AVOID_LONG_REPLY)
            tag = pecan_tag(0, 0, 0);
    } else {
        tag = fz_message(me, w, true);
        if (rnd(me) % 4 == 0)
            tag = pecan_tag(-(int)(rnd(me) % 40), pecan_tag_words(tag), pecan_tag_items(tag));
    }
    pecan_word_t badge = 0;
    bool and_wait = rnd(me) % 2;
    pecan_word_t op = and_wait ? PECAN_OP_REPLY_WAIT : PECAN_OP_REPLY | PECAN_OP_SEND;
    l->pending = P_NONE;
    me->ipc++;
    pecan_word_t status = fz_syscall(me, 0, op | fz_timeout(me, true) << PECAN_TIMEOUT_SHIFT, &tag, w,
                                     &badge);
    if (and_wait)
        fz_received(me, l, status, tag, w, badge);
}

/* A deliberate fault: the thread's pager or exception handler (a gate some fuzz thread
 * serves) gets it. */
static void fz_fault(struct fz_thread *me)
{
    uint32_t r = rnd(me) % 100;
    me->faults++;
    if (r < 55) {
        (void)*(volatile pecan_word_t *)(FZ_FAULT_VA + (rnd(me) % 16) * 0x1000u + (rnd(me) % 1024) * 4);
    } else if (r < 75) {
        *(volatile pecan_word_t *)(FZ_FAULT_VA + (rnd(me) % 16) * 0x1000u) = r;
    } else if (r < 97) {
        __asm__ volatile(".word 0xe7f000f0" ::: "memory");   /* undefined instruction */
    } else {
        (void)*(volatile pecan_word_t *)(FZ_WILD_VA + (rnd(me) & 0x0FFFFFFCu));
    }
}

/* Word i of the registers (r0-r12, sp, lr, pc, cpsr) of a thread it rewrites: what a
 * blocked thread's system call reads (capability, tag, operation, words 0-5). A thread
 * whose r2 holds one of our badges has just received a message and not yet run: rewriting
 * its tag and words would forge what it received (allowed: WRITE on a thread object lets one
 * set any register), which the receiver would count as a rights violation. Such a thread is
 * left alone; false then. */
static bool fz_rewrite(struct fz_thread *me, pecan_word_t *regs)
{
    if (BADGE_IS_OURS(regs[2]))
        return false;
    pecan_word_t w[PECAN_UTCB_MESSAGE_WORDS];
    pecan_tag_t tag = fz_message(me, w, false);
    if (rnd(me) % 2) {   /* a capability item through whatever gate it sends */
        tag = pecan_tag(pecan_tag_label(tag), rnd(me) % 3, 1 + rnd(me) % 2);
        unsigned at = pecan_tag_words(tag);
        w[at] = PECAN_ITEM_CAP | PECAN_RIGHTS_ALL << PECAN_ITEM_RIGHTS_SHIFT;
        w[at + 1] = S_THREAD0 + rnd(me) % FZ_THREADS;
    }
    if ((SH->avoid & FZ_AVOID_LONG_REWRITE) &&
        pecan_tag_words(tag) + 2 * pecan_tag_items(tag) > PECAN_MSG_REGISTERS)
        tag = pecan_tag(pecan_tag_label(tag), 2, 1);
    regs[1] = tag;
    for (unsigned i = 0; i < 6; i++)
        regs[3 + i] = w[i];
    if (rnd(me) % 8 == 0)
        regs[0] = fz_gate_slot(me);
    return true;
}

/* A THREAD operation on any fuzz thread (or any index). */
static void fz_thread_op(struct fz_thread *me)
{
    pecan_word_t w[PECAN_UTCB_MESSAGE_WORDS];
    pecan_cap_t t = fz_thread_slot(me);
    unsigned target = t - S_THREAD0;
    uint32_t r = rnd(me) % 100;
    pecan_tag_t tag;
    me->thread_ops++;
    if (r < 35) {   /* read, rewrite the message registers, write back */
        w[0] = PECAN_THREAD_READ_REGISTERS;
        tag = pecan_tag(PECAN_PROTO_THREAD, 1, 0);
        if (fz_syscall(me, t, PECAN_OP_CALL, &tag, w, NULL) != 0 || pecan_tag_label(tag) != 0 ||
            pecan_tag_words(tag) < PECAN_THREAD_REGISTER_COUNT)
            return;
        for (unsigned i = PECAN_THREAD_REGISTER_COUNT; i > 0; i--)
            w[i] = w[i - 1];
        if ((SH->avoid & FZ_AVOID_REWRITE) || !fz_rewrite(me, &w[1]))
            w[10] = rnd(me);   /* r9 only */
        w[0] = PECAN_THREAD_WRITE_REGISTERS;
        tag = pecan_tag(PECAN_PROTO_THREAD, 1 + PECAN_THREAD_REGISTER_COUNT, 0);
    } else if (r < 40) {
        w[0] = PECAN_THREAD_SUSPEND;
        tag = pecan_tag(PECAN_PROTO_THREAD, 1, 0);
    } else if (r < 62) {
        w[0] = PECAN_THREAD_RESUME;
        tag = pecan_tag(PECAN_PROTO_THREAD, 1, 0);
    } else if (r < 80) {   /* CONFIGURE: remove or give back its UTCB, change its pagers */
        for (unsigned i = 1; i <= 6; i++)
            w[i] = PECAN_CAP_UNCHANGED;
        w[0] = PECAN_THREAD_CONFIGURE;
        uint32_t k = rnd(me) % 3;
        if (k == 0 && !(SH->avoid & FZ_AVOID_NO_UTCB)) {
            w[3] = S_EMPTY;
        } else if (k == 1 && target < FZ_THREADS && target / FZ_PER_TASK == me->task) {
            w[3] = S_UTCBF0 + target % FZ_PER_TASK;
            w[4] = FZ_UTCB_FRAME_VA + (target % FZ_PER_TASK) * 0x1000u + FZ_UTCB_OFFSET;
        } else {
            unsigned v = rnd(me) % FZ_VARIANTS;
            if ((SH->avoid & FZ_AVOID_FAULT_RIGHTS) && !(variant_rights[v] & PECAN_RIGHT_WRITE))
                v = 0;
            w[5 + rnd(me) % 2] = S_GATE(rnd(me) % FZ_GATES, v);
        }
        tag = pecan_tag(PECAN_PROTO_THREAD, 7, 0);
    } else if (r < 88) {
        w[0] = PECAN_THREAD_SET_PRIORITY;
        w[1] = 40 + rnd(me) % 80;   /* below the director's 200 */
        tag = pecan_tag(PECAN_PROTO_THREAD, 2, 0);
    } else if (r < 94 && target < FZ_THREADS) {   /* start it afresh */
        w[0] = PECAN_THREAD_START;
        w[1] = (pecan_word_t)(uintptr_t)fz_main;
        w[2] = FZ_STACK_VA + (target % FZ_PER_TASK + 1) * FZ_STACK_SIZE;
        w[3] = (pecan_word_t)(uintptr_t)&SH->th[target];
        tag = pecan_tag(PECAN_PROTO_THREAD, 4, 0);
    } else {
        w[0] = PECAN_THREAD_READ_REGISTERS;
        tag = pecan_tag(PECAN_PROTO_THREAD, 1, 0);
    }
    fz_syscall(me, t, PECAN_OP_CALL, &tag, w, NULL);
}

/* A gate capability to set a no-clients watch through: mostly one with READ (the
 * director's full and READ-only copies), or one it received (a child of the sender's
 * copy: taking the watch over) or copied or moved to scratch, or anything. */
static pecan_cap_t fz_watch_slot(struct fz_thread *me)
{
    uint32_t r = rnd(me) % 10;
    if (r < 5)
        return S_GATE(rnd(me) % FZ_GATES, rnd(me) % 2 ? 0 : 3);
    if (r < 7)
        return S_RECV0 + rnd(me) % 8;
    if (r < 9)
        return S_SCRATCH0 + rnd(me) % 8;
    return fz_gate_slot(me);
}

/* Gate control: bind a gate to any thread, ask about it, or set, re-target, take over or
 * cancel its no-clients watch (mostly with the task's notification, else 0: cancel, or
 * anything). */
static void fz_gate_op(struct fz_thread *me)
{
    pecan_word_t w[PECAN_UTCB_MESSAGE_WORDS];
    pecan_tag_t tag;
    uint32_t r = rnd(me) % 6;
    if (r >= 4) {
        uint32_t which = rnd(me) % 8;
        w[0] = PECAN_GATE_SET_NO_CLIENTS;
        w[1] = which < 5 ? S_WATCH : which < 7 ? 0 : fz_gate_slot(me);
        w[2] = rnd(me) % 8 ? 1u << (rnd(me) % 32) : 0;
        tag = pecan_tag(PECAN_PROTO_GATE, 3, 0);
        fz_syscall(me, fz_watch_slot(me), PECAN_OP_CALL, &tag, w, NULL);
        return;
    }
    w[0] = r < 3 ? PECAN_GATE_BIND : PECAN_GATE_INFO;
    w[1] = fz_thread_slot(me);
    if (w[0] == PECAN_GATE_BIND && (SH->avoid & FZ_AVOID_REBIND))
        w[0] = PECAN_GATE_INFO;
    tag = pecan_tag(PECAN_PROTO_GATE, 2, 0);
    fz_syscall(me, fz_gate_slot(me), PECAN_OP_CALL, &tag, w, NULL);
}

/* Its own capability space: copies with fewer rights, moves (a watched gate capability
 * takes its watch along), deletes, revokes (capabilities it sent go with them, mid-call
 * or not). */
static void fz_cnode_op(struct fz_thread *me)
{
    pecan_word_t w[PECAN_UTCB_MESSAGE_WORDS];
    pecan_tag_t tag;
    uint32_t r = rnd(me) % 100;
    pecan_word_t scratch = rnd(me) % 2 ? S_SCRATCH0 + rnd(me) % 8 : S_RECV0 + rnd(me) % 8;
    if (r < 35) {
        w[0] = PECAN_CNODE_COPY;
        w[1] = S_SCRATCH0 + rnd(me) % 8;
        w[2] = 32;
        w[3] = S_CNODE;
        w[4] = rnd(me) % 4 ? fz_gate_slot(me) : S_THREAD0 + rnd(me) % FZ_THREADS;
        w[5] = 32;
        w[6] = rnd(me) & 0xFu;
        tag = pecan_tag(PECAN_PROTO_CNODE, 7, 0);
    } else if (r < 45) {
        w[0] = PECAN_CNODE_MOVE;
        w[1] = S_SCRATCH0 + rnd(me) % 8;
        w[2] = 32;
        w[3] = S_CNODE;
        w[4] = fz_gate_slot(me);
        w[5] = 32;
        tag = pecan_tag(PECAN_PROTO_CNODE, 6, 0);
    } else if (r < 75) {
        w[0] = PECAN_CNODE_DELETE;
        w[1] = rnd(me) % 16 ? scratch : fz_gate_slot(me);
        w[2] = 32;
        tag = pecan_tag(PECAN_PROTO_CNODE, 3, 0);
    } else {
        w[0] = PECAN_CNODE_REVOKE;
        w[1] = rnd(me) % 2 ? scratch : fz_gate_slot(me);
        w[2] = 32;
        tag = pecan_tag(PECAN_PROTO_CNODE, 3, 0);
    }
    fz_syscall(me, S_CNODE, PECAN_OP_CALL, &tag, w, NULL);
}

/* Its own address space: unmaps the fault zone, the receive window, or UTCB frames (the
 * kernel still has the frame; the thread's next UTCB access faults to its pager). */
static void fz_vspace_op(struct fz_thread *me)
{
    pecan_word_t w[PECAN_UTCB_MESSAGE_WORDS];
    uint32_t r = rnd(me) % 100;
    w[0] = PECAN_VSPACE_UNMAP;
    w[3] = rnd(me) % 2 ? PECAN_UNMAP_OWN : 0;
    if (r < 40) {
        w[1] = FZ_FAULT_VA;
        w[2] = 16;
    } else if (r < 80) {
        w[1] = FZ_WINDOW;
        w[2] = FZ_WINDOW_ORDER;
    } else {
        w[1] = FZ_UTCB_FRAME_VA + (rnd(me) % FZ_PER_TASK) * 0x1000u;
        w[2] = 12;
    }
    pecan_tag_t tag = pecan_tag(PECAN_PROTO_VSPACE, 4, 0);
    fz_syscall(me, S_VSPACE, PECAN_OP_CALL, &tag, w, NULL);
}

static void fz_step(struct fz_thread *me, struct fz_local *l)
{
    if (l->pending != P_NONE && rnd(me) % 100 < 70) {
        fz_answer(me, l);
        return;
    }
    uint32_t r = rnd(me) % 100;
    if (r < 56)
        fz_ipc(me, l);
    else if (r < 60)
        fz_fault(me);
    else if (r < 76)
        fz_thread_op(me);
    else if (r < 82)
        fz_gate_op(me);
    else if (r < 94)
        fz_cnode_op(me);
    else
        fz_vspace_op(me);
}

void fz_main(struct fz_thread *me)
{
    struct fz_local l = { .pending = P_NONE };
    for (;;) {
        if (SH->stop) {
            for (;;)
                pecan_thread_suspend(me->self);
        }
        fz_step(me, &l);
        me->ops++;
    }
}

/* ======================================================================================
 * The director (the root task)
 * ==================================================================================== */

/* A task: an address space with the root's code and a capability space of its own. */
struct fz_task {
    pecan_cap_t vspace, page_table, stack, donor, pool[2];
    pecan_cap_t cnode, space;    /* its CNode and the guarded copy that is its space */
    pecan_cap_t text_first;      /* copies of the root's code frames */
    unsigned text_count;
};

struct fz_gate {
    pecan_cap_t untyped, master;
    pecan_cap_t copy[FZ_VARIANTS];   /* root's badged copies (minted from the master) */
    bool alive;
};

struct fz_thr {
    pecan_cap_t untyped;         /* 8 KiB, split: the UTCB frame, then the thread object after
                                    it */
    pecan_cap_t ut_frame, ut_thread;
    pecan_cap_t frame, thread;
    bool frame_alive, thread_alive;
    uint32_t last_ops;
    unsigned idle_steps;
};

struct fz_stats {
    unsigned steps, kills, frame_kills, gate_kills, gate_revokes, utcb_removals, rewrites,
        suspends, moves, rebinds, restarts, checks, problems;
};

static struct fz_task tasks[FZ_TASKS];
static struct fz_gate gates[FZ_GATES];
static struct fz_thr thr[FZ_THREADS];
static struct fz_stats st;
static pecan_cap_t watch_notification;   /* the tasks' S_WATCH */
static uint32_t root_rng;
static pecan_word_t online_mask;
static unsigned cpu_count;
static uint32_t avoid;

static uint32_t rr(void)
{
    return xorshift32(&root_rng);
}

static unsigned task_of(unsigned j)
{
    return j / FZ_PER_TASK;
}

static pecan_word_t utcb_frame_va(unsigned j)
{
    return FZ_UTCB_FRAME_VA + (j % FZ_PER_TASK) * 0x1000u;
}

static int task_put(unsigned t, unsigned slot, pecan_cap_t src, unsigned rights)
{
    return pecan_cnode_copy(tasks[t].cnode, slot, FZ_RADIX, ROOT, src, ROOT_DEPTH, rights);
}

/* Rights a task gets to thread j: its own threads all, others' mostly all. */
static unsigned thread_rights(unsigned t, unsigned j)
{
    if (task_of(j) == t)
        return PECAN_RIGHTS_ALL;
    static const unsigned others[] = { PECAN_RIGHTS_ALL, PECAN_RIGHTS_ALL,
                                       PECAN_RIGHT_READ | PECAN_RIGHT_WRITE, PECAN_RIGHT_READ, 0 };
    return others[(t * 7 + j * 3) % 5];
}

/* Puts back what the tasks lost (their threads delete and revoke): EEXIST otherwise. */
static void redistribute(void)
{
    for (unsigned t = 0; t < FZ_TASKS; t++) {
        task_put(t, S_WATCH, watch_notification, PECAN_RIGHT_WRITE);
        for (unsigned g = 0; g < FZ_GATES; g++) {
            for (unsigned k = 0; k < FZ_VARIANTS && gates[g].alive; k++)
                task_put(t, S_GATE(g, k), gates[g].copy[k], PECAN_RIGHTS_ALL);
        }
        for (unsigned j = 0; j < FZ_THREADS; j++) {
            if (thr[j].thread_alive)
                task_put(t, S_THREAD0 + j, thr[j].thread, thread_rights(t, j));
            if (thr[j].frame_alive && task_of(j) == t)
                task_put(t, S_UTCBF0 + j % FZ_PER_TASK, thr[j].frame, PECAN_RIGHTS_ALL);
        }
    }
}

/* A thread to bind a gate to: mostly a server (local index 0). */
static unsigned server_pick(void)
{
    return rr() % 4 ? (rr() % FZ_TASKS) * FZ_PER_TASK : rr() % FZ_THREADS;
}

/* A gate from its own untyped: master, badged copies in the root, copies in every task,
 * bound to a random living thread. */
static int gate_make(unsigned g)
{
    struct fz_gate *gate = &gates[g];
    int err = pecan_untyped_retype(gate->untyped, PECAN_OBJ_GATE, 0, 1, ROOT, gate->master);
    for (unsigned k = 0; k < FZ_VARIANTS && !err; k++)
        err = cap_mint(gate->copy[k], gate->master, variant_rights[k],
                       BADGE(g, variant_rights[k]));
    if (err)
        return err;
    gate->alive = true;
    for (unsigned t = 0; t < FZ_TASKS; t++) {
        for (unsigned k = 0; k < FZ_VARIANTS; k++)
            task_put(t, S_GATE(g, k), gate->copy[k], PECAN_RIGHTS_ALL);
    }
    unsigned j = server_pick();
    if (thr[j].thread_alive)
        pecan_gate_bind(gate->master, thr[j].thread);
    return 0;
}

/* A gate copy for a pager or exception handler: mostly one that may send. */
static pecan_cap_t pager_copy(void)
{
    unsigned g = rr() % FZ_GATES, k = rr() % 10 < 7 ? rr() % 3 : 3 + rr() % 2;
    if ((avoid & FZ_AVOID_FAULT_RIGHTS) && !(variant_rights[k] & PECAN_RIGHT_WRITE))
        k = 0;
    return gates[g].alive ? gates[g].copy[k] : 0;
}

/* (Re)makes what thread j lost and starts it at fz_main, on a random CPU. */
static int thread_restart(unsigned j)
{
    struct fz_thr *h = &thr[j];
    unsigned t = task_of(j), i = j % FZ_PER_TASK;
    int err = 0;
    if (!h->frame_alive) {
        err = pecan_untyped_retype(h->ut_frame, PECAN_OBJ_FRAME, 12, 1, ROOT, h->frame);
        if (err)
            return err;
        h->frame_alive = true;
        task_put(t, S_UTCBF0 + i, h->frame, PECAN_RIGHTS_ALL);
    }
    if (!h->thread_alive) {
        err = pecan_untyped_retype(h->ut_thread, PECAN_OBJ_THREAD, 0, 1, ROOT, h->thread);
        if (err)
            return err;
        h->thread_alive = true;
        for (unsigned u = 0; u < FZ_TASKS; u++)
            task_put(u, S_THREAD0 + j, h->thread, thread_rights(u, j));
    }
    pecan_thread_suspend(h->thread);
    /* The UTCB frame back at its place (a pager may have mapped something there). */
    pecan_vspace_unmap(tasks[t].vspace, utcb_frame_va(j), 12, PECAN_UNMAP_OWN);
    err = pecan_vspace_map_frame(tasks[t].vspace, h->frame, utcb_frame_va(j),
                                 PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
    if (err && err != -PECAN_EMAPPED)
        return err;
    err = pecan_thread_configure(h->thread, tasks[t].space, tasks[t].vspace, h->frame,
                                 utcb_frame_va(j) + FZ_UTCB_OFFSET, pager_copy(), pager_copy());
    if (err)
        return err;
    err = pecan_sched_run_thread(PECAN_ROOT_SCHEDULER, h->thread, 40 + rr() % 80,
                                 rr() % 4 ? 1u << (rr() % cpu_count) : online_mask, 0);
    if (err)
        return err;
    struct fz_thread *me = &SH->th[j];
    me->utcb_va = utcb_frame_va(j) + FZ_UTCB_OFFSET;
    me->self = S_THREAD0 + j;
    me->index = j;
    me->task = t;
    me->local = i;
    h->idle_steps = 0;
    h->last_ops = me->ops;
    return pecan_thread_start(h->thread, (pecan_word_t)(uintptr_t)fz_main,
                              FZ_STACK_VA + (i + 1) * FZ_STACK_SIZE, (pecan_word_t)(uintptr_t)me);
}

static int task_setup(unsigned t, pecan_cap_t shared)
{
    struct fz_task *ft = &tasks[t];
    ft->vspace = obj_new(PECAN_OBJ_VSPACE, 0);
    ft->page_table = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    ft->stack = obj_new(PECAN_OBJ_FRAME, 16);
    ft->donor = obj_new(PECAN_OBJ_FRAME, 16);
    ft->cnode = obj_new(PECAN_OBJ_CNODE, FZ_RADIX);
    ft->space = slot_alloc();
    pecan_cap_t shared_copy = slot_alloc();
    if (!ft->vspace || !ft->page_table || !ft->stack || !ft->donor || !ft->cnode || !ft->space ||
        !shared_copy)
        return -PECAN_ENOMEM;
    int err = pecan_vspace_map_page_table(ft->vspace, ft->page_table, 0);
    if (!err)
        err = map_root_text(ft->vspace, &ft->text_first, &ft->text_count);
    if (!err)
        err = pecan_vspace_map_frame(ft->vspace, ft->stack, FZ_STACK_VA,
                                     PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
    if (!err)
        err = pecan_vspace_map_frame(ft->vspace, ft->donor, FZ_DONOR_VA,
                                     PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
    if (!err)
        err = cap_copy(shared_copy, shared, PECAN_RIGHTS_ALL);
    if (!err)
        err = pecan_vspace_map_frame(ft->vspace, shared_copy, FZ_SHARED_VA,
                                     PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
    for (unsigned k = 0; k < 2 && !err; k++) {
        ft->pool[k] = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
        err = ft->pool[k] ? pecan_vspace_donate_page_table(ft->vspace, ft->pool[k])
                          : -PECAN_ENOMEM;
    }
    if (!err)
        err = cap_mint_cspace(ft->space, ft->cnode, FZ_RADIX);
    if (!err)
        err = task_put(t, S_CNODE, ft->space, PECAN_RIGHTS_ALL);
    if (!err)
        err = task_put(t, S_VSPACE, ft->vspace, PECAN_RIGHTS_ALL);
    return err;
}

static int thread_setup(unsigned j)
{
    struct fz_thr *h = &thr[j];
    pecan_cap_t halves = slots_alloc(2);
    h->untyped = ut_alloc(13);
    h->frame = slot_alloc();
    h->thread = slot_alloc();
    if (!halves || !h->untyped || !h->frame || !h->thread)
        return -PECAN_ENOMEM;
    /* The UTCB is the last 512 bytes of its frame, and the thread object is the page after
     * it. */
    int err = pecan_untyped_retype(h->untyped, PECAN_OBJ_UNTYPED, 12, 2, ROOT, halves);
    h->ut_frame = halves;
    h->ut_thread = halves + 1;
    return err;
}

static int setup(uint32_t seed)
{
    int err = pecan_sched_info(PECAN_ROOT_SCHEDULER, &cpu_count, &online_mask, NULL);
    if (!err)   /* the director outranks every fuzz thread, on CPU 0 */
        err = pecan_sched_run_thread(PECAN_ROOT_SCHEDULER, PECAN_ROOT_THREAD, 200, 1, 0);
    pecan_cap_t shared = obj_new(PECAN_OBJ_FRAME, 12);
    watch_notification = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    if (!err && (!shared || !watch_notification))
        err = -PECAN_ENOMEM;
    if (!err)
        err = pecan_vspace_map_frame(PECAN_ROOT_VSPACE, shared, FZ_SHARED_VA,
                                     PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
    if (err)
        return err;
    struct fz_shared *sh = SH;
    memset(sh, 0, sizeof(*sh));
    sh->avoid = avoid;
    for (unsigned j = 0; j < FZ_THREADS; j++) {
        uint32_t s = seed ^ (0x9E3779B9u * (j + 1));
        sh->th[j].rng = s ? s : 1;
    }
    for (unsigned t = 0; t < FZ_TASKS && !err; t++) {
        err = task_setup(t, shared);
        if (!err)
            err = task_put(t, S_WATCH, watch_notification, PECAN_RIGHT_WRITE);
    }
    for (unsigned j = 0; j < FZ_THREADS && !err; j++)
        err = thread_setup(j);
    for (unsigned g = 0; g < FZ_GATES && !err; g++) {
        gates[g].untyped = ut_alloc(12);
        gates[g].master = slot_alloc();
        pecan_cap_t copies = slots_alloc(FZ_VARIANTS);
        for (unsigned k = 0; k < FZ_VARIANTS; k++)
            gates[g].copy[k] = copies + k;
        err = gates[g].untyped ? gate_make(g) : -PECAN_ENOMEM;
    }
    for (unsigned j = 0; j < FZ_THREADS && !err; j++)
        err = thread_restart(j);
    for (unsigned g = 0; g < FZ_GATES && !err; g++)   /* bound now that threads exist */
        err = pecan_gate_bind(gates[g].master, thr[(g % FZ_TASKS) * FZ_PER_TASK].thread);
    return err;
}

/* The director's harm of one tick. */
static void chaos(void)
{
    unsigned j = rr() % FZ_THREADS, g = rr() % FZ_GATES;
    struct fz_thr *h = &thr[j];
    uint32_t r = rr() % 100;
    st.steps++;
    if (r < 6) {                                   /* destroy a thread, whatever it does */
        cap_revoke(h->ut_thread);
        h->thread_alive = false;
        st.kills++;
    } else if (r < 10) {                           /* destroy its UTCB frame */
        if (!(avoid & FZ_AVOID_NO_UTCB)) {
            cap_revoke(h->ut_frame);
            h->frame_alive = false;
            st.frame_kills++;
        }
    } else if (r < 14) {                           /* destroy a gate, callers queued */
        unsigned to = server_pick();
        if (rr() % 2 && gates[g].alive && thr[to].thread_alive && !(avoid & FZ_AVOID_REBIND))
            pecan_gate_bind(gates[g].master, thr[to].thread);   /* just rebound */
        cap_revoke(gates[g].untyped);
        gates[g].alive = false;
        st.gate_kills++;
        gate_make(g);
    } else if (r < 20) {                           /* revoke every copy of a gate */
        if (gates[g].alive) {
            cap_revoke(gates[g].master);
            for (unsigned k = 0; k < FZ_VARIANTS; k++)
                cap_mint(gates[g].copy[k], gates[g].master, variant_rights[k],
                         BADGE(g, variant_rights[k]));
            st.gate_revokes++;
        }
    } else if (r < 30) {                           /* remove a UTCB */
        if (h->thread_alive && !(avoid & FZ_AVOID_NO_UTCB)) {
            pecan_thread_configure(h->thread, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED, 0, 0,
                                   PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED);
            st.utcb_removals++;
        }
    } else if (r < 45) {                           /* rewrite what it is sending */
        pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT];
        if (h->thread_alive && !(avoid & FZ_AVOID_REWRITE) &&
            pecan_thread_read_registers(h->thread, regs) == 0) {
            /* As a fuzz thread would, with the root's generator standing in for its own. */
            struct fz_thread fake = { .rng = rr() | 1 };
            if (fz_rewrite(&fake, regs)) {
                pecan_thread_write_registers(h->thread, regs);
                st.rewrites++;
            }
        }
    } else if (r < 55) {                           /* suspend, or resume */
        if (h->thread_alive) {
            if (rr() % 2)
                pecan_thread_suspend(h->thread);
            else
                pecan_thread_resume(h->thread);
            st.suspends++;
        }
    } else if (r < 65) {                           /* move it to another CPU */
        if (h->thread_alive) {
            pecan_sched_run_thread(PECAN_ROOT_SCHEDULER, h->thread, 40 + rr() % 80,
                                   1u << (rr() % cpu_count), 0);
            st.moves++;
        }
    } else if (r < 75) {                           /* rebind a gate */
        unsigned to = server_pick();
        if (gates[g].alive && thr[to].thread_alive && !(avoid & FZ_AVOID_REBIND)) {
            pecan_gate_bind(gates[g].master, thr[to].thread);
            st.rebinds++;
        }
    } else if (r < 85) {                           /* new pager and exception handler */
        if (h->thread_alive)
            pecan_thread_configure(h->thread, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                                   PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED, pager_copy(),
                                   pager_copy());
    } else {                                       /* restart it where it is */
        if (thread_restart(j) == 0)
            st.restarts++;
    }
}

static uint32_t total_ops(void)
{
    uint32_t n = 0;
    for (unsigned j = 0; j < FZ_THREADS; j++)
        n += SH->th[j].ops;
    return n;
}

static uint32_t total(size_t offset)
{
    uint32_t n = 0;
    for (unsigned j = 0; j < FZ_THREADS; j++)
        n += *(volatile uint32_t *)((char *)&SH->th[j] + offset);
    return n;
}
#define TOTAL(field) total(__builtin_offsetof(struct fz_thread, field))

/* Threads that made no progress for a while are stuck (stopped by a fault, blocked for
 * good, running off somewhere after a rewrite): bring them back. Dead ones too. */
#define FZ_IDLE_TICKS 3u              /* ticks without progress before a restart */
static void revive(void)
{
    for (unsigned j = 0; j < FZ_THREADS; j++) {
        struct fz_thr *h = &thr[j];
        uint32_t ops = SH->th[j].ops;
        if (ops != h->last_ops && h->thread_alive && h->frame_alive) {
            h->last_ops = ops;
            h->idle_steps = 0;
            continue;
        }
        if (++h->idle_steps >= FZ_IDLE_TICKS && thread_restart(j) == 0)
            st.restarts++;
    }
}

static unsigned first_problem_ops, first_violation_ops;

static void check(void)
{
    pecan_word_t problems = 0;
    st.checks++;
    if (pecan_debug_check(PECAN_ROOT_LOG, &problems) != 0 || problems) {
        if (!st.problems)
            first_problem_ops = total_ops();
        st.problems += problems ? (unsigned)problems : 1;
        if (!first_problem_ops)
            first_problem_ops = 1;
        pecan_printf("kfuzz: invariant checker: %u problems after %u operations\n",
                     (unsigned)problems, (unsigned)total_ops());
    }
}

static void report_violations(void)
{
    static bool reported;
    if (reported)
        return;
    for (unsigned j = 0; j < FZ_THREADS; j++) {
        struct fz_thread *me = &SH->th[j];
        if (!me->violations)
            continue;
        reported = true;
        first_violation_ops = total_ops();
        pecan_printf("kfuzz: rights violation after about %u operations: thread %u received "
                     "%s through badge %x (rights %x), tag %x\n", first_violation_ops, j,
                     me->viol_word == 1 ? "a message" : "a capability item",
                     (unsigned)me->viol_badge, (unsigned)(me->viol_badge & 0xFu),
                     (unsigned)me->viol_tag);
        return;
    }
}

/* The watchdog: a thread of the root's (above the director, on the last CPU) that ends the
 * run if the director stops making progress, which only a corrupt kernel can make it do
 * (it makes no call that blocks). It runs the invariant checker once more and powers off
 * with a failure, so the log says what happened instead of a timeout. */
static volatile uint32_t director_ticks;
#define WATCHDOG_SECONDS 5u

static void watchdog(struct helper *h)
{
    (void)h;
    uint32_t last = director_ticks;
    unsigned still = 0;
    for (;;) {
        pecan_sleep_us(500000);
        if (director_ticks != last) {
            last = director_ticks;
            still = 0;
            continue;
        }
        if (++still < 2 * WATCHDOG_SECONDS)
            continue;
        pecan_printf("kfuzz: the director stopped after %u operations (kernel corrupt?)\n",
                     (unsigned)total_ops());
        pecan_word_t problems = 0;
        pecan_debug_check(PECAN_ROOT_LOG, &problems);
        pecan_printf("kfuzz: result ops=%u ipc=%u ms=0 checks=0 problems=%u violations=%u "
                     "seed=0 director=stopped\n", (unsigned)total_ops(),
                     (unsigned)TOTAL(ipc), (unsigned)problems, (unsigned)TOTAL(violations));
        pecan_debug_exit(PECAN_ROOT_LOG, 1);
    }
}

#define FZ_DEFAULT_SEED 0x6B667A31u   /* "kfz1" */
#define FZ_DEFAULT_OPS 200000u
#define FZ_DEFAULT_SECONDS 60u
#define FZ_REPORT_NS 250000000ull    /* progress lines: a panic's operation count */
#define FZ_CHECK_EVERY 4u             /* ticks between invariant checks */


UTEST(kernel_fuzz)
{
    uint32_t seed = (uint32_t)cmdline_number("kfuzz_seed", FZ_DEFAULT_SEED);
    uint32_t ops_wanted = (uint32_t)cmdline_number("kfuzz_ops", FZ_DEFAULT_OPS);
    unsigned seconds = (unsigned)cmdline_number("kfuzz_seconds", FZ_DEFAULT_SECONDS);
    avoid = (uint32_t)cmdline_number("kfuzz_avoid", 0);
    root_rng = seed ? seed : 1;
    pecan_printf("kfuzz: seed %u (replay with kfuzz_seed=%u), %u operations or %u s, "
                 "avoid mask %u\n", (unsigned)seed, (unsigned)seed, (unsigned)ops_wanted,
                 seconds, (unsigned)avoid);
    extern const char __text_end[];
    REQUIRE((uintptr_t)__text_end <= FZ_DONOR_VA);
    struct fz_shared *sh = SH;
    REQUIRE_OK(setup(seed));
    struct helper dog;
    REQUIRE_OK(helper_create(&dog, watchdog, 210));
    REQUIRE_OK(pecan_sched_run_thread(PECAN_ROOT_SCHEDULER, dog.thread, 210,
                                      1u << (cpu_count - 1), 0));
    REQUIRE_OK(helper_start(&dog));
    struct pecan_cap_identity id;
    if (cap_identify(PECAN_ROOT_THREAD, &id) == 0)
        pecan_printf("# kfuzz: director thread at phys %x, fuzz threads at", (unsigned)id.phys);
    for (unsigned j = 0; j < FZ_THREADS; j++) {
        if (cap_identify(thr[j].thread, &id) == 0)
            pecan_printf(" %x", (unsigned)id.phys);
    }
    pecan_printf("\n");
    CHECK_CLEAN();
    uint64_t start = now_ns(), next_report = start + FZ_REPORT_NS;
    uint64_t deadline = start + (uint64_t)seconds * 1000000000ull;
    for (unsigned tick = 1;; tick++) {
        pecan_sleep_us(1000);   /* one tick: the fuzz threads on CPU 0 run meanwhile */
        director_ticks = tick;
        chaos();
        revive();
        if (tick % 50 == 0)
            redistribute();
        if (tick % FZ_CHECK_EVERY == 0)
            check();
        report_violations();
        uint64_t now = now_ns();
        uint32_t ops = total_ops();
        if (now >= next_report) {
            pecan_printf("# kfuzz: %u ms, %u operations, %u IPC, %u faults\n",
                         (unsigned)((now - start) / 1000000u), (unsigned)ops,
                         (unsigned)TOTAL(ipc), (unsigned)TOTAL(faults));
            next_report += FZ_REPORT_NS;
        }
        if (ops >= ops_wanted || now >= deadline)
            break;
    }
    sh->stop = 1;
    for (unsigned j = 0; j < FZ_THREADS; j++) {
        if (thr[j].thread_alive)
            pecan_thread_suspend(thr[j].thread);
    }
    check();
    report_violations();
    CHECK_OK(pecan_thread_suspend(dog.thread));
    uint32_t ops = total_ops();
    unsigned ms = (unsigned)((now_ns() - start) / 1000000u);
    pecan_printf("# kfuzz: %u IPC (%u delivered), %u faults made, %u fault messages served, "
                 "%u thread operations\n", (unsigned)TOTAL(ipc), (unsigned)TOTAL(delivered),
                 (unsigned)TOTAL(faults), (unsigned)TOTAL(fault_msgs),
                 (unsigned)TOTAL(thread_ops));
    pecan_printf("# kfuzz: director: %u steps, %u threads destroyed, %u UTCB frames destroyed, "
                 "%u gates destroyed, %u gate revokes, %u UTCBs removed, %u rewrites, "
                 "%u suspends/resumes, %u moves, %u rebinds, %u restarts\n", st.steps,
                 st.kills, st.frame_kills, st.gate_kills, st.gate_revokes, st.utcb_removals,
                 st.rewrites, st.suspends, st.moves, st.rebinds, st.restarts);
    pecan_printf("# kfuzz: operations per thread:");
    for (unsigned j = 0; j < FZ_THREADS; j++)
        pecan_printf(" %u", (unsigned)SH->th[j].ops);
    pecan_printf("; idle ms per CPU:");
    for (unsigned c = 0; c < cpu_count; c++) {
        uint64_t ns = 0;
        pecan_sched_idle_time(PECAN_ROOT_SCHEDULER, c, &ns);
        pecan_printf(" %u", (unsigned)(ns / 1000000u));
    }
    pecan_printf("\n");
    unsigned violations = TOTAL(violations);
    pecan_printf("kfuzz: result ops=%u ipc=%u ms=%u checks=%u problems=%u violations=%u "
                 "seed=%u\n", (unsigned)ops, (unsigned)TOTAL(ipc), ms, st.checks, st.problems,
                 violations, (unsigned)seed);
    CHECK_EQ(st.problems, 0);
    CHECK_EQ(violations, 0);
    CHECK(ops > 1000);
    if (!st.problems && !violations)
        pecan_printf("kfuzz: %u operations, kernel intact\n", (unsigned)ops);
    /* Everything else goes with the untyped of the case; these refer to the boot image. */
    for (unsigned t = 0; t < FZ_TASKS; t++) {
        for (unsigned i = 0; i < tasks[t].text_count; i++)
            CHECK_OK(cap_delete(tasks[t].text_first + i));
    }
}
