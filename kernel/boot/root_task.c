/* SPDX-License-Identifier: MIT */
/*
 * Building the root task from boot module 0 (an ELF executable). This is the only time
 * the kernel allocates memory itself: the root task's CNode, thread object, page directory,
 * page tables, image, stack, UTCB and boot-info frames come from the top of free RAM. All RAM
 * left over becomes untyped capabilities, and the boards' MMIO regions device untyped,
 * in the root CNode. The boot-info area lists every capability (abi/bootinfo.h).
 *
 * The objects made here are roots of the derivation tree (no untyped parent): their
 * memory is never given back.
 */
#include <arch/processor.h>
#include <arch/memory.h>
#include <boot/init.h>
#include <boot/boot_modules.h>
#include <core/console.h>
#include <core/cdt.h>
#include <core/cspace.h>
#include <core/sched.h>
#include <lib/elf32.h>
#include <lib/string.h>
#include <object/log.h>
#include <object/scheduler.h>
#include <object/irq_handler.h>
#include <object/thread.h>
#include <object/untyped.h>
#include <object/vspace.h>
#include <core/panic.h>
#include <pecan/bootinfo.h>
#include <plat.h>
#include <boot/root_task.h>

#define ROOT_PRIORITY 128
#define MAX_PAGE_TABLES 64

struct root_builder {
    paddr_t alloc_top;              /* boot allocations go downwards from here */
    paddr_t free_low_end;           /* free RAM below: [image end, alloc bottom) */
    struct cte *cnode;              /* the root CNode's slots */
    unsigned cnode_bits;            /* log2 of their number (root_cnode_bits_for) */
    pecan_cap_t next_slot;
    struct thread *thread;
    struct vspace *vspace;
    struct pecan_bootinfo *info;
    vaddr_t page_table_mib[MAX_PAGE_TABLES];
    unsigned page_table_count;
};

static paddr_t boot_alloc(struct root_builder *b, unsigned size_bits)
{
    paddr_t size = (paddr_t)1 << size_bits;
    paddr_t base = ALIGN_DOWN(b->alloc_top - size, size);
    if (base < b->free_low_end || base > b->alloc_top)
        panic("boot: out of memory building the root task");
    b->alloc_top = base;
    memset(phys_to_virt(base), 0, size);
    return base;
}

static void record_cap(struct root_builder *b, pecan_cap_t slot, unsigned kind,
                       const struct capability *cap)
{
    struct pecan_bootinfo *info = b->info;
    if (info->cap_count == PECAN_BOOTINFO_MAX_CAPS)
        panic("boot: more than %u capabilities for the boot-info list", PECAN_BOOTINFO_MAX_CAPS);
    size_t size = cap_object_size(cap);
    info->caps[info->cap_count++] = (struct pecan_bootinfo_cap){
        .slot = slot, .kind = kind, .paddr = cap_object_phys(cap),
        .size_bits = size ? (uint32_t)__builtin_ctz(size) : 0,
    };
}

/* Puts a capability into a root CNode slot as a derivation-tree root. */
static struct cte *place_cap(struct root_builder *b, pecan_cap_t slot, struct capability cap)
{
    if (slot >= (1u << b->cnode_bits))
        panic("boot: the root CNode (%u slots) is too small", 1u << b->cnode_bits);
    struct cte *cte = &b->cnode[slot];
    cte->cap = cap;
    cdt_insert_root(cte);
    return cte;
}

static pecan_cap_t next_slot(struct root_builder *b)
{
    return b->next_slot++;
}

static struct capability frame_cap(paddr_t phys)
{
    return (struct capability){
        .type = CAP_FRAME, .rights = PECAN_RIGHTS_ALL, .size_bits = PAGE_SHIFT, .object = phys,
    };
}

static void ensure_page_table(struct root_builder *b, vaddr_t vaddr)
{
    vaddr_t mib = vaddr >> SECTION_SHIFT;
    for (unsigned i = 0; i < b->page_table_count; i++) {
        if (b->page_table_mib[i] == mib)
            return;
    }
    if (b->page_table_count == MAX_PAGE_TABLES)
        panic("boot: root task needs more than %u page tables", MAX_PAGE_TABLES);
    b->page_table_mib[b->page_table_count++] = mib;
    paddr_t phys = boot_alloc(b, PAGE_TABLE_SIZE_BITS);
    pecan_cap_t slot = next_slot(b);
    struct capability cap = {
        .type = CAP_PAGE_TABLE, .rights = PECAN_RIGHTS_ALL,
        .size_bits = PAGE_TABLE_SIZE_BITS, .object = (uintptr_t)phys_to_virt(phys),
    };
    struct cte *cte = place_cap(b, slot, cap);
    int err = vspace_map_page_table(b->vspace, cte, vaddr);
    if (err)
        panic("boot: installing a root page table at %08lx failed (%d)", (unsigned long)vaddr, err);
    record_cap(b, slot, PECAN_BOOTINFO_PAGE_TABLE, &cte->cap);
}

/* Maps a frame capability that already sits in slot. */
static void map_frame(struct root_builder *b, struct cte *frame, vaddr_t vaddr, unsigned rights)
{
    ensure_page_table(b, vaddr);
    int err = vspace_map_frame(b->vspace, frame, vaddr, rights);
    if (err)
        panic("boot: mapping the root task's page %08lx failed (%d)", (unsigned long)vaddr, err);
}

/* A fresh zeroed frame in a new slot, mapped at vaddr; returns its kernel address. */
static void *add_frame(struct root_builder *b, vaddr_t vaddr, unsigned rights, unsigned kind,
                       pecan_cap_t slot)
{
    paddr_t phys = boot_alloc(b, PAGE_SHIFT);
    struct cte *cte = place_cap(b, slot, frame_cap(phys));
    map_frame(b, cte, vaddr, rights);
    record_cap(b, slot, kind, &cte->cap);
    return phys_to_virt(phys);
}

static unsigned segment_rights(uint32_t flags)
{
    return ((flags & ELF32_SEGMENT_READ) ? PECAN_MAP_READ : 0) |
           ((flags & ELF32_SEGMENT_WRITE) ? PECAN_MAP_WRITE | PECAN_MAP_READ : 0) |
           ((flags & ELF32_SEGMENT_EXECUTE) ? PECAN_MAP_EXECUTE | PECAN_MAP_READ : 0);
}

static void load_segment(struct root_builder *b, const uint8_t *file,
                         const struct elf32_segment *seg)
{
    vaddr_t first = ALIGN_DOWN(seg->vaddr, PAGE_SIZE);
    vaddr_t end = ALIGN_UP(seg->vaddr + seg->memory_size, PAGE_SIZE);
    for (vaddr_t page = first; page < end; page += PAGE_SIZE) {
        paddr_t existing;
        if (vspace_lookup(b->vspace, page, &existing, NULL))
            panic("boot: root task segments share the page %08lx (link with page-aligned "
                  "segments)", (unsigned long)page);
        uint8_t *dst = add_frame(b, page, segment_rights(seg->flags),
                                 PECAN_BOOTINFO_IMAGE_FRAME, next_slot(b));
        /* The part of the file that lands in this page. */
        for (vaddr_t va = page < seg->vaddr ? seg->vaddr : page; va < page + PAGE_SIZE; va++) {
            if (va - seg->vaddr >= seg->file_size)
                break;
            dst[va - page] = file[seg->file_offset + (va - seg->vaddr)];
        }
    }
}

static vaddr_t load_image(struct root_builder *b)
{
    if (boot_module_count() == 0)
        panic("boot: the boot image has no modules, so there is no root task");
    struct elf32_executable exe;
    const struct boot_image_module *m = boot_module(0);
    enum elf32_error e = elf32_read(boot_module_data(0), m->size, PECAN_ROOT_IMAGE_LIMIT, &exe);
    if (e != ELF32_OK)
        panic("boot: root task %s: %s", m->name, elf32_error_text(e));
    for (unsigned i = 0; i < exe.segment_count; i++)
        load_segment(b, boot_module_data(0), &exe.segments[i]);
    return exe.entry;
}

static void map_modules(struct root_builder *b)
{
    vaddr_t vaddr = PECAN_ROOT_MODULES_VADDR;
    b->info->module_count = boot_module_count();
    for (unsigned i = 0; i < boot_module_count(); i++) {
        const struct boot_image_module *m = boot_module(i);
        struct pecan_bootinfo_module *bm = &b->info->modules[i];
        unsigned pages = ALIGN_UP(m->size, PAGE_SIZE) / PAGE_SIZE;
        /* Page tables first, so the module's frames get consecutive slots. */
        for (vaddr_t mib = ALIGN_DOWN(vaddr, SECTION_SIZE); mib < vaddr + pages * PAGE_SIZE;
             mib += SECTION_SIZE)
            ensure_page_table(b, mib);
        *bm = (struct pecan_bootinfo_module){
            .first_frame = b->next_slot, .frame_count = pages, .size = m->size,
            .vaddr = vaddr, .paddr = boot_module_phys(i),
        };
        memcpy(bm->name, m->name, sizeof(bm->name));
        for (unsigned p = 0; p < pages; p++, vaddr += PAGE_SIZE) {
            struct cte *cte = place_cap(b, next_slot(b), frame_cap(boot_module_phys(i) + p * PAGE_SIZE));
            map_frame(b, cte, vaddr, PECAN_MAP_READ);
        }
    }
}

/* Splits [start, end) into naturally aligned power-of-two untyped blocks. */
static void add_untyped_range(struct root_builder *b, paddr_t start, paddr_t end, bool device,
                              unsigned max_bits)
{
    start = ALIGN_UP(start, PAGE_SIZE);
    end = ALIGN_DOWN(end, PAGE_SIZE);
    while (start < end) {
        unsigned bits = start ? (unsigned)__builtin_ctz(start) : 31;
        while (bits > max_bits || ((paddr_t)1 << bits) > end - start)
            bits--;
        pecan_cap_t slot = next_slot(b);
        struct cte *cte = place_cap(b, slot, untyped_cap(start, bits, device));
        record_cap(b, slot, device ? PECAN_BOOTINFO_DEVICE_UNTYPED : PECAN_BOOTINFO_UNTYPED,
                   &cte->cap);
        start += (paddr_t)1 << bits;
    }
}

static void add_untyped(struct root_builder *b)
{
    add_untyped_range(b, PLAT_RAM_BASE, boot_info.kernel_phys_start, false, 30);
    add_untyped_range(b, b->free_low_end, b->alloc_top, false, 30);
    unsigned count;
    const struct plat_device_region *dev = plat_user_devices(&count);
    for (unsigned i = 0; i < count; i++)
        add_untyped_range(b, dev[i].base, dev[i].base + ((paddr_t)1 << dev[i].size_bits), true,
                          dev[i].size_bits);
}

static struct cte *add_kernel_object(struct root_builder *b, pecan_cap_t slot,
                                     struct capability cap)
{
    struct cte *cte = place_cap(b, slot, cap);
    record_cap(b, slot, PECAN_BOOTINFO_KERNEL_OBJECT, &cte->cap);
    return cte;
}

/* One slot per PECAN_ROOT_CNODE_BYTES_PER_SLOT bytes of RAM, within the ABI's bounds. */
static unsigned root_cnode_bits_for(size_t ram_size)
{
    unsigned bits = PECAN_ROOT_CNODE_MIN_BITS;
    while (bits < PECAN_ROOT_CNODE_MAX_BITS &&
           ((size_t)PECAN_ROOT_CNODE_BYTES_PER_SLOT << bits) < ram_size)
        bits++;
    return bits;
}

static void create_core_objects(struct root_builder *b)
{
    b->cnode_bits = root_cnode_bits_for(boot_info.ram_size);
    paddr_t cnode_phys = boot_alloc(b, b->cnode_bits + CTE_SIZE_BITS);
    b->cnode = phys_to_virt(cnode_phys);
    paddr_t vspace_phys = boot_alloc(b, VSPACE_SIZE_BITS);
    b->vspace = phys_to_virt(vspace_phys);
    if (vspace_init(b->vspace) != 0)
        panic("boot: no ASID for the root task");
    paddr_t thread_phys = boot_alloc(b, THREAD_SIZE_BITS);
    b->thread = phys_to_virt(thread_phys);
    thread_init(b->thread);

    /* A one-level CNode: a guard of zeros covers the bits above the slot number. */
    add_kernel_object(b, PECAN_ROOT_CNODE,
                      cspace_cnode_cap(b->cnode, b->cnode_bits, 0, 32 - b->cnode_bits,
                                       PECAN_RIGHTS_ALL));
    add_kernel_object(b, PECAN_ROOT_THREAD, (struct capability){
        .type = CAP_THREAD, .rights = PECAN_RIGHTS_ALL, .object = (uintptr_t)b->thread });
    add_kernel_object(b, PECAN_ROOT_VSPACE, (struct capability){
        .type = CAP_VSPACE, .rights = PECAN_RIGHTS_ALL, .object = (uintptr_t)b->vspace });
    add_kernel_object(b, PECAN_ROOT_IRQ_CONTROL, irq_control_cap());
    add_kernel_object(b, PECAN_ROOT_LOG, log_cap());
    add_kernel_object(b, PECAN_ROOT_SCHEDULER, scheduler_cap());
}

/* The thread object runs with copies of the root's CNode, vspace and UTCB capabilities. */
static void configure_thread(struct root_builder *b, vaddr_t entry)
{
    struct thread *thread = b->thread;
    const pecan_cap_t sources[THREAD_SLOT_COUNT] = {
        [THREAD_SLOT_CSPACE] = PECAN_ROOT_CNODE, [THREAD_SLOT_VSPACE] = PECAN_ROOT_VSPACE,
        [THREAD_SLOT_UTCB] = PECAN_ROOT_UTCB_FRAME,
    };
    for (unsigned s = 0; s <= THREAD_SLOT_UTCB; s++) {
        struct cte *src = &b->cnode[sources[s]];
        cap_derive(&thread->slots[s].cap, &src->cap, PECAN_RIGHTS_ALL);
        cdt_insert_sibling(src, &thread->slots[s]);
    }
    thread->utcb_vaddr = PECAN_ROOT_UTCB_VADDR;
    thread->utcb_offset = 0;
    thread->priority = ROOT_PRIORITY;
    thread->mcp = SCHED_MAX_PRIORITY;   /* every priority limit is handed down from here */
    thread->context.pc = entry;
    thread->context.sp = PECAN_ROOT_STACK_TOP;
    thread->context.r[0] = PECAN_ROOT_BOOTINFO_VADDR;
    thread->context.cpsr = CPSR_MODE_USR;
}

/* The boot-info frames are consecutive so the kernel can fill them in as one struct;
 * they are allocated first because every capability made afterwards is recorded there. */
static paddr_t allocate_info(struct root_builder *b)
{
    _Static_assert(sizeof(struct pecan_bootinfo) <= PECAN_BOOTINFO_PAGES * PAGE_SIZE,
                   "boot info fits its pages");
    _Static_assert(PECAN_BOOTINFO_PAGES == 1u << 3, "boot info is 8 pages");
    paddr_t base = boot_alloc(b, PAGE_SHIFT + 3);
    b->info = phys_to_virt(base);
    return base;
}

static void map_info(struct root_builder *b, paddr_t base)
{
    for (unsigned p = 0; p < PECAN_BOOTINFO_PAGES; p++) {
        pecan_cap_t slot = PECAN_ROOT_BOOTINFO_FRAME + p;
        struct cte *cte = place_cap(b, slot, frame_cap(base + p * PAGE_SIZE));
        map_frame(b, cte, PECAN_ROOT_BOOTINFO_VADDR + p * PAGE_SIZE, PECAN_MAP_READ);
        record_cap(b, slot, PECAN_BOOTINFO_IMAGE_FRAME, &cte->cap);
    }
}

void root_task_create(void)
{
    struct root_builder b = {
        .alloc_top = PLAT_RAM_BASE + boot_info.ram_size,
        .free_low_end = ALIGN_UP(boot_image_phys_end(), PAGE_SIZE),
        .next_slot = PECAN_ROOT_FIRST_DYNAMIC,
    };
    paddr_t info_base = allocate_info(&b);
    create_core_objects(&b);
    map_info(&b, info_base);
    add_frame(&b, PECAN_ROOT_UTCB_VADDR, PECAN_MAP_READ | PECAN_MAP_WRITE,
              PECAN_BOOTINFO_IMAGE_FRAME, PECAN_ROOT_UTCB_FRAME);
    for (unsigned p = 1; p <= PECAN_ROOT_STACK_PAGES; p++)
        add_frame(&b, PECAN_ROOT_STACK_TOP - p * PAGE_SIZE, PECAN_MAP_READ | PECAN_MAP_WRITE,
                  PECAN_BOOTINFO_IMAGE_FRAME, next_slot(&b));
    vaddr_t entry = load_image(&b);
    map_modules(&b);
    add_untyped(&b);
    configure_thread(&b, entry);

    struct pecan_bootinfo *info = b.info;
    info->magic = PECAN_BOOTINFO_MAGIC;
    info->version = PECAN_BOOTINFO_VERSION;
    info->cpu_count = boot_info.cpus_online;
    info->ram_size = boot_info.ram_size;
    info->first_free_slot = b.next_slot;
    info->root_cnode_bits = b.cnode_bits;
    info->utcb_vaddr = PECAN_ROOT_UTCB_VADDR;
    info->irq_count = PLAT_IRQ_COUNT;
    size_t cmdline_length = strnlen(boot_cmdline(), sizeof(info->cmdline) - 1);
    memcpy(info->cmdline, boot_cmdline(), cmdline_length);

    kprintf("root task: %s, entry %08lx, %u capabilities, %lu KiB of RAM as untyped\n",
            boot_module(0)->name, (unsigned long)entry, (unsigned)(b.next_slot - PECAN_ROOT_FIRST_DYNAMIC),
            (unsigned long)((b.alloc_top - b.free_low_end + boot_info.kernel_phys_start) / 1024));
    sched_enqueue(b.thread);
}
