/* SPDX-License-Identifier: MIT */
/*
 * The ARM11MPCore interrupt distributor and CPU interfaces (ARM11 MPCore TRM, chapter 3;
 * the "11MPCore" GIC: 4 priority bits, IDs 0-15 software generated, 29/30 per-CPU timers,
 * 32 and up shared). The distributor is set up once; each CPU sets up its own interface.
 */
#include <interrupt_controller.h>
#include <mmio.h>

#define GICD_CONTROL 0x000
#define GICD_TYPE 0x004
#define GICD_ENABLE_SET 0x100
#define GICD_ENABLE_CLEAR 0x180
#define GICD_PENDING_SET 0x200
#define GICD_PENDING_CLEAR 0x280
#define GICD_PRIORITY 0x400
#define GICD_TARGETS 0x800
#define GICD_CONFIG 0xC00
#define GICD_SOFTWARE_INTERRUPT 0xF00

#define GICC_CONTROL 0x00
#define GICC_PRIORITY_MASK 0x04
#define GICC_BINARY_POINT 0x08
#define GICC_ACKNOWLEDGE 0x0C
#define GICC_END 0x10
#define GICC_HIGHEST_PENDING 0x18

#define SPURIOUS_ID 1023
#define DEFAULT_PRIORITY 0xA0

static uintptr_t distributor;
static uintptr_t cpu_interface;
static unsigned interrupt_count;

void intc_init_distributor(uintptr_t distributor_base, unsigned irq_count)
{
    distributor = distributor_base;
    interrupt_count = irq_count;
    mmio_write32(distributor + GICD_CONTROL, 0);
    for (unsigned irq = 32; irq < irq_count; irq += 32) {
        mmio_write32(distributor + GICD_ENABLE_CLEAR + irq / 8, 0xffffffffu);
        mmio_write32(distributor + GICD_PENDING_CLEAR + irq / 8, 0xffffffffu);
    }
    for (unsigned irq = 32; irq < irq_count; irq += 4) {
        mmio_write32(distributor + GICD_PRIORITY + irq, DEFAULT_PRIORITY * 0x01010101u);
        mmio_write32(distributor + GICD_TARGETS + irq, 0x01010101u);   /* CPU 0 */
    }
    mmio_write32(distributor + GICD_CONTROL, 1);
}

void intc_init_cpu_interface(uintptr_t cpu_interface_base)
{
    cpu_interface = cpu_interface_base;   /* the "this CPU" alias: same VA on every CPU */
    /* Banked per CPU: software-generated and private interrupts. */
    mmio_write32(distributor + GICD_ENABLE_SET, 0x0000ffffu);
    for (unsigned irq = 0; irq < 32; irq += 4)
        mmio_write32(distributor + GICD_PRIORITY + irq, DEFAULT_PRIORITY * 0x01010101u);
    mmio_write32(cpu_interface + GICC_PRIORITY_MASK, 0xf0);
    mmio_write32(cpu_interface + GICC_BINARY_POINT, 0);
    mmio_write32(cpu_interface + GICC_CONTROL, 1);
}

void intc_enable(unsigned irq)
{
    mmio_write32(distributor + GICD_ENABLE_SET + (irq / 32) * 4, 1u << (irq % 32));
}

void intc_disable(unsigned irq)
{
    mmio_write32(distributor + GICD_ENABLE_CLEAR + (irq / 32) * 4, 1u << (irq % 32));
}

void intc_set_pending(unsigned irq)
{
    mmio_write32(distributor + GICD_PENDING_SET + (irq / 32) * 4, 1u << (irq % 32));
}

unsigned intc_acknowledge(word_t *token)
{
    word_t value = mmio_read32(cpu_interface + GICC_ACKNOWLEDGE);
    *token = value;
    unsigned id = value & 0x3ff;
    return id == SPURIOUS_ID ? INTC_NO_INTERRUPT : id;
}

void intc_end(word_t token)
{
    mmio_write32(cpu_interface + GICC_END, token);
}

void intc_send_ipi(uint32_t cpu_mask, unsigned ipi)
{
    if (!distributor)
        return;   /* a panic before the controller is set up has no one to tell */
    mmio_write32(distributor + GICD_SOFTWARE_INTERRUPT, ((cpu_mask & 0xff) << 16) | (ipi & 0xf));
}

bool intc_interrupt_pending(void)
{
    return (mmio_read32(cpu_interface + GICC_HIGHEST_PENDING) & 0x3ff) != SPURIOUS_ID;
}
