/* SPDX-License-Identifier: MIT */
/*
 * The one system call: invoke a capability with a message (docs/abi.md).
 *
 * ARM register convention for `svc #0`:
 *   in   r0  capability index (looked up in the caller's capability space)
 *        r1  message tag (pecan_tag_t)
 *        r2  operation flags (PECAN_OP_*) in bits 0-7, timeout in bits 8-31
 *        r3-r8  message words 0-5; words 6 and up are in the UTCB (utcb.h)
 *   out  r0  IPC status: 0, or a PECAN_IPC_* code
 *        r1  reply tag: its label is the result (0 or a negative PECAN_E* code)
 *        r2  badge of the capability the message came through (receive)
 *        r3-r8  reply words 0-5; more in the UTCB
 * The kernel preserves every other register.
 *
 * Kernel objects answer a call at once with a reply. An IPC gate delivers the message to
 * the server thread bound to it. The two are indistinguishable to the caller.
 */
#ifndef PECAN_ABI_SYSCALL_H
#define PECAN_ABI_SYSCALL_H

#include <stdint.h>

typedef uint32_t pecan_word_t;
typedef uint32_t pecan_cap_t;          /* a capability index */
typedef uint32_t pecan_tag_t;

#define PECAN_MSG_REGISTERS 6          /* message words passed in r3-r8 */
#define PECAN_MSG_MAX_WORDS 63         /* untyped words plus 2 per item */

/* Operation flags (r2 bits 0-7). */
#define PECAN_OP_SEND 0x1u             /* send phase to the capability */
#define PECAN_OP_RECV 0x2u             /* receive phase (from it, or from any with OPEN_WAIT) */
#define PECAN_OP_OPEN_WAIT 0x4u        /* receive from any source the thread waits on */
#define PECAN_OP_REPLY 0x8u            /* send phase goes to the implicit reply capability */
#define PECAN_OP_CALL (PECAN_OP_SEND | PECAN_OP_RECV)
#define PECAN_OP_REPLY_WAIT (PECAN_OP_REPLY | PECAN_OP_SEND | PECAN_OP_RECV | PECAN_OP_OPEN_WAIT)
#define PECAN_OP_WAIT (PECAN_OP_RECV | PECAN_OP_OPEN_WAIT)

/* Timeout (r2 bits 8-31): 0 = wait forever, 1 = do not wait, n = (n - 1) microseconds.
 * It bounds the send phase and, separately, the receive phase. A receive from the null
 * capability (index 0, no OPEN_WAIT) never gets a message: with a timeout it is a sleep. */
#define PECAN_TIMEOUT_NEVER 0u
#define PECAN_TIMEOUT_ZERO 1u
#define PECAN_TIMEOUT_SHIFT 8
#define PECAN_TIMEOUT_MAX_US 0xFFFFFEu

static inline uint32_t pecan_timeout_us(uint32_t microseconds)
{
    return microseconds >= PECAN_TIMEOUT_MAX_US ? 0xFFFFFFu : microseconds + 1;
}

/*
 * Typed message items follow the untyped words, two words each:
 *   capability: word 0 = PECAN_ITEM_CAP | rights mask << 4, word 1 = capability index.
 *               The receiver names empty slots in its UTCB buffer (pecan/utcb.h); the
 *               capability arrives there as a child of the sender's, with rights ANDed.
 *   memory:     word 0 = PECAN_ITEM_MAP | rights << 4 | log2(size) << 8,
 *               word 1 = base address in the sender's space (aligned to the size).
 *               The pages land in the receiver's window (UTCB buffer) at the same offset
 *               modulo the window size; unmapping them at the source removes them from
 *               every space they reached (mapping database).
 * In the received message the kernel rewrites each item: word 0 = kind | result << 16
 * (0 or a PECAN_E* code), word 1 = the badge of a received capability or the address a
 * mapping landed at.
 */
#define PECAN_ITEM_CAP 1u
#define PECAN_ITEM_MAP 2u
#define PECAN_ITEM_KIND_MASK 0xFu
#define PECAN_ITEM_RIGHTS_SHIFT 4
#define PECAN_ITEM_ORDER_SHIFT 8
#define PECAN_ITEM_RESULT_SHIFT 16

/*
 * Message tag:
 *   bits 0-5    number of untyped words
 *   bits 6-11   number of typed items (2 words each, after the untyped words)
 *   bits 12-15  flags
 *   bits 16-31  label: the protocol on a request, the result on a reply (signed)
 */
static inline pecan_tag_t pecan_tag(int label, unsigned words, unsigned items)
{
    return ((uint32_t)(uint16_t)(int16_t)label << 16) | ((items & 0x3fu) << 6) | (words & 0x3fu);
}

static inline int pecan_tag_label(pecan_tag_t tag)
{
    return (int16_t)(tag >> 16);
}

static inline unsigned pecan_tag_words(pecan_tag_t tag)
{
    return tag & 0x3fu;
}

static inline unsigned pecan_tag_items(pecan_tag_t tag)
{
    return (tag >> 6) & 0x3fu;
}

#endif
