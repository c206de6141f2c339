#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Lua shell in a terminal (docs/graphics.md, "term"): conf/term.lua with
--set program=lua boots fb-drv, input-drv, mag and term, and runs Lua 5.1 with GNU readline
(pkg/lua-shell) on a term session: its stdout and stdin are the terminal, through the
runtime's console (l4re/libc/console.c: termios, select) over term's LOG protocol.

Through QEMU's monitor the test clicks the window and types; the window must equal the
host's rendering of the expected text with the same font, pixel for pixel (the helpers of
test_term.py):

  - `print(6*7)` and Enter shows 42;
  - `print(67)`, Left twice, `*`, Enter: readline's cursor motion, 42 again;
  - `print(6*77`, Backspace, `)`, Enter: 42 again;
  - Up, Enter: history recalls the last line, 42 again;
  - `for i=1,40 do print(i) end`: long output scrolls.

A model without the last 42 must differ, so the comparison can fail.

    python3 tests/graphics/test_term_lua.py [--keep]
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "harness"))
sys.path.insert(0, str(HERE))

from qemu_screen import QemuScreen, run_screen_test  # noqa: E402
from screen_model import PsfFont, compare_region  # noqa: E402
from test_mag_input import paced_move, pointer_to  # noqa: E402
from test_mag_screen import fail  # noqa: E402
from test_term import (COLUMNS, ROWS, WINDOW_X, WINDOW_Y, Transcript, check,  # noqa: E402
                       lua_banner, render, window_equals)  # noqa: E402

# The grip at the right end of the window's label bar (servers/mag/composite.c): the bar is
# the font's height above the window, the grip as wide as it is high.
GRIP_X, GRIP_Y = WINDOW_X + COLUMNS * 8 - 8, WINDOW_Y - 8
# The drag, in whole cells: up only as far as the screen's top edge, which stops the pointer.
SHRINK = (20 * 8, 2 * 16)
SMALL_COLUMNS, SMALL_ROWS = COLUMNS - 20, ROWS - 2


def pack(work):
    rom = os.environ.get("PECAN_SCENARIO_ROM", "")
    if not Path(rom).is_file():
        sys.exit("PECAN_SCENARIO_ROM is not the build's scenario-rom.txt: run through ctest")
    image = work / "term-lua.elf"
    subprocess.run([str(REPO / "tools" / "pack-scenario"), "--rom", rom, "--script",
                    str(REPO / "conf" / "term.lua"), "--output", str(image),
                    "--set", "program=lua"], check=True, stdout=subprocess.DEVNULL)
    return image


def entered(t, line, *output):
    """A line typed at the prompt and Enter, what it printed, the next prompt."""
    t.line(line)
    for text in output:
        t.line(text)
    t.put("> ")


def run(work):
    font_path = os.environ.get("PECAN_LOG_FONT", "")
    if not Path(font_path).is_file():
        return fail("PECAN_LOG_FONT is not set: run through ctest")
    font = PsfFont.load(font_path)
    with QemuScreen(pack(work), work, smp=1, timeout=400) as guest:
        guest.wait_for_log(r"term: 78x27 ready", timeout=180)
        guest.mouse_button(1)
        guest.mouse_button(0)
        for _ in range(3):
            guest.mouse_move(-255, -255)
        t = Transcript()
        t.line(lua_banner())
        t.put("> ")
        _, error = check(guest, work, font, t, "banner.ppm")
        if error:
            return fail(error, guest)
        steps = [
            (lambda: guest.type_text("print(6*7)\n"), "print(6*7)", "42"),
            (lambda: (guest.type_text("print(67)"), guest.send_keys(["left", "left"]),
                      guest.type_text("*\n")), "print(6*7)", "42"),
            (lambda: (guest.type_text("print(6*77"), guest.send_keys(["backspace"]),
                      guest.type_text(")\n")), "print(6*7)", "42"),
            (lambda: guest.send_keys(["up", "ret"]), "print(6*7)", "42"),
        ]
        for n, (keys, line, output) in enumerate(steps):
            keys()
            entered(t, line, output)
            shot, error = check(guest, work, font, t, f"step{n}.ppm")
            if error:
                return fail(error, guest)
        # The comparison can fail: a model without the last 42 differs.
        stale = Transcript()
        stale.rows = [list(row) for row in t.rows[:-2]] + [list(t.rows[-1])]
        if compare_region(shot, render(font, stale), WINDOW_X, WINDOW_Y).equal:
            return fail("a model without the last 42 was not caught", guest)
        guest.type_text("for i=1,40 do print(i) end\n")
        entered(t, "for i=1,40 do print(i) end", *[str(i) for i in range(1, 41)])
        _, error = check(guest, work, font, t, "scrolled.ppm")
        if error:
            return fail(error, guest)
        error = resize_and_wrap(guest, work, font, t)
        if error:
            return fail(error, guest)
        if "FAILED" in guest.log_text():
            return fail("a FAILED line", guest)
    print("term_lua_screen: print(6*7) shows 42 (typed, edited with Left and Backspace, "
          "recalled with Up), 40 lines scroll, and after the window is dragged smaller the "
          f"shell's output wraps at {SMALL_COLUMNS} columns: equal to the model in 8 "
          "screendumps")
    return 0


def resize_and_wrap(guest, work, font, t):
    """The window's grip dragged up and left by SHRINK: term keeps the rows the cursor
    needs at the top left, Lua's readline hears of it (SIGWINCH) and redraws its prompt,
    and a line of 80 characters wraps at the new width. None, or what failed."""
    pointer_to(guest, GRIP_X, GRIP_Y)
    guest.mouse_button(1)
    paced_move(guest, -SHRINK[0], -SHRINK[1], (GRIP_X, GRIP_Y))
    guest.mouse_button(0)
    guest.wait_for_log(rf"term: resized to {SMALL_COLUMNS}x{SMALL_ROWS}", timeout=60)
    _, error = check_small(guest, work, font, t, "shrunk.ppm")
    if error:
        return error
    text = "ab" * 40
    guest.type_text('print(string.rep("ab", 40))\n')
    entered(t, 'print(string.rep("ab", 40))', text[:SMALL_COLUMNS], text[SMALL_COLUMNS:])
    _, error = check_small(guest, work, font, t, "wrapped.ppm")
    return error


def check_small(guest, work, font, t, name):
    expected = render(font, t, columns=SMALL_COLUMNS, rows=SMALL_ROWS)
    shot, difference = window_equals(guest, expected, name)
    if not difference.equal:
        expected.write_ppm(work / f"expected-{name}")
        return shot, f"{name}: {difference.report()} (screendump and model in {work})"
    return shot, None


def main():
    return run_screen_test("term-lua", run)


if __name__ == "__main__":
    sys.exit(main())
