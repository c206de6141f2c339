/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the loader library's portable parts (l4re/loader/loader.c and
 * env_build.c): the environment page it packs (read back with the runtime's own parser,
 * l4re/rt/env_parse.c) and the plan it carries out through the app model, checked against
 * a mock app model that records every call: which segments are shared from the image and
 * which are copied, where stack, heap and environment go, the capabilities and the start
 * registers, and what happens when the executable is bad or the app model fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "elf_test_file.h"

#include <pecan/errors.h>
#include <pecan/loader.h>
#include <pecan/protocols.h>
#include "env_parse.h"

/* ---- a small executable ------------------------------------------------------------------- */

#define PAGE 0x1000u

struct test_file {
    struct elf_test_header header;
    struct elf_test_segment ph[3];
    uint8_t pad[PAGE - 52 - 3 * 32];
    uint8_t pages[3][PAGE];
};
_Static_assert(offsetof(struct test_file, pages) == PAGE, "test file layout");

static struct test_file file;

/* Text (R+X, shareable), data (R+W, 100 bytes of file and bss, not page aligned) and a
 * read-only segment with a zero-filled tail (so it cannot be shared). */
static void make_file(void)
{
    memset(&file, 0, sizeof(file));
    elf_test_header_init(&file.header, offsetof(struct test_file, ph), 3);
    file.ph[0] = (struct elf_test_segment){ 1, PAGE, 0x10000, 0, PAGE, PAGE, 5, PAGE };
    file.ph[1] = (struct elf_test_segment){ 1, 2 * PAGE + 0x10, 0x11010, 0, 100, 0x2000, 6, PAGE };
    file.ph[2] = (struct elf_test_segment){ 1, 3 * PAGE, 0x20000, 0, 10, PAGE, 4, PAGE };
}

/* ---- the mock app model ------------------------------------------------------------------- */

enum call_kind { CREATE_TASK, CREATE_DS, COPY_IN, ATTACH, MAP_LOCAL, UNMAP_LOCAL, INSTALL_CAP,
                 INSTALL_DS, START };

struct call {
    enum call_kind kind;
    uint32_t a, b, c, d, e, f;
};

#define IMAGE 100u
#define MAX_CALLS 64

static struct mock {
    struct call calls[MAX_CALLS];
    unsigned count;
    unsigned next_ds;
    int fail_at;                 /* index of the call that fails (-1: none) */
    int fail_with;
    struct pecan_env env;        /* what map_local hands out */
} mock;

static int record(enum call_kind kind, uint32_t a, uint32_t b, uint32_t c, uint32_t d,
                  uint32_t e, uint32_t f)
{
    assert_true(mock.count < MAX_CALLS);
    mock.calls[mock.count] = (struct call){ kind, a, b, c, d, e, f };
    return (int)mock.count++ == mock.fail_at ? mock.fail_with : 0;
}

static int m_create_task(void *context)
{
    assert_ptr_equal(context, &mock);
    return record(CREATE_TASK, 0, 0, 0, 0, 0, 0);
}

static int m_create_dataspace(void *context, uint32_t size, loader_handle_t *ds)
{
    (void)context;
    *ds = ++mock.next_ds;
    return record(CREATE_DS, size, (uint32_t)*ds, 0, 0, 0, 0);
}

static int m_copy_in(void *context, loader_handle_t dest, uint32_t dest_offset,
                     loader_handle_t src, uint32_t src_offset, uint32_t size)
{
    (void)context;
    return record(COPY_IN, (uint32_t)dest, dest_offset, (uint32_t)src, src_offset, size, 0);
}

static int m_attach(void *context, loader_handle_t ds, uint32_t vaddr, uint32_t size,
                    unsigned rights, uint32_t offset)
{
    (void)context;
    return record(ATTACH, (uint32_t)ds, vaddr, size, rights, offset, 0);
}

static void *m_map_local(void *context, loader_handle_t ds, uint32_t size)
{
    (void)context;
    assert_int_equal(size, PECAN_ENV_PAGE_SIZE);
    memset(&mock.env, 0xA5, sizeof(mock.env));   /* the loader must write all of it */
    return record(MAP_LOCAL, (uint32_t)ds, size, 0, 0, 0, 0) ? NULL : &mock.env;
}

static void m_unmap_local(void *context, loader_handle_t ds, void *local, uint32_t size)
{
    (void)context;
    assert_ptr_equal(local, &mock.env);
    record(UNMAP_LOCAL, (uint32_t)ds, size, 0, 0, 0, 0);
}

static int m_install_cap(void *context, pecan_cap_t slot, loader_handle_t cap, unsigned rights)
{
    (void)context;
    return record(INSTALL_CAP, slot, (uint32_t)cap, rights, 0, 0, 0);
}

static int m_install_dataspace(void *context, pecan_cap_t slot, loader_handle_t ds,
                               unsigned rights)
{
    (void)context;
    return record(INSTALL_DS, slot, (uint32_t)ds, rights, 0, 0, 0);
}

static int m_start(void *context, uint32_t pc, uint32_t sp, uint32_t r0)
{
    (void)context;
    return record(START, pc, sp, r0, 0, 0, 0);
}

static struct loader_app_model model = {
    .context = &mock,
    .create_task = m_create_task,
    .create_dataspace = m_create_dataspace,
    .copy_in = m_copy_in,
    .attach = m_attach,
    .map_local = m_map_local,
    .unmap_local = m_unmap_local,
    .install_cap = m_install_cap,
    .install_dataspace = m_install_dataspace,
    .start = m_start,
};

static const char *const argv[] = { "prog", "--flag", "" };
static const char *const envp[] = { "HOME=/", "TERM=pecan" };
static const struct loader_cap caps[] = {
    { NULL, PECAN_ENV_LOG, 501, PECAN_RIGHT_WRITE },
    { "rom", 0, 502, PECAN_RIGHT_GRANT },
    { NULL, PECAN_ENV_FACTORY, 503, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT },
    { "channel", 0, 504, PECAN_RIGHTS_ALL },
};

static struct loader_program program(void)
{
    return (struct loader_program){
        .image = IMAGE, .image_bytes = &file, .image_size = sizeof(file),
        .argc = 3, .argv = argv, .envc = 2, .envp = envp, .cap_count = 4, .caps = caps,
    };
}

static int setup(void **state)
{
    (void)state;
    make_file();
    memset(&mock, 0, sizeof(mock));
    mock.fail_at = -1;
    model.install_dataspace = m_install_dataspace;
    return 0;
}

static void expect_call(unsigned i, enum call_kind kind, uint32_t a, uint32_t b, uint32_t c,
                        uint32_t d, uint32_t e)
{
    assert_true(i < mock.count);
    const struct call *k = &mock.calls[i];
    assert_int_equal(k->kind, kind);
    assert_int_equal(k->a, a);
    assert_int_equal(k->b, b);
    assert_int_equal(k->c, c);
    assert_int_equal(k->d, d);
    assert_int_equal(k->e, e);
}

/* ---- the plan ----------------------------------------------------------------------------- */

static void test_plan(void **state)
{
    (void)state;
    struct loader_program p = program();
    const char *error = NULL;
    assert_int_equal(loader_start(&model, &p, &error), 0);
    assert_null(error);
    const unsigned rw = PECAN_MAP_READ | PECAN_MAP_WRITE;
    unsigned i = 0;
    expect_call(i++, CREATE_TASK, 0, 0, 0, 0, 0);
    /* Text: attached straight from the image, at its file offset. */
    expect_call(i++, ATTACH, IMAGE, 0x10000, PAGE, PECAN_MAP_READ | PECAN_MAP_EXECUTE, PAGE);
    /* Data: a fresh dataspace covering its pages, the file bytes copied at the same
     * offset in the page, attached read-write. */
    expect_call(i++, CREATE_DS, 0x3000, 1, 0, 0, 0);
    expect_call(i++, COPY_IN, 1, 0x10, IMAGE, 2 * PAGE + 0x10, 100);
    expect_call(i++, ATTACH, 1, 0x11000, 0x3000, rw, 0);
    /* Read-only with a zero tail: copied, attached read-only. */
    expect_call(i++, CREATE_DS, PAGE, 2, 0, 0, 0);
    expect_call(i++, COPY_IN, 2, 0, IMAGE, 3 * PAGE, 10);
    expect_call(i++, ATTACH, 2, 0x20000, PAGE, PECAN_MAP_READ, 0);
    /* Stack below its top, heap at its base. */
    expect_call(i++, CREATE_DS, PECAN_ENV_STACK_SIZE, 3, 0, 0, 0);
    expect_call(i++, ATTACH, 3, PECAN_ENV_STACK_TOP - PECAN_ENV_STACK_SIZE,
                PECAN_ENV_STACK_SIZE, rw, 0);
    expect_call(i++, CREATE_DS, PECAN_ENV_HEAP_MAX, 4, 0, 0, 0);
    expect_call(i++, ATTACH, 4, PECAN_ENV_HEAP_BASE, PECAN_ENV_HEAP_MAX, rw, 0);
    /* The environment page: written through a local view, the heap handed over as a
     * named capability after the program's own, then attached read-only. */
    expect_call(i++, CREATE_DS, PECAN_ENV_PAGE_SIZE, 5, 0, 0, 0);
    expect_call(i++, MAP_LOCAL, 5, PECAN_ENV_PAGE_SIZE, 0, 0, 0);
    expect_call(i++, INSTALL_DS, PECAN_ENV_FIRST_NAMED + 2, 4,
                PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT, 0, 0);
    expect_call(i++, UNMAP_LOCAL, 5, PECAN_ENV_PAGE_SIZE, 0, 0, 0);
    expect_call(i++, ATTACH, 5, PECAN_ENV_PAGE, PECAN_ENV_PAGE_SIZE, PECAN_MAP_READ, 0);
    /* Capabilities: well-known ones at their slots, named ones from slot 16 in order. */
    expect_call(i++, INSTALL_CAP, PECAN_ENV_LOG, 501, PECAN_RIGHT_WRITE, 0, 0);
    expect_call(i++, INSTALL_CAP, PECAN_ENV_FIRST_NAMED, 502, PECAN_RIGHT_GRANT, 0, 0);
    expect_call(i++, INSTALL_CAP, PECAN_ENV_FACTORY, 503, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT,
                0, 0);
    expect_call(i++, INSTALL_CAP, PECAN_ENV_FIRST_NAMED + 1, 504, PECAN_RIGHTS_ALL, 0, 0);
    /* The main thread: entry, stack top, environment page in r0. */
    expect_call(i++, START, 0x10010, PECAN_ENV_STACK_TOP, PECAN_ENV_PAGE, 0, 0);
    assert_int_equal(mock.count, i);

    /* The page the program will read, read with the runtime's own parser. */
    assert_int_equal(env_check(&mock.env), 0);
    assert_int_equal(env_find_cap(&mock.env, "rom"), PECAN_ENV_FIRST_NAMED);
    assert_int_equal(env_find_cap(&mock.env, "channel"), PECAN_ENV_FIRST_NAMED + 1);
    assert_int_equal(env_find_cap(&mock.env, "heap"), PECAN_ENV_FIRST_NAMED + 2);
    assert_int_equal(mock.env.first_free_cap, PECAN_ENV_FIRST_NAMED + 3);
}

static void test_no_install_dataspace(void **state)
{
    (void)state;
    model.install_dataspace = NULL;
    struct loader_program p = program();
    assert_int_equal(loader_start(&model, &p, NULL), 0);
    for (unsigned i = 0; i < mock.count; i++)
        assert_int_not_equal(mock.calls[i].kind, INSTALL_DS);
    assert_int_equal(env_find_cap(&mock.env, "heap"), 0);
    assert_int_equal(mock.env.first_free_cap, PECAN_ENV_FIRST_NAMED + 2);
}

static void test_bad_executable(void **state)
{
    (void)state;
    struct loader_program p = program();
    const char *error = NULL;
    file.header.ident[0] = 'X';
    assert_int_equal(loader_start(&model, &p, &error), -PECAN_EINVAL);
    assert_non_null(error);
    assert_int_equal(mock.count, 0);   /* nothing was made */

    make_file();
    file.ph[2].vaddr = 0x8000;         /* below PECAN_ENV_IMAGE_BASE */
    error = NULL;
    assert_int_equal(loader_start(&model, &p, &error), -PECAN_EINVAL);
    assert_string_equal(error, "segment below the image base");
    assert_int_equal(mock.count, 0);
}

/* Whatever app-model call fails, loader_start stops there with its error and never starts
 * the thread. */
static void test_app_model_failures(void **state)
{
    struct loader_program p = program();
    assert_int_equal(loader_start(&model, &p, NULL), 0);
    unsigned calls = mock.count;
    for (unsigned at = 0; at < calls; at++) {
        if (mock.calls[at].kind == UNMAP_LOCAL)
            continue;   /* returns nothing */
        setup(state);
        mock.fail_at = (int)at;
        mock.fail_with = -PECAN_ENOMEM;
        const char *error = NULL;
        int err = loader_start(&model, &p, &error);
        assert_int_equal(err, -PECAN_ENOMEM);
        assert_non_null(error);
        for (unsigned i = 0; i < mock.count; i++)
            assert_true(mock.calls[i].kind != START || i == at);
        assert_true(mock.count <= at + 2);   /* at most the unmap after a failed install */
    }
}

/* ---- environment packing ------------------------------------------------------------------ */

static struct pecan_env env;

static void test_env_layout(void **state)
{
    (void)state;
    struct loader_program p = program();
    memset(&env, 0xFF, sizeof(env));
    assert_int_equal(loader_build_env(&env, &p), 0);
    assert_int_equal(env.magic, PECAN_ENV_MAGIC);
    assert_int_equal(env.version, PECAN_ENV_VERSION);
    assert_int_equal(env.cnode_bits, PECAN_ENV_CNODE_BITS);
    assert_int_equal(env.utcb_area, PECAN_ENV_UTCB_AREA);
    assert_int_equal(env.utcb_slots, PECAN_ENV_UTCB_SLOTS);
    assert_int_equal(env.stack_top, PECAN_ENV_STACK_TOP);
    assert_int_equal(env.stack_size, PECAN_ENV_STACK_SIZE);
    assert_int_equal(env.heap_base, PECAN_ENV_HEAP_BASE);
    assert_int_equal(env.heap_max, PECAN_ENV_HEAP_MAX);
    assert_int_equal(env.cap_count, 2);
    assert_string_equal(env.caps[0].name, "rom");
    assert_int_equal(env.caps[0].cap, PECAN_ENV_FIRST_NAMED);
    assert_int_equal(env.caps[0].rights, PECAN_RIGHT_GRANT);
    assert_string_equal(env.caps[1].name, "channel");
    assert_int_equal(env.caps[1].rights, PECAN_RIGHTS_ALL);
    assert_int_equal(env.first_free_cap, PECAN_ENV_FIRST_NAMED + 2);
    /* Strings packed one after the other, argv first, empty ones too. */
    static const char packed[] = "prog\0--flag\0\0HOME=/\0TERM=pecan";
    assert_memory_equal(env.strings, packed, sizeof(packed));
    assert_int_equal(env.caps[2].name[0], 0);   /* the rest of the page is zero */
    assert_int_equal(env.strings[sizeof(packed)], 0);

    char *vector[8];
    assert_int_equal(env_check(&env), 0);
    assert_int_equal(env_string_vectors(&env, vector, 8), 0);
    assert_string_equal(vector[0], "prog");
    assert_string_equal(vector[1], "--flag");
    assert_string_equal(vector[2], "");
    assert_null(vector[3]);
    assert_string_equal(vector[4], "HOME=/");
    assert_string_equal(vector[5], "TERM=pecan");
    assert_null(vector[6]);
}

static void test_env_limits(void **state)
{
    (void)state;
    static struct loader_cap many[PECAN_ENV_MAX_CAPS + 1];
    static char names[PECAN_ENV_MAX_CAPS + 1][8];
    for (unsigned i = 0; i <= PECAN_ENV_MAX_CAPS; i++) {
        snprintf(names[i], sizeof(names[i]), "c%u", i);
        many[i] = (struct loader_cap){ names[i], 0, i, 0 };
    }
    struct loader_program p = { .cap_count = PECAN_ENV_MAX_CAPS, .caps = many };
    assert_int_equal(loader_build_env(&env, &p), 0);
    assert_int_equal(env.first_free_cap, PECAN_ENV_FIRST_NAMED + PECAN_ENV_MAX_CAPS);
    assert_int_equal(env_check(&env), 0);
    p.cap_count = PECAN_ENV_MAX_CAPS + 1;
    assert_int_equal(loader_build_env(&env, &p), -PECAN_ERANGE);

    /* A name must leave room for its NUL. */
    struct loader_cap long_name[] = { { "exactly15chars_", 0, 1, 0 } };
    p = (struct loader_program){ .cap_count = 1, .caps = long_name };
    assert_int_equal(loader_build_env(&env, &p), 0);
    assert_int_equal(env_find_cap(&env, "exactly15chars_"), PECAN_ENV_FIRST_NAMED);
    long_name[0].name = "sixteen_chars___";
    assert_int_equal(loader_build_env(&env, &p), -PECAN_ERANGE);

    /* Strings fill the page exactly, or do not fit. */
    static char big[sizeof(env.strings) + 1];
    memset(big, 'x', sizeof(env.strings) - 1);
    const char *fits[] = { big };
    p = (struct loader_program){ .argc = 1, .argv = fits };
    assert_int_equal(loader_build_env(&env, &p), 0);
    char *vector[4];
    assert_int_equal(env_string_vectors(&env, vector, 4), 0);
    assert_int_equal(strlen(vector[0]), sizeof(env.strings) - 1);
    big[sizeof(env.strings) - 1] = 'x';   /* one byte more */
    assert_int_equal(loader_build_env(&env, &p), -PECAN_ERANGE);
    big[sizeof(env.strings) - 1] = 0;
    const char *one_more[] = { "" };
    p.envc = 1;
    p.envp = one_more;                    /* the argument fills it; the variable's NUL not */
    assert_int_equal(loader_build_env(&env, &p), -PECAN_ERANGE);
}

/* The heap takes one more named slot: with the table full, the load fails cleanly. */
static void test_heap_needs_a_name_slot(void **state)
{
    (void)state;
    static struct loader_cap full[PECAN_ENV_MAX_CAPS];
    static char names[PECAN_ENV_MAX_CAPS][8];
    for (unsigned i = 0; i < PECAN_ENV_MAX_CAPS; i++) {
        snprintf(names[i], sizeof(names[i]), "n%u", i);
        full[i] = (struct loader_cap){ names[i], 0, i, 0 };
    }
    struct loader_program p = program();
    p.cap_count = PECAN_ENV_MAX_CAPS;
    p.caps = full;
    assert_int_equal(loader_start(&model, &p, NULL), -PECAN_ERANGE);
    for (unsigned i = 0; i < mock.count; i++)
        assert_int_not_equal(mock.calls[i].kind, START);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_plan, setup),
        cmocka_unit_test_setup(test_no_install_dataspace, setup),
        cmocka_unit_test_setup(test_bad_executable, setup),
        cmocka_unit_test_setup(test_app_model_failures, setup),
        cmocka_unit_test_setup(test_env_layout, setup),
        cmocka_unit_test_setup(test_env_limits, setup),
        cmocka_unit_test_setup(test_heap_needs_a_name_slot, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
