/* SPDX-License-Identifier: MIT */
/*
 * Interrupts: IRQ control GET (its range, destination and claim rules), IRQ handler
 * BIND, ACK and UNBIND with their errors, unbinding when the notification goes, a real
 * interrupt from the board's SP804 timer delivered to a notification, and one from UART2,
 * which reaches the MPCore GIC only through the board GIC1 cascade (IRQ 78).
 */
#include "captest.h"

#define TEST_IRQ 40
#define SP804_VADDR 0x53000000u

static int irq_get(pecan_cap_t control, pecan_word_t irq, pecan_cap_t cnode, pecan_word_t slot)
{
    return pecan_irq_control_get(control, irq, cnode, slot);
}

UTEST(irq_control_get)
{
    pecan_cap_t h = slot_alloc(), h2 = slot_alloc(), ro = slot_alloc(), ro_c = slot_alloc();
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(h && h2 && ro && ro_c && n);
    const pecan_cap_t ctl = PECAN_ROOT_IRQ_CONTROL;
    /* IPIs and private timers, the kernel's console input (36, UART0), the cascade input
     * (42), the cascade number of a line wired to the MPCore GIC directly (76: board line
     * 12, UART0 again), past the end. */
    static const pecan_word_t bad_irqs[] = { 0, 15, 29, 31, 36, 42, 76, 128, 1023,
                                             0xFFFFFFFFu };
    for (unsigned i = 0; i < sizeof(bad_irqs) / sizeof(bad_irqs[0]); i++)
        CHECK_ERR(irq_get(ctl, bad_irqs[i], ROOT, h), -PECAN_ERANGE);
    pecan_word_t w[] = { PECAN_IRQ_CONTROL_GET, TEST_IRQ, ROOT, h };
    CHECK_ERR(pecan_call(ctl, PECAN_PROTO_IRQ_CONTROL, 3, w, 0, 0), -PECAN_EMSGTOOSHORT);
    w[0] = 1;
    CHECK_ERR(pecan_call(ctl, PECAN_PROTO_IRQ_CONTROL, 4, w, 0, 0), -PECAN_ENOSYS);
    w[0] = PECAN_IRQ_CONTROL_GET;
    CHECK_ERR(pecan_call(ctl, PECAN_PROTO_IRQ, 4, w, 0, 0), -PECAN_EBADPROTO);
    /* The destination: a writable CNode, a slot inside it, empty. */
    REQUIRE_OK(cap_copy(ro_c, ROOT, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    CHECK_ERR(irq_get(ctl, TEST_IRQ, h2, 0), -PECAN_EINVALCAP);
    CHECK_ERR(irq_get(ctl, TEST_IRQ, n, 0), -PECAN_ETYPE);
    CHECK_ERR(irq_get(ctl, TEST_IRQ, ro_c, h), -PECAN_EPERM);
    CHECK_ERR(irq_get(ctl, TEST_IRQ, ROOT, ROOT_CNODE_SLOTS), -PECAN_ERANGE);
    CHECK_ERR(irq_get(ctl, TEST_IRQ, ROOT, n), -PECAN_EEXIST);
    /* IRQ control without WRITE. */
    REQUIRE_OK(cap_copy(ro, ctl, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    CHECK_ERR(irq_get(ro, TEST_IRQ, ROOT, h), -PECAN_EPERM);
    CHECK_EQ(cap_type(h), CAPK_NULL);
    /* Claimed once: a handler, a child of IRQ control; a second claim is refused. */
    REQUIRE_OK(irq_get(ctl, TEST_IRQ, ROOT, h));
    struct pecan_cap_identity id, ctl_id;
    CHECK_OK(cap_identify(h, &id));
    CHECK_OK(cap_identify(ctl, &ctl_id));
    CHECK_EQ(id.type, CAPK_IRQ_HANDLER);
    CHECK_EQ(id.depth, ctl_id.depth + 1);
    CHECK_ERR(irq_get(ctl, TEST_IRQ, ROOT, h2), -PECAN_EBUSY);
    CHECK_OK(irq_get(ctl, TEST_IRQ + 1, ROOT, h2));
    CHECK_CLEAN();
    /* Deleting the handler frees the line. */
    CHECK_OK(cap_delete(h));
    CHECK_OK(irq_get(ctl, TEST_IRQ, ROOT, h));
    CHECK_CLEAN();
    CHECK_OK(cap_delete(h));
    CHECK_OK(cap_delete(h2));
    CHECK_OK(cap_delete(ro));
    CHECK_OK(cap_delete(ro_c));
}

UTEST(irq_handler_bind_ack_unbind)
{
    pecan_cap_t h = slot_alloc(), ro = slot_alloc(), badged = slot_alloc(), ro_n = slot_alloc();
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0), f = obj_new(PECAN_OBJ_FRAME, 12);
    pecan_cap_t empty = slot_alloc();
    REQUIRE(h && ro && badged && ro_n && n && f && empty);
    REQUIRE_OK(irq_get(PECAN_ROOT_IRQ_CONTROL, TEST_IRQ, ROOT, h));
    CHECK_ERR(pecan_irq_ack(h), -PECAN_ENOENT);
    /* BIND: the notification must exist, be one, be signallable; some bits must be set. */
    CHECK_ERR(pecan_irq_bind(h, empty, 1), -PECAN_EINVALCAP);
    CHECK_ERR(pecan_irq_bind(h, f, 1), -PECAN_ETYPE);
    REQUIRE_OK(cap_copy(ro_n, n, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    CHECK_ERR(pecan_irq_bind(h, ro_n, 1), -PECAN_EPERM);
    CHECK_ERR(pecan_irq_bind(h, n, 0), -PECAN_EINVAL);
    pecan_word_t w[] = { PECAN_IRQ_BIND, n, 1 };
    CHECK_ERR(pecan_call(h, PECAN_PROTO_IRQ, 2, w, 0, 0), -PECAN_EMSGTOOSHORT);
    w[0] = 3;
    CHECK_ERR(pecan_call(h, PECAN_PROTO_IRQ, 3, w, 0, 0), -PECAN_ENOSYS);
    /* Bound: a second bind is refused, ACK works until UNBIND. */
    REQUIRE_OK(pecan_irq_bind(h, n, 0x10));
    CHECK_ERR(pecan_irq_bind(h, n, 0x10), -PECAN_EMAPPED);
    CHECK_OK(pecan_irq_ack(h));
    CHECK_OK(pecan_irq_unbind(h));
    CHECK_ERR(pecan_irq_ack(h), -PECAN_ENOENT);
    CHECK_OK(pecan_irq_unbind(h));
    /* A badge supplies the bits. */
    REQUIRE_OK(cap_mint(badged, n, PECAN_RIGHTS_ALL, 0x2));
    CHECK_OK(pecan_irq_bind(h, badged, 0));
    CHECK_OK(pecan_irq_unbind(h));
    /* Every handler operation needs WRITE on the handler. */
    REQUIRE_OK(cap_copy(ro, h, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    CHECK_ERR(pecan_irq_bind(ro, n, 1), -PECAN_EPERM);
    CHECK_ERR(pecan_irq_ack(ro), -PECAN_EPERM);
    CHECK_ERR(pecan_irq_unbind(ro), -PECAN_EPERM);
    CHECK_CLEAN();
    /* A copy is not the last handler capability; deleting both frees the line. */
    CHECK_OK(cap_delete(h));
    CHECK_ERR(irq_get(PECAN_ROOT_IRQ_CONTROL, TEST_IRQ, ROOT, h), -PECAN_EBUSY);
    CHECK_OK(cap_delete(ro));
    CHECK_OK(irq_get(PECAN_ROOT_IRQ_CONTROL, TEST_IRQ, ROOT, h));
    CHECK_OK(cap_delete(h));
    CHECK_OK(cap_delete(badged));
    CHECK_OK(cap_delete(ro_n));
}

/* A bound notification is destroyed: the line is unbound, nothing points at it. */
UTEST(irq_notification_destroyed_unbinds)
{
    pecan_cap_t h = slot_alloc(), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t n2 = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(h && n && n2);
    REQUIRE_OK(irq_get(PECAN_ROOT_IRQ_CONTROL, TEST_IRQ, ROOT, h));
    REQUIRE_OK(pecan_irq_bind(h, n, 1));
    obj_free(n);
    CHECK_CLEAN();
    CHECK_ERR(pecan_irq_ack(h), -PECAN_ENOENT);
    CHECK_OK(pecan_irq_bind(h, n2, 1));
    CHECK_OK(cap_delete(h));   /* the handler goes while bound */
    CHECK_CLEAN();
}

static pecan_word_t wait_bits(pecan_cap_t n, unsigned timeout_us)
{
    uint64_t end = now_ns() + (uint64_t)timeout_us * 1000u;
    pecan_word_t bits = 0;
    while (!bits && now_ns() < end)
        pecan_notification_poll(n, &bits);
    return bits;
}

/* How long to wait for an interrupt that must come, and for one that must not. The timer
 * is QEMU's, raised from a host thread: on a busy host it comes milliseconds late, so the
 * first is generous; the second only bounds a check that a slow host cannot fail. */
#define DELIVERED_US 2000000u
#define NOT_DELIVERED_US 300000u

/* Starts a 1 ms one-shot and waits up to wait_us for its interrupt. */
static pecan_word_t one_shot(struct sp804 *t, pecan_cap_t n, unsigned wait_us)
{
    sp804_one_shot(t, 1000);
    pecan_word_t bits = wait_bits(n, wait_us);
    sp804_clear(t);
    return bits;
}

/* Waits up to wait_us for the timer's raw interrupt status. */
static bool wait_raised(struct sp804 *t, unsigned wait_us)
{
    uint64_t end = now_ns() + (uint64_t)wait_us * 1000u;
    while (!sp804_raised(t) && now_ns() < end)
        ;
    return sp804_raised(t);
}

UTEST(irq_delivery_from_sp804_timer)
{
    struct sp804 t;
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(n);
    REQUIRE_OK(sp804_open(&t, SP804_VADDR, n, 0x4));
    pecan_word_t bits = one_shot(&t, n, DELIVERED_US);
    if (!CHECK_EQ(bits, 0x4))
        ut_fail(__FILE__, __LINE__, "no interrupt from the SP804 (raw status %d)",
                (int)sp804_raised(&t));
    /* Masked until acknowledged: a second expiry is not delivered before ACK... */
    CHECK_EQ(one_shot(&t, n, NOT_DELIVERED_US), 0);
    /* ...and a line that is still raised is delivered by the ACK. */
    sp804_one_shot(&t, 1000);
    CHECK(wait_raised(&t, DELIVERED_US));
    CHECK_OK(pecan_irq_ack(t.handler));
    CHECK_EQ(wait_bits(n, DELIVERED_US), 0x4);
    sp804_clear(&t);
    CHECK_OK(pecan_irq_ack(t.handler));
    /* Unbound, nothing arrives any more. */
    CHECK_OK(pecan_irq_unbind(t.handler));
    CHECK_EQ(one_shot(&t, n, NOT_DELIVERED_US), 0);
    CHECK_CLEAN();
    sp804_close(&t);
}

/* UART2 (PL011 at 0x1000B000): board line 14, wired to the MPCore GIC only through board
 * GIC1 (ID 46, cascaded at MPCore ID 42), so IRQ 64 + 14. Its transmit interrupt latches
 * when a character is written and stays until cleared: a level interrupt on demand. */
#define UART2_PADDR 0x1000B000u
#define UART2_VADDR 0x59000000u
#define UART2_IRQ 78
enum { UART_DR = 0, UART_IMSC = 0x38 / 4, UART_MIS = 0x40 / 4, UART_ICR = 0x44 / 4 };
#define UART_TX_INTERRUPT 0x20u

struct uart2 {
    pecan_cap_t device, frame, page_table, handler;
    volatile uint32_t *regs;
};

static int uart2_open(struct uart2 *u, pecan_cap_t notification, pecan_word_t bits)
{
    u->device = device_untyped_at(UART2_PADDR);
    u->frame = slot_alloc();
    u->handler = slot_alloc();
    u->page_table = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    u->regs = (volatile uint32_t *)(uintptr_t)UART2_VADDR;
    if (!u->device || !u->frame || !u->handler || !u->page_table)
        return -PECAN_ENOENT;
    int err = pecan_untyped_retype(u->device, PECAN_OBJ_FRAME, 12, 1, ROOT, u->frame);
    if (!err)
        err = pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, u->page_table, UART2_VADDR);
    if (!err)
        err = pecan_vspace_map_frame(PECAN_ROOT_VSPACE, u->frame, UART2_VADDR,
                                     PECAN_MAP_READ | PECAN_MAP_WRITE, PECAN_MAP_UNCACHED);
    if (!err)
        err = pecan_irq_control_get(PECAN_ROOT_IRQ_CONTROL, UART2_IRQ, ROOT, u->handler);
    if (!err)
        err = pecan_irq_bind(u->handler, notification, bits);
    return err;
}

/* Raises the transmit interrupt: one character out (to QEMU's serial2, or nowhere). */
static void uart2_raise(struct uart2 *u)
{
    u->regs[UART_ICR] = UART_TX_INTERRUPT;
    u->regs[UART_IMSC] = UART_TX_INTERRUPT;
    u->regs[UART_DR] = '.';
}

static void uart2_close(struct uart2 *u)
{
    u->regs[UART_IMSC] = 0;
    u->regs[UART_ICR] = UART_TX_INTERRUPT;
    CHECK_OK(cap_delete(u->handler));
    CHECK_OK(cap_revoke(u->device));
    obj_free(u->page_table);
}

UTEST(irq_delivery_through_board_gic1_cascade)
{
    struct uart2 u;
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(n);
    REQUIRE_OK(uart2_open(&u, n, 0x8));
    for (unsigned round = 0; round < 20; round++) {
        uart2_raise(&u);
        pecan_word_t bits = wait_bits(n, DELIVERED_US);
        if (!CHECK_EQ(bits, 0x8)) {
            ut_fail(__FILE__, __LINE__, "round %u: no interrupt through the cascade (MIS %x)",
                    round, (unsigned)u.regs[UART_MIS]);
            break;
        }
        CHECK_EQ(u.regs[UART_MIS] & UART_TX_INTERRUPT, UART_TX_INTERRUPT);
        if (round == 0) {
            /* Masked at board GIC1 until acknowledged: the still-raised line waits... */
            CHECK_EQ(wait_bits(n, NOT_DELIVERED_US), 0);
            /* ...and the ACK lets it through again. */
            CHECK_OK(pecan_irq_ack(u.handler));
            CHECK_EQ(wait_bits(n, DELIVERED_US), 0x8);
        }
        u.regs[UART_ICR] = UART_TX_INTERRUPT;
        CHECK_OK(pecan_irq_ack(u.handler));
    }
    /* Cleared and acknowledged: nothing more comes. */
    CHECK_EQ(wait_bits(n, NOT_DELIVERED_US), 0);
    CHECK_CLEAN();
    uart2_close(&u);
    obj_free(n);
}

/* Handlers claimed through copies and mints of IRQ control: the derivation tree stays
 * well formed (the invariant checker), deleting a copy keeps the handlers made through
 * it, revoking a copy takes back those derived from it. */
UTEST(irq_control_copies)
{
    pecan_cap_t copy = slot_alloc(), minted = slot_alloc(), h = slots_alloc(3);
    REQUIRE(copy && minted && h);
    const pecan_cap_t ctl = PECAN_ROOT_IRQ_CONTROL;
    REQUIRE_OK(cap_copy(copy, ctl, PECAN_RIGHTS_ALL));
    REQUIRE_OK(cap_mint(minted, ctl, PECAN_RIGHTS_ALL, 0));
    CHECK_OK(irq_get(copy, TEST_IRQ, ROOT, h));
    CHECK_CLEAN();
    CHECK_OK(irq_get(ctl, TEST_IRQ + 1, ROOT, h + 1));
    CHECK_OK(irq_get(minted, TEST_IRQ + 3, ROOT, h + 2));   /* 42 is the cascade */
    CHECK_CLEAN();
    CHECK_OK(cap_delete(copy));
    CHECK_CLEAN();
    CHECK_EQ(cap_type(h), CAPK_IRQ_HANDLER);
    CHECK_ERR(irq_get(ctl, TEST_IRQ, ROOT, copy), -PECAN_EBUSY);
    /* Revoking a copy of IRQ control removes the handlers derived from it. */
    CHECK_OK(cap_revoke(minted));
    CHECK_EQ(cap_type(h + 2), CAPK_NULL);
    CHECK_OK(cap_delete(minted));
    CHECK_OK(cap_delete(h));
    CHECK_OK(cap_delete(h + 1));
    CHECK_CLEAN();
}

/* A handler is a child of the IRQ control capability used: at the depth limit, EDEPTH. */
UTEST(irq_control_get_depth_limit)
{
    pecan_cap_t chain = slots_alloc(64), h = slot_alloc();
    REQUIRE(chain && h);
    pecan_cap_t prev = PECAN_ROOT_IRQ_CONTROL;
    unsigned made = 0;
    while (made < 64 && cap_mint(chain + made, prev, PECAN_RIGHTS_ALL, 0) == 0)
        prev = chain + made++;
    CHECK_EQ(made, 63);
    CHECK_ERR(irq_get(prev, TEST_IRQ, ROOT, h), -PECAN_EDEPTH);
    CHECK_EQ(cap_type(h), CAPK_NULL);
    CHECK_OK(irq_get(chain + 61, TEST_IRQ, ROOT, h));
    CHECK_CLEAN();
    CHECK_OK(cap_revoke(chain));
    CHECK_EQ(cap_type(h), CAPK_NULL);
    CHECK_OK(cap_delete(chain));
    CHECK_CLEAN();
}

/* Handler operations check the message length first, then WRITE on the handler, then the
 * notification (docs/abi.md); an unknown opcode is ENOSYS with or without rights. */
UTEST(irq_handler_checks_length_before_rights)
{
    pecan_cap_t h = slot_alloc(), ro = slot_alloc();
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0), f = obj_new(PECAN_OBJ_FRAME, 12);
    REQUIRE(h && ro && n && f);
    REQUIRE_OK(irq_get(PECAN_ROOT_IRQ_CONTROL, TEST_IRQ, ROOT, h));
    REQUIRE_OK(cap_copy(ro, h, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    pecan_word_t w[] = { PECAN_IRQ_BIND, f, 0 };
    CHECK_ERR(pecan_call(ro, PECAN_PROTO_IRQ, 2, w, 0, 0), -PECAN_EMSGTOOSHORT);
    CHECK_ERR(pecan_call(ro, PECAN_PROTO_IRQ, 3, w, 0, 0), -PECAN_EPERM);   /* not ETYPE */
    CHECK_ERR(pecan_call(h, PECAN_PROTO_IRQ, 3, w, 0, 0), -PECAN_ETYPE);
    w[1] = n;
    CHECK_ERR(pecan_call(ro, PECAN_PROTO_IRQ, 3, w, 0, 0), -PECAN_EPERM);   /* not EINVAL */
    CHECK_ERR(pecan_call(h, PECAN_PROTO_IRQ, 3, w, 0, 0), -PECAN_EINVAL);
    CHECK_ERR(pecan_irq_ack(ro), -PECAN_EPERM);      /* not ENOENT: nothing is bound */
    CHECK_ERR(pecan_irq_ack(h), -PECAN_ENOENT);
    CHECK_ERR(pecan_irq_unbind(ro), -PECAN_EPERM);
    w[0] = 7;
    CHECK_ERR(pecan_call(ro, PECAN_PROTO_IRQ, 1, w, 0, 0), -PECAN_ENOSYS);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(ro));
    CHECK_OK(cap_delete(h));
}
