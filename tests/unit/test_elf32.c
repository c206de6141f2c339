/* SPDX-License-Identifier: MIT */
/*
 * The ELF32 reader (kernel/lib/elf32.c) on the host: a valid two-segment executable, and
 * each way a file can be wrong, plus random corruption that must never crash it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "elf_test_file.h"

#include <lib/elf32.h>

struct test_file {
    struct elf_test_header header;
    struct elf_test_segment ph[2];
    uint8_t data[8192];
};

static struct test_file file;

static int setup(void **state)
{
    (void)state;
    memset(&file, 0, sizeof(file));
    elf_test_header_init(&file.header, offsetof(struct test_file, ph), 2);
    file.ph[0] = (struct elf_test_segment){ 1, offsetof(struct test_file, data), 0x10000, 0, 4096, 4096, 5, 4096 };
    file.ph[1] = (struct elf_test_segment){ 1, offsetof(struct test_file, data) + 4096, 0x11000, 0, 100, 8192, 6, 4096 };
    return 0;
}

static enum elf32_error read_file(struct elf32_executable *exe)
{
    return elf32_read(&file, sizeof(file), 0x40000000, exe);
}

static void test_valid(void **state)
{
    (void)state;
    struct elf32_executable exe;
    assert_int_equal(read_file(&exe), ELF32_OK);
    assert_int_equal(exe.entry, 0x10010);
    assert_int_equal(exe.segment_count, 2);
    assert_int_equal(exe.segments[0].flags, ELF32_SEGMENT_READ | ELF32_SEGMENT_EXECUTE);
    assert_int_equal(exe.segments[1].flags, ELF32_SEGMENT_READ | ELF32_SEGMENT_WRITE);
    assert_int_equal(exe.segments[1].memory_size, 8192);
    assert_int_equal(exe.segments[1].file_size, 100);
}

static void test_errors(void **state)
{
    struct elf32_executable exe;
    assert_int_equal(elf32_read(&file, 10, 0x40000000, &exe), ELF32_TOO_SHORT);
    file.header.ident[1] = 'X';
    assert_int_equal(read_file(&exe), ELF32_NOT_ELF);
    setup(state);
    file.header.machine = 3;
    assert_int_equal(read_file(&exe), ELF32_NOT_ARM32_LE_EXECUTABLE);
    setup(state);
    file.header.phoff = sizeof(file) - 10;
    assert_int_equal(read_file(&exe), ELF32_BAD_PROGRAM_HEADERS);
    setup(state);
    file.ph[1].offset = sizeof(file) - 10;
    assert_int_equal(read_file(&exe), ELF32_SEGMENT_OUTSIDE_FILE);
    setup(state);
    file.ph[1].filesz = 9000;
    assert_int_equal(read_file(&exe), ELF32_SEGMENT_OUTSIDE_FILE);
    setup(state);
    file.ph[1].memsz = 50;
    assert_int_equal(read_file(&exe), ELF32_SEGMENT_BAD_SIZE);
    setup(state);
    file.ph[1].vaddr = 0x3ffff000;
    assert_int_equal(read_file(&exe), ELF32_SEGMENT_OUT_OF_RANGE);
    setup(state);
    file.ph[1].vaddr = 0xfffff000;
    assert_int_equal(read_file(&exe), ELF32_SEGMENT_OUT_OF_RANGE);
    setup(state);
    file.ph[1].vaddr = 0x10800;
    assert_int_equal(read_file(&exe), ELF32_SEGMENTS_OVERLAP);
    setup(state);
    file.header.entry = 0x11000;
    assert_int_equal(read_file(&exe), ELF32_ENTRY_OUTSIDE);
    setup(state);
    file.ph[0].type = file.ph[1].type = 4;
    assert_int_equal(read_file(&exe), ELF32_NO_SEGMENTS);
    assert_string_equal(elf32_error_text(ELF32_NO_SEGMENTS), "no loadable segment");
}

static void test_random_corruption(void **state)
{
    (void)state;
    srand(42);
    for (int i = 0; i < 20000; i++) {
        setup(NULL);
        uint8_t *bytes = (uint8_t *)&file;
        for (int n = 0; n < 4; n++)
            bytes[rand() % (int)offsetof(struct test_file, data)] = (uint8_t)rand();
        struct elf32_executable exe;
        if (read_file(&exe) != ELF32_OK)
            continue;
        /* Whatever it accepts is safe to load: segments inside the file and the limit. */
        for (unsigned s = 0; s < exe.segment_count; s++) {
            assert_true(exe.segments[s].file_offset + exe.segments[s].file_size <= sizeof(file));
            assert_true(exe.segments[s].vaddr + exe.segments[s].memory_size <= 0x40000000u);
            assert_true(exe.segments[s].file_size <= exe.segments[s].memory_size);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_valid, setup),
        cmocka_unit_test_setup(test_errors, setup),
        cmocka_unit_test_setup(test_random_corruption, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
