/* SPDX-License-Identifier: MIT */
/*
 * Set-up of the libc glue before main, and the mapping of Pecan error codes to errno.
 * stdout and stderr are unbuffered: newlib then formats each printf into a buffer on the
 * stack and writes it with one _write, so lines of different threads do not mix inside a
 * printf and nothing sits in a shared buffer (Debian's newlib has no stdio locks).
 */
#include <errno.h>
#include <pecan/errors.h>
#include <stdio.h>
#include "../rt/runtime_internal.h"
#include "libc_internal.h"

#undef errno
extern int errno;

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
    default: return EIO;
    }
}

int libc_fail(int pecan_error)
{
    errno = errno_of(pecan_error);
    return -1;
}
