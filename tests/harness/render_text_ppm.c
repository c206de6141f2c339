/* SPDX-License-Identifier: MIT */
/* render_text_ppm FONT OUTPUT FOREGROUND BACKGROUND TEXT: draws UTF-8 TEXT with the PSF font
 * through pkg/graphics (surface_draw_text into a 0x00RRGGBB surface, exactly as a guest
 * draws), and writes it as a binary PPM. test_screen.py compares it with screen_model.py's
 * rendering of the same text, so the host's model of the screen and the guest's drawing
 * cannot drift apart. Colours are RRGGBB in hexadecimal. */
#include <graphics/pixel_format.h>
#include <graphics/psf_font.h>
#include <graphics/surface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fprintf(stderr, "usage: render_text_ppm FONT OUTPUT FOREGROUND BACKGROUND TEXT\n");
    return 2;
}

static int parse_color(const char *text, struct color *color)
{
    char *end;
    unsigned long value = strtoul(text, &end, 16);
    if (*text == '\0' || *end != '\0' || value > 0xFFFFFF)
        return -1;
    *color = (struct color){(uint8_t)(value >> 16), (uint8_t)(value >> 8), (uint8_t)value};
    return 0;
}

int main(int argc, char **argv)
{
    struct color foreground, background;
    if (argc != 6 || parse_color(argv[3], &foreground) || parse_color(argv[4], &background))
        return usage();
    static uint8_t font_bytes[1 << 20];
    FILE *file = fopen(argv[1], "rb");
    if (file == NULL) {
        perror(argv[1]);
        return 1;
    }
    size_t font_size = fread(font_bytes, 1, sizeof(font_bytes), file);
    fclose(file);
    struct psf_font font;
    enum psf_error error = psf_font_open(&font, font_bytes, font_size);
    if (error != PSF_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], psf_error_text(error));
        return 1;
    }
    const char *text = argv[5];
    size_t length = strlen(text);
    /* One cell per byte is enough: UTF-8 never has more code points than bytes. */
    struct surface surface = {NULL, (uint32_t)(length ? length : 1) * font.width, font.height,
                              0, pixel_format_xrgb8888};
    surface.bytes_per_line = surface.width * 4;
    size_t size = (size_t)surface.bytes_per_line * surface.height;
    surface.pixels = aligned_alloc(4, size);
    if (surface.pixels == NULL || !surface_check(&surface, size))
        return 1;
    uint32_t back = pixel_format_pack(&surface.format, background);
    surface_fill_rectangle(&surface, 0, 0, surface.width, surface.height, back);
    int64_t end = surface_draw_text(&surface, &font, 0, 0, text, length,
                                    pixel_format_pack(&surface.format, foreground), back);
    uint32_t width = end > 0 ? (uint32_t)end : 1;

    file = fopen(argv[2], "wb");
    if (file == NULL) {
        perror(argv[2]);
        return 1;
    }
    fprintf(file, "P6\n%u %u\n255\n", (unsigned)width, (unsigned)surface.height);
    for (uint32_t y = 0; y < surface.height; y++) {
        for (uint32_t x = 0; x < width; x++) {
            struct color c = pixel_format_unpack(&surface.format, surface_read_pixel(&surface, x, y));
            fputc(c.red, file);
            fputc(c.green, file);
            fputc(c.blue, file);
        }
    }
    free(surface.pixels);
    return fclose(file) == 0 ? 0 : 1;
}
