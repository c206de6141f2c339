/* SPDX-License-Identifier: MIT */
/*
 * User-level interrupts: IRQ control hands out one handler capability per interrupt line;
 * a handler binds its line to a notification. The kernel masks the line when it fires
 * and signals the notification; the driver acknowledges to unmask it. The per-line state
 * is a fixed kernel table (one entry per interrupt ID), not allocated memory.
 */
#ifndef PECAN_OBJECT_IRQ_HANDLER_H
#define PECAN_OBJECT_IRQ_HANDLER_H

#include <object/cap.h>

struct notification;

/* The IRQ control capability given to the root task. */
struct capability irq_control_cap(void);
/* A notification is going away: unbind every line bound to it. */
void irq_handler_notification_destroyed(struct notification *n);
/* Invariant checker: every bound line points at a live notification. */
void irq_handler_check_invariants(void);

#endif
