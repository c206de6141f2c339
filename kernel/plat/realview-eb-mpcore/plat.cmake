# RealView EB with ARM11MPCore (QEMU realview-eb-mpcore): the primary board.
set(PECAN_QEMU_MACHINE realview-eb-mpcore)
set(PECAN_MAX_CPUS 4)
set(PECAN_DEFAULT_SMP 4)
set(PECAN_QEMU_RAM 128M)
set(PECAN_KERNEL_PHYS_BASE 0x00010000)

# Kernel sources this board adds: its glue plus the drivers for its IP blocks.
set(PECAN_PLAT_KERNEL_SOURCES
    plat/realview-eb-mpcore/plat.c
    plat/realview-eb-mpcore/boot.S
    plat/realview-eb-mpcore/interrupts.c
    drivers/serial/pl011.c
    drivers/irq/gic.c
    drivers/timer/mpcore_twd.c)
