/* SPDX-License-Identifier: MIT */
/*
 * bench_moe_bytes: moe's own memory with 10 and with 100 live clients, printed as
 * `bench moe_bytes_10_clients <n> bytes` and `bench moe_bytes_100_clients <n> bytes`.
 *
 * Definition (docs/bench.md): moe's own memory is what moe holds that no client's quota
 * pays for:
 *   - its image: the PT_LOAD segments of rom/moe.elf (code, data, bss with its static
 *     object tables), rounded up to pages;
 *   - plus its own quota's use (FACTORY INFO word 4: the window's page tables, the rom
 *     namespace, moe's own kernel objects, ...) minus the quotas it reserved for clients
 *     (the init program's factory, whose whole limit its own quota carries).
 * Everything a client makes or is given (task, CNode, address space, dataspaces, pages,
 * gates) is charged to the client's factory and is not counted.
 *
 * The program (no arguments) is moe's init; it starts copies of itself ("idle") with the
 * children, charged to its own factory, which sleep until they are killed. The figures
 * are taken once 10 and once 100 of them run (two sets: one holds at most 64).
 */
#include <stdio.h>
#include <string.h>
#include <pecan/factory.h>
#include <pecan/children.h>
#include <pecan/namespace.h>
#include <pecan/region_map.h>
#include <pecan/dataspace.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>

#define CLIENTS 100
#define PER_SET 50

/* FACTORY INFO, with moe's free RAM and own memory (words 4 and 5). */
static int info(pecan_cap_t factory, struct pecan_factory_info *out)
{
    int err = pecan_factory_info(factory, out);
    return err ? err : out->free_ram ? 0 : -PECAN_EMSGTOOSHORT;
}

/* Bytes of moe's loaded image: its ELF's PT_LOAD memory sizes, page-rounded. */
static int moe_image_bytes(uint32_t *bytes)
{
    pecan_cap_t ds;
    int err = pecan_cap_alloc(&ds);
    if (err || (err = pecan_ns_query_path(pecan_env_cap("rom"), "moe.elf", ds)) != 0)
        return err;
    struct pecan_dataspace_info ds_info;
    pecan_word_t address = PECAN_ENV_FREE_BASE;
    if ((err = pecan_dataspace_info(ds, &ds_info)) == 0)
        err = pecan_rm_attach(PECAN_ENV_RM, &address, (ds_info.size + 0xFFFu) & ~0xFFFu,
                              PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ, ds, 0);
    if (err) {
        pecan_cap_release(ds);
        return err;
    }
    const uint8_t *elf = (const uint8_t *)(uintptr_t)address;
    uint32_t phoff, phnum, phentsize;
    memcpy(&phoff, elf + 28, 4);
    phnum = elf[44] | elf[45] << 8;
    phentsize = elf[42] | elf[43] << 8;
    *bytes = 0;
    for (uint32_t i = 0; i < phnum && phoff + (i + 1) * phentsize <= ds_info.size; i++) {
        uint32_t header[8];
        memcpy(header, elf + phoff + i * phentsize, sizeof(header));
        if (header[0] != 1)   /* PT_LOAD */
            continue;
        uint32_t start = header[2] & ~0xFFFu, end = (header[2] + header[5] + 0xFFFu) & ~0xFFFu;
        *bytes += end - start;
    }
    pecan_rm_detach(PECAN_ENV_RM, address, 0, 0);
    pecan_cap_release(ds);
    return 0;
}

static struct children child_sets[(CLIENTS + PER_SET - 1) / PER_SET];
static struct child *clients[CLIENTS];

static int start_client(unsigned n)
{
    static const char *const argv[] = { "bench_moe_bytes", "idle" };
    struct child_spec spec = {
        .path = "rom/bench_moe_bytes.elf", .argc = 2, .argv = argv,
        .factory = PECAN_ENV_FACTORY, .scheduler = PECAN_ENV_SCHEDULER, .log = PECAN_ENV_LOG,
    };
    const char *why;
    int err = children_start(&child_sets[n / PER_SET], &spec, &clients[n], &why);
    if (err)
        printf("bench_moe_bytes: client %u: %s (%d)\n", n + 1, why, err);
    return err;
}

static int report(unsigned live, uint32_t image)
{
    struct pecan_factory_info mine;
    pecan_sleep_us(100000);   /* let the new clients reach their sleep */
    int err = info(PECAN_ENV_FACTORY, &mine);
    if (err) {
        printf("bench_moe_bytes: FACTORY INFO: %d\n", err);
        return err;
    }
    uint32_t dynamic = mine.moe_own - mine.quota;
    printf("# moe_bytes_%u_clients: image %u + own quota %u - init's reservation %u; "
           "clients' use %u, moe free RAM %u\n", live, (unsigned)image,
           (unsigned)mine.moe_own, (unsigned)mine.quota, (unsigned)mine.used,
           (unsigned)mine.free_ram);
    printf("bench moe_bytes_%u_clients %u bytes\n", live, (unsigned)(image + dynamic));
    return 0;
}

static int parent(void)
{
    uint32_t image = 0;
    int err = moe_image_bytes(&image);
    if (err) {
        printf("# moe_bytes: rom/moe.elf not readable (%d): the image is not counted\n", err);
        image = 0;
    }
    for (unsigned i = 0; i < sizeof(child_sets) / sizeof(child_sets[0]) && !err; i++)
        err = children_init(&child_sets[i], PECAN_ENV_FACTORY);
    if (err) {
        printf("bench_moe_bytes: children_init: %d\n", err);
        return 1;
    }
    unsigned live = 0;
    for (; live < 10 && !err; live++)
        err = start_client(live);
    if (err || report(live, image))
        return 1;
    for (; live < CLIENTS && !err; live++)
        err = start_client(live);
    if (err || report(live, image))
        return 1;
    for (unsigned i = 0; i < live; i++) {
        struct children *l = &child_sets[i / PER_SET];
        children_kill(l, clients[i]);
        children_release(l, clients[i]);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "idle") == 0) {
        for (;;)
            pecan_sleep_us(10000000);
    }
    return parent();
}
