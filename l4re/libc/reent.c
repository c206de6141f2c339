/* SPDX-License-Identifier: MIT */
/*
 * newlib's state per thread (struct _reent): errno, the big numbers of number formatting
 * and parsing (dtoa's free lists and result), strtok's position, and what else newlib
 * keeps there.
 *
 * Debian's newlib is built without __DYNAMIC_REENT__ (its _REENT is the global
 * _impure_ptr, read directly by every function without the _r suffix) and without
 * retargetable locks. One address space cannot make a global variable per thread, so:
 * - the main thread keeps newlib's global struct _reent: a program with one thread runs
 *   exactly as on newlib alone;
 * - every other thread gets one of its own (runtime_reent_init, from
 *   pecan_thread_create), released when it ends (runtime_reent_release);
 * - errno is `*__errno()` and this file's __errno answers the calling thread's (newlib's
 *   own __errno, in libc.a's errno.o, is never linked: pecan_add_program names __errno
 *   undefined up front, so the runtime's archive, searched before libc, provides it);
 * - the functions whose state matters are wrapped at link time (l4re/libc/wrap_*.c and
 *   the --wrap list in l4re/CMakeLists.txt) to call their _r form with the thread's
 *   struct _reent. docs/runtime.md lists what still uses the global one.
 *
 * Invariants: pecan_reent() never returns NULL (a thread without a record or a struct
 * _reent of its own uses the global one); a thread's own struct _reent shares the
 * global stdin, stdout and stderr (one FILE per stream for the whole program, as newlib's
 * FILE table is global anyway), and its stdio is marked set up so newlib never
 * initialises or closes streams of its own in it.
 */
#include <pecan/errors.h>
#include <pecan/thread.h>
#include <reent.h>
#include <stdlib.h>
#include <string.h>
#include "../rt/runtime_internal.h"

int *__errno(void);

struct _reent *pecan_reent(void)
{
    struct pecan_thread *self = pecan_thread_self();
    return self && self->reent ? self->reent : _impure_ptr;
}

int *__errno(void)
{
    return &pecan_reent()->_errno;
}

/* newlib calls __cleanup when it reclaims a struct _reent whose stdio was set up; the
 * streams are the global ones and must stay open. */
static void keep_streams(struct _reent *r)
{
    (void)r;
}

static void share_global_streams(struct _reent *r)
{
    struct _reent *global = _global_impure_ptr;
    r->_stdin = global->_stdin;
    r->_stdout = global->_stdout;
    r->_stderr = global->_stderr;
    r->__cleanup = keep_streams;
    r->__sdidinit = 1;   /* so CHECK_INIT never sets up the unused __sf of this one */
}

int runtime_reent_init(struct pecan_thread *thread)
{
    struct _reent *r = malloc(sizeof(*r));
    if (!r)
        return -PECAN_ENOMEM;
    _REENT_INIT_PTR(r);
    share_global_streams(r);
    thread->reent = r;
    return 0;
}

/* dtoa keeps the powers of five it computed (a chain of big numbers, each from calloc)
 * for the life of its struct _reent; _reclaim_reent leaves them. */
static void free_powers_of_five(struct _reent *r)
{
    struct _Bigint *p = r->_p5s;
    r->_p5s = NULL;
    while (p) {
        struct _Bigint *next = p->_next;
        free(p);
        p = next;
    }
}

void runtime_reent_release(struct pecan_thread *thread)
{
    struct _reent *r = thread->reent;
    if (!r)
        return;
    /* From here the thread (if it still runs: it is ending) uses the global one, never
     * the buffers being freed. */
    thread->reent = NULL;
    _reclaim_reent(r);
    free_powers_of_five(r);
    free(r);
}
