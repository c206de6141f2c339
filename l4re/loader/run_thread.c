/* SPDX-License-Identifier: MIT */
/*
 * loader_run_thread (pecan/loader.h): the system calls that start a program's main thread,
 * shared by the app models (moe's app_model.c, children.c). Apart from loader.c so the
 * portable part of the library builds on the host for its unit tests.
 */
#include <pecan/loader.h>
#include <pecan/sys.h>

/* The CPUs a main thread may start on: the programs' CPUs (pecan_sched_program_cpus), of
 * which the kernel takes the lowest for a new thread. A scheduler that does not answer
 * INFO (a proxy that serves RUN_THREAD only) gets every CPU and decides itself. */
static pecan_word_t main_thread_cpus(pecan_cap_t scheduler)
{
    pecan_word_t online = 0;
    if (pecan_sched_info(scheduler, 0, &online, 0) != 0 || !online)
        return ~(pecan_word_t)0;
    return pecan_sched_program_cpus(online);
}

int loader_run_thread(pecan_cap_t thread, pecan_cap_t scheduler, unsigned priority, unsigned mcp,
                      uint32_t pc, uint32_t sp, uint32_t r0)
{
    int err = pecan_sched_run_thread(scheduler, thread, priority, main_thread_cpus(scheduler), 0);
    if (!err)
        err = pecan_thread_set_mcp(thread, mcp);   /* before it runs: it never holds more */
    return err ? err : pecan_thread_start(thread, pc, sp, r0);
}
