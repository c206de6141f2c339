#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mag's hotkeys (docs/graphics.md, "Hotkeys"): conf/mag-input.lua boots in QEMU with
fb-drv, input-drv, mag and two clients, left and right (on top), that fill their windows
and print the events mag sends them. Through QEMU's monitor the test:

  - clicks left (focus, raise) and presses Scroll Lock: X-ray. The screendump must equal
    the host's model pixel for pixel: every view framed in its session's colour
    (MAG_XRAY_FRAME pixels inside its edges), the unfocused one at half brightness
    ((pixel >> 1) & mask in RGB565), every label bar above all views (right's, which
    left's window covers, too), the focused bar inverted, the pointer on top;
  - types a in X-ray (no client may get it), leaves X-ray and types b (left gets it): so
    a was swallowed, not late;
  - presses Print Screen: mag's log line must carry the screen's size, format and the
    CRC-32 of exactly the pixels of the screendump (packed back to RGB565);
  - presses Pause: the sessions listed in the log and, X-ray-like, in a box at the top
    left (model); presses 2: right's session closes (mag's log), its window is gone
    from the screen (model), and its client's quota got the session's memory back (the
    quota mag logged at the open, plus moe's gate and record of it); left still gets
    keys, and no hotkey or digit reached a client.

Models in which the dimming, the frame, the list or right's covered bar were missing must
differ, so the comparisons can fail.

    python3 tests/graphics/test_mag_hotkeys.py [--keep]
"""

import os
import re
import sys
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "harness"))
sys.path.insert(0, str(HERE))

from qemu_screen import GuestError, QemuScreen, run_screen_test  # noqa: E402
from screen_model import Image, PsfFont, render_text  # noqa: E402
from test_mag_screen import BACKGROUND, HEIGHT, WIDTH, fail, pack, paste, shown  # noqa: E402
from test_mag_input import (LEFT, POINTER_INSIDE, POINTER_OUTLINE, RIGHT, click,  # noqa: E402
                            draw_bar, expect_screen, move, must_differ, pointer_shape, rgb,
                            type_key)

XRAY_FRAME = 2             # servers/mag/mag.h, MAG_XRAY_FRAME
KILL_LIST_MARGIN = 4       # servers/mag/composite.c


def dimmed(colour):
    """The colour an unfocused view shows in X-ray: each RGB565 component halved."""
    r, g, b = (colour >> 16) & 0xFF, (colour >> 8) & 0xFF, colour & 0xFF
    return (((r >> 3) >> 1) << 3, ((g >> 2) >> 1) << 2, ((b >> 3) >> 1) << 3)



def model(font, windows, focus, pointer, xray=False, frame=True, dim=True, kill_lines=None,
          bars_on_top=True):
    image = Image(WIDTH, HEIGHT, fill=shown(BACKGROUND))
    for label, colour, x, y, w, h, fill in windows:
        if not (xray and bars_on_top):
            draw_bar(image, font, label, colour, x, y, w, focus)
        content = dimmed(fill) if xray and dim and label != focus else rgb(fill)
        paste(image, Image(w, h, fill=content), x, y)
        if xray and frame:
            edge = rgb(colour)
            for fx, fy, fw, fh in ((x, y, w, XRAY_FRAME), (x, y + h - XRAY_FRAME, w, XRAY_FRAME),
                                   (x, y, XRAY_FRAME, h), (x + w - XRAY_FRAME, y, XRAY_FRAME, h)):
                paste(image, Image(fw, fh, fill=edge), fx, fy)
    if xray and bars_on_top:   # every label above all views, as nitpicker draws them
        for label, colour, x, y, w, h, fill in windows:
            draw_bar(image, font, label, colour, x, y, w, focus)
    if kill_lines:
        width = max(len(line) for line in kill_lines) * font.width + 2 * KILL_LIST_MARGIN
        height = len(kill_lines) * font.height + 2 * KILL_LIST_MARGIN
        box = Image(width, height, fill=shown(POINTER_OUTLINE))
        for i, line in enumerate(kill_lines):
            render_text(font, line, shown(POINTER_INSIDE), shown(POINTER_OUTLINE), image=box,
                        x=KILL_LIST_MARGIN, y=KILL_LIST_MARGIN + i * font.height)
        paste(image, box, 0, image.height - height)   # the bottom left
    px, py = pointer
    for row, line in enumerate(pointer_shape()):
        for column, c in enumerate(line):
            if c != " " and 0 <= px + column < WIDTH and 0 <= py + row < HEIGHT:
                image.put(px + column, py + row,
                          shown(POINTER_OUTLINE if c == "X" else POINTER_INSIDE))
    return image




def crc_rgb565(image):
    data = bytearray()
    for y in range(image.height):
        for x in range(image.width):
            r, g, b = image.get(x, y)
            word = (r >> 3) << 11 | (g >> 2) << 5 | (b >> 3)
            data += word.to_bytes(2, "little")
    return zlib.crc32(bytes(data))


def run(work):
    font_path = os.environ.get("PECAN_LOG_FONT", "")
    if not Path(font_path).is_file():
        return fail("PECAN_LOG_FONT is not set: run through ctest")
    font = PsfFont.load(font_path)
    with QemuScreen(pack(work, "mag-input"), work, smp=1, timeout=300) as guest:
        guest.wait_for_all([r"left: ready", r"right: ready"], timeout=180)
        move(guest, -110, -70, r"right: position 10 50")
        move(guest, -110, -70, r"left: position 60 40")
        click(guest, "left")
        stack, pointer = [RIGHT, LEFT], (100, 100)
        # X-ray: frames, right dimmed, left (focused) not.
        guest.send_keys(["scroll_lock"])
        shot = expect_screen(guest, work, model(font, stack, "left", pointer, xray=True), "xray.ppm")
        no_dim = must_differ(shot, model(font, stack, "left", pointer, xray=True, dim=False),
                             "without dimming")
        no_frame = must_differ(shot, model(font, stack, "left", pointer, xray=True, frame=False),
                               "without frames")
        # right's bar, under left's window, is drawn above it: every view is labelled.
        covered = must_differ(shot, model(font, stack, "left", pointer, xray=True,
                                          bars_on_top=False), "with right's bar covered")
        # a in X-ray reaches nobody; b afterwards reaches left, so a was not just late.
        guest.send_keys(["a"])
        time.sleep(0.5)   # QEMU releases a key 100 ms after its press: a's release first
        guest.send_keys(["scroll_lock"])
        type_key(guest, "b", 48, "left")
        if re.search(r"(left|right): (press|release) 30 ", guest.log_text()):
            raise GuestError("a key typed in X-ray reached a client")
        normal = expect_screen(guest, work, model(font, stack, "left", pointer), "normal.ppm")
        # Print Screen: the log's CRC-32 is the screendump's.
        guest.send_keys(["print"])
        line = guest.wait_for_log(r"mag: screenshot 640x480 16 bpp red 11:5 green 5:6 blue 0:5 "
                                  r"crc32 [0-9a-f]{8}", timeout=60)
        logged = int(re.findall(r"crc32 ([0-9a-f]{8})", guest.log_text())[-1], 16)
        if logged != crc_rgb565(normal):
            raise GuestError(f"the screenshot's crc32 {logged:08x} is not the screendump's "
                             f"{crc_rgb565(normal):08x}")
        if logged == crc_rgb565(shot):
            raise GuestError("the X-ray screendump has the same crc32: the check cannot fail")
        # Pause: the list, in the log and on the screen.
        guest.send_keys(["pause"])
        guest.wait_for_log(r'mag: kill: 2 "right"', timeout=60)
        lines = ["kill: 1-2, Esc: none", "1 left", "2 right"]
        shot = expect_screen(guest, work, model(font, stack, "left", pointer, xray=True,
                                                kill_lines=lines), "kill.ppm")
        no_list = must_differ(shot, model(font, stack, "left", pointer, xray=True), "without the list")
        guest.send_keys(["2"])
        guest.wait_for_log(r'mag: session "right" closed', timeout=60)
        expect_screen(guest, work, model(font, [LEFT], "left", pointer), "killed.ppm")
        # Its memory is back on its client's quota: the session's factory (the quota mag
        # logged at the open), its gate, and its record (0 or a record page) are gone.
        gone = guest.wait_for_log(r"right: session gone: factory used (\d+) bytes, (\d+) when "
                                  r"ready", timeout=60)
        charged = int(re.search(r'mag: session "right" opened: .*; (\d+) bytes charged to its '
                                r'client', guest.log_text()).group(1))
        returned = int(gone.group(2)) - int(gone.group(1))
        if not charged + 4096 <= returned <= charged + 8192:
            raise GuestError(f"right's client got {returned} bytes back, not its session's "
                             f"{charged} and moe's 4096 to 8192 of bookkeeping")
        # The key that chose reached nobody; left still gets keys.
        type_key(guest, "c", 46, "left")
        log = guest.log_text()
        if re.search(r"(left|right): (press|release) (3|119|70|99) ", log):
            raise GuestError("a hotkey reached a client")
        if "FAILED" in log:
            raise GuestError("a FAILED line")
    print(f"mag_hotkeys_screen: X-ray, normal, kill list and killed screens equal the model; "
          f"models without dimming, frames or the list differ in {no_dim}, {no_frame}, "
          f"{no_list} pixels, with right's bar covered in {covered}; the screenshot's crc32 is the screendump's; keys in X-ray and "
          f"hotkeys reached no client; the killed session gave its client {returned} bytes "
          f"back ({charged} charged)")
    return 0


def main():
    return run_screen_test("mag-hotkeys", run)


if __name__ == "__main__":
    sys.exit(main())
