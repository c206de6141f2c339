/* SPDX-License-Identifier: MIT */
/*
 * Directories (sys/dirent.h): Pecan has none, so no DIR is ever made. opendir and
 * fdopendir fail with ENOTSUP; the calls that take a DIR get a null one from a caller
 * that did not check, and fail with EBADF rather than crash.
 */
#include <dirent.h>
#include <errno.h>
#include "libc_internal.h"

DIR *opendir(const char *path)
{
    (void)path;
    libc_set_errno(ENOTSUP);
    return NULL;
}

DIR *fdopendir(int fd)
{
    (void)fd;
    libc_set_errno(ENOTSUP);
    return NULL;
}

struct dirent *readdir(DIR *directory)
{
    (void)directory;
    libc_set_errno(EBADF);
    return NULL;
}

int closedir(DIR *directory)
{
    (void)directory;
    libc_set_errno(EBADF);
    return -1;
}

void rewinddir(DIR *directory)
{
    (void)directory;
}
