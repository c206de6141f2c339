#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mag's input test (docs/graphics.md, "Input in mag"): conf/mag-input.lua boots in QEMU
with fb-drv, input-drv and mag, and two clients, left and right (on top), that fill their
windows and print the events mag sends them. Through QEMU's monitor the test moves the
mouse, clicks each window and types:

  - the screendump must equal the host's composite pixel for pixel: the windows in
    stacking order, the focused one's label bar inverted (black, the label in the bar's
    colour), and the pointer (its shape read from servers/mag/composite.c) where the
    relative motions put it, clamped to the screen;
  - a click focuses and raises the window under the pointer;
  - each motion reaches the client under the pointer as a position in its window's
    coordinates; keys reach the focused client only;
  - while a button is held, the client the press went to gets the positions and the
    release, even with the pointer over another window (the grab).

A model in which focus did not move must differ, so the comparison can fail.

    python3 tests/graphics/test_mag_input.py [--keep]
"""

import os
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "harness"))
sys.path.insert(0, str(HERE))

from qemu_screen import GuestError, QemuScreen, run_screen_test  # noqa: E402
from screen_model import Image, PsfFont, compare_region, render_text  # noqa: E402
from test_mag_screen import BACKGROUND, HEIGHT, LABEL_MARGIN, LABEL_TEXT, WIDTH, draw_grip, fail, pack, paste, shown  # noqa: E402

# conf/mag-input.lua: label, bar colour, x, y, width, height, fill colour
LEFT = ("left", 0xE08020, 40, 60, 300, 200, 0x406080)
RIGHT = ("right", 0x20A0E0, 200, 120, 360, 240, 0x80A040)
POINTER_OUTLINE, POINTER_INSIDE = (0, 0, 0), (0xFF, 0xFF, 0xFF)   # servers/mag/mag.c
BUTTON_LEFT = 0x110


def rgb(colour):
    return shown(((colour >> 16) & 0xFF, (colour >> 8) & 0xFF, colour & 0xFF))


def pointer_shape():
    """The rows of mag's pointer, from composite.c between its markers."""
    text = (REPO / "servers" / "mag" / "composite.c").read_text()
    block = text.split("/* pointer shape begin */")[1].split("/* pointer shape end */")[0]
    return re.findall(r'"([X. ]+)"', block)


def model(font, windows, focus, pointer):
    image = Image(WIDTH, HEIGHT, fill=shown(BACKGROUND))
    for label, colour, x, y, w, h, fill in windows:
        draw_bar(image, font, label, colour, x, y, w, focus)
        paste(image, Image(w, h, fill=rgb(fill)), x, y)
    px, py = pointer
    for row, line in enumerate(pointer_shape()):
        for column, c in enumerate(line):
            if c != " " and 0 <= px + column < WIDTH and 0 <= py + row < HEIGHT:
                image.put(px + column, py + row, shown(POINTER_OUTLINE if c == "X" else POINTER_INSIDE))
    return image


def screen_equals(guest, expected, name, timeout=30):
    """Screendumps until one equals expected (mag redraws after its clients print)."""
    deadline = time.monotonic() + timeout
    while True:
        shot = guest.screendump(name)
        difference = compare_region(shot, expected, 0, 0)
        if difference.equal or time.monotonic() > deadline:
            return shot, difference
        time.sleep(0.2)


def draw_bar(image, font, label, colour, x, y, w, focus):
    bar_colour, text_colour = rgb(colour), shown(LABEL_TEXT)
    if label == focus:
        bar_colour, text_colour = text_colour, bar_colour
    bar = Image(w, font.height, fill=bar_colour)
    render_text(font, label, text_colour, bar_colour, image=bar, x=LABEL_MARGIN, y=0)
    draw_grip(bar, text_colour)
    paste(image, bar, x, y - font.height)


def expect_screen(guest, work, expected, name):
    shot, difference = screen_equals(guest, expected, name)
    if not difference.equal:
        expected.write_ppm(work / f"expected-{name}")
        raise GuestError(f"{name}: {difference.report()} (screendump and model in {work})")
    return shot


def must_differ(shot, wrong, what):
    difference = compare_region(shot, wrong, 0, 0)
    if difference.equal:
        raise GuestError(f"a model {what} was not caught")
    return difference.count


def pointer_cells():
    """mag's pointer as (column, row, colour) of its drawn pixels, tip at 0, 0."""
    return [(column, row, shown(POINTER_OUTLINE if c == "X" else POINTER_INSIDE))
            for row, line in enumerate(pointer_shape()) for column, c in enumerate(line)
            if c != " "]


def find_pointer(shot, cells, guess=None, near_only=False):
    """Where mag drew its pointer's tip in a screendump, or None: near guess first (a few
    pixels around it), then (unless near_only) anywhere."""
    def drawn_at(x, y):
        return all(shot.get(x + i, y + j) == colour for i, j, colour in cells
                   if x + i < shot.width and y + j < shot.height)
    near = []
    if guess:
        near = [(guess[0] + dx, guess[1] + dy) for dy in range(-8, 9) for dx in range(-8, 9)]
    everywhere = ((x, y) for y in range(shot.height) for x in range(shot.width))
    for x, y in near:
        if 0 <= x < shot.width and 0 <= y < shot.height and drawn_at(x, y):
            return x, y
    return None if near_only else next(((x, y) for x, y in everywhere if drawn_at(x, y)), None)


def pointer_to(guest, x, y, timeout=60):
    """Moves mag's pointer until its tip is at x, y, seen in screendumps. QEMU's PS/2
    mouse queues at most five packets of at most 127 pixels; motion that does not fit
    stays behind and goes with the next move, so one long move lands off by what the
    guest had not taken yet. So: one packet at a time, each seen to arrive."""
    cells = pointer_cells()
    deadline = time.monotonic() + timeout
    here = find_pointer(guest.screendump("pointer.ppm"), cells)
    while here != (x, y):
        if time.monotonic() > deadline:
            raise GuestError(f"the pointer is at {here}, not {x},{y} (pointer.ppm)")
        guess = here
        if here:
            step = (max(-127, min(127, x - here[0])), max(-127, min(127, y - here[1])))
            guest.mouse_move(*step)
            guess = (here[0] + step[0], here[1] + step[1])
        time.sleep(0.1)
        here = find_pointer(guest.screendump("pointer.ppm"), cells, guess)


def paced_move(guest, dx, dy, start, screen=(WIDTH, HEIGHT), timeout=30):
    """mouse_move by dx, dy from the pointer's known tip start, in PS/2 packets of at most
    127 pixels each seen in a screendump to have arrived (on the screen's edge the pointer
    stops), so QEMU's queue never holds motion back or drops a button packet after it.
    The pointer's tip afterwards."""
    cells = pointer_cells()
    here = start
    while (dx, dy) != (0, 0):
        step = (max(-127, min(127, dx)), max(-127, min(127, dy)))
        guest.mouse_move(*step)
        dx, dy = dx - step[0], dy - step[1]
        here = tuple(max(0, min(size - 1, at + by)) for at, by, size in zip(here, step, screen))
        deadline = time.monotonic() + timeout
        while find_pointer(guest.screendump("pointer.ppm"), cells, here, near_only=True) != here:
            if time.monotonic() > deadline:
                raise GuestError(f"the pointer did not reach {here} (pointer.ppm)")
            time.sleep(0.05)
    return here


def move(guest, dx, dy, expect=None):
    guest.mouse_move(dx, dy)
    if expect:
        guest.wait_for_log(expect, timeout=60)


def click(guest, client):
    guest.mouse_button(1)
    guest.wait_for_log(rf"{client}: press {BUTTON_LEFT} modifiers 0", timeout=60)
    guest.mouse_button(0)
    guest.wait_for_log(rf"{client}: release {BUTTON_LEFT} modifiers 0", timeout=60)


def type_key(guest, key, code, client):
    guest.send_keys(key)
    guest.wait_for_log(rf"{client}: press {code} modifiers 0", timeout=60)
    guest.wait_for_log(rf"{client}: release {code} modifiers 0", timeout=60)


def check_screen(guest, work, font, windows, focus, pointer, name):
    expected = model(font, windows, focus, pointer)
    shot, difference = screen_equals(guest, expected, name)
    if not difference.equal:
        expected.write_ppm(work / f"expected-{name}")
        return shot, f"{name}: {difference.report()} (screendump and model in {work})"
    return shot, None


def run(work):
    font_path = os.environ.get("PECAN_LOG_FONT", "")
    if not Path(font_path).is_file():
        return fail("PECAN_LOG_FONT is not set: run through ctest")
    font = PsfFont.load(font_path)
    with QemuScreen(pack(work, "mag-input"), work, smp=1, timeout=300) as guest:
        guest.wait_for_all([r"left: ready", r"right: ready"], timeout=180)
        # The pointer starts in the middle; nothing is focused.
        _, error = check_screen(guest, work, font, [LEFT, RIGHT], None, (320, 240), "start.ppm")
        if error:
            return fail(error, guest)
        # To (100, 100) in two steps: the first ends over right (on top), the second over
        # left only; each client gets the position in its own window.
        move(guest, -110, -70, r"right: position 10 50")
        move(guest, -110, -70, r"left: position 60 40")
        click(guest, "left")
        _, error = check_screen(guest, work, font, [RIGHT, LEFT], "left", (100, 100), "left.ppm")
        if error:
            return fail(error, guest)
        # To (450, 300): over left (now on top), then over right only. Keys still go to
        # left, the focused client, not to the one under the pointer.
        move(guest, 175, 100, r"left: position 235 140")
        move(guest, 175, 100, r"right: position 250 180")
        type_key(guest, "a", 30, "left")
        type_key(guest, "b", 48, "left")
        click(guest, "right")
        type_key(guest, "c", 46, "right")
        shot, error = check_screen(guest, work, font, [LEFT, RIGHT], "right", (450, 300), "right.ppm")
        if error:
            return fail(error, guest)
        # The comparison can fail: a model where focus stayed on left differs.
        stale = compare_region(shot, model(font, [LEFT, RIGHT], "left", (450, 300)), 0, 0)
        if stale.equal:
            return fail("a model with focus left on 'left' was not caught", guest)
        # The grab: a press on left, then the pointer over right with the button held:
        # left still gets the positions (in its own coordinates, outside its window) and
        # the release; right gets the next motion.
        # From (450, 300) to (100, 100) over left (QEMU may split the move; the last
        # position is the one waited for).
        move(guest, -350, -200, r"left: position 60 40")
        guest.mouse_button(1)
        guest.wait_for_log(rf"left: press {BUTTON_LEFT} modifiers 0", timeout=60)
        move(guest, 300, 150, r"left: position 360 190")
        guest.mouse_button(0)
        guest.wait_for_log(rf"left: release {BUTTON_LEFT} modifiers 0", timeout=60)
        move(guest, 1, 0, r"right: position 201 130")
        _, error = check_screen(guest, work, font, [RIGHT, LEFT], "left", (401, 250), "grab.ppm")
        if error:
            return fail(error, guest)
        log = guest.log_text()   # the grab's events, before the corner's
        # Far beyond the top left corner: the pointer stops at (0, 0). Last, because a move
        # that ends there prints nothing to wait for: a later move could merge with one
        # QEMU has not delivered yet.
        for _ in range(3):
            move(guest, -255, -255)
        _, error = check_screen(guest, work, font, [RIGHT, LEFT], "left", (0, 0), "corner.ppm")
        if error:
            return fail(error, guest)
        for client, code in (("right", 30), ("right", 48), ("left", 46)):
            if re.search(rf"{client}: (press|release) {code} ", log):
                return fail(f"key {code} reached {client}, which was not focused", guest)
        if re.search(rf"right: (position (?!201 130)|(press|release) {BUTTON_LEFT})",
                     log[log.rindex("left: position 60 40"):]):
            return fail("right got pointer events while left had the grab", guest)
        if "FAILED" in log:
            return fail("a FAILED line", guest)
    print(f"mag_input_screen: pointer, focus and raise on click equal the model in 5 "
          f"screendumps; keys reached only the focused client; the grab kept left's pointer "
          f"events over right; a stale focus differs in {stale.count} pixels")
    return 0


def main():
    return run_screen_test("mag-input", run)


if __name__ == "__main__":
    sys.exit(main())
