/* SPDX-License-Identifier: MIT */
/* PARENT protocol client (pecan/parent.h). */
#include <pecan/parent.h>
#include "client_call.h"

int pecan_parent_signal(pecan_cap_t parent, unsigned signal, pecan_word_t value)
{
    struct pecan_message m;
    m.word[0] = PECAN_PARENT_SIGNAL;
    m.word[1] = signal;
    m.word[2] = value;
    return client_call(parent, PECAN_PROTO_PARENT, &m, 3, 0);
}

void pecan_parent_exit(pecan_cap_t parent, int status)
{
    /* The parent tears the task down instead of replying. If the call comes back anyway
     * (no parent, parent gone), nothing may run on: stop this thread for good. */
    pecan_parent_signal(parent, PECAN_SIGNAL_EXIT, (pecan_word_t)status);
    for (;;)
        pecan_thread_suspend(PECAN_ENV_THREAD);
}
