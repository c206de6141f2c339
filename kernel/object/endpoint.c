/* SPDX-License-Identifier: MIT */
/*
 * IPC gates (endpoints). A 32-byte object retyped from untyped. Its protocol, message
 * transfer and the queues of waiting threads arrive with the IPC issue; until then no
 * thread can wait on a gate, so destroying one has no references to remove.
 */
#include <core/delete.h>

void endpoint_destroy(struct capability *cap)
{
    (void)cap;
}
