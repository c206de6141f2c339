/* SPDX-License-Identifier: MIT */
/*
 * The RealView EB's interrupt controller chain (interrupt_controller.h): the ARM11MPCore's
 * GIC, and the board's GIC1 cascaded into it at MPCore ID 42. Generic code and user space
 * see one flat space of IRQ numbers:
 *
 *   IRQ 0-63     the MPCore GIC's IDs: 0-15 IPIs, 29/30 per-CPU timers, 32-63 the board
 *                lines QEMU's and the tile's routing wire to it (UART0 36, KMI 39/40,
 *                Ethernet 41, ...); 42 is the cascade itself and 36 the kernel's console
 *                input (core/console_input.c): both stay the kernel's.
 *   IRQ 64 + n   board line n (board GIC1 ID 32 + n, n = 0..63) through the cascade, for
 *                the lines that reach the MPCore GIC *only* that way: UART2 (line 14,
 *                IRQ 78), UART3 (79), GPIO0-2 (70-72), CLCD (line 23, IRQ 87), DMA (88),
 *                PCI (112-115), ...
 *
 * A line with a direct MPCore input has exactly one number, its MPCore ID: the cascade
 * number of such a line is refused (intc_user_line), so two drivers cannot get the same
 * device interrupt under two names.
 *
 * The cascade (platforms.md, "Handling a cascade"): MPCore ID 42 is acknowledged, then
 * board GIC1's acknowledge register gives the board ID; the end of interrupt goes to board
 * GIC1 first, then to the MPCore GIC. The token passed from intc_acknowledge to intc_end
 * carries both acknowledge values. Masking a cascaded line (the kernel does on every user
 * interrupt until the driver acknowledges) masks it at board GIC1, so the cascade input
 * stays enabled for the other board lines.
 *
 * Invariants: ID 42 is enabled at the MPCore GIC from boot on and never handed out; every
 * board GIC1 line starts disabled and is enabled only through intc_enable of its IRQ
 * number; board GIC1's shared IDs target CPU 0 (it has one CPU interface), and so does
 * ID 42, so only CPU 0 touches board GIC1's CPU interface.
 */
#include <gic.h>
#include <interrupt_controller.h>
#include <plat.h>
#include "interrupts.h"

/* Token bit: the interrupt came through the cascade; bits 16-28 hold board GIC1's value. */
#define TOKEN_CASCADED 0x80000000u
#define TOKEN_VALUE_MASK 0x1fffu   /* an acknowledge value: ID and source CPU */

/* Board lines that QEMU's realview_mpcore (and the tile in "normal" routing mode) wire to
 * an MPCore GIC input too: 4, 5 (timers), 10 (RTC), 12, 13 (UART0/1), 17, 18 (MMCI), 19
 * (AACI), 20, 21 (KMI), 28 (Ethernet), 29. */
#define DIRECT_BOARD_LINES ((1ull << 4) | (1ull << 5) | (1ull << 10) | (1ull << 12) | \
                            (1ull << 13) | (1ull << 17) | (1ull << 18) | (1ull << 19) | \
                            (1ull << 20) | (1ull << 21) | (1ull << 28) | (1ull << 29))

static struct gic mpcore_gic, board_gic1;

void eb_interrupts_init(uintptr_t mpcore_private, uintptr_t board_gic)
{
    mpcore_gic = (struct gic){ .distributor = mpcore_private + PLAT_GIC_DIST_OFFSET,
                               .cpu_interface = mpcore_private + PLAT_GIC_CPU_OFFSET,
                               .id_count = PLAT_MPCORE_GIC_IDS };
    board_gic1 = (struct gic){ .distributor = board_gic + PLAT_BOARD_GIC_DIST_OFFSET,
                               .cpu_interface = board_gic,
                               .id_count = PLAT_BOARD_GIC_IDS };
    gic_init_distributor(&board_gic1);
    gic_init_cpu_interface(&board_gic1);
    gic_init_distributor(&mpcore_gic);
    gic_enable(&mpcore_gic, PLAT_IRQ_CASCADE);
}

void eb_interrupts_init_cpu(void)
{
    /* The "this CPU" alias of the CPU interface: the same address on every CPU. */
    gic_init_banked(&mpcore_gic);
    gic_init_cpu_interface(&mpcore_gic);
}

static bool is_cascaded(unsigned irq)
{
    return irq >= PLAT_IRQ_BOARD_FIRST;
}

/* Board GIC1's ID of a cascaded IRQ number. */
static unsigned board_id(unsigned irq)
{
    return GIC_FIRST_SHARED + (irq - PLAT_IRQ_BOARD_FIRST);
}

void intc_enable(unsigned irq)
{
    if (is_cascaded(irq))
        gic_enable(&board_gic1, board_id(irq));
    else
        gic_enable(&mpcore_gic, irq);
}

void intc_disable(unsigned irq)
{
    if (is_cascaded(irq))
        gic_disable(&board_gic1, board_id(irq));
    else
        gic_disable(&mpcore_gic, irq);
}

void intc_set_pending(unsigned irq)
{
    if (is_cascaded(irq))
        gic_set_pending(&board_gic1, board_id(irq));
    else
        gic_set_pending(&mpcore_gic, irq);
}

/* ID 42 was acknowledged at the MPCore GIC (value root): the board line behind it, or
 * INTC_NO_INTERRUPT after ending both if the line dropped before board GIC1 was asked. */
static unsigned acknowledge_cascade(word_t root, word_t *token)
{
    word_t inner;
    unsigned id = gic_acknowledge(&board_gic1, &inner);
    if (id >= GIC_FIRST_SHARED && id < PLAT_BOARD_GIC_IDS) {
        *token = TOKEN_CASCADED | (inner & TOKEN_VALUE_MASK) << 16 | (root & TOKEN_VALUE_MASK);
        return PLAT_IRQ_BOARD_FIRST + (id - GIC_FIRST_SHARED);
    }
    if (id != GIC_SPURIOUS)
        gic_end(&board_gic1, inner);   /* a private ID nobody enabled: cannot happen */
    gic_end(&mpcore_gic, root);
    return INTC_NO_INTERRUPT;
}

unsigned intc_acknowledge(word_t *token)
{
    for (;;) {
        word_t root;
        unsigned id = gic_acknowledge(&mpcore_gic, &root);
        if (id == GIC_SPURIOUS)
            return INTC_NO_INTERRUPT;
        if (id != PLAT_IRQ_CASCADE) {
            *token = root;
            return id;
        }
        unsigned irq = acknowledge_cascade(root, token);
        if (irq != INTC_NO_INTERRUPT)
            return irq;
    }
}

void intc_end(word_t token)
{
    if (token & TOKEN_CASCADED)
        gic_end(&board_gic1, (token >> 16) & TOKEN_VALUE_MASK);
    gic_end(&mpcore_gic, token & TOKEN_VALUE_MASK);
}

void intc_send_ipi(uint32_t cpu_mask, unsigned ipi)
{
    if (!mpcore_gic.distributor)
        return;   /* a panic before the controller is set up has no one to tell */
    gic_send_sgi(&mpcore_gic, cpu_mask, ipi);
}

bool intc_interrupt_pending(void)
{
    return gic_interrupt_pending(&mpcore_gic);   /* a cascaded line shows as ID 42 */
}

bool intc_user_line(unsigned irq)
{
    if (irq < GIC_FIRST_SHARED || irq >= PLAT_IRQ_COUNT)
        return false;
    if (!is_cascaded(irq))
        return irq != PLAT_IRQ_CASCADE && irq != PLAT_IRQ_CONSOLE;
    return !(DIRECT_BOARD_LINES & (1ull << (irq - PLAT_IRQ_BOARD_FIRST)));
}
