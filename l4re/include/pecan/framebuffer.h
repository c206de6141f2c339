/* SPDX-License-Identifier: MIT */
/*
 * FRAMEBUFFER protocol client (l4re/client/framebuffer.c, library pecan_framebuffer;
 * operations in protocol/framebuffer.h, docs/graphics.md). The same calls work on an
 * fb-drv session and on a mag session. Every call returns 0 or a negative error:
 * -PECAN_E* from the server, PECAN_IPC_ERROR(status) for an IPC failure, -PECAN_EINVAL
 * for a reply that breaks the protocol (a server is as untrusted as a client).
 *
 * pecan_framebuffer_map is the usual start: it asks INFO, maps buffer 0 through the
 * program's region map (a dataspace of another server: pecan/region_map.h maps its pages
 * with the dataspace's MAP) and describes the screen's lines in it as a pkg/graphics
 * surface to draw on.
 */
#ifndef PECAN_FRAMEBUFFER_H
#define PECAN_FRAMEBUFFER_H

#include <stdbool.h>
#include <stdint.h>
#include <graphics/pixel_format.h>
#include <graphics/surface.h>
#include <pecan/protocol/framebuffer.h>
#include <pecan/session.h>
#include <pecan/syscall.h>

struct pecan_framebuffer_info {
    uint32_t width, height;       /* pixels, 1 .. PECAN_FRAMEBUFFER_MAX_SIZE */
    uint32_t bytes_per_line;      /* at least a line of whole pixels */
    struct pixel_format format;   /* accepted by pixel_format_check */
    uint32_t flags;               /* PECAN_FRAMEBUFFER_AUTO_REFRESH, ... */
    uint32_t views, buffers;      /* the fixed ones */
};

struct pecan_framebuffer_view {
    uint32_t flags;               /* PECAN_FRAMEBUFFER_VIEW_* */
    int32_t x, y;                 /* on the screen */
    uint32_t width, height;
    uint32_t buffer;              /* what it shows: a buffer, */
    uint32_t offset;              /* the byte of its top left pixel in that buffer, */
    uint32_t bytes_per_line;      /* and the buffer's line length */
};

/* A session at the server behind channel (fb-drv's or mag's), its gate paid by factory;
 * close it with pecan_session_close. */
int pecan_framebuffer_open(pecan_cap_t channel, pecan_cap_t factory,
                           struct pecan_session *session);

int pecan_framebuffer_info(pecan_cap_t fb, struct pecan_framebuffer_info *info);
/* Buffer `buffer` as a dataspace into the empty slot dest; *size (may be NULL) its bytes. */
int pecan_framebuffer_get_buffer(pecan_cap_t fb, uint32_t buffer, pecan_cap_t dest,
                                 pecan_word_t *size);
int pecan_framebuffer_create_buffer(pecan_cap_t fb, pecan_word_t size, pecan_cap_t dest,
                                    uint32_t *buffer);
int pecan_framebuffer_delete_buffer(pecan_cap_t fb, uint32_t buffer);
int pecan_framebuffer_create_view(pecan_cap_t fb, uint32_t *view);
int pecan_framebuffer_delete_view(pecan_cap_t fb, uint32_t view);
int pecan_framebuffer_view_info(pecan_cap_t fb, uint32_t view,
                                struct pecan_framebuffer_view *info);
/* Sets the fields of view that `what` (PECAN_FRAMEBUFFER_SET_*) names from *info. */
int pecan_framebuffer_set_view(pecan_cap_t fb, uint32_t view, unsigned what,
                               const struct pecan_framebuffer_view *info);
/* Just in front of pivot (behind: just behind it); pivot PECAN_FRAMEBUFFER_NO_VIEW: on
 * top (behind: at the bottom). */
int pecan_framebuffer_stack_view(pecan_cap_t fb, uint32_t view, uint32_t pivot, bool behind);
int pecan_framebuffer_refresh_view(pecan_cap_t fb, uint32_t view, uint32_t x, uint32_t y,
                                   uint32_t width, uint32_t height);
int pecan_framebuffer_refresh(pecan_cap_t fb, uint32_t x, uint32_t y, uint32_t width,
                              uint32_t height);

/* Buffer 0 mapped into this program: the screen's pixels as a surface. */
struct pecan_framebuffer_mapping {
    struct pecan_framebuffer_info info;
    pecan_cap_t buffer;           /* the dataspace (a slot of ours) */
    pecan_word_t address, size;   /* where it is attached, and how much */
    struct surface surface;       /* info's width, height, bytes per line and format */
};
int pecan_framebuffer_map(pecan_cap_t fb, struct pecan_framebuffer_mapping *mapping);
/* Detaches the buffer and frees its slot. */
void pecan_framebuffer_unmap(struct pecan_framebuffer_mapping *mapping);

#endif
