#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fb-drv's screen test (docs/graphics.md): conf/fb.lua packed with a mode (and optionally
restart=yes) boots in QEMU; fb-drv drives the PL111 and fb-pattern draws the test pattern
through the FRAMEBUFFER protocol; a screendump through QEMU's monitor must equal, pixel for
pixel, the pattern as the host draws it from the same definition (fb_pattern_model below,
servers/fb-drv/test_pattern.c in the guest: keep the two in step). A model with one marker
in another colour must differ in exactly that marker's pixels, so the comparison can fail.

    python3 tests/graphics/test_fb_screen.py 640x480x16 [--restart]

Environment (the ctest registration in tests/graphics/CMakeLists.txt passes both):
PECAN_LOG_FONT, the decompressed Uni2-Terminus16.psf; PECAN_SCENARIO_ROM, the build's
target/scenario-rom.txt, which tools/pack-scenario packs the script with.
"""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "harness"))

import screen_model  # noqa: E402
from qemu_screen import QemuScreen, run_screen_test  # noqa: E402
from screen_model import Image, PsfFont, compare_region, fill_rectangle, render_text  # noqa: E402

# The pattern (servers/fb-drv/test_pattern.c).
BACKGROUND = (0x10, 0x20, 0x80)
TEXT = (0xFF, 0xE0, 0x40)
GRID = (0x90, 0x90, 0x90)
WHITE = (0xFF, 0xFF, 0xFF)
BARS = [(0xFF, 0xFF, 0xFF), (0xFF, 0xFF, 0x00), (0x00, 0xFF, 0xFF), (0x00, 0xFF, 0x00),
        (0xFF, 0x00, 0xFF), (0xFF, 0x00, 0x00), (0x00, 0x00, 0xFF), (0x00, 0x00, 0x00)]
MARKERS = [(0xFF, 0x00, 0x00), (0x00, 0xFF, 0x00), (0x00, 0x00, 0xFF), (0xFF, 0x00, 0xFF)]
SECOND_LINE = "é─│┼½☺ 0123456789 print(6*7)"
# fb-drv's formats per depth: the PL111 with LCDControl's BGR bit set.
FORMATS = {16: "rgb565", 32: "xrgb8888"}


def fb_pattern_model(font, width, height, bits, markers=MARKERS):
    """What the screen shows once fb-pattern drew: test_pattern.c's steps in its order,
    each colour as QEMU shows it in the format."""
    format_name = FORMATS[bits]

    def shown(color):
        return screen_model.shown_color(color, format_name)

    image = Image(width, height, fill=shown(BACKGROUND))
    half = height // 2
    for i, color in enumerate(BARS):
        left, right = i * width // 8, (i + 1) * width // 8
        if half > 32:
            fill_rectangle(image, left, 0, right - left, half - 32, shown(color))
    for x in range(width):
        grey = x * 255 // (width - 1) if width > 1 else 0
        fill_rectangle(image, x, half - 32, 1, 32, shown((grey, grey, grey)))
    for y in range(half + 16, height, 32):
        fill_rectangle(image, 0, y, width, 1, shown(GRID))
    for x in range(16, width, 32):
        fill_rectangle(image, x, half, 1, height - half, shown(GRID))
    first_line = f"Pecan fb-drv {width}x{height} {bits} bpp {format_name}"
    for text, y in ((first_line, half + 24), (SECOND_LINE, half + 48)):
        render_text(font, text, shown(TEXT), shown(BACKGROUND), image=image, x=24, y=y)
    for rectangle in ((0, 0, width, 1), (0, height - 1, width, 1), (0, 0, 1, height),
                      (width - 1, 0, 1, height)):
        fill_rectangle(image, *rectangle, shown(WHITE))
    for (x, y), color in zip(((0, 0), (width - 8, 0), (0, height - 8), (width - 8, height - 8)),
                             markers):
        fill_rectangle(image, x, y, 8, 8, shown(color))
    return image


def pack(work, mode, restart):
    """conf/fb.lua with the mode (and restart) as L4.Args, packed as ./pecan run would."""
    rom = os.environ.get("PECAN_SCENARIO_ROM", "")
    if not Path(rom).is_file():
        sys.exit("PECAN_SCENARIO_ROM is not the build's scenario-rom.txt: run through ctest")
    image = work / f"fb-{mode}.elf"
    command = [str(REPO / "tools" / "pack-scenario"), "--rom", rom,
               "--script", str(REPO / "conf" / "fb.lua"), "--output", str(image),
               "--set", f"mode={mode}"]
    if restart:
        command += ["--set", "restart=yes"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return image


def fail(message, guest=None):
    tail = guest.log_text()[-3000:] if guest else ""
    print(f"FAILED: {message}\n{tail}", file=sys.stderr)
    return 1


def run(mode, restart, work):
    width, height, bits = (int(n) for n in mode.split("x"))
    font_path = os.environ.get("PECAN_LOG_FONT", "")
    if not Path(font_path).is_file():
        return fail("PECAN_LOG_FONT is not set: run through ctest")
    font = PsfFont.load(font_path)
    ready = re.escape(f"fb-pattern: drew {width}x{height} {bits} bpp {FORMATS[bits]}: ready")
    with QemuScreen(pack(work, mode, restart), work, smp=1, timeout=240) as guest:
        guest.wait_for_log(ready, timeout=180)
        if restart:
            guest.wait_for_log(r"fb-drv ended: killed", timeout=120)
            guest.wait_for_log(ready, timeout=120)
        guest.wait_for_log(r"fb: the test pattern is on the screen", timeout=60)
        shot = guest.screendump(f"fb-{mode}.ppm")
        if (shot.width, shot.height) != (width, height):
            return fail(f"the screen is {shot.width}x{shot.height}, not {width}x{height}", guest)
        expected = fb_pattern_model(font, width, height, bits)
        difference = compare_region(shot, expected, 0, 0)
        if not difference.equal:
            expected.write_ppm(work / f"expected-{mode}.ppm")
            return fail(f"{mode}: {difference.report()} (screendump and model in {work})", guest)
        # The comparison can fail: the top right marker in red instead of green differs in
        # exactly its 64 pixels.
        wrong = fb_pattern_model(font, width, height, bits,
                                 markers=[MARKERS[0], MARKERS[0], MARKERS[2], MARKERS[3]])
        difference = compare_region(shot, wrong, 0, 0)
        if difference.count != 64 or difference.first != (width - 8, 0):
            return fail(f"a wrong model was not caught exactly: {difference.report()}", guest)
    print(f"fb_screen {mode}{' after a restart' if restart else ''}: {width * height} pixels "
          f"equal the model")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", help="WIDTHxHEIGHTxBITS, as conf/fb.lua takes it")
    parser.add_argument("--restart", action="store_true",
                        help="end fb-drv after the first drawing and start it again")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    arguments = parser.parse_args()
    if not re.fullmatch(r"\d+x\d+x(16|32)", arguments.mode):
        parser.error(f"mode '{arguments.mode}': expected e.g. 640x480x16")
    return run_screen_test(f"fb-screen-{arguments.mode}",
                           lambda work: run(arguments.mode, arguments.restart, work),
                           keep=arguments.keep)

if __name__ == "__main__":
    sys.exit(main())
