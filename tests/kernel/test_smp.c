/* SPDX-License-Identifier: MIT */
/* All CPUs run: each reports in, runs work it is handed, and exclusive loads/stores
 * (ldrex/strex) on a shared counter add up exactly. */
#include <boot/init.h>
#include <core/cpu.h>
#include <core/smp.h>
#include <ktest.h>
#include <plat.h>

#define INCREMENTS_PER_CPU 200000u

KTEST(smp_every_cpu_online)
{
    KTEST_EXPECT_EQ(boot_info.cpus_online, plat_cpu_count());
    KTEST_EXPECT_EQ(smp_online_count(), plat_cpu_count());
    for (unsigned i = 0; i < plat_cpu_count(); i++)
        KTEST_EXPECT(cpus[i].online);
    return true;
}

static volatile uint32_t ran_on[CONFIG_MAX_CPUS];

static void record_cpu(void *arg)
{
    (void)arg;
    ran_on[this_cpu_index()] = cpu_read_mpidr() & 0xf;
    ran_on[this_cpu_index()] |= 0x100;
}

KTEST(smp_work_runs_on_each_cpu)
{
    for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++)
        ran_on[i] = 0;
    smp_run_on_cpus(smp_online_mask(), record_cpu, NULL);
    for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++) {
        if (smp_online_mask() & (1u << i))
            KTEST_EXPECT_EQ(ran_on[i], 0x100 | i);
        else
            KTEST_EXPECT_EQ(ran_on[i], 0);
    }
    return true;
}

static volatile uint32_t shared_counter;

static void increment_exclusively(void *arg)
{
    volatile uint32_t *counter = arg;
    for (uint32_t i = 0; i < INCREMENTS_PER_CPU; i++) {
        uint32_t value, failed;
        do {
            __asm__ volatile("ldrex %0, [%2]\n\t"
                             "add %0, %0, #1\n\t"
                             "strex %1, %0, [%2]"
                             : "=&r"(value), "=&r"(failed)
                             : "r"(counter)
                             : "memory");
        } while (failed);
    }
}

KTEST(smp_ldrex_strex_counter_exact)
{
    shared_counter = 0;
    smp_run_on_cpus(smp_online_mask(), increment_exclusively, (void *)&shared_counter);
    KTEST_EXPECT_EQ(shared_counter, INCREMENTS_PER_CPU * smp_online_count());
    return true;
}
