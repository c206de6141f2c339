/* SPDX-License-Identifier: MIT */
/*
 * Checking the boot image's module table (format in include/lib/boot_image.h). Everything in
 * the table is treated as untrusted: each size and offset is checked against what is
 * available before it is used, in an order that never reads outside the image.
 */
#include <lib/boot_image.h>
#include <lib/crc32.h>
#include <lib/string.h>

static const char *const error_texts[] = {
    [BOOT_IMAGE_OK] = "ok",
    [BOOT_IMAGE_NOT_PRESENT] = "no module table (kernel was not packed by mkimage)",
    [BOOT_IMAGE_BAD_MAGIC] = "bad magic in module table header",
    [BOOT_IMAGE_BAD_VERSION] = "unsupported module table version",
    [BOOT_IMAGE_BAD_HEADER_SIZE] = "module table header size does not match module count",
    [BOOT_IMAGE_TOO_MANY_MODULES] = "too many modules",
    [BOOT_IMAGE_BAD_HEADER_CRC] = "module table CRC mismatch (table corrupt)",
    [BOOT_IMAGE_TRUNCATED] = "image truncated (trailer missing or size mismatch)",
    [BOOT_IMAGE_BAD_CMDLINE] = "command line out of range or not terminated",
    [BOOT_IMAGE_BAD_NAME] = "module name empty or not terminated",
    [BOOT_IMAGE_MODULE_OUT_OF_RANGE] = "module data outside the image",
    [BOOT_IMAGE_MODULE_MISALIGNED] = "module data not 4 KiB aligned",
    [BOOT_IMAGE_MODULE_OVERLAP] = "module data overlaps the table or another module",
    [BOOT_IMAGE_MODULE_BAD_CRC] = "module data CRC mismatch (module corrupt)",
};

const char *boot_image_error_text(enum boot_image_error error)
{
    if ((unsigned)error >= ARRAY_SIZE(error_texts) || !error_texts[error])
        return "unknown error";
    return error_texts[error];
}

static const struct boot_image_header *header_of(const void *image)
{
    return image;
}

const struct boot_image_module *boot_image_module(const void *image, uint32_t index)
{
    return (const struct boot_image_module *)((const uint8_t *)image +
                                              sizeof(struct boot_image_header)) + index;
}

const void *boot_image_module_data(const void *image, uint32_t index)
{
    return (const uint8_t *)image + boot_image_module(image, index)->offset;
}

const char *boot_image_cmdline(const void *image)
{
    return (const char *)image + header_of(image)->cmdline_offset;
}

uint32_t boot_image_header_crc(const void *image)
{
    const struct boot_image_header *h = header_of(image);
    struct boot_image_header copy = *h;
    copy.header_crc = 0;
    uint32_t crc = crc32_update(0, &copy, sizeof(copy));
    return crc32_update(crc, boot_image_module(image, 0),
                        h->module_count * sizeof(struct boot_image_module));
}

static enum boot_image_error fail(struct boot_image_problem *p, enum boot_image_error e,
                                  int module, uint32_t expected, uint32_t found)
{
    *p = (struct boot_image_problem){ e, module, expected, found };
    return e;
}

/* Is [offset, offset + size) inside [0, limit)? Written so it cannot overflow. */
static bool range_inside(uint32_t offset, uint32_t size, uint32_t limit)
{
    return offset <= limit && size <= limit - offset;
}

static enum boot_image_error check_header(const struct boot_image_header *h, size_t available,
                                          struct boot_image_problem *p)
{
    if (available < sizeof(*h))
        return fail(p, BOOT_IMAGE_TRUNCATED, -1, sizeof(*h), (uint32_t)available);
    if (h->magic != BOOT_IMAGE_MAGIC)
        return fail(p, BOOT_IMAGE_BAD_MAGIC, -1, BOOT_IMAGE_MAGIC, h->magic);
    if (h->version != BOOT_IMAGE_VERSION)
        return fail(p, BOOT_IMAGE_BAD_VERSION, -1, BOOT_IMAGE_VERSION, h->version);
    if (h->module_count > BOOT_IMAGE_MAX_MODULES)
        return fail(p, BOOT_IMAGE_TOO_MANY_MODULES, -1, BOOT_IMAGE_MAX_MODULES, h->module_count);
    uint32_t expected = sizeof(*h) + h->module_count * sizeof(struct boot_image_module);
    if (h->header_size != expected)
        return fail(p, BOOT_IMAGE_BAD_HEADER_SIZE, -1, expected, h->header_size);
    /* The trailer is read as words: an unaligned image_size could fault on the target. */
    if (h->image_size < h->header_size + sizeof(struct boot_image_trailer) ||
        h->image_size > available || !IS_ALIGNED(h->image_size, sizeof(uint32_t)))
        return fail(p, BOOT_IMAGE_TRUNCATED, -1, h->image_size, (uint32_t)available);
    return BOOT_IMAGE_OK;
}

static enum boot_image_error check_trailer(const void *image, struct boot_image_problem *p)
{
    const struct boot_image_header *h = header_of(image);
    const struct boot_image_trailer *t = (const void *)((const uint8_t *)image + h->image_size -
                                                        sizeof(struct boot_image_trailer));
    if (t->magic != BOOT_IMAGE_TRAILER_MAGIC || t->image_size != h->image_size)
        return fail(p, BOOT_IMAGE_TRUNCATED, -1, BOOT_IMAGE_TRAILER_MAGIC, t->magic);
    return BOOT_IMAGE_OK;
}

static enum boot_image_error check_cmdline(const void *image, struct boot_image_problem *p)
{
    const struct boot_image_header *h = header_of(image);
    uint32_t data_end = h->image_size - sizeof(struct boot_image_trailer);
    if (h->cmdline_size == 0 || h->cmdline_size > BOOT_IMAGE_MAX_CMDLINE ||
        h->cmdline_offset < h->header_size ||
        !range_inside(h->cmdline_offset, h->cmdline_size, data_end))
        return fail(p, BOOT_IMAGE_BAD_CMDLINE, -1, 0, h->cmdline_offset);
    const char *s = boot_image_cmdline(image);
    if (strnlen(s, h->cmdline_size) != h->cmdline_size - 1)
        return fail(p, BOOT_IMAGE_BAD_CMDLINE, -1, h->cmdline_size - 1,
                    (uint32_t)strnlen(s, h->cmdline_size));
    return BOOT_IMAGE_OK;
}

static enum boot_image_error check_module(const void *image, uint32_t i, uint32_t *previous_end,
                                          struct boot_image_problem *p)
{
    const struct boot_image_header *h = header_of(image);
    const struct boot_image_module *m = boot_image_module(image, i);
    uint32_t data_end = h->image_size - sizeof(struct boot_image_trailer);
    size_t name_len = strnlen(m->name, BOOT_IMAGE_NAME_SIZE);

    if (name_len == 0 || name_len == BOOT_IMAGE_NAME_SIZE)
        return fail(p, BOOT_IMAGE_BAD_NAME, (int)i, 0, (uint32_t)name_len);
    if (!range_inside(m->offset, m->size, data_end))
        return fail(p, BOOT_IMAGE_MODULE_OUT_OF_RANGE, (int)i, data_end, m->offset);
    if (!IS_ALIGNED(m->offset, BOOT_IMAGE_MODULE_ALIGN))
        return fail(p, BOOT_IMAGE_MODULE_MISALIGNED, (int)i, 0, m->offset);
    /* Modules are stored in order after the table and command line, without overlap. */
    if (m->offset < *previous_end)
        return fail(p, BOOT_IMAGE_MODULE_OVERLAP, (int)i, *previous_end, m->offset);
    if (crc32_update(0, boot_image_module_data(image, i), m->size) != m->crc)
        return fail(p, BOOT_IMAGE_MODULE_BAD_CRC, (int)i, m->crc,
                    crc32_update(0, boot_image_module_data(image, i), m->size));
    *previous_end = m->offset + m->size;
    return BOOT_IMAGE_OK;
}

enum boot_image_error boot_image_check(const void *image, size_t available,
                                       struct boot_image_problem *problem)
{
    struct boot_image_problem ignored;
    struct boot_image_problem *p = problem ? problem : &ignored;
    const struct boot_image_header *h = header_of(image);
    enum boot_image_error e;

    *p = (struct boot_image_problem){ BOOT_IMAGE_OK, -1, 0, 0 };
    if (!image)
        return fail(p, BOOT_IMAGE_NOT_PRESENT, -1, 0, 0);
    if ((e = check_header(h, available, p)) != BOOT_IMAGE_OK)
        return e;
    /* The trailer first: a cut-off image should be reported as truncated, not corrupt. */
    if ((e = check_trailer(image, p)) != BOOT_IMAGE_OK)
        return e;
    if (boot_image_header_crc(image) != h->header_crc)
        return fail(p, BOOT_IMAGE_BAD_HEADER_CRC, -1, h->header_crc, boot_image_header_crc(image));
    if ((e = check_cmdline(image, p)) != BOOT_IMAGE_OK)
        return e;
    uint32_t previous_end = h->cmdline_offset + h->cmdline_size;
    for (uint32_t i = 0; i < h->module_count; i++) {
        if ((e = check_module(image, i, &previous_end, p)) != BOOT_IMAGE_OK)
            return e;
    }
    return BOOT_IMAGE_OK;
}
