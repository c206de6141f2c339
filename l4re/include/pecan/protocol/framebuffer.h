/* SPDX-License-Identifier: MIT */
/*
 * The FRAMEBUFFER protocol (docs/graphics.md): a screen a client draws on, L4Re's Goos
 * (video/goos) in Pecan's words and with L4Re's operation numbers. fb-drv serves it for
 * the real screen; mag serves exactly the same per session, so a client cannot tell them
 * apart and mag can run inside a mag session. Client stub: pecan/framebuffer.h.
 *
 * Sessions: FACTORY CREATE at the server's channel with w1 PECAN_PROTO_FRAMEBUFFER
 * (pecan_framebuffer_open; ned: ch:create(L4.Proto.Goos)). Words after w1 are the server's
 * options; fb-drv takes none (-PECAN_EINVAL).
 *
 * The model. Buffers hold pixels: dataspaces the client maps through its region map.
 * Views show a rectangle of a buffer at a position on the screen, in a stacking order.
 * Every buffer and view is the screen's pixel format (INFO). A server has fixed buffers
 * and views, numbered from 0 (INFO says how many); with the DYNAMIC flags a client makes
 * more, numbered after them. fb-drv has one fixed buffer, the screen's memory, which is
 * the session object itself (it speaks DATASPACE too), and one fixed view, the whole
 * screen on buffer 0 at offset 0.
 *
 * Requests on a session: label PECAN_PROTO_FRAMEBUFFER, w0 the operation. Every word is
 * checked before anything changes, in this order: EMSGTOOSHORT without w0; ENOSYS for an
 * operation the server does not know or lacks (below); EMSGTOOSHORT for fewer words than
 * the operation takes; EPERM without the object right WRITE where it is needed; then the
 * arguments. Words beyond those an operation takes are ignored, as everywhere.
 *   INFO           -> w0 width, w1 height (pixels), w2 bytes per line, w3 bits per pixel,
 *                     w4 red, w5 green, w6 blue (each PECAN_FRAMEBUFFER_COMPONENT(shift,
 *                     size)), w7 flags (PECAN_FRAMEBUFFER_*), w8 fixed views, w9 fixed
 *                     buffers
 *   GET_BUFFER     w1 buffer -> w0 its size in bytes, item: the buffer (DATASPACE), with
 *                  WRITE only if the caller's copy has it. ENOENT: no such buffer
 *   CREATE_BUFFER  w1 size -> w0 the new buffer, item: it. WRITE. ENOMEM
 *   CREATE_VIEW    -> w0 the new view: hidden (zero size) until SET_VIEW. WRITE. ENOMEM
 *   DELETE_BUFFER  w1 buffer. WRITE. ENOENT; EPERM for a fixed one; EBUSY while a view
 *                  shows it
 *   DELETE_VIEW    w1 view. WRITE. ENOENT; EPERM for a fixed one
 *   VIEW_INFO      w1 view -> w0 view flags, w1 x, w2 y (signed: a view may lie partly
 *                  off the screen), w3 width, w4 height, w5 buffer, w6 offset of the
 *                  view's first pixel in the buffer, w7 bytes per line of the buffer.
 *                  ENOENT
 *   SET_VIEW       w1 view, w2 what to set (PECAN_FRAMEBUFFER_SET_*), w3 x, w4 y, w5
 *                  width, w6 height, w7 buffer, w8 offset, w9 bytes per line, w10 view
 *                  flags: all 11 words always, the fields of what is not set 0 (EINVAL
 *                  otherwise). WRITE. ENOENT; EPERM for a fixed view; EINVAL for unknown
 *                  what or flag bits, a size of 0 or above PECAN_FRAMEBUFFER_MAX_SIZE, x
 *                  or y beyond +-PECAN_FRAMEBUFFER_MAX_SIZE, bytes per line short of a
 *                  line or not whole pixels; ERANGE for lines that do not lie inside the
 *                  buffer
 *   STACK_VIEW     w1 view, w2 pivot view or PECAN_FRAMEBUFFER_NO_VIEW, w3 0: just in
 *                  front of the pivot (no pivot: on top), 1: just behind it (no pivot:
 *                  at the bottom). WRITE. ENOENT; EINVAL: w3 not 0 or 1, the view its
 *                  own pivot
 *   REFRESH_VIEW   w1 view, w2 x, w3 y, w4 width, w5 height: a rectangle of the view
 *                  changed. ENOENT; EINVAL: empty; ERANGE: not inside the view
 *   REFRESH        w1 x, w2 y, w3 width, w4 height: a rectangle of the screen changed.
 *                  EINVAL: empty; ERANGE: not inside the screen
 * A server without PECAN_FRAMEBUFFER_DYNAMIC_VIEWS answers ENOSYS to CREATE_VIEW,
 * DELETE_VIEW, SET_VIEW and STACK_VIEW; without DYNAMIC_BUFFERS to CREATE_BUFFER and
 * DELETE_BUFFER; ENOSYS for an unknown operation, EBADPROTO for another label. A server
 * with AUTO_REFRESH shows the buffers' memory as it is (fb-drv: the PL111 scans it); the
 * REFRESH operations are still checked there, and then do nothing.
 *
 * mag (docs/graphics.md, "mag") serves this per session, its window being the session's
 * screen, with two differences a client may meet: GET_BUFFER answers EPERM to a copy
 * without WRITE (its buffers are moe's dataspaces, of which it cannot make a read-only
 * copy), and SET_VIEW answers EPERM to the BACKGROUND flag (a view without a label bar).
 *
 * Resizing (mag only: fb-drv's screen keeps its mode). The user resizes a session's
 * window by dragging the grip at the right end of its label bar. mag then puts a RESIZE
 * event (pecan/protocol/event.h: x width, y height) into the session's event stream, and
 * from then on INFO answers the new size. Buffer 0 and view 0 keep the old size, so
 * nothing changes under a client that is still drawing, until the client's next
 * GET_BUFFER 0, which says it is done with the old pixels: that call frees the old
 * buffer 0 (every copy of it revoked: its pages are gone from the client's space too, so
 * unmap it), makes a new one of the new size (cleared) within the session's memory limit,
 * hands it out, and shows it in view 0 at the new size. The client's own views that
 * showed the old buffer 0 are hidden (zero size) until it sets them again. A client that
 * never asks again keeps its window as it was. Several resizes before a GET_BUFFER 0:
 * the last counts; GET_BUFFER 0 without a resize pending replaces nothing. mag clamps a
 * drag to sizes whose buffer fits the memory limit beside the session's other buffers;
 * if moe still cannot make the new buffer, GET_BUFFER 0 answers -PECAN_ENOMEM, the
 * window shows nothing and a later GET_BUFFER 0 tries again.
 *
 * fb-drv's buffer as a dataspace (pecan/protocol/dataspace.h): MAP of its pages (READ,
 * WRITE with the object right WRITE; never EXECUTE: -PECAN_EPERM); INFO answers the size
 * (the frame rounded up to whole pages), READ_ONLY for a copy without WRITE and never a
 * physical address; CLEAR zeroes (bounded work); ALLOCATE succeeds at once, the memory is
 * all there; COPY_IN is -PECAN_ENOSYS.
 */
#ifndef PECAN_PROTOCOL_FRAMEBUFFER_H
#define PECAN_PROTOCOL_FRAMEBUFFER_H

#include <pecan/protocol_numbers.h>   /* PECAN_PROTO_FRAMEBUFFER */

enum pecan_framebuffer_op {
    PECAN_FRAMEBUFFER_INFO = 0,
    PECAN_FRAMEBUFFER_GET_BUFFER = 1,
    PECAN_FRAMEBUFFER_CREATE_BUFFER = 2,
    PECAN_FRAMEBUFFER_CREATE_VIEW = 3,
    PECAN_FRAMEBUFFER_DELETE_BUFFER = 4,
    PECAN_FRAMEBUFFER_DELETE_VIEW = 5,
    PECAN_FRAMEBUFFER_VIEW_INFO = 6,
    PECAN_FRAMEBUFFER_SET_VIEW = 7,
    PECAN_FRAMEBUFFER_STACK_VIEW = 8,
    PECAN_FRAMEBUFFER_REFRESH_VIEW = 9,
    PECAN_FRAMEBUFFER_REFRESH = 10,
};

/* INFO flags (L4Re's values). */
#define PECAN_FRAMEBUFFER_AUTO_REFRESH 0x1u     /* the screen shows memory as it is */
#define PECAN_FRAMEBUFFER_POINTER 0x2u          /* the server draws a mouse pointer */
#define PECAN_FRAMEBUFFER_DYNAMIC_VIEWS 0x4u    /* CREATE_VIEW and the other view changes */
#define PECAN_FRAMEBUFFER_DYNAMIC_BUFFERS 0x8u  /* CREATE_BUFFER, DELETE_BUFFER */

/* A colour component in INFO: its lowest bit in the pixel and its number of bits. */
#define PECAN_FRAMEBUFFER_COMPONENT(shift, size) ((pecan_word_t)(shift) | (pecan_word_t)(size) << 8)
#define PECAN_FRAMEBUFFER_COMPONENT_SHIFT(word) ((word) & 0xFFu)
#define PECAN_FRAMEBUFFER_COMPONENT_SIZE(word) (((word) >> 8) & 0xFFu)

/* View flags (VIEW_INFO w0, SET_VIEW w10). */
#define PECAN_FRAMEBUFFER_VIEW_FIXED 0x1u       /* VIEW_INFO only: cannot be changed */
#define PECAN_FRAMEBUFFER_VIEW_BACKGROUND 0x2u  /* below every other view (mag's desktop) */

/* SET_VIEW's w2: which fields it sets. */
#define PECAN_FRAMEBUFFER_SET_POSITION 0x1u     /* x, y, width, height */
#define PECAN_FRAMEBUFFER_SET_BUFFER 0x2u       /* buffer, offset, bytes per line */
#define PECAN_FRAMEBUFFER_SET_FLAGS 0x4u        /* view flags (BACKGROUND) */

#define PECAN_FRAMEBUFFER_NO_VIEW 0xFFFFFFFFu   /* STACK_VIEW without a pivot */
/* The largest width or height of a screen or view, and the largest distance of a view
 * from the screen's origin: 64-bit arithmetic on them never overflows, and a client's
 * rectangle cannot make a server loop for long. */
#define PECAN_FRAMEBUFFER_MAX_SIZE 16384u

#endif
