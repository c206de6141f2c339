/* SPDX-License-Identifier: MIT */
/* TASK protocol client (pecan/task.h). */
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
