/* SPDX-License-Identifier: MIT */
/*
 * newlib's lock hooks: malloc, the environment (getenv/setenv) and the time zone each get a
 * recursive mutex (newlib may take them again from inside). Debian's newlib is built
 * without retargetable locks, so these three are all the hooks it has. libc.a has no-op
 * versions of them: pecan_add_program names __malloc_lock undefined up front so this file
 * is linked, not those (l4re/CMakeLists.txt).
 */
#include <pecan/thread.h>
#include <reent.h>

static struct pecan_recursive_mutex malloc_mutex = PECAN_RECURSIVE_MUTEX_INIT;
static struct pecan_recursive_mutex env_mutex = PECAN_RECURSIVE_MUTEX_INIT;
static struct pecan_recursive_mutex tz_mutex = PECAN_RECURSIVE_MUTEX_INIT;

void __malloc_lock(struct _reent *r);
void __malloc_unlock(struct _reent *r);
void __env_lock(struct _reent *r);
void __env_unlock(struct _reent *r);
void __tz_lock(void);
void __tz_unlock(void);

void __malloc_lock(struct _reent *r)
{
    (void)r;
    pecan_recursive_mutex_lock(&malloc_mutex);
}

void __malloc_unlock(struct _reent *r)
{
    (void)r;
    pecan_recursive_mutex_unlock(&malloc_mutex);
}

void __env_lock(struct _reent *r)
{
    (void)r;
    pecan_recursive_mutex_lock(&env_mutex);
}

void __env_unlock(struct _reent *r)
{
    (void)r;
    pecan_recursive_mutex_unlock(&env_mutex);
}

void __tz_lock(void)
{
    pecan_recursive_mutex_lock(&tz_mutex);
}

void __tz_unlock(void)
{
    pecan_recursive_mutex_unlock(&tz_mutex);
}
