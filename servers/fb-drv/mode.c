/* SPDX-License-Identifier: MIT */
/* fb-drv's screen modes (mode.h). The table is the only place a mode is described. */
#include <string.h>
#include "mode.h"

struct mode_row {
    const char *name;
    uint32_t width, height, bits_per_pixel;
};

static const struct mode_row modes[] = {
    { "640x480x16", 640, 480, 16 },   { "640x480x32", 640, 480, 32 },
    { "800x600x16", 800, 600, 16 },   { "800x600x32", 800, 600, 32 },
    { "1024x768x16", 1024, 768, 16 }, { "1024x768x32", 1024, 768, 32 },
};

bool fb_mode_find(const char *name, struct fb_mode *mode)
{
    for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        const struct mode_row *row = &modes[i];
        if (strcmp(name, row->name) != 0)
            continue;
        const struct pixel_format *format =
            row->bits_per_pixel == 16 ? &pixel_format_rgb565 : &pixel_format_xrgb8888;
        uint32_t line = row->width * (row->bits_per_pixel / 8);
        uint32_t frame = line * row->height;
        *mode = (struct fb_mode){
            .name = row->name, .width = row->width, .height = row->height,
            .bytes_per_line = line, .format = format, .format_name = fb_format_name(format),
            .frame_size = (frame + FB_PAGE_SIZE - 1) & ~(FB_PAGE_SIZE - 1),
        };
        return true;
    }
    return false;
}

const char *fb_mode_names(void)
{
    static char names[sizeof(modes) / sizeof(modes[0]) * 16];
    if (names[0])
        return names;
    for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (i)
            strcat(names, ", ");
        strcat(names, modes[i].name);   /* each name is at most 11 bytes */
    }
    return names;
}

const char *fb_format_name(const struct pixel_format *format)
{
    static const struct {
        const struct pixel_format *format;
        const char *name;
    } names[] = {
        { &pixel_format_rgb565, "rgb565" },     { &pixel_format_bgr565, "bgr565" },
        { &pixel_format_xrgb8888, "xrgb8888" }, { &pixel_format_xbgr8888, "xbgr8888" },
    };
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (pixel_format_equal(format, names[i].format))
            return names[i].name;
    return "?";
}
