/* SPDX-License-Identifier: MIT */
/*
 * Records (record.h): small-object pages per quota. A page is a 4 KiB page of the page
 * pool (memory_alloc_frame), seen at its address in moe's window; its header comes
 * first, the records after it. Finding a record's page is masking its address. A quota's
 * list of a class holds only its pages with a free record, and full pages are on one list
 * of their own, so allocating and freeing are constant time.
 */
#include "record.h"

#include <lib/string.h>
#include <pecan/errors.h>

#define PAGE_SIZE 4096u
#define SMALLEST_CLASS_BITS 5                  /* 32 bytes */
#define MASK_WORDS 4                           /* enough for 3968 / 32 records */

struct record_page {
    struct record_page *next, *prev;           /* the quota's list of this class */
    struct memory_block block;                 /* the page itself */
    uint32_t free_mask[MASK_WORDS];            /* bit set: that record is free */
    uint16_t size;                             /* bytes per record */
    uint16_t capacity;
    uint16_t in_use;
    uint8_t class;
};

#define HEADER_SIZE ((sizeof(struct record_page) + 7u) & ~7u)
_Static_assert(HEADER_SIZE + RECORD_MAX_SIZE <= PAGE_SIZE, "the largest record fits a page");
_Static_assert((PAGE_SIZE - HEADER_SIZE) >> SMALLEST_CLASS_BITS <= MASK_WORDS * 32,
               "the free mask covers a page of the smallest records");
_Static_assert(SMALLEST_CLASS_BITS + QUOTA_RECORD_CLASSES - 2 == 11,
               "classes: 32 .. 2048 bytes, then a whole page");

/* The class of a record of size bytes: powers of two from 32, the last one a page. */
static unsigned class_for(unsigned size)
{
    unsigned class = 0;
    while (class < QUOTA_RECORD_CLASSES - 1 && (1u << (SMALLEST_CLASS_BITS + class)) < size)
        class++;
    return class;
}

static unsigned class_size(unsigned class)
{
    return class == QUOTA_RECORD_CLASSES - 1 ? RECORD_MAX_SIZE
                                             : 1u << (SMALLEST_CLASS_BITS + class);
}

#define FULL_LIST QUOTA_RECORD_CLASSES

/* The list p is on: its class's while it has a free record, else the full pages'. */
static unsigned list_of(const struct record_page *p)
{
    return p->in_use == p->capacity ? FULL_LIST : p->class;
}

static void unlink_page(struct record_page *p, struct quota *q)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        q->record_pages[list_of(p)] = p->next;
    if (p->next)
        p->next->prev = p->prev;
    p->next = p->prev = 0;
}

static void push_front(struct record_page *p, struct quota *q)
{
    unsigned list = list_of(p);
    p->prev = 0;
    p->next = q->record_pages[list];
    if (p->next)
        p->next->prev = p;
    q->record_pages[list] = p;
}

static int new_page(struct quota *q, unsigned class, struct record_page **out)
{
    struct memory_block block;
    int err = memory_alloc_frame(q, 12, &block);
    if (err)
        return err;
    struct record_page *p = memory_local(block.phys);
    *p = (struct record_page){ .block = block, .class = (uint8_t)class };
    p->size = (uint16_t)class_size(class);
    p->capacity = (uint16_t)((PAGE_SIZE - HEADER_SIZE) / p->size);
    for (unsigned i = 0; i < p->capacity; i++)
        p->free_mask[i / 32] |= 1u << (i % 32);
    push_front(p, q);
    *out = p;
    return 0;
}

static unsigned take_free_index(struct record_page *p)
{
    for (unsigned w = 0;; w++) {
        if (p->free_mask[w]) {
            unsigned bit = (unsigned)__builtin_ctz(p->free_mask[w]);
            p->free_mask[w] &= ~(1u << bit);
            return w * 32 + bit;
        }
    }
}

int record_alloc(struct quota *q, unsigned size, void **out)
{
    if (size == 0 || size > RECORD_MAX_SIZE)
        return -PECAN_EINVAL;
    unsigned class = class_for(size);
    struct record_page *p = q->record_pages[class];
    if (!p || p->in_use == p->capacity) {
        int err = new_page(q, class, &p);
        if (err)
            return err;
    }
    unsigned index = take_free_index(p);
    if (p->in_use + 1 == p->capacity) {
        unlink_page(p, q);
        p->in_use++;
        push_front(p, q);
    } else {
        p->in_use++;
    }
    void *record = (char *)p + HEADER_SIZE + index * p->size;
    memset(record, 0, p->size);
    *out = record;
    return 0;
}

void record_free(void *record)
{
    if (!record)
        return;
    struct record_page *p = (struct record_page *)((uintptr_t)record & ~(uintptr_t)(PAGE_SIZE - 1));
    struct quota *q = p->block.charged_to;
    unsigned index = (unsigned)((char *)record - (char *)p - HEADER_SIZE) / p->size;
    p->free_mask[index / 32] |= 1u << (index % 32);
    unlink_page(p, q);
    if (--p->in_use == 0) {
        struct memory_block block = p->block;   /* the page is zeroed as it is freed */
        memory_free(&block);
        return;
    }
    push_front(p, q);
}

static void move_list(struct quota *from, struct quota *to, unsigned list)
{
    while (from->record_pages[list]) {
        struct record_page *p = from->record_pages[list];
        unlink_page(p, from);
        quota_release(from, PAGE_SIZE);
        quota_charge(to, PAGE_SIZE);   /* moe's own quota: unlimited */
        p->block.charged_to = to;
        push_front(p, to);
    }
}

void record_move_pages(struct quota *from, struct quota *to)
{
    for (unsigned list = 0; list <= FULL_LIST; list++)
        move_list(from, to, list);
}
