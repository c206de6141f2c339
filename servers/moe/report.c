/* SPDX-License-Identifier: MIT */
/*
 * moe's memory report: per factory (a client and what it made), the RAM and kernel
 * objects held against its quota, and moe's totals. FACTORY REPORT logs it; moe logs a
 * client's line when it exits.
 * The factories come from factory.c's list of every live one.
 */
#include "moe.h"

void report_factory(struct factory *f)
{
    struct quota *q = factory_quota(f);
    moe_log("  %s: %u of %u KiB, %u blocks", factory_name(f), (unsigned)(q->used / 1024),
            (unsigned)(q->limit / 1024), (unsigned)q->objects);
}

void report_log(void)
{
    moe_log("memory: %u KiB free of %u KiB; %u objects served; %u slots free",
            (unsigned)(memory_free_bytes() / 1024), (unsigned)(memory_total_bytes() / 1024),
            moe_server.count, moe_slot_free_count());
    for (struct factory *f = factory_next(0); f; f = factory_next(f))
        report_factory(f);
}
