/* SPDX-License-Identifier: MIT */
/*
 * Time (newlib's _gettimeofday and _times): the kernel clock in the KIP, nanoseconds since
 * boot. There is no calendar clock yet, so the time of day counts from boot. The kernel
 * does not account CPU time per task; times() reports the time since the program started
 * as user time, which is what clock() then returns.
 */
#include <errno.h>
#include <pecan/kip.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>
#include "libc_internal.h"

int _gettimeofday(struct timeval *tv, void *tz);
clock_t _times(struct tms *buffer);

static uint64_t now_ns(void)
{
    return pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
}

int _gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    if (tv) {
        uint64_t ns = now_ns();
        tv->tv_sec = (time_t)(ns / 1000000000u);
        tv->tv_usec = (suseconds_t)(ns % 1000000000u / 1000u);
    }
    return 0;
}

clock_t _times(struct tms *buffer)
{
    uint64_t since_start = now_ns() - libc_start_ns;
    clock_t ticks = (clock_t)(since_start / (1000000000u / CLOCKS_PER_SEC));
    if (buffer) {
        buffer->tms_utime = ticks;
        buffer->tms_stime = 0;
        buffer->tms_cutime = 0;
        buffer->tms_cstime = 0;
    }
    return (clock_t)(now_ns() / (1000000000u / CLOCKS_PER_SEC));
}
