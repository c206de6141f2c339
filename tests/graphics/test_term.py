#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""term's screen test (docs/graphics.md, "term"): conf/term.lua boots in QEMU with fb-drv,
input-drv, mag and term, whose console session is term-demo's log. term-demo writes a page
of colours (the 16 ANSI colours, bold as bright, reverse, 256 and true colour), and UTF-8
(a glyph the font lacks shows as the replacement glyph), then echoes what is typed.

The host keeps a transcript of what term-demo wrote, as rows of cells (character,
foreground, background: libvterm's palette, pkg/term's rules), and renders the terminal's
window from it with the same PSF font; every screendump must equal it pixel for pixel:

  - the page, with the cursor (an inverted cell) after the prompt;
  - after a click focuses the window and `hello`, `abx` Backspace `c` are typed with Enter
    (sendkey): the echo and term-demo's answers, which it got through READ;
  - after `scroll`: 60 lines more, so the page has scrolled off the top;
  - Shift+Page Up twice and Shift+Page Down once: the scrollback (13 lines a step, no
    cursor); a key brings the view back to the bottom.

A model with one colour wrong must differ, so the comparison can fail.

    python3 tests/graphics/test_term.py [--keep] [--screenshot docs/term.png]
"""

import os
import re
import struct
import sys
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "harness"))
sys.path.insert(0, str(HERE))

from qemu_screen import QemuScreen, run_screen_test, screenshot_argument  # noqa: E402
from screen_model import Image, PsfFont, compare_region  # noqa: E402
from test_mag_screen import fail, pack, shown  # noqa: E402

# conf/term.lua: the window of term's mag session
WINDOW_X, WINDOW_Y, COLUMNS, ROWS = 8, 40, 78, 27
# libvterm 0.1.4's defaults (src/pen.c)
DEFAULT_FG, DEFAULT_BG = (240, 240, 240), (0, 0, 0)
ANSI = [(0, 0, 0), (224, 0, 0), (0, 224, 0), (224, 224, 0), (0, 0, 224), (224, 0, 224),
        (0, 224, 224), (224, 224, 224), (128, 128, 128), (255, 64, 64), (64, 255, 64),
        (255, 255, 64), (64, 64, 255), (255, 64, 255), (64, 255, 255), (255, 255, 255)]
RAMP6 = [0x00, 0x33, 0x66, 0x99, 0xCC, 0xFF]
SCROLL_STEP = ROWS // 2


def lua_banner():
    """The line lua.c prints first: LUA_RELEASE, two spaces, LUA_COPYRIGHT, read from the
    lua.h of the Lua source the build uses (PECAN_LUA_H, set by ctest), so the expected
    text follows the pinned package."""
    path = os.environ.get("PECAN_LUA_H", "")
    if not os.path.isfile(path):
        sys.exit("PECAN_LUA_H is not the Lua source's lua.h: run through ctest")
    with open(path, encoding="latin-1") as header:
        text = header.read()
    fields = dict(re.findall(r'#define\s+(LUA_RELEASE|LUA_COPYRIGHT)\s+"([^"]*)"', text))
    if len(fields) != 2:
        sys.exit(f"{path}: no LUA_RELEASE and LUA_COPYRIGHT strings")
    return f"{fields['LUA_RELEASE']}  {fields['LUA_COPYRIGHT']}"


def cube(index):
    index -= 16
    return (RAMP6[index // 36 % 6], RAMP6[index // 6 % 6], RAMP6[index % 6])


class Transcript:
    """What the program wrote, as rows of (character, foreground, background) cells."""

    def __init__(self):
        self.rows = [[]]

    def put(self, text, fg=DEFAULT_FG, bg=DEFAULT_BG, wide=()):
        for c in text:
            self.rows[-1].append((c, fg, bg))
            if c in wide:   # a double-width character: its second cell is blank
                self.rows[-1].append((" ", fg, bg))

    def newline(self):
        self.rows.append([])

    def line(self, text, **colours):
        self.put(text, **colours)
        self.newline()


def page(t, red=ANSI[1]):
    t.put("term-demo")
    t.line(": colours, attributes and UTF-8")
    for word, colour in (("red ", red), ("green ", ANSI[2]), ("yellow ", ANSI[3]),
                         ("blue ", ANSI[4]), ("magenta ", ANSI[5]), ("cyan ", ANSI[6])):
        t.put(word, fg=colour)
    t.line("white", fg=ANSI[7])
    t.put("bold red", fg=ANSI[9])
    t.put(" ")
    t.put("bold green", fg=ANSI[10])
    t.put(" ")
    t.put("reverse", fg=DEFAULT_BG, bg=DEFAULT_FG)
    t.put(" ")
    t.line(" white on blue ", fg=ANSI[15], bg=ANSI[4])
    t.put("256-colour 208", fg=cube(208))
    t.put(" ")
    t.put("true colour", fg=(10, 200, 120))
    t.put(" ")
    t.line(" background 22 ", bg=cube(22))
    t.line("UTF-8: \u00e4\u00f6\u00fc \u20ac \u2500\u2502 \u4e2d", wide="\u4e2d")
    t.put("> ")


def answer(t, line):
    """term-demo's echo of a line and its answer (the echo is typed, the rest written)."""
    t.newline()
    if line == "scroll":
        for i in range(1, 61):
            t.line(f"line {i}")
    else:
        t.line(f"you typed: {line}")
    t.put("> ")


def render(font, transcript, view_offset=0, columns=COLUMNS, rows=ROWS):
    """The window of columns x rows cells: the transcript's last rows, or view_offset rows
    further back; the cursor (an inverted cell after the last row's text) only at the
    bottom."""
    lines = transcript.rows
    first = max(0, len(lines) - rows) - view_offset
    image = Image(columns * font.width, rows * font.height, fill=shown(DEFAULT_BG))
    for r in range(rows):
        cells = lines[first + r] if 0 <= first + r < len(lines) else []
        for column in range(columns):
            c, fg, bg = cells[column] if column < len(cells) else (" ", DEFAULT_FG, DEFAULT_BG)
            if view_offset == 0 and first + r == len(lines) - 1 and column == len(cells):
                fg, bg = bg, fg
            draw_cell(image, font, r, column, c, shown(fg), shown(bg))
    return image


def draw_cell(image, font, row, column, character, fg, bg):
    glyph = font.glyph_for(ord(character))
    for y in range(font.height):
        for x in range(font.width):
            image.put(column * font.width + x, row * font.height + y,
                      fg if font.pixel(glyph, x, y) else bg)


def window_equals(guest, expected, name, timeout=30):
    """Screendumps until the window equals expected (term draws within a tick or two)."""
    deadline = time.monotonic() + timeout
    while True:
        shot = guest.screendump(name)
        difference = compare_region(shot, expected, WINDOW_X, WINDOW_Y)
        if difference.equal or time.monotonic() > deadline:
            return shot, difference


def check(guest, work, font, transcript, name, view_offset=0):
    expected = render(font, transcript, view_offset)
    shot, difference = window_equals(guest, expected, name)
    if not difference.equal:
        expected.write_ppm(work / f"expected-{name}")
        return shot, f"{name}: {difference.report()} (screendump and model in {work})"
    return shot, None


def type_line(guest, text, echo=None):
    """Types text and Enter; waits for term-demo to have read the line and answered."""
    guest.type_text(text)
    guest.send_keys(["ret"])
    # the whole line: moe's log ends it with a colour reset and CR LF
    guest.wait_for_log(rf"term-demo: line {echo or text}(?:\x1b\[0m)?\r?$", timeout=60)
    guest.wait_for_log(r"term-demo: prompt", timeout=60)


def write_png(image, path):
    """The screendump as a PNG (8-bit RGB, no filter), for docs/."""
    raw = b"".join(b"\0" + bytes(image.pixels[y * image.width * 3:(y + 1) * image.width * 3])
                   for y in range(image.height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 2, 0, 0, 0)
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
                           chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def run(work, screenshot):
    font_path = os.environ.get("PECAN_LOG_FONT", "")
    if not Path(font_path).is_file():
        return fail("PECAN_LOG_FONT is not set: run through ctest")
    font = PsfFont.load(font_path)
    with QemuScreen(pack(work, "term"), work, smp=1, timeout=400) as guest:
        guest.wait_for_log(r"term: 78x27 ready", timeout=180)
        guest.wait_for_log(rf"term-demo: window {ROWS} rows {COLUMNS} columns", timeout=120)
        guest.wait_for_log(r"term-demo: ready", timeout=60)
        # Focus the window (the pointer starts in its middle), then move the pointer off it
        # to the screen's corner, above the label bar.
        guest.mouse_button(1)
        guest.mouse_button(0)
        for _ in range(3):
            guest.mouse_move(-255, -255)
        t = Transcript()
        page(t)
        shot, error = check(guest, work, font, t, "page.ppm")
        if error:
            return fail(error, guest)
        # The comparison can fail: red drawn as bright red differs.
        wrong = Transcript()
        page(wrong, red=ANSI[9])
        stale = compare_region(shot, render(font, wrong), WINDOW_X, WINDOW_Y)
        if stale.equal:
            return fail("a model with red as bright red was not caught", guest)
        type_line(guest, "hello")
        t.put("hello")
        answer(t, "hello")
        guest.type_text("abx")
        guest.send_keys(["backspace"])
        type_line(guest, "c", echo="abc")
        t.put("abc")
        answer(t, "abc")
        shot, error = check(guest, work, font, t, "typed.ppm")
        if error:
            return fail(error, guest)
        if screenshot:
            write_png(shot, screenshot)
        type_line(guest, "scroll")
        t.put("scroll")
        answer(t, "scroll")
        _, error = check(guest, work, font, t, "scrolled.ppm")
        if error:
            return fail(error, guest)
        guest.send_keys(["shift-pgup"])
        guest.send_keys(["shift-pgup"])
        _, error = check(guest, work, font, t, "back.ppm", 2 * SCROLL_STEP)
        if error:
            return fail(error, guest)
        guest.send_keys(["shift-pgdn"])
        _, error = check(guest, work, font, t, "forth.ppm", SCROLL_STEP)
        if error:
            return fail(error, guest)
        type_line(guest, "end")
        t.put("end")
        answer(t, "end")
        _, error = check(guest, work, font, t, "end.ppm")
        if error:
            return fail(error, guest)
        if "FAILED" in guest.log_text():
            return fail("a FAILED line", guest)
    print(f"term_screen: page, echo, scrolling and scrollback equal the model in 6 "
          f"screendumps; a wrong red differs in {stale.count} pixels")
    return 0


def main():
    screenshot = screenshot_argument()
    return run_screen_test("term", lambda work: run(work, screenshot))


if __name__ == "__main__":
    sys.exit(main())
