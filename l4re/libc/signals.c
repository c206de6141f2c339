/* SPDX-License-Identifier: MIT */
/*
 * POSIX signal handling over newlib's signal() and raise() (docs/runtime.md, "Signals").
 * Pecan delivers no signals from outside: a signal is raised inside the program (raise,
 * kill of itself, the console's Ctrl-C and a terminal's new size, SIGWINCH, in
 * l4re/libc/console.c) and its handler runs then, in the thread that raised it. So
 * sigaction is signal() with the POSIX interface (a handler it installs stays after it
 * ran, unless SA_RESETHAND says otherwise), and the signal mask is a value programs can
 * set and read back (readline saves and restores it) that delays nothing: no signal ever
 * arrives asynchronously for it to hold back.
 *
 * Invariant: signal_mask never holds SIGKILL or SIGSTOP (POSIX: they cannot be blocked).
 */
#include <errno.h>
#include <reent.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/select.h>
#include <sys/time.h>
#include "libc_internal.h"

int sigaction(int sig, const struct sigaction *act, struct sigaction *old);
int sigprocmask(int how, const sigset_t *set, sigset_t *old);
int pselect(int count, fd_set *read_set, fd_set *write_set, fd_set *error_set,
            const struct timespec *timeout, const sigset_t *mask);

static sigset_t signal_mask;

static int valid_signal(int sig)
{
    return sig > 0 && sig < NSIG;
}

/* Catching or ignoring these is not allowed (POSIX); asking for their default is. */
static int fixed_signal(int sig)
{
    return sig == SIGKILL || sig == SIGSTOP;
}

/* The handlers sigaction installed, which stay installed after they ran: newlib's raise
 * puts SIG_DFL back before it calls a handler (signal()'s old semantics), so
 * keep_handler, installed in their place, installs itself again and calls them. */
static _sig_func_ptr kept_handlers[NSIG];

static void keep_handler(int sig)
{
    if (!valid_signal(sig))
        return;
    _sig_func_ptr handler = kept_handlers[sig];
    signal(sig, keep_handler);   /* first: the handler may install another */
    if (handler)
        handler(sig);
}

static bool resets(const struct sigaction *act)
{
#ifdef SA_RESETHAND
    return (act->sa_flags & SA_RESETHAND) != 0;
#else
    (void)act;
    return false;
#endif
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    if (!valid_signal(sig) || (act && fixed_signal(sig) && act->sa_handler != SIG_DFL)) {
        libc_set_errno(EINVAL);
        return -1;
    }
#ifdef SA_SIGINFO
    if (act && (act->sa_flags & SA_SIGINFO)) {
        libc_set_errno(ENOTSUP);   /* no siginfo to give: handlers take the number only */
        return -1;
    }
#endif
    /* signal() answers the handler it replaces; to only read it, put it back. A handler
     * of the program's is installed as keep_handler, which stays. */
    _sig_func_ptr kept = kept_handlers[sig];
    _sig_func_ptr wanted = act ? act->sa_handler : SIG_DFL;
    bool stays = act && wanted != SIG_DFL && wanted != SIG_IGN && !resets(act);
    _sig_func_ptr previous = signal(sig, stays ? keep_handler : wanted);
    if (previous == SIG_ERR) {
        libc_set_errno(EINVAL);
        return -1;
    }
    if (!act)
        signal(sig, previous);
    else if (stays)
        kept_handlers[sig] = wanted;
    if (old) {
        old->sa_handler = previous == keep_handler ? kept : previous;
        old->sa_flags = 0;
        sigemptyset(&old->sa_mask);
    }
    return 0;
}

bool libc_signal_caught(int sig)
{
    /* newlib has no call that only reads a handler: its signal() keeps them in the table
     * of _REENT, the global struct _reent (reent.c), made by its first call (none yet:
     * every signal is at SIG_DFL). Read there, nothing changes meanwhile. */
    if (!valid_signal(sig) || !_impure_ptr->_sig_func)
        return false;
    _sig_func_ptr handler = _impure_ptr->_sig_func[sig];
    return handler != SIG_DFL && handler != SIG_IGN && handler != SIG_ERR;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK) {
        libc_set_errno(EINVAL);
        return -1;
    }
    if (old)
        *old = signal_mask;
    if (!set)
        return 0;
    sigset_t next = signal_mask;
    if (how == SIG_BLOCK)
        next |= *set;
    else if (how == SIG_UNBLOCK)
        next &= ~*set;
    else
        next = *set;
    sigdelset(&next, SIGKILL);
    sigdelset(&next, SIGSTOP);
    signal_mask = next;
    return 0;
}

/* select with the mask in place while it waits; a timeout in nanoseconds is rounded up to
 * whole microseconds, so the wait is never shorter than asked. */
int pselect(int count, fd_set *read_set, fd_set *write_set, fd_set *error_set,
            const struct timespec *timeout, const sigset_t *mask)
{
    struct timeval tv;
    struct timeval *wait = NULL;
    if (timeout) {
        if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000L) {
            libc_set_errno(EINVAL);
            return -1;
        }
        tv.tv_sec = timeout->tv_sec;
        tv.tv_usec = (timeout->tv_nsec + 999) / 1000;
        if (tv.tv_usec == 1000000) {
            tv.tv_sec++;
            tv.tv_usec = 0;
        }
        wait = &tv;
    }
    sigset_t saved;
    if (mask && sigprocmask(SIG_SETMASK, mask, &saved))
        return -1;
    int result = select(count, read_set, write_set, error_set, wait);
    if (mask) {
        int error = errno;
        sigprocmask(SIG_SETMASK, &saved, NULL);
        libc_set_errno(error);
    }
    return result;
}
