/* SPDX-License-Identifier: MIT */
/*
 * rofault: a read-only mapping refuses writes, and the fault reaches the program's own
 * handler. One dataspace is attached twice, writable and read-only; both views show the
 * same bytes. A victim thread, whose pager is switched to a gate served by a handler
 * thread of this program, writes to the read-only view. The handler gets the page fault
 * (write bit, the address), passes it on to the region map at moe, which must refuse it
 * (a fault message from a client, not the kernel: EPERM since issue 13; a write to the
 * read-only region would be EACCES), and stops the victim with a negative reply. The main thread then finds the victim
 * stopped at the faulting instruction and the page unchanged. Exit status 0 when all of
 * this held, else the number of the failed check.
 */
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/thread.h>
#include <stdio.h>

static volatile unsigned *writable, *read_only;
static pecan_cap_t gate;
static volatile int victim_go, victim_ready;

struct fault_seen {
    pecan_word_t address, pc;
    int write;
    int moe_answer;     /* moe's reply label for the same fault */
    int ok;
};
static struct fault_seen seen;

static int failed(int check, const char *what, int err)
{
    printf("rofault: FAILED check %d: %s (%d)\n", check, what, err);
    return check;
}

static void *victim(void *arg)
{
    (void)arg;
    /* Its stack and the flags' page are mapped now, through the region map; from here on
     * its only fault is the write below, which goes to the handler. */
    victim_ready = 1;
    while (!victim_go)
        ;
    read_only[1] = 0xBADu;   /* must fault */
    return (void *)1;        /* never reached */
}

static void *handler(void *arg)
{
    (void)arg;
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
    if (r.ipc_status || pecan_tag_label(m.tag) != PECAN_LABEL_PAGE_FAULT)
        return (void *)0;
    seen.address = m.word[0] & ~0xFFFu;
    seen.write = (m.word[0] & PECAN_PAGE_FAULT_WRITE) != 0;
    seen.pc = m.word[1];
    /* What the task's region map says about this fault. */
    struct pecan_message ask;
    ask.tag = pecan_tag(PECAN_LABEL_PAGE_FAULT, 2, 0);
    ask.word[0] = m.word[0];
    ask.word[1] = m.word[1];
    struct pecan_reply answer = pecan_ipc_call(PECAN_ENV_RM, &ask, PECAN_TIMEOUT_NEVER);
    seen.moe_answer = pecan_error(answer);
    seen.ok = 1;
    /* Refuse: the victim stops at the faulting instruction. */
    m.tag = pecan_tag(-PECAN_EACCES, 0, 0);
    pecan_ipc_reply(&m);
    return (void *)1;
}

static int map_views(void)
{
    pecan_cap_t ds;
    int err = pecan_cap_alloc(&ds);
    if (!err)
        err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, 4096, 0, 0, ds, 0);
    if (err)
        return failed(1, "dataspace", err);
    pecan_word_t rw = PECAN_ENV_FREE_BASE, ro = PECAN_ENV_FREE_BASE;
    err = pecan_rm_attach(PECAN_ENV_RM, &rw, 4096,
                          PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_RM_SEARCH_ADDRESS, ds, 0);
    if (err)
        return failed(2, "attach writable", err);
    err = pecan_rm_attach(PECAN_ENV_RM, &ro, 4096, PECAN_MAP_READ | PECAN_RM_SEARCH_ADDRESS,
                          ds, 0);
    if (err)
        return failed(3, "attach read-only", err);
    writable = (volatile unsigned *)rw;
    read_only = (volatile unsigned *)ro;
    writable[0] = 0x12345678u;
    writable[1] = 0x600Du;
    if (read_only[0] != 0x12345678u)
        return failed(4, "read-only view shows other bytes", 0);
    return 0;
}

int main(void)
{
    int err = map_views();
    if (err)
        return err;
    if ((err = pecan_cap_alloc(&gate)) || (err = pecan_factory_create_gate(PECAN_ENV_FACTORY, gate)))
        return failed(5, "gate", err);
    struct pecan_thread *h, *v;
    if ((err = pecan_thread_create(&h, handler, 0)))
        return failed(6, "handler thread", err);
    if ((err = pecan_gate_bind(gate, pecan_thread_cap(h))))
        return failed(7, "bind gate", err);
    if ((err = pecan_thread_create(&v, victim, 0)))
        return failed(8, "victim thread", err);
    while (!victim_ready)
        ;
    err = pecan_thread_configure(pecan_thread_cap(v), PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                                 PECAN_CAP_UNCHANGED, 0, gate, PECAN_CAP_UNCHANGED);
    if (err)
        return failed(9, "victim's pager", err);
    victim_go = 1;
    void *result = 0;
    if ((err = pecan_thread_join(h, &result)) || result != (void *)1 || !seen.ok)
        return failed(10, "handler did not get a page fault", err);
    printf("rofault: handler got a %s fault at %#lx (pc %#lx); the region map answered %d\n",
           seen.write ? "write" : "read", (unsigned long)seen.address, (unsigned long)seen.pc,
           seen.moe_answer);
    if (!seen.write || seen.address != ((pecan_word_t)read_only & ~0xFFFu))
        return failed(11, "fault address or kind", 0);
    if (seen.moe_answer >= 0)
        return failed(12, "the region map resolved a write to a read-only region", seen.moe_answer);
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT];
    if ((err = pecan_thread_read_registers(pecan_thread_cap(v), regs)))
        return failed(13, "victim's registers", err);
    if (regs[15] != seen.pc)
        return failed(14, "victim not stopped at the faulting instruction", (int)regs[15]);
    if (writable[1] != 0x600Du || read_only[1] != 0x600Du)
        return failed(15, "the refused write changed the page", 0);
    printf("rofault: write to the read-only view refused, victim stopped; all checks passed\n");
    return 0;
}
