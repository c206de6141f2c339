/* SPDX-License-Identifier: MIT */
/*
 * Set-up of the libc glue before main, and the mapping of Pecan error codes to errno.
 * stdout and stderr are unbuffered: newlib then formats each printf into a buffer on the
 * stack and writes it with one _write, so lines of different threads do not mix inside a
 * printf and nothing sits in a shared buffer (Debian's newlib has no stdio locks; puts
 * and perror are made one write each in wrap_lines.c).
 */
#include <errno.h>
#include <pecan/errors.h>
#include <stdio.h>
#include "../rt/runtime_internal.h"
#include "libc_internal.h"

uint64_t libc_start_ns;

void runtime_libc_init(uint64_t start_ns)
{
    libc_start_ns = start_ns;
    setvbuf(stdout, NULL, _IONBF, 0);
    setvbuf(stderr, NULL, _IONBF, 0);
}

static int errno_of(int pecan_error)
{
    switch (-pecan_error) {
    case PECAN_EPERM: return EPERM;
    case PECAN_ENOENT: return ENOENT;
    case PECAN_ENOMEM: return ENOMEM;
    case PECAN_EACCES: return EACCES;
    case PECAN_EBUSY: return EBUSY;
    case PECAN_EEXIST: return EEXIST;
    case PECAN_EXDEV: return EXDEV;
    case PECAN_ENOTDIR: return ENOTDIR;
    case PECAN_EINVAL: return EINVAL;
    case PECAN_ERANGE: return ERANGE;
    case PECAN_ENOSYS: return ENOSYS;
    case PECAN_ETIMEDOUT: return ETIMEDOUT;
    default: return EIO;
    }
}

/* Only the calling thread's errno (l4re/libc/reent.c), never newlib's global variable
 * `errno`: newlib's _r wrappers of the system calls copy that one into the struct _reent
 * they were given, which for a function without the _r suffix is the main thread's, so a
 * failure in another thread would change the main thread's errno. */
void libc_set_errno(int value)
{
    errno = value;
}

int libc_fail(int pecan_error)
{
    libc_set_errno(errno_of(pecan_error));
    return -1;
}
