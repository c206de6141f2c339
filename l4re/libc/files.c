/* SPDX-License-Identifier: MIT */
/*
 * Files (newlib's _open/_read/_lseek/_close/_fstat/_stat): read-only files are dataspaces
 * found by name. A path's first component names one of the program's named capabilities
 * (a namespace such as "rom"), the rest is looked up in it; the dataspace is attached
 * read-only and reads copy out of it. Descriptors 0-2 are the console (the log,
 * l4re/libc/console.c): reads take what is typed at it, writes go to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pecan/dataspace.h>
#include <pecan/namespace.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/thread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "libc_internal.h"

#define FILE_MAX 32
#define FIRST_FILE 3
#define PAGE_SIZE 4096u

struct open_file {
    int used;
    pecan_cap_t ds;
    const char *data;          /* attached, read-only (NULL for an empty file) */
    pecan_word_t size;
    pecan_word_t position;
};

static struct open_file files[FILE_MAX];
static struct pecan_mutex files_lock = PECAN_MUTEX_INIT;

int _open(const char *path, int flags, int mode);
int _read(int fd, void *buffer, size_t count);
int _lseek(int fd, int offset, int whence);
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _stat(const char *path, struct stat *st);

/* Splits "name/rest" (leading '/' ignored): the capability named name, rest in *rest. */
static int path_root(const char *path, pecan_cap_t *root, const char **rest)
{
    while (*path == '/')
        path++;
    const char *slash = strchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : strlen(path);
    if (!n || n >= PECAN_ENV_NAME_SIZE)
        return -PECAN_ENOENT;
    char name[PECAN_ENV_NAME_SIZE];
    memcpy(name, path, n);
    name[n] = 0;
    *root = pecan_env_cap(name);
    if (!*root)
        return -PECAN_ENOENT;
    *rest = slash ? slash + 1 : path + n;
    while (**rest == '/')
        (*rest)++;
    return 0;
}

static int open_dataspace(const char *path, pecan_cap_t *ds)
{
    pecan_cap_t root;
    const char *rest;
    int err = path_root(path, &root, &rest);
    if (err)
        return err;
    if (!*rest)
        return -PECAN_EINVAL;   /* the namespace itself: not a file */
    err = pecan_cap_alloc(ds);
    if (err)
        return err;
    err = pecan_ns_query(root, rest, (unsigned)strlen(rest), *ds, 0);
    if (err)
        pecan_cap_free(*ds);
    return err;
}

static int map_file(struct open_file *f)
{
    struct pecan_dataspace_info info;
    int err = pecan_dataspace_info(f->ds, &info);
    if (err)
        return err;
    f->size = info.size;
    f->data = 0;
    if (!info.size)
        return 0;
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    pecan_word_t span = (info.size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    err = pecan_rm_attach(PECAN_ENV_RM, &at, span, PECAN_MAP_READ | PECAN_RM_SEARCH_ADDRESS,
                          f->ds, 0);
    if (err)
        return err;
    f->data = (const char *)at;
    return 0;
}

static void unmap_file(struct open_file *f)
{
    if (f->data)
        pecan_rm_detach(PECAN_ENV_RM, (pecan_word_t)f->data, 0, 0);
    pecan_cap_release(f->ds);
}

static int claim_descriptor(void)
{
    int fd = -1;
    pecan_mutex_lock(&files_lock);
    for (int i = FIRST_FILE; i < FILE_MAX; i++) {
        if (!files[i].used) {
            files[i].used = 1;
            fd = i;
            break;
        }
    }
    pecan_mutex_unlock(&files_lock);
    return fd;
}

int _open(const char *path, int flags, int mode)
{
    (void)mode;
    if ((flags & O_ACCMODE) != O_RDONLY) {
        libc_set_errno(EROFS);
        return -1;
    }
    int fd = claim_descriptor();
    if (fd < 0) {
        libc_set_errno(EMFILE);
        return -1;
    }
    struct open_file *f = &files[fd];
    int err = open_dataspace(path, &f->ds);
    if (!err) {
        err = map_file(f);
        if (err)
            pecan_cap_release(f->ds);
    }
    if (err) {
        __atomic_store_n(&f->used, 0, __ATOMIC_RELEASE);
        return libc_fail(err);
    }
    f->position = 0;
    return fd;
}

static struct open_file *file_of(int fd)
{
    if (fd < FIRST_FILE || fd >= FILE_MAX || !files[fd].used || !files[fd].ds)
        return 0;
    return &files[fd];
}

bool libc_file_valid(int fd)
{
    return file_of(fd) != 0;
}

int _read(int fd, void *buffer, size_t count)
{
    if (fd >= 0 && fd < FIRST_FILE)
        return libc_console_read(buffer, count);
    struct open_file *f = file_of(fd);
    if (!f) {
        libc_set_errno(EBADF);
        return -1;
    }
    if (f->position >= f->size)
        return 0;
    size_t left = f->size - f->position;
    size_t n = count < left ? count : left;
    memcpy(buffer, f->data + f->position, n);
    f->position += n;
    return (int)n;
}

int _lseek(int fd, int offset, int whence)
{
    struct open_file *f = file_of(fd);
    if (!f) {
        libc_set_errno(fd >= 0 && fd < FIRST_FILE ? ESPIPE : EBADF);
        return -1;
    }
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)f->position
                 : whence == SEEK_END ? (int64_t)f->size : -1;
    int64_t to = base + offset;
    if (base < 0 || to < 0 || to > 0x7FFFFFFF) {
        libc_set_errno(EINVAL);
        return -1;
    }
    f->position = (pecan_word_t)to;
    return (int)to;
}

int _close(int fd)
{
    if (fd >= 0 && fd < FIRST_FILE)
        return 0;
    struct open_file *f = file_of(fd);
    if (!f) {
        libc_set_errno(EBADF);
        return -1;
    }
    unmap_file(f);
    f->ds = 0;
    f->data = 0;
    __atomic_store_n(&f->used, 0, __ATOMIC_RELEASE);
    return 0;
}

static void fill_stat(struct stat *st, mode_t mode, pecan_word_t size)
{
    memset(st, 0, sizeof(*st));
    st->st_mode = mode;
    st->st_size = (off_t)size;
    st->st_nlink = 1;
    st->st_blksize = PAGE_SIZE;
    st->st_blocks = (size + 511) / 512;
}

int _fstat(int fd, struct stat *st)
{
    if (fd >= 0 && fd < FIRST_FILE) {
        fill_stat(st, S_IFCHR | 0620, 0);
        return 0;
    }
    struct open_file *f = file_of(fd);
    if (!f) {
        libc_set_errno(EBADF);
        return -1;
    }
    fill_stat(st, S_IFREG | 0444, f->size);
    return 0;
}

int _stat(const char *path, struct stat *st)
{
    pecan_cap_t ds;
    int err = open_dataspace(path, &ds);
    if (err)
        return libc_fail(err);
    struct pecan_dataspace_info info;
    err = pecan_dataspace_info(ds, &info);
    pecan_cap_release(ds);
    if (err)
        return libc_fail(err);
    fill_stat(st, S_IFREG | 0444, info.size);
    return 0;
}
