/* SPDX-License-Identifier: MIT */
/*
 * mkimage: packs the kernel ELF and the boot modules into one ELF that QEMU's -kernel loads.
 * The boot image blob (image_builder.c) is appended as a new PT_LOAD placed physically after
 * the kernel, and the kernel variable boot_image_location is patched to point at it
 * (docs/boot.md). Every field of the input ELF is checked before it is used.
 */
#include <boot/boot_modules.h>
#include <elf.h>
#include <errno.h>
#include <lib/boot_image.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_builder.h"

#define PAGE_SIZE 4096u
#define LOCATION_SYMBOL "boot_image_location"
#define KERNEL_END_SYMBOL "__kernel_end"

struct buffer {
    uint8_t *data;
    size_t size;
};

struct options {
    const char *kernel;
    const char *output;
    const char *cmdline;
    const char **module_paths;
    struct image_module *modules;   /* names filled in; data read later */
    size_t module_count;
    enum image_corruption corrupt;
};

/* What mkimage needs from the kernel ELF, all checked against the file size. */
struct kernel_elf {
    const char *path;
    struct buffer file;
    Elf32_Ehdr ehdr;
    uint32_t window_offset;     /* p_vaddr - p_paddr of the first PT_LOAD */
    uint64_t load_end;          /* highest p_paddr + p_memsz over PT_LOAD */
    uint64_t kernel_end_phys;   /* physical address of __kernel_end */
    size_t location_offset;     /* file offset of boot_image_location */
};

static const char *temp_output;

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fputs("mkimage: error: ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
    if (temp_output)
        remove(temp_output);
    exit(1);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: mkimage --kernel K.elf --output OUT.elf [--cmdline STRING]\n"
            "               [--module FILE[:NAME]]... [--corrupt KIND]\n"
            "\n"
            "Packs the kernel ELF and boot modules (in the given order; NAME defaults to the\n"
            "file's basename, at most %u bytes, unique) into OUT.elf for qemu -kernel.\n"
            "\n"
            "--corrupt KIND   test only: damage the image so the kernel's bad-image checks\n"
            "                 can be tested (needs at least one module). KIND is one of:\n"
            "                 %s\n",
            BOOT_IMAGE_NAME_SIZE - 1, image_corruption_names());
}

/* ---- Files ---- */

static struct buffer read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("%s: cannot open: %s", path, strerror(errno));
    struct buffer b = { NULL, 0 };
    size_t capacity = 0;
    for (;;) {
        if (b.size == capacity) {
            capacity = capacity ? capacity * 2 : 65536;
            b.data = realloc(b.data, capacity);
            if (!b.data)
                die("%s: out of memory", path);
        }
        size_t n = fread(b.data + b.size, 1, capacity - b.size, f);
        b.size += n;
        if (n == 0)
            break;
    }
    if (ferror(f))
        die("%s: read error: %s", path, strerror(errno));
    fclose(f);
    return b;
}

static void write_file(const char *path, const struct buffer *b)
{
    size_t len = strlen(path);
    char *temp = malloc(len + 5);
    if (!temp)
        die("out of memory");
    memcpy(temp, path, len);
    memcpy(temp + len, ".tmp", 5);
    FILE *f = fopen(temp, "wb");
    if (!f)
        die("%s: cannot create: %s", temp, strerror(errno));
    temp_output = temp;
    if (fwrite(b->data, 1, b->size, f) != b->size || fclose(f) != 0)
        die("%s: write error: %s", temp, strerror(errno));
    if (rename(temp, path) != 0)
        die("%s: cannot rename to %s: %s", temp, path, strerror(errno));
    temp_output = NULL;
    free(temp);
}

/* ---- Command line ---- */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* "FILE:NAME" splits at the last ':' unless what follows looks like a path. */
static void parse_module(struct options *o, const char *arg)
{
    size_t i = o->module_count++;
    const char *colon = strrchr(arg, ':');
    if (!colon || strchr(colon, '/')) {
        o->module_paths[i] = arg;
        o->modules[i].name = base_name(arg);
        return;
    }
    size_t len = (size_t)(colon - arg);
    char *path = malloc(len + 1);
    if (!path)
        die("out of memory");
    memcpy(path, arg, len);
    path[len] = '\0';
    o->module_paths[i] = path;
    o->modules[i].name = colon + 1;
}

static const char *option_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc)
        die("%s needs a value (see --help)", argv[*i]);
    return argv[++*i];
}

static void parse_options(int argc, char **argv, struct options *o)
{
    o->module_paths = calloc((size_t)argc, sizeof(*o->module_paths));
    o->modules = calloc((size_t)argc, sizeof(*o->modules));
    if (!o->module_paths || !o->modules)
        die("out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--kernel") == 0) {
            o->kernel = option_value(argc, argv, &i);
        } else if (strcmp(a, "--output") == 0) {
            o->output = option_value(argc, argv, &i);
        } else if (strcmp(a, "--cmdline") == 0) {
            o->cmdline = option_value(argc, argv, &i);
        } else if (strcmp(a, "--module") == 0) {
            parse_module(o, option_value(argc, argv, &i));
        } else if (strcmp(a, "--corrupt") == 0) {
            const char *kind = option_value(argc, argv, &i);
            o->corrupt = image_corruption_parse(kind);
            if (o->corrupt == IMAGE_CORRUPT_NONE)
                die("unknown --corrupt kind '%s' (one of: %s)", kind, image_corruption_names());
        } else {
            die("unknown argument '%s' (see --help)", a);
        }
    }
    if (!o->kernel || !o->output)
        die("--kernel and --output are required (see --help)");
    if (o->corrupt != IMAGE_CORRUPT_NONE && o->module_count == 0)
        die("--corrupt needs at least one --module");
}

/* ---- Reading the kernel ELF ---- */

/* Is [offset, offset + size) inside a file of file_size bytes? Cannot overflow. */
static bool in_file(uint64_t offset, uint64_t size, size_t file_size)
{
    return offset <= file_size && size <= file_size - offset;
}

static void check_ident(const struct kernel_elf *k)
{
    const uint8_t *id = k->file.data;
    if (k->file.size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG) != 0)
        die("%s: not an ELF file", k->path);
    if (id[EI_CLASS] != ELFCLASS32)
        die("%s: not a 32-bit ELF file (EI_CLASS %u)", k->path, id[EI_CLASS]);
    if (id[EI_DATA] != ELFDATA2LSB)
        die("%s: not a little-endian ELF file (EI_DATA %u)", k->path, id[EI_DATA]);
    if (k->file.size < sizeof(Elf32_Ehdr))
        die("%s: truncated ELF header (%zu bytes)", k->path, k->file.size);
}

static void read_ehdr(struct kernel_elf *k)
{
    check_ident(k);
    Elf32_Ehdr *e = &k->ehdr;
    memcpy(e, k->file.data, sizeof(*e));
    if (e->e_machine != EM_ARM)
        die("%s: not an ARM ELF file (e_machine %u)", k->path, e->e_machine);
    if (e->e_type != ET_EXEC)
        die("%s: not an executable ELF file (e_type %u)", k->path, e->e_type);
    if (e->e_phnum == 0 || e->e_phentsize != sizeof(Elf32_Phdr))
        die("%s: no usable program headers (e_phnum %u, e_phentsize %u)", k->path, e->e_phnum,
            e->e_phentsize);
    if (e->e_phnum >= PN_XNUM - 1)
        die("%s: too many program headers (%u)", k->path, e->e_phnum);
    if (!in_file(e->e_phoff, (uint64_t)e->e_phnum * sizeof(Elf32_Phdr), k->file.size))
        die("%s: program header table outside the file", k->path);
    if (e->e_shoff == 0 || e->e_shnum == 0 || e->e_shentsize != sizeof(Elf32_Shdr))
        die("%s: no usable section headers (e_shnum %u, e_shentsize %u): the symbol table is "
            "needed", k->path, e->e_shnum, e->e_shentsize);
    if (!in_file(e->e_shoff, (uint64_t)e->e_shnum * sizeof(Elf32_Shdr), k->file.size))
        die("%s: section header table outside the file", k->path);
}

static Elf32_Phdr phdr_at(const struct kernel_elf *k, unsigned i)
{
    Elf32_Phdr p;
    memcpy(&p, k->file.data + k->ehdr.e_phoff + (size_t)i * sizeof(p), sizeof(p));
    return p;
}

static Elf32_Shdr shdr_at(const struct kernel_elf *k, unsigned i)
{
    Elf32_Shdr s;
    memcpy(&s, k->file.data + k->ehdr.e_shoff + (size_t)i * sizeof(s), sizeof(s));
    return s;
}

static void read_segments(struct kernel_elf *k)
{
    bool found = false;
    for (unsigned i = 0; i < k->ehdr.e_phnum; i++) {
        Elf32_Phdr p = phdr_at(k, i);
        if (p.p_type != PT_LOAD)
            continue;
        if (!in_file(p.p_offset, p.p_filesz, k->file.size))
            die("%s: program header %u: data outside the file", k->path, i);
        if (p.p_filesz > p.p_memsz)
            die("%s: program header %u: p_filesz > p_memsz", k->path, i);
        uint64_t end = (uint64_t)p.p_paddr + p.p_memsz;
        if (!found)
            k->window_offset = p.p_vaddr - p.p_paddr;
        if (end > k->load_end)
            k->load_end = end;
        found = true;
    }
    if (!found)
        die("%s: no PT_LOAD program header", k->path);
}

/* A section whose contents must lie in the file (unless NOBITS). */
static Elf32_Shdr section(const struct kernel_elf *k, unsigned index, const char *what)
{
    if (index == SHN_UNDEF || index >= k->ehdr.e_shnum)
        die("%s: %s: bad section index %u", k->path, what, index);
    Elf32_Shdr s = shdr_at(k, index);
    if (s.sh_type != SHT_NOBITS && !in_file(s.sh_offset, s.sh_size, k->file.size))
        die("%s: %s: section %u outside the file", k->path, what, index);
    return s;
}

static unsigned find_symtab(const struct kernel_elf *k)
{
    for (unsigned i = 1; i < k->ehdr.e_shnum; i++) {
        if (shdr_at(k, i).sh_type == SHT_SYMTAB)
            return i;
    }
    die("%s: no symbol table (was the kernel stripped?)", k->path);
}

static bool symbol_named(const struct kernel_elf *k, const Elf32_Shdr *strtab, uint32_t st_name,
                         const char *name)
{
    size_t len = strlen(name);
    if (st_name >= strtab->sh_size || len >= strtab->sh_size - st_name)
        return false;
    const char *s = (const char *)k->file.data + strtab->sh_offset + st_name;
    return memcmp(s, name, len + 1) == 0;
}

/* Looks a symbol up in .symtab; false if it is not there. */
static bool find_symbol(const struct kernel_elf *k, const char *name, Elf32_Sym *out)
{
    Elf32_Shdr symtab = section(k, find_symtab(k), "symbol table");
    if (symtab.sh_type == SHT_NOBITS || symtab.sh_entsize != sizeof(Elf32_Sym))
        die("%s: symbol table has entry size %u", k->path, symtab.sh_entsize);
    Elf32_Shdr strtab = section(k, symtab.sh_link, "symbol string table");
    if (strtab.sh_type != SHT_STRTAB)
        die("%s: symbol table's sh_link is not a string table", k->path);
    for (uint32_t i = 1; i < symtab.sh_size / sizeof(Elf32_Sym); i++) {
        Elf32_Sym sym;
        memcpy(&sym, k->file.data + symtab.sh_offset + (size_t)i * sizeof(sym), sizeof(sym));
        if (sym.st_shndx != SHN_UNDEF && symbol_named(k, &strtab, sym.st_name, name)) {
            *out = sym;
            return true;
        }
    }
    return false;
}

static void check_loaded(const struct kernel_elf *k, size_t offset, size_t size)
{
    for (unsigned i = 0; i < k->ehdr.e_phnum; i++) {
        Elf32_Phdr p = phdr_at(k, i);
        if (p.p_type == PT_LOAD && offset >= p.p_offset &&
            offset - p.p_offset + size <= p.p_filesz)
            return;
    }
    die("%s: %s is not in a loaded segment", k->path, LOCATION_SYMBOL);
}

static void find_location(struct kernel_elf *k)
{
    Elf32_Sym sym;
    if (!find_symbol(k, LOCATION_SYMBOL, &sym))
        die("%s: symbol %s not found", k->path, LOCATION_SYMBOL);
    if (sym.st_size != sizeof(struct boot_image_location))
        die("%s: %s has size %u, expected 8", k->path, LOCATION_SYMBOL, sym.st_size);
    if (sym.st_shndx >= SHN_LORESERVE)
        die("%s: %s is not in a section", k->path, LOCATION_SYMBOL);
    Elf32_Shdr s = section(k, sym.st_shndx, LOCATION_SYMBOL);
    if (s.sh_type == SHT_NOBITS)
        die("%s: %s is in a NOBITS section (.bss): it must be in .data", k->path,
            LOCATION_SYMBOL);
    if (sym.st_value < s.sh_addr || sym.st_value - s.sh_addr > s.sh_size ||
        s.sh_size - (sym.st_value - s.sh_addr) < sym.st_size)
        die("%s: %s lies outside its section", k->path, LOCATION_SYMBOL);
    k->location_offset = (size_t)s.sh_offset + (sym.st_value - s.sh_addr);
    check_loaded(k, k->location_offset, sym.st_size);
}

static void read_kernel(struct kernel_elf *k, const char *path)
{
    k->path = path;
    k->file = read_file(path);
    read_ehdr(k);
    read_segments(k);
    Elf32_Sym end;
    if (!find_symbol(k, KERNEL_END_SYMBOL, &end))
        die("%s: symbol %s not found (not linked with kernel.ld?)", k->path, KERNEL_END_SYMBOL);
    k->kernel_end_phys = (uint32_t)(end.st_value - k->window_offset);
    find_location(k);
}

/* ---- Writing the output ELF ---- */

static uint32_t image_phys_address(const struct kernel_elf *k, uint32_t blob_size)
{
    uint64_t phys = ALIGN_UP(k->load_end, (uint64_t)PAGE_SIZE);
    uint64_t after_kernel = ALIGN_UP(k->kernel_end_phys, (uint64_t)PAGE_SIZE);
    if (after_kernel > phys)
        phys = after_kernel;
    if (phys + blob_size > UINT32_MAX)
        die("%s: no room for a %u byte image above the kernel (ends at 0x%llx)", k->path,
            blob_size, (unsigned long long)phys);
    return (uint32_t)phys;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static Elf32_Phdr image_phdr(const struct kernel_elf *k, size_t offset, uint32_t phys,
                             uint32_t size, enum image_corruption corrupt)
{
    Elf32_Phdr p = {
        .p_type = PT_LOAD,
        .p_offset = (Elf32_Off)offset,
        .p_vaddr = phys + k->window_offset,
        .p_paddr = phys,
        .p_filesz = size,
        .p_memsz = size,
        .p_flags = PF_R,
        .p_align = PAGE_SIZE,
    };
    if (corrupt == IMAGE_CORRUPT_TRUNCATE)
        p.p_filesz = p.p_memsz = ALIGN_DOWN(size / 2, 4u);
    return p;
}

/* Input bytes, padding, the blob at a page boundary, then the extended program headers. */
static struct buffer build_output(const struct kernel_elf *k, const struct image_blob *blob,
                                  uint32_t phys, enum image_corruption corrupt)
{
    size_t blob_offset = ALIGN_UP(k->file.size, (size_t)PAGE_SIZE);
    size_t phoff = blob_offset + blob->size;
    unsigned phnum = k->ehdr.e_phnum + 1u;
    struct buffer out = { NULL, phoff + phnum * sizeof(Elf32_Phdr) };
    if (out.size > UINT32_MAX)
        die("%s: output would exceed 4 GiB", k->path);
    out.data = calloc(1, out.size);
    if (!out.data)
        die("out of memory");
    memcpy(out.data, k->file.data, k->file.size);
    memcpy(out.data + blob_offset, blob->data, blob->size);
    memcpy(out.data + phoff, k->file.data + k->ehdr.e_phoff, k->ehdr.e_phnum * sizeof(Elf32_Phdr));
    Elf32_Phdr p = image_phdr(k, blob_offset, phys, blob->size, corrupt);
    memcpy(out.data + phoff + k->ehdr.e_phnum * sizeof(Elf32_Phdr), &p, sizeof(p));

    Elf32_Ehdr e = k->ehdr;
    e.e_phoff = (Elf32_Off)phoff;
    e.e_phnum = (Elf32_Half)phnum;
    memcpy(out.data, &e, sizeof(e));
    if (corrupt != IMAGE_CORRUPT_UNPACKED) {
        put_u32(out.data + k->location_offset, phys);
        put_u32(out.data + k->location_offset + 4, blob->size);
    }
    return out;
}

/* ---- Main ---- */

static void read_modules(struct options *o)
{
    for (size_t i = 0; i < o->module_count; i++) {
        struct buffer b = read_file(o->module_paths[i]);
        o->modules[i].data = b.data;
        o->modules[i].size = b.size;
    }
}

static void build_blob(const struct options *o, struct image_blob *blob)
{
    const char *error = image_build(o->cmdline, o->modules, o->module_count, blob);
    if (error)
        die("%s: %s", o->output, error);
    struct boot_image_problem problem;
    enum boot_image_error e = boot_image_check(blob->data, blob->size, &problem);
    if (e != BOOT_IMAGE_OK)
        die("internal error: built image fails its check: %s (module %d)",
            boot_image_error_text(e), problem.module);
    if ((error = image_corrupt(blob, o->corrupt)) != NULL)
        die("%s: %s", o->output, error);
}

int main(int argc, char **argv)
{
    struct options o = { 0 };
    struct kernel_elf k = { 0 };
    struct image_blob blob;

    parse_options(argc, argv, &o);
    read_kernel(&k, o.kernel);
    read_modules(&o);
    build_blob(&o, &blob);
    uint32_t phys = image_phys_address(&k, blob.size);
    struct buffer out = build_output(&k, &blob, phys, o.corrupt);
    write_file(o.output, &out);
    printf("mkimage: %s: %zu modules, %u bytes at phys 0x%08x\n", o.output, o.module_count,
           blob.size, phys);
    return 0;
}
