/* SPDX-License-Identifier: MIT */
/* Notification client calls. */
#include "call.h"

int pecan_notification_signal(pecan_cap_t n, pecan_word_t bits)
{
    pecan_word_t w[] = { PECAN_NOTIFICATION_SIGNAL, bits };
    return sys_call(n, PECAN_PROTO_NOTIFICATION, 2, w, 0, 0);
}

static int take(pecan_cap_t n, pecan_word_t op, pecan_word_t *bits)
{
    pecan_word_t w[] = { op };
    *bits = 0;
    return sys_call(n, PECAN_PROTO_NOTIFICATION, 1, w, bits, 1);
}

int pecan_notification_wait(pecan_cap_t n, pecan_word_t *bits)
{
    return take(n, PECAN_NOTIFICATION_WAIT, bits);
}

int pecan_notification_poll(pecan_cap_t n, pecan_word_t *bits)
{
    return take(n, PECAN_NOTIFICATION_POLL, bits);
}
