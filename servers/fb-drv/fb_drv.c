/* SPDX-License-Identifier: MIT */
/*
 * fb-drv: the framebuffer driver (docs/graphics.md). It serves FRAMEBUFFER sessions
 * (screen_server.c) on the channel it got as "fb", for a screen whose pixels lie in a
 * frame of RAM:
 *   - with the PL111 (a capability "iomem": an IOMEM view whose first page is the
 *     controller's registers, conf/fb.lua gives 0x10020000), the frame is the
 *     physically contiguous dataspace "frame" from the boot script, which the controller
 *     scans out by itself;
 *   - RAM only (no "iomem", or --ram), for tests without a display: the frame is
 *     "frame" if given, any dataspace, else memory fb-drv makes through its own factory.
 * fb-drv clears the frame (to black) and otherwise draws nothing, except the test
 * pattern with --pattern. A restarted fb-drv takes the same frame and registers again.
 *
 * Usage: fb-drv [--mode=WIDTHxHEIGHTxBITS] [--ram] [--pattern]; the modes are mode.h's
 * (default 640x480x16). A bad argument or capability is one line "fb-drv: error: ..."
 * and exit status 2; a device that is no PL111 or a frame that will not do, status 1.
 * Once serving it prints "fb-drv: <mode> (<format>) ... ready".
 */
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/iomem.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <stdio.h>
#include <string.h>
#include "fb_drv.h"
#include "pl111.h"
#include "test_pattern.h"

#define EXIT_USAGE 2
#define EXIT_SETUP 1

extern const uint8_t console_font[];
extern const uint32_t console_font_size;

struct options {
    struct fb_mode mode;
    bool ram_only;
    bool pattern;
};

static int usage_error(const char *what, const char *value)
{
    printf("fb-drv: error: %s '%s'\n", what, value);
    printf("fb-drv: usage: fb-drv [--mode=WIDTHxHEIGHTxBITS] [--ram] [--pattern]\n");
    printf("fb-drv: modes: %s\n", fb_mode_names());
    return EXIT_USAGE;
}

static int setup_error(const char *what, long value)
{
    printf("fb-drv: error: %s (%ld)\n", what, value);
    return EXIT_SETUP;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    static const char mode_option[] = "--mode=";
    fb_mode_find(FB_MODE_DEFAULT, &o->mode);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, mode_option, sizeof(mode_option) - 1) == 0) {
            if (!fb_mode_find(a + sizeof(mode_option) - 1, &o->mode))
                return usage_error("unknown mode", a + sizeof(mode_option) - 1);
        } else if (strcmp(a, "--ram") == 0) {
            o->ram_only = true;
        } else if (strcmp(a, "--pattern") == 0) {
            o->pattern = true;
        } else {
            return usage_error("unknown argument", a);
        }
    }
    return 0;
}

static int attach(pecan_cap_t ds, pecan_word_t size, void **at)
{
    pecan_word_t address = PECAN_ENV_FREE_BASE;
    int err = pecan_rm_attach(PECAN_ENV_RM, &address, size,
                              PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0);
    *at = (void *)(uintptr_t)address;
    return err;
}

/* The script's frame: big enough for the mode and, for the PL111, contiguous. */
static int script_frame(pecan_cap_t frame, bool device)
{
    struct pecan_dataspace_info info;
    int err = pecan_dataspace_info(frame, &info);
    if (err)
        return setup_error("DATASPACE INFO of \"frame\"", err);
    if (info.size < screen.mode.frame_size) {
        printf("fb-drv: error: \"frame\" holds %lu bytes, mode %s needs %lu\n",
               (unsigned long)info.size, screen.mode.name, (unsigned long)screen.mode.frame_size);
        return EXIT_SETUP;
    }
    if (device && (!(info.flags & PECAN_DATASPACE_CONTIGUOUS) || info.phys == FB_NO_PHYSICAL))
        return setup_error("the PL111 needs \"frame\" physically contiguous "
                           "(L4.Mem_alloc_flags.Continuous), flags", (long)info.flags);
    if (device && (info.flags & PECAN_DATASPACE_READ_ONLY))
        return setup_error("\"frame\" is read-only, flags", (long)info.flags);
    screen.physical = device ? info.phys : FB_NO_PHYSICAL;
    void *at;
    if ((err = attach(frame, screen.mode.frame_size, &at)) != 0)
        return setup_error("attaching \"frame\"", err);
    screen.pixels = at;
    return 0;
}

/* RAM only without a frame from the script: memory of our own quota. */
static int own_frame(void)
{
    pecan_cap_t ds;
    int err = pecan_cap_alloc(&ds);
    if (!err)
        err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, screen.mode.frame_size, 0, 0,
                                             ds, 0);
    void *at;
    if (!err)
        err = attach(ds, screen.mode.frame_size, &at);
    if (err)
        return setup_error("making a frame in RAM", err);
    screen.pixels = at;
    screen.physical = FB_NO_PHYSICAL;
    return 0;
}

/* The PL111 behind the first page of the "iomem" view, started on the frame. */
static int start_pl111(pecan_cap_t iomem)
{
    pecan_word_t first, last;
    int err = pecan_iomem_info(iomem, &first, &last);
    if (err)
        return setup_error("IOMEM INFO of \"iomem\"", err);
    if (first % PL111_REGISTER_SIZE || last - first < PL111_REGISTER_SIZE - 1)
        return setup_error("\"iomem\" does not start with a page of registers, first", (long)first);
    pecan_cap_t ds;
    void *at;
    if ((err = pecan_cap_alloc(&ds)) == 0 &&
        (err = pecan_iomem_dataspace(iomem, PECAN_ENV_FACTORY, first, PL111_REGISTER_SIZE, ds)) == 0)
        err = attach(ds, PL111_REGISTER_SIZE, &at);
    if (err) {
        printf("fb-drv: error: mapping the registers at %08lx (%d)\n", (unsigned long)first, err);
        return EXIT_SETUP;
    }
    volatile uint32_t *registers = at;
    uint32_t part = pl111_part_number(registers);
    if (part != PL111_PART_NUMBER) {
        printf("fb-drv: error: the device at %08lx is no PL111 (part number %03lx)\n",
               (unsigned long)first, (unsigned long)part);
        return EXIT_SETUP;
    }
    pl111_start(registers, &screen.mode, screen.physical);
    printf("fb-drv: %s (%s) on the PL111 at %08lx, frame at physical %08lx\n",
           screen.mode.name, screen.mode.format_name, (unsigned long)first,
           (unsigned long)screen.physical);
    return 0;
}

static int draw_pattern(void)
{
    struct psf_font font;
    enum psf_error e = psf_font_open(&font, console_font, console_font_size);
    if (e != PSF_OK)
        return setup_error(psf_error_text(e), e);
    struct surface surface = { .pixels = screen.pixels, .width = screen.mode.width,
                               .height = screen.mode.height,
                               .bytes_per_line = screen.mode.bytes_per_line,
                               .format = *screen.mode.format };
    if (!surface_check(&surface, screen.mode.frame_size))
        return setup_error("the frame is no surface", 0);
    test_pattern_draw(&surface, &font);
    return 0;
}

int main(int argc, char **argv)
{
    struct options options = { .ram_only = false };
    int status = parse_options(argc, argv, &options);
    if (status)
        return status;
    screen.mode = options.mode;
    pecan_cap_t channel = pecan_env_cap("fb"), frame = pecan_env_cap("frame");
    pecan_cap_t iomem = options.ram_only ? 0 : pecan_env_cap("iomem");
    if (!channel)
        return usage_error("no capability", "fb");
    if (iomem && !frame)
        return usage_error("the PL111 needs a capability", "frame");
    status = frame ? script_frame(frame, iomem != 0) : own_frame();
    if (status)
        return status;
    memset(screen.pixels, 0, screen.mode.frame_size);   /* and every page is mapped now */
    if (options.pattern && (status = draw_pattern()) != 0)
        return status;
    if (iomem && (status = start_pl111(iomem)) != 0)
        return status;
    if (!iomem)
        printf("fb-drv: %s (%s) in RAM only\n", screen.mode.name, screen.mode.format_name);
    static struct server server;
    int err = screen_serve(&server, channel);
    if (err)
        return setup_error("cannot serve \"fb\"", err);
    printf("fb-drv: %s (%s) ready%s\n", screen.mode.name, screen.mode.format_name,
           options.pattern ? ", showing the test pattern" : "");
    server_loop(&server);
}
