/* SPDX-License-Identifier: MIT */
/*
 * fb-drv's screen modes (mode.c): the six the boot script may choose, by name
 * (WIDTHxHEIGHTxBITS: 640x480x16 is the default; 800x600 and 1024x768, 16 or 32 bits per
 * pixel), and what each means in memory: lines without padding, RGB565 or 0x00RRGGBB
 * (the PL111's layouts with LCDControl's BGR bit set; docs/graphics.md), and the frame
 * rounded up to whole pages, since it is mapped page by page. Portable C, tested on the
 * host (tests/unit/test_fb_mode.c).
 */
#ifndef FB_DRV_MODE_H
#define FB_DRV_MODE_H

#include <stdbool.h>
#include <stdint.h>
#include <graphics/pixel_format.h>

#define FB_MODE_DEFAULT "640x480x16"
#define FB_PAGE_SIZE 4096u

struct fb_mode {
    const char *name;            /* "640x480x16" */
    uint32_t width, height;
    uint32_t bytes_per_line;
    const struct pixel_format *format;
    const char *format_name;     /* "rgb565" or "xrgb8888" */
    uint32_t frame_size;         /* height lines, rounded up to whole pages */
};

/* The mode named exactly `name`, or false. */
bool fb_mode_find(const char *name, struct fb_mode *mode);
/* The names of every mode, separated by ", " (for an error message). */
const char *fb_mode_names(void);
/* The name of one of pkg/graphics' four PL111 formats, "?" for another. */
const char *fb_format_name(const struct pixel_format *format);

#endif
