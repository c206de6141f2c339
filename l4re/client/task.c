/* SPDX-License-Identifier: MIT */
/* TASK protocol client (pecan/task.h). */
#include <stdio.h>
#include <pecan/task.h>
#include "client_call.h"

int pecan_task_create_thread(pecan_cap_t task, pecan_word_t utcb, pecan_cap_t dest)
{
    struct pecan_message m;
    m.word[0] = PECAN_TASK_CREATE_THREAD;
    m.word[1] = utcb;
    pecan_receive_caps(&dest, 1);
    int err = client_call(task, PECAN_PROTO_TASK, &m, 2, 0);
    if (!err && pecan_tag_items(m.tag) < 1)
        return -PECAN_EMSGTOOSHORT;
    return err;
}

int pecan_task_destroy_thread(pecan_cap_t task, pecan_cap_t thread)
{
    struct pecan_message m;
    m.word[0] = PECAN_TASK_DESTROY_THREAD;
    client_cap_item(&m.word[1], thread, PECAN_RIGHTS_ALL);
    return client_call(task, PECAN_PROTO_TASK, &m, 1, 1);
}

int pecan_task_terminate(pecan_cap_t task)
{
    struct pecan_message m;
    m.word[0] = PECAN_TASK_TERMINATE;
    return client_call(task, PECAN_PROTO_TASK, &m, 1, 0);
}

int pecan_task_info(pecan_cap_t task, pecan_word_t *threads, pecan_word_t *bytes)
{
    struct pecan_message m;
    m.word[0] = PECAN_TASK_INFO;
    int err = client_call(task, PECAN_PROTO_TASK, &m, 1, 0);
    if (err)
        return err;
    if (pecan_tag_words(m.tag) < 2)
        return -PECAN_EMSGTOOSHORT;
    if (threads)
        *threads = m.word[0];
    if (bytes)
        *bytes = m.word[1];
    return 0;
}

int pecan_task_fault(pecan_cap_t task, struct pecan_task_fault *fault)
{
    struct pecan_message m;
    m.word[0] = PECAN_TASK_FAULT;
    int err = client_call(task, PECAN_PROTO_TASK, &m, 1, 0);
    if (err)
        return err;
    if (pecan_tag_words(m.tag) < 4)
        return -PECAN_EMSGTOOSHORT;
    *fault = (struct pecan_task_fault){ .kind = m.word[0], .address = m.word[1],
                                        .pc = m.word[2], .why = m.word[3] };
    return 0;
}

void pecan_task_fault_text(const struct pecan_task_fault *f, char *text, size_t size)
{
    const char *kind = pecan_task_fault_kind_name(f->kind);
    if (!pecan_task_fault_has_address(f->kind))
        snprintf(text, size, "%s at pc %08lx", kind, (unsigned long)f->pc);
    else
        snprintf(text, size, "%s at %08lx, pc %08lx (%s)", kind, (unsigned long)f->address,
                 (unsigned long)f->pc, pecan_task_fault_why_text(f->why));
}
