/* SPDX-License-Identifier: MIT */
/*
 * screen_probe: a bare-metal guest for tests/harness/test_screen.py, the end-to-end check of
 * the screen-test groundwork without any Pecan kernel: it drives the RealView EB's PL111 and
 * PL050s directly, draws with pkg/graphics and decodes with pkg/input, so a screendump, a
 * sendkey and a mouse_move through QEMU's monitor can be compared with the host's screen
 * model (screen_model.py) and with the decoders' expected events.
 *
 * For each pixel format in turn (RGB565 and BGR565 at 16 bits per pixel, 0x00RRGGBB and
 * 0x00BBGGRR at 32) it sets up a 640x480 screen, fills it, draws a line of text and a
 * rectangle, prints "probe: mode <name> ready" on UART0, and then reports every key event
 * ("probe: key <code> pressed|released") and mouse packet ("probe: mouse <dx> <dy>
 * <buttons>") until the N key is released, which moves on to the next format. After the
 * last it prints "probe: done" and exits through semihosting with status 0. Start-up, stack
 * and the font are in screen_probe_start.S; test_screen.py builds both (arm-none-eabi-gcc,
 * newlib's libc for memset, memcmp and qsort).
 */
#include <graphics/pixel_format.h>
#include <graphics/psf_font.h>
#include <graphics/surface.h>
#include <input/ps2.h>
#include <stdint.h>

#define UART0_DATA ((volatile uint32_t *)0x10009000)
#define KMI_KEYBOARD 0x10006000u
#define KMI_MOUSE 0x10007000u
#define KMI_CONTROL 0x00
#define KMI_STATUS 0x04
#define KMI_DATA 0x08
#define KMI_ENABLE 0x04u
#define KMI_RECEIVE_FULL 0x10u
#define KMI_TRANSMIT_EMPTY 0x40u
#define CLCD 0x10020000u
#define CLCD_TIMING0 0x00
#define CLCD_TIMING1 0x04
#define CLCD_UPPER_BASE 0x10
#define CLCD_CONTROL 0x18
#define CLCD_ENABLE 0x001u
#define CLCD_TFT 0x020u
#define CLCD_BGR 0x100u
#define CLCD_POWER 0x800u
#define FRAMEBUFFER ((uint8_t *)0x01000000)
#define WIDTH 640
#define HEIGHT 480

/* What the harness draws and compares: keep in step with test_screen.py. */
#define TEXT "Pecan \xC3\xA9\xE2\x94\x80 print(6*7) 42"
#define TEXT_X 8
#define TEXT_Y 16
#define RECTANGLE_X 100
#define RECTANGLE_Y 100
#define RECTANGLE_WIDTH 30
#define RECTANGLE_HEIGHT 20
static const struct color background = {0x10, 0x20, 0x80};
static const struct color text_color = {0xFF, 0xE0, 0x40};
static const struct color rectangle_color = {0xC8, 0x32, 0x0A};

extern const uint8_t probe_font[];
extern const uint32_t probe_font_size;

struct mode {
    const char *name;
    const struct pixel_format *format;
    uint32_t bits_per_pixel_code;   /* LCDControl BPP: 6 is 16-bit 5:6:5, 5 is 24-bit in 32 */
    uint32_t bgr;
};

static const struct mode modes[] = {
    {"rgb565", &pixel_format_rgb565, 6, CLCD_BGR},
    {"bgr565", &pixel_format_bgr565, 6, 0},
    {"xrgb8888", &pixel_format_xrgb8888, 5, CLCD_BGR},
    {"xbgr8888", &pixel_format_xbgr8888, 5, 0},
};

static void write32(uint32_t address, uint32_t value)
{
    *(volatile uint32_t *)address = value;
}

static uint32_t read32(uint32_t address)
{
    return *(volatile uint32_t *)address;
}

static void print(const char *text)
{
    while (*text)
        *UART0_DATA = (uint8_t)*text++;
}

static void print_number(int32_t value)
{
    char digits[12];
    int n = 0;
    uint32_t magnitude = value < 0 ? 0u - (uint32_t)value : (uint32_t)value;
    if (value < 0)
        print("-");
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    while (n)
        *UART0_DATA = (uint8_t)digits[--n];
}

static void exit_guest(int status)
{
    static uint32_t arguments[2];
    arguments[0] = 0x20026;   /* ADP_Stopped_ApplicationExit */
    arguments[1] = (uint32_t)status;
    register uint32_t operation __asm__("r0") = 0x20;   /* SYS_EXIT_EXTENDED */
    register uint32_t block __asm__("r1") = (uint32_t)arguments;
    __asm__ volatile("svc 0x123456" : : "r"(operation), "r"(block) : "memory");
    for (;;)
        __asm__ volatile("wfi");
}

static void fail(const char *what)
{
    print("probe: FAILED ");
    print(what);
    print("\n");
    exit_guest(1);
}

static void show_mode(const struct mode *mode, const struct psf_font *font)
{
    struct surface screen = {FRAMEBUFFER, WIDTH, HEIGHT,
                             WIDTH * (mode->format->bits_per_pixel / 8), *mode->format};
    if (!surface_check(&screen, (size_t)screen.bytes_per_line * HEIGHT))
        fail("surface");
    write32(CLCD + CLCD_CONTROL, 0);
    write32(CLCD + CLCD_TIMING0, (WIDTH / 16 - 1) << 2);
    write32(CLCD + CLCD_TIMING1, HEIGHT - 1);
    write32(CLCD + CLCD_UPPER_BASE, (uint32_t)FRAMEBUFFER);
    uint32_t back = pixel_format_pack(mode->format, background);
    surface_fill_rectangle(&screen, 0, 0, WIDTH, HEIGHT, back);
    const char text[] = TEXT;
    surface_draw_text(&screen, font, TEXT_X, TEXT_Y, text, sizeof(text) - 1,
                      pixel_format_pack(mode->format, text_color), back);
    surface_fill_rectangle(&screen, RECTANGLE_X, RECTANGLE_Y, RECTANGLE_WIDTH, RECTANGLE_HEIGHT,
                           pixel_format_pack(mode->format, rectangle_color));
    write32(CLCD + CLCD_CONTROL, CLCD_ENABLE | mode->bits_per_pixel_code << 1 | CLCD_TFT |
                                     mode->bgr | CLCD_POWER);
    print("probe: mode ");
    print(mode->name);
    print(" ready\n");
}

/* The mouse reports nothing until told to (F4), and acknowledges with FA. */
static void enable_mouse(void)
{
    write32(KMI_MOUSE + KMI_CONTROL, KMI_ENABLE);
    while (!(read32(KMI_MOUSE + KMI_STATUS) & KMI_TRANSMIT_EMPTY))
        ;
    write32(KMI_MOUSE + KMI_DATA, 0xF4);
    while (!(read32(KMI_MOUSE + KMI_STATUS) & KMI_RECEIVE_FULL))
        ;
    if ((read32(KMI_MOUSE + KMI_DATA) & 0xFF) != 0xFA)
        fail("mouse did not acknowledge F4");
}

static void report_key(struct key_event event)
{
    print("probe: key ");
    print_number(event.code);
    print(event.pressed ? " pressed\n" : " released\n");
}

static void report_mouse(struct mouse_event event)
{
    print("probe: mouse ");
    print_number(event.dx);
    print(" ");
    print_number(event.dy);
    print(" ");
    print_number(event.buttons);
    print("\n");
}

/* Reports input until the N key is released. */
static void wait_for_next(struct ps2_keyboard_decoder *keyboard, struct ps2_mouse_decoder *mouse)
{
    for (;;) {
        if (read32(KMI_KEYBOARD + KMI_STATUS) & KMI_RECEIVE_FULL) {
            struct key_event events[PS2_KEYBOARD_MAX_EVENTS];
            unsigned count = ps2_keyboard_decode(
                keyboard, (uint8_t)read32(KMI_KEYBOARD + KMI_DATA), events);
            for (unsigned i = 0; i < count; i++) {
                report_key(events[i]);
                if (events[i].code == INPUT_KEY_N && !events[i].pressed)
                    return;
            }
        }
        if (read32(KMI_MOUSE + KMI_STATUS) & KMI_RECEIVE_FULL) {
            struct mouse_event event;
            if (ps2_mouse_decode(mouse, (uint8_t)read32(KMI_MOUSE + KMI_DATA), &event))
                report_mouse(event);
        }
    }
}

void probe_main(void);
void probe_main(void)
{
    struct psf_font font;
    if (psf_font_open(&font, probe_font, probe_font_size) != PSF_OK)
        fail("font");
    write32(KMI_KEYBOARD + KMI_CONTROL, KMI_ENABLE);
    enable_mouse();
    struct ps2_keyboard_decoder keyboard;
    struct ps2_mouse_decoder mouse;
    ps2_keyboard_decoder_init(&keyboard);
    ps2_mouse_decoder_init(&mouse);
    for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        show_mode(&modes[i], &font);
        wait_for_next(&keyboard, &mouse);
    }
    print("probe: done\n");
    exit_guest(0);
}
