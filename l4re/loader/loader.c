/* SPDX-License-Identifier: MIT */
/*
 * Loading a program through an app model (pecan/loader.h), in the order of
 * docs/runtime.md "Start-up of a program": task, segments (read-only ones attached
 * straight from the image, writable ones copied into fresh dataspaces), stack and heap,
 * environment page, capabilities, main thread.
 */
#include <lib/elf32.h>
#include <lib/string.h>
#include <pecan/loader.h>
#include <pecan/errors.h>
#include <pecan/protocols.h>

#define PAGE 0x1000u

static uint32_t page_down(uint32_t a) { return a & ~(PAGE - 1); }
static uint32_t page_up(uint32_t a) { return (a + PAGE - 1) & ~(PAGE - 1); }

static unsigned segment_rights(const struct elf32_segment *s)
{
    return ((s->flags & ELF32_SEGMENT_READ) ? PECAN_MAP_READ : 0) |
           ((s->flags & ELF32_SEGMENT_WRITE) ? PECAN_MAP_WRITE : 0) |
           ((s->flags & ELF32_SEGMENT_EXECUTE) ? PECAN_MAP_EXECUTE : 0);
}

/* A read-only segment whose file bytes cover it page for page can be shared. */
static bool shareable(const struct elf32_segment *s)
{
    return !(s->flags & ELF32_SEGMENT_WRITE) && s->file_size == s->memory_size &&
           (s->file_offset & (PAGE - 1)) == (s->vaddr & (PAGE - 1));
}

static int load_segment(const struct loader_app_model *m, const struct loader_program *p,
                        const struct elf32_segment *s)
{
    uint32_t start = page_down(s->vaddr), end = page_up(s->vaddr + s->memory_size);
    uint32_t lead = s->vaddr - start;
    if (shareable(s))
        return m->attach(m->context, p->image, start, end - start, segment_rights(s),
                         s->file_offset - lead);
    loader_handle_t ds;
    int err = m->create_dataspace(m->context, end - start, &ds);
    if (err)
        return err;
    if (s->file_size) {
        err = m->copy_in(m->context, ds, lead, p->image, s->file_offset, s->file_size);
        if (err)
            return err;
    }
    return m->attach(m->context, ds, start, end - start, segment_rights(s), 0);
}

static int attach_anonymous(const struct loader_app_model *m, uint32_t vaddr, uint32_t size,
                            loader_handle_t *out)
{
    loader_handle_t ds;
    int err = m->create_dataspace(m->context, size, &ds);
    if (err)
        return err;
    if (out)
        *out = ds;
    return m->attach(m->context, ds, vaddr, size, PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
}

/* The heap as the named capability "heap", after the program's own (if the app model
 * can hand out dataspaces). */
static int add_heap(const struct loader_app_model *m, struct pecan_env *env, loader_handle_t heap)
{
    if (!m->install_dataspace)
        return 0;
    if (env->cap_count == PECAN_ENV_MAX_CAPS)
        return -PECAN_ERANGE;
    struct pecan_env_cap *e = &env->caps[env->cap_count++];
    memcpy(e->name, "heap", 5);
    e->cap = env->first_free_cap++;
    e->rights = PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT;
    return m->install_dataspace(m->context, e->cap, heap, e->rights);
}

static int write_env(const struct loader_app_model *m, const struct loader_program *p,
                     loader_handle_t heap)
{
    loader_handle_t ds;
    int err = m->create_dataspace(m->context, PECAN_ENV_PAGE_SIZE, &ds);
    if (err)
        return err;
    struct pecan_env *env = m->map_local(m->context, ds, PECAN_ENV_PAGE_SIZE);
    if (!env)
        return -PECAN_ENOMEM;
    err = loader_build_env(env, p);
    if (!err)
        err = add_heap(m, env, heap);
    m->unmap_local(m->context, ds, env, PECAN_ENV_PAGE_SIZE);
    if (err)
        return err;
    return m->attach(m->context, ds, PECAN_ENV_PAGE, PECAN_ENV_PAGE_SIZE, PECAN_MAP_READ, 0);
}

static int install_caps(const struct loader_app_model *m, const struct loader_program *p)
{
    pecan_cap_t next = PECAN_ENV_FIRST_NAMED;
    for (unsigned i = 0; i < p->cap_count; i++) {
        const struct loader_cap *c = &p->caps[i];
        pecan_cap_t slot = c->name ? next++ : c->slot;
        int err = m->install_cap(m->context, slot, c->cap, c->rights);
        if (err)
            return err;
    }
    return 0;
}

int loader_start(const struct loader_app_model *m, const struct loader_program *p,
                 const char **error)
{
    static struct elf32_executable exe;   /* large; loaders run one start at a time */
    enum elf32_error e = elf32_read(p->image_bytes, p->image_size, PECAN_ENV_IMAGE_LIMIT, &exe);
    if (e != ELF32_OK) {
        if (error)
            *error = elf32_error_text(e);
        return -PECAN_EINVAL;
    }
    for (unsigned i = 0; i < exe.segment_count; i++)
        if (exe.segments[i].vaddr < PECAN_ENV_IMAGE_BASE) {
            if (error)
                *error = "segment below the image base";
            return -PECAN_EINVAL;
        }
    loader_handle_t heap = 0;
    int err = m->create_task(m->context);
    for (unsigned i = 0; !err && i < exe.segment_count; i++)
        err = load_segment(m, p, &exe.segments[i]);
    if (!err)
        err = attach_anonymous(m, PECAN_ENV_STACK_TOP - PECAN_ENV_STACK_SIZE,
                               PECAN_ENV_STACK_SIZE, 0);
    if (!err)
        err = attach_anonymous(m, PECAN_ENV_HEAP_BASE, PECAN_ENV_HEAP_MAX, &heap);
    if (!err)
        err = write_env(m, p, heap);
    if (!err)
        err = install_caps(m, p);
    if (!err)
        err = m->start(m->context, exe.entry, PECAN_ENV_STACK_TOP, PECAN_ENV_PAGE);
    if (err && error)
        *error = "the app model failed";
    return err;
}
