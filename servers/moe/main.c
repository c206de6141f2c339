/* SPDX-License-Identifier: MIT */
/*
 * moe, the root task (docs/runtime.md): takes all memory, builds the rom namespace,
 * starts the init program named on its command line and serves every moe object from one
 * thread.
 *
 * Command line (boot info): [--exit-with-init] [--init-console] [--repeat-init=N]
 *                           --init=rom/<program> [args]
 *   --exit-with-init  power off with init's exit status when it exits (QEMU tests)
 *   --init-console    init's log is a console with input (FACTORY LOG's PECAN_LOG_INPUT):
 *                     it reads the serial line, as ned's prompt does (ned --interactive)
 *   --repeat-init=N   start init N times, one after the other, and check that moe's free
 *                     memory is back at the same figure after each exit
 */
#include <lib/string.h>
#include <pecan/print.h>
#include "dataspace.h"
#include "icu.h"
#include "iomem.h"
#include "app_model.h"

/* moe keeps this much of the free memory for itself when it starts the init program. */
#define MOE_OWN_RESERVE (8u << 20)

#define MAX_ARGS 16

struct server moe_server;
const struct pecan_bootinfo *moe_bootinfo;

static struct namespace *rom;

static struct {
    char buffer[sizeof(((struct pecan_bootinfo *)0)->cmdline)];
    const char *argv[MAX_ARGS];
    unsigned argc;
    bool exit_with_init;
    bool init_console;
    unsigned repeat;
} options;

static struct moe_app_model init;
static unsigned init_runs;
static uint32_t free_baseline;

static void fatal(const char *what, int err)
{
    moe_log("fatal: %s: error %d", what, err);
    pecan_debug_exit(PECAN_ROOT_LOG, 100);
}

static unsigned parse_number(const char *s)
{
    unsigned n = 0;
    while (*s >= '0' && *s <= '9')
        n = n * 10 + (unsigned)(*s++ - '0');
    return n;
}

/* Splits the command line at spaces; init's arguments start at --init=. */
static void parse_cmdline(const char *cmdline)
{
    memcpy(options.buffer, cmdline, sizeof(options.buffer));
    options.buffer[sizeof(options.buffer) - 1] = 0;
    options.repeat = 1;
    char *p = options.buffer;
    bool in_init = false;
    while (*p) {
        while (*p == ' ')
            *p++ = 0;
        if (!*p)
            break;
        char *word = p;
        while (*p && *p != ' ')
            p++;
        if (in_init) {
            if (options.argc < MAX_ARGS)
                options.argv[options.argc++] = word;
        } else if (strncmp(word, "--init=", 7) == 0) {
            in_init = true;
            options.argv[options.argc++] = word + 7;
        } else if (strncmp(word, "--exit-with-init", 16) == 0 && (!word[16] || word[16] == ' ')) {
            options.exit_with_init = true;
        } else if (strncmp(word, "--init-console", 14) == 0 && (!word[14] || word[14] == ' ')) {
            options.init_console = true;
        } else if (strncmp(word, "--repeat-init=", 14) == 0) {
            options.repeat = parse_number(word + 14);
        }
    }
}

static int start_init(void);

static void init_exited(struct parent *p, int status)
{
    (void)p;
    /* Reclaim everything the program held: its factory owns all of it. */
    report_factory(init.factory);
    factory_destroy(init.factory);
    init.factory = 0;
    init.task = 0;
    /* Pages and records still on their way back count once they are back: the init
     * program's end is the one place moe waits for them. */
    dataspace_reap_all();
    uint32_t free_now = memory_free_bytes();
    moe_log("%s run %u: status %d; moe free memory %u bytes (before: %u)", init.name,
            init_runs, status, (unsigned)free_now, (unsigned)free_baseline);
    if (free_now != free_baseline) {
        moe_log("error: memory not reclaimed exactly: %d bytes missing",
                (int)(free_baseline - free_now));
        if (options.exit_with_init)
            pecan_debug_exit(PECAN_ROOT_LOG, 101);
    }
    if (status == 0 && init_runs < options.repeat) {
        int err = start_init();
        if (!err)
            return;
        status = 102;
    }
    if (options.exit_with_init) {
        report_log();
        pecan_debug_exit(PECAN_ROOT_LOG, status);
    }
}

static int start_init(void)
{
    const char *path = options.argv[0];
    if (strncmp(path, "rom/", 4) != 0)
        return -PECAN_ENOENT;
    struct dataspace *ds;
    const struct pecan_bootinfo_module *m = rom_find(path + 4, strlen(path + 4), &ds);
    if (!m) {
        moe_log("init: %s not found in rom", path);
        return -PECAN_ENOENT;
    }
    init.name = m->name;
    init.console = options.init_console;
    /* The init program gets all free memory but a reserve moe keeps for its own needs
     * (page tables of its window, its records): the whole system is the init's to hand on. */
    uint32_t free_bytes = memory_free_bytes();
    init.quota = free_bytes > 2 * MOE_OWN_RESERVE ? free_bytes - MOE_OWN_RESERVE : free_bytes / 2;
    init_runs++;
    return app_model_start(&init, ds, (const void *)(uintptr_t)m->vaddr, m->size, options.argc,
                           options.argv, namespace_object(rom), init_exited);
}

/* One registry entry per 4 KiB of the memory moe manages: every registered object has a
 * gate of its own, retyped from a 4 KiB block charged to a client (or to moe), so the
 * registry cannot fill before memory does and no client can take the last entries from
 * the others. */
static unsigned registry_capacity(void)
{
    return memory_total_bytes() >> 12;
}

static void console_input(struct server *s, pecan_word_t bits)
{
    (void)s;
    (void)bits;
    log_input_arrived();
}

static void start_server(void)
{
    static struct memory_block notification;
    int err = memory_alloc_object(memory_own_quota(), PECAN_OBJ_NOTIFICATION, 0, &notification);
    if (err)
        fatal("notification", err);
    unsigned capacity = registry_capacity();
    struct server_object **registry = memory_alloc_table(capacity * sizeof(*registry));
    if (!registry)
        fatal("registry", -PECAN_ENOMEM);
    struct server_config config = {
        .thread = PECAN_ROOT_THREAD, .cnode = PECAN_ROOT_CNODE, .cnode_depth = MOE_DEPTH,
        .notification = notification.object, .slot_alloc = moe_slot_alloc,
        .slot_free = moe_slot_free, .receive_slots = 2,
        .background = dataspace_reap_step,   /* destroyed dataspaces' pages, in steps */
        .notify_bits = LOG_INPUT_BIT, .notified = console_input,
    };
    if ((err = server_init(&moe_server, &config, registry, capacity)) != 0)
        fatal("server", err);
    log_input_start(notification.object);
    /* Above every program moe starts, so a request is served as soon as it comes; on the
     * CPU that programs are kept off (pecan_sched_program_cpus), so that serving does not
     * stop them. */
    pecan_sched_run_thread(PECAN_ROOT_SCHEDULER, PECAN_ROOT_THREAD, MOE_PRIORITY,
                           1u << PECAN_ROOT_SERVER_CPU, 0);
}

int root_main(const struct pecan_bootinfo *info);
int root_main(const struct pecan_bootinfo *info)
{
    moe_bootinfo = info;
    int err = memory_init(info);
    if (err)
        fatal("memory", err);
    start_server();
    if ((err = factory_init()) != 0)
        fatal("factory", err);
    if ((err = rom_create(&rom)) != 0)
        fatal("rom", err);
    struct server_object *iomem, *icu;
    if ((err = iomem_create(&iomem)) != 0)
        fatal("iomem", err);
    if ((err = icu_create(&icu)) != 0)
        fatal("icu", err);
    parse_cmdline(info->cmdline);
    moe_log("%u KiB of RAM, %u KiB free; %u boot modules", (unsigned)(memory_total_bytes() / 1024),
            (unsigned)(memory_free_bytes() / 1024), (unsigned)info->module_count);
    if (options.argc == 0) {
        moe_log("no --init=rom/<program> on the command line: serving nobody");
    } else {
        free_baseline = memory_free_bytes();
        if ((err = start_init()) != 0) {
            moe_log("init not started: error %d", err);
            if (options.exit_with_init)
                pecan_debug_exit(PECAN_ROOT_LOG, 103);
        }
    }
    server_loop(&moe_server);
}
