#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mag's screen test (docs/graphics.md, "mag"): conf/mag.lua boots in QEMU; fb-drv drives
the PL111, mag multiplexes it, and fb-pattern clients draw the test pattern in windows the
script placed: alpha, beta above it (overlapping, so stacking and clipping show), and gamma
on top of both, which exits, and delta, which is killed: their windows must vanish and
their memory come back. The
screendump must equal, pixel for pixel, the composite the host computes on its own from
the script's window list: the background, then per window in stacking order its label bar
(the script's label in black on the script's colour, above the window) and its pattern.
A model that leaves gamma on the screen must differ, so the comparison can fail.

    python3 tests/graphics/test_mag_screen.py [--nested]

With --nested it boots conf/mag-nested.lua instead: a mag inside a window of another mag,
showing its own client; the model is the inner mag's composite pasted as the content of
the outer mag's window.

Environment as test_fb_screen.py: PECAN_LOG_FONT and PECAN_SCENARIO_ROM.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "harness"))
sys.path.insert(0, str(HERE))

import screen_model  # noqa: E402
from qemu_screen import QemuScreen, run_screen_test  # noqa: E402
from screen_model import Image, PsfFont, compare_region, render_text  # noqa: E402
from test_fb_screen import fb_pattern_model  # noqa: E402

WIDTH, HEIGHT, BITS, FORMAT = 640, 480, 16, "rgb565"
BACKGROUND = (0x20, 0x30, 0x40)      # servers/mag/mag.c
INNER_BACKGROUND = (0x38, 0x38, 0x38)   # conf/mag-nested.lua: the inner mag's --background
LABEL_TEXT = (0x00, 0x00, 0x00)
LABEL_MARGIN = 4                     # servers/mag/composite.c
# conf/mag.lua's windows, in stacking order: label, colour, x, y, width, height.
ALPHA = ("alpha", 0xE08020, 40, 60, 320, 200)
BETA = ("beta", 0x20A0E0, 200, 160, 360, 240)
GAMMA = ("gamma", 0xC040C0, 100, 120, 200, 160)


def shown(color):
    return screen_model.shown_color(color, FORMAT)


def paste(image, part, x, y):
    for row in range(part.height):
        for column in range(part.width):
            px, py = x + column, y + row
            if 0 <= px < image.width and 0 <= py < image.height:
                image.put(px, py, part.get(column, row))


def draw_grip(bar, text_colour):
    """mag's resize grip at the right end of a window's bar (servers/mag/composite.c,
    draw_grip): a square as high as the bar, diagonal lines in the text colour where the
    square's x + y is its size - 1 plus a multiple of 4, two pixels off its right and
    bottom edges; the rest the bar's colour, the square clipped to the bar."""
    size = bar.height
    background = bar.get(bar.width - 1, 0)
    for j in range(size):
        for i in range(size):
            x = bar.width - size + i
            if x < 0:
                continue
            total = i + j - (size - 1)
            line = i < size - 2 and j < size - 2 and total >= 0 and total % 4 == 0
            bar.put(x, j, text_colour if line else background)
    return bar


def mag_model(font, windows, width=WIDTH, height=HEIGHT, background=BACKGROUND):
    """A mag's screen of width x height once every window in `windows` (bottom first)
    drew: its pattern, or the image given as a seventh element (a nested mag's screen)."""
    image = Image(width, height, fill=shown(background))
    for label, colour, x, y, w, h, *content in windows:
        rgb = shown(((colour >> 16) & 0xFF, (colour >> 8) & 0xFF, colour & 0xFF))
        bar = Image(w, font.height, fill=rgb)
        render_text(font, label, shown(LABEL_TEXT), rgb, image=bar, x=LABEL_MARGIN, y=0)
        draw_grip(bar, shown(LABEL_TEXT))
        paste(image, bar, x, y - font.height)
        paste(image, content[0] if content else fb_pattern_model(font, w, h, BITS), x, y)
    return image


def settled_screendump(guest, expected, name, timeout=30):
    """Screendumps until one equals expected or timeout seconds passed: mag redraws at
    most every 40 ms, so the last change may show a little after the line that told of
    it. Returns the last screendump and its difference from expected."""
    deadline = time.monotonic() + timeout
    while True:
        shot = guest.screendump(name)
        if (shot.width, shot.height) != (expected.width, expected.height):
            return shot, None
        difference = compare_region(shot, expected, 0, 0)
        if difference.equal or time.monotonic() > deadline:
            return shot, difference
        time.sleep(0.2)


def pack(work, scenario):
    rom = os.environ.get("PECAN_SCENARIO_ROM", "")
    if not Path(rom).is_file():
        sys.exit("PECAN_SCENARIO_ROM is not the build's scenario-rom.txt: run through ctest")
    image = work / f"{scenario}.elf"
    subprocess.run([str(REPO / "tools" / "pack-scenario"), "--rom", rom,
                    "--script", str(REPO / "conf" / f"{scenario}.lua"), "--output", str(image)],
                   check=True, stdout=subprocess.DEVNULL)
    return image


def fail(message, guest=None):
    tail = guest.log_text()[-3000:] if guest else ""
    print(f"FAILED: {message}\n{tail}", file=sys.stderr)
    return 1


def run(work):
    font_path = os.environ.get("PECAN_LOG_FONT", "")
    if not Path(font_path).is_file():
        return fail("PECAN_LOG_FONT is not set: run through ctest")
    font = PsfFont.load(font_path)
    with QemuScreen(pack(work, "mag"), work, smp=1, timeout=240) as guest:
        guest.wait_for_all([f"fb-pattern: drew {w[4]}x{w[5]} 16 bpp rgb565: ready"
                            for w in (ALPHA, BETA)], timeout=180)
        guest.wait_for_log(r"mag-scenario: gamma and delta gone, memory exact", timeout=120)
        expected = mag_model(font, [ALPHA, BETA])
        shot, difference = settled_screendump(guest, expected, "mag.ppm")
        if difference is None:
            return fail(f"the screen is {shot.width}x{shot.height}", guest)
        if not difference.equal:
            expected.write_ppm(work / "expected.ppm")
            return fail(f"{difference.report()} (screendump and model in {work})", guest)
        # The comparison can fail: gamma's window left on the screen differs.
        stale = compare_region(shot, mag_model(font, [ALPHA, BETA, GAMMA]), 0, 0)
        if stale.equal or stale.count < GAMMA[4] * GAMMA[5] // 4:
            return fail(f"a model with gamma's window was not caught: {stale.report()}", guest)
    print(f"mag_screen: {WIDTH * HEIGHT} pixels equal the model (alpha under beta, gamma "
          f"gone); a model with gamma differs in {stale.count}")
    return 0


# conf/mag-nested.lua: alpha and the inner mag's window in the outer mag; nest in the inner.
NEST = ("nest", 0xC040C0, 30, 50, 240, 160)
INNER = ("inner", 0x20A0E0, 220, 140, 400, 320)


def run_nested(work):
    font_path = os.environ.get("PECAN_LOG_FONT", "")
    if not Path(font_path).is_file():
        return fail("PECAN_LOG_FONT is not set: run through ctest")
    font = PsfFont.load(font_path)
    with QemuScreen(pack(work, "mag-nested"), work, smp=1, timeout=240) as guest:
        guest.wait_for_all([f"fb-pattern: drew {w[4]}x{w[5]} 16 bpp rgb565: ready"
                            for w in (ALPHA, NEST)], timeout=180)
        inner_screen = mag_model(font, [NEST], INNER[4], INNER[5], INNER_BACKGROUND)
        expected = mag_model(font, [ALPHA, INNER + (inner_screen,)])
        shot, difference = settled_screendump(guest, expected, "mag-nested.ppm")
        if difference is None:
            return fail(f"the screen is {shot.width}x{shot.height}", guest)
        if not difference.equal:
            expected.write_ppm(work / "expected.ppm")
            return fail(f"{difference.report()} (screendump and model in {work})", guest)
        # The comparison can fail: nest's window 8 pixels further right differs.
        moved = mag_model(font, [NEST[:2] + (NEST[2] + 8,) + NEST[3:]], INNER[4], INNER[5],
                          INNER_BACKGROUND)
        wrong = compare_region(shot, mag_model(font, [ALPHA, INNER + (moved,)]), 0, 0)
        if wrong.equal:
            return fail("a model with nest moved was not caught", guest)
        # And one where the inner mag had the outer's background (looks see-through).
        see_through = mag_model(font, [NEST], INNER[4], INNER[5])
        same = compare_region(shot, mag_model(font, [ALPHA, INNER + (see_through,)]), 0, 0)
        if same.equal:
            return fail("a model with the outer's background inside was not caught", guest)
    print(f"mag_nested_screen: {WIDTH * HEIGHT} pixels equal the model (a mag in a mag "
          f"window, its own background); nest moved differs in {wrong.count}, the outer's "
          f"background inside in {same.count}")
    return 0


def main():
    nested = "--nested" in sys.argv[1:]
    return run_screen_test("mag-screen", run_nested if nested else run)


if __name__ == "__main__":
    sys.exit(main())
