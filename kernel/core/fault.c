/* SPDX-License-Identifier: MIT */
/*
 * Faults of user threads (include/core/fault.h) become messages: a page fault goes to the
 * thread's pager, an exception (undefined instruction, alignment, unknown system call) to
 * its exception handler (or the pager if it has none), as a call made by the kernel on
 * the thread's behalf. The reply resumes the thread: after mapping what the pager sent
 * (page fault) or with the registers the handler sent back (exception). A negative reply
 * label, or no handler at all, stops the thread.
 */
#include <core/console.h>
#include <core/fault.h>
#include <core/ipc.h>
#include <core/mapping_db.h>
#include <object/vspace.h>

unsigned long user_faults;

static const char *const kind_names[] = {
    [FAULT_PAGE_READ] = "read page fault",
    [FAULT_PAGE_WRITE] = "write page fault",
    [FAULT_PREFETCH] = "instruction fetch fault",
    [FAULT_UNDEFINED_INSTRUCTION] = "undefined instruction",
    [FAULT_ALIGNMENT] = "alignment fault",
};

static bool is_page_fault(unsigned kind)
{
    return kind == FAULT_PAGE_READ || kind == FAULT_PAGE_WRITE || kind == FAULT_PREFETCH;
}

static void stop(struct thread *thread, const char *why)
{
    kprintf("fault: thread %p: %s at %08lx (pc %08lx, status %03lx): %s, thread stopped\n",
            (void *)thread, kind_names[thread->fault_kind], (unsigned long)thread->fault_address,
            (unsigned long)thread->context.pc, (unsigned long)thread->fault_status, why);
    if (thread->state != THREAD_RUNNABLE) {
        /* Its fault call has ended (refused, handler gone, timed out) and left every IPC
         * relation: it was not in a system call, so no IPC status may overwrite the
         * registers it faulted with (thread_suspend would cancel it as if it were). */
        thread->ipc_flags = 0;
        thread->state = THREAD_INACTIVE;
    }
    thread_suspend(thread);
}

void fault_handle(struct thread *thread, const struct fault *fault)
{
    user_faults++;
    thread->fault_kind = (uint8_t)fault->kind;
    thread->fault_address = fault->address;
    thread->fault_status = fault->status;
    struct cte *handler = &thread->slots[THREAD_SLOT_PAGER];
    if (!is_page_fault(fault->kind) &&
        thread->slots[THREAD_SLOT_EXCEPTION_HANDLER].cap.type == CAP_GATE)
        handler = &thread->slots[THREAD_SLOT_EXCEPTION_HANDLER];
    const char *refused = ipc_fault_call(thread, handler);
    if (refused)
        stop(thread, refused);
}

unsigned fault_message(const struct thread *thread, word_t *words, int *label)
{
    if (is_page_fault(thread->fault_kind)) {
        *label = PECAN_LABEL_PAGE_FAULT;
        words[0] = (thread->fault_address & ~7u) |
                   (thread->fault_kind == FAULT_PAGE_WRITE ? PECAN_PAGE_FAULT_WRITE : 0) |
                   (thread->fault_kind == FAULT_PREFETCH ? PECAN_PAGE_FAULT_EXECUTE : 0);
        words[1] = thread->context.pc;
        return 2;
    }
    *label = PECAN_LABEL_EXCEPTION;
    words[0] = thread->fault_kind == FAULT_ALIGNMENT ? PECAN_EXCEPTION_ALIGNMENT
                                                     : PECAN_EXCEPTION_UNDEFINED;
    const word_t *regs = thread->context.r;
    for (unsigned i = 0; i < PECAN_THREAD_REGISTER_COUNT; i++)
        words[1 + i] = i < 13 ? regs[i] : (&thread->context.sp)[i - 13];
    return 1 + PECAN_THREAD_REGISTER_COUNT;
}

static word_t reply_word(const struct thread *handler, unsigned i)
{
    if (i < PECAN_MSG_REGISTERS)
        return handler->context.r[3 + i];
    const struct pecan_utcb *u = thread_utcb(handler);
    return u ? u->message[i] : 0;
}

/* The pager's reply maps pages at the faulting address: each memory item's pages land in
 * a window the size of the item, around the fault. */
static void map_reply_items(struct thread *thread, struct thread *pager, pecan_tag_t tag)
{
    unsigned words = pecan_tag_words(tag), items = pecan_tag_items(tag);
    for (unsigned i = 0; i < items && words + 2 * i + 1 < PECAN_MSG_MAX_WORDS; i++) {
        word_t w0 = reply_word(pager, words + 2 * i), w1 = reply_word(pager, words + 2 * i + 1);
        if ((w0 & PECAN_ITEM_KIND_MASK) != PECAN_ITEM_MAP)
            continue;
        /* The order as mapping_db_map_item reads it; an order it refuses fails there. */
        unsigned order = (w0 >> PECAN_ITEM_ORDER_SHIFT) & 0xff;
        vaddr_t window = thread->fault_address & ~((order >= 32 ? 0 : (1u << order)) - 1);
        vaddr_t at;
        int err = mapping_db_map_item(pager, thread, w0, w1, window, order, &at);
        if (err)
            kprintf("fault: pager's mapping for %08lx failed (%d)\n",
                    (unsigned long)thread->fault_address, err);
    }
}

static void set_registers(struct thread *thread, const struct thread *handler)
{
    word_t *regs = thread->context.r;
    for (unsigned i = 0; i < PECAN_THREAD_REGISTER_COUNT - 1; i++) {
        word_t v = reply_word(handler, i);
        if (i < 13)
            regs[i] = v;
        else
            (&thread->context.sp)[i - 13] = v;
    }
    word_t cpsr = reply_word(handler, PECAN_THREAD_REGISTER_COUNT - 1);
    thread->context.cpsr = (cpsr & 0xF80F0220u) | 0x10u;   /* user mode, flags only */
}

void fault_reply(struct thread *thread, struct thread *handler)
{
    pecan_tag_t tag = handler->context.r[1];
    if (pecan_tag_label(tag) < 0) {
        stop(thread, "handler refused it");
        return;
    }
    if (is_page_fault(thread->fault_kind))
        map_reply_items(thread, handler, tag);
    else if (pecan_tag_words(tag) >= PECAN_THREAD_REGISTER_COUNT)
        set_registers(thread, handler);
    sched_enqueue(thread);   /* retries the instruction, or goes on where the handler says */
}

void fault_unhandled(struct thread *thread, word_t status)
{
    (void)status;
    stop(thread, "its handler is gone or timed out");
}
