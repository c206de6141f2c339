/* SPDX-License-Identifier: MIT */
/* Thread-local storage (pecan/thread.h): keys are indices into the slots of each thread's
 * record, which its UTCB's user word points at. */
#include <pecan/thread.h>
#include <pecan/errors.h>

static unsigned keys_used;

int pecan_tls_key_create(unsigned *key)
{
    unsigned k = __atomic_fetch_add(&keys_used, 1, __ATOMIC_RELAXED);
    if (k >= PECAN_TLS_KEYS) {
        __atomic_store_n(&keys_used, PECAN_TLS_KEYS, __ATOMIC_RELAXED);
        return -PECAN_ENOMEM;
    }
    *key = k;
    return 0;
}

void *pecan_tls_get(unsigned key)
{
    return key < PECAN_TLS_KEYS ? pecan_thread_self()->tls[key] : 0;
}

int pecan_tls_set(unsigned key, void *value)
{
    if (key >= PECAN_TLS_KEYS)
        return -PECAN_EINVAL;
    pecan_thread_self()->tls[key] = value;
    return 0;
}
