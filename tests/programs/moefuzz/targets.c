/* SPDX-License-Identifier: MIT */
/*
 * moefuzz's kinds of targets (fuzz.h): the protocol each kind of moe object speaks, the
 * names the parties give their objects on the board ("w<index>.<kind>"), asking an
 * object what it is (a board name may name anything: the fuzz registers there too), and
 * where the director's threads run.
 */
#include <string.h>
#include <pecan/protocol/dataspace.h>
#include <pecan/protocol/factory.h>
#include <pecan/protocol/iomem.h>
#include <pecan/protocol/namespace.h>
#include <pecan/protocol/parent.h>
#include <pecan/protocol/region_map.h>
#include <pecan/protocol/task.h>
#include <pecan/protocols.h>
#include <pecan/env.h>
#include <pecan/sys.h>
#include "fuzz.h"

#define PROBE_OPCODE 0xFFFFu         /* no protocol has it */
#define PROBE_TIMEOUT_US 500000u

static const struct {
    int protocol;
    const char *name;
} kinds[K_COUNT] = {
    [K_FACTORY] = { PECAN_PROTO_FACTORY, "factory" },
    [K_DATASPACE] = { PECAN_PROTO_DATASPACE, "ds" },
    [K_REGION_MAP] = { PECAN_PROTO_REGION_MAP, "rm" },
    [K_NAMESPACE] = { PECAN_PROTO_NAMESPACE, "ns" },
    [K_LOG] = { PECAN_PROTO_LOG, "log" },
    [K_TASK] = { PECAN_PROTO_TASK, "task" },
    [K_PARENT] = { PECAN_PROTO_PARENT, "parent" },
    [K_IOMEM] = { PECAN_PROTO_IOMEM, "iomem" },
};

int kind_protocol(enum kind k)
{
    return k < K_COUNT ? kinds[k].protocol : 0;
}

const char *kind_name(enum kind k)
{
    return k < K_COUNT ? kinds[k].name : "?";
}

enum kind kind_of_board_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return K_COUNT;
    for (unsigned k = 0; k < K_COUNT; k++)
        if (strcmp(dot + 1, kinds[k].name) == 0)
            return (enum kind)k;
    return K_COUNT;
}

/* An opcode no protocol has is answered ENOSYS (or a missing-right or too-short error)
 * by an object that speaks the label's protocol, EBADPROTO by one that does not. */
static bool speaks(pecan_cap_t cap, enum kind k)
{
    struct pecan_message m;
    m.tag = pecan_tag(kind_protocol(k), 1, 0);
    m.word[0] = PROBE_OPCODE;
    struct pecan_reply r = pecan_ipc_call(cap, &m, pecan_timeout_us(PROBE_TIMEOUT_US));
    return r.ipc_status == PECAN_IPC_OK && pecan_tag_label(r.tag) != -PECAN_EBADPROTO;
}

enum kind kind_identify(pecan_cap_t cap, enum kind named)
{
    if (named < K_COUNT && speaks(cap, named))
        return named;
    for (unsigned k = 0; k < K_COUNT; k++)
        if (k != named && speaks(cap, (enum kind)k))
            return (enum kind)k;
    return K_COUNT;
}

void fuzz_move_to_last_cpu(pecan_cap_t thread, unsigned priority)
{
    unsigned cpus = 1;
    pecan_sched_info(PECAN_ENV_SCHEDULER, &cpus, 0, 0);
    if (cpus > 1)
        pecan_sched_run_thread(PECAN_ENV_SCHEDULER, thread, priority, 1u << (cpus - 1), 0);
}
