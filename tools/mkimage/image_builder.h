/* SPDX-License-Identifier: MIT */
/*
 * Building the boot image blob (module table, command line, module data, trailer; format in
 * kernel/include/lib/boot_image.h) in host memory, and damaging it on purpose for the kernel's
 * bad-image tests. Shared by mkimage and the host unit tests.
 */
#ifndef PECAN_IMAGE_BUILDER_H
#define PECAN_IMAGE_BUILDER_H

#include <stddef.h>
#include <stdint.h>

/* One module to pack: name as stored in the table, and its data (not copied until build). */
struct image_module {
    const char *name;
    const void *data;
    size_t size;
};

/* A built blob, allocated with malloc; release with image_blob_free(). */
struct image_blob {
    uint8_t *data;
    uint32_t size;
};

/* Deliberate damage to a built image (mkimage --corrupt); see image_corruption_parse(). */
enum image_corruption {
    IMAGE_CORRUPT_NONE = 0,
    IMAGE_CORRUPT_MAGIC,            /* header magic ^= 1 */
    IMAGE_CORRUPT_VERSION,          /* version 99, header CRC recomputed */
    IMAGE_CORRUPT_TOO_MANY_MODULES, /* module_count 1000, header CRC recomputed */
    IMAGE_CORRUPT_HEADER_CRC,       /* one byte of module 0's name flipped */
    IMAGE_CORRUPT_MODULE_CRC,       /* one byte of module 0's data flipped */
    IMAGE_CORRUPT_MODULE_RANGE,     /* module 0 offset past the end, header CRC recomputed */
    IMAGE_CORRUPT_TRUNCATE,         /* ELF level: segment cut to half (mkimage does it) */
    IMAGE_CORRUPT_UNPACKED,         /* ELF level: location not patched (mkimage does it) */
};

/*
 * Builds the blob for cmdline (NULL means empty) and count modules, in order. Returns NULL
 * on success, or a message saying what is wrong with the input (name too long, duplicate
 * name, too many modules, command line too long, image over 4 GiB); *blob is then empty.
 */
const char *image_build(const char *cmdline, const struct image_module *modules, size_t count,
                        struct image_blob *blob);

void image_blob_free(struct image_blob *blob);

/* Parses a --corrupt KIND name; returns IMAGE_CORRUPT_NONE for an unknown name. */
enum image_corruption image_corruption_parse(const char *name);

/* The KIND names, space-separated, for --help. */
const char *image_corruption_names(void);

/*
 * Applies the blob-level corruptions to a built blob (the ELF-level kinds are no-ops here).
 * Returns NULL, or a message if the blob has no module 0 to damage (or module 0 is empty
 * and the kind needs its data).
 */
const char *image_corrupt(struct image_blob *blob, enum image_corruption kind);

#endif
