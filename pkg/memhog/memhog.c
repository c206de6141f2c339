/* SPDX-License-Identifier: MIT */
/*
 * memhog: allocates memory in 64 KiB pieces (touching every page) until malloc fails,
 * prints how much it got, asks moe for its memory report, and exits 0 when the failure
 * was a clean out-of-memory. Started with a quota by conf/quota.lua.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pecan/factory.h>
#include <pecan/runtime.h>

#define PIECE 0x10000u

int main(void)
{
    unsigned long total = 0;
    for (;;) {
        char *p = malloc(PIECE);
        if (!p)
            break;
        memset(p, 0xA5, PIECE);
        total += PIECE;
    }
    struct pecan_factory_info info;
    int err = pecan_factory_info(PECAN_ENV_FACTORY, &info);
    printf("memhog: malloc failed after %lu KiB; quota %lu KiB, used %lu KiB\n", total / 1024,
           (unsigned long)info.quota / 1024, (unsigned long)info.used / 1024);
    pecan_factory_report(PECAN_ENV_FACTORY);
    return err == 0 && info.used <= info.quota ? 0 : 1;
}
