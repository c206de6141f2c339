/* SPDX-License-Identifier: MIT */
/*
 * Two tasks share a dataspace and see each other's writes while both run. The first
 * instance (no arguments) makes a dataspace, attaches it, and starts a second instance of
 * itself with the children library (pecan/children.h), handing it the dataspace as "shared".
 * They then take turns through the memory: parent writes a token, the child answers with
 * token + 1, the parent writes token + 2, ... for ROUNDS rounds. The child exits with 0
 * when every answer arrived in time; the parent exits with 0 when the child's status
 * (seen through the parent protocol) is 0 and its own checks passed.
 */
#include <stdio.h>
#include <string.h>
#include <pecan/factory.h>
#include <pecan/children.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>

#define SIZE 0x4000u
#define ROUNDS 100
#define TOKEN 0x5a000000u
#define WAIT_STEPS 20000   /* of 100 us: 2 s */

struct shared_page {
    volatile uint32_t turn;   /* TOKEN + n: the n-th write, by the parent when n is even */
    volatile uint32_t pattern[64];
};

static struct shared_page *attach(pecan_cap_t ds)
{
    pecan_word_t address = PECAN_ENV_FREE_BASE;
    int err = pecan_rm_attach(PECAN_ENV_RM, &address, SIZE,
                              PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0);
    if (err) {
        printf("share: attach failed: %d\n", err);
        return 0;
    }
    return (struct shared_page *)(uintptr_t)address;
}

/* Waits until the other side wrote `expected`; false after about two seconds. */
static bool wait_for(struct shared_page *page, uint32_t expected)
{
    for (unsigned i = 0; i < WAIT_STEPS; i++) {
        if (page->turn == expected)
            return true;
        pecan_sleep_us(100);
    }
    return false;
}

/* Takes turns: this side writes the values of parity `mine` (0: parent, 1: child). */
static int take_turns(struct shared_page *page, unsigned mine, const char *who)
{
    for (unsigned n = 0; n < 2 * ROUNDS; n++) {
        if (n % 2 == mine) {
            page->pattern[n % 64] = n * 7 + 1;
            page->turn = TOKEN + n;
        } else if (!wait_for(page, TOKEN + n) || page->pattern[n % 64] != n * 7 + 1) {
            printf("share: %s: write %u of the other task not seen (FAILED)\n", who, n);
            return 1;
        }
    }
    printf("share: %s saw all %u writes of the other task\n", who, ROUNDS);
    return 0;
}

static int child(void)
{
    pecan_cap_t ds = pecan_env_cap("shared");
    struct shared_page *page = ds ? attach(ds) : 0;
    if (!page) {
        printf("share: child: no shared dataspace (FAILED)\n");
        return 2;
    }
    return take_turns(page, 1, "child");
}

static int parent(void)
{
    static struct children children;
    pecan_cap_t ds;
    if (pecan_cap_alloc(&ds) || pecan_factory_create_dataspace(PECAN_ENV_FACTORY, SIZE, 0, 0, ds, 0)) {
        printf("share: cannot make the dataspace (FAILED)\n");
        return 1;
    }
    struct shared_page *page = attach(ds);
    if (!page)
        return 1;
    memset((void *)page, 0, sizeof(*page));
    int err = children_init(&children, PECAN_ENV_FACTORY);
    if (err) {
        printf("share: children_init: %d (FAILED)\n", err);
        return 1;
    }
    static const char *const argv[] = { "share", "child" };
    struct child_cap caps[] = {
        { "shared", ds, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT },
    };
    struct child_spec spec = {
        .path = "rom/share.elf", .argc = 2, .argv = argv,
        .factory = PECAN_ENV_FACTORY, .scheduler = PECAN_ENV_SCHEDULER, .log = PECAN_ENV_LOG,
        .cap_count = 1, .caps = caps,
    };
    struct child *c;
    const char *why;
    if ((err = children_start(&children, &spec, &c, &why)) != 0) {
        printf("share: starting the child: %s (%d) (FAILED)\n", why, err);
        return 1;
    }
    int mine = take_turns(page, 0, "parent");
    struct child *exited;
    if (children_wait(&children, 10000000, &exited) != 0 || exited != c) {
        printf("share: the child did not exit (FAILED)\n");
        return 1;
    }
    printf("share: child exited with status %d\n", c->status);
    int status = c->status;
    children_release(&children, c);
    return mine || status ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child();
    return parent();
}
