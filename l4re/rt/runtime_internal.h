/* SPDX-License-Identifier: MIT */
/* Set-up calls between the parts of the runtime (start-up order: start.c). */
#ifndef PECAN_RT_INTERNAL_H
#define PECAN_RT_INTERNAL_H

#include <pecan/env.h>
#include <stdint.h>

void runtime_slots_init(const struct pecan_env *env);
void runtime_thread_init_main(void);            /* l4re/thread/thread.c */
void runtime_libc_init(uint64_t start_ns);      /* l4re/libc/init.c */

/* newlib's state of a thread other than the main one (l4re/libc/reent.c): made when the
 * thread is created (0 or -PECAN_ENOMEM), released when it ends. Release may run in the
 * ending thread itself or, once it has stopped, in any other. */
struct pecan_thread;
int runtime_reent_init(struct pecan_thread *thread);
void runtime_reent_release(struct pecan_thread *thread);

#endif
