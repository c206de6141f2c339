/* SPDX-License-Identifier: MIT */
/*
 * The system call from user space (register convention in pecan/syscall.h): message
 * words 0-5 travel in r3-r8, more in the UTCB. pecan_utcb() finds the calling thread's
 * UTCB through TPIDRURO, which the kernel sets on every switch.
 */
#ifndef PECAN_INVOKE_H
#define PECAN_INVOKE_H

#include <pecan/errors.h>
#include <pecan/syscall.h>
#include <pecan/utcb.h>

struct pecan_message {
    pecan_tag_t tag;
    pecan_word_t word[PECAN_UTCB_MESSAGE_WORDS];
};

struct pecan_reply {
    pecan_word_t ipc_status;     /* r0: PECAN_IPC_* */
    pecan_tag_t tag;             /* label: result */
    pecan_word_t badge;
};

static inline struct pecan_utcb *pecan_utcb(void)
{
    pecan_word_t v;
    __asm__("mrc p15, 0, %0, c13, c0, 3" : "=r"(v));
    return (struct pecan_utcb *)v;
}

/* Untyped words plus two per typed item, as far as the UTCB holds them. */
static inline unsigned pecan_message_length(pecan_tag_t tag)
{
    unsigned n = pecan_tag_words(tag) + 2 * pecan_tag_items(tag);
    return n > PECAN_UTCB_MESSAGE_WORDS ? PECAN_UTCB_MESSAGE_WORDS : n;
}

/*
 * Invokes cap with operation (PECAN_OP_* flags, timeout in bits 8-31) and the message in
 * msg (words and items); the reply's words and items replace msg->word. Everything beyond
 * the sixth word goes through the UTCB.
 */
static inline struct pecan_reply pecan_invoke(pecan_cap_t cap, pecan_word_t operation,
                                              struct pecan_message *msg)
{
    unsigned words = pecan_message_length(msg->tag);
    struct pecan_utcb *utcb = words > PECAN_MSG_REGISTERS ? pecan_utcb() : 0;
    for (unsigned i = PECAN_MSG_REGISTERS; i < words; i++)
        utcb->message[i] = msg->word[i];
    register pecan_word_t r0 __asm__("r0") = cap;
    register pecan_word_t r1 __asm__("r1") = msg->tag;
    register pecan_word_t r2 __asm__("r2") = operation;
    register pecan_word_t r3 __asm__("r3") = msg->word[0];
    register pecan_word_t r4 __asm__("r4") = msg->word[1];
    register pecan_word_t r5 __asm__("r5") = msg->word[2];
    register pecan_word_t r6 __asm__("r6") = msg->word[3];
    register pecan_word_t r7 __asm__("r7") = msg->word[4];
    register pecan_word_t r8 __asm__("r8") = msg->word[5];
    __asm__ volatile("svc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6),
                       "+r"(r7), "+r"(r8)
                     :
                     : "memory");
    msg->tag = r1;
    msg->word[0] = r3;
    msg->word[1] = r4;
    msg->word[2] = r5;
    msg->word[3] = r6;
    msg->word[4] = r7;
    msg->word[5] = r8;
    unsigned reply_words = pecan_message_length(r1);
    if (reply_words > PECAN_MSG_REGISTERS) {
        utcb = pecan_utcb();
        for (unsigned i = PECAN_MSG_REGISTERS; i < reply_words; i++)
            msg->word[i] = utcb->message[i];
    }
    return (struct pecan_reply){ r0, r1, r2 };
}

/*
 * Invokes cap with the message where the UTCB holds it (utcb->message: words, then items)
 * and tag; the reply's words and items replace it there. Words 0-5 travel in registers,
 * loaded from and stored back to the UTCB with one block transfer each; the rest stays
 * where it is. For a stub that builds its message in place: nothing is copied twice.
 */
static inline struct pecan_reply pecan_invoke_utcb(pecan_cap_t cap, pecan_word_t operation,
                                                   pecan_tag_t tag, struct pecan_utcb *utcb)
{
    register pecan_word_t r0 __asm__("r0") = cap;
    register pecan_word_t r1 __asm__("r1") = tag;
    register pecan_word_t r2 __asm__("r2") = operation;
    __asm__ volatile("ldm %[message], {r3-r8}\n\t"
                     "svc #0\n\t"
                     "stm %[message], {r3-r8}"
                     : "+r"(r0), "+r"(r1), "+r"(r2)
                     : [message] "r"(utcb->message)
                     : "r3", "r4", "r5", "r6", "r7", "r8", "memory");
    return (struct pecan_reply){ r0, r1, r2 };
}

/* The error of a call: a failed IPC's status folded in (PECAN_IPC_ERROR, pecan/errors.h),
 * else the label. An unresolvable selector has the label -PECAN_EINVALCAP, which says more. */
static inline int pecan_error(struct pecan_reply reply)
{
    if ((reply.ipc_status | reply.tag >> 16) == 0)
        return 0;   /* the common case, in one test */
    if (reply.ipc_status && reply.ipc_status != PECAN_IPC_BAD_SELECTOR)
        return PECAN_IPC_ERROR(reply.ipc_status);
    return pecan_tag_label(reply.tag);
}

#endif
