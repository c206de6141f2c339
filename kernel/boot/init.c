/* SPDX-License-Identifier: MIT */
/*
 * The kernel's start-up on CPU 0, in order: console, memory map, boot image, interrupts
 * and tick, the other CPUs, then the boot identity map goes away. What runs afterwards is
 * the root task from boot module 0 or, in a self-test kernel, the self-tests.
 */
#include <arch/memory.h>
#include <arch/mmu.h>
#include <boot/init.h>
#include <boot/boot_modules.h>
#include <core/clock.h>
#include <core/console.h>
#include <core/console_input.h>
#include <core/cpu.h>
#include <core/kernel_info_page.h>
#include <ktest.h>
#include <plat.h>
#include <boot/root_task.h>
#include <arch/trap.h>
#include <core/sched.h>
#include <core/smp.h>
#include <core/tick.h>

#ifndef PECAN_VERSION
#define PECAN_VERSION "0.1"
#endif

extern char __kernel_start[], __kernel_end[], __vectors_start[];

struct boot_info boot_info;

static void print_region(const char *kind, paddr_t start, paddr_t end, const char *what)
{
    kprintf("  %s %08lx-%08lx %6lu KiB  %s\n", kind, (unsigned long)start,
            (unsigned long)(end - 1), (unsigned long)((end - start) / 1024), what);
}

/* Physical RAM in address order: the kernel, the boot image, and the free RAM around them
 * (what becomes untyped memory). The boot image always lies after the kernel. */
static void print_physical_memory(void)
{
    paddr_t ram_end = PLAT_RAM_BASE + boot_info.ram_size;
    struct {
        paddr_t start, end;
        const char *what;
    } used[] = {
        { boot_info.kernel_phys_start, boot_info.kernel_phys_end,
          "kernel image, data, stacks, boot page directory" },
        { boot_image_phys_start(), ALIGN_UP(boot_image_phys_end(), PAGE_SIZE),
          "boot image (module table and modules)" },
    };
    paddr_t cursor = PLAT_RAM_BASE;
    print_region("phys", PLAT_RAM_BASE, ram_end, "RAM");
    for (unsigned i = 0; i < ARRAY_SIZE(used); i++) {
        if (used[i].start > cursor)
            print_region("phys", cursor, used[i].start, "free RAM");
        print_region("phys", used[i].start, used[i].end, used[i].what);
        cursor = used[i].end;
    }
    if (ram_end > cursor)
        print_region("phys", cursor, ram_end, "free RAM");
}

static void print_memory_map(void)
{
    kprintf("memory map:\n");
    print_physical_memory();
    kprintf("  virt %08lx-%08lx kernel window -> phys %08lx (kernel only)\n",
            (unsigned long)KERNEL_VIRT_OFFSET,
            (unsigned long)(KERNEL_VIRT_OFFSET + boot_info.ram_size - 1),
            (unsigned long)PLAT_RAM_BASE);
    for (unsigned i = 0; i < mmu_device_mapping_count(); i++) {
        const struct device_mapping *m = mmu_device_mapping(i);
        kprintf("  virt %08lx-%08lx device %s -> phys %08lx\n", (unsigned long)m->virt,
                (unsigned long)(m->virt + m->size - 1), m->name, (unsigned long)m->phys);
    }
    kprintf("  virt %08lx-%08lx vector page -> phys %08lx\n", (unsigned long)VECTOR_PAGE_BASE,
            (unsigned long)(VECTOR_PAGE_BASE + PAGE_SIZE - 1),
            (unsigned long)virt_to_phys(__vectors_start));
}

static void print_modules(void)
{
    kprintf("boot modules: %u, command line \"%s\"\n", boot_module_count(), boot_cmdline());
    for (unsigned i = 0; i < boot_module_count(); i++) {
        const struct boot_image_module *m = boot_module(i);
        kprintf("  module %u: %-24s %8lu bytes at phys %08lx\n", i, m->name,
                (unsigned long)m->size, (unsigned long)boot_module_phys(i));
    }
}

static void init_memory(void)
{
    boot_info.ram_size = plat_ram_size();
    if (boot_info.ram_size > KERNEL_WINDOW_SIZE)
        boot_info.ram_size = KERNEL_WINDOW_SIZE;
    boot_info.kernel_phys_start = virt_to_phys(__kernel_start);
    boot_info.kernel_phys_end = virt_to_phys(__kernel_end);
    mmu_limit_kernel_window(boot_info.ram_size);
}

static void flush_tlb(void *arg)
{
    (void)arg;
    tlb_invalidate_all_local();
}

void kernel_main(void);

void kernel_main(void)
{
    cpu_init_local(0);
    plat_init_early();
    kprintf("\nPecan kernel %s on %s (ARMv6, MIDR %08lx)\n", PECAN_VERSION, PLAT_NAME,
            (unsigned long)cpu_read_midr());

    init_memory();
    boot_modules_init(PLAT_RAM_BASE + boot_info.ram_size);
    print_memory_map();
    print_modules();

    plat_init_interrupts();
    tick_init();
    console_input_init();
    plat_init_cpu_local(0);
    kprintf("CPU 0 online (MPIDR %08lx), tick %u Hz\n", (unsigned long)cpu_read_mpidr(),
            CONFIG_TICK_HZ);

    boot_info.cpus_online = smp_boot_secondaries();
    boot_info.cpus_online_ns = clock_now_ns();
    kprintf("CPUs online: %u\n", boot_info.cpus_online);

    /* Every CPU runs on kernel-window addresses now; user space starts out empty. */
    mmu_remove_identity_map();
    smp_run_on_cpus(smp_online_mask(), flush_tlb, NULL);

    kernel_info_page_init(boot_info.cpus_online);

#ifdef CONFIG_KTEST
    ktest_main(boot_cmdline());
#else
    root_task_create();
    smp_start_user_scheduling();   /* the other CPUs run user threads too (docs/smp.md) */
    arch_start_user();
#endif
}
