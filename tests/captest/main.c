/* SPDX-License-Identifier: MIT */
/*
 * captest's runner: runs the UTEST cases in the order they are linked and prints TAP: the
 * plan, "ok"/"not ok" per case with "#" lines for failed expectations, and
 * "N passed, N failed" at the end. The exit status is 0 only if every case passed.
 * Command-line options of the boot image: captest=<prefix> runs only the cases whose
 * name starts with it; cases read their own (fuzz_seed=, fuzz_calls=) with
 * cmdline_number().
 */
#include <lib/format.h>
#include <lib/string.h>
#include <stdarg.h>
#include "captest.h"

extern const struct utest __utest_cases_start[], __utest_cases_end[];

const struct pecan_bootinfo *bootinfo;
static unsigned case_failures;

bool ut_failed(void)
{
    return case_failures != 0;
}

void ut_fail(const char *file, int line, const char *fmt, ...)
{
    char text[256];
    va_list args;
    va_start(args, fmt);
    format_string_va(text, sizeof(text), fmt, args);
    va_end(args);
    const char *base = file;
    for (const char *p = file; *p; p++) {
        if (*p == '/')
            base = p + 1;
    }
    pecan_printf("#   %s:%d: %s\n", base, line, text);
    case_failures++;
}

bool kernel_clean(const char *file, int line)
{
    pecan_word_t problems = 0;
    int err = pecan_debug_check(PECAN_ROOT_LOG, &problems);
    if (err || problems) {
        ut_fail(file, line, "invariant checker: %u problems (%s)", (unsigned)problems,
                err_name(err));
        return false;
    }
    return true;
}

/* The value of "name=" on the command line (copied to value), or false. */
bool cmdline_value(const char *name, char *value, unsigned size)
{
    unsigned length = strlen(name);
    for (const char *p = bootinfo->cmdline; *p; p++) {
        if ((p != bootinfo->cmdline && p[-1] != ' ') || strncmp(p, name, length) != 0 ||
            p[length] != '=')
            continue;
        unsigned n = 0;
        for (p += length + 1; *p && *p != ' ' && n + 1 < size; p++)
            value[n++] = *p;
        value[n] = 0;
        return true;
    }
    return false;
}

unsigned long cmdline_number(const char *name, unsigned long fallback)
{
    char text[16];
    if (!cmdline_value(name, text, sizeof(text)) || !text[0])
        return fallback;
    unsigned long n = 0;
    for (const char *p = text; *p >= '0' && *p <= '9'; p++)
        n = n * 10 + (unsigned long)(*p - '0');
    return n;
}

static bool selected(const struct utest *t, const char *filter)
{
    for (unsigned i = 0; filter[i]; i++) {
        if (t->name[i] != filter[i])
            return false;
    }
    return true;
}

/* Runs one case and the checks every case must pass afterwards. */
static bool run_case(const struct utest *t)
{
    case_failures = 0;
    alloc_case_begin();
    helper_case_begin();
    t->run();
    alloc_case_end();
    CHECK_CLEAN();
    return case_failures == 0;
}

int root_main(const struct pecan_bootinfo *info);

int root_main(const struct pecan_bootinfo *info)
{
    bootinfo = info;
    if (info->magic != PECAN_BOOTINFO_MAGIC) {
        pecan_printf("Bail out! bad boot-info magic\n");
        return 1;
    }
    char filter[48];
    if (!cmdline_value("captest", filter, sizeof(filter)))
        filter[0] = 0;
    alloc_init();
    unsigned planned = 0, number = 0, failed = 0;
    for (const struct utest *t = __utest_cases_start; t < __utest_cases_end; t++)
        planned += selected(t, filter);
    pecan_printf("captest: %u cases, first free slot %u\n", planned,
                 (unsigned)info->first_free_slot);
    pecan_printf("1..%u\n", planned);
    if (kernel_problems() != 0)
        pecan_printf("# the invariant checker reports problems before any case ran\n");
    for (const struct utest *t = __utest_cases_start; t < __utest_cases_end; t++) {
        if (!selected(t, filter))
            continue;
        bool ok = run_case(t);
        failed += !ok;
        pecan_printf("%s %u - %s\n", ok ? "ok" : "not ok", ++number, t->name);
    }
    pecan_printf("%u passed, %u failed\n", planned - failed, failed);
    return failed || planned == 0 ? 1 : 0;
}
