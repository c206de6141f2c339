/* SPDX-License-Identifier: MIT */
/*
 * The self-test kernel's payload, chosen by the command line:
 *   ktest=<prefix>|all   run the matching KTEST cases, print TAP, power off 0 (all passed) or 1
 *   panic=<kind>         make the kernel fail on purpose, to test the panic path (status 3)
 *   bench                print "bench <name> <value> <unit>" lines (run under -icount)
 */
#include <boot/init.h>
#include <core/console.h>
#include <ktest.h>
#include <lib/cmdline.h>
#include <lib/string.h>
#include <plat.h>
#include "ktest_private.h"

extern const struct ktest_case __ktest_cases_start[], __ktest_cases_end[];

static bool selected(const struct ktest_case *c, const char *filter)
{
    return strcmp(filter, "all") == 0 || strncmp(c->name, filter, strlen(filter)) == 0;
}

static void __noreturn run_tests(const char *filter)
{
    unsigned planned = 0, number = 0, failed = 0;
    for (const struct ktest_case *c = __ktest_cases_start; c < __ktest_cases_end; c++)
        planned += selected(c, filter);
    kprintf("1..%u\n", planned);
    for (const struct ktest_case *c = __ktest_cases_start; c < __ktest_cases_end; c++) {
        if (!selected(c, filter))
            continue;
        number++;
        bool ok = c->run();
        failed += !ok;
        kprintf("%s %u - %s\n", ok ? "ok" : "not ok", number, c->name);
    }
    kprintf("%u passed, %u failed\n", planned - failed, failed);
    plat_poweroff(failed || planned == 0 ? EXIT_STATUS_TESTS_FAILED : EXIT_STATUS_SUCCESS);
}

static void __noreturn run_benchmarks(void)
{
    /* Under -icount shift=0 one nanosecond of guest time is one instruction (all CPUs). */
    kprintf("bench boot_to_cpus_online %llu instructions\n",
            (unsigned long long)boot_info.cpus_online_ns);
    plat_poweroff(EXIT_STATUS_SUCCESS);
}

void ktest_main(const char *cmdline)
{
    char value[64];
    if (cmdline_get(cmdline, "panic", value, sizeof(value)))
        ktest_trigger_panic(value);
    if (cmdline_has(cmdline, "bench"))
        run_benchmarks();
    if (!cmdline_get(cmdline, "ktest", value, sizeof(value)))
        memcpy(value, "all", 4);
    run_tests(value);
}
