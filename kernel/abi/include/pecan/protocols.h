/* SPDX-License-Identifier: MIT */
/*
 * Protocols the kernel's objects speak: the protocol number goes in the tag label, the
 * opcode in message word 0, the arguments in the words after it. Tables with arguments,
 * results and errors are in docs/abi.md. A user server may implement any of these
 * protocols; its clients cannot tell. The numbers themselves, and the labels of the
 * messages the kernel sends, are in pecan/protocol_numbers.h with every other protocol's.
 */
#ifndef PECAN_ABI_PROTOCOLS_H
#define PECAN_ABI_PROTOCOLS_H

#include <pecan/protocol_numbers.h>

/* Rights: at most four bits on a capability. */
#define PECAN_RIGHT_WRITE 0x1u   /* modify: write a frame, send to a gate, signal, configure */
#define PECAN_RIGHT_GRANT 0x2u   /* the capability may be copied, minted, moved or sent on */
#define PECAN_RIGHT_READ 0x4u    /* use: read a frame, receive, wait, read registers */
#define PECAN_RIGHT_REVOKE 0x8u  /* may revoke (delete everything derived from it) */
#define PECAN_RIGHTS_ALL 0xFu

/* Object types for untyped retype. */
enum pecan_object_type {
    PECAN_OBJ_UNTYPED = 1,       /* size_bits: 4 KiB (12) up to the parent's size */
    PECAN_OBJ_THREAD = 2,
    PECAN_OBJ_GATE = 3,          /* IPC gate */
    PECAN_OBJ_NOTIFICATION = 4,
    PECAN_OBJ_CNODE = 5,         /* size_bits: log2 of the slot count, 1..16 */
    PECAN_OBJ_VSPACE = 6,        /* ARMv6 page directory, 16 KiB */
    PECAN_OBJ_PAGE_TABLE = 7,
    PECAN_OBJ_FRAME = 8,         /* size_bits: 12 (4 KiB), 16 (64 KiB) or 20 (1 MiB) */
    PECAN_OBJ_TYPE_COUNT,
};

/* The words of the messages the kernel sends on behalf of a thread (their labels,
 * PECAN_LABEL_*, are in pecan/protocol_numbers.h). */
#define PECAN_PAGE_FAULT_WRITE 0x2u        /* PAGE_FAULT w0: the access was a write */
#define PECAN_PAGE_FAULT_EXECUTE 0x4u      /* PAGE_FAULT w0: an instruction fetch */
#define PECAN_EXCEPTION_UNDEFINED 1u       /* EXCEPTION w0: undefined instruction (pc at it) */
#define PECAN_EXCEPTION_ALIGNMENT 2u

/* IPC gate control (GATE protocol) */
enum pecan_gate_op {
    PECAN_GATE_BIND = 0x10,             /* thread cap: messages through the gate go to it */
    PECAN_GATE_INFO = 0x11,             /* -> bound (1/0), badge of the invoking cap,
                                           has clients (a derived copy exists: 1/0) */
    PECAN_GATE_SET_NO_CLIENTS = 0x12,   /* notification cap (0: cancel), bits: signalled
                                           when no copy derived from the invoking
                                           capability remains. One watch per gate, owned
                                           by that capability: EBUSY through any other
                                           except one derived from it (docs/abi.md) */
};

/* Untyped */
enum pecan_untyped_op {
    PECAN_UNTYPED_RETYPE = 0,    /* type, size_bits, count, dest cnode, dest offset */
    PECAN_UNTYPED_INFO = 1,      /* -> physical base, size_bits, is device */
};

/* CNode: slots are named (index, depth) relative to the invoked CNode, like seL4. */
enum pecan_cnode_op {
    PECAN_CNODE_COPY = 0,        /* dest index, depth, src root, src index, src depth, rights */
    PECAN_CNODE_MINT = 1,        /* ... as copy, then badge */
    PECAN_CNODE_MOVE = 2,        /* dest index, depth, src root, src index, src depth */
    PECAN_CNODE_DELETE = 3,      /* index, depth */
    PECAN_CNODE_REVOKE = 4,      /* index, depth */
    PECAN_CNODE_IDENTIFY = 5,    /* index, depth -> type, rights, badge, object id, depth */
};

/* Thread */
enum pecan_thread_op {
    PECAN_THREAD_CONFIGURE = 0,  /* cspace, vspace, utcb frame, utcb vaddr, pager, exc handler */
    PECAN_THREAD_READ_REGISTERS = 1,
    PECAN_THREAD_WRITE_REGISTERS = 2,
    PECAN_THREAD_RESUME = 3,
    PECAN_THREAD_SUSPEND = 4,
    PECAN_THREAD_SET_PRIORITY = 5,
    PECAN_THREAD_BIND_NOTIFICATION = 6,   /* notification cap (or 0): wakes its open waits */
    PECAN_THREAD_START = 7,      /* pc (bit 0: Thumb), sp[, r0]: set them and resume */
    PECAN_THREAD_SET_MCP = 8,    /* mcp: the highest priority the thread may hand out */
};
/* Pass as a capability argument of CONFIGURE to leave that setting as it is. */
#define PECAN_CAP_UNCHANGED 0xFFFFFFFFu
/* READ/WRITE_REGISTERS order: r0-r12, sp, lr, pc, cpsr. */
#define PECAN_THREAD_REGISTER_COUNT 17

/* Notification */
enum pecan_notification_op {
    PECAN_NOTIFICATION_SIGNAL = 0,  /* bits to OR in */
    PECAN_NOTIFICATION_WAIT = 1,    /* -> bits (blocks until some are set; clears them) */
    PECAN_NOTIFICATION_POLL = 2,    /* -> bits (never blocks; clears them) */
};

/* Address space */
enum pecan_vspace_op {
    PECAN_VSPACE_MAP_FRAME = 0,        /* frame cap, vaddr, rights, attributes */
    PECAN_VSPACE_UNMAP_FRAME = 1,      /* frame cap */
    PECAN_VSPACE_MAP_PAGE_TABLE = 2,   /* page table cap, vaddr */
    PECAN_VSPACE_UNMAP_PAGE_TABLE = 3, /* page table cap */
    PECAN_VSPACE_DONATE_PAGE_TABLE = 4,/* page table cap: goes into the pool */
    PECAN_VSPACE_REMAP_FRAME = 5,      /* frame cap, rights: change rights of a mapping */
    PECAN_VSPACE_INFO = 6,             /* -> asid, pool size, installed page tables */
    PECAN_VSPACE_UNMAP = 7,            /* vaddr, log2 size, flags: remove what was mapped
                                          from the range into other spaces (recursively) */
};
#define PECAN_UNMAP_OWN 0x1u              /* UNMAP flag: the range's own mappings go too */
#define PECAN_UNMAP_RESUME 0x2u           /* UNMAP flag: the kernel's restart of an interrupted
                                             UNMAP; bits 31-12 of the flags word are where
                                             it goes on (docs/abi.md) */
#define PECAN_MAP_READ 0x4u
#define PECAN_MAP_WRITE 0x2u
#define PECAN_MAP_EXECUTE 0x1u
#define PECAN_MAP_UNCACHED 0x10u          /* attribute: device / uncached memory */

/* Frame */
enum pecan_frame_op {
    PECAN_FRAME_INFO = 0,        /* -> physical address, size_bits, mapped vaddr (or ~0) */
};

/* Page table */
enum pecan_page_table_op {
    PECAN_PAGE_TABLE_INFO = 0,   /* -> installed vaddr (or ~0) */
};

/* IRQ control and IRQ handler */
enum pecan_irq_control_op {
    PECAN_IRQ_CONTROL_GET = 0,   /* irq number, dest cnode, dest offset -> handler cap */
};
enum pecan_irq_op {
    PECAN_IRQ_BIND = 0,          /* notification cap, bits */
    PECAN_IRQ_UNBIND = 1,
    PECAN_IRQ_ACK = 2,           /* unmask after handling */
};

/* Scheduler (a singleton; the root task gets it in PECAN_ROOT_SCHEDULER). CPU sets are
 * bitmasks: bit n is CPU n. Priorities 0 (lowest) to 255. A thread sets priorities (and
 * MCPs) up to its own MCP, its maximum controlled priority (docs/abi.md). */
enum pecan_scheduler_op {
    PECAN_SCHED_INFO = 0,        /* -> CPU count, online CPU mask, max priority */
    PECAN_SCHED_RUN_THREAD = 1,  /* thread cap, priority, CPU mask, quantum us (0: default):
                                    sets them and moves the thread (does not resume it) */
    PECAN_SCHED_IDLE_TIME = 2,   /* cpu -> ns idle since boot (low word, high word) */
    PECAN_SCHED_CPU = 3,         /* -> the CPU the caller runs on */
    PECAN_SCHED_THREAD_INFO = 4, /* thread cap -> its CPU, priority, quantum us, mcp */
};
#define PECAN_SCHED_DEFAULT_QUANTUM_US 10000u

/* The LOG protocol: the console (L4Re's Vcon). The kernel log, moe's log objects and a
 * terminal (pkg/term) all speak it, so a program cannot tell which console it has.
 * WRITE needs the object right WRITE; READ, BIND and SET_ATTR need READ (only the
 * console's reader takes its input or changes how it is read); GET_ATTR and WINDOW_SIZE
 * need no right. pecan/protocol/console.h gives the whole model. */
enum pecan_log_op {
    PECAN_LOG_WRITE = 0,         /* byte count, then the bytes packed in the following words */
    PECAN_LOG_READ = 1,          /* w1 most bytes wanted -> w0 bytes given (0: none waiting,
                                    never blocks), w1 bytes still waiting after these,
                                    the bytes packed from w2 */
    PECAN_LOG_BIND = 2,          /* w1 bits, item: a notification -> signalled with bits when
                                    input arrives; no item: unbind. Optional w2: bits
                                    signalled when the window size changes */
    PECAN_LOG_GET_ATTR = 3,      /* -> w0 input flags, w1 output flags, w2 local flags */
    PECAN_LOG_SET_ATTR = 4,      /* w1 input, w2 output, w3 local flags (PECAN_CONSOLE_*) */
    PECAN_LOG_WINDOW_SIZE = 5,   /* -> w0 rows, w1 columns (0, 0: not known) */
    PECAN_LOG_DEBUG_STATS = 100, /* -> kernel counters (debug and test builds) */
    PECAN_LOG_DEBUG_CHECK = 101, /* run the invariant checker -> 0 or the number of problems */
    PECAN_LOG_DEBUG_EXIT = 102,  /* power off with a status (test builds) */
    PECAN_LOG_DEBUG_CLOCK = 103, /* -> nanoseconds since boot (low word, high word) */
    PECAN_LOG_DEBUG_LOOKUP_BENCH = 104, /* cap index, iterations -> ns spent in lookups */
    PECAN_LOG_DEBUG_LATENCY = 105, /* 1: start measuring, 0: read -> longest kernel entry
                                      (ns low, high), its tag and word 0, entries measured */
};
#define PECAN_LOG_LOOKUP_BENCH_MAX 1024u   /* iterations of one DEBUG_LOOKUP_BENCH */
#define PECAN_LOG_READ_MAX ((PECAN_MSG_MAX_WORDS - 2) * 4)   /* bytes in one READ reply */

/* Console attributes (GET_ATTR, SET_ATTR): the termios flags a console keeps for its
 * reader, with the values of <termios.h> (l4re/include/termios.h uses these). The server
 * only stores them (unknown bits are dropped: SET_ATTR then GET_ATTR gives what the
 * console kept); the reader's runtime applies them (l4re/libc/console.c), as L4Re's
 * Vcon stream does. */
#define PECAN_CONSOLE_INLCR 0x040u    /* input: NL to CR */
#define PECAN_CONSOLE_IGNCR 0x080u    /* input: drop CR */
#define PECAN_CONSOLE_ICRNL 0x100u    /* input: CR to NL */
#define PECAN_CONSOLE_INPUT_FLAGS 0x1C0u
#define PECAN_CONSOLE_OPOST 0x001u    /* output: process (enables ONLCR) */
#define PECAN_CONSOLE_ONLCR 0x004u    /* output: NL to CR NL */
#define PECAN_CONSOLE_OUTPUT_FLAGS 0x005u
#define PECAN_CONSOLE_ISIG 0x001u     /* local: Ctrl-C, Ctrl-\ raise signals */
#define PECAN_CONSOLE_ICANON 0x002u   /* local: cooked, line at a time with editing */
#define PECAN_CONSOLE_ECHO 0x008u     /* local: echo what is typed */
#define PECAN_CONSOLE_ECHOE 0x010u    /* local: erase shows as backspace, space, backspace */
#define PECAN_CONSOLE_ECHOK 0x020u
#define PECAN_CONSOLE_ECHONL 0x040u
#define PECAN_CONSOLE_IEXTEN 0x8000u
#define PECAN_CONSOLE_LOCAL_FLAGS 0x807Bu
/* What a console starts with: cooked, echo, CR to NL in, NL to CR NL out. */
#define PECAN_CONSOLE_DEFAULT_INPUT PECAN_CONSOLE_ICRNL
#define PECAN_CONSOLE_DEFAULT_OUTPUT (PECAN_CONSOLE_OPOST | PECAN_CONSOLE_ONLCR)
#define PECAN_CONSOLE_DEFAULT_LOCAL (PECAN_CONSOLE_ISIG | PECAN_CONSOLE_ICANON | \
                                     PECAN_CONSOLE_ECHO | PECAN_CONSOLE_ECHOE | \
                                     PECAN_CONSOLE_ECHOK | PECAN_CONSOLE_IEXTEN)

#endif
