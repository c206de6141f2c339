/* SPDX-License-Identifier: MIT */
/*
 * Directories for newlib's <dirent.h> (newlib's own <sys/dirent.h> is an #error). Pecan
 * has no directories: a path names a capability of the program's environment, then a
 * name in it (l4re/libc/files.c). opendir and fdopendir fail with ENOTSUP so that
 * programs which list directories (readline's file-name completion) compile, run and
 * say why there is nothing to list (l4re/libc/dirent.c).
 */
#ifndef PECAN_SYS_DIRENT_H
#define PECAN_SYS_DIRENT_H

#include <sys/types.h>

#define MAXNAMLEN 255

struct dirent {
    ino_t d_ino;
    char d_name[MAXNAMLEN + 1];
};

typedef struct pecan_directory DIR;

#endif
