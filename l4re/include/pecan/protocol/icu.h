/* SPDX-License-Identifier: MIT */
/*
 * The ICU protocol (interrupt control unit, after L4Re's Icu): interrupt lines for drivers
 * (docs/drivers.md). An ICU object covers a range of IRQ numbers (the board's numbering:
 * on the RealView EB, 32-63 are MPCore GIC IDs and 64 + n is board line n through the
 * board GIC1 cascade). moe holds the kernel's IRQ control capability and registers the
 * root ICU, which covers every number the kernel has, as "icu" for its init program; VIEW
 * makes an ICU covering a part of it, so a boot script gives a driver exactly its lines.
 *
 * GET hands out the kernel's IRQ handler capability for a line (the IRQ protocol of
 * docs/abi.md: BIND to a notification the driver owns, ACK, UNBIND), so the driver talks
 * to the kernel directly on every interrupt. A line has one driver at a time: GET first
 * takes back every handler capability moe handed out for that line (and unbinds it), so
 * the last GET wins; a restarted driver gets its line back whatever its predecessor left.
 *
 * Costs: VIEW carries a moe FACTORY capability with WRITE that pays for the new object's
 * record and gate (errors as IOMEM's); the view goes with that factory or when its last
 * client copy goes. GET costs nothing: moe keeps one handler capability per line, for
 * every line at most once, whoever asks.
 *
 * Rights: GET and VIEW need the object right WRITE (-PECAN_EPERM); INFO needs none. The
 * handler capability arrives with WRITE and GRANT.
 *
 * Checks, in order: words (-PECAN_EMSGTOOSHORT), WRITE, the lines (-PECAN_EINVAL: no line;
 * -PECAN_ERANGE: outside the object's range, or, for GET, a line the kernel keeps for
 * itself or does not have), then the factory (VIEW).
 */
#ifndef PECAN_PROTOCOL_ICU_H
#define PECAN_PROTOCOL_ICU_H

#include <pecan/protocol_numbers.h>   /* PECAN_PROTO_ICU */

enum pecan_icu_op {
    PECAN_ICU_GET = 0,    /* w1 IRQ number -> item: the kernel's IRQ handler capability */
    PECAN_ICU_VIEW = 1,   /* w1 first IRQ number, w2 count (inside the object's range),
                             item: the factory that pays -> item: an ICU covering them */
    PECAN_ICU_INFO = 2,   /* -> w0 first IRQ number, w1 count covered */
};

#endif
