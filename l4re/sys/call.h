/* SPDX-License-Identifier: MIT */
/*
 * The body of pecan_call (pecan/sys.h), inline for the bindings in this folder: with a
 * constant word count and no reply words, a binding compiles to its register loads, one
 * store per UTCB word, the svc and the error check, without the generic function's
 * loops and branches on the count (about 40 instructions a call). Private to l4re/sys.
 */
#ifndef PECAN_SYS_CALL_H
#define PECAN_SYS_CALL_H

#include <pecan/sys.h>

static inline int sys_call(pecan_cap_t cap, int protocol, unsigned n, const pecan_word_t *words,
                           pecan_word_t *out, unsigned out_max)
{
    if (n > PECAN_MSG_REGISTERS) {
        struct pecan_utcb *utcb = pecan_utcb();
        for (unsigned i = PECAN_MSG_REGISTERS; i < n; i++)
            utcb->message[i] = words[i];
    }
    register pecan_word_t r0 __asm__("r0") = cap;
    register pecan_word_t r1 __asm__("r1") = pecan_tag(protocol, n, 0);
    register pecan_word_t r2 __asm__("r2") = PECAN_OP_CALL;
    register pecan_word_t r3 __asm__("r3") = n > 0 ? words[0] : 0;
    register pecan_word_t r4 __asm__("r4") = n > 1 ? words[1] : 0;
    register pecan_word_t r5 __asm__("r5") = n > 2 ? words[2] : 0;
    register pecan_word_t r6 __asm__("r6") = n > 3 ? words[3] : 0;
    register pecan_word_t r7 __asm__("r7") = n > 4 ? words[4] : 0;
    register pecan_word_t r8 __asm__("r8") = n > 5 ? words[5] : 0;
    __asm__ volatile("svc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6),
                       "+r"(r7), "+r"(r8)
                     :
                     : "memory");
    int err = pecan_error((struct pecan_reply){ r0, r1, r2 });
    if (err || !out)
        return err;
    unsigned got = pecan_tag_words(r1);
    if (got > out_max)
        got = out_max;
    const pecan_word_t regs[PECAN_MSG_REGISTERS] = { r3, r4, r5, r6, r7, r8 };
    for (unsigned i = 0; i < got; i++)
        out[i] = i < PECAN_MSG_REGISTERS ? regs[i] : pecan_utcb()->message[i];
    return 0;
}

#endif
