/* SPDX-License-Identifier: MIT */
/*
 * drvhostile: a driver that tries to take more than the boot script gave it. conf/drivers.lua
 * starts it with "iomem", a view covering UART3's registers (0x1000C000, one page), and
 * "icu", a view covering UART3's line (IRQ 79). Every case prints "drvhostile: <case>: ok"
 * or a line with FAILED; the program exits with the number of failed checks.
 *
 *  iomem_inside      INFO tells the range; a dataspace and a view of it work, the
 *                    registers are UART3's
 *  iomem_outside     a dataspace or view outside the range (the next UART, RAM, wider,
 *                    wrapping) is ERANGE; empty or unaligned is EINVAL; a view of a view
 *                    is no wider than it
 *  iomem_read_only   a copy without the object right WRITE makes nothing (EPERM), INFO works
 *  iomem_payer       the factory that pays must be a moe factory (EXDEV) the caller may
 *                    write (EPERM), and be there (EINVALCAP)
 *  icu_inside        INFO tells the lines; GET of its line gives a handler that binds and
 *                    acknowledges
 *  icu_outside       GET of another line (UART2's, the cascade, none) is ERANGE; a view
 *                    wider than it ERANGE, of no line EINVAL
 *  icu_read_only     a copy without WRITE cannot GET or make views (EPERM)
 *  icu_last_get_wins a second GET takes the first handler capability back and unbinds the
 *                    line: one driver per line, a restarted driver gets it back
 *  views_charged     views are charged to the factory that pays: a small sub-factory runs
 *                    out (ENOMEM) while the program's own still makes views (moe's tables
 *                    are not what ran out), and destroying it gives back exactly what it
 *                    held
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <pecan/factory.h>
#include <pecan/icu.h>
#include <pecan/iomem.h>
#include <pecan/namespace.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/testkit.h>

#define UART3 0x1000C000u
#define UART2 0x1000B000u
#define UART3_IRQ 79
#define UART2_IRQ 78
#define PAGE 0x1000u
#define SUB_QUOTA (64u * 1024u)
#define MAX_VIEWS 64u

static int failures;
static pecan_cap_t ns;   /* scratch namespace, for read-only copies */

static void check(const char *name, int ok, const char *what, long value)
{
    if (!ok) {
        printf("drvhostile: %s: FAILED: %s (%ld)\n", name, what, value);
        failures++;
    }
}

static void passed(const char *name, int failures_before)
{
    if (failures == failures_before)
        printf("drvhostile: %s: ok\n", name);
}

/* A copy of one of moe's objects without the object right WRITE: registered in a
 * namespace without RW and queried back. */
static pecan_cap_t read_only(pecan_cap_t cap)
{
    pecan_cap_t ro = testkit_slot();
    int err = pecan_ns_register(ns, "x", cap, PECAN_NAMESPACE_OVERWRITE);
    if (!err)
        err = pecan_ns_query_path(ns, "x", ro);
    if (err) {
        printf("drvhostile: read-only copy: error %d (FAILED)\n", err);
        exit(101);
    }
    pecan_ns_unlink(ns, "x");
    return ro;
}

static int iomem_ds(pecan_cap_t iomem, pecan_word_t phys, pecan_word_t size)
{
    pecan_cap_t ds = testkit_slot();
    int err = pecan_iomem_dataspace(iomem, PECAN_ENV_FACTORY, phys, size, ds);
    pecan_cap_release(ds);
    return err;
}

static int iomem_view(pecan_cap_t iomem, pecan_cap_t payer, pecan_word_t phys, pecan_word_t size)
{
    pecan_cap_t v = testkit_slot();
    int err = pecan_iomem_view(iomem, payer, phys, size, v);
    pecan_cap_release(v);
    return err;
}

/* ---- IOMEM -------------------------------------------------------------------------------- */

static void iomem_inside(pecan_cap_t iomem)
{
    int before = failures;
    pecan_word_t first = 0, last = 0;
    int err = pecan_iomem_info(iomem, &first, &last);
    check("iomem_inside", !err && first == UART3 && last == UART3 + PAGE - 1, "INFO", err);
    pecan_cap_t ds = testkit_slot(), view = testkit_slot();
    err = pecan_iomem_dataspace(iomem, PECAN_ENV_FACTORY, UART3, PAGE, ds);
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &at, PAGE,
                              PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0);
    check("iomem_inside", !err, "a dataspace of its own registers", err);
    if (!err) {
        uint32_t id = *(volatile uint32_t *)(uintptr_t)(at + 0xFE0);
        check("iomem_inside", (id & 0xff) == 0x11, "PL011 peripheral id", (long)id);
        pecan_rm_detach(PECAN_ENV_RM, at, 0, 0);
    }
    err = pecan_iomem_view(iomem, PECAN_ENV_FACTORY, UART3, PAGE, view);
    check("iomem_inside", !err, "a view of its own range", err);
    err = pecan_iomem_info(view, &first, &last);
    check("iomem_inside", !err && first == UART3 && last == UART3 + PAGE - 1, "the view's INFO", err);
    /* A view of a view is no wider than it. */
    check("iomem_inside", iomem_view(view, PECAN_ENV_FACTORY, UART2, 2 * PAGE) == -PECAN_ERANGE,
          "a wider view of the view", 0);
    pecan_cap_release(ds);
    pecan_cap_release(view);
    passed("iomem_inside", before);
}

static void iomem_outside(pecan_cap_t iomem)
{
    int before = failures;
    static const struct { pecan_word_t phys, size; int err; const char *what; } cases[] = {
        { UART2, PAGE, -PECAN_ERANGE, "the next UART" },
        { UART3, 2 * PAGE, -PECAN_ERANGE, "wider" },
        { UART3 - PAGE, 2 * PAGE, -PECAN_ERANGE, "starting below" },
        { 0x00100000u, PAGE, -PECAN_ERANGE, "RAM" },
        { 0x10000000u, PAGE, -PECAN_ERANGE, "the kernel's system registers" },
        { 0xFFFFF000u, 2 * PAGE, -PECAN_EINVAL, "wrapping" },
        { UART3, 0, -PECAN_EINVAL, "empty" },
        { UART3 + 0x10, PAGE, -PECAN_EINVAL, "unaligned" },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int err = iomem_ds(iomem, cases[i].phys, cases[i].size);
        check("iomem_outside", err == cases[i].err, cases[i].what, err);
        err = iomem_view(iomem, PECAN_ENV_FACTORY, cases[i].phys, cases[i].size);
        check("iomem_outside", err == cases[i].err, cases[i].what, err);
    }
    passed("iomem_outside", before);
}

static void iomem_read_only(pecan_cap_t iomem)
{
    int before = failures;
    pecan_cap_t ro = read_only(iomem);
    pecan_word_t first, last;
    check("iomem_read_only", iomem_ds(ro, UART3, PAGE) == -PECAN_EPERM, "DATASPACE", 0);
    check("iomem_read_only", iomem_view(ro, PECAN_ENV_FACTORY, UART3, PAGE) == -PECAN_EPERM,
          "VIEW", 0);
    check("iomem_read_only", pecan_iomem_info(ro, &first, &last) == 0 && first == UART3, "INFO", 0);
    pecan_cap_release(ro);
    passed("iomem_read_only", before);
}

static void iomem_payer(pecan_cap_t iomem)
{
    int before = failures;
    pecan_cap_t ro_factory = read_only(PECAN_ENV_FACTORY), empty = testkit_slot();
    check("iomem_payer", iomem_view(iomem, PECAN_ENV_LOG, UART3, PAGE) == -PECAN_EXDEV,
          "a log pays", 0);
    check("iomem_payer", iomem_view(iomem, ro_factory, UART3, PAGE) == -PECAN_EPERM,
          "a read-only factory pays", 0);
    check("iomem_payer", iomem_view(iomem, empty, UART3, PAGE) == -PECAN_EINVALCAP,
          "nobody pays", 0);
    pecan_cap_release(ro_factory);
    pecan_cap_free(empty);
    passed("iomem_payer", before);
}

/* ---- ICU ---------------------------------------------------------------------------------- */

static int icu_get(pecan_cap_t icu, pecan_word_t line)
{
    pecan_cap_t h = testkit_slot();
    int err = pecan_icu_get(icu, line, h);
    pecan_cap_release(h);
    return err;
}

static int icu_view(pecan_cap_t icu, pecan_word_t first, pecan_word_t count)
{
    pecan_cap_t v = testkit_slot();
    int err = pecan_icu_view(icu, PECAN_ENV_FACTORY, first, count, v);
    pecan_cap_release(v);
    return err;
}

static void icu_inside(pecan_cap_t icu)
{
    int before = failures;
    pecan_word_t first = 0, count = 0;
    int err = pecan_icu_info(icu, &first, &count);
    check("icu_inside", !err && first == UART3_IRQ && count == 1, "INFO", err);
    pecan_cap_t h = testkit_slot(), n = testkit_slot();
    err = pecan_icu_get(icu, UART3_IRQ, h);
    check("icu_inside", !err, "GET of its line", err);
    if (!err)
        err = pecan_factory_create_notification(PECAN_ENV_FACTORY, n);
    if (!err)
        err = pecan_irq_bind(h, n, 1);
    check("icu_inside", !err, "BIND to its own notification", err);
    check("icu_inside", pecan_irq_ack(h) == 0, "ACK", 0);
    check("icu_inside", pecan_irq_unbind(h) == 0, "UNBIND", 0);
    check("icu_inside", icu_view(icu, UART3_IRQ, 1) == 0, "a view of its line", 0);
    pecan_cap_release(h);
    pecan_cap_release(n);
    passed("icu_inside", before);
}

static void icu_outside(pecan_cap_t icu)
{
    int before = failures;
    static const pecan_word_t lines[] = { UART2_IRQ, UART3_IRQ + 1, 42, 36, 0, 0xFFFFFFFFu };
    for (unsigned i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
        check("icu_outside", icu_get(icu, lines[i]) == -PECAN_ERANGE, "GET of another line",
              (long)lines[i]);
    check("icu_outside", icu_view(icu, UART3_IRQ, 2) == -PECAN_ERANGE, "a wider view", 0);
    check("icu_outside", icu_view(icu, UART2_IRQ, 1) == -PECAN_ERANGE, "a view of another", 0);
    check("icu_outside", icu_view(icu, UART3_IRQ, 0xFFFFFFFFu) == -PECAN_ERANGE, "a huge view", 0);
    check("icu_outside", icu_view(icu, UART3_IRQ, 0) == -PECAN_EINVAL, "a view of no line", 0);
    passed("icu_outside", before);
}

static void icu_read_only(pecan_cap_t icu)
{
    int before = failures;
    pecan_cap_t ro = read_only(icu);
    pecan_word_t first, count;
    check("icu_read_only", icu_get(ro, UART3_IRQ) == -PECAN_EPERM, "GET", 0);
    check("icu_read_only", icu_view(ro, UART3_IRQ, 1) == -PECAN_EPERM, "VIEW", 0);
    check("icu_read_only", pecan_icu_info(ro, &first, &count) == 0 && first == UART3_IRQ, "INFO", 0);
    pecan_cap_release(ro);
    passed("icu_read_only", before);
}

static bool slot_empty(pecan_cap_t s)
{
    struct pecan_cap_identity id;
    return pecan_cnode_identify(PECAN_ENV_CNODE, s, 32, &id) == 0 && id.type == 0;
}

static void icu_last_get_wins(pecan_cap_t icu)
{
    int before = failures;
    pecan_cap_t first = testkit_slot(), second = testkit_slot(), n = testkit_slot();
    int err = pecan_factory_create_notification(PECAN_ENV_FACTORY, n);
    if (!err)
        err = pecan_icu_get(icu, UART3_IRQ, first);
    if (!err)
        err = pecan_irq_bind(first, n, 1);
    check("icu_last_get_wins", !err, "the first GET and BIND", err);
    err = pecan_icu_get(icu, UART3_IRQ, second);
    check("icu_last_get_wins", !err, "the second GET", err);
    check("icu_last_get_wins", slot_empty(first), "the first handler capability is still there", 0);
    err = pecan_irq_bind(second, n, 1);
    check("icu_last_get_wins", err == 0, "BIND after the second GET (the line was unbound)", err);
    check("icu_last_get_wins", pecan_irq_ack(second) == 0, "ACK", 0);
    pecan_irq_unbind(second);
    pecan_cap_release(first);
    pecan_cap_release(second);
    pecan_cap_release(n);
    passed("icu_last_get_wins", before);
}

/* ---- accounting --------------------------------------------------------------------------- */

static pecan_word_t used(pecan_cap_t factory)
{
    struct pecan_factory_info info = { 0 };
    pecan_factory_info(factory, &info);
    return info.used;
}

/* Views paid by payer until it runs out: how many it paid for, views[] holds them. */
static unsigned views_until_enomem(pecan_cap_t iomem, pecan_cap_t icu, pecan_cap_t payer,
                                   pecan_cap_t *views, int *last_err)
{
    unsigned made = 0;
    *last_err = 0;
    while (made < MAX_VIEWS && !*last_err) {
        views[made] = testkit_slot();
        *last_err = made % 2 ? pecan_icu_view(icu, payer, UART3_IRQ, 1, views[made])
                             : pecan_iomem_view(iomem, payer, UART3, PAGE, views[made]);
        if (*last_err)
            pecan_cap_free(views[made]);
        else
            made++;
    }
    return made;
}

static void views_charged(pecan_cap_t iomem, pecan_cap_t icu)
{
    int before = failures;
    pecan_cap_t sub = testkit_slot(), views[MAX_VIEWS];
    pecan_word_t own_before = used(PECAN_ENV_FACTORY);
    int err = pecan_factory_create_factory(PECAN_ENV_FACTORY, SUB_QUOTA, sub);
    check("views_charged", !err, "a sub-factory", err);
    unsigned made = views_until_enomem(iomem, icu, sub, views, &err);
    check("views_charged", err == -PECAN_ENOMEM && made > 0, "the sub-factory ran out", err);
    check("views_charged", used(sub) > 0 && used(sub) <= SUB_QUOTA, "charged to it", (long)used(sub));
    /* moe still makes views for a payer that has quota. */
    check("views_charged", iomem_view(iomem, PECAN_ENV_FACTORY, UART3, PAGE) == 0, "IOMEM VIEW", 0);
    check("views_charged", icu_view(icu, UART3_IRQ, 1) == 0, "ICU VIEW", 0);
    err = pecan_factory_destroy(PECAN_ENV_FACTORY, sub);
    check("views_charged", !err, "FACTORY DESTROY", err);
    for (unsigned i = 0; i < made; i++)
        pecan_cap_release(views[i]);
    pecan_cap_release(sub);
    /* moe frees objects when their no-clients notification arrives: give it a moment. */
    for (unsigned i = 0; i < 100 && used(PECAN_ENV_FACTORY) != own_before; i++)
        pecan_sleep_us(10000);
    check("views_charged", used(PECAN_ENV_FACTORY) == own_before, "quota not back exactly",
          (long)(used(PECAN_ENV_FACTORY) - own_before));
    printf("drvhostile: a %u KiB factory paid for %u views\n", SUB_QUOTA / 1024, made);
    passed("views_charged", before);
}

/* Stack pages are charged to the quota when first touched: touch them before a case
 * compares the quota's figures. */
static void warm_up_stack(void)
{
    volatile char stack[32 * 1024];
    for (unsigned i = 0; i < sizeof(stack); i += 512)
        stack[i] = 1;
}

int main(void)
{
    warm_up_stack();
    pecan_cap_t iomem = pecan_env_cap("iomem"), icu = pecan_env_cap("icu");
    ns = testkit_slot();
    if (!iomem || !icu || pecan_factory_create_namespace(PECAN_ENV_FACTORY, ns)) {
        printf("drvhostile: needs iomem, icu and a namespace (FAILED)\n");
        return 100;
    }
    printf("drvhostile: given UART3's registers and line\n");
    iomem_inside(iomem);
    iomem_outside(iomem);
    iomem_read_only(iomem);
    iomem_payer(iomem);
    icu_inside(icu);
    icu_outside(icu);
    icu_read_only(icu);
    icu_last_get_wins(icu);
    views_charged(iomem, icu);
    printf("drvhostile: %s\n", failures ? "FAILED" : "every attempt beyond its device refused");
    return failures;
}
