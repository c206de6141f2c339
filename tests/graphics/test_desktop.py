#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The desktop's screen test (docs/graphics.md, "The desktop"): conf/desktop.lua boots in
QEMU (fb-drv at 1024x768x16, input-drv, mag, and the windows of its `windows` table, whose
labels, colours, places, commands and the programs on its terminals this test reads from
the script). Through QEMU's monitor it checks:

  - at the start, everything but pong's animated field equals the host's composite pixel
    for pixel: the background, each window's label bar and content, the pointer; the
    terminals' content is the text their programs wrote (the Lua shell's banner and
    prompt, the nested ned's prompt), rendered with the same font (test_term.py's
    transcript);
  - a click on the lua terminal's bar focuses it, and `print(6*7)` Enter shows 42 there;
    a model without the 42 must differ, so the comparison can fail;
  - a click on the ned terminal's bar focuses it: `ps()` lists no program, a start of an
    echo server (on a log of its own, so its "ready" goes to the serial line) prints its
    application, and `ps()` lists it; `run` of lua-plain gives it the terminal (ned's
    console): its "say:" shows there, the line typed then reaches it and not ned (it
    prints the line's length), and ned prints how it ended and its prompt again;
  - a click on pong's label bar focuses pong (its bar inverted) and Space pauses it at a
    frame N it prints; then the whole screen, pong's field included, equals the model with
    pong_model at frame N;
  - N steps one frame: the screen equals the model at N + 1, and the pixels that changed
    between the two screendumps are exactly those the model says changed, all inside the
    rectangles pong's step damaged; the model at N + 1 differs from the first screendump,
    so the comparison can fail;
  - Space runs it again and Space pauses it later: it advanced, by no more frames than the
    host's clock allows at one frame per 20 ms (it sleeps between frames, no busy loop),
    and the screen equals the model at the new frame.

    python3 tests/graphics/test_desktop.py [--keep] [--screenshot FILE.png]

--screenshot writes a PNG of the desktop with pong running again, 4 s after the checks
(docs/desktop.png).
Environment as test_fb_screen.py: PECAN_LOG_FONT and PECAN_SCENARIO_ROM.
"""

import os
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "harness"))
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(HERE))

import screen_model  # noqa: E402
from qemu_runner import monitor  # noqa: E402
from qemu_screen import GuestError, QemuScreen, run_screen_test, screenshot_argument  # noqa: E402
from screen_model import Image, PsfFont, compare_region, fill_rectangle, render_text  # noqa: E402
from test_mag_input import POINTER_INSIDE, POINTER_OUTLINE, paced_move, pointer_shape  # noqa: E402
from test_mag_screen import BACKGROUND, LABEL_MARGIN, LABEL_TEXT, draw_grip, fail, pack  # noqa: E402
from test_term import Transcript, lua_banner, render  # noqa: E402

WIDTH, HEIGHT, FORMAT = 1024, 768, "rgb565"      # conf/desktop.lua
FRAME_SECONDS = 0.020                             # pkg/pong/pong.c, PONG_FRAME_US
LUA_PROMPT = "> "
NED_BANNER = "ned: interactive prompt: Lua in ned's state; help() lists the commands"
NED_PROMPT = "ned> "                              # pkg/ned/prompt.c
ECHO_START = ('start("rom/echo-server.elf", {caps = {echo = L4.Env.echo:svr()}, '
              'log = {"echo-server", "green"}})')
RUN_LINE = "run \"rom/lua-plain.elf -e io.write('say:')print(#io.read())\""
RUN_ENDED = "rom/lua-plain.elf exited with 0"


def shown(colour):
    if isinstance(colour, int):
        colour = ((colour >> 16) & 0xFF, (colour >> 8) & 0xFF, colour & 0xFF)
    return screen_model.shown_color(colour, FORMAT)


def desktop_windows():
    """conf/desktop.lua's windows, in opening (stacking) order; a terminal's `on` is the
    command of the program on it."""
    text = (REPO / "conf" / "desktop.lua").read_text()
    pattern = (r'\{ label = "([^"]+)", colour = (0x[0-9A-Fa-f]+), x = (\d+), y = (\d+), '
               r'width = (\d+), height = (\d+),\s*command = "([^"]+)"'
               r'(?:[^{}]*?on = \{ command = "([^"]+)")?')
    windows = [dict(label=m[0], colour=int(m[1], 16), x=int(m[2]), y=int(m[3]), width=int(m[4]),
                    height=int(m[5]), command=m[6], on=m[7]) for m in re.findall(pattern, text)]
    if not windows:
        sys.exit("conf/desktop.lua: no window entries found (the test reads its windows table)")
    return windows


# ---------------------------------------------------------------- pong (pkg/pong/pong_game.c)

BALL, SPEED_X = 8, 3
PADDLE_WIDTH, PADDLE_HEIGHT, PADDLE_MARGIN = 6, 40, 12
CHASE_SPEED, RETURN_SPEED = 5, 1
SPIN = (2, 3, 1, 3, 2)
NET_WIDTH, NET_DASH, NET_PERIOD = 2, 8, 16
COUNTER_TOP, COUNTER_GAP = 8, 8
PAUSED = "paused"
FIELD, NET, PADDLE, BALL_COLOUR = 0x102030, 0x607080, 0xE8E8E8, 0xF0C040   # pkg/pong/pong.c
COUNTER, LABEL = 0xA0B0C0, 0xF0C040


class Pong:
    """pong_game.c written again: the state after each frame and the rectangles it damaged."""

    def __init__(self, font, width, height):
        self.font = font
        self.width, self.height = width, height
        self.ball_x, self.ball_y = width // 2 - BALL // 2, height // 3
        self.dx, self.dy = SPEED_X, SPIN[0]
        self.left = self.right = self.middle()
        self.frame = self.hits = 0

    def middle(self):
        return (self.height - PADDLE_HEIGHT) // 2

    def objects(self):
        return [(PADDLE_MARGIN, self.left, PADDLE_WIDTH, PADDLE_HEIGHT),
                (self.width - PADDLE_MARGIN - PADDLE_WIDTH, self.right, PADDLE_WIDTH, PADDLE_HEIGHT),
                (self.ball_x, self.ball_y, BALL, BALL)]

    def counter(self):
        """The rally counter's text and rectangle: right-aligned just left of the net."""
        text = str(self.hits)
        width = len(text) * self.font.width
        right = self.width // 2 - NET_WIDTH // 2 - COUNTER_GAP
        return text, (right - width, COUNTER_TOP, width, self.font.height)

    def label(self):
        width = len(PAUSED) * self.font.width
        return ((self.width - width) // 2, (self.height - self.font.height) // 2)

    def bounce(self):
        self.dx = -self.dx
        self.hits += 1
        speed = SPIN[self.hits % len(SPIN)]
        self.dy = -speed if self.dy < 0 else speed

    def paddle(self, top, target, speed):
        target = min(max(target, 0), self.height - PADDLE_HEIGHT)
        return top + min(max(target - top, -speed), speed)

    def step(self):
        before, hits = self.objects(), self.hits
        lowest = self.height - BALL
        left_face = PADDLE_MARGIN + PADDLE_WIDTH
        right_face = self.width - PADDLE_MARGIN - PADDLE_WIDTH - BALL
        self.ball_x += self.dx
        self.ball_y += self.dy
        if self.ball_y < 0:
            self.ball_y, self.dy = -self.ball_y, -self.dy
        elif self.ball_y > lowest:
            self.ball_y, self.dy = 2 * lowest - self.ball_y, -self.dy
        if self.dx < 0 and self.ball_x < left_face:
            self.ball_x = 2 * left_face - self.ball_x
            self.bounce()
        elif self.dx > 0 and self.ball_x > right_face:
            self.ball_x = 2 * right_face - self.ball_x
            self.bounce()
        chase = self.ball_y + BALL // 2 - PADDLE_HEIGHT // 2
        rightwards = self.dx > 0
        self.left = self.paddle(self.left, self.middle() if rightwards else chase,
                                RETURN_SPEED if rightwards else CHASE_SPEED)
        self.right = self.paddle(self.right, chase if rightwards else self.middle(),
                                 CHASE_SPEED if rightwards else RETURN_SPEED)
        self.frame += 1
        damage = []
        for (x0, y0, w, h), (x1, y1, _, _) in zip(before, self.objects()):
            if (x0, y0) != (x1, y1):
                damage.append((min(x0, x1), min(y0, y1), abs(x1 - x0) + w, abs(y1 - y0) + h))
        if self.hits != hits:   # inside the field
            x, y, w, h = self.counter()[1]
            damage.append((max(x, 0), y, w - (max(x, 0) - x), h))
        return damage

    def image(self, paused):
        image = Image(self.width, self.height, fill=shown(FIELD))
        net_x = self.width // 2 - NET_WIDTH // 2
        for y in range(0, self.height, NET_PERIOD):
            fill_rectangle(image, net_x, y + (NET_PERIOD - NET_DASH) // 2, NET_WIDTH, NET_DASH,
                           shown(NET))
        text, (x, y, _, _) = self.counter()
        render_text(self.font, text, shown(COUNTER), shown(FIELD), image=image, x=x, y=y)
        for n, (x, y, w, h) in enumerate(self.objects()):
            fill_rectangle(image, x, y, w, h, shown(BALL_COLOUR if n == 2 else PADDLE))
        if paused:
            x, y = self.label()
            render_text(self.font, PAUSED, shown(LABEL), shown(FIELD), image=image, x=x, y=y)
        return image


def pong_at(font, width, height, frame):
    game = Pong(font, width, height)
    damage = []
    for _ in range(frame):
        damage = game.step()
    return game, damage


# ---------------------------------------------------------------- the terminals

def started_terminal(window):
    """What the program on a terminal window writes first (its banner and prompt)."""
    program = Path(window["on"].split()[0]).name
    t = Transcript()
    if program == "lua.elf":
        t.line(lua_banner())
        t.put(LUA_PROMPT)
    elif program == "ned.elf":
        t.line(NED_BANNER)
        t.put(NED_PROMPT)
    else:
        sys.exit(f"test_desktop.py has no model of what '{window['on']}' writes: add one")
    return t


def entered(t, line, output, prompt):
    """A line typed at a prompt and Enter (echoed), what it printed, the next prompt."""
    t.line(line)
    for text in output:
        t.line(text)
    t.put(prompt)


def terminal_images(font, windows, transcripts):
    """Each terminal window's pixels, rendered from its transcript: the whole window is
    cells of the font (conf/desktop.lua sizes them so)."""
    return {w["label"]: render(font, transcripts[w["label"]], columns=w["width"] // font.width,
                               rows=w["height"] // font.height)
            for w in windows if w["on"]}


# ---------------------------------------------------------------- the desktop

def content(font, window, pong_frame, terminals):
    """A window's pixels: a terminal's text, or pong's field at pong_frame, paused (None:
    the screendump's own pixels are pasted there by the caller)."""
    command = window["command"].split()
    name = Path(command[0]).name
    if name == "term.elf":
        return terminals[window["label"]]
    if name == "pong.elf":
        if pong_frame is None:
            return None
        return pong_at(font, window["width"], window["height"], pong_frame)[0].image(True)
    sys.exit(f"test_desktop.py has no model of what '{window['command']}' draws: add one")


def desktop_model(font, windows, terminals, focus, pointer, pong_frame, shot=None):
    """The screen: the background, each window's bar (inverted when focused) and content in
    stacking order (terminals: each terminal's pixels by label), the pointer on top. With
    pong_frame None, pong's field is the shot's."""
    image = Image(WIDTH, HEIGHT, fill=shown(BACKGROUND))
    for w in windows:
        bar_colour, text_colour = shown(w["colour"]), shown(LABEL_TEXT)
        if w["label"] == focus:
            bar_colour, text_colour = text_colour, bar_colour
        bar = Image(w["width"], font.height, fill=bar_colour)
        render_text(font, w["label"], text_colour, bar_colour, image=bar, x=LABEL_MARGIN, y=0)
        draw_grip(bar, text_colour)
        paste(image, bar, w["x"], w["y"] - font.height)
        part = content(font, w, pong_frame, terminals)
        if part is None:
            part = crop(shot, w["x"], w["y"], w["width"], w["height"])
        paste(image, part, w["x"], w["y"])
    px, py = pointer
    for row, line in enumerate(pointer_shape()):
        for column, c in enumerate(line):
            if c != " " and 0 <= px + column < WIDTH and 0 <= py + row < HEIGHT:
                image.put(px + column, py + row, shown(POINTER_OUTLINE if c == "X" else POINTER_INSIDE))
    return image


def paste(image, part, x, y):
    """part's pixels into image at (x, y), clipped to image: whole rows at a time."""
    left, right = max(x, 0), min(x + part.width, image.width)
    if left >= right:
        return
    for row in range(max(y, 0), min(y + part.height, image.height)):
        source = ((row - y) * part.width + left - x) * 3
        target = (row * image.width + left) * 3
        image.pixels[target:target + (right - left) * 3] = part.pixels[source:source + (right - left) * 3]


def crop(image, x, y, width, height):
    part = Image(width, height)
    for row in range(height):
        start = ((y + row) * image.width + x) * 3
        part.pixels[row * width * 3:(row + 1) * width * 3] = image.pixels[start:start + width * 3]
    return part


def changed_pixels(a, b):
    """The (x, y) where two screens differ."""
    changed = set()
    row_bytes = a.width * 3
    for y in range(a.height):
        ra, rb = a.pixels[y * row_bytes:(y + 1) * row_bytes], b.pixels[y * row_bytes:(y + 1) * row_bytes]
        if ra != rb:
            changed.update((x, y) for x in range(a.width) if ra[x * 3:x * 3 + 3] != rb[x * 3:x * 3 + 3])
    return changed


def wait_for_screen(guest, model, name, timeout=60):
    """Screendumps until one equals model(shot) (mag redraws after the input it got, and
    pong's field may be taken from the shot itself)."""
    deadline = time.monotonic() + timeout
    while True:
        shot = guest.screendump(name)
        expected = model(shot)
        difference = compare_region(shot, expected, 0, 0)
        if difference.equal or time.monotonic() > deadline:
            return shot, expected, difference
        time.sleep(0.2)


def check(guest, work, model, name, timeout=60):
    shot, expected, difference = wait_for_screen(guest, model, name, timeout)
    if not difference.equal:
        expected.write_ppm(work / f"expected-{name}")
        raise GuestError(f"{name}: {difference.report()} (screendump and model in {work})")
    return shot


def click_bar(guest, font, window, pointer):
    """Onto the window's label bar, past its label, and a click (focus); the new pointer."""
    target = (window["x"] + window["width"] // 2, window["y"] - font.height // 2)
    paced_move(guest, target[0] - pointer[0], target[1] - pointer[1], pointer, (WIDTH, HEIGHT))
    guest.mouse_button(1)
    guest.mouse_button(0)
    return target


def paused_frame(guest, key_log):
    return int(guest.wait_for_log(key_log, timeout=60).group(1))


def run(work, screenshot):
    font_path = os.environ.get("PECAN_LOG_FONT", "")
    if not Path(font_path).is_file():
        return fail("PECAN_LOG_FONT is not set: run through ctest")
    font = PsfFont.load(font_path)
    windows = desktop_windows()
    by_label = {w["label"]: w for w in windows}
    pong = next(w for w in windows if w["command"].startswith("rom/pong.elf"))
    lua, ned = by_label["lua"], by_label["ned"]
    transcripts = {w["label"]: started_terminal(w) for w in windows if w["on"]}
    pointer = (WIDTH // 2, HEIGHT // 2)

    def screen(focus, pong_frame=None):
        """The model as a function of the screendump (pong's field from it when
        pong_frame is None), the terminals rendered once."""
        terminals = terminal_images(font, windows, transcripts)
        return lambda shot: desktop_model(font, windows, terminals, focus, pointer, pong_frame,
                                          shot)

    with QemuScreen(pack(work, "desktop"), work, smp=1, timeout=400) as guest:
        # in the order they come (a wait reads the log on from the last line it matched)
        for w in (lua, ned):
            guest.wait_for_log(rf"{w['label']} \| term: {w['width'] // font.width}x"
                               rf"{w['height'] // font.height} ready", timeout=240)
        guest.wait_for_log(r"desktop: \d+ windows open", timeout=60)
        guest.wait_for_log(rf"pong: ready {pong['width']}x{pong['height']}", timeout=60)
        # The static parts and the terminals' first text: pong's field is whatever frame
        # it is at.
        check(guest, work, screen(None), "start.ppm")
        # The Lua shell: a click on its bar focuses it; keys come from another device
        # than the click, so the typing waits for the focus to show.
        pointer = click_bar(guest, font, lua, pointer)
        check(guest, work, screen("lua"), "lua-focused.ppm")
        guest.type_text("print(6*7)\n")
        entered(transcripts["lua"], "print(6*7)", ["42"], LUA_PROMPT)
        shot = check(guest, work, screen("lua"), "lua-42.ppm")
        answered = transcripts["lua"]
        transcripts["lua"] = Transcript()
        transcripts["lua"].rows = [list(row) for row in answered.rows[:-2]] + [list(answered.rows[-1])]
        stale = compare_region(shot, screen("lua")(shot), 0, 0)
        transcripts["lua"] = answered
        if stale.equal:
            return fail("a model without the 42 was not caught", guest)
        # ned's prompt: the programs it runs, none; an echo server started; then listed.
        pointer = click_bar(guest, font, ned, pointer)
        check(guest, work, screen("ned"), "ned-focused.ppm")
        for n, (line, output) in enumerate((
                ("ps()", ["0 running"]),
                (ECHO_START, ["app 1 rom/echo-server.elf (running)"]),
                ("ps()", ["   1  running  rom/echo-server.elf", "1 running"]))):
            guest.type_text(line + "\n")
            entered(transcripts["ned"], line, output, NED_PROMPT)
            check(guest, work, screen("ned"), f"ned-{n}.ppm")
        guest.wait_for_log(r"echo-server: ready", timeout=60)
        # A program run in the foreground has the terminal: its prompt shows there, and
        # only then is its line typed (ned reads nothing meanwhile).
        guest.type_text(RUN_LINE + "\n")
        transcripts["ned"].line(RUN_LINE)
        transcripts["ned"].put("say:")
        check(guest, work, screen("ned"), "ned-run.ppm")
        guest.type_text("abc\n")
        entered(transcripts["ned"], "abc", ["3", RUN_ENDED], NED_PROMPT)
        check(guest, work, screen("ned"), "ned-ran.ppm")
        # pong: a click on its bar focuses it.
        pointer = click_bar(guest, font, pong, pointer)
        check(guest, work, screen("pong"), "focused.ppm")
        guest.send_keys(["spc"])
        frame = paused_frame(guest, r"pong: paused at frame (\d+)")
        terminals = terminal_images(font, windows, transcripts)

        def at(n):
            return desktop_model(font, windows, terminals, "pong", pointer, n)
        paused = check(guest, work, lambda shot: at(frame), "paused.ppm")
        # One step: the screen changes exactly where the model says, inside its damage.
        guest.send_keys(["n"])
        stepped = int(guest.wait_for_log(r"pong: frame (\d+)", timeout=60).group(1))
        if stepped != frame + 1:
            return fail(f"N after frame {frame} showed frame {stepped}", guest)
        after = check(guest, work, lambda shot: at(stepped), "stepped.ppm")
        changed = changed_pixels(paused, after)
        modelled = changed_pixels(at(frame), at(stepped))
        _, damage = pong_at(font, pong["width"], pong["height"], stepped)
        inside = {(pong["x"] + x + i, pong["y"] + y + j) for x, y, w, h in damage
                  for i in range(w) for j in range(h)}
        if not changed or changed != modelled or not changed <= inside:
            return fail(f"the step changed {len(changed)} pixels, the model {len(modelled)}, "
                        f"{len(changed - inside)} outside the damaged rectangles", guest)
        stale_step = compare_region(paused, at(stepped), 0, 0)
        if stale_step.equal:
            return fail("a model one frame on was not caught", guest)
        # Running again for about 2 s: paced by the clock, about one frame per 20 ms (a
        # busy loop would make hundreds more; the bound leaves room for clocks that differ).
        started = time.monotonic()
        guest.send_keys(["spc"])
        guest.wait_for_log(rf"pong: running from frame {stepped}\b", timeout=60)
        time.sleep(2)
        guest.send_keys(["spc"])
        later = paused_frame(guest, r"pong: paused at frame (\d+)")
        seconds = time.monotonic() - started
        if not stepped < later <= stepped + 1.25 * seconds / FRAME_SECONDS + 5:
            return fail(f"pong went from frame {stepped} to {later} in {seconds:.1f} s", guest)
        last = check(guest, work, lambda shot: at(later), "later.ppm")
        if screenshot:   # pong playing, a few seconds on
            guest.send_keys(["spc"])
            guest.wait_for_log(rf"pong: running from frame {later}\b", timeout=60)
            time.sleep(4)
            monitor.monitor_command(guest.socket, f"screendump {Path(screenshot).absolute()} -f png")
        if "FAILED" in guest.log_text():
            return fail("a FAILED line", guest)
    print(f"desktop_screen: {WIDTH}x{HEIGHT} equal to the model at the start, after "
          f"print(6*7) in the Lua shell (a model without the 42 differs in {stale.count} "
          f"pixels) and ps(), start, ps() and run at ned's prompt (pong's field aside), and at "
          f"pong's frames {frame}, {stepped} and {later} (whole screen); a step changed "
          f"{len(changed)} pixels, all where the model says; the model one frame on differs "
          f"in {stale_step.count}; {later - stepped} frames in {seconds:.1f} s; "
          f"{last.width}x{last.height}")
    return 0


def main():
    screenshot = screenshot_argument()
    return run_screen_test("desktop", lambda work: run(work, screenshot))


if __name__ == "__main__":
    sys.exit(main())
