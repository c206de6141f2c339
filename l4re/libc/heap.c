/* SPDX-License-Identifier: MIT */
/*
 * malloc's heap (_sbrk): one anonymous dataspace of env->heap_max bytes attached at
 * env->heap_base. The break only moves inside it. Growing it backs the new pages at once
 * (DATASPACE ALLOCATE), so a program over its quota sees malloc return NULL (errno
 * ENOMEM) instead of a page fault nobody can resolve.
 * When the break goes down (newlib's free trims the top), the whole pages above it are
 * cleared, which hands them back to moe and the quota.
 *
 * The dataspace: a capability the loader names "heap" if it passes one; else the runtime
 * makes its own on the first _sbrk and attaches it in place of whatever the loader
 * attached at the heap base (docs/runtime.md: the loader attaches an anonymous heap but
 * keeps its capability).
 */
#include <errno.h>
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/thread.h>
#include "libc_internal.h"

#define PAGE_SIZE 4096u

static struct pecan_mutex heap_lock = PECAN_MUTEX_INIT;
static int heap_ready;
static pecan_cap_t heap_ds;          /* 0: cannot clear */
static pecan_word_t heap_base, heap_max, heap_break;

static pecan_word_t page_up(pecan_word_t a)
{
    return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static int attach_own_heap(void)
{
    pecan_cap_t ds;
    int err = pecan_cap_alloc(&ds);
    if (err)
        return err;
    err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, heap_max, 0, 0, ds, 0);
    if (err) {
        pecan_cap_free(ds);
        return err;
    }
    pecan_word_t at = heap_base;
    err = pecan_rm_attach(PECAN_ENV_RM, &at, heap_max, PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0);
    if (err) {
        pecan_cap_release(ds);
        return err;
    }
    heap_ds = ds;
    return 0;
}

static int heap_init(void)
{
    const struct pecan_env *env = pecan_env();
    heap_base = env->heap_base;
    heap_max = env->heap_max;
    heap_break = heap_base;
    heap_ds = pecan_env_cap("heap");
    if (!heap_ds) {
        /* The loader's heap (if it attached one) comes without its capability: replace
         * it by one this program holds, so shrinking can give pages back. */
        struct pecan_rm_region region;
        if (!pecan_rm_find(PECAN_ENV_RM, heap_base, &region))
            pecan_rm_detach(PECAN_ENV_RM, heap_base, 0, 0);
        int err = attach_own_heap();
        if (err)
            return err;
    }
    heap_ready = 1;
    return 0;
}

/* Backs the pages between the old and the new break with memory. */
static int commit_between(pecan_word_t old_break, pecan_word_t new_break)
{
    pecan_word_t from = page_up(old_break), to = page_up(new_break);
    if (!heap_ds || to <= from)
        return 0;
    return pecan_dataspace_allocate(heap_ds, from - heap_base, to - from);
}

/* Gives the pages wholly above the new break back. */
static void release_above(pecan_word_t new_break, pecan_word_t old_break)
{
    pecan_word_t from = page_up(new_break), to = page_up(old_break);
    if (heap_ds && to > from)
        pecan_dataspace_clear(heap_ds, from - heap_base, to - from);
}

void *_sbrk(intptr_t increment);
void *_sbrk(intptr_t increment)
{
    pecan_mutex_lock(&heap_lock);
    if (!heap_ready) {
        int err = heap_init();
        if (err) {
            pecan_mutex_unlock(&heap_lock);
            libc_fail(err);
            return (void *)-1;
        }
    }
    pecan_word_t old = heap_break;
    int64_t wanted = (int64_t)old + increment;
    if (wanted < heap_base || wanted > (int64_t)heap_base + heap_max) {
        pecan_mutex_unlock(&heap_lock);
        libc_fail(-PECAN_ENOMEM);
        return (void *)-1;
    }
    if (increment > 0) {
        int err = commit_between(old, (pecan_word_t)wanted);
        if (err) {
            /* Whatever part was backed stays with the heap dataspace: hand it back. */
            release_above(old, (pecan_word_t)wanted);
            pecan_mutex_unlock(&heap_lock);
            libc_fail(err);
            return (void *)-1;
        }
    }
    heap_break = (pecan_word_t)wanted;
    if (increment < 0)
        release_above(heap_break, old);
    pecan_mutex_unlock(&heap_lock);
    return (void *)old;
}
