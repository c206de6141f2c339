/* SPDX-License-Identifier: MIT */
/*
 * Reading 32-bit little-endian ARM ELF executables (the root task at boot; later the
 * loader shares it). Portable: unit-tested on the host. Every offset and size in the
 * file is checked against the file size before use.
 */
#ifndef PECAN_LIB_ELF32_H
#define PECAN_LIB_ELF32_H

#include <types.h>

#define ELF32_MAX_SEGMENTS 16
#define ELF32_SEGMENT_READ 0x4u
#define ELF32_SEGMENT_WRITE 0x2u
#define ELF32_SEGMENT_EXECUTE 0x1u

struct elf32_segment {
    uint32_t vaddr;
    uint32_t memory_size;
    uint32_t file_offset;
    uint32_t file_size;
    uint32_t flags;        /* ELF32_SEGMENT_* */
};

struct elf32_executable {
    uint32_t entry;
    unsigned segment_count;        /* loadable segments only */
    struct elf32_segment segments[ELF32_MAX_SEGMENTS];
};

enum elf32_error {
    ELF32_OK = 0,
    ELF32_TOO_SHORT,
    ELF32_NOT_ELF,
    ELF32_NOT_ARM32_LE_EXECUTABLE,
    ELF32_BAD_PROGRAM_HEADERS,
    ELF32_TOO_MANY_SEGMENTS,
    ELF32_SEGMENT_OUTSIDE_FILE,
    ELF32_SEGMENT_BAD_SIZE,
    ELF32_SEGMENT_OUT_OF_RANGE,
    ELF32_SEGMENTS_OVERLAP,
    ELF32_NO_SEGMENTS,
    ELF32_ENTRY_OUTSIDE,
};

/* Parses and checks an executable whose loadable segments must lie below limit. */
enum elf32_error elf32_read(const void *file, size_t size, uint32_t limit,
                            struct elf32_executable *out);
const char *elf32_error_text(enum elf32_error error);

#endif
