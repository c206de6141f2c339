/* SPDX-License-Identifier: MIT */
/*
 * Hand-made ELF32 executables for the unit tests (test_elf32.c, test_loader.c): the header
 * and program-header layouts, and a header for an ARM executable whose program headers
 * follow at phoff. Each test lays out its own file around them.
 */
#ifndef ELF_TEST_FILE_H
#define ELF_TEST_FILE_H

#include <stdint.h>
#include <string.h>

struct elf_test_header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_test_segment {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

#define ELF_TEST_PT_LOAD 1
#define ELF_TEST_ENTRY 0x10010u

/* A 32-bit little-endian ARM executable with phnum program headers at phoff. */
static inline void elf_test_header_init(struct elf_test_header *h, uint32_t phoff,
                                        uint16_t phnum)
{
    memset(h, 0, sizeof(*h));
    memcpy(h->ident, "\177ELF\1\1\1", 7);
    h->type = 2;        /* executable */
    h->machine = 40;    /* ARM */
    h->entry = ELF_TEST_ENTRY;
    h->phoff = phoff;
    h->phentsize = sizeof(struct elf_test_segment);
    h->phnum = phnum;
}

#endif
