/* SPDX-License-Identifier: MIT */
/*
 * Every protocol number of Pecan, in one list: the kernel's objects, the runtime's, every
 * server's, and the labels of the messages the kernel sends itself. A request carries its
 * protocol number in the tag label (pecan/syscall.h); an object answers -PECAN_EBADPROTO
 * to a protocol it does not speak. This file owns the numbers and nothing else: each
 * protocol's operations stay in its own header (pecan/protocols.h for the kernel's,
 * pecan/protocol/<name>.h for the runtime's, pkg/<server>/<server>.h for a server's).
 *
 * The lists are X-macros so that one line is the only place a number is typed: it makes
 * the C name (PECAN_PROTO_<NAME> or PECAN_LABEL_<NAME>) and, through tools/gen-l4-abi at
 * build time, the name scripts use in ned (L4.Proto.<Lua name>, L4.Label.<Lua name>;
 * docs/ned.md). Lua names follow L4Re's L4.Proto where it has the protocol, so scripts
 * carry over.
 *
 * Adding a protocol:
 *   1. take the next free number of its server's block (PECAN_PROTOCOL_BLOCK_LIST); a new
 *      server takes the next free block of 16 and adds a line for it there;
 *   2. add a PROTOCOL(NAME, number, Lua_name) line to PECAN_PROTOCOL_LIST;
 *   3. include this header from the protocol's header and use PECAN_PROTO_<NAME>;
 *   4. add its row to the table in docs/abi.md ("Protocol numbers").
 * The build fails (tools/gen-l4-abi) if two protocols share a number or one lies outside
 * every block; the ned.abi test fails if a number is defined anywhere else.
 */
#ifndef PECAN_ABI_PROTOCOL_NUMBERS_H
#define PECAN_ABI_PROTOCOL_NUMBERS_H

/*
 * Who takes numbers where (a label is 16 bits, signed). Negative numbers follow L4Re's
 * kernel protocol numbers; FACTORY (-15) is among them though moe serves it, because
 * L4Re's kernel serves its factory. From 0x4000 on the runtime's, with L4Re's number
 * where L4Re has the protocol (0x4006 Event: the input events that input drivers and mag
 * serve; the number of L4Re's Goos, 0x4003, is left free: fb-drv and mag serve it in
 * their block under L4Re's Lua name). Servers get blocks of 16 from 0x4100 on; the
 * reserved ones belong to the services issue 14 plans, whose protocols go there when
 * they come. Numbers
 * in no block (1-0x3fff, 0x7000-0x7fff among them) are never a real protocol: tests send
 * them on gates of their own (tests/captest).
 *
 * BLOCK(NAME, first, last)
 */
#define PECAN_PROTOCOL_BLOCK_LIST(BLOCK)                                                       \
    BLOCK(KERNEL, -0x8000, -1)        /* the kernel's objects and kernel labels */             \
    BLOCK(NONE, 0, 0)                 /* no protocol: a plain IPC gate */                      \
    BLOCK(RUNTIME, 0x4000, 0x40ff)    /* moe and the runtime (l4re/) */                        \
    BLOCK(ECHO, 0x4100, 0x410f)       /* pkg/echo, the example server */                       \
    BLOCK(FRAMEBUFFER, 0x4110, 0x411f)  /* fb-drv; mag's sessions speak it too */            \
    BLOCK(INPUT, 0x4120, 0x412f)      /* reserved: input drivers (keyboard, mouse) */          \
    BLOCK(MAG, 0x4130, 0x413f)        /* reserved: mag, the window server's sessions */        \
    BLOCK(VNIC, 0x4140, 0x414f)       /* reserved: vnic, the virtual network card */           \
    BLOCK(BALANCER, 0x4150, 0x415f)   /* reserved: the user-level scheduler / balancer */      \
    BLOCK(TERMINAL, 0x4160, 0x416f)   /* reserved: the terminal */
/* The next free block: 0x4170. */

/*
 * The protocols. PROTOCOL(NAME, number, Lua_name): PECAN_PROTO_<NAME> in C,
 * L4.Proto.<Lua_name> in ned.
 */
#define PECAN_PROTOCOL_LIST(PROTOCOL)                                                          \
    /* the kernel's (operations in pecan/protocols.h) */                                       \
    PROTOCOL(IRQ, -1, Irq)                      /* IRQ handler */                              \
    PROTOCOL(GATE, -10, Gate)                   /* gate control (L4Re: L4_PROTO_KOBJECT) */    \
    PROTOCOL(THREAD, -12, Thread)               /* thread */                                   \
    PROTOCOL(LOG, -13, Log)                     /* the kernel log; moe's logs too */           \
    PROTOCOL(SCHEDULER, -14, Scheduler)                                                        \
    PROTOCOL(FACTORY, -15, Factory)             /* moe (pecan/protocol/factory.h) */           \
    PROTOCOL(NOTIFICATION, -20, Notification)                                                  \
    PROTOCOL(UNTYPED, -40, Untyped)                                                            \
    PROTOCOL(CNODE, -41, Cnode)                                                                \
    PROTOCOL(VSPACE, -42, Vspace)               /* address space */                            \
    PROTOCOL(PAGE_TABLE, -43, Page_table)                                                      \
    PROTOCOL(FRAME, -44, Frame)                                                                \
    PROTOCOL(IRQ_CONTROL, -45, Irq_control)                                                    \
    /* no protocol: a gate's messages carry its server's; a factory asked for it (ned's        \
       L4.Proto.Ipc_gate, as in L4Re) makes a plain IPC gate */                                \
    PROTOCOL(NONE, 0, Ipc_gate)                                                                \
    /* the runtime's (pecan/protocol/<name>.h) */                                              \
    PROTOCOL(DATASPACE, 0x4000, Dataspace)                                                     \
    PROTOCOL(NAMESPACE, 0x4001, Namespace)                                                     \
    PROTOCOL(PARENT, 0x4002, Parent)                                                           \
    PROTOCOL(REGION_MAP, 0x4005, Rm)                                                           \
    PROTOCOL(EVENT, 0x4006, Event)              /* input events (pecan/protocol/event.h) */    \
    PROTOCOL(TASK, 0x4010, Task)                                                               \
    PROTOCOL(IOMEM, 0x4011, Iomem)                                                             \
    PROTOCOL(ICU, 0x4012, Icu)                                                                 \
    /* servers' (pkg/<server>/<server>.h) */                                                   \
    PROTOCOL(ECHO, 0x4100, Echo)                /* pkg/echo/echo.h */                          \
    PROTOCOL(FRAMEBUFFER, 0x4110, Goos)         /* pecan/protocol/framebuffer.h */

/*
 * Labels of the messages the kernel sends on a thread's behalf (to its pager and its
 * exception handler) and of a notification delivered by an open wait. They share the
 * numbers with the protocols: no protocol may take -2 or -5, and the notification's label
 * is the NOTIFICATION protocol's number on purpose. LABEL(NAME, number, Lua_name):
 * PECAN_LABEL_<NAME> in C, L4.Label.<Lua_name> in ned.
 */
#define PECAN_KERNEL_LABEL_LIST(LABEL)                                                         \
    LABEL(PAGE_FAULT, -2, Page_fault)       /* w0 address | write 2 | exec 4, w1 pc */         \
    LABEL(EXCEPTION, -5, Exception)         /* w0 kind, w1-w17 r0-r12 sp lr pc cpsr */         \
    LABEL(NOTIFICATION, PECAN_PROTO_NOTIFICATION, Notification)   /* w0 the bits */

enum pecan_protocol {
#define PECAN_PROTOCOL_ENUMERATOR(name, number, lua_name) PECAN_PROTO_##name = (number),
    PECAN_PROTOCOL_LIST(PECAN_PROTOCOL_ENUMERATOR)
#undef PECAN_PROTOCOL_ENUMERATOR
};

enum pecan_kernel_label {
#define PECAN_LABEL_ENUMERATOR(name, number, lua_name) PECAN_LABEL_##name = (number),
    PECAN_KERNEL_LABEL_LIST(PECAN_LABEL_ENUMERATOR)
#undef PECAN_LABEL_ENUMERATOR
};

#endif
