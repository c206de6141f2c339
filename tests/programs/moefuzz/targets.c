/* SPDX-License-Identifier: MIT */
/*
 * moefuzz's kinds of targets (fuzz.h): the protocol each kind of moe object speaks and
 * the names the parties give their objects on the board ("w<index>.<kind>").
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
#include "fuzz.h"

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
