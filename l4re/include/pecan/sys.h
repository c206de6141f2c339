/* SPDX-License-Identifier: MIT */
/*
 * Client calls for the kernel's objects (l4re/sys/, one file per object). Each returns
 * 0 or a negative error (-PECAN_E* from the object, PECAN_IPC_ERROR(status) for an IPC
 * failure) and stores reply words where the caller asks. Protocols and arguments:
 * docs/abi.md.
 */
#ifndef PECAN_SYS_H
#define PECAN_SYS_H

#include <pecan/bootinfo.h>
#include <pecan/invoke.h>
#include <pecan/log.h>
#include <pecan/protocols.h>

/* Calls cap with protocol and n words (word 0 is the opcode); up to out_max reply words
 * are copied to out (may be NULL). The generic form every call below uses. */
int pecan_call(pecan_cap_t cap, int protocol, unsigned n, const pecan_word_t *words,
               pecan_word_t *out, unsigned out_max);

/* Untyped */
int pecan_untyped_retype(pecan_cap_t untyped, unsigned type, unsigned size_bits, unsigned count,
                         pecan_cap_t dest_cnode, pecan_word_t dest_offset);
int pecan_untyped_info(pecan_cap_t untyped, pecan_word_t *base, unsigned *size_bits,
                       int *is_device, int *is_leaf);

/* CNode: dest (index, depth) inside cnode, src (index, depth) inside src_cnode. */
int pecan_cnode_copy(pecan_cap_t cnode, pecan_word_t dest, unsigned dest_depth,
                     pecan_cap_t src_cnode, pecan_word_t src, unsigned src_depth,
                     unsigned rights);
int pecan_cnode_mint(pecan_cap_t cnode, pecan_word_t dest, unsigned dest_depth,
                     pecan_cap_t src_cnode, pecan_word_t src, unsigned src_depth,
                     unsigned rights, pecan_word_t badge);
int pecan_cnode_move(pecan_cap_t cnode, pecan_word_t dest, unsigned dest_depth,
                     pecan_cap_t src_cnode, pecan_word_t src, unsigned src_depth);
int pecan_cnode_delete(pecan_cap_t cnode, pecan_word_t index, unsigned depth);
int pecan_cnode_revoke(pecan_cap_t cnode, pecan_word_t index, unsigned depth);
struct pecan_cap_identity {
    unsigned type;          /* the kernel's capability type number (0: empty) */
    unsigned rights;
    pecan_word_t badge;
    pecan_word_t phys;      /* physical address of the object (memory-backed objects) */
    unsigned depth;         /* depth in the derivation tree */
    unsigned size_bits;
    unsigned flags;
};
int pecan_cnode_identify(pecan_cap_t cnode, pecan_word_t index, unsigned depth,
                         struct pecan_cap_identity *id);

/* Threads */
int pecan_thread_configure(pecan_cap_t thread, pecan_cap_t cspace, pecan_cap_t vspace,
                           pecan_cap_t utcb_frame, pecan_word_t utcb_vaddr, pecan_cap_t pager,
                           pecan_cap_t exception_handler);
int pecan_thread_read_registers(pecan_cap_t thread, pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT]);
int pecan_thread_write_registers(pecan_cap_t thread,
                                 const pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT]);
int pecan_thread_resume(pecan_cap_t thread);
/* Sets pc (bit 0 set: Thumb state), sp and r0 (= arg) of a configured thread, gives it a
 * fresh user-mode cpsr and resumes it: WRITE_REGISTERS of those and RESUME in one call.
 * The other registers keep their values (zero on a new thread). */
int pecan_thread_start(pecan_cap_t thread, pecan_word_t pc, pecan_word_t sp, pecan_word_t arg);
int pecan_thread_suspend(pecan_cap_t thread);
/* Priorities and MCPs (maximum controlled priorities) up to the calling thread's MCP;
 * above it EPERM (docs/abi.md). */
int pecan_thread_set_priority(pecan_cap_t thread, unsigned priority);
int pecan_thread_set_mcp(pecan_cap_t thread, unsigned mcp);

/* Notifications */
int pecan_notification_signal(pecan_cap_t n, pecan_word_t bits);
int pecan_notification_wait(pecan_cap_t n, pecan_word_t *bits);
int pecan_notification_poll(pecan_cap_t n, pecan_word_t *bits);

/* Address spaces, page tables, frames */
int pecan_vspace_map_frame(pecan_cap_t vspace, pecan_cap_t frame, pecan_word_t vaddr,
                           unsigned rights, unsigned attributes);
int pecan_vspace_unmap_frame(pecan_cap_t vspace, pecan_cap_t frame);
int pecan_vspace_map_page_table(pecan_cap_t vspace, pecan_cap_t page_table, pecan_word_t vaddr);
int pecan_vspace_unmap_page_table(pecan_cap_t vspace, pecan_cap_t page_table);
int pecan_vspace_donate_page_table(pecan_cap_t vspace, pecan_cap_t page_table);
int pecan_vspace_remap_frame(pecan_cap_t vspace, pecan_cap_t frame, unsigned rights);
/* Removes what was mapped from [vaddr, vaddr + 2^order) into other address spaces, through
 * memory items, recursively; with flags PECAN_UNMAP_OWN also the range's own mappings. */
int pecan_vspace_unmap(pecan_cap_t vspace, pecan_word_t vaddr, unsigned order, unsigned flags);
int pecan_frame_info(pecan_cap_t frame, pecan_word_t *phys, unsigned *size_bits,
                     pecan_word_t *mapped_vaddr);
/* -> hardware ASID, page tables in the pool, installed page tables (each may be NULL). */
int pecan_vspace_info(pecan_cap_t vspace, unsigned *asid, unsigned *pool, unsigned *installed);
/* -> the vaddr of the MiB the table is installed for, or 0xFFFFFFFF. */
int pecan_page_table_info(pecan_cap_t page_table, pecan_word_t *installed_vaddr);

/* Interrupts */
int pecan_irq_control_get(pecan_cap_t control, unsigned irq, pecan_cap_t dest_cnode,
                          pecan_word_t dest_offset);
int pecan_irq_bind(pecan_cap_t handler, pecan_cap_t notification, pecan_word_t bits);
int pecan_irq_unbind(pecan_cap_t handler);
int pecan_irq_ack(pecan_cap_t handler);

/* Kernel log: the debug operations (WRITE is pecan_log_write, pecan/log.h) */
int pecan_debug_stats(pecan_cap_t log, pecan_word_t *preemptions);
int pecan_debug_check(pecan_cap_t log, pecan_word_t *problems);
void pecan_debug_exit(pecan_cap_t log, int status) __attribute__((noreturn));
/* Nanoseconds since boot. */
int pecan_debug_clock(pecan_cap_t log, uint64_t *ns);
/* Times iterations kernel lookups of index in the caller's capability space -> ns. */
int pecan_debug_lookup_bench(pecan_cap_t log, pecan_cap_t index, unsigned iterations,
                             uint64_t *ns);
/* The longest kernel entry since pecan_debug_latency_start (docs/abi.md, DEBUG_LATENCY):
 * in ns (instructions under -icount), with the tag and word 0 of the invocation. */
struct pecan_latency {
    uint64_t longest_ns;
    pecan_word_t tag, word0, entries;
};
int pecan_debug_latency_start(pecan_cap_t log);
int pecan_debug_latency(pecan_cap_t log, struct pecan_latency *out);

/*
 * IPC through gates (l4re/sys/ipc.c; docs/abi.md "IPC"). msg->tag gives the untyped words
 * and the typed items (2 words each, after the words); words 6 and up travel in the UTCB.
 * The received message replaces msg (its tag, words and items); the returned reply holds
 * the IPC status (r0), the tag and the badge of the capability the message came through.
 * timeout: PECAN_TIMEOUT_NEVER, PECAN_TIMEOUT_ZERO or pecan_timeout_us(n).
 */
struct pecan_reply pecan_ipc(pecan_cap_t cap, pecan_word_t operation, pecan_word_t timeout,
                             struct pecan_message *msg);
/* Send, then wait for the reply (the receiver gets the implicit reply capability). */
struct pecan_reply pecan_ipc_call(pecan_cap_t gate, struct pecan_message *msg,
                                  pecan_word_t timeout);
/* Send only: returns once the receiver has taken the message. */
struct pecan_reply pecan_ipc_send(pecan_cap_t gate, struct pecan_message *msg,
                                  pecan_word_t timeout);
/* Closed receive: only messages through gate (bound to the caller, READ). */
struct pecan_reply pecan_ipc_receive(pecan_cap_t gate, struct pecan_message *msg,
                                     pecan_word_t timeout);
/* Open wait: any message to the caller, or its bound notification. */
struct pecan_reply pecan_ipc_wait(struct pecan_message *msg, pecan_word_t timeout);
/* Reply through the implicit reply capability (PECAN_IPC_NO_REPLY_CAP if none). */
struct pecan_reply pecan_ipc_reply(struct pecan_message *msg);
/* Reply, then open wait: the server loop in one trap. */
struct pecan_reply pecan_ipc_reply_wait(struct pecan_message *msg, pecan_word_t timeout);
/* Receive from the null capability with a timeout: 0 once the time is up. */
int pecan_sleep_us(uint32_t microseconds);

/* IPC gate control (GATE protocol, through a gate capability with READ) */
int pecan_gate_bind(pecan_cap_t gate, pecan_cap_t thread);
/* -> bound (1/0), badge of the invoking capability (each may be NULL). */
int pecan_gate_info(pecan_cap_t gate, int *bound, pecan_word_t *badge);
/* 1 if a capability derived from gate (a client's copy) exists, 0 if not, or an error. */
int pecan_gate_has_clients(pecan_cap_t gate);
/* Signals notification with bits once no capability derived from gate remains; notification
 * 0 cancels. The watch is gate's (this capability's): EBUSY through a capability that neither
 * holds it nor is derived from the one that does (docs/abi.md, "Gate control"). */
int pecan_gate_set_no_clients(pecan_cap_t gate, pecan_cap_t notification, pecan_word_t bits);
/* Open waits of the thread also end when notification (0: none) is signalled. */
int pecan_thread_bind_notification(pecan_cap_t thread, pecan_cap_t notification);

/* Scheduler (SCHEDULER protocol). CPU sets are bitmasks (bit n: CPU n). */
/* -> CPUs of the machine, online CPU mask, highest priority (each may be NULL). */
int pecan_sched_info(pecan_cap_t sched, unsigned *cpu_count, pecan_word_t *online_mask,
                     unsigned *max_priority);
/* Sets priority (0-255, at most the caller's MCP) and quantum (us, 0: the default 10 ms)
 * and moves the thread to an allowed online CPU: its own if allowed, else the lowest.
 * Does not resume it. */
int pecan_sched_run_thread(pecan_cap_t sched, pecan_cap_t thread, unsigned priority,
                           pecan_word_t cpu_mask, pecan_word_t quantum_us);
/* Nanoseconds CPU cpu has been idle since boot. */
int pecan_sched_idle_time(pecan_cap_t sched, unsigned cpu, uint64_t *ns);
/* The CPU the caller runs on (>= 0), or a negative error. */
int pecan_sched_cpu(pecan_cap_t sched);
/* -> the CPU a thread belongs to, its priority and quantum (each may be NULL). */
int pecan_sched_thread_info(pecan_cap_t sched, pecan_cap_t thread, unsigned *cpu,
                            unsigned *priority, pecan_word_t *quantum_us);
/* A thread's MCP (>= 0: the highest priority it may give), or a negative error. */
int pecan_sched_thread_mcp(pecan_cap_t sched, pecan_cap_t thread);

/* Placement of programs (docs/runtime.md, "Fairness and CPU 0"). The root server (moe)
 * runs on PECAN_ROOT_SERVER_CPU at priority 200, above every program, so a program's
 * thread there runs only while moe has nothing to do: under a flood of requests from the
 * other CPUs, never. Programs therefore go elsewhere when there is an elsewhere. */
#define PECAN_ROOT_SERVER_CPU 0u
/* The CPUs a program's threads are placed on unless they ask for others: the CPUs of
 * online_mask (the scheduler's INFO) but the root server's, or online_mask itself when
 * that is the only one (one CPU: everything shares it). The loaders' RUN_THREAD of a
 * main thread (loader_run_thread) and the runtime's new threads (pecan_thread_create)
 * use it; a program that moves a thread to the root server's CPU anyway slows only that
 * thread, which waits below moe. */
pecan_word_t pecan_sched_program_cpus(pecan_word_t online_mask);

#endif
