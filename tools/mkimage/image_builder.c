/* SPDX-License-Identifier: MIT */
/*
 * Laying out and filling the boot image blob. The format rules live in boot_image.h and
 * kernel/lib/boot_image.c (linked in here, so the header CRC is computed by the same code
 * the kernel checks it with); this file only decides offsets and copies bytes.
 */
#include "image_builder.h"

#include <lib/boot_image.h>
#include <lib/crc32.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "image_builder writes the table in host byte order: build on a little-endian host"
#endif

_Static_assert(sizeof(struct boot_image_header) == 32, "boot_image_header layout");
_Static_assert(sizeof(struct boot_image_module) == 64, "boot_image_module layout");
_Static_assert(sizeof(struct boot_image_trailer) == 8, "boot_image_trailer layout");

/* Offsets of everything in the blob, computed before anything is allocated. */
struct image_layout {
    uint32_t header_size;
    uint32_t cmdline_offset;
    uint32_t cmdline_size;
    uint32_t module_offset[BOOT_IMAGE_MAX_MODULES];
    uint32_t image_size;
};

/* Error messages naming a module are formatted here (mkimage is single-threaded). */
static char message[128];

static const char *check_names(const struct image_module *modules, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const char *name = modules[i].name ? modules[i].name : "";
        if (name[0] == '\0') {
            snprintf(message, sizeof(message), "module %zu has an empty name", i);
            return message;
        }
        if (strlen(name) > BOOT_IMAGE_NAME_SIZE - 1) {
            snprintf(message, sizeof(message), "module name '%.40s...' longer than %u bytes",
                     name, BOOT_IMAGE_NAME_SIZE - 1);
            return message;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(name, modules[j].name) == 0) {
                snprintf(message, sizeof(message), "duplicate module name '%s'", name);
                return message;
            }
        }
    }
    return NULL;
}

static const char *plan_layout(const char *cmdline, const struct image_module *modules,
                               size_t count, struct image_layout *layout)
{
    size_t cmdline_len = strlen(cmdline);
    if (count > BOOT_IMAGE_MAX_MODULES)
        return "too many modules (at most 64)";
    if (cmdline_len + 1 > BOOT_IMAGE_MAX_CMDLINE)
        return "command line longer than 1023 bytes";

    layout->header_size = (uint32_t)(sizeof(struct boot_image_header) +
                                     count * sizeof(struct boot_image_module));
    layout->cmdline_offset = layout->header_size;
    layout->cmdline_size = (uint32_t)cmdline_len + 1;
    uint64_t end = (uint64_t)layout->cmdline_offset + layout->cmdline_size;
    for (size_t i = 0; i < count; i++) {
        uint64_t offset = ALIGN_UP(end, (uint64_t)BOOT_IMAGE_MODULE_ALIGN);
        end = offset + modules[i].size;
        if (end > UINT32_MAX)
            return "image larger than 4 GiB";
        layout->module_offset[i] = (uint32_t)offset;
    }
    uint64_t image_size = ALIGN_UP(end, 8u) + sizeof(struct boot_image_trailer);
    if (image_size > UINT32_MAX)
        return "image larger than 4 GiB";
    layout->image_size = (uint32_t)image_size;
    return NULL;
}

static void fill_module(uint8_t *image, const struct image_module *module, uint32_t index,
                        uint32_t offset)
{
    struct boot_image_module entry = { .offset = offset, .size = (uint32_t)module->size };
    memcpy(entry.name, module->name, strlen(module->name) + 1);
    if (module->size)
        memcpy(image + offset, module->data, module->size);
    entry.crc = crc32_update(0, image + offset, module->size);
    memcpy(image + sizeof(struct boot_image_header) + index * sizeof(entry), &entry,
           sizeof(entry));
}

static void fill_image(uint8_t *image, const struct image_layout *layout, const char *cmdline,
                       const struct image_module *modules, size_t count)
{
    struct boot_image_header header = {
        .magic = BOOT_IMAGE_MAGIC,
        .version = BOOT_IMAGE_VERSION,
        .header_size = layout->header_size,
        .module_count = (uint32_t)count,
        .image_size = layout->image_size,
        .cmdline_offset = layout->cmdline_offset,
        .cmdline_size = layout->cmdline_size,
    };
    memcpy(image, &header, sizeof(header));
    memcpy(image + layout->cmdline_offset, cmdline, layout->cmdline_size);
    for (size_t i = 0; i < count; i++)
        fill_module(image, &modules[i], (uint32_t)i, layout->module_offset[i]);

    struct boot_image_trailer trailer = { BOOT_IMAGE_TRAILER_MAGIC, layout->image_size };
    memcpy(image + layout->image_size - sizeof(trailer), &trailer, sizeof(trailer));
    header.header_crc = boot_image_header_crc(image);
    memcpy(image, &header, sizeof(header));
}

const char *image_build(const char *cmdline, const struct image_module *modules, size_t count,
                        struct image_blob *blob)
{
    struct image_layout layout;
    const char *error;

    *blob = (struct image_blob){ NULL, 0 };
    if (!cmdline)
        cmdline = "";
    if ((error = check_names(modules, count)) != NULL)
        return error;
    if ((error = plan_layout(cmdline, modules, count, &layout)) != NULL)
        return error;
    uint8_t *image = calloc(1, layout.image_size);
    if (!image)
        return "out of memory";
    fill_image(image, &layout, cmdline, modules, count);
    *blob = (struct image_blob){ image, layout.image_size };
    return NULL;
}

void image_blob_free(struct image_blob *blob)
{
    free(blob->data);
    *blob = (struct image_blob){ NULL, 0 };
}

static const char *const corruption_names[] = {
    [IMAGE_CORRUPT_MAGIC] = "magic",
    [IMAGE_CORRUPT_VERSION] = "version",
    [IMAGE_CORRUPT_TOO_MANY_MODULES] = "too-many-modules",
    [IMAGE_CORRUPT_HEADER_CRC] = "header-crc",
    [IMAGE_CORRUPT_MODULE_CRC] = "module-crc",
    [IMAGE_CORRUPT_MODULE_RANGE] = "module-range",
    [IMAGE_CORRUPT_TRUNCATE] = "truncate",
    [IMAGE_CORRUPT_UNPACKED] = "unpacked",
};

enum image_corruption image_corruption_parse(const char *name)
{
    for (size_t i = 1; i < ARRAY_SIZE(corruption_names); i++) {
        if (strcmp(name, corruption_names[i]) == 0)
            return (enum image_corruption)i;
    }
    return IMAGE_CORRUPT_NONE;
}

const char *image_corruption_names(void)
{
    return "magic version too-many-modules header-crc module-crc module-range truncate "
           "unpacked";
}

/* The blob was built by image_build(), so its header and entries are aligned and valid. */
static struct boot_image_header *header_of(struct image_blob *blob)
{
    return (struct boot_image_header *)blob->data;
}

static struct boot_image_module *module0_of(struct image_blob *blob)
{
    return (struct boot_image_module *)(blob->data + sizeof(struct boot_image_header));
}

static void update_header_crc(struct image_blob *blob)
{
    header_of(blob)->header_crc = boot_image_header_crc(blob->data);
}

const char *image_corrupt(struct image_blob *blob, enum image_corruption kind)
{
    struct boot_image_header *h = header_of(blob);
    struct boot_image_module *m = module0_of(blob);

    if (kind == IMAGE_CORRUPT_NONE)
        return NULL;
    if (h->module_count == 0)
        return "--corrupt needs at least one module";
    switch (kind) {
    case IMAGE_CORRUPT_MAGIC:
        h->magic ^= 1;
        break;
    case IMAGE_CORRUPT_VERSION:
        h->version = 99;
        update_header_crc(blob);
        break;
    case IMAGE_CORRUPT_TOO_MANY_MODULES: {
        /* boot_image_header_crc() would read 1000 entries: cover the ones that exist. */
        uint32_t entries_size = h->header_size - (uint32_t)sizeof(*h);
        h->module_count = 1000;
        h->header_crc = 0;
        h->header_crc = crc32_update(crc32_update(0, h, sizeof(*h)), m, entries_size);
        break;
    }
    case IMAGE_CORRUPT_HEADER_CRC:
        m->name[0] ^= 1;
        break;
    case IMAGE_CORRUPT_MODULE_CRC:
        if (m->size == 0)
            return "--corrupt module-crc needs a non-empty module 0";
        blob->data[m->offset] ^= 1;
        break;
    case IMAGE_CORRUPT_MODULE_RANGE:
        m->offset = h->image_size + BOOT_IMAGE_MODULE_ALIGN;
        update_header_crc(blob);
        break;
    default:
        break;
    }
    return NULL;
}
