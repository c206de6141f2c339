/* SPDX-License-Identifier: MIT */
/*
 * Tests of the mkimage tool itself, run as a program on a small hand-made ARM kernel ELF:
 * the output's program headers, the patched boot_image_location and the packed blob, the
 * --corrupt kinds, the error cases, and that malformed input never crashes it.
 * MKIMAGE_WRAPPER in the environment (e.g. a valgrind script) is run in front of mkimage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lib/boot_image.h>

#ifndef MKIMAGE_PATH
#error "MKIMAGE_PATH must name the mkimage executable"
#endif

/* The hand-made kernel: one PT_LOAD (.data + .bss) in the 0xC0000000 kernel window. */
#define WINDOW 0xC0000000u
#define LOAD_PHYS 0x10000u
#define LOAD_FILESZ 0x100u
#define LOAD_MEMSZ 0x3000u
#define OFF_DATA 0x1000u
#define LOCATION_VADDR (WINDOW + LOAD_PHYS + 0x80u)
#define OFF_SYMTAB 0x1100u
#define OFF_STRTAB 0x1140u
#define OFF_SHSTRTAB 0x1180u
#define OFF_SHDR 0x1200u
#define SHNUM 6u
#define KERNEL_SIZE (OFF_SHDR + SHNUM * sizeof(Elf32_Shdr))

static const char strtab[] = "\0boot_image_location\0__kernel_end";
static const char shstrtab[] = "\0.data\0.symtab\0.strtab\0.shstrtab\0.bss";

/* Variations of the hand-made kernel for the error cases. */
struct kernel_spec {
    uint32_t kernel_end;        /* virtual */
    uint16_t machine;
    bool location_in_bss;
    const char *location_name;  /* as written to the string table (same length) */
};

static char dir[] = "/tmp/pecan-test-mkimage-XXXXXX";

/* ---- Files ---- */

static const char *path(const char *name)
{
    static char buf[16][256];
    static int next;
    char *p = buf[next++ % 16];
    if (snprintf(p, sizeof(buf[0]), "%s/%s", dir, name) >= (int)sizeof(buf[0]))
        fail_msg("path too long: %s", name);
    return p;
}

static void write_bytes(const char *file, const void *data, size_t size)
{
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
}

static uint8_t *read_bytes(const char *file, size_t *size)
{
    FILE *f = fopen(file, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    *size = (size_t)ftell(f);
    rewind(f);
    uint8_t *data = malloc(*size + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, *size, f), *size);
    fclose(f);
    return data;
}

/* ---- The hand-made kernel ELF ---- */

static void put_shdr(uint8_t *elf, unsigned i, Elf32_Shdr s)
{
    memcpy(elf + OFF_SHDR + i * sizeof(s), &s, sizeof(s));
}

static void put_symbols(uint8_t *elf, const struct kernel_spec *spec)
{
    Elf32_Sym syms[3] = {
        { 0 },
        { .st_name = 1, .st_value = LOCATION_VADDR, .st_size = 8,
          .st_info = ELF32_ST_INFO(STB_GLOBAL, STT_OBJECT), .st_shndx = 1 },
        { .st_name = 21, .st_value = spec->kernel_end,
          .st_info = ELF32_ST_INFO(STB_GLOBAL, STT_NOTYPE), .st_shndx = SHN_ABS },
    };
    if (spec->location_in_bss) {
        syms[1].st_value = WINDOW + LOAD_PHYS + LOAD_FILESZ;
        syms[1].st_shndx = 5;
    }
    memcpy(elf + OFF_SYMTAB, syms, sizeof(syms));
    memcpy(elf + OFF_STRTAB, strtab, sizeof(strtab));
    memcpy(elf + OFF_STRTAB + 1, spec->location_name, strlen(spec->location_name));
    memcpy(elf + OFF_SHSTRTAB, shstrtab, sizeof(shstrtab));
}

static void put_sections(uint8_t *elf)
{
    uint32_t data_vaddr = WINDOW + LOAD_PHYS;
    put_shdr(elf, 1, (Elf32_Shdr){ 1, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, data_vaddr, OFF_DATA,
                                   LOAD_FILESZ, 0, 0, 4, 0 });
    put_shdr(elf, 2, (Elf32_Shdr){ 7, SHT_SYMTAB, 0, 0, OFF_SYMTAB, 3 * sizeof(Elf32_Sym), 3, 1,
                                   4, sizeof(Elf32_Sym) });
    put_shdr(elf, 3, (Elf32_Shdr){ 15, SHT_STRTAB, 0, 0, OFF_STRTAB, sizeof(strtab), 0, 0, 1, 0 });
    put_shdr(elf, 4, (Elf32_Shdr){ 23, SHT_STRTAB, 0, 0, OFF_SHSTRTAB, sizeof(shstrtab), 0, 0, 1,
                                   0 });
    put_shdr(elf, 5, (Elf32_Shdr){ 33, SHT_NOBITS, SHF_ALLOC | SHF_WRITE, data_vaddr + LOAD_FILESZ,
                                   OFF_DATA + LOAD_FILESZ, LOAD_MEMSZ - LOAD_FILESZ, 0, 0, 4, 0 });
}

static void put_headers(uint8_t *elf, const struct kernel_spec *spec)
{
    Elf32_Ehdr e = {
        .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32, ELFDATA2LSB, EV_CURRENT },
        .e_type = ET_EXEC, .e_machine = spec->machine, .e_version = EV_CURRENT,
        .e_entry = WINDOW + LOAD_PHYS, .e_phoff = sizeof(Elf32_Ehdr), .e_shoff = OFF_SHDR,
        .e_flags = 0x05000200, .e_ehsize = sizeof(Elf32_Ehdr), .e_phentsize = sizeof(Elf32_Phdr),
        .e_phnum = 1, .e_shentsize = sizeof(Elf32_Shdr), .e_shnum = SHNUM, .e_shstrndx = 4,
    };
    Elf32_Phdr p = {
        .p_type = PT_LOAD, .p_offset = OFF_DATA, .p_vaddr = WINDOW + LOAD_PHYS,
        .p_paddr = LOAD_PHYS, .p_filesz = LOAD_FILESZ, .p_memsz = LOAD_MEMSZ,
        .p_flags = PF_R | PF_W | PF_X, .p_align = 0x1000,
    };
    memcpy(elf, &e, sizeof(e));
    memcpy(elf + sizeof(e), &p, sizeof(p));
}

static const struct kernel_spec default_spec = {
    WINDOW + 0x15000u, EM_ARM, false, "boot_image_location",
};

static uint8_t *make_kernel(const struct kernel_spec *spec)
{
    uint8_t *elf = calloc(1, KERNEL_SIZE);
    assert_non_null(elf);
    put_headers(elf, spec);
    for (unsigned i = 0; i < LOAD_FILESZ; i++)
        elf[OFF_DATA + i] = (uint8_t)(0x80 + i);
    memset(elf + OFF_DATA + 0x80, 0, 8);    /* boot_image_location as linked: { 0, 0 } */
    put_symbols(elf, spec);
    put_sections(elf);
    return elf;
}

static void write_kernel(const char *name, const struct kernel_spec *spec)
{
    uint8_t *elf = make_kernel(spec);
    write_bytes(path(name), elf, KERNEL_SIZE);
    free(elf);
}

/* ---- Running mkimage ---- */

/* Runs mkimage with args (NULL-terminated); returns its exit status, or 128 + signal. */
static int run(const char *const *args)
{
    const char *argv[32];
    int n = 0;
    const char *wrapper = getenv("MKIMAGE_WRAPPER");
    if (wrapper && *wrapper)
        argv[n++] = wrapper;
    argv[n++] = MKIMAGE_PATH;
    for (int i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(path("log"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

static bool log_contains(const char *text)
{
    size_t size;
    char *log = (char *)read_bytes(path("log"), &size);
    log[size] = '\0';
    bool found = strstr(log, text) != NULL;
    if (!found)
        print_message("log was: %s\n", log);
    free(log);
    return found;
}

#define RUN(...) run((const char *const[]){ __VA_ARGS__, NULL })

/* Expects mkimage to fail cleanly, saying something containing text. */
#define EXPECT_FAILURE(text, ...)                                                             \
    do {                                                                                      \
        assert_int_equal(RUN(__VA_ARGS__), 1);                                                \
        assert_true(log_contains(text));                                                      \
    } while (0)

/* ---- The packed output ---- */

struct packed {
    uint8_t *file;
    size_t size;
    Elf32_Ehdr ehdr;
    Elf32_Phdr image;       /* the added PT_LOAD */
    uint32_t location[2];   /* boot_image_location as patched */
    const uint8_t *blob;
};

static struct packed read_packed(const char *name)
{
    struct packed p;
    p.file = read_bytes(path(name), &p.size);
    assert_true(p.size >= sizeof(p.ehdr));
    memcpy(&p.ehdr, p.file, sizeof(p.ehdr));
    assert_int_equal(p.ehdr.e_phnum, 2);
    assert_int_equal(p.ehdr.e_phoff + 2 * sizeof(Elf32_Phdr), p.size);
    memcpy(&p.image, p.file + p.ehdr.e_phoff + sizeof(Elf32_Phdr), sizeof(p.image));
    memcpy(p.location, p.file + OFF_DATA + 0x80, sizeof(p.location));
    p.blob = p.file + p.image.p_offset;
    return p;
}

/* The packed file keeps the input's bytes except the ELF header and the patched variable. */
static void check_input_kept(const struct packed *p)
{
    uint8_t *in = make_kernel(&default_spec);
    assert_memory_equal(p->file + sizeof(Elf32_Ehdr), in + sizeof(Elf32_Ehdr),
                        OFF_DATA + 0x80 - sizeof(Elf32_Ehdr));
    assert_memory_equal(p->file + OFF_DATA + 0x88, in + OFF_DATA + 0x88,
                        KERNEL_SIZE - OFF_DATA - 0x88);
    Elf32_Phdr old;
    memcpy(&old, p->file + p->ehdr.e_phoff, sizeof(old));
    assert_memory_equal(&old, in + sizeof(Elf32_Ehdr), sizeof(old));
    assert_int_equal(p->ehdr.e_shoff, OFF_SHDR);
    assert_int_equal(p->ehdr.e_shnum, SHNUM);
    free(in);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    static uint8_t beta[5000];
    for (size_t i = 0; i < sizeof(beta); i++)
        beta[i] = (uint8_t)(i * 7 + 3);
    write_bytes(path("alpha.txt"), "alpha\n", 6);
    write_bytes(path("beta.bin"), beta, sizeof(beta));
    write_kernel("kernel.elf", &default_spec);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlink(path(e->d_name));
    }
    closedir(d);
    return rmdir(dir);
}

/* ---- Tests ---- */

static void test_pack(void **state)
{
    (void)state;
    char beta_arg[300];
    snprintf(beta_arg, sizeof(beta_arg), "%s:beta", path("beta.bin"));
    assert_int_equal(RUN("--kernel", path("kernel.elf"), "--output", path("out.elf"), "--cmdline",
                         "a=1 b", "--module", path("alpha.txt"), "--module", beta_arg), 0);
    assert_true(log_contains("out.elf: 2 modules, "));
    assert_true(log_contains(" bytes at phys 0x00015000"));

    struct packed p = read_packed("out.elf");
    check_input_kept(&p);
    assert_int_equal(p.image.p_type, PT_LOAD);
    assert_int_equal(p.image.p_offset, 0x2000);
    assert_int_equal(p.image.p_paddr, 0x15000);
    assert_int_equal(p.image.p_vaddr, WINDOW + 0x15000);
    assert_int_equal(p.image.p_filesz, p.image.p_memsz);
    assert_int_equal(p.image.p_flags, PF_R);
    assert_int_equal(p.image.p_align, 4096);
    assert_int_equal(p.ehdr.e_phoff, 0x2000 + p.image.p_filesz);
    assert_int_equal(p.location[0], 0x15000);
    assert_int_equal(p.location[1], p.image.p_filesz);

    assert_int_equal(boot_image_check(p.blob, p.image.p_filesz, NULL), BOOT_IMAGE_OK);
    assert_string_equal(boot_image_cmdline(p.blob), "a=1 b");
    assert_string_equal(boot_image_module(p.blob, 0)->name, "alpha.txt");
    assert_string_equal(boot_image_module(p.blob, 1)->name, "beta");
    assert_memory_equal(boot_image_module_data(p.blob, 0), "alpha\n", 6);
    free(p.file);
}

static void test_image_after_load_end(void **state)
{
    (void)state;
    /* __kernel_end below the end of the PT_LOAD: the segment decides; no modules. */
    struct kernel_spec spec = default_spec;
    spec.kernel_end = WINDOW + 0x11000u;
    write_kernel("low-end.elf", &spec);
    assert_int_equal(RUN("--kernel", path("low-end.elf"), "--output", path("out2.elf"),
                         "--cmdline", ""), 0);
    struct packed p = read_packed("out2.elf");
    assert_int_equal(p.image.p_paddr, 0x13000);
    assert_int_equal(p.location[0], 0x13000);
    assert_int_equal(boot_image_check(p.blob, p.image.p_filesz, NULL), BOOT_IMAGE_OK);
    assert_string_equal(boot_image_cmdline(p.blob), "");
    assert_int_equal(((const struct boot_image_header *)p.blob)->cmdline_size, 1);
    free(p.file);
}

static void expect_corrupt(const char *kind, enum boot_image_error error)
{
    assert_int_equal(RUN("--kernel", path("kernel.elf"), "--output", path("bad.elf"), "--module",
                         path("alpha.txt"), "--corrupt", kind), 0);
    struct packed p = read_packed("bad.elf");
    struct boot_image_problem problem;
    assert_int_equal(boot_image_check(p.blob, p.image.p_filesz, &problem), error);
    if (error >= BOOT_IMAGE_MODULE_OUT_OF_RANGE)
        assert_int_equal(problem.module, 0);
    free(p.file);
}

static void test_corrupt_kinds(void **state)
{
    (void)state;
    expect_corrupt("magic", BOOT_IMAGE_BAD_MAGIC);
    expect_corrupt("version", BOOT_IMAGE_BAD_VERSION);
    expect_corrupt("too-many-modules", BOOT_IMAGE_TOO_MANY_MODULES);
    expect_corrupt("header-crc", BOOT_IMAGE_BAD_HEADER_CRC);
    expect_corrupt("module-crc", BOOT_IMAGE_MODULE_BAD_CRC);
    expect_corrupt("module-range", BOOT_IMAGE_MODULE_OUT_OF_RANGE);
    /* Half the segment is loaded: what the kernel sees has no trailer. */
    expect_corrupt("truncate", BOOT_IMAGE_TRUNCATED);

    struct packed p = read_packed("bad.elf");
    assert_int_equal(p.location[1] / 2 & ~3u, p.image.p_filesz);
    assert_int_equal(p.image.p_memsz, p.image.p_filesz);
    assert_int_equal(boot_image_check(p.blob, p.location[1], NULL), BOOT_IMAGE_OK);
    free(p.file);

    /* Unpacked: a good image, but boot_image_location left as linked (zero). */
    expect_corrupt("unpacked", BOOT_IMAGE_OK);
    p = read_packed("bad.elf");
    assert_int_equal(p.location[0], 0);
    assert_int_equal(p.location[1], 0);
    free(p.file);
}

static void test_usage_errors(void **state)
{
    (void)state;
    char k[256], out[256], temp[260];
    snprintf(k, sizeof(k), "%s", path("kernel.elf"));
    snprintf(out, sizeof(out), "%s", path("never.elf"));
    snprintf(temp, sizeof(temp), "%s.tmp", out);
    assert_int_equal(RUN("--help"), 0);
    assert_true(log_contains("module-range"));
    EXPECT_FAILURE("required", "--kernel", k);
    EXPECT_FAILURE("unknown argument", "--kernel", k, "--output", out, "--bogus");
    EXPECT_FAILURE("needs a value", "--kernel", k, "--output");
    EXPECT_FAILURE("unknown --corrupt kind", "--kernel", k, "--output", out, "--module",
                   path("alpha.txt"), "--corrupt", "everything");
    EXPECT_FAILURE("at least one", "--kernel", k, "--output", out, "--corrupt", "magic");
    EXPECT_FAILURE("duplicate module name 'alpha.txt'", "--kernel", k, "--output", out,
                   "--module", path("alpha.txt"), "--module", path("alpha.txt"));
    EXPECT_FAILURE("longer than 47", "--kernel", k, "--output", out, "--module",
                   "/dev/null:a-name-that-is-much-too-long-for-the-module-table-entry");
    EXPECT_FAILURE("empty name", "--kernel", k, "--output", out, "--module", "/dev/null:");
    EXPECT_FAILURE("missing.bin: cannot open", "--kernel", k, "--output", out, "--module",
                   path("missing.bin"));
    assert_int_equal(access(out, F_OK), -1);
    assert_int_equal(access(temp, F_OK), -1);
}

static void expect_bad_kernel(const char *name, const char *text)
{
    EXPECT_FAILURE(text, "--kernel", path(name), "--output", path("never.elf"), "--module",
                   path("alpha.txt"));
    assert_true(log_contains(name));
}

static void test_bad_kernels(void **state)
{
    (void)state;
    struct kernel_spec spec = default_spec;
    spec.machine = EM_386;
    write_kernel("x86.elf", &spec);
    expect_bad_kernel("x86.elf", "not an ARM ELF file");

    spec = default_spec;
    spec.location_in_bss = true;
    write_kernel("bss.elf", &spec);
    expect_bad_kernel("bss.elf", "NOBITS");

    spec = default_spec;
    spec.location_name = "boot_image_locatioX";
    write_kernel("nolocation.elf", &spec);
    expect_bad_kernel("nolocation.elf", "boot_image_location not found");

    uint8_t *elf = make_kernel(&default_spec);
    memcpy(elf + OFF_STRTAB + 21, "__kernel_enX", 12);
    write_bytes(path("noend.elf"), elf, KERNEL_SIZE);
    expect_bad_kernel("noend.elf", "__kernel_end not found");
    free(elf);

    elf = make_kernel(&default_spec);
    elf[EI_CLASS] = ELFCLASS64;
    write_bytes(path("elf64.elf"), elf, KERNEL_SIZE);
    expect_bad_kernel("elf64.elf", "not a 32-bit ELF file");
    elf[EI_CLASS] = ELFCLASS32;
    elf[EI_DATA] = ELFDATA2MSB;
    write_bytes(path("be.elf"), elf, KERNEL_SIZE);
    expect_bad_kernel("be.elf", "not a little-endian");
    free(elf);

    write_bytes(path("text.elf"), "hello world\n", 12);
    expect_bad_kernel("text.elf", "not an ELF file");
    write_bytes(path("empty.elf"), "", 0);
    expect_bad_kernel("empty.elf", "not an ELF file");
    expect_bad_kernel("absent.elf", "cannot open");
}

static void test_truncated_kernels_fail_cleanly(void **state)
{
    (void)state;
    uint8_t *elf = make_kernel(&default_spec);
    for (size_t size = 0; size < KERNEL_SIZE; size += size < 0x80 ? 1 : 29) {
        write_bytes(path("cut.elf"), elf, size);
        int status = RUN("--kernel", path("cut.elf"), "--output", path("cut-out.elf"));
        if (status != 1)
            fail_msg("kernel cut to %zu bytes: exit status %d", size, status);
    }
    free(elf);
}

static void test_damaged_kernels_never_crash(void **state)
{
    (void)state;
    uint8_t *good = make_kernel(&default_spec);
    uint8_t *elf = malloc(KERNEL_SIZE);
    assert_non_null(elf);
    uint32_t seed = 0xC0FFEEu;
    for (int round = 0; round < 400; round++) {
        memcpy(elf, good, KERNEL_SIZE);
        /* Damage the headers and the symbol, string and section tables. */
        seed = seed * 1103515245u + 12345u;
        uint32_t r = seed >> 8;
        size_t pos = r % 2 ? (r >> 1) % 0x54 : OFF_SYMTAB + (r >> 1) % (KERNEL_SIZE - OFF_SYMTAB);
        elf[pos] ^= (uint8_t)(1u + (r >> 12) % 255);
        write_bytes(path("damaged.elf"), elf, KERNEL_SIZE);
        int status = RUN("--kernel", path("damaged.elf"), "--output", path("damaged-out.elf"),
                         "--module", path("alpha.txt"));
        if (status != 0 && status != 1)
            fail_msg("round %d: byte 0x%zx damaged: exit status %d", round, pos, status);
    }
    free(elf);
    free(good);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack),
        cmocka_unit_test(test_image_after_load_end),
        cmocka_unit_test(test_corrupt_kinds),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_bad_kernels),
        cmocka_unit_test(test_truncated_kernels_fail_cleanly),
        cmocka_unit_test(test_damaged_kernels_never_crash),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
