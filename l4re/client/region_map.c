/* SPDX-License-Identifier: MIT */
/*
 * REGION_MAP protocol client (pecan/region_map.h). moe's region map resolves faults only
 * in moe's own dataspaces; for another server's dataspace ATTACH answers -PECAN_EXDEV and
 * this file reserves the range instead and maps each page with the dataspace's MAP. Such
 * foreign attachments are remembered here (a small table, under a mutex) so detach knows
 * to unmap the pages itself and free the reserved area.
 */
#include <pecan/dataspace.h>
#include <pecan/region_map.h>
#include <pecan/thread.h>
#include "client_call.h"

#define PAGE_SIZE 4096u
#define FOREIGN_MAX 16

struct foreign_region {
    pecan_word_t start, size;    /* size 0: unused entry */
};

static struct foreign_region foreign[FOREIGN_MAX];
static struct pecan_mutex foreign_lock = PECAN_MUTEX_INIT;

static int attach_call(pecan_cap_t rm, pecan_word_t *address, pecan_word_t size,
                       unsigned flags, pecan_cap_t ds, pecan_word_t offset)
{
    struct pecan_message m;
    m.word[0] = PECAN_RM_ATTACH;
    m.word[1] = *address;
    m.word[2] = size;
    m.word[3] = flags;
    m.word[4] = offset;
    client_cap_item(&m.word[5], ds, PECAN_RIGHTS_ALL);
    int err = client_call(rm, PECAN_PROTO_REGION_MAP, &m, 5, 1);
    if (err)
        return err;
    if (pecan_tag_words(m.tag) < 1)
        return -PECAN_EMSGTOOSHORT;
    *address = m.word[0];
    return 0;
}

int pecan_rm_reserve(pecan_cap_t rm, pecan_word_t *address, pecan_word_t size, unsigned flags)
{
    struct pecan_message m;
    m.word[0] = PECAN_RM_RESERVE;
    m.word[1] = *address;
    m.word[2] = size;
    m.word[3] = flags;
    int err = client_call(rm, PECAN_PROTO_REGION_MAP, &m, 4, 0);
    if (err)
        return err;
    if (pecan_tag_words(m.tag) < 1)
        return -PECAN_EMSGTOOSHORT;
    *address = m.word[0];
    return 0;
}

int pecan_rm_free_area(pecan_cap_t rm, pecan_word_t address)
{
    struct pecan_message m;
    m.word[0] = PECAN_RM_FREE_AREA;
    m.word[1] = address;
    return client_call(rm, PECAN_PROTO_REGION_MAP, &m, 2, 0);
}

static void unmap_pages(pecan_word_t start, pecan_word_t size)
{
    for (pecan_word_t a = start; a < start + size; a += PAGE_SIZE)
        pecan_vspace_unmap(PECAN_ENV_VSPACE, a, 12, PECAN_UNMAP_OWN);
}

static int remember_foreign(pecan_word_t start, pecan_word_t size)
{
    int err = -PECAN_ENOMEM;
    pecan_mutex_lock(&foreign_lock);
    for (unsigned i = 0; i < FOREIGN_MAX; i++) {
        if (foreign[i].size)
            continue;
        foreign[i] = (struct foreign_region){ start, size };
        err = 0;
        break;
    }
    pecan_mutex_unlock(&foreign_lock);
    return err;
}

/* Removes and returns the foreign region containing address (size 0 if none). */
static struct foreign_region forget_foreign(pecan_word_t address)
{
    struct foreign_region found = { 0, 0 };
    pecan_mutex_lock(&foreign_lock);
    for (unsigned i = 0; i < FOREIGN_MAX; i++) {
        if (!foreign[i].size || address < foreign[i].start ||
            address - foreign[i].start >= foreign[i].size)
            continue;
        found = foreign[i];
        foreign[i].size = 0;
        break;
    }
    pecan_mutex_unlock(&foreign_lock);
    return found;
}

static int attach_foreign(pecan_cap_t rm, pecan_word_t *address, pecan_word_t size,
                          unsigned flags, pecan_cap_t ds, pecan_word_t offset)
{
    if (size % PAGE_SIZE || offset % PAGE_SIZE)
        return -PECAN_EALIGN;
    pecan_word_t start = *address;
    int err = pecan_rm_reserve(rm, &start, size, flags & PECAN_RM_SEARCH_ADDRESS);
    if (err)
        return err;
    unsigned rights = flags & PECAN_RM_RIGHTS_MASK;
    for (pecan_word_t done = 0; done < size && !err; done += PAGE_SIZE)
        err = pecan_dataspace_map(ds, offset + done, rights, start + done, 12, 0);
    if (!err)
        err = remember_foreign(start, size);
    if (err) {
        unmap_pages(start, size);
        pecan_rm_free_area(rm, start);
        return err;
    }
    *address = start;
    return 0;
}

int pecan_rm_attach(pecan_cap_t rm, pecan_word_t *address, pecan_word_t size, unsigned flags,
                    pecan_cap_t ds, pecan_word_t offset)
{
    if (!size)
        return -PECAN_EINVAL;
    int err = attach_call(rm, address, size, flags, ds, offset);
    if (err == -PECAN_EAGAIN && (flags & PECAN_RM_EAGER_MAP)) {
        /* More to back than one request of moe may do (protocol/region_map.h): back the
         * range in steps, then attach it (its pages are all there now). */
        err = pecan_dataspace_allocate(ds, offset, size);
        if (!err)
            err = attach_call(rm, address, size, flags & ~PECAN_RM_EAGER_MAP, ds, offset);
    }
    if (err != -PECAN_EXDEV)
        return err;
    return attach_foreign(rm, address, size, flags, ds, offset);
}

int pecan_rm_detach(pecan_cap_t rm, pecan_word_t address, pecan_word_t *start,
                    pecan_word_t *size)
{
    struct foreign_region f = forget_foreign(address);
    if (f.size) {
        unmap_pages(f.start, f.size);
        if (start)
            *start = f.start;
        if (size)
            *size = f.size;
        return pecan_rm_free_area(rm, f.start);
    }
    struct pecan_message m;
    m.word[0] = PECAN_RM_DETACH;
    m.word[1] = address;
    int err = client_call(rm, PECAN_PROTO_REGION_MAP, &m, 2, 0);
    if (err)
        return err;
    if (pecan_tag_words(m.tag) < 2)
        return -PECAN_EMSGTOOSHORT;
    if (start)
        *start = m.word[0];
    if (size)
        *size = m.word[1];
    return 0;
}

int pecan_rm_find(pecan_cap_t rm, pecan_word_t address, struct pecan_rm_region *region)
{
    struct pecan_message m;
    m.word[0] = PECAN_RM_FIND;
    m.word[1] = address;
    int err = client_call(rm, PECAN_PROTO_REGION_MAP, &m, 2, 0);
    if (err)
        return err;
    if (pecan_tag_words(m.tag) < 4)
        return -PECAN_EMSGTOOSHORT;
    *region = (struct pecan_rm_region){ m.word[0], m.word[1], m.word[2], m.word[3] };
    return 0;
}
