/* SPDX-License-Identifier: MIT */
/*
 * moe_memtest: a root task that runs moe's memory code (servers/moe/memory.c and its
 * portable parts) against the real kernel before moe itself exists: every object type,
 * pool pages, 64 KiB frames, contiguous memory, quotas and sub-quotas, exhaustion of all
 * RAM (in 64 KiB frames, and in 4 KiB blocks only: the buddy's nodes and moe's slots do
 * not run out first), and that freeing everything gives back exactly the memory and slots
 * there were.
 * Prints TAP; exits with the number of failed checks.
 */
#include <pecan/bootinfo.h>
#include <pecan/errors.h>
#include <pecan/print.h>
#include <pecan/sys.h>

#include "memory.h"

static unsigned checks, failures;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        checks++;                                                            \
        if (!(cond)) {                                                       \
            failures++;                                                      \
            pecan_printf("not ok %u - %s:%d: ", checks, __FILE__, __LINE__); \
            pecan_printf(__VA_ARGS__);                                       \
            pecan_printf("\n");                                              \
        }                                                                    \
    } while (0)

static uint32_t initial_free;

static unsigned cap_type(pecan_cap_t slot)
{
    struct pecan_cap_identity id;
    if (pecan_cnode_identify(PECAN_ROOT_CNODE, slot, 32, &id))
        return 0;
    return id.type;
}

static void test_objects(struct quota *q)
{
    static const struct { unsigned type, size_bits; } kinds[] = {
        { PECAN_OBJ_THREAD, 0 }, { PECAN_OBJ_GATE, 0 }, { PECAN_OBJ_NOTIFICATION, 0 },
        { PECAN_OBJ_CNODE, 4 }, { PECAN_OBJ_CNODE, 12 }, { PECAN_OBJ_VSPACE, 0 },
        { PECAN_OBJ_PAGE_TABLE, 0 }, { PECAN_OBJ_FRAME, 12 }, { PECAN_OBJ_FRAME, 16 },
        { PECAN_OBJ_UNTYPED, 14 },
    };
    enum { KINDS = sizeof(kinds) / sizeof(kinds[0]) };
    struct memory_block blocks[KINDS];
    uint32_t expected = 0;
    for (unsigned i = 0; i < KINDS; i++) {
        int err = memory_alloc_object(q, kinds[i].type, kinds[i].size_bits, &blocks[i]);
        CHECK(err == 0, "object type %u: %d", kinds[i].type, err);
        if (err)
            return;
        CHECK(cap_type(blocks[i].object) != 0, "object type %u: slot %u empty", kinds[i].type,
              (unsigned)blocks[i].object);
        expected += 1u << blocks[i].size_bits;
    }
    CHECK(q->used == expected && q->objects == KINDS, "quota used %u (expected %u), objects %u",
          (unsigned)q->used, (unsigned)expected, (unsigned)q->objects);
    CHECK(memory_check() == 0, "allocator consistent with objects");
    pecan_cap_t first_object = blocks[0].object;
    for (unsigned i = 0; i < KINDS; i++)
        memory_free(&blocks[i]);
    CHECK(cap_type(first_object) == 0, "freed object's slot is empty");
    CHECK(q->used == 0 && q->objects == 0, "quota empty after free: %u", (unsigned)q->used);
    CHECK(memory_free_bytes() == initial_free, "free bytes %u after objects, %u before",
          (unsigned)memory_free_bytes(), (unsigned)initial_free);
    CHECK(memory_alloc_object(q, 99, 0, &blocks[0]) == -PECAN_EINVAL, "bad type refused");
    CHECK(memory_alloc_object(q, PECAN_OBJ_FRAME, 13, &blocks[0]) == -PECAN_EINVAL,
          "bad frame size refused");
    pecan_printf("ok - objects of every type\n");
}

#define PAGES 100

static void test_pool_pages(struct quota *q)
{
    static struct memory_block pages[PAGES];
    for (unsigned i = 0; i < PAGES; i++) {
        int err = memory_alloc_frame(q, 12, &pages[i]);
        CHECK(err == 0, "page %u: %d", i, err);
        if (err)
            return;
        uint32_t *p = memory_local(pages[i].phys);
        CHECK(p[0] == 0 && p[1023] == 0, "page %u not zero", i);
        for (unsigned w = 0; w < 1024; w++)
            p[w] = pages[i].phys + w;
    }
    for (unsigned i = 0; i < PAGES; i++) {
        uint32_t *p = memory_local(pages[i].phys);
        CHECK(p[7] == pages[i].phys + 7 && p[1023] == pages[i].phys + 1023,
              "page %u (phys %08x) overwritten", i, (unsigned)pages[i].phys);
    }
    CHECK(q->used == PAGES * 4096u, "quota charged per page: %u", (unsigned)q->used);
    for (unsigned i = 0; i < PAGES; i++)
        memory_free(&pages[i]);
    CHECK(q->used == 0, "quota empty after pages");
    CHECK(memory_free_bytes() == initial_free, "free bytes %u after pages, %u before",
          (unsigned)memory_free_bytes(), (unsigned)initial_free);
    /* Reused pages come back zeroed. */
    for (unsigned i = 0; i < PAGES; i++) {
        CHECK(memory_alloc_frame(q, 12, &pages[i]) == 0, "page again");
        const uint32_t *p = memory_local(pages[i].phys);
        unsigned nonzero = 0;
        for (unsigned w = 0; w < 1024; w++)
            nonzero += p[w] != 0;
        CHECK(nonzero == 0, "reused page %08x has %u non-zero words", (unsigned)pages[i].phys,
              nonzero);
    }
    for (unsigned i = 0; i < PAGES; i++)
        memory_free(&pages[i]);
    CHECK(memory_check() == 0, "allocator consistent after pages");
    pecan_printf("ok - pool pages: zeroed, distinct, charged per page, zero again on reuse\n");
}

static void test_frames_and_contiguous(struct quota *q)
{
    struct memory_block frame, contiguous;
    int err = memory_alloc_frame(q, 16, &frame);
    CHECK(err == 0, "64 KiB frame: %d", err);
    if (!err) {
        uint32_t *p = memory_local(frame.phys);
        CHECK((frame.phys & 0xFFFF) == 0, "64 KiB frame aligned");
        for (unsigned w = 0; w < 16384; w++)
            p[w] = w;
        CHECK(p[16383] == 16383, "64 KiB frame writable");
        memory_free(&frame);
    }
    CHECK(memory_alloc_frame(q, 20, &frame) == -PECAN_ERANGE, "1 MiB frames refused");

    err = memory_alloc_contiguous(q, 20, &contiguous);
    CHECK(err == 0, "1 MiB contiguous: %d", err);
    if (!err) {
        CHECK(contiguous.count == 16, "1 MiB as 16 frames of 64 KiB: %u", contiguous.count);
        for (unsigned i = 0; i < contiguous.count; i++) {
            pecan_word_t phys = 0, vaddr = 0;
            unsigned bits = 0;
            pecan_frame_info(contiguous.object + i, &phys, &bits, &vaddr);
            CHECK(phys == contiguous.phys + (i << 16) && bits == 16 &&
                  vaddr == (uint32_t)(uintptr_t)memory_local(phys),
                  "contiguous frame %u: phys %08x bits %u at %08x", i, (unsigned)phys, bits,
                  (unsigned)vaddr);
        }
        uint8_t *p = memory_local(contiguous.phys);
        p[0] = 1;
        p[(1u << 20) - 1] = 2;
        memory_free(&contiguous);
    }
    err = memory_alloc_contiguous(q, 13, &contiguous);
    CHECK(err == 0 && contiguous.count == 2, "8 KiB contiguous as two 4 KiB frames: %d", err);
    if (!err)
        memory_free(&contiguous);
    CHECK(memory_free_bytes() == initial_free, "free bytes back after frames");
    pecan_printf("ok - 64 KiB frames and contiguous memory\n");
}

static void test_quotas(void)
{
    struct quota parent, child;
    struct memory_block pages[20];
    quota_init(&parent, 0, 64 * 1024);
    unsigned got = 0;
    while (got < 20 && memory_alloc_frame(&parent, 12, &pages[got]) == 0)
        got++;
    CHECK(got == 16, "64 KiB quota gives 16 pages, gave %u", got);
    CHECK(parent.used == parent.limit, "quota full");
    for (unsigned i = 0; i < got; i++)
        memory_free(&pages[i]);

    CHECK(quota_init(&child, &parent, 32 * 1024) == 0, "sub-quota of half");
    CHECK(parent.used == 32 * 1024, "sub-quota's limit charged to the parent");
    struct quota too_big;
    CHECK(quota_init(&too_big, &parent, 33 * 1024) == -PECAN_ENOMEM, "sub-quota over what is left");
    got = 0;
    while (got < 20 && memory_alloc_frame(&child, 12, &pages[got]) == 0)
        got++;
    CHECK(got == 8, "32 KiB sub-quota gives 8 pages, gave %u", got);
    struct memory_block extra;
    CHECK(memory_alloc_frame(&parent, 16, &extra) == -PECAN_ENOMEM,
          "parent cannot take 64 KiB while the sub-quota holds half");
    CHECK(quota_fini(&child) == -PECAN_EBUSY, "busy sub-quota stays");
    for (unsigned i = 0; i < got; i++)
        memory_free(&pages[i]);
    CHECK(quota_fini(&child) == 0 && parent.used == 0, "sub-quota gone, parent empty");
    CHECK(memory_free_bytes() == initial_free, "free bytes back after quotas");
    pecan_printf("ok - quotas and sub-quotas\n");
}

#define MAX_BLOCKS 8192   /* 64 KiB frames of 256 MiB, and the 4 KiB blocks left */

static void test_exhaustion(struct quota *q)
{
    static struct memory_block blocks[MAX_BLOCKS];
    unsigned n = 0;
    while (n < MAX_BLOCKS && memory_alloc_frame(q, 16, &blocks[n]) == 0)
        n++;
    CHECK(n < MAX_BLOCKS, "RAM ran out");
    pecan_printf("# exhaustion: %u frames of 64 KiB, %u bytes left free\n", n,
                 (unsigned)memory_free_bytes());
    struct memory_block one;
    uint32_t used = q->used;
    CHECK(memory_alloc_frame(q, 16, &one) == -PECAN_ENOMEM && q->used == used,
          "failed allocation changes nothing");
    /* The rest: 4 KiB objects from the smaller blocks, then pages from the pool. */
    unsigned small = 0;
    while (n < MAX_BLOCKS && memory_alloc_object(q, PECAN_OBJ_PAGE_TABLE, 0, &blocks[n]) == 0)
        n++, small++;
    while (n < MAX_BLOCKS && memory_alloc_frame(q, 12, &blocks[n]) == 0)
        n++, small++;
    CHECK(n < MAX_BLOCKS && memory_free_bytes() == 0, "%u 4 KiB blocks, then %u bytes free",
          small, (unsigned)memory_free_bytes());
    CHECK(memory_alloc_object(q, PECAN_OBJ_GATE, 0, &one) == -PECAN_ENOMEM,
          "out of memory is -ENOMEM");
    for (unsigned i = 0; i < n; i++)
        memory_free(&blocks[i]);
    CHECK(memory_free_bytes() == initial_free, "after exhaustion %u free, %u before",
          (unsigned)memory_free_bytes(), (unsigned)initial_free);
    CHECK(memory_check() == 0, "allocator consistent after exhaustion");
    pecan_printf("ok - all RAM taken and given back exactly\n");
}

/* All RAM in 4 KiB blocks (a gate each, as a client fragmenting memory would make): the
 * tree of buddy nodes grows to twice as many nodes as blocks, beyond 16-bit indices, and
 * neither the nodes nor the slots run out before the memory does. */
#define MAX_SMALL (1 << 16)   /* 256 MiB, the most RAM moe's window holds, in 4 KiB */

static void test_small_blocks(struct quota *q)
{
    static struct memory_block blocks[MAX_SMALL];
    unsigned n = 0;
    int err = 0;
    while (n < MAX_SMALL && (err = memory_alloc_object(q, PECAN_OBJ_GATE, 0, &blocks[n])) == 0)
        n++;
    CHECK(n < MAX_SMALL && err == -PECAN_ENOMEM, "4 KiB blocks ran out with -ENOMEM: %d", err);
    /* What is left is the pool's spare pages (a free group is kept), nothing in the buddy. */
    uint32_t left = memory_free_bytes();
    pecan_printf("# small blocks: %u of 4 KiB, %u bytes left (pool pages)\n", n, (unsigned)left);
    CHECK(n >= (initial_free - left) / 4096 && left < (1u << 20),
          "all memory but the pool's spare pages in 4 KiB blocks: %u blocks, %u left", n,
          (unsigned)left);
    CHECK(memory_check() == 0, "allocator consistent with all memory in 4 KiB blocks");
    for (unsigned i = 0; i < n; i++)
        memory_free(&blocks[i]);
    CHECK(memory_free_bytes() == initial_free, "after small blocks %u free, %u before",
          (unsigned)memory_free_bytes(), (unsigned)initial_free);
    CHECK(memory_check() == 0, "allocator consistent after small blocks");
    pecan_printf("ok - all RAM in 4 KiB blocks and back\n");
}

int root_main(const struct pecan_bootinfo *info);

int root_main(const struct pecan_bootinfo *info)
{
    int err = memory_init(info);
    pecan_printf("# memory_init: %d, %u of %u KiB free\n", err,
                 (unsigned)(memory_free_bytes() / 1024), (unsigned)(memory_total_bytes() / 1024));
    CHECK(err == 0, "memory_init: %d", err);
    if (err)
        return 1;
    initial_free = memory_free_bytes();
    CHECK(memory_total_bytes() - initial_free == memory_own_quota()->used,
          "only the window's page tables and moe's tables are in use: %u",
          (unsigned)memory_own_quota()->used);
    struct quota q;
    quota_init(&q, 0, 0xFFFFFFFFu);
    unsigned free_slots = moe_slot_free_count();

    test_objects(&q);
    test_pool_pages(&q);
    test_frames_and_contiguous(&q);
    test_quotas();
    test_exhaustion(&q);
    test_small_blocks(&q);
    for (int round = 0; round < 3; round++)
        test_pool_pages(&q);

    /* The pool keeps one free group (and the splits above it), so a few slots may differ. */
    CHECK(moe_slot_free_count() + 64 > free_slots, "slots given back: %u free, %u before",
          moe_slot_free_count(), free_slots);
    CHECK(memory_check() == 0, "slot accounting exact");
    pecan_word_t problems = 0;
    pecan_debug_check(PECAN_ROOT_LOG, &problems);
    CHECK(problems == 0, "kernel invariants: %u problems", (unsigned)problems);
    pecan_printf("moe memory: %u checks, %u failed\n", checks, failures);
    return (int)failures;
}
