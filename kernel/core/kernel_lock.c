/* SPDX-License-Identifier: MIT */
/* The big kernel lock (include/core/kernel_lock.h) with its owner recorded for checks. */
#include <core/kernel_lock.h>
#include <cpu.h>
#include <panic.h>
#include <spinlock.h>

#define NO_OWNER 0xffffffffu

static struct spinlock big_lock = SPINLOCK_INIT;
static volatile uint32_t owner = NO_OWNER;

void kernel_lock_acquire(void)
{
    assert(owner != this_cpu_index());
    spin_lock(&big_lock);
    owner = this_cpu_index();
}

void kernel_lock_release(void)
{
    assert(owner == this_cpu_index());
    owner = NO_OWNER;
    spin_unlock(&big_lock);
}

bool kernel_lock_held_here(void)
{
    return owner == this_cpu_index();
}
