/* SPDX-License-Identifier: MIT */
/* The generic call every kernel-object client uses (pecan/sys.h). */
#include <pecan/sys.h>

int pecan_call(pecan_cap_t cap, int protocol, unsigned n, const pecan_word_t *words,
               pecan_word_t *out, unsigned out_max)
{
    struct pecan_message msg;
    msg.tag = pecan_tag(protocol, n, 0);
    for (unsigned i = 0; i < n; i++)
        msg.word[i] = words[i];
    struct pecan_reply reply = pecan_invoke(cap, PECAN_OP_CALL, &msg);
    int err = pecan_error(reply);
    if (err)
        return err;
    unsigned got = pecan_tag_words(reply.tag);
    for (unsigned i = 0; out && i < out_max && i < got; i++)
        out[i] = msg.word[i];
    return 0;
}
