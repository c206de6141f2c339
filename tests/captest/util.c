/* SPDX-License-Identifier: MIT */
/*
 * captest's small helpers: root CNode operations by slot number, error names for the
 * TAP comments, and the kernel log's debug operations (invariant checker, counters,
 * clock).
 */
#include "captest.h"

int cap_identify(pecan_cap_t slot, struct pecan_cap_identity *id)
{
    return pecan_cnode_identify(ROOT, slot, ROOT_DEPTH, id);
}

unsigned cap_type(pecan_cap_t slot)
{
    struct pecan_cap_identity id;
    return cap_identify(slot, &id) == 0 ? id.type : CAPK_NULL;
}

int cap_copy(pecan_cap_t dest, pecan_cap_t src, unsigned rights)
{
    return pecan_cnode_copy(ROOT, dest, ROOT_DEPTH, ROOT, src, ROOT_DEPTH, rights);
}

int cap_mint(pecan_cap_t dest, pecan_cap_t src, unsigned rights, pecan_word_t badge)
{
    return pecan_cnode_mint(ROOT, dest, ROOT_DEPTH, ROOT, src, ROOT_DEPTH, rights, badge);
}

int cap_move(pecan_cap_t dest, pecan_cap_t src)
{
    return pecan_cnode_move(ROOT, dest, ROOT_DEPTH, ROOT, src, ROOT_DEPTH);
}

int cap_delete(pecan_cap_t slot)
{
    return pecan_cnode_delete(ROOT, slot, ROOT_DEPTH);
}

int cap_revoke(pecan_cap_t slot)
{
    return pecan_cnode_revoke(ROOT, slot, ROOT_DEPTH);
}

int cap_mint_cspace(pecan_cap_t dest, pecan_cap_t cnode, unsigned radix)
{
    /* CNode badge: bits 0-4 guard length, bits 5-31 guard value (0). */
    return cap_mint(dest, cnode, PECAN_RIGHTS_ALL, 32 - radix);
}

const char *err_name(int err)
{
    /* Every error code and every IPC status as pecan_error() folds it (pecan/errors.h). */
    static const struct { int code; const char *name; } names[] = {
#define ERROR_NAME(name, code) { -(code), #name },
        PECAN_ERROR_LIST(ERROR_NAME)
#undef ERROR_NAME
#define IPC_ERROR_NAME(name, status) { PECAN_IPC_ERROR(status), "IPC_" #name },
        PECAN_IPC_STATUS_LIST(IPC_ERROR_NAME)
#undef IPC_ERROR_NAME
    };
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].code == err)
            return names[i].name;
    }
    return "?";
}

unsigned kernel_problems(void)
{
    pecan_word_t problems = 0;
    if (pecan_debug_check(PECAN_ROOT_LOG, &problems) != 0)
        return ~0u;
    return problems;
}

void latency_start(void)
{
    CHECK_OK(pecan_debug_latency_start(PECAN_ROOT_LOG));
}

uint64_t latency_check(const char *what)
{
    struct pecan_latency l = { 0 };
    CHECK_OK(pecan_debug_latency(PECAN_ROOT_LOG, &l));
    bool icount = cmdline_number("icount", 0) != 0;
    pecan_printf("# latency %s: longest kernel entry %lu ns (tag %08lx, word 0 %lu) of %lu%s\n",
                 what, (unsigned long)l.longest_ns, (unsigned long)l.tag,
                 (unsigned long)l.word0, (unsigned long)l.entries,
                 icount ? "" : " (not under -icount: not checked)");
    if (icount) {
        pecan_printf("bench latency_%s %lu instructions\n", what, (unsigned long)l.longest_ns);
        if (l.longest_ns >= LATENCY_LIMIT)
            ut_fail(__FILE__, __LINE__, "%s: a kernel entry took %lu instructions (limit %u)",
                    what, (unsigned long)l.longest_ns, LATENCY_LIMIT);
    }
    return l.longest_ns;
}

unsigned long kernel_preemptions(void)
{
    pecan_word_t n = 0;
    pecan_debug_stats(PECAN_ROOT_LOG, &n);
    return n;
}

uint64_t now_ns(void)
{
    uint64_t ns = 0;
    pecan_debug_clock(PECAN_ROOT_LOG, &ns);
    return ns;
}

void spin_us(unsigned us)
{
    uint64_t end = now_ns() + (uint64_t)us * 1000u;
    while (now_ns() < end)
        ;
}

bool spin_until_changed(const volatile pecan_word_t *value, pecan_word_t old, unsigned ms)
{
    uint64_t end = now_ns() + (uint64_t)ms * 1000000u;
    while (*value == old && now_ns() < end)
        ;
    return *value != old;
}

pecan_word_t poll_bits(pecan_cap_t notification)
{
    pecan_word_t bits = 0xDEAD;
    CHECK_OK(pecan_notification_poll(notification, &bits));
    return bits;
}

void check_errors(const char *file, int line, const char *what, const volatile int *got,
                  const int *want, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (got[i] != want[i])
            ut_fail(file, line, "%s %u: expected %s, got %s", what, i, err_name(want[i]),
                    err_name(got[i]));
    }
}
