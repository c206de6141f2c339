/* SPDX-License-Identifier: MIT */
/*
 * What the system call's assembly (arch/armv6/syscall.S) knows about the kernel's C
 * structures: the byte offset of every field it reads or writes (OFFSET_<struct>_<field>)
 * and every constant it compares with (VALUE_<C name>). Plain numbers, so the assembler
 * can use them. The C half below checks each one against the C definition at compile
 * time (arch/armv6/trap.c includes this header), so a change to a structure fails the
 * build instead of breaking the fast path.
 */
#ifndef PECAN_ARCH_SYSCALL_LAYOUT_H
#define PECAN_ARCH_SYSCALL_LAYOUT_H

/* struct cpu (core/cpu.h) */
#define OFFSET_CPU_KERNEL_STACK_TOP 0
#define OFFSET_CPU_INDEX 4
#define OFFSET_CPU_EXECUTING 56
#define OFFSET_CPU_ACTIVE_VSPACE 64
#define OFFSET_CPU_RUN_QUEUE 68
#define OFFSET_CPU_ASID_MARKS 72
/* cpu->asid_marks[asid << ASID_MARKS_SHIFT] is this CPU's byte in the ASID's mask. */
#define ASID_MARKS_SHIFT 2

/* struct run_queue (core/sched.h) */
#define OFFSET_RUN_QUEUE_CURRENT 0
#define OFFSET_RUN_QUEUE_HIGHEST 4

/* struct kernel_lock (core/kernel_lock.h): the lock word */
#define OFFSET_KERNEL_LOCK_WORD 0

/* struct capability (object/cap.h). Its first word holds type, rights, flags and
 * size_bits in bytes 0-3, so one load gets all four. */
#define OFFSET_CAPABILITY_OBJECT 4
#define OFFSET_CAPABILITY_BADGE 8
#define OFFSET_CAPABILITY_EXTRA 12
#define CAPABILITY_TYPE_MASK 0xff
#define CAPABILITY_RIGHTS_SHIFT 8
#define CAPABILITY_SIZE_BITS_SHIFT 24
#define SLOT_SIZE_BITS 5                       /* sizeof(struct cte) == 1 << 5 */

/* struct gate (object/gate.h), struct notification (object/notification.h) */
#define OFFSET_GATE_BOUND_THREAD 0
#define OFFSET_NOTIFICATION_BITS 0

/* struct thread (object/thread.h) */
#define OFFSET_THREAD_CSPACE_CAP 0             /* slots[THREAD_SLOT_CSPACE].cap */
#define OFFSET_THREAD_VSPACE_CAP 32            /* slots[THREAD_SLOT_VSPACE].cap */
#define OFFSET_THREAD_CONTEXT 160
#define OFFSET_THREAD_CONTEXT_PC 220           /* context.pc: sp_svc after the entry */
#define OFFSET_THREAD_UTCB_VADDR 228
#define OFFSET_THREAD_STATE 232
#define OFFSET_THREAD_PRIORITY 233
#define OFFSET_THREAD_CPU 234
#define OFFSET_THREAD_SENDERS_HEAD 260
#define OFFSET_THREAD_RECEIVE_GATE 276
#define OFFSET_THREAD_REPLY_TO 280
#define OFFSET_THREAD_REPLY_FROM 284
#define OFFSET_THREAD_BOUND_NOTIFICATION 292
#define OFFSET_THREAD_IPC_FLAGS 296
#define OFFSET_THREAD_TIMEOUT_AT 312           /* 64 bits: low word first */

/* struct vspace (object/vspace.h): the page directory's ASID entry (asid << 2) */
#define OFFSET_VSPACE_ASID_ENTRY 0x2ffc
#define VSPACE_ASID_ENTRY_SHIFT 2

/* Constants */
#define VALUE_CAP_GATE 3
#define VALUE_CAP_CNODE 5
#define VALUE_CAP_VSPACE 6
#define VALUE_THREAD_RUNNABLE 1
#define VALUE_THREAD_BLOCKED_RECEIVE 4
#define VALUE_THREAD_BLOCKED_REPLY 5
#define VALUE_IPC_FLAG_FAULT 0x2
#define VALUE_IPC_FLAG_OPEN 0x4
#define VALUE_PECAN_OP_CALL 0x3
#define VALUE_PECAN_OP_REPLY_WAIT 0xf
#define VALUE_PECAN_MSG_REGISTERS 6
#define VALUE_PECAN_PROTO_GATE (-10)
#define VALUE_PECAN_RIGHT_WRITE 0x1
#define VALUE_PECAN_IPC_OK 0
/* Message tag: words in bits 0-5, items in bits 6-11, flags in bits 12-15, the label in
 * bits 16-31 (pecan/syscall.h). */
#define TAG_FLAGS_MASK 0xf000

#ifndef __ASSEMBLER__
#include <core/cpu.h>
#include <core/kernel_lock.h>
#include <core/sched.h>
#include <object/gate.h>
#include <object/notification.h>
#include <object/thread.h>
#include <object/vspace.h>
#include <pecan/errors.h>
#include <pecan/protocols.h>
#include <pecan/syscall.h>

#define SYSCALL_LAYOUT_CHECK(value, c_value) \
    _Static_assert((value) == (c_value), #value " matches the C definition")

SYSCALL_LAYOUT_CHECK(OFFSET_CPU_KERNEL_STACK_TOP, __builtin_offsetof(struct cpu, kernel_stack_top));
SYSCALL_LAYOUT_CHECK(OFFSET_CPU_INDEX, __builtin_offsetof(struct cpu, index));
SYSCALL_LAYOUT_CHECK(OFFSET_CPU_EXECUTING, __builtin_offsetof(struct cpu, executing));
SYSCALL_LAYOUT_CHECK(OFFSET_CPU_ACTIVE_VSPACE, __builtin_offsetof(struct cpu, active_vspace));
SYSCALL_LAYOUT_CHECK(OFFSET_CPU_RUN_QUEUE, __builtin_offsetof(struct cpu, run_queue));
SYSCALL_LAYOUT_CHECK(OFFSET_CPU_ASID_MARKS, __builtin_offsetof(struct cpu, asid_marks));
SYSCALL_LAYOUT_CHECK(1u << ASID_MARKS_SHIFT, CONFIG_MAX_CPUS);

SYSCALL_LAYOUT_CHECK(OFFSET_RUN_QUEUE_CURRENT, __builtin_offsetof(struct run_queue, current));
SYSCALL_LAYOUT_CHECK(OFFSET_RUN_QUEUE_HIGHEST, __builtin_offsetof(struct run_queue, highest));
SYSCALL_LAYOUT_CHECK(OFFSET_KERNEL_LOCK_WORD, __builtin_offsetof(struct kernel_lock, lock.locked));

SYSCALL_LAYOUT_CHECK(0, __builtin_offsetof(struct capability, type));
SYSCALL_LAYOUT_CHECK(CAPABILITY_RIGHTS_SHIFT / 8, __builtin_offsetof(struct capability, rights));
SYSCALL_LAYOUT_CHECK(CAPABILITY_SIZE_BITS_SHIFT / 8,
                     __builtin_offsetof(struct capability, size_bits));
SYSCALL_LAYOUT_CHECK(OFFSET_CAPABILITY_OBJECT, __builtin_offsetof(struct capability, object));
SYSCALL_LAYOUT_CHECK(OFFSET_CAPABILITY_BADGE, __builtin_offsetof(struct capability, badge));
SYSCALL_LAYOUT_CHECK(OFFSET_CAPABILITY_EXTRA, __builtin_offsetof(struct capability, extra));
SYSCALL_LAYOUT_CHECK(1u << SLOT_SIZE_BITS, sizeof(struct cte));

SYSCALL_LAYOUT_CHECK(OFFSET_GATE_BOUND_THREAD,
                     __builtin_offsetof(struct gate, bound_thread));
SYSCALL_LAYOUT_CHECK(OFFSET_NOTIFICATION_BITS, __builtin_offsetof(struct notification, bits));

SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_CSPACE_CAP,
                     __builtin_offsetof(struct thread, slots[THREAD_SLOT_CSPACE].cap));
SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_VSPACE_CAP,
                     __builtin_offsetof(struct thread, slots[THREAD_SLOT_VSPACE].cap));
SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_CONTEXT, __builtin_offsetof(struct thread, context));
SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_CONTEXT_PC, __builtin_offsetof(struct thread, context.pc));
SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_UTCB_VADDR, __builtin_offsetof(struct thread, utcb_vaddr));
SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_STATE, __builtin_offsetof(struct thread, state));
SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_PRIORITY, __builtin_offsetof(struct thread, priority));
SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_CPU, __builtin_offsetof(struct thread, cpu));
SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_SENDERS_HEAD, __builtin_offsetof(struct thread, senders_head));
SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_RECEIVE_GATE, __builtin_offsetof(struct thread, receive_gate));
SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_REPLY_TO, __builtin_offsetof(struct thread, reply_to));
SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_REPLY_FROM, __builtin_offsetof(struct thread, reply_from));
SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_BOUND_NOTIFICATION,
                     __builtin_offsetof(struct thread, bound_notification));
SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_IPC_FLAGS, __builtin_offsetof(struct thread, ipc_flags));
SYSCALL_LAYOUT_CHECK(OFFSET_THREAD_TIMEOUT_AT, __builtin_offsetof(struct thread, timeout_at));

SYSCALL_LAYOUT_CHECK(OFFSET_VSPACE_ASID_ENTRY, __builtin_offsetof(struct vspace, pd[VSPACE_META_ASID]));
SYSCALL_LAYOUT_CHECK(sizeof(((struct capability *)0)->type), 1);
SYSCALL_LAYOUT_CHECK(sizeof(((struct thread *)0)->state), 1);
SYSCALL_LAYOUT_CHECK(sizeof(((struct thread *)0)->ipc_flags), 1);

SYSCALL_LAYOUT_CHECK(VALUE_CAP_GATE, CAP_GATE);
SYSCALL_LAYOUT_CHECK(VALUE_CAP_CNODE, CAP_CNODE);
SYSCALL_LAYOUT_CHECK(VALUE_CAP_VSPACE, CAP_VSPACE);
SYSCALL_LAYOUT_CHECK(VALUE_THREAD_RUNNABLE, THREAD_RUNNABLE);
SYSCALL_LAYOUT_CHECK(VALUE_THREAD_BLOCKED_RECEIVE, THREAD_BLOCKED_RECEIVE);
SYSCALL_LAYOUT_CHECK(VALUE_THREAD_BLOCKED_REPLY, THREAD_BLOCKED_REPLY);
SYSCALL_LAYOUT_CHECK(VALUE_IPC_FLAG_FAULT, IPC_FLAG_FAULT);
SYSCALL_LAYOUT_CHECK(VALUE_IPC_FLAG_OPEN, IPC_FLAG_OPEN);
SYSCALL_LAYOUT_CHECK(VALUE_PECAN_OP_CALL, PECAN_OP_CALL);
SYSCALL_LAYOUT_CHECK(VALUE_PECAN_OP_REPLY_WAIT, PECAN_OP_REPLY_WAIT);
SYSCALL_LAYOUT_CHECK(VALUE_PECAN_MSG_REGISTERS, PECAN_MSG_REGISTERS);
SYSCALL_LAYOUT_CHECK(VALUE_PECAN_PROTO_GATE, PECAN_PROTO_GATE);
SYSCALL_LAYOUT_CHECK(VALUE_PECAN_RIGHT_WRITE, PECAN_RIGHT_WRITE);
SYSCALL_LAYOUT_CHECK(VALUE_PECAN_IPC_OK, PECAN_IPC_OK);
#endif

#endif
