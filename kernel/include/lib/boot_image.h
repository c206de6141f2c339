/* SPDX-License-Identifier: MIT */
/*
 * The boot image's module table: the contract between tools/mkimage (which writes it) and
 * the kernel (which checks it at boot). Portable: also built into mkimage and unit tests.
 * Layout and rules are documented in docs/boot.md. All fields little-endian.
 *
 *   offset 0              struct boot_image_header
 *   sizeof(header)        struct boot_image_module[module_count]
 *   cmdline_offset        kernel command line, NUL-terminated
 *   module offsets        module data, each at a BOOT_IMAGE_MODULE_ALIGN boundary
 *   image_size - 8        struct boot_image_trailer
 */
#ifndef PECAN_LIB_BOOT_IMAGE_H
#define PECAN_LIB_BOOT_IMAGE_H

#include <types.h>

#define BOOT_IMAGE_MAGIC 0x4E434550u          /* "PECN" */
#define BOOT_IMAGE_TRAILER_MAGIC 0x444E4550u  /* "PEND" */
#define BOOT_IMAGE_VERSION 1u
#define BOOT_IMAGE_MAX_MODULES 64u
#define BOOT_IMAGE_NAME_SIZE 48u
#define BOOT_IMAGE_MAX_CMDLINE 1024u
#define BOOT_IMAGE_MODULE_ALIGN 4096u         /* modules can become 4 KiB frames */

struct boot_image_header {
    uint32_t magic;
    uint32_t version;
    uint32_t header_size;     /* header + module entries, bytes */
    uint32_t module_count;
    uint32_t image_size;      /* everything, including data and trailer */
    uint32_t cmdline_offset;
    uint32_t cmdline_size;    /* including the NUL */
    uint32_t header_crc;      /* CRC-32 of header and entries with this field zero */
};

struct boot_image_module {
    char name[BOOT_IMAGE_NAME_SIZE];  /* NUL-terminated, non-empty */
    uint32_t offset;                  /* from the header start */
    uint32_t size;                    /* bytes */
    uint32_t crc;                     /* CRC-32 of the data */
    uint32_t flags;                   /* reserved, 0 */
};

struct boot_image_trailer {
    uint32_t magic;
    uint32_t image_size;
};

enum boot_image_error {
    BOOT_IMAGE_OK = 0,
    BOOT_IMAGE_NOT_PRESENT,
    BOOT_IMAGE_BAD_MAGIC,
    BOOT_IMAGE_BAD_VERSION,
    BOOT_IMAGE_BAD_HEADER_SIZE,
    BOOT_IMAGE_TOO_MANY_MODULES,
    BOOT_IMAGE_BAD_HEADER_CRC,
    BOOT_IMAGE_TRUNCATED,
    BOOT_IMAGE_BAD_CMDLINE,
    BOOT_IMAGE_BAD_NAME,
    BOOT_IMAGE_MODULE_OUT_OF_RANGE,
    BOOT_IMAGE_MODULE_MISALIGNED,
    BOOT_IMAGE_MODULE_OVERLAP,
    BOOT_IMAGE_MODULE_BAD_CRC,
};

/* What went wrong, for messages: the error plus the module index it concerns (or -1). */
struct boot_image_problem {
    enum boot_image_error error;
    int module;
    uint32_t expected;
    uint32_t found;
};

/*
 * Checks an image that lies in memory at image, of which at most available bytes are
 * readable. Returns BOOT_IMAGE_OK or the first problem found, described in *problem.
 */
enum boot_image_error boot_image_check(const void *image, size_t available,
                                       struct boot_image_problem *problem);

/* A one-line description of an error ("module table CRC mismatch", ...). */
const char *boot_image_error_text(enum boot_image_error error);

/* Module i of a checked image, its data, and the command line. */
const struct boot_image_module *boot_image_module(const void *image, uint32_t index);
const void *boot_image_module_data(const void *image, uint32_t index);
const char *boot_image_cmdline(const void *image);

/* CRC-32 of header and entries as stored in header_crc (that field counted as zero). */
uint32_t boot_image_header_crc(const void *image);

#endif
