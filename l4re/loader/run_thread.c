/* SPDX-License-Identifier: MIT */
/*
 * loader_run_thread (pecan/loader.h): the system calls that start a program's main thread,
 * shared by the app models (moe's launch.c, the launcher). Apart from loader.c so the
 * portable part of the library builds on the host for its unit tests.
 */
#include <pecan/loader.h>
#include <pecan/sys.h>

#define CPSR_USER_ARM 0x10u

int loader_run_thread(pecan_cap_t tcb, pecan_cap_t scheduler, unsigned priority, uint32_t pc,
                      uint32_t sp, uint32_t r0)
{
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT] = { 0 };
    regs[0] = r0;
    regs[13] = sp;
    regs[15] = pc;
    regs[16] = CPSR_USER_ARM;
    int err = pecan_thread_write_registers(tcb, regs);
    if (!err)
        err = pecan_sched_run_thread(scheduler, tcb, priority, ~0u, 0);
    return err ? err : pecan_thread_resume(tcb);
}
