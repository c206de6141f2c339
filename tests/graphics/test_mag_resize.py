#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Moving and resizing windows in mag (docs/graphics.md, "Moving and resizing windows"):
conf/mag-resize.lua boots in QEMU with fb-drv, input-drv, mag and two mag-event-clients:
"grow", which redraws its pattern at the new size when mag tells it of a resize, and
"ignorer", which does not. Through QEMU's monitor the test:
  - drags grow by its label bar: the window follows the pointer; its client sees no
    press (mag has the pointer while it drags);
  - drags grow's grip (the right end of its bar): while the button is held the
    screendump shows the old window and mag's outline of the new size in the session's
    colour; after the release the client prints the RESIZE event and its redraw, and the
    screen shows its pattern at the new size;
  - drags the grip far beyond what grow's memory limit (160 KiB) allows: the size the
    client gets is the one the host computes (the height shrinks until whole pages of
    the buffer fit);
  - resizes ignorer, which ignores it: its window stays as it was, pixel for pixel;
    then K makes ignorer fill its memory limit with a second buffer and ask for buffer
    0: mag must refuse (ENOMEM) and leave view 0 as it was; with that buffer deleted
    the next GET_BUFFER 0 gives the new size, cleared (black on the screen);
  - types Q into grow, which ends; a second client, "more", gets the same window, is
    resized the same way, moved past the screen's top left corner (its bar stays on the
    screen) and ended: conf/mag-resize.lua then checks that moe's free memory and mag's
    and ned's factories are exactly where grow's end left them (a first run leaves
    mag's and ned's factories a little above their figures from before it), so every
    buffer 0 a resize replaced went back.
Every screendump must equal the host's composite pixel for pixel (the pointer and the
grips included); models of the old size and of a window left unmoved must differ.

    python3 tests/graphics/test_mag_resize.py [--keep]
"""

import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "harness"))
sys.path.insert(0, str(HERE))

from qemu_screen import GuestError, QemuScreen, run_screen_test  # noqa: E402
from screen_model import Image, PsfFont, render_text  # noqa: E402
from test_mag_screen import (BACKGROUND, HEIGHT, LABEL_MARGIN, LABEL_TEXT, WIDTH,  # noqa: E402
                             draw_grip, fail, pack, paste, shown)
from test_mag_input import (BUTTON_LEFT, POINTER_INSIDE, POINTER_OUTLINE, click,  # noqa: E402
                            expect_screen, move, must_differ, paced_move, pointer_shape,
                            rgb)

FRAME = 2                        # servers/mag/mag.h, MAG_XRAY_FRAME: the outline's width
MIN_WIDTH, MIN_HEIGHT = 64, 32   # servers/mag/mag.h, MAG_MIN_WIDTH and MAG_MIN_HEIGHT
PAGE, BYTES_PER_PIXEL = 4096, 2
GROW_LIMIT = 160 * 1024       # conf/mag-resize.lua
WHITE, BLACK = 0xFFFFFF, 0x000000


def flat(fill, w, h):
    return Image(w, h, fill=rgb(fill))


def pattern(fill, w, h):
    """mag-event-client's redraw (servers/mag/mag_event_client.c): 8x8 squares of the
    colour and white, a black line along the edges."""
    image = Image(w, h)
    for y in range(h):
        for x in range(w):
            edge = x in (0, w - 1) or y in (0, h - 1)
            colour = BLACK if edge else WHITE if (x // 8 + y // 8) % 2 else fill
            image.put(x, y, rgb(colour))
    return image


class Window:
    def __init__(self, label, colour, x, y, content):
        self.label, self.colour, self.x, self.y, self.content = label, colour, x, y, content

    def at(self, x, y):
        return Window(self.label, self.colour, x, y, self.content)

    def showing(self, content):
        return Window(self.label, self.colour, self.x, self.y, content)


def model(font, windows, focus, pointer, outline=None):
    """The screen: windows bottom first, each its bar (inverted when focused, the grip at
    its right end) and content; a resize's outline (x, y, w, h, colour) above them; the
    pointer on top."""
    image = Image(WIDTH, HEIGHT, fill=shown(BACKGROUND))
    for w in windows:
        bar_colour, text_colour = rgb(w.colour), shown(LABEL_TEXT)
        if w.label == focus:
            bar_colour, text_colour = text_colour, bar_colour
        bar = Image(w.content.width, font.height, fill=bar_colour)
        render_text(font, w.label, text_colour, bar_colour, image=bar, x=LABEL_MARGIN, y=0)
        draw_grip(bar, text_colour)
        paste(image, bar, w.x, w.y - font.height)
        paste(image, w.content, w.x, w.y)
    if outline:
        x, y, ow, oh, colour = outline
        for fx, fy, fw, fh in ((x, y, ow, FRAME), (x, y + oh - FRAME, ow, FRAME),
                               (x, y, FRAME, oh), (x + ow - FRAME, y, FRAME, oh)):
            paste(image, Image(fw, fh, fill=rgb(colour)), fx, fy)
    px, py = pointer
    for row, line in enumerate(pointer_shape()):
        for column, c in enumerate(line):
            if c != " " and 0 <= px + column < WIDTH and 0 <= py + row < HEIGHT:
                image.put(px + column, py + row,
                          shown(POINTER_OUTLINE if c == "X" else POINTER_INSIDE))
    return image


def clamped_size(width, height, room):
    """mag's clamp of a dragged size (servers/mag/session.c, session_clamp_size): the
    minimum and the screen, then whole pages of the buffer within room bytes, the height
    shrinking first."""
    w = min(max(width, MIN_WIDTH), WIDTH)
    h = min(max(height, MIN_HEIGHT), HEIGHT)
    room -= room % PAGE
    if w * h * BYTES_PER_PIXEL > room:
        h = room // (w * BYTES_PER_PIXEL)
    if h < MIN_HEIGHT:
        h, w = MIN_HEIGHT, room // (MIN_HEIGHT * BYTES_PER_PIXEL)
    return w, h




def drag(guest, dx, dy, then=None, start=None):
    """A left press, a move by dx, dy with the button held, and (unless then says what to
    do first) the release. A move of more PS/2 packets than QEMU's queue holds beside the
    two of the buttons is paced from the pointer's tip start (paced_move)."""
    guest.mouse_button(1)
    if start:
        paced_move(guest, dx, dy, start)
    else:
        guest.mouse_move(dx, dy)
    if then:
        then()
    guest.mouse_button(0)


def resize(guest, client, size, redraws):
    w, h = size
    guest.wait_for_log(rf'mag: "{client}" resized to {w}x{h}', timeout=60)
    guest.wait_for_log(rf"{client}: resize {w} {h}", timeout=60)
    if redraws:
        guest.wait_for_log(rf"{client}: redrawn {w}x{h}", timeout=60)


def run(work):
    font_path = os.environ.get("PECAN_LOG_FONT", "")
    if not Path(font_path).is_file():
        return fail("PECAN_LOG_FONT is not set: run through ctest")
    font = PsfFont.load(font_path)
    ignorer = Window("ignorer", 0x20A0E0, 360, 260, flat(0x80A040, 160, 120))
    grow = Window("grow", 0xE08020, 40, 60, flat(0x406080, 200, 100))
    with QemuScreen(pack(work, "mag-resize"), work, smp=1, timeout=300) as guest:
        guest.wait_for_all([r"ignorer: ready", r"grow: ready"], timeout=180)
        expect_screen(guest, work, model(font, [ignorer, grow], None, (320, 240)), "start.ppm")
        # Move: from the middle onto grow's bar (its client gets that position), then
        # a drag by (60, 80).
        move(guest, -220, -190, r"grow: position 60 -10")
        drag(guest, 60, 80)
        guest.wait_for_log(r'mag: "grow" moved to 100,140', timeout=60)
        moved = grow.at(100, 140)
        shot = expect_screen(guest, work, model(font, [ignorer, moved], "grow", (160, 130)),
                             "moved.ppm")
        unmoved = must_differ(shot, model(font, [ignorer, grow], "grow", (160, 130)),
                              "of the window left where it was")
        # Resize: onto the grip (x 284 to 299 of the bar), a drag by (100, 60). While the
        # button is held, the outline of 300x160; after the release, the client's pattern.
        move(guest, 130, 0, r"grow: position 190 -10")
        outline = (100, 140, 300, 160, grow.colour)
        drag(guest, 100, 60, lambda: expect_screen(
            guest, work, model(font, [ignorer, moved], "grow", (390, 190), outline),
            "outline.ppm"))
        resize(guest, "grow", (300, 160), True)
        grown = moved.showing(pattern(0x406080, 300, 160))
        shot = expect_screen(guest, work, model(font, [ignorer, grown], "grow", (390, 190)),
                             "resized.ppm")
        old_size = must_differ(shot, model(font, [ignorer, moved], "grow", (390, 190)),
                               "of the old size")
        # Beyond the memory limit: the grip (x 384 to 399 now) dragged by (200, 300) asks
        # for 500x460; the buffer 0 the client gets must fit 160 KiB.
        move(guest, 2, -60, r"grow: position 292 -10")
        size = clamped_size(300 + 200, 160 + 300, GROW_LIMIT)
        drag(guest, 200, 300)
        resize(guest, "grow", size, True)
        largest = moved.showing(pattern(0x406080, *size))
        expect_screen(guest, work, model(font, [ignorer, largest], "grow", (592, 430)),
                      "clamped.ppm")
        # ignorer: raised by a click inside it (its bar lies under grow's window), then
        # its grip dragged by (40, 30): it ignores the event, so its window stays.
        move(guest, -142, -80, r"ignorer: position 90 90")
        click(guest, "ignorer")
        move(guest, 60, -100, r"ignorer: position 150 -10")
        drag(guest, 40, 30)
        resize(guest, "ignorer", (200, 150), False)
        shot = expect_screen(guest, work, model(font, [largest, ignorer], "ignorer", (550, 280)),
                             "ignored.ppm")
        # K: ignorer fills its limit with a second buffer, so GET_BUFFER 0 is refused and
        # changes nothing; with that buffer gone it gets the new one, cleared by moe.
        guest.send_keys(["k"])
        guest.wait_for_log(r"ignorer: squeezed: error -12, view 0 kept 160x120; then 200x150",
                           timeout=60)
        squeezed = ignorer.showing(flat(BLACK, 200, 150))
        expect_screen(guest, work, model(font, [largest, squeezed], "ignorer", (550, 280)),
                      "squeezed.ppm")
        # grow ends (Q); its window goes (more.ppm below has it no more).
        move(guest, -350, -80, r"grow: position 100 60")
        click(guest, "grow")
        guest.send_keys(["q"])
        guest.wait_for_log(r"grow: quitting", timeout=60)
        # more: grow's window again (the script starts it once grow's session closed),
        # resized the same way, moved, and ended.
        guest.wait_for_log(r"more: ready", timeout=60)
        move(guest, 32, -148, r"more: position 192 -8")
        drag(guest, 100, 60)
        resize(guest, "more", (300, 160), True)
        move(guest, 0, -60, r"more: position 292 -8")
        drag(guest, 200, 300)
        resize(guest, "more", size, True)
        more = Window("more", grow.colour, 40, 60, pattern(0x406080, *size))
        expect_screen(guest, work, model(font, [squeezed, more], "more", (532, 352)), "more.ppm")
        # A move past the top left corner: the pointer stops at (0, 0), and the window's bar
        # stays on the screen (y 16: the bar's top at 0).
        move(guest, -232, -300, r"more: position 260 -8")
        drag(guest, -400, -200, start=(more.x + 260, more.y - 8))
        guest.wait_for_log(r'mag: "more" moved to -260,16', timeout=60)
        expect_screen(guest, work, model(font, [squeezed, more.at(-260, 16)], "more", (0, 0)),
                      "corner.ppm")
        guest.send_keys(["q"])
        guest.wait_for_log(r"more: quitting", timeout=60)
        figures = guest.wait_for_log(r"mag-resize: moe free (\d+) bytes \(after the first run: "
                                     r"(\d+)\), mag's factory uses (\d+) bytes \((\d+)\), "
                                     r"ned's (\d+) bytes \((\d+)\)", timeout=60)
        moe_after, moe_before, mag_after, mag_before, ned_after, ned_before = (
            int(g) for g in figures.groups())
        if (moe_after, mag_after, ned_after) != (moe_before, mag_before, ned_before):
            raise GuestError(f"after more ended moe has {moe_after} bytes free "
                             f"({moe_before} after grow), mag's factory uses {mag_after} "
                             f"({mag_before}) and ned's {ned_after} ({ned_before})")
        log = guest.log_text()
        press = rf"grow: (press|release) {BUTTON_LEFT} "
        drags = log[log.index("grow: position 60 -10"):log.index("ignorer: position 90 90")]
        if re.search(press, drags):
            raise GuestError("grow got pointer events while mag dragged its window")
        if "ignorer: redrawn" in log or "FAILED" in log:
            raise GuestError("ignorer redrew, or a FAILED line")
    print(f"mag_resize_screen: moved, outlined, resized to 300x160 and (clamped to the "
          f"memory limit) {size[0]}x{size[1]}, a clamped move, an ignored resize and its "
          f"refused and retried GET_BUFFER 0 equal the model in 9 "
          f"screendumps; models of the unmoved window and of the old size differ in "
          f"{unmoved} and {old_size} pixels; no client got the drags' pointer events; "
          f"after a second client resized the same way and ended, moe's free memory "
          f"({moe_after} bytes), mag's factory ({mag_after}) and ned's ({ned_after}) are "
          f"exactly where the first left them")
    return 0


def main():
    return run_screen_test("mag-resize", run)


if __name__ == "__main__":
    sys.exit(main())
