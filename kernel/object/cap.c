/* SPDX-License-Identifier: MIT */
/* Facts about capabilities of every type: names, and the memory their objects occupy. */
#include <arch/memory.h>
#include <object/cap.h>
#include <object/gate.h>
#include <object/notification.h>
#include <object/thread.h>
#include <object/untyped.h>
#include <object/vspace.h>

static const char *const type_names[CAP_TYPE_COUNT] = {
    [CAP_NULL] = "null", [CAP_UNTYPED] = "untyped", [CAP_THREAD] = "thread",
    [CAP_GATE] = "gate", [CAP_NOTIFICATION] = "notification", [CAP_CNODE] = "cnode",
    [CAP_VSPACE] = "vspace", [CAP_PAGE_TABLE] = "page table", [CAP_FRAME] = "frame",
    [CAP_IRQ_CONTROL] = "irq control", [CAP_IRQ_HANDLER] = "irq handler",
    [CAP_LOG] = "log", [CAP_SCHEDULER] = "scheduler", [CAP_ZOMBIE] = "zombie",
};

const char *cap_type_name(unsigned type)
{
    return type < CAP_TYPE_COUNT && type_names[type] ? type_names[type] : "?";
}

size_t cap_object_size(const struct capability *cap)
{
    switch (cap->type) {
    case CAP_UNTYPED:
    case CAP_FRAME: return (size_t)1 << cap->size_bits;
    case CAP_THREAD: return (size_t)1 << THREAD_SIZE_BITS;
    case CAP_GATE: return (size_t)1 << GATE_SIZE_BITS;
    case CAP_NOTIFICATION: return (size_t)1 << NOTIFICATION_SIZE_BITS;
    case CAP_CNODE: return (size_t)1 << (cap->size_bits + CTE_SIZE_BITS);
    case CAP_VSPACE: return (size_t)1 << VSPACE_SIZE_BITS;
    case CAP_PAGE_TABLE: return (size_t)1 << PAGE_TABLE_SIZE_BITS;
    default: return 0;
    }
}

paddr_t cap_object_phys(const struct capability *cap)
{
    if (cap->type == CAP_UNTYPED || cap->type == CAP_FRAME)
        return cap->object;    /* these two carry the physical address itself */
    if (cap_object_size(cap) == 0)
        return 0;
    return virt_to_phys((const void *)(uintptr_t)cap->object);
}
