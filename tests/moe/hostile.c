/* SPDX-License-Identifier: MIT */
/*
 * moe_hostile: issue 13's defects of rights and lifetimes, one case each, run as moe's
 * init program (it holds iomem). Every case prints "moe_hostile: <case>: ok" or a line
 * with FAILED; the program exits with the number of failed checks. Each case fails while
 * its defect exists:
 *
 *  forged_fault      a PAGE_FAULT message sent through a read-only (and a writable) copy
 *                    of the region map must not get a mapping of the task's page
 *  task_rights       a read-only task copy cannot TERMINATE or CREATE_THREAD
 *  factory_rights    a read-only factory copy cannot CREATE, REPORT or DESTROY
 *  log_rights        a read-only log copy cannot WRITE; a read-only iomem cannot make one
 *  namespace_rights  a query never hands out READ on a gate (which GATE BIND needs),
 *                    never REVOKE, and WRITE only for RW entries asked through a writable
 *                    view (another server's capabilities included)
 *  namespace_dead    an entry whose object died is gone: QUERY ENOENT, LIST skips it,
 *                    REGISTER takes the name again
 *  factory_cycle     a namespace holding itself and its factory: the parent DESTROYs the
 *                    factory and gets its quota back exactly
 *  device_copy_in    COPY_IN to or from a device dataspace is refused
 *  device_revoke     after a device dataspace is destroyed, its registers are no longer
 *                    mapped where DATASPACE MAP put them
 *  page_tables       faults in 400 different MiBs all resolved (a page table each)
 *  parent_rights     a read-only parent copy cannot SIGNAL EXIT (the defect ends us)
 *  drop_factory      init deletes its factory capability and keeps running (the defect
 *                    destroys it: the run then hangs until the test's timeout)
 */
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/iomem.h>
#include <pecan/log.h>
#include <pecan/namespace.h>
#include <pecan/parent.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/task.h>
#include <pecan/testkit.h>
#include <pecan/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096u
#define MIB (1u << 20)
#define SP804 0x10011000u
#define SP804_PERIPH_ID0 0xFE0u
#define TABLE_MIBS 400u

static int failures;
static pecan_cap_t ns;   /* scratch namespace (the environment factory's) */

static void check(const char *name, int ok, const char *what, long value)
{
    if (ok)
        printf("moe_hostile: %s: ok\n", name);
    else
        printf("moe_hostile: %s: FAILED: %s (%ld)\n", name, what, value);
    if (!ok)
        failures++;
}

/* A read-only view of one of moe's objects: registered without RW, queried back. */
static pecan_cap_t ro_copy(pecan_cap_t cap, const char *name)
{
    pecan_cap_t ro = testkit_slot();
    int err = pecan_ns_register(ns, name, cap, PECAN_NAMESPACE_OVERWRITE);
    if (!err)
        err = pecan_ns_query_path(ns, name, ro);
    if (err) {
        printf("moe_hostile: read-only copy of %s: error %d (FAILED)\n", name, err);
        exit(101);
    }
    pecan_ns_unlink(ns, name);
    return ro;
}

/* Deletes the capability in s but keeps the slot (released slots are handed out again). */
static void empty(pecan_cap_t s)
{
    pecan_cnode_delete(PECAN_ENV_CNODE, s, 32);
}

static pecan_word_t used(pecan_cap_t factory)
{
    struct pecan_factory_info info = { 0 };
    pecan_factory_info(factory, &info);
    return info.used;
}

/* ---- rights ----------------------------------------------------------------------------- */

/* One PAGE_FAULT message through rm for address (write); a mapping would land at window. */
static int send_fault(pecan_cap_t rm, pecan_word_t address, pecan_word_t window, int *items)
{
    struct pecan_utcb *utcb = pecan_utcb();
    struct pecan_message m;
    m.tag = pecan_tag(PECAN_LABEL_PAGE_FAULT, 2, 0);
    m.word[0] = address | PECAN_PAGE_FAULT_WRITE;
    m.word[1] = 0;
    utcb->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = window | 12;
    struct pecan_reply r = pecan_ipc_call(rm, &m, PECAN_TIMEOUT_NEVER);
    utcb->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = 0;
    *items = (int)pecan_tag_items(r.tag);
    return r.ipc_status ? -1 : pecan_tag_label(r.tag);
}

static void forged_fault(void)
{
    pecan_cap_t ds = testkit_slot();
    pecan_word_t at = PECAN_ENV_FREE_BASE, window = PECAN_ENV_FREE_BASE;
    int err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, PAGE, 0, 0, ds, 0);
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &at, PAGE,
                              PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_RM_SEARCH_ADDRESS, ds, 0);
    if (!err)
        err = pecan_rm_reserve(PECAN_ENV_RM, &window, PAGE, PECAN_RM_SEARCH_ADDRESS);
    if (err) {
        check("forged_fault", 0, "setting up", err);
        return;
    }
    *(volatile unsigned *)at = 0x600Du;
    pecan_cap_t rm_ro = ro_copy(PECAN_ENV_RM, "rm");
    int items;
    int label = send_fault(rm_ro, at, window, &items);
    check("forged_fault", label < 0 && items == 0,
          "a write fault through a read-only region-map copy got a mapping", label);
    label = send_fault(PECAN_ENV_RM, at, window, &items);
    check("forged_fault", label < 0 && items == 0,
          "a fault message through the client's region-map copy got a mapping", label);
    /* The kernel's faults still work: a new page of the region maps. */
    check("forged_fault", *(volatile unsigned *)at == 0x600Du, "the page changed", 0);
    pecan_rm_free_area(PECAN_ENV_RM, window);
    pecan_rm_detach(PECAN_ENV_RM, at, 0, 0);
    pecan_cap_release(ds);
    pecan_cap_release(rm_ro);
}

static void task_rights(void)
{
    struct pecan_factory_task t = { testkit_slot(), testkit_slot(), testkit_slot(),
                                    testkit_slot() };
    int err = pecan_factory_create_task(PECAN_ENV_FACTORY, &t);
    if (err) {
        check("task_rights", 0, "FACTORY TASK", err);
        return;
    }
    pecan_cap_t ro = ro_copy(t.task, "task"), thread = testkit_slot();
    err = pecan_task_create_thread(ro, PECAN_ENV_UTCB_AREA, thread);
    check("task_rights", err == -PECAN_EPERM, "CREATE_THREAD through a read-only copy", err);
    err = pecan_task_terminate(ro);
    check("task_rights", err == -PECAN_EPERM, "TERMINATE through a read-only copy", err);
    pecan_word_t threads = 99, bytes = 0;
    err = pecan_task_info(ro, &threads, &bytes);
    check("task_rights", err == 0 && threads == 0, "INFO through a read-only copy", err);
    err = pecan_task_info(t.task, &threads, &bytes);
    check("task_rights", err == 0, "the task is gone after the refused TERMINATE", err);
    err = pecan_task_terminate(t.task);
    check("task_rights", err == 0, "TERMINATE through the writable copy", err);
    pecan_cap_release(ro);
    pecan_cap_free(thread);
    pecan_cap_release(t.task);
    pecan_cap_release(t.cnode);
    pecan_cap_release(t.region_map);
    pecan_cap_release(t.vspace);
}

static void factory_rights(void)
{
    pecan_cap_t f = testkit_slot(), ds = testkit_slot();
    int err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 64 * 1024, f);
    if (err) {
        check("factory_rights", 0, "FACTORY FACTORY", err);
        return;
    }
    pecan_cap_t ro = ro_copy(f, "factory");
    err = pecan_factory_create_dataspace(ro, PAGE, 0, 0, ds, 0);
    check("factory_rights", err == -PECAN_EPERM, "CREATE through a read-only copy", err);
    err = pecan_factory_report(ro);
    check("factory_rights", err == -PECAN_EPERM, "REPORT through a read-only copy", err);
    pecan_cap_t sub = testkit_slot();
    err = pecan_factory_create_factory(f, 4096 * 4, sub);
    if (!err) {
        err = pecan_factory_destroy(ro, sub);
        check("factory_rights", err == -PECAN_EPERM, "DESTROY through a read-only copy", err);
        pecan_cap_release(sub);
    } else {
        check("factory_rights", 0, "a sub-factory", err);
        pecan_cap_free(sub);
    }
    struct pecan_factory_info info;
    err = pecan_factory_info(ro, &info);
    check("factory_rights", err == 0 && info.quota == 64 * 1024, "INFO through a read-only copy",
          err);
    pecan_cap_free(ds);
    pecan_cap_release(ro);
    pecan_cap_release(f);
}

static void log_rights(void)
{
    pecan_cap_t log = testkit_slot();
    int err = pecan_factory_create_log(PECAN_ENV_FACTORY, 2, "hostile", log);
    if (err) {
        check("log_rights", 0, "FACTORY LOG", err);
        return;
    }
    pecan_cap_t ro = ro_copy(log, "log");
    const char *text = "moe_hostile: written through a read-only copy (FAILED)\n";
    err = pecan_log_write(ro, text, strlen(text));
    check("log_rights", err == -PECAN_EPERM, "WRITE through a read-only log copy", err);
    text = "moe_hostile: written through the writable copy\n";
    err = pecan_log_write(log, text, strlen(text));
    check("log_rights", err == 0, "WRITE through the writable copy", err);
    pecan_cap_release(ro);
    pecan_cap_release(log);

    pecan_cap_t iomem = pecan_env_cap("iomem"), dev = testkit_slot();
    if (!iomem) {
        check("log_rights", 0, "no iomem", 0);
        return;
    }
    ro = ro_copy(iomem, "iomem");
    err = pecan_iomem_dataspace(ro, PECAN_ENV_FACTORY, SP804, PAGE, dev);
    check("log_rights", err == -PECAN_EPERM, "IOMEM DATASPACE through a read-only copy", err);
    if (!err)
        pecan_cap_release(dev);
    else
        pecan_cap_free(dev);
    pecan_cap_release(ro);
}

static unsigned rights_of(pecan_cap_t cap, pecan_word_t *badge)
{
    struct pecan_cap_identity id = { 0 };
    if (pecan_cnode_identify(PECAN_ENV_CNODE, cap, 32, &id) || id.type == 0)
        return 0x100;
    if (badge)
        *badge = id.badge;
    return id.rights;
}

static void namespace_rights(void)
{
    pecan_cap_t gate = testkit_slot(), note = testkit_slot(), ds = testkit_slot();
    pecan_cap_t q = testkit_slot(), inner = testkit_slot();
    int err = pecan_factory_create_gate(PECAN_ENV_FACTORY, gate);
    if (!err)
        err = pecan_factory_create_notification(PECAN_ENV_FACTORY, note);
    if (!err)
        err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, PAGE, 0, 0, ds, 0);
    if (!err)
        err = pecan_factory_create_namespace(PECAN_ENV_FACTORY, inner);
    if (!err)
        err = pecan_ns_register(inner, "gate", gate, PECAN_NAMESPACE_RW);
    if (!err)
        err = pecan_ns_register(inner, "note-rw", note, PECAN_NAMESPACE_RW);
    if (!err)
        err = pecan_ns_register(inner, "note-ro", note, 0);
    if (!err)
        err = pecan_ns_register(inner, "ds", ds, PECAN_NAMESPACE_RW);
    if (err) {
        check("namespace_rights", 0, "setting up", err);
        return;
    }
    /* A gate through a writable view: send, never READ (bind) nor REVOKE. */
    err = pecan_ns_query_path(inner, "gate", q);
    unsigned rights = rights_of(q, 0);
    check("namespace_rights", !err && (rights & PECAN_RIGHT_WRITE) && !(rights & PECAN_RIGHT_READ) &&
                                  !(rights & PECAN_RIGHT_REVOKE),
          "a queried gate's rights", (long)rights);
    /* (No GATE BIND through it here: without READ the kernel takes that for a message to
     * the gate, which would wait for a receiver. READ is what BIND needs.) */
    empty(q);
    /* A notification: WRITE only for an RW entry asked through a writable view. */
    err = pecan_ns_query_path(inner, "note-rw", q);
    rights = rights_of(q, 0);
    check("namespace_rights", !err && (rights & PECAN_RIGHT_WRITE) && !(rights & PECAN_RIGHT_REVOKE),
          "an RW notification through a writable view", (long)rights);
    empty(q);
    err = pecan_ns_query_path(inner, "note-ro", q);
    rights = rights_of(q, 0);
    check("namespace_rights", !err && !(rights & PECAN_RIGHT_WRITE) && (rights & PECAN_RIGHT_READ),
          "a read-only notification entry handed out WRITE", (long)rights);
    empty(q);
    /* Through a read-only view of the namespace (and of a path through it). */
    pecan_cap_t view = ro_copy(inner, "inner");
    err = pecan_ns_query_path(view, "note-rw", q);
    rights = rights_of(q, 0);
    check("namespace_rights", !err && !(rights & PECAN_RIGHT_WRITE),
          "a read-only namespace view handed out WRITE on a notification", (long)rights);
    empty(q);
    err = pecan_ns_query_path(view, "gate", q);
    rights = rights_of(q, 0);
    check("namespace_rights", !err && !(rights & PECAN_RIGHT_READ),
          "a read-only namespace view handed out READ on a gate", (long)rights);
    empty(q);
    err = pecan_ns_query_path(view, "ds", q);
    if (!err)
        err = pecan_dataspace_clear(q, 0, PAGE);
    check("namespace_rights", err == -PECAN_EPERM,
          "CLEAR through a dataspace queried from a read-only view", err);
    empty(q);
    /* A path through an entry without RW: ns/inner/note-rw is read-only. */
    err = pecan_ns_register(ns, "inner", inner, 0);
    if (!err)
        err = pecan_ns_query_path(ns, "inner/note-rw", q);
    rights = rights_of(q, 0);
    check("namespace_rights", !err && !(rights & PECAN_RIGHT_WRITE),
          "a path through a read-only entry handed out WRITE", (long)rights);
    empty(q);
    pecan_ns_unlink(ns, "inner");
    pecan_cap_release(view);
    pecan_cap_release(q);
    pecan_cap_release(inner);
    pecan_cap_release(ds);
    pecan_cap_release(note);
    pecan_cap_release(gate);
}

/* ---- lifetimes -------------------------------------------------------------------------- */

static int listed(pecan_cap_t where, const char *name)
{
    char text[64];
    for (unsigned i = 0; i < 512; i++) {
        if (pecan_ns_list(where, i, text, sizeof(text), 0))
            return 0;
        if (strcmp(text, name) == 0)
            return 1;
    }
    return 0;
}

static void namespace_dead(void)
{
    pecan_cap_t f = testkit_slot(), ds = testkit_slot(), gate = testkit_slot(), q = testkit_slot();
    int err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 64 * 1024, f);
    if (!err)
        err = pecan_factory_create_dataspace(f, PAGE, 0, 0, ds, 0);
    if (!err)
        err = pecan_factory_create_gate(f, gate);
    if (!err)
        err = pecan_ns_register(ns, "dead-ds", ds, PECAN_NAMESPACE_RW);
    if (!err)
        err = pecan_ns_register(ns, "dead-gate", gate, PECAN_NAMESPACE_RW);
    if (err) {
        check("namespace_dead", 0, "setting up", err);
        return;
    }
    pecan_cap_release(ds);
    pecan_cap_release(gate);
    /* The factory goes when moe sees its last client copy gone (a notification): ask until
     * the entry's object is gone, or give up. */
    pecan_cap_release(f);
    int ds_err = 0, gate_err = 0;
    for (unsigned i = 0; i < 100; i++) {
        ds_err = pecan_ns_query_path(ns, "dead-ds", q);
        if (!ds_err)
            empty(q);
        if (ds_err)
            break;
        pecan_sleep_us(10000);
    }
    gate_err = pecan_ns_query_path(ns, "dead-gate", q);
    if (!gate_err)
        empty(q);
    check("namespace_dead", ds_err == -PECAN_ENOENT, "QUERY of a dead dataspace's name", ds_err);
    check("namespace_dead", gate_err == -PECAN_ENOENT, "QUERY of a dead gate's name", gate_err);
    check("namespace_dead", !listed(ns, "dead-ds") && !listed(ns, "dead-gate"),
          "LIST shows a dead entry", 0);
    pecan_cap_t other = testkit_slot();
    err = pecan_factory_create_notification(PECAN_ENV_FACTORY, other);
    if (!err)
        err = pecan_ns_register(ns, "dead-ds", other, 0);
    check("namespace_dead", err == 0, "REGISTER of a dead entry's name", err);
    pecan_ns_unlink(ns, "dead-ds");
    pecan_cap_release(q);
    pecan_cap_release(other);
}

static void factory_cycle(void)
{
    pecan_word_t before = used(PECAN_ENV_FACTORY);
    pecan_cap_t f = testkit_slot(), n = testkit_slot(), ds = testkit_slot();
    int err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 256 * 1024, f);
    if (!err)
        err = pecan_factory_create_namespace(f, n);
    if (!err)
        err = pecan_factory_create_dataspace(f, 16 * PAGE, 0, 0, ds, 0);
    if (!err)
        err = pecan_ns_register(n, "self", n, PECAN_NAMESPACE_RW);
    if (!err)
        err = pecan_ns_register(n, "factory", f, PECAN_NAMESPACE_RW);
    if (!err)
        err = pecan_ns_register(n, "ds", ds, PECAN_NAMESPACE_RW);
    if (!err)
        err = pecan_dataspace_allocate(ds, 0, 16 * PAGE);
    if (err) {
        check("factory_cycle", 0, "setting up", err);
        return;
    }
    pecan_cap_release(n);
    pecan_cap_release(ds);
    /* Only the parent's copy of f is left outside the cycle; a child may not end its
     * parent or itself. */
    pecan_cap_t sub = testkit_slot();
    err = pecan_factory_create_factory(f, 4 * PAGE, sub);
    if (!err) {
        err = pecan_factory_destroy(sub, f);
        check("factory_cycle", err == -PECAN_EPERM, "DESTROY of the parent", err);
        err = pecan_factory_destroy(f, f);
        check("factory_cycle", err == -PECAN_EPERM, "DESTROY of itself", err);
    }
    err = pecan_factory_destroy(PECAN_ENV_FACTORY, f);
    check("factory_cycle", err == 0, "DESTROY by the parent", err);
    pecan_word_t after = used(PECAN_ENV_FACTORY);
    check("factory_cycle", after == before, "the parent's quota not back exactly", (long)(after - before));
    struct pecan_factory_info info;
    err = pecan_factory_info(f, &info);
    check("factory_cycle", err != 0, "the destroyed factory still answers", err);
    pecan_cap_release(sub);
    pecan_cap_release(f);
}

static void device_copy_in(pecan_cap_t dev)
{
    pecan_cap_t anon = testkit_slot();
    int err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, PAGE, 0, 0, anon, 0);
    if (err) {
        check("device_copy_in", 0, "setting up", err);
        return;
    }
    err = pecan_dataspace_copy_in(dev, 0, anon, 0, 4);
    check("device_copy_in", err == -PECAN_EINVAL, "COPY_IN into device registers", err);
    err = pecan_dataspace_copy_in(anon, 0, dev, SP804_PERIPH_ID0, 4);
    check("device_copy_in", err == -PECAN_EINVAL, "COPY_IN from device registers", err);
    pecan_cap_release(anon);
}

/* The probe reads the device page once main says go; a fault goes to main's gate. */
static volatile int probe_ready, probe_go, probe_read;
static volatile uint32_t *probe_at;

static void *probe(void *arg)
{
    (void)arg;
    probe_ready = 1;
    while (!probe_go)
        ;
    (void)probe_at[SP804_PERIPH_ID0 / 4];
    probe_read = 1;
    return 0;
}

static void device_revoke(void)
{
    pecan_cap_t iomem = pecan_env_cap("iomem"), dev = testkit_slot(), gate = testkit_slot();
    pecan_word_t window = PECAN_ENV_FREE_BASE, mapped = 0;
    int err = iomem ? pecan_iomem_dataspace(iomem, PECAN_ENV_FACTORY, SP804, PAGE, dev) : -PECAN_ENOENT;
    if (!err)
        err = pecan_rm_reserve(PECAN_ENV_RM, &window, PAGE, PECAN_RM_SEARCH_ADDRESS);
    if (!err)
        err = pecan_dataspace_map(dev, 0, PECAN_MAP_READ | PECAN_MAP_WRITE, window, 12, &mapped);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, gate);
    if (!err)
        err = pecan_gate_bind(gate, PECAN_ENV_THREAD);
    if (err) {
        check("device_revoke", 0, "setting up", err);
        return;
    }
    probe_at = (volatile uint32_t *)window;
    uint32_t id = probe_at[SP804_PERIPH_ID0 / 4];
    check("device_revoke", id == 0x04, "the SP804 through DATASPACE MAP", (long)id);
    device_copy_in(dev);
    /* Destroy the dataspace: its only client copy goes, nothing attaches it. */
    pecan_cap_release(dev);
    struct pecan_thread *t;
    if ((err = pecan_thread_create(&t, probe, 0))) {
        check("device_revoke", 0, "probe thread", err);
        return;
    }
    while (!probe_ready)
        ;
    err = pecan_thread_configure(pecan_thread_cap(t), PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                                 PECAN_CAP_UNCHANGED, 0, gate, PECAN_CAP_UNCHANGED);
    if (err) {
        check("device_revoke", 0, "probe's pager", err);
        return;
    }
    /* moe destroys the dataspace when it sees the no-clients notification: give it time. */
    pecan_sleep_us(50000);
    probe_go = 1;
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_receive(gate, &m, pecan_timeout_us(2000000));
    int faulted = r.ipc_status == PECAN_IPC_OK && pecan_tag_label(m.tag) == PECAN_LABEL_PAGE_FAULT &&
                  (m.word[0] & ~(PAGE - 1)) == window;
    check("device_revoke", faulted && !probe_read,
          "the registers stayed mapped after their dataspace was destroyed", probe_read);
    if (faulted) {
        m.tag = pecan_tag(-PECAN_EACCES, 0, 0);   /* the probe stops for good */
        pecan_ipc_reply(&m);
    }
    pecan_rm_free_area(PECAN_ENV_RM, window);
}

static volatile unsigned touched;
static volatile char *table_base;

static void *toucher(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < TABLE_MIBS; i++) {
        table_base[i * MIB + (i % 256) * PAGE] = (char)i;
        touched = i + 1;
    }
    return 0;
}

static void page_tables(void)
{
    pecan_cap_t ds = testkit_slot();
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    int err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, TABLE_MIBS * MIB, 0, 0, ds, 0);
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &at, TABLE_MIBS * MIB,
                              PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_RM_SEARCH_ADDRESS, ds, 0);
    if (err) {
        check("page_tables", 0, "setting up", err);
        return;
    }
    table_base = (volatile char *)at;
    struct pecan_thread *t;
    if ((err = pecan_thread_create(&t, toucher, 0))) {
        check("page_tables", 0, "toucher thread", err);
        return;
    }
    /* A fault moe refuses stops the toucher: wait for progress, not for ever. */
    unsigned last = 0, idle = 0;
    while (touched < TABLE_MIBS && idle < 200) {
        pecan_sleep_us(10000);
        idle = touched == last ? idle + 1 : 0;
        last = touched;
    }
    check("page_tables", touched == TABLE_MIBS, "MiBs with a page fault resolved", (long)touched);
    if (touched == TABLE_MIBS) {
        pecan_thread_join(t, 0);
        pecan_rm_detach(PECAN_ENV_RM, at, 0, 0);
        pecan_cap_release(ds);
    }
}

static void parent_rights(void)
{
    pecan_cap_t ro = ro_copy(PECAN_ENV_PARENT, "parent");
    /* With the defect this ends the program with status 77. */
    int err = pecan_parent_signal(ro, PECAN_SIGNAL_EXIT, 77);
    check("parent_rights", err == -PECAN_EPERM, "SIGNAL EXIT through a read-only copy", err);
    pecan_cap_release(ro);
}

static void drop_factory(void)
{
    int err = pecan_cnode_delete(PECAN_ENV_CNODE, PECAN_ENV_FACTORY, 32);
    /* moe sees the factory without clients now; it must not destroy us with it. */
    pecan_sleep_us(50000);
    char *p = malloc(256 * 1024);
    if (p)
        memset(p, 0x5A, 256 * 1024);
    check("drop_factory", err == 0 && p, "init kept running after dropping its factory",
          err);
}

int main(void)
{
    ns = testkit_slot();
    int err = pecan_factory_create_namespace(PECAN_ENV_FACTORY, ns);
    if (err) {
        printf("moe_hostile: namespace: error %d (FAILED)\n", err);
        return 100;
    }
    forged_fault();
    task_rights();
    factory_rights();
    log_rights();
    namespace_rights();
    namespace_dead();
    factory_cycle();
    device_revoke();
    page_tables();
    parent_rights();
    pecan_cap_release(ns);
    drop_factory();
    printf("moe_hostile: %d checks failed\n", failures);
    return failures;
}
