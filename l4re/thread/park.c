/* SPDX-License-Identifier: MIT */
/*
 * Parking a thread on its own notification (pecan/thread.h). The waker sets `woken` and
 * then signals; the sleeper loops until it sees `woken`, so left-over notification bits
 * only cost a spurious round. Bits other than the waker's (a console's, bound to the
 * notification) are signalled again when the wait ends: they are its reader's news. The notification is made through the factory the first
 * time a thread must wait (pecan_thread_park_prepare), before it queues itself anywhere.
 */
#include <pecan/factory.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/thread.h>

int pecan_thread_park_prepare(struct pecan_thread *self)
{
    if (self->park)
        return 0;
    pecan_cap_t slot;
    int err = pecan_cap_alloc(&slot);
    if (err)
        return err;
    err = pecan_factory_create_notification(PECAN_ENV_FACTORY, slot);
    if (err) {
        pecan_cap_free(slot);
        return err;
    }
    self->park = slot;
    return 0;
}

void pecan_thread_park_keep(struct pecan_thread *self, pecan_word_t taken)
{
    if (taken & ~(pecan_word_t)PECAN_THREAD_WAKE_BIT)
        pecan_notification_signal(self->park, taken & ~(pecan_word_t)PECAN_THREAD_WAKE_BIT);
}

void pecan_thread_park(struct pecan_thread *self)
{
    pecan_word_t others = 0;
    while (!__atomic_load_n(&self->woken, __ATOMIC_ACQUIRE)) {
        pecan_word_t bits = 0;
        if (pecan_notification_wait(self->park, &bits))
            pecan_sleep_us(1);   /* cannot block on it: poll `woken` instead */
        others |= bits;
    }
    pecan_thread_park_keep(self, others);
}

void pecan_thread_wake(struct pecan_thread *thread)
{
    /* Read the capability first: once woken is set the thread may run on and reuse or
     * free its record. */
    pecan_cap_t park = thread->park;
    __atomic_store_n(&thread->woken, 1, __ATOMIC_RELEASE);
    pecan_notification_signal(park, PECAN_THREAD_WAKE_BIT);
}
