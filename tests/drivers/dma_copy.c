/* SPDX-License-Identifier: MIT */
/*
 * dma-copy: a driver for the PL081 DMA controller (0x10030000 on the RealView EB, board
 * line 24, IRQ 88 through the board GIC1 cascade), as an ordinary program. It shows the
 * third thing a driver needs besides registers and an interrupt: physically contiguous
 * memory whose physical address it can read, because a device addresses memory
 * physically. The boot script makes one contiguous dataspace ("buffer") and passes its
 * physical address on the command line (ned's ds:phys()); the driver makes a second one
 * through its own factory (FACTORY CREATE DATASPACE with CONTIGUOUS answers the address).
 * It fills the script's buffer, has the controller copy it into its own in chunks, one
 * terminal-count interrupt each, and compares. A copy that lands right proves both
 * physical addresses.
 *
 * QEMU's PL080 copies at once, when the channel is enabled, but raises its interrupt
 * output only on the next write to a global register (transfer() writes one). QEMU models
 * no caches; on the hardware the buffers would need cleaning and invalidating
 * around each transfer (or an uncached mapping).
 *
 * Usage: dma-copy <registers> <irq> <buffer's physical address>. Prints "dma-copy: N KiB
 * copied by the PL081 from <src> to <dst> (physical), N interrupts through IRQ I" and
 * exits 0, or says what failed (FAILED) and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/protocol/dataspace.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include "driver.h"

/* PL080/PL081 registers (word offsets): global ones, then channel 0 at 0x100. */
enum { INT_TC_STATUS = 0x004 / 4, INT_TC_CLEAR = 0x008 / 4, ENABLED_CHANNELS = 0x01C / 4,
       CONFIGURATION = 0x030 / 4, SYNC = 0x034 / 4, C0_SRC = 0x100 / 4, C0_DEST = 0x104 / 4, C0_LLI = 0x108 / 4,
       C0_CONTROL = 0x10C / 4, C0_CONFIG = 0x110 / 4, PERIPH_ID0 = 0xFE0 / 4 };
#define DMAC_ENABLE 0x1u
/* Channel control: transfer size in source words, 32-bit source and destination,
 * both addresses incremented, terminal-count interrupt. */
#define CONTROL_WORDS32 ((2u << 18) | (2u << 21))
#define CONTROL_INCREMENT ((1u << 26) | (1u << 27))
#define CONTROL_TC_INTERRUPT (1u << 31)
/* Channel configuration: enable, memory-to-memory (flow control 0), TC interrupt unmasked. */
#define CONFIG_ENABLE 0x1u
#define CONFIG_TC_UNMASK (1u << 15)

#define BUFFER_SIZE 0x10000u
#define CHUNK 0x1000u             /* bytes per transfer: 1024 words, under the 4095 limit */
#define IRQ_BIT 0x2u
#define DELIVERED_US 2000000u

static int failed(const char *what, long value)
{
    printf("dma-copy: %s (%ld) (FAILED)\n", what, value);
    return 1;
}

static int attach(pecan_cap_t ds, volatile uint32_t **at)
{
    pecan_word_t address = PECAN_ENV_FREE_BASE;
    int err = pecan_rm_attach(PECAN_ENV_RM, &address, BUFFER_SIZE,
                              PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0);
    *at = (volatile uint32_t *)(uintptr_t)address;
    return err;
}

/* The script's buffer: contiguous, at the address it said. */
static int script_buffer(pecan_word_t said, volatile uint32_t **at)
{
    pecan_cap_t ds = pecan_env_cap("buffer");
    struct pecan_dataspace_info info;
    if (!ds)
        return failed("no buffer capability", 0);
    int err = pecan_dataspace_info(ds, &info);
    if (err)
        return failed("DATASPACE INFO of the buffer", err);
    if (!(info.flags & PECAN_DATASPACE_CONTIGUOUS) || info.phys != said || info.size < BUFFER_SIZE)
        return failed("the buffer is not the contiguous one the script named, phys", (long)info.phys);
    return attach(ds, at) ? failed("attaching the buffer", 0) : 0;
}

/* A contiguous buffer of our own; FACTORY CREATE answers its physical address. */
static int own_buffer(pecan_word_t *phys, volatile uint32_t **at)
{
    pecan_cap_t ds;
    struct pecan_dataspace_info info;
    int err = pecan_cap_alloc(&ds);
    if (!err)
        err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, BUFFER_SIZE,
                                             PECAN_DATASPACE_CONTIGUOUS, 0, ds, phys);
    if (!err)
        err = pecan_dataspace_info(ds, &info);
    if (err)
        return failed("a contiguous dataspace of our own", err);
    if (info.phys != *phys)
        return failed("INFO and CREATE disagree on the address", (long)info.phys);
    return attach(ds, at) ? failed("attaching our buffer", 0) : 0;
}

/* One chunk: program channel 0 and wait for its terminal count. */
static int transfer(volatile uint32_t *dma, struct driver_irq *irq, pecan_word_t src,
                    pecan_word_t dest)
{
    dma[C0_SRC] = src;
    dma[C0_DEST] = dest;
    dma[C0_LLI] = 0;
    dma[C0_CONTROL] = (CHUNK / 4) | CONTROL_WORDS32 | CONTROL_INCREMENT | CONTROL_TC_INTERRUPT;
    dma[C0_CONFIG] = CONFIG_ENABLE | CONFIG_TC_UNMASK;
    /* QEMU's PL080 runs the transfer on that write but updates its interrupt output only
     * on writes to the global registers: rewrite one that changes nothing. */
    dma[SYNC] = dma[SYNC];
    pecan_word_t bits;
    if (!driver_irq_wait(DELIVERED_US, &bits))
        return failed("no terminal-count interrupt, channels still enabled",
                      (long)dma[ENABLED_CHANNELS]);
    if (!(dma[INT_TC_STATUS] & 1))
        return failed("interrupt without terminal count on channel 0", (long)bits);
    dma[INT_TC_CLEAR] = 1;
    int err = pecan_irq_ack(irq->handler);
    return err ? failed("ACK", err) : 0;
}

static int copy_and_compare(volatile uint32_t *dma, struct driver_irq *irq, pecan_word_t src,
                            volatile uint32_t *from, pecan_word_t dest, volatile uint32_t *to)
{
    for (unsigned i = 0; i < BUFFER_SIZE / 4; i++) {
        from[i] = 0xD0A00000u + i;
        to[i] = 0;
    }
    dma[CONFIGURATION] = DMAC_ENABLE;
    for (pecan_word_t off = 0; off < BUFFER_SIZE; off += CHUNK)
        if (transfer(dma, irq, src + off, dest + off))
            return 1;
    for (unsigned i = 0; i < BUFFER_SIZE / 4; i++)
        if (to[i] != 0xD0A00000u + i)
            return failed("the copy differs at word", (long)i);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        printf("usage: dma-copy <registers> <irq> <buffer's physical address> (FAILED)\n");
        return 1;
    }
    pecan_word_t regs = strtoul(argv[1], 0, 0), line = strtoul(argv[2], 0, 0);
    pecan_word_t src = strtoul(argv[3], 0, 0), dest;
    volatile uint32_t *dma, *from, *to;
    int err = driver_map("iomem", regs, 0x1000, &dma);
    if (err)
        return failed("mapping the registers", err);
    if ((dma[PERIPH_ID0] & 0xff) != 0x81)
        return failed("not a PL081, peripheral id", (long)(dma[PERIPH_ID0] & 0xff));
    struct driver_irq irq;
    if ((err = driver_irq_attach("icu", line, IRQ_BIT, &irq)) != 0)
        return failed("taking the interrupt line", err);
    if (script_buffer(src, &from) || own_buffer(&dest, &to))
        return 1;
    if (copy_and_compare(dma, &irq, src, from, dest, to))
        return 1;
    printf("dma-copy: %u KiB copied by the PL081 from %08lx to %08lx (physical), %u interrupts "
           "through IRQ %lu\n", BUFFER_SIZE / 1024, (unsigned long)src, (unsigned long)dest,
           BUFFER_SIZE / CHUNK, (unsigned long)line);
    return 0;
}
