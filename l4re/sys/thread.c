/* SPDX-License-Identifier: MIT */
/* Thread client calls. */
#include "call.h"

int pecan_thread_configure(pecan_cap_t thread, pecan_cap_t cspace, pecan_cap_t vspace,
                           pecan_cap_t utcb_frame, pecan_word_t utcb_vaddr, pecan_cap_t pager,
                           pecan_cap_t exception_handler)
{
    pecan_word_t w[] = { PECAN_THREAD_CONFIGURE, cspace, vspace, utcb_frame, utcb_vaddr, pager,
                         exception_handler };
    return sys_call(thread, PECAN_PROTO_THREAD, 7, w, 0, 0);
}

int pecan_thread_read_registers(pecan_cap_t thread, pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT])
{
    pecan_word_t w[] = { PECAN_THREAD_READ_REGISTERS };
    return sys_call(thread, PECAN_PROTO_THREAD, 1, w, regs, PECAN_THREAD_REGISTER_COUNT);
}

int pecan_thread_write_registers(pecan_cap_t thread,
                                 const pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT])
{
    /* Every word is written below: no initialiser, which would zero the array with a
     * memset call first (about 200 instructions). */
    pecan_word_t w[1 + PECAN_THREAD_REGISTER_COUNT];
    w[0] = PECAN_THREAD_WRITE_REGISTERS;
    for (unsigned i = 0; i < PECAN_THREAD_REGISTER_COUNT; i++)
        w[1 + i] = regs[i];
    return sys_call(thread, PECAN_PROTO_THREAD, 1 + PECAN_THREAD_REGISTER_COUNT, w, 0, 0);
}

static int simple(pecan_cap_t thread, pecan_word_t op)
{
    pecan_word_t w[] = { op };
    return sys_call(thread, PECAN_PROTO_THREAD, 1, w, 0, 0);
}

int pecan_thread_resume(pecan_cap_t thread)
{
    return simple(thread, PECAN_THREAD_RESUME);
}

int pecan_thread_start(pecan_cap_t thread, pecan_word_t pc, pecan_word_t sp, pecan_word_t arg)
{
    pecan_word_t w[] = { PECAN_THREAD_START, pc, sp, arg };
    return sys_call(thread, PECAN_PROTO_THREAD, 4, w, 0, 0);
}

int pecan_thread_suspend(pecan_cap_t thread)
{
    return simple(thread, PECAN_THREAD_SUSPEND);
}

int pecan_thread_set_priority(pecan_cap_t thread, unsigned priority)
{
    pecan_word_t w[] = { PECAN_THREAD_SET_PRIORITY, priority };
    return sys_call(thread, PECAN_PROTO_THREAD, 2, w, 0, 0);
}

int pecan_thread_set_mcp(pecan_cap_t thread, unsigned mcp)
{
    pecan_word_t w[] = { PECAN_THREAD_SET_MCP, mcp };
    return sys_call(thread, PECAN_PROTO_THREAD, 2, w, 0, 0);
}
