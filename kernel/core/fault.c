/* SPDX-License-Identifier: MIT */
/* User thread faults (include/core/fault.h). */
#include <console.h>
#include <core/fault.h>

unsigned long user_faults;

static const char *const kind_names[] = {
    [FAULT_PAGE_READ] = "read page fault",
    [FAULT_PAGE_WRITE] = "write page fault",
    [FAULT_PREFETCH] = "instruction fetch fault",
    [FAULT_UNDEFINED_INSTRUCTION] = "undefined instruction",
    [FAULT_ALIGNMENT] = "alignment fault",
};

void fault_handle(struct tcb *thread, const struct fault *fault)
{
    user_faults++;
    kprintf("fault: thread %p: %s at %08lx (pc %08lx, status %03lx): thread suspended\n",
            (void *)thread, kind_names[fault->kind], (unsigned long)fault->address,
            (unsigned long)thread->context.pc, (unsigned long)fault->status);
    tcb_suspend(thread);
}
