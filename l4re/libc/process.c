/* SPDX-License-Identifier: MIT */
/*
 * Process-level system calls: console output (console.c), exit through the
 * parent, signals, process id, and what a Pecan program cannot do (fork, exec, wait,
 * links). A program has no process id of its own; it reports 1, and a signal to itself
 * ends it with 128 + the signal number, as a shell would report it.
 */
#include <errno.h>
#include <pecan/log.h>
#include <pecan/parent.h>
#include <pecan/runtime.h>
#include <pecan/thread.h>
#include <signal.h>
#include <sys/types.h>
#include "libc_internal.h"

#define OWN_PID 1

int _write(int fd, const void *buffer, size_t count);
int _isatty(int fd);
void _exit(int status);
int _kill(int pid, int sig);
int _getpid(void);
int _fork(void);
int _execve(const char *path, char *const argv[], char *const envp[]);
int _wait(int *status);
int _link(const char *old, const char *new);
int _unlink(const char *path);

/* A write longer than one message goes to the log in several; the console keeps them
 * together, so one write (a printf, a puts: l4re/libc/wrap_lines.c) is one piece of the
 * log whatever other threads write. */
int _write(int fd, const void *buffer, size_t count)
{
    if (fd < 0 || fd > 2) {
        libc_set_errno(EBADF);   /* files are read-only */
        return -1;
    }
    return libc_console_write(buffer, count);
}

int _isatty(int fd)
{
    if (fd >= 0 && fd <= 2)
        return 1;
    libc_set_errno(ENOTTY);
    return 0;
}

void pecan_exit(int status)
{
    pecan_parent_exit(PECAN_ENV_PARENT, status);
}

void _exit(int status)
{
    pecan_exit(status);
}

int _kill(int pid, int sig)
{
    if (pid != OWN_PID) {
        libc_set_errno(ESRCH);
        return -1;
    }
    if (sig <= 0 || sig >= NSIG) {
        libc_set_errno(EINVAL);
        return -1;
    }
    pecan_exit(128 + sig);
}

int _getpid(void)
{
    return OWN_PID;
}

int _fork(void)
{
    libc_set_errno(ENOSYS);
    return -1;
}

int _execve(const char *path, char *const argv[], char *const envp[])
{
    (void)path;
    (void)argv;
    (void)envp;
    libc_set_errno(ENOSYS);
    return -1;
}

int _wait(int *status)
{
    (void)status;
    libc_set_errno(ECHILD);
    return -1;
}

int _link(const char *old, const char *new)
{
    (void)old;
    (void)new;
    libc_set_errno(EROFS);
    return -1;
}

int _unlink(const char *path)
{
    (void)path;
    libc_set_errno(EROFS);
    return -1;
}
