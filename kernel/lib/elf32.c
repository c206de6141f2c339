/* SPDX-License-Identifier: MIT */
/* Reading ELF32 ARM executables (include/lib/elf32.h). */
#include <lib/elf32.h>
#include <lib/string.h>

#define PT_LOAD 1
#define ET_EXEC 2
#define EM_ARM 40
#define PF_X 1
#define PF_W 2
#define PF_R 4

struct elf32_header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_program_header {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

static const char *const texts[] = {
    [ELF32_OK] = "ok",
    [ELF32_TOO_SHORT] = "file shorter than an ELF header",
    [ELF32_NOT_ELF] = "not an ELF file",
    [ELF32_NOT_ARM32_LE_EXECUTABLE] = "not a 32-bit little-endian ARM executable",
    [ELF32_BAD_PROGRAM_HEADERS] = "program header table out of range or malformed",
    [ELF32_TOO_MANY_SEGMENTS] = "too many loadable segments",
    [ELF32_SEGMENT_OUTSIDE_FILE] = "segment data outside the file",
    [ELF32_SEGMENT_BAD_SIZE] = "segment file size larger than memory size",
    [ELF32_SEGMENT_OUT_OF_RANGE] = "segment outside the allowed address range",
    [ELF32_SEGMENTS_OVERLAP] = "segments overlap",
    [ELF32_NO_SEGMENTS] = "no loadable segment",
    [ELF32_ENTRY_OUTSIDE] = "entry point outside every executable segment",
};

const char *elf32_error_text(enum elf32_error error)
{
    return (unsigned)error < ARRAY_SIZE(texts) ? texts[error] : "unknown error";
}

static enum elf32_error check_header(const struct elf32_header *h, size_t size)
{
    if (size < sizeof(*h))
        return ELF32_TOO_SHORT;
    if (memcmp(h->ident, "\177ELF", 4) != 0)
        return ELF32_NOT_ELF;
    if (h->ident[4] != 1 || h->ident[5] != 1 || h->type != ET_EXEC || h->machine != EM_ARM)
        return ELF32_NOT_ARM32_LE_EXECUTABLE;
    if (h->phentsize != sizeof(struct elf32_program_header) || h->phoff > size ||
        (size - h->phoff) / sizeof(struct elf32_program_header) < h->phnum || (h->phoff & 3))
        return ELF32_BAD_PROGRAM_HEADERS;
    return ELF32_OK;
}

static enum elf32_error read_segment(const struct elf32_program_header *ph, size_t size,
                                     uint32_t limit, struct elf32_segment *seg)
{
    if (ph->offset > size || ph->filesz > size - ph->offset)
        return ELF32_SEGMENT_OUTSIDE_FILE;
    if (ph->filesz > ph->memsz)
        return ELF32_SEGMENT_BAD_SIZE;
    if (ph->vaddr > limit || ph->memsz > limit - ph->vaddr)
        return ELF32_SEGMENT_OUT_OF_RANGE;
    *seg = (struct elf32_segment){
        .vaddr = ph->vaddr, .memory_size = ph->memsz, .file_offset = ph->offset,
        .file_size = ph->filesz,
        .flags = ((ph->flags & PF_R) ? ELF32_SEGMENT_READ : 0) |
                 ((ph->flags & PF_W) ? ELF32_SEGMENT_WRITE : 0) |
                 ((ph->flags & PF_X) ? ELF32_SEGMENT_EXECUTE : 0),
    };
    return ELF32_OK;
}

static bool overlap(const struct elf32_segment *a, const struct elf32_segment *b)
{
    return a->vaddr < b->vaddr + b->memory_size && b->vaddr < a->vaddr + a->memory_size;
}

static bool entry_executable(const struct elf32_executable *exe)
{
    for (unsigned i = 0; i < exe->segment_count; i++) {
        const struct elf32_segment *s = &exe->segments[i];
        if ((s->flags & ELF32_SEGMENT_EXECUTE) && exe->entry >= s->vaddr &&
            exe->entry - s->vaddr < s->memory_size)
            return true;
    }
    return false;
}

enum elf32_error elf32_read(const void *file, size_t size, uint32_t limit,
                            struct elf32_executable *out)
{
    const struct elf32_header *h = file;
    enum elf32_error e = check_header(h, size);
    if (e != ELF32_OK)
        return e;
    const struct elf32_program_header *ph =
        (const struct elf32_program_header *)((const uint8_t *)file + h->phoff);
    out->entry = h->entry;
    out->segment_count = 0;
    for (unsigned i = 0; i < h->phnum; i++) {
        if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
            continue;
        if (out->segment_count == ELF32_MAX_SEGMENTS)
            return ELF32_TOO_MANY_SEGMENTS;
        struct elf32_segment *seg = &out->segments[out->segment_count];
        if ((e = read_segment(&ph[i], size, limit, seg)) != ELF32_OK)
            return e;
        for (unsigned j = 0; j < out->segment_count; j++) {
            if (overlap(seg, &out->segments[j]))
                return ELF32_SEGMENTS_OVERLAP;
        }
        out->segment_count++;
    }
    if (out->segment_count == 0)
        return ELF32_NO_SEGMENTS;
    return entry_executable(out) ? ELF32_OK : ELF32_ENTRY_OUTSIDE;
}
