#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of the screen-test groundwork (docs/graphics.md, "Screen tests").

ScreenModelTest (no QEMU): screen_model.py renders text with the real console font, writes
and reads PPMs, finds an injected one-pixel difference, refuses malformed PPMs and fonts,
and draws exactly what the guest's library draws (tests/harness/render_text_ppm, built from
pkg/graphics); the monitor helper turns text into QEMU key names.

ScreenProbeTest (QEMU): screen_probe.c, a bare-metal guest built here with pkg/graphics and
pkg/input, shows a screen in each of the four pixel formats; every screendump equals the
model's composite pixel for pixel, and sendkey, mouse_move and mouse_button reach the guest's
decoders as the expected events.

Environment: PECAN_LOG_FONT (the decompressed Uni2-Terminus16.psf) and, for the
comparison with the guest's library, PECAN_RENDER_TEXT_PPM (the render_text_ppm tool); the
ctest registration passes both (tests/harness/CMakeLists.txt).
    python3 tests/harness/test_screen.py [ScreenModelTest|ScreenProbeTest]
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tools"))

import screen_model  # noqa: E402
from qemu_runner.monitor import keys_for_text  # noqa: E402
from screen_model import FormatError, Image, PsfFont, compare_region, render_text  # noqa: E402

FONT = os.environ.get("PECAN_LOG_FONT", "")
RENDER_TOOL = os.environ.get("PECAN_RENDER_TEXT_PPM", "")
HAVE_QEMU = bool(shutil.which("qemu-system-arm") and shutil.which("arm-none-eabi-gcc"))

# What screen_probe.c draws: keep in step with it.
PROBE_TEXT = "Pecan é─ print(6*7) 42"
PROBE_TEXT_AT = (8, 16)
PROBE_RECTANGLE = (100, 100, 30, 20)
PROBE_BACKGROUND = (0x10, 0x20, 0x80)
PROBE_TEXT_COLOR = (0xFF, 0xE0, 0x40)
PROBE_RECTANGLE_COLOR = (0xC8, 0x32, 0x0A)
PROBE_MODES = ["rgb565", "bgr565", "xrgb8888", "xbgr8888"]


def load_font():
    if not FONT or not Path(FONT).is_file():
        raise unittest.SkipTest("PECAN_LOG_FONT not set: run through ctest")
    return PsfFont.load(FONT)


class ScreenModelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.font = load_font()
        cls.tmp = Path(tempfile.mkdtemp(prefix="test-screen-model-"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_font_glyphs(self):
        self.assertEqual((self.font.width, self.font.height, len(self.font.glyphs)), (8, 16, 512))
        self.assertEqual(self.font.rows(ord("A"))[2:8],
                         ["..####..", ".#....#.", ".#....#.", ".#....#.", ".#....#.", ".######."])
        self.assertEqual(self.font.rows(0x2500)[7], "########")
        self.assertEqual(self.font.glyph_for(0x1F600), self.font.glyph_for(0xFFFD))

    def test_render_write_read_compare(self):
        white, black = (255, 255, 255), (0, 0, 0)
        screen = Image(200, 40, fill=black)
        render_text(self.font, "print(6*7) 42", white, black, image=screen, x=5, y=7)
        path = self.tmp / "screen.ppm"
        screen.write_ppm(path)
        read = Image.read_ppm(path)
        self.assertEqual(read.pixels, screen.pixels)
        expected = render_text(self.font, "print(6*7) 42", white, black)
        self.assertEqual((expected.width, expected.height), (13 * 8, 16))
        difference = compare_region(read, expected, 5, 7)
        self.assertTrue(difference.equal, difference.report())
        # One pixel changed on the screen: found, where it is, and counted once.
        read.put(5 + 9, 7 + 4, (1, 2, 3))
        difference = compare_region(read, expected, 5, 7)
        self.assertFalse(difference.equal)
        self.assertEqual(difference.count, 1)
        self.assertEqual(difference.first, (14, 11))
        self.assertEqual(difference.actual, (1, 2, 3))
        self.assertIn("1 pixels differ; first at (14, 11)", difference.report())
        # Off by one cell position: many differences.
        self.assertGreater(compare_region(screen, expected, 6, 7).count, 50)
        with self.assertRaises(ValueError):
            compare_region(screen, expected, 150, 0)

    def test_ppm_parsing(self):
        image = Image.parse_ppm(b"P6\n# a comment\n2 1\n255\n\x01\x02\x03\x04\x05\x06")
        self.assertEqual(image.get(1, 0), (4, 5, 6))
        image = Image.parse_ppm(b"P6 2 1 255 \x01\x02\x03\x04\x05\x06")
        self.assertEqual(image.get(0, 0), (1, 2, 3))
        for bad in [b"", b"P3\n1 1\n255\n1 2 3", b"P6\n1 1\n65535\n" + bytes(6),
                    b"P6\n2 2\n255\n" + bytes(11), b"P6\n1\n", b"P6\nx 1\n255\n\0\0\0",
                    b"P6\n0 1\n255\n", b"P6\n99999 1\n255\n"]:
            with self.assertRaises(FormatError, msg=repr(bad[:20])):
                Image.parse_ppm(bad)

    def test_font_errors(self):
        data = Path(FONT).read_bytes()
        for size in [0, 3, 4, 100, len(data) // 2, len(data) - 1]:
            with self.assertRaises(FormatError):
                PsfFont.parse(data[:size])
        with self.assertRaises(FormatError):
            PsfFont.parse(data + b"\0\0")

    def test_shown_colors(self):
        self.assertEqual(screen_model.shown_color((0xC8, 0x32, 0x0A), "rgb565"), (200, 48, 8))
        self.assertEqual(screen_model.shown_color((0xC8, 0x32, 0x0A), "xbgr8888"),
                         (0xC8, 0x32, 0x0A))

    def test_keys_for_text(self):
        self.assertEqual(keys_for_text("print(6*7)\n"),
                         ["p", "r", "i", "n", "t", "shift-9", "6", "shift-8", "7", "shift-0", "ret"])
        self.assertEqual(keys_for_text("A b_"), ["shift-a", "spc", "b", "shift-minus"])
        with self.assertRaises(ValueError):
            keys_for_text("é")

    @unittest.skipUnless(RENDER_TOOL, "PECAN_RENDER_TEXT_PPM not set: run through ctest")
    def test_same_pixels_as_the_guest_library(self):
        text = "Pecan é─│┼ 42 ½ \u263a\U0001F600"      # the last one: the replacement glyph
        path = self.tmp / "library.ppm"
        subprocess.run([RENDER_TOOL, FONT, str(path), "FFE040", "102080", text], check=True)
        drawn = Image.read_ppm(path)
        model = render_text(self.font, text, (0xFF, 0xE0, 0x40), (0x10, 0x20, 0x80))
        self.assertEqual((drawn.width, drawn.height), (model.width, model.height))
        difference = compare_region(drawn, model, 0, 0)
        self.assertTrue(difference.equal, difference.report())


def build_probe(directory):
    """Compiles screen_probe.c for the board, with pkg/graphics and pkg/input."""
    elf = directory / "screen_probe.elf"
    sources = [HERE / "screen_probe.c", HERE / "screen_probe_start.S"]
    sources += [REPO / "pkg" / "graphics" / f for f in
                ("psf_font.c", "utf8.c", "pixel_format.c", "surface.c")]
    sources += [REPO / "pkg" / "input" / f for f in ("ps2_keyboard.c", "ps2_mouse.c")]
    subprocess.run(["arm-none-eabi-gcc", "-march=armv6k", "-marm", "-mfloat-abi=soft", "-O2",
                    "-ffreestanding", "-Wall", "-Wextra", "-Werror", "-nostartfiles",
                    "-Ttext=0x10000", "-e", "_start",
                    "-I", str(REPO / "pkg" / "graphics" / "include"),
                    "-I", str(REPO / "pkg" / "input" / "include"),
                    f'-DPROBE_FONT_PATH="{FONT}"', *map(str, sources), "-lc", "-lgcc",
                    "-o", str(elf)], check=True)
    return elf


def probe_screen(font, mode):
    """The model of what screen_probe shows in a pixel format, as a screendump shows it."""
    def shown(color):
        return screen_model.shown_color(color, mode)
    screen = Image(640, 480, fill=shown(PROBE_BACKGROUND))
    render_text(font, PROBE_TEXT, shown(PROBE_TEXT_COLOR), shown(PROBE_BACKGROUND), image=screen,
                x=PROBE_TEXT_AT[0], y=PROBE_TEXT_AT[1])
    screen_model.fill_rectangle(screen, *PROBE_RECTANGLE, shown(PROBE_RECTANGLE_COLOR))
    return screen


@unittest.skipUnless(HAVE_QEMU, "needs qemu-system-arm and arm-none-eabi-gcc")
class ScreenProbeTest(unittest.TestCase):
    def test_probe(self):
        from qemu_screen import QemuScreen
        font = load_font()
        tmp = Path(tempfile.mkdtemp(prefix="test-screen-probe-"))
        try:
            elf = build_probe(tmp)
            with QemuScreen(elf, tmp, smp=1, timeout=150, extra_args=["--expect-exit", "0"]) as guest:
                for n, mode in enumerate(PROBE_MODES):
                    guest.wait_for_log(rf"^probe: mode {mode} ready$")
                    shot = guest.screendump(f"{mode}.ppm")
                    expected = probe_screen(font, mode)
                    difference = compare_region(shot, expected, 0, 0)
                    self.assertTrue(difference.equal, f"{mode}: {difference.report()}")
                    if n == 0:
                        self.check_model_sees_a_wrong_color(shot, font, mode)
                        self.check_input(guest)
                    guest.send_keys(["n"])
                guest.wait_for_log(r"^probe: done$")
                self.assertEqual(guest.wait_exit(), 0, guest.output)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def check_model_sees_a_wrong_color(self, shot, font, mode):
        """The comparison can fail: a model with the rectangle one step off in red differs
        in exactly the rectangle's pixels."""
        wrong = probe_screen(font, mode)
        x, y, w, h = PROBE_RECTANGLE
        r, g, b = screen_model.shown_color(PROBE_RECTANGLE_COLOR, mode)
        screen_model.fill_rectangle(wrong, x, y, w, h, (r - 8, g, b))
        difference = compare_region(shot, wrong, 0, 0)
        self.assertEqual(difference.count, w * h)
        self.assertEqual(difference.first, (x, y))

    def check_input(self, guest):
        """QEMU's keyboard and mouse bytes (shared/docs/platforms.md section 7) through the
        guest's decoders: `sendkey a` is KEY_A (30) pressed and released; `mouse_move 10 -5`
        is dx 10, dy -5 on the screen; buttons 1, 2, 4 are left, right, middle."""
        guest.send_keys(["a"])
        guest.wait_for_log(r"^probe: key 30 pressed$")
        guest.wait_for_log(r"^probe: key 30 released$")
        guest.send_keys(["shift-9"])
        guest.wait_for_log(r"^probe: key 42 pressed$")
        guest.wait_for_log(r"^probe: key 10 pressed$")
        guest.mouse_move(10, -5)
        guest.wait_for_log(r"^probe: mouse 10 -5 0$")
        for buttons in (1, 2, 4, 0):
            guest.mouse_button(buttons)
            guest.wait_for_log(rf"^probe: mouse 0 0 {buttons}$")
        guest.send_keys(["up"])
        guest.wait_for_log(r"^probe: key 103 pressed$")


if __name__ == "__main__":
    unittest.main(verbosity=2)
