/* SPDX-License-Identifier: MIT */
/* IRQ control and IRQ handler client calls. */
#include "call.h"

int pecan_irq_control_get(pecan_cap_t control, unsigned irq, pecan_cap_t dest_cnode,
                          pecan_word_t dest_offset)
{
    pecan_word_t w[] = { PECAN_IRQ_CONTROL_GET, irq, dest_cnode, dest_offset };
    return sys_call(control, PECAN_PROTO_IRQ_CONTROL, 4, w, 0, 0);
}

int pecan_irq_bind(pecan_cap_t handler, pecan_cap_t notification, pecan_word_t bits)
{
    pecan_word_t w[] = { PECAN_IRQ_BIND, notification, bits };
    return sys_call(handler, PECAN_PROTO_IRQ, 3, w, 0, 0);
}

int pecan_irq_unbind(pecan_cap_t handler)
{
    pecan_word_t w[] = { PECAN_IRQ_UNBIND };
    return sys_call(handler, PECAN_PROTO_IRQ, 1, w, 0, 0);
}

int pecan_irq_ack(pecan_cap_t handler)
{
    pecan_word_t w[] = { PECAN_IRQ_ACK };
    return sys_call(handler, PECAN_PROTO_IRQ, 1, w, 0, 0);
}
