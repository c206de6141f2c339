/* SPDX-License-Identifier: MIT */
/*
 * The mapping database through IPC (kernel/core/mapping_db.c). The root is task A; tasks B
 * and C are address spaces of their own, each with a server thread bound to a gate. A
 * sends memory items to B, B maps them on to C; then the source goes (UNMAP, UNMAP_FRAME,
 * revoking or deleting the frame capability, narrowing its rights, destroying B's address
 * space or page table) and the pages must be gone from every space they reached. What a
 * space holds is checked by its server summing the pages and by probe threads: a probe
 * reads (or writes) one address and sends the value to the root, or faults, and the fault
 * arrives at the root as its pager.
 *
 * Task threads run the root's code (mapped read-only at the same addresses) and use only
 * their stack and arguments, like test_fuzz's remote thread.
 */
#include "captest.h"

#define SRC_VA 0x61000000u        /* A's pages: a MiB with a page table of its own */
#define SRC64_VA 0x62000000u      /* A's 64 KiB frame */
#define SECTION_VA 0x63000000u    /* A's 1 MiB frame (a section) */
#define RW_VA 0x61104000u         /* A's read-write pages in the rights case */
#define B_WINDOW 0x20000000u      /* B's receive window: 4 MiB */
#define B_WINDOW_ORDER 22u
#define C_WINDOW 0x30000000u      /* C's receive window: 1 MiB */
#define C_WINDOW_ORDER 20u
#define FAULT_VA 0x48000000u      /* where B's probe faults and the root maps on demand */
#define TASK_STACK_VA 0x000E0000u /* 64 KiB: server stack, UTCB at its base */
#define PROBE_VA 0x000C0000u      /* 4 KiB: probe stack, UTCB at its base */
#define TASK_PRIORITY 150u        /* above the root: servers and probes run at once */
#define NPAGES 4u
#define NORDER 14u                /* NPAGES pages */
#define RW (PECAN_MAP_READ | PECAN_MAP_WRITE)
#define RO PECAN_MAP_READ
#define CPSR_USER 0x10u
#define TIMEOUT pecan_timeout_us(2000000)
#define LABEL 1

enum command { CMD_RECV_MAP = 1, CMD_FORWARD, CMD_SUM, CMD_WINDOW };

struct task {
    pecan_cap_t vspace, page_table, stack, probe_frame, thread, gate;
    pecan_cap_t text_first;
    unsigned text_count;
};

static pecan_word_t item_w0(unsigned order, unsigned rights)
{
    return PECAN_ITEM_MAP | rights << PECAN_ITEM_RIGHTS_SHIFT | order << PECAN_ITEM_ORDER_SHIFT;
}

static pecan_word_t pattern(pecan_word_t va)
{
    return 0xA5000000u ^ va;
}

/*
 * The task server (runs in B or C). Requests: CMD_RECV_MAP with one memory item -> the
 * receive status, the item's two words as received, the UTCB error word; CMD_FORWARD
 * (item w0, base) -> calls the next gate with CMD_RECV_MAP and that item, replies with
 * the call's error and the four words C answered; CMD_SUM (vaddr, pages) -> the sum of
 * the first word of each page; CMD_WINDOW (window word) -> sets the receive window.
 */
static void server_entry(pecan_word_t gate, pecan_word_t window, pecan_word_t next,
                         pecan_word_t unused)
{
    (void)unused;
    struct pecan_utcb *u = pecan_utcb();
    u->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = 0;
    u->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = window;
    u->error = 0;
    struct pecan_message msg;
    struct pecan_reply r = pecan_ipc_receive(gate, &msg, PECAN_TIMEOUT_NEVER);
    for (;;) {
        unsigned words = pecan_tag_words(r.tag), items = pecan_tag_items(r.tag);
        pecan_word_t out[6] = { r.ipc_status, 0, 0, 0, 0, 0 };
        unsigned n = 4;
        pecan_word_t cmd = words ? msg.word[0] : 0;
        if (cmd == CMD_RECV_MAP) {
            if (items) {
                out[1] = msg.word[words];
                out[2] = msg.word[words + 1];
            }
            out[3] = u->error;
        } else if (cmd == CMD_FORWARD && words >= 3) {
            struct pecan_message m;
            m.tag = pecan_tag(LABEL, 1, 1);
            m.word[0] = CMD_RECV_MAP;
            m.word[1] = msg.word[1];
            m.word[2] = msg.word[2];
            struct pecan_reply cr = pecan_ipc_call(next, &m, PECAN_TIMEOUT_NEVER);
            out[0] = (pecan_word_t)pecan_error(cr);
            for (unsigned i = 0; i < 4; i++)
                out[1 + i] = m.word[i];
            n = 5;
        } else if (cmd == CMD_SUM && words >= 3) {
            pecan_word_t sum = 0;
            for (pecan_word_t i = 0; i < msg.word[2]; i++)
                sum += *(volatile pecan_word_t *)(msg.word[1] + i * 4096u);
            out[0] = sum;
            n = 1;
        } else if (cmd == CMD_WINDOW && words >= 2) {
            u->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = msg.word[1];
            n = 0;
        }
        u->error = 0;
        msg.tag = pecan_tag(0, n, 0);
        for (unsigned i = 0; i < n; i++)
            msg.word[i] = out[i];
        r = pecan_ipc_reply_wait(&msg, PECAN_TIMEOUT_NEVER);
    }
}

/* A probe (runs in B or C): writes value at addr if value is not 0, reads addr, sends
 * what it read through gate (the root's pager gate), then stops. */
static void probe_entry(pecan_word_t addr, pecan_word_t value, pecan_word_t gate,
                        pecan_word_t self)
{
    volatile pecan_word_t *p = (volatile pecan_word_t *)addr;
    if (value)
        *p = value;
    struct pecan_message msg;
    msg.tag = pecan_tag(LABEL, 1, 0);
    msg.word[0] = *p;
    pecan_ipc_send(gate, &msg, PECAN_TIMEOUT_NEVER);
    for (;;)
        pecan_thread_suspend(self);
}

/* Root image frames holding code or read-only data, mapped at the same addresses. */
static int map_text(struct task *t)
{
    return map_root_text(t->vspace, &t->text_first, &t->text_count);
}

static int start_thread(pecan_cap_t thread, void *entry, pecan_word_t sp, pecan_word_t a0,
                        pecan_word_t a1, pecan_word_t a2, pecan_word_t a3)
{
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT] = { a0, a1, a2, a3 };
    regs[13] = sp;
    regs[15] = (pecan_word_t)(uintptr_t)entry;
    regs[16] = CPSR_USER;
    int err = pecan_thread_write_registers(thread, regs);
    return err ? err : pecan_thread_resume(thread);
}

/* A task with an empty page-table pool; its server forwards to next (0: none). */
static int task_create(struct task *t, pecan_word_t window, pecan_cap_t next)
{
    t->text_count = 0;
    t->vspace = obj_new(PECAN_OBJ_VSPACE, 0);
    t->page_table = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    t->stack = obj_new(PECAN_OBJ_FRAME, 16);
    t->probe_frame = obj_new(PECAN_OBJ_FRAME, 12);
    t->thread = obj_new(PECAN_OBJ_THREAD, 0);
    t->gate = obj_new(PECAN_OBJ_GATE, 0);
    if (!t->vspace || !t->page_table || !t->stack || !t->probe_frame || !t->thread || !t->gate)
        return -PECAN_ENOMEM;
    int err = pecan_vspace_map_page_table(t->vspace, t->page_table, 0);
    if (!err)
        err = map_text(t);
    if (!err)
        err = pecan_vspace_map_frame(t->vspace, t->stack, TASK_STACK_VA, RW, 0);
    if (!err)
        err = pecan_vspace_map_frame(t->vspace, t->probe_frame, PROBE_VA, RW, 0);
    if (!err)
        err = pecan_thread_configure(t->thread, ROOT, t->vspace, t->stack, TASK_STACK_VA,
                                     PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED);
    if (!err)
        err = pecan_thread_set_priority(t->thread, TASK_PRIORITY);
    if (!err)
        err = pecan_gate_bind(t->gate, t->thread);
    if (!err)
        err = start_thread(t->thread, server_entry, TASK_STACK_VA + 0x10000, t->gate, window,
                           next, 0);
    return err;
}

/* The capabilities the case made outside obj_new (the rest goes with the case). */
static void task_destroy(struct task *t)
{
    if (t->thread && cap_type(t->thread))
        CHECK_OK(cap_delete(t->thread));
    for (unsigned i = 0; i < t->text_count; i++)
        CHECK_OK(cap_delete(t->text_first + i));
    t->text_count = 0;
}

/* A page table donated to the task's pool. */
static int donate(struct task *t)
{
    pecan_cap_t pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    return pt ? pecan_vspace_donate_page_table(t->vspace, pt) : -PECAN_ENOMEM;
}

/* A sends one memory item to a task: out = receive status, item w0, item w1, error. */
static int send_map(struct task *t, pecan_word_t base, unsigned order, unsigned rights,
                    pecan_word_t out[4])
{
    struct pecan_message m;
    m.tag = pecan_tag(LABEL, 1, 1);
    m.word[0] = CMD_RECV_MAP;
    m.word[1] = item_w0(order, rights);
    m.word[2] = base;
    int err = pecan_error(pecan_ipc_call(t->gate, &m, TIMEOUT));
    for (unsigned i = 0; i < 4; i++)
        out[i] = m.word[i];
    return err;
}

/* Checks that the item arrived (at) or failed with err (then at is not checked). */
static bool map_result(const pecan_word_t out[4], int err, pecan_word_t at, int line)
{
    bool ok;
    if (err == 0)
        ok = out[0] == PECAN_IPC_OK && out[1] == PECAN_ITEM_MAP && out[2] == at && out[3] == 0;
    else
        ok = out[0] == PECAN_IPC_ITEM_FAILED &&
             out[1] == (PECAN_ITEM_MAP | (pecan_word_t)(-err) << PECAN_ITEM_RESULT_SHIFT) &&
             out[3] == (pecan_word_t)(-err);
    if (!ok)
        ut_fail(__FILE__, line, "map item: expected %s at %08lx, got status %lu w0 %08lx "
                "w1 %08lx error %lu", err_name(err), (unsigned long)at,
                (unsigned long)out[0], (unsigned long)out[1], (unsigned long)out[2],
                (unsigned long)out[3]);
    return ok;
}

#define CHECK_MAP(t, base, order, rights, err, at)                                        \
    ({                                                                                    \
        pecan_word_t out_[4] = { 0 };                                                     \
        CHECK_OK(send_map(t, base, order, rights, out_)) &&                               \
            map_result(out_, err, at, __LINE__);                                          \
    })

/* B forwards an item naming its own pages to C; checks C's answer as CHECK_MAP. */
static bool forward(struct task *b, pecan_word_t base, unsigned order, unsigned rights,
                    int err, pecan_word_t at, int line)
{
    struct pecan_message m;
    m.tag = pecan_tag(LABEL, 3, 0);
    m.word[0] = CMD_FORWARD;
    m.word[1] = item_w0(order, rights);
    m.word[2] = base;
    int e = pecan_error(pecan_ipc_call(b->gate, &m, TIMEOUT));
    if (e || m.word[0]) {
        ut_fail(__FILE__, line, "forward: call %s, B's call %d", err_name(e), (int)m.word[0]);
        return false;
    }
    return map_result(&m.word[1], err, at, line);
}

#define CHECK_FORWARD(b, base, order, rights, err, at)                                    \
    forward(b, base, order, rights, err, at, __LINE__)

static pecan_word_t task_sum(struct task *t, pecan_word_t va, unsigned pages)
{
    struct pecan_message m;
    m.tag = pecan_tag(LABEL, 3, 0);
    m.word[0] = CMD_SUM;
    m.word[1] = va;
    m.word[2] = pages;
    CHECK_OK(pecan_error(pecan_ipc_call(t->gate, &m, TIMEOUT)));
    return m.word[0];
}

static void set_window(struct task *t, pecan_word_t window)
{
    struct pecan_message m;
    m.tag = pecan_tag(LABEL, 2, 0);
    m.word[0] = CMD_WINDOW;
    m.word[1] = window;
    CHECK_OK(pecan_error(pecan_ipc_call(t->gate, &m, TIMEOUT)));
}

/* The root's pager gate: probes fault to it and report through it. */
static pecan_cap_t pager_new(void)
{
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0);
    if (gate && !CHECK_OK(pecan_gate_bind(gate, PECAN_ROOT_THREAD)))
        return 0;
    return gate;
}

/* Starts a probe thread in t; returns its thread object (0 on failure). */
static pecan_cap_t probe_start(struct task *t, pecan_cap_t pager, pecan_word_t addr,
                               pecan_word_t value)
{
    pecan_cap_t thread = obj_new(PECAN_OBJ_THREAD, 0);
    if (!thread)
        return 0;
    if (!CHECK_OK(pecan_thread_configure(thread, ROOT, t->vspace, t->probe_frame, PROBE_VA,
                                         pager, PECAN_CAP_UNCHANGED)) ||
        !CHECK_OK(pecan_thread_set_priority(thread, TASK_PRIORITY)) ||
        !CHECK_OK(start_thread(thread, probe_entry, PROBE_VA + 4096, addr, value, pager, thread)))
        return 0;
    return thread;
}

enum probe_outcome { PROBE_VALUE, PROBE_FAULT, PROBE_FAILED };

/* Runs a probe: PROBE_VALUE with what it read, or PROBE_FAULT with the fault word (the
 * faulting thread is stopped by a refusing reply). */
static enum probe_outcome probe(struct task *t, pecan_cap_t pager, pecan_word_t addr,
                                pecan_word_t value, pecan_word_t *result)
{
    enum probe_outcome outcome = PROBE_FAILED;
    pecan_cap_t thread = probe_start(t, pager, addr, value);
    if (!thread)
        return PROBE_FAILED;
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_receive(pager, &m, TIMEOUT);
    if (r.ipc_status == PECAN_IPC_OK && pecan_tag_label(r.tag) == PECAN_LABEL_PAGE_FAULT) {
        *result = m.word[0];
        m.tag = pecan_tag(-1, 0, 0);   /* refuse: the probe stops */
        CHECK_OK(pecan_error(pecan_ipc_reply(&m)));
        outcome = PROBE_FAULT;
    } else if (r.ipc_status == PECAN_IPC_OK && pecan_tag_label(r.tag) == LABEL) {
        *result = m.word[0];
        outcome = PROBE_VALUE;
    } else {
        ut_fail(__FILE__, __LINE__, "probe at %08lx: status %lu label %d",
                (unsigned long)addr, (unsigned long)r.ipc_status, pecan_tag_label(r.tag));
    }
    obj_free(thread);
    return outcome;
}

/* The page at addr in t is mapped and reads expect. */
static bool reads(struct task *t, pecan_cap_t pager, pecan_word_t addr, pecan_word_t expect,
                  int line)
{
    pecan_word_t v = 0;
    enum probe_outcome o = probe(t, pager, addr, 0, &v);
    if (o == PROBE_VALUE && v == expect)
        return true;
    ut_fail(__FILE__, line, "read of %08lx: expected %08lx, got %s %08lx",
            (unsigned long)addr, (unsigned long)expect,
            o == PROBE_VALUE ? "value" : o == PROBE_FAULT ? "fault" : "failure",
            (unsigned long)v);
    return false;
}

/* An access to addr in t faults (write: the write faults). */
static bool faults(struct task *t, pecan_cap_t pager, pecan_word_t addr, pecan_word_t value,
                   int line)
{
    pecan_word_t v = 0;
    enum probe_outcome o = probe(t, pager, addr, value, &v);
    pecan_word_t expect = (addr & ~7u) | (value ? PECAN_PAGE_FAULT_WRITE : 0);
    if (o == PROBE_FAULT && v == expect)
        return true;
    ut_fail(__FILE__, line, "%s of %08lx: expected a fault, got %s %08lx",
            value ? "write" : "read", (unsigned long)addr,
            o == PROBE_VALUE ? "value" : o == PROBE_FAULT ? "fault" : "failure",
            (unsigned long)v);
    return false;
}

#define CHECK_READS(t, pager, addr, expect) reads(t, pager, addr, expect, __LINE__)
#define CHECK_FAULTS(t, pager, addr) faults(t, pager, addr, 0, __LINE__)
#define CHECK_WRITE_FAULTS(t, pager, addr) faults(t, pager, addr, 0x5EEDu, __LINE__)

/* A's pages: count 4 KiB frames at va (a page table of their own), each with
 * pattern(va) in its first word. */
static bool source_pages(pecan_cap_t *frames, unsigned count, pecan_word_t va, unsigned rights)
{
    pecan_cap_t pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    if (!pt || !CHECK_OK(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt, va)))
        return false;
    for (unsigned i = 0; i < count; i++) {
        pecan_word_t at = va + i * 4096u;
        frames[i] = obj_new(PECAN_OBJ_FRAME, 12);
        if (!frames[i] || !CHECK_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, frames[i], at,
                                                           RW, 0)))
            return false;
        *(volatile pecan_word_t *)at = pattern(at);
        if (rights != RW && !CHECK_OK(pecan_vspace_remap_frame(PECAN_ROOT_VSPACE, frames[i],
                                                               rights)))
            return false;
    }
    return true;
}

static pecan_word_t pattern_sum(pecan_word_t va, unsigned pages)
{
    pecan_word_t sum = 0;
    for (unsigned i = 0; i < pages; i++)
        sum += pattern(va + i * 4096u);
    return sum;
}

static pecan_word_t frame_vaddr(pecan_cap_t frame)
{
    pecan_word_t vaddr = 0;
    CHECK_OK(pecan_frame_info(frame, 0, 0, &vaddr));
    return vaddr;
}

static void vspace_counts(pecan_cap_t v, unsigned *pool, unsigned *installed)
{
    CHECK_OK(pecan_vspace_info(v, 0, pool, installed));
}

/* A -> B -> C with B's and C's pools empty at first, then unmapping at the source. */
UTEST(mapping_db_map_on_and_unmap_at_source)
{
    struct task b = { 0 }, c = { 0 };
    pecan_cap_t frames[NPAGES], pager = pager_new();
    REQUIRE(pager);
    REQUIRE(source_pages(frames, NPAGES, SRC_VA, RW));
    REQUIRE_OK(task_create(&c, C_WINDOW | C_WINDOW_ORDER, 0));
    REQUIRE_OK(task_create(&b, B_WINDOW | B_WINDOW_ORDER, c.gate));
    unsigned pool = 9, installed = 9;

    /* No page table for the window and none in the pool: nothing happens. */
    CHECK_MAP(&b, SRC_VA, NORDER, RW, -PECAN_ENOPAGETABLE, 0);
    vspace_counts(b.vspace, &pool, &installed);
    CHECK(pool == 0 && installed == 1);
    CHECK_FAULTS(&b, pager, B_WINDOW);
    CHECK_CLEAN();
    /* B's manager donates one; now it arrives, at the source's offset in the window. */
    REQUIRE_OK(donate(&b));
    CHECK_MAP(&b, SRC_VA, NORDER, RW, 0, B_WINDOW);
    vspace_counts(b.vspace, &pool, &installed);
    CHECK(pool == 0 && installed == 2);
    CHECK_EQ(task_sum(&b, B_WINDOW, NPAGES), pattern_sum(SRC_VA, NPAGES));
    /* The same again is no error (same source pages). */
    CHECK_MAP(&b, SRC_VA, NORDER, RW, 0, B_WINDOW);
    /* B maps them on to C, which needs a page table too. */
    CHECK_FORWARD(&b, B_WINDOW, NORDER, RW, -PECAN_ENOPAGETABLE, 0);
    REQUIRE_OK(donate(&c));
    CHECK_FORWARD(&b, B_WINDOW, NORDER, RW, 0, C_WINDOW);
    CHECK_EQ(task_sum(&c, C_WINDOW, NPAGES), pattern_sum(SRC_VA, NPAGES));
    CHECK_READS(&c, pager, C_WINDOW + 2 * 4096u, pattern(SRC_VA + 2 * 4096u));
    /* Writes go to the same memory. */
    pecan_word_t v = 0;
    CHECK_EQ(probe(&c, pager, C_WINDOW + 3 * 4096u, 0x600DF00Du, &v), PROBE_VALUE);
    CHECK_EQ(*(volatile pecan_word_t *)(SRC_VA + 3 * 4096u), 0x600DF00Du);
    *(volatile pecan_word_t *)(SRC_VA + 3 * 4096u) = pattern(SRC_VA + 3 * 4096u);
    CHECK_CLEAN();

    /* UNMAP at A without UNMAP_OWN: gone from B and C, still in A. */
    CHECK_OK(pecan_vspace_unmap(PECAN_ROOT_VSPACE, SRC_VA, NORDER, 0));
    for (unsigned i = 0; i < NPAGES; i++) {
        CHECK_EQ(frame_vaddr(frames[i]), SRC_VA + i * 4096u);
        CHECK_EQ(*(volatile pecan_word_t *)(SRC_VA + i * 4096u), pattern(SRC_VA + i * 4096u));
        CHECK_FAULTS(&b, pager, B_WINDOW + i * 4096u);
        CHECK_FAULTS(&c, pager, C_WINDOW + i * 4096u);
    }
    CHECK_CLEAN();

    /* Again; then UNMAP in the middle (B) takes C's pages only. */
    CHECK_MAP(&b, SRC_VA, NORDER, RW, 0, B_WINDOW);
    CHECK_FORWARD(&b, B_WINDOW, NORDER, RW, 0, C_WINDOW);
    CHECK_OK(pecan_vspace_unmap(b.vspace, B_WINDOW + 4096u, 12, 0));
    CHECK_READS(&c, pager, C_WINDOW, pattern(SRC_VA));
    CHECK_FAULTS(&c, pager, C_WINDOW + 4096u);
    CHECK_READS(&b, pager, B_WINDOW + 4096u, pattern(SRC_VA + 4096u));
    /* UNMAP_OWN in B: B's page and what C got from it. */
    CHECK_OK(pecan_vspace_unmap(b.vspace, B_WINDOW, 12, PECAN_UNMAP_OWN));
    CHECK_FAULTS(&b, pager, B_WINDOW);
    CHECK_FAULTS(&c, pager, C_WINDOW);
    CHECK_READS(&b, pager, B_WINDOW + 2 * 4096u, pattern(SRC_VA + 2 * 4096u));
    CHECK_READS(&c, pager, C_WINDOW + 2 * 4096u, pattern(SRC_VA + 2 * 4096u));
    CHECK_CLEAN();

    /* UNMAP_OWN at A: A's own mappings go too, through their frame capabilities. */
    CHECK_OK(pecan_vspace_unmap(PECAN_ROOT_VSPACE, SRC_VA, NORDER, PECAN_UNMAP_OWN));
    for (unsigned i = 0; i < NPAGES; i++) {
        CHECK_EQ(frame_vaddr(frames[i]), NOT_MAPPED);
        CHECK_FAULTS(&b, pager, B_WINDOW + i * 4096u);
        CHECK_FAULTS(&c, pager, C_WINDOW + i * 4096u);
    }
    /* Nothing of A's left to send. */
    CHECK_MAP(&b, SRC_VA, NORDER, RW, -PECAN_ENOENT, 0);
    vspace_counts(b.vspace, &pool, &installed);
    CHECK(pool == 0 && installed == 2);   /* page tables stay where they were put */
    CHECK_CLEAN();
    task_destroy(&b);
    task_destroy(&c);
}

/* Deleting or revoking the frame capability at A, or unmapping it, removes its pages from
 * every space they reached. */
UTEST(mapping_db_frame_capability_goes)
{
    struct task b = { 0 }, c = { 0 };
    pecan_cap_t masters[NPAGES], pager = pager_new();
    pecan_cap_t mapped = slots_alloc(NPAGES);
    REQUIRE(pager && mapped);
    pecan_cap_t pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    REQUIRE(pt);
    REQUIRE_OK(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt, SRC_VA));
    /* A maps children of the masters, so revoking a master takes the mapping along. */
    for (unsigned i = 0; i < NPAGES; i++) {
        pecan_word_t at = SRC_VA + i * 4096u;
        masters[i] = obj_new(PECAN_OBJ_FRAME, 12);
        REQUIRE(masters[i]);
        REQUIRE_OK(cap_mint(mapped + i, masters[i], PECAN_RIGHTS_ALL, 0));
        REQUIRE_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, mapped + i, at, RW, 0));
        *(volatile pecan_word_t *)at = pattern(at);
    }
    REQUIRE_OK(task_create(&c, C_WINDOW | C_WINDOW_ORDER, 0));
    REQUIRE_OK(task_create(&b, B_WINDOW | B_WINDOW_ORDER, c.gate));
    REQUIRE_OK(donate(&b));
    REQUIRE_OK(donate(&c));
    CHECK_MAP(&b, SRC_VA, NORDER, RW, 0, B_WINDOW);
    CHECK_FORWARD(&b, B_WINDOW, NORDER, RW, 0, C_WINDOW);
    CHECK_EQ(task_sum(&c, C_WINDOW, NPAGES), pattern_sum(SRC_VA, NPAGES));
    CHECK_CLEAN();

    /* Revoking master 0 deletes the mapped child capability. */
    CHECK_OK(cap_revoke(masters[0]));
    CHECK_EQ(cap_type(mapped), CAPK_NULL);
    CHECK_FAULTS(&b, pager, B_WINDOW);
    CHECK_FAULTS(&c, pager, C_WINDOW);
    CHECK_READS(&c, pager, C_WINDOW + 4096u, pattern(SRC_VA + 4096u));
    CHECK_CLEAN();
    /* Deleting the capability that maps page 1. */
    CHECK_OK(cap_delete(mapped + 1));
    CHECK_FAULTS(&b, pager, B_WINDOW + 4096u);
    CHECK_FAULTS(&c, pager, C_WINDOW + 4096u);
    CHECK_READS(&b, pager, B_WINDOW + 2 * 4096u, pattern(SRC_VA + 2 * 4096u));
    CHECK_CLEAN();
    /* UNMAP_FRAME of page 2. */
    CHECK_OK(pecan_vspace_unmap_frame(PECAN_ROOT_VSPACE, mapped + 2));
    CHECK_FAULTS(&b, pager, B_WINDOW + 2 * 4096u);
    CHECK_FAULTS(&c, pager, C_WINDOW + 2 * 4096u);
    /* Moving the capability of page 3 keeps the mapping and what was derived from it;
     * deleting it from its new slot removes them. */
    pecan_cap_t moved = slot_alloc();
    CHECK_OK(cap_move(moved, mapped + 3));
    CHECK_READS(&c, pager, C_WINDOW + 3 * 4096u, pattern(SRC_VA + 3 * 4096u));
    CHECK_CLEAN();
    CHECK_OK(cap_delete(moved));
    CHECK_FAULTS(&b, pager, B_WINDOW + 3 * 4096u);
    CHECK_FAULTS(&c, pager, C_WINDOW + 3 * 4096u);
    CHECK_CLEAN();
    for (unsigned i = 0; i < NPAGES; i++)
        if (cap_type(mapped + i))
            CHECK_OK(cap_delete(mapped + i));
    task_destroy(&b);
    task_destroy(&c);
}

/* Rights: never more than the sender has, and narrowing the source narrows the copies. */
UTEST(mapping_db_rights_only_shrink)
{
    struct task b = { 0 }, c = { 0 };
    pecan_cap_t ro[1], rw[2], pager = pager_new();
    REQUIRE(pager);
    REQUIRE(source_pages(ro, 1, SRC_VA, RO));
    pecan_cap_t pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    REQUIRE(pt);
    REQUIRE_OK(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt, RW_VA));
    for (unsigned i = 0; i < 2; i++) {
        pecan_word_t at = RW_VA + i * 4096u;
        rw[i] = obj_new(PECAN_OBJ_FRAME, 12);
        REQUIRE(rw[i]);
        REQUIRE_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, rw[i], at, RW, 0));
        *(volatile pecan_word_t *)at = pattern(at);
    }
    REQUIRE_OK(task_create(&c, C_WINDOW | C_WINDOW_ORDER, 0));
    REQUIRE_OK(task_create(&b, B_WINDOW | B_WINDOW_ORDER, c.gate));
    REQUIRE_OK(donate(&b));
    REQUIRE_OK(donate(&b));
    REQUIRE_OK(donate(&c));

    /* Read-only at A, asked for read-write: B gets read-only. */
    CHECK_MAP(&b, SRC_VA, 12, RW, 0, B_WINDOW);
    CHECK_READS(&b, pager, B_WINDOW, pattern(SRC_VA));
    CHECK_WRITE_FAULTS(&b, pager, B_WINDOW);
    /* And C through B, asked for read-write again. */
    CHECK_FORWARD(&b, B_WINDOW, 12, RW, 0, C_WINDOW);
    CHECK_WRITE_FAULTS(&c, pager, C_WINDOW);
    CHECK_READS(&c, pager, C_WINDOW, pattern(SRC_VA));
    CHECK_CLEAN();

    /* Read-write at A, sent read-only: B cannot write, nor can C get write from B. */
    pecan_word_t p0 = RW_VA, b0 = B_WINDOW + (RW_VA & ((1u << B_WINDOW_ORDER) - 1));
    CHECK_MAP(&b, p0, 12, RO, 0, b0);
    CHECK_WRITE_FAULTS(&b, pager, b0);
    /* Sent again with write: the same mapping gains it (the sender has it). */
    CHECK_MAP(&b, p0, 12, RW, 0, b0);
    pecan_word_t v = 0;
    CHECK_EQ(probe(&b, pager, b0, 0x0B0B0B0Bu, &v), PROBE_VALUE);
    CHECK_EQ(v, 0x0B0B0B0Bu);
    CHECK_EQ(*(volatile pecan_word_t *)p0, 0x0B0B0B0Bu);
    CHECK_FORWARD(&b, b0, 12, RO, 0, C_WINDOW + (b0 & 0xFFFFFu));
    CHECK_WRITE_FAULTS(&c, pager, C_WINDOW + (b0 & 0xFFFFFu));
    CHECK_CLEAN();

    /* Narrowing A's mapping (REMAP_FRAME) narrows B's and C's. */
    pecan_word_t p1 = p0 + 4096u, b1 = b0 + 4096u, c1 = C_WINDOW + (b1 & 0xFFFFFu);
    CHECK_MAP(&b, p1, 12, RW, 0, b1);
    CHECK_FORWARD(&b, b1, 12, RW, 0, c1);
    CHECK_EQ(probe(&c, pager, c1, 0x0C0C0C0Cu, &v), PROBE_VALUE);
    CHECK_EQ(*(volatile pecan_word_t *)p1, 0x0C0C0C0Cu);
    CHECK_OK(pecan_vspace_remap_frame(PECAN_ROOT_VSPACE, rw[1], RO));
    CHECK_WRITE_FAULTS(&b, pager, b1);
    CHECK_WRITE_FAULTS(&c, pager, c1);
    CHECK_READS(&c, pager, c1, 0x0C0C0C0Cu);
    /* Widening A's again does not widen theirs. */
    CHECK_OK(pecan_vspace_remap_frame(PECAN_ROOT_VSPACE, rw[1], RW));
    CHECK_WRITE_FAULTS(&b, pager, b1);
    CHECK_CLEAN();
    task_destroy(&b);
    task_destroy(&c);
}

/* Destroying B's address space (or removing B's page table) leaves A and C consistent:
 * what C got through B goes, A keeps its pages. */
UTEST(mapping_db_middle_space_destroyed)
{
    struct task b = { 0 }, c = { 0 };
    pecan_cap_t frames[NPAGES], pager = pager_new();
    REQUIRE(pager);
    REQUIRE(source_pages(frames, NPAGES, SRC_VA, RW));
    REQUIRE_OK(task_create(&c, C_WINDOW | C_WINDOW_ORDER, 0));
    REQUIRE_OK(task_create(&b, B_WINDOW | B_WINDOW_ORDER, c.gate));
    pecan_cap_t b_pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    REQUIRE(b_pt);
    REQUIRE_OK(pecan_vspace_map_page_table(b.vspace, b_pt, B_WINDOW));
    REQUIRE_OK(donate(&c));
    REQUIRE_OK(donate(&b));

    /* B's page table goes: B's pages and C's copies of them. */
    CHECK_MAP(&b, SRC_VA, NORDER, RW, 0, B_WINDOW);
    CHECK_FORWARD(&b, B_WINDOW, NORDER, RW, 0, C_WINDOW);
    CHECK_OK(pecan_vspace_unmap_page_table(b.vspace, b_pt));
    CHECK_FAULTS(&c, pager, C_WINDOW);
    CHECK_FAULTS(&c, pager, C_WINDOW + 3 * 4096u);
    CHECK_CLEAN();
    /* Again: B takes the pool's table for its window now. */
    CHECK_MAP(&b, SRC_VA, NORDER, RW, 0, B_WINDOW);
    CHECK_FORWARD(&b, B_WINDOW, NORDER, RW, 0, C_WINDOW);
    CHECK_EQ(task_sum(&c, C_WINDOW, NPAGES), pattern_sum(SRC_VA, NPAGES));
    CHECK_CLEAN();

    /* B's address space goes (its thread first: it holds a copy of the capability). */
    CHECK_OK(cap_delete(b.thread));
    CHECK_OK(cap_delete(b.vspace));
    CHECK_CLEAN();
    for (unsigned i = 0; i < NPAGES; i++) {
        CHECK_EQ(frame_vaddr(frames[i]), SRC_VA + i * 4096u);
        CHECK_EQ(*(volatile pecan_word_t *)(SRC_VA + i * 4096u), pattern(SRC_VA + i * 4096u));
        CHECK_FAULTS(&c, pager, C_WINDOW + i * 4096u);
    }
    /* A can still send to C directly. */
    CHECK_MAP(&c, SRC_VA, NORDER, RW, 0, C_WINDOW);
    CHECK_READS(&c, pager, C_WINDOW + 4096u, pattern(SRC_VA + 4096u));
    CHECK_CLEAN();
    /* And C's address space goes while A's pages have children there. */
    CHECK_OK(cap_delete(c.thread));
    CHECK_OK(cap_delete(c.vspace));
    CHECK_CLEAN();
    CHECK_EQ(*(volatile pecan_word_t *)SRC_VA, pattern(SRC_VA));
    task_destroy(&b);
    task_destroy(&c);
}

/* Item checks: nothing changes unless the whole item can be mapped. */
UTEST(mapping_db_item_errors)
{
    struct task b = { 0 };
    pecan_cap_t frames[NPAGES], pager = pager_new();
    REQUIRE(pager);
    REQUIRE(source_pages(frames, NPAGES, SRC_VA, RW));
    REQUIRE_OK(task_create(&b, B_WINDOW | B_WINDOW_ORDER, 0));
    REQUIRE_OK(donate(&b));

    CHECK_MAP(&b, SRC_VA + 0x10000u, 12, RW, -PECAN_ENOENT, 0);     /* not mapped */
    CHECK_MAP(&b, 0x64000000u, 20, RW, -PECAN_ENOENT, 0);           /* no page table */
    CHECK_MAP(&b, SRC_VA + 4096u, 13, RW, -PECAN_EALIGN, 0);
    CHECK_MAP(&b, SRC_VA, 11, RW, -PECAN_ERANGE, 0);
    CHECK_MAP(&b, SRC_VA, B_WINDOW_ORDER + 1, RW, -PECAN_ERANGE, 0); /* window too small */
    CHECK_MAP(&b, 0xBF000000u, 12, RW, -PECAN_ERANGE, 0);
    CHECK_MAP(&b, SRC_VA, 12, 0, -PECAN_EINVAL, 0);
    CHECK_MAP(&b, SRC_VA, 12, 0x8, -PECAN_EINVAL, 0);
    /* Part of the item unmapped: the rest arrives. */
    CHECK_MAP(&b, SRC_VA, 16, RW, 0, B_WINDOW);
    CHECK_EQ(task_sum(&b, B_WINDOW, NPAGES), pattern_sum(SRC_VA, NPAGES));
    CHECK_FAULTS(&b, pager, B_WINDOW + NPAGES * 4096u);
    CHECK_OK(pecan_vspace_unmap(b.vspace, B_WINDOW, 16, PECAN_UNMAP_OWN));
    CHECK_CLEAN();

    /* A target page taken by another mapping: EMAPPED, and nothing else arrives. */
    pecan_cap_t own = obj_new(PECAN_OBJ_FRAME, 12);
    REQUIRE(own);
    REQUIRE_OK(pecan_vspace_map_frame(b.vspace, own, B_WINDOW + 2 * 4096u, RW, 0));
    CHECK_MAP(&b, SRC_VA, NORDER, RW, -PECAN_EMAPPED, 0);
    CHECK_FAULTS(&b, pager, B_WINDOW);
    CHECK_READS(&b, pager, B_WINDOW + 2 * 4096u, 0);
    CHECK_OK(pecan_vspace_unmap_frame(b.vspace, own));
    /* A section in the target MiB: EMAPPED; a section at the source: EINVAL. */
    pecan_cap_t section = obj_new(PECAN_OBJ_FRAME, 20);
    REQUIRE(section);
    REQUIRE_OK(pecan_vspace_map_frame(b.vspace, section, B_WINDOW + 0x100000u, RW, 0));
    set_window(&b, (B_WINDOW + 0x100000u) | 20);
    CHECK_MAP(&b, SRC_VA, 12, RW, -PECAN_EMAPPED, 0);
    CHECK_OK(pecan_vspace_unmap_frame(b.vspace, section));
    CHECK_MAP(&b, SRC_VA, 12, RW, -PECAN_ENOPAGETABLE, 0);   /* the pool is used up */
    REQUIRE_OK(donate(&b));
    CHECK_MAP(&b, SRC_VA, 12, RW, 0, B_WINDOW + 0x100000u);
    set_window(&b, B_WINDOW | B_WINDOW_ORDER);
    pecan_cap_t a_section = obj_new(PECAN_OBJ_FRAME, 20);
    REQUIRE(a_section);
    REQUIRE_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, a_section, SECTION_VA, RW, 0));
    CHECK_MAP(&b, SECTION_VA, 12, RW, -PECAN_EINVAL, 0);
    CHECK_CLEAN();

    /* No window, then a window smaller than the item. */
    set_window(&b, 0);
    CHECK_MAP(&b, SRC_VA, 12, RW, -PECAN_ERANGE, 0);
    set_window(&b, (B_WINDOW + 0x2000u) | 13);
    CHECK_MAP(&b, SRC_VA, NORDER, RW, -PECAN_ERANGE, 0);
    /* A window not aligned to its size. */
    set_window(&b, (B_WINDOW + 0x1000u) | 13);
    CHECK_MAP(&b, SRC_VA, 12, RW, -PECAN_EALIGN, 0);
    /* A window smaller than the source's offset: the item lands at its offset in it. */
    set_window(&b, (B_WINDOW + 0x4000u) | 14);
    CHECK_MAP(&b, SRC_VA + 0x2000u, 12, RW, 0, B_WINDOW + 0x6000u);
    CHECK_READS(&b, pager, B_WINDOW + 0x6000u, pattern(SRC_VA + 0x2000u));
    CHECK_CLEAN();

    /* UNMAP's own checks. */
    const pecan_cap_t v = b.vspace;
    CHECK_ERR(pecan_vspace_unmap(v, B_WINDOW + 4096u, 13, 0), -PECAN_EALIGN);
    CHECK_ERR(pecan_vspace_unmap(v, B_WINDOW, 11, 0), -PECAN_ERANGE);
    CHECK_ERR(pecan_vspace_unmap(v, 0, 33, 0), -PECAN_ERANGE);
    CHECK_ERR(pecan_vspace_unmap(v, 0xBF000000u, 12, 0), -PECAN_ERANGE);
    CHECK_ERR(pecan_vspace_unmap(v, B_WINDOW, 12, 2), -PECAN_EINVAL);
    pecan_word_t w[3] = { PECAN_VSPACE_UNMAP, B_WINDOW, 12 };
    CHECK_ERR(pecan_call(v, PECAN_PROTO_VSPACE, 3, w, 0, 0), -PECAN_EMSGTOOSHORT);
    pecan_cap_t ro_v = slot_alloc();
    REQUIRE_OK(cap_copy(ro_v, v, PECAN_RIGHT_READ));
    CHECK_ERR(pecan_vspace_unmap(ro_v, B_WINDOW, 12, PECAN_UNMAP_OWN), -PECAN_EPERM);
    CHECK_OK(cap_delete(ro_v));
    CHECK_READS(&b, pager, B_WINDOW + 0x6000u, pattern(SRC_VA + 0x2000u));
    /* The whole space, unaligned ends allowed only as 2^32 from 0. */
    CHECK_OK(pecan_vspace_unmap(v, 0, 32, 0));
    CHECK_READS(&b, pager, B_WINDOW + 0x6000u, pattern(SRC_VA + 0x2000u));
    CHECK_OK(pecan_vspace_unmap(PECAN_ROOT_VSPACE, 0, 32, 0));
    CHECK_FAULTS(&b, pager, B_WINDOW + 0x6000u);
    CHECK_CLEAN();
    task_destroy(&b);
}

/* A 64 KiB frame arrives as 16 small pages; UNMAP_OWN of one of its pieces at A takes the
 * whole frame, and everything derived from it. */
UTEST(mapping_db_large_page_source)
{
    struct task b = { 0 };
    pecan_cap_t pager = pager_new(), pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    pecan_cap_t big = obj_new(PECAN_OBJ_FRAME, 16);
    REQUIRE(pager && pt && big);
    REQUIRE_OK(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt, SRC64_VA));
    REQUIRE_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, big, SRC64_VA, RW, 0));
    for (unsigned i = 0; i < 16; i++)
        *(volatile pecan_word_t *)(SRC64_VA + i * 4096u) = pattern(SRC64_VA + i * 4096u);
    REQUIRE_OK(task_create(&b, B_WINDOW | B_WINDOW_ORDER, 0));
    REQUIRE_OK(donate(&b));
    pecan_word_t at = B_WINDOW + (SRC64_VA & ((1u << B_WINDOW_ORDER) - 1));
    CHECK_MAP(&b, SRC64_VA, 16, RW, 0, at);
    CHECK_EQ(task_sum(&b, at, 16), pattern_sum(SRC64_VA, 16));
    /* One piece only. */
    CHECK_MAP(&b, SRC64_VA + 5 * 4096u, 12, RO, 0, at + 5 * 4096u);
    CHECK_CLEAN();
    /* Without UNMAP_OWN, one piece's copies go. */
    CHECK_OK(pecan_vspace_unmap(PECAN_ROOT_VSPACE, SRC64_VA + 7 * 4096u, 12, 0));
    CHECK_FAULTS(&b, pager, at + 7 * 4096u);
    CHECK_READS(&b, pager, at + 8 * 4096u, pattern(SRC64_VA + 8 * 4096u));
    CHECK_EQ(frame_vaddr(big), SRC64_VA);
    /* With it, the whole frame. */
    CHECK_OK(pecan_vspace_unmap(PECAN_ROOT_VSPACE, SRC64_VA + 3 * 4096u, 12, PECAN_UNMAP_OWN));
    CHECK_EQ(frame_vaddr(big), NOT_MAPPED);
    CHECK_FAULTS(&b, pager, at);
    CHECK_FAULTS(&b, pager, at + 15 * 4096u);
    CHECK_CLEAN();
    task_destroy(&b);
}

/* A pager answers a page fault with a memory item; the kernel maps it at the fault (from
 * the receiver's pool) and records it, so the source's removal reaches it too. */
UTEST(mapping_db_pager_maps_on_fault)
{
    struct task b = { 0 };
    pecan_cap_t frames[1], pager = pager_new();
    REQUIRE(pager);
    REQUIRE(source_pages(frames, 1, SRC_VA, RW));
    REQUIRE_OK(task_create(&b, 0, 0));
    REQUIRE_OK(donate(&b));
    pecan_cap_t thread = probe_start(&b, pager, FAULT_VA + 0x3000u, 0);
    REQUIRE(thread);
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_receive(pager, &m, TIMEOUT);
    CHECK_EQ(r.ipc_status, PECAN_IPC_OK);
    CHECK_EQ(pecan_tag_label(r.tag), PECAN_LABEL_PAGE_FAULT);
    CHECK_EQ(m.word[0], FAULT_VA + 0x3000u);
    m.tag = pecan_tag(0, 0, 1);
    m.word[0] = item_w0(12, RO);
    m.word[1] = SRC_VA;
    CHECK_OK(pecan_error(pecan_ipc_reply(&m)));
    r = pecan_ipc_receive(pager, &m, TIMEOUT);
    CHECK_EQ(r.ipc_status, PECAN_IPC_OK);
    CHECK_EQ(pecan_tag_label(r.tag), LABEL);
    CHECK_EQ(m.word[0], pattern(SRC_VA));
    obj_free(thread);
    unsigned pool = 9, installed = 9;
    vspace_counts(b.vspace, &pool, &installed);
    CHECK(pool == 0 && installed == 2);
    CHECK_READS(&b, pager, FAULT_VA + 0x3000u, pattern(SRC_VA));
    CHECK_WRITE_FAULTS(&b, pager, FAULT_VA + 0x3000u);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(frames[0]));
    CHECK_FAULTS(&b, pager, FAULT_VA + 0x3000u);
    CHECK_CLEAN();
    task_destroy(&b);
}

/* Random maps, forwards, unmaps, frame and page-table removals among A, B and C, with the
 * invariant checker (which checks every received page against its source) after each. */
#define RANDOM_STEPS 400u
#define RANDOM_PAGES 8u

static bool expected_map_error(int err)
{
    return err == 0 || err == -PECAN_ENOENT || err == -PECAN_EMAPPED ||
           err == -PECAN_ENOPAGETABLE;
}

/* The receive status of an item (0 or its error), or 1 if the reply is malformed. */
static int item_error(const pecan_word_t *out)
{
    if (out[0] == PECAN_IPC_OK && out[1] == PECAN_ITEM_MAP)
        return 0;
    if (out[0] == PECAN_IPC_ITEM_FAILED && (out[1] & 0xFFFFu) == PECAN_ITEM_MAP)
        return -(int)(out[1] >> PECAN_ITEM_RESULT_SHIFT);
    return 1;
}

UTEST(mapping_db_random_operations)
{
    struct task b = { 0 }, c = { 0 };
    pecan_cap_t frames[RANDOM_PAGES], pts[4];
    bool mapped[RANDOM_PAGES];
    REQUIRE(source_pages(frames, RANDOM_PAGES, SRC_VA, RW));
    REQUIRE_OK(task_create(&c, C_WINDOW | C_WINDOW_ORDER, 0));
    REQUIRE_OK(task_create(&b, B_WINDOW | B_WINDOW_ORDER, c.gate));
    for (unsigned i = 0; i < 4; i++) {
        pts[i] = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
        REQUIRE(pts[i]);
        REQUIRE_OK(pecan_vspace_donate_page_table(i < 2 ? b.vspace : c.vspace, pts[i]));
    }
    for (unsigned i = 0; i < RANDOM_PAGES; i++)
        mapped[i] = true;
    uint32_t seed = 0x2545F491u;
    unsigned ok = 0, failed = 0;
    for (unsigned step = 0; step < RANDOM_STEPS && !ut_failed(); step++) {
        uint32_t op = xorshift32(&seed) % 8;
        unsigned order = 12 + xorshift32(&seed) % 4;
        unsigned rights = xorshift32(&seed) % 2 ? RW : RO;
        pecan_word_t offset = (xorshift32(&seed) % RANDOM_PAGES) * 4096u & ~((1u << order) - 1);
        unsigned page = xorshift32(&seed) % RANDOM_PAGES;
        pecan_word_t out[5] = { 0 };
        int err = 0;
        switch (op) {
        case 0:
        case 1:   /* A -> B */
            CHECK_OK(send_map(&b, SRC_VA + offset, order, rights, out));
            err = item_error(out);
            break;
        case 2:
        case 3: { /* B -> C */
            struct pecan_message m;
            m.tag = pecan_tag(LABEL, 3, 0);
            m.word[0] = CMD_FORWARD;
            m.word[1] = item_w0(order, rights);
            m.word[2] = B_WINDOW + offset;
            CHECK_OK(pecan_error(pecan_ipc_call(b.gate, &m, TIMEOUT)));
            CHECK_EQ(m.word[0], 0);
            err = item_error(&m.word[1]);
            break;
        }
        case 4: { /* UNMAP somewhere, with or without the space's own pages */
            pecan_cap_t v = page % 3 == 0 ? PECAN_ROOT_VSPACE : page % 3 == 1 ? b.vspace
                                                                                : c.vspace;
            pecan_word_t base = page % 3 == 0 ? SRC_VA : page % 3 == 1 ? B_WINDOW : C_WINDOW;
            unsigned flags = xorshift32(&seed) % 2 ? PECAN_UNMAP_OWN : 0;
            CHECK_OK(pecan_vspace_unmap(v, base + offset, order, flags));
            if (v == PECAN_ROOT_VSPACE && flags)
                for (unsigned i = 0; i < RANDOM_PAGES; i++)
                    mapped[i] = frame_vaddr(frames[i]) != NOT_MAPPED;
            break;
        }
        case 5:   /* A's frame: unmap, map again, or replace by a new one */
            if (mapped[page] && xorshift32(&seed) % 2) {
                CHECK_OK(pecan_vspace_unmap_frame(PECAN_ROOT_VSPACE, frames[page]));
            } else if (mapped[page]) {
                obj_free(frames[page]);
                frames[page] = obj_new(PECAN_OBJ_FRAME, 12);
                REQUIRE(frames[page]);
                CHECK_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, frames[page],
                                                SRC_VA + page * 4096u, RW, 0));
            } else {
                CHECK_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, frames[page],
                                                SRC_VA + page * 4096u, rights, 0));
            }
            mapped[page] = frame_vaddr(frames[page]) != NOT_MAPPED;
            break;
        case 6: { /* a page table of B or C leaves (if installed) and goes back to the pool */
            pecan_word_t at = NOT_MAPPED;
            pecan_cap_t pt = pts[page % 4];
            CHECK_OK(pecan_page_table_info(pt, &at));
            pecan_cap_t v = page % 4 < 2 ? b.vspace : c.vspace;
            if (at != NOT_MAPPED) {
                CHECK_OK(pecan_vspace_unmap_page_table(v, pt));
                CHECK_OK(pecan_vspace_donate_page_table(v, pt));
            }
            break;
        }
        default:  /* REMAP one of A's frames */
            if (mapped[page])
                CHECK_OK(pecan_vspace_remap_frame(PECAN_ROOT_VSPACE, frames[page], rights));
            break;
        }
        if (!expected_map_error(err))
            ut_fail(__FILE__, __LINE__, "step %u: op %u: item result %d", step, (unsigned)op,
                    err);
        if (op < 4) {
            ok += err == 0;
            failed += err != 0;
        }
        if (!CHECK_CLEAN())
            ut_fail(__FILE__, __LINE__, "after step %u (op %u)", step, (unsigned)op);
    }
    pecan_printf("# mapping_db: %u items mapped, %u refused\n", ok, failed);
    CHECK(ok > 50);
    task_destroy(&b);
    task_destroy(&c);
}

/* Bounded latency (kernel/core/mapping_db.c): the memory items of one kernel entry cover at
 * most 256 pages (1 MiB). A 1 MiB item with all 256 pages mapped in A arrives, and the
 * entry that maps it stays within the bound (test_latency.c); a 2 MiB item fails with
 * ERANGE with nothing mapped. UNMAP at the source then removes the derived pages. */
#define BIG_SRC_VA 0x64000000u    /* 2 MiB of A's pages, 4 MiB aligned */
#define BIG_PAGES 512u

UTEST(latency_memory_item)
{
    struct task b = { 0 };
    pecan_cap_t u = ut_alloc(21), f = slots_alloc(BIG_PAGES), pager = pager_new();
    pecan_cap_t pt0 = obj_new(PECAN_OBJ_PAGE_TABLE, 0), pt1 = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    REQUIRE(u && f && pager && pt0 && pt1);
    REQUIRE_OK(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt0, BIG_SRC_VA));
    REQUIRE_OK(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt1, BIG_SRC_VA + 0x100000u));
    REQUIRE_OK(pecan_untyped_retype(u, PECAN_OBJ_FRAME, 12, BIG_PAGES, ROOT, f));
    for (unsigned i = 0; i < BIG_PAGES; i++) {
        pecan_word_t at = BIG_SRC_VA + i * 4096u;
        REQUIRE_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, f + i, at, RW, 0));
        *(volatile pecan_word_t *)at = pattern(at);
    }
    REQUIRE_OK(task_create(&b, B_WINDOW | B_WINDOW_ORDER, 0));
    REQUIRE_OK(donate(&b));
    REQUIRE_OK(donate(&b));

    CHECK_MAP(&b, BIG_SRC_VA, 21, RW, -PECAN_ERANGE, 0);
    CHECK_FAULTS(&b, pager, B_WINDOW);
    latency_start();
    CHECK_MAP(&b, BIG_SRC_VA, 20, RW, 0, B_WINDOW);
    CHECK_MAP(&b, BIG_SRC_VA + 0x100000u, 20, RW, 0, B_WINDOW + 0x100000u);
    latency_check("memory_item_1m");
    CHECK_EQ(task_sum(&b, B_WINDOW, BIG_PAGES), pattern_sum(BIG_SRC_VA, BIG_PAGES));
    CHECK_CLEAN();

    latency_start();
    CHECK_OK(pecan_vspace_unmap(PECAN_ROOT_VSPACE, BIG_SRC_VA, 21, 0));
    latency_check("unmap_512_derived_pages");
    CHECK_FAULTS(&b, pager, B_WINDOW);
    CHECK_FAULTS(&b, pager, B_WINDOW + (BIG_PAGES - 1) * 4096u);
    CHECK_EQ(frame_vaddr(f), BIG_SRC_VA);   /* A's own pages stay */
    CHECK_CLEAN();

    /* One page passed on 1024 times: deleting its frame capability removes them all, in
     * steps (the call is restarted). */
    REQUIRE_OK(donate(&b));
    REQUIRE_OK(donate(&b));
    for (unsigned i = 0; i < 1024; i++) {
        set_window(&b, (B_WINDOW + i * 4096u) | 12u);
        if (!CHECK_MAP(&b, BIG_SRC_VA, 12, RW, 0, B_WINDOW + i * 4096u))
            break;
    }
    CHECK_EQ(task_sum(&b, B_WINDOW + 1023 * 4096u, 1), pattern(BIG_SRC_VA));
    /* Narrowing it to read-only narrows all 1024, in steps. */
    unsigned long stops = kernel_preemptions();
    latency_start();
    CHECK_OK(pecan_vspace_remap_frame(PECAN_ROOT_VSPACE, f, RO));
    latency_check("remap_frame_passed_on_1024_times");
    CHECK(kernel_preemptions() > stops);
    CHECK_WRITE_FAULTS(&b, pager, B_WINDOW);
    CHECK_WRITE_FAULTS(&b, pager, B_WINDOW + 511 * 4096u);
    CHECK_WRITE_FAULTS(&b, pager, B_WINDOW + 1023 * 4096u);
    CHECK_EQ(task_sum(&b, B_WINDOW + 1023 * 4096u, 1), pattern(BIG_SRC_VA));
    CHECK_CLEAN();
    stops = kernel_preemptions();
    latency_start();
    CHECK_OK(cap_delete(f));
    latency_check("delete_frame_passed_on_1024_times");
    CHECK(kernel_preemptions() > stops);
    CHECK_EQ(cap_type(f), CAPK_NULL);
    CHECK_FAULTS(&b, pager, B_WINDOW);
    CHECK_FAULTS(&b, pager, B_WINDOW + 1023 * 4096u);
    CHECK_CLEAN();
    task_destroy(&b);
    CHECK_OK(cap_revoke(u));
    ut_free(u);
}
