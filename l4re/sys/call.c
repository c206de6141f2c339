/* SPDX-License-Identifier: MIT */
/*
 * The generic call every kernel-object client uses (pecan/sys.h): words 0-5 go straight
 * into r3-r8, the rest through the UTCB; the reply comes back the same way. The bindings
 * of this folder use its inline body (call.h) directly.
 */
#include "call.h"

int pecan_call(pecan_cap_t cap, int protocol, unsigned n, const pecan_word_t *words,
               pecan_word_t *out, unsigned out_max)
{
    return sys_call(cap, protocol, n, words, out, out_max);
}
