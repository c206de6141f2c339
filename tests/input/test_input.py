#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""input-drv in QEMU, driven through the monitor (docs/graphics.md, "Input").

InputScenarioTest boots conf/input.lua: input-monitor prints every event it gets, and the
test types keys (sendkey), moves the mouse (mouse_move) and presses its buttons
(mouse_button), one step at a time, comparing the exact lines each step must give: key
codes, press and release, modifiers, dx and dy in screen directions, buttons. Then a client
dies with its session open, the driver is killed and started again, and a monitor with a
session the script opened gets events again.

InputFuzzTest boots input-fuzz (moe's init program) and keeps keys and mouse movements
flowing while it sends 100,000 malformed messages and scribbles on a ring.

Each step waits for its events rather than for a fixed time, so a loaded host makes the
tests slower, not wrong. QEMU's sendkey holds a key for 100 ms before releasing it, which
is why a step waits for the release before the next one starts.
"""

import os
import re
import sys
import time
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "harness"))

from qemu_screen import QemuScreen  # noqa: E402

ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
PREFIX = "input-monitor: "
STEP_TIMEOUT = 60


def image(name):
    return Path(os.environ.get("PECAN_IMAGE_DIR", REPO / "build" / "images")) / f"{name}.elf"


def workdir(name):
    base = Path(os.environ.get("PECAN_TEST_LOG_DIR", "/tmp"))
    return base / name


def smp():
    return int(os.environ.get("PECAN_SMP", "4"))


def key(kind, code, modifiers=0):
    return f"{kind} {code} modifiers {modifiers}"


def tap(code, modifiers=0):
    return [key("press", code, modifiers), key("release", code, modifiers)]


SHIFT, CTRL, CAPS = 1, 2, 8
LEFT, RIGHT, MIDDLE = 0x110, 0x111, 0x112

# (what to do, the lines it must give). Key codes are Linux's (pkg/input key_codes.h).
FIRST_MONITOR = [
    (("keys", "a"), tap(30)),
    (("keys", "shift-a"), [key("press", 42, SHIFT), key("press", 30, SHIFT),
                           key("release", 30, SHIFT), key("release", 42, 0)]),
    (("keys", "ctrl-c"), [key("press", 29, CTRL), key("press", 46, CTRL),
                          key("release", 46, CTRL), key("release", 29, 0)]),
    (("keys", "up"), tap(103)),
    (("keys", "down"), tap(108)),
    (("keys", "pgup"), tap(104)),
    (("keys", "pgdn"), tap(109)),
    (("keys", "caps_lock"), tap(58, CAPS)),
    (("keys", "a"), tap(30, CAPS)),
    (("keys", "caps_lock"), [key("press", 58, 0), key("release", 58, 0)]),
    (("move", 10, -5), ["motion 10 -5"]),
    (("move", -3, 7), ["motion -3 7"]),
    (("buttons", 1), [key("press", LEFT)]),
    (("buttons", 3), [key("press", RIGHT)]),
    (("buttons", 0), [key("release", LEFT), key("release", RIGHT)]),
    (("buttons", 4), [key("press", MIDDLE)]),
    (("buttons", 0), [key("release", MIDDLE)]),
]
AFTER_RESTART = [
    (("keys", "b"), tap(48)),
    (("move", 1, 1), ["motion 1 1"]),
]


class Monitor:
    """The lines input-monitor printed, read from the serial log, and steps that compare the
    new ones with what they must be."""

    def __init__(self, guest, test):
        self.guest = guest
        self.test = test
        self.seen = 0

    def lines(self):
        """The monitor's whole lines so far: a line still being written (no newline yet)
        is not one."""
        text = ANSI_RE.sub("", self.guest.log_text())
        out = []
        for line in text[:text.rfind("\n") + 1].splitlines():
            at = line.find(PREFIX)
            if at >= 0:
                out.append(line[at + len(PREFIX):].strip())
        return out

    def wait_lines(self, count):
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            lines = self.lines()
            if len(lines) >= self.seen + count:
                return lines[self.seen:self.seen + count]
            if self.guest.process.poll() is not None or time.monotonic() > deadline:
                self.test.fail(f"wanted {count} more monitor lines after {lines[:self.seen]}, "
                               f"got {lines[self.seen:]}; log:\n{self.guest.log_text()[-3000:]}")
            time.sleep(0.02)

    def wait_ready(self):
        [line] = self.wait_lines(1)
        self.test.assertTrue(line.startswith("ready (keyboard mouse"), line)
        self.seen += 1

    def act(self, action):
        kind = action[0]
        if kind == "keys":
            self.guest.send_keys([action[1]])
        elif kind == "move":
            self.guest.mouse_move(action[1], action[2])
        else:
            self.guest.mouse_button(action[1])

    def step(self, action, expected):
        self.act(action)
        got = self.wait_lines(len(expected))
        self.test.assertEqual(got, expected, f"after {action}")
        self.seen += len(expected)

    def run(self, steps):
        """The steps, then Escape: the monitor's summary counts every event."""
        count = 0
        for action, expected in steps:
            self.step(action, expected)
            count += len(expected)
        self.step(("keys", "esc"), tap(1) + [f"{count + 2} events, 0 dropped"])


class InputScenarioTest(unittest.TestCase):
    def test_scenario(self):
        with QemuScreen(image("input"), workdir("input_scenario"), smp=smp(),
                        timeout=200) as guest:
            monitor = Monitor(guest, self)
            monitor.wait_ready()
            monitor.run(FIRST_MONITOR)
            guest.wait_for_log(r"input: the first monitor exited with status 0")
            monitor.wait_ready()   # the client that dies with its session open
            guest.wait_for_log(r"input: a client died with its session open; the driver has "
                               r"0 sessions open")
            monitor.wait_ready()   # after the driver's restart
            monitor.run(AFTER_RESTART)
            guest.wait_for_log(r"input: all checks passed")
            guest.wait_for_log(r"ned.elf run 1: status 0; moe free memory (\d+) bytes "
                               r"\(before: \1\)")
            self.assertEqual(guest.wait_exit(), 0, guest.output)
            self.assertNotIn("FAILED", guest.log_text())


class InputFuzzTest(unittest.TestCase):
    def test_fuzz(self):
        with QemuScreen(image("input_fuzz"), workdir("input_fuzz"), smp=smp(),
                        timeout=360) as guest:
            guest.wait_for_log(r"input-fuzz: ready")
            done = re.compile(r"driver intact|FAILED")
            moves = 0
            while not done.search(guest.log_text()) and guest.process.poll() is None:
                sign = 1 if moves % 2 else -1
                try:
                    guest.mouse_move(3 * sign, 2 * sign)
                    if moves % 20 == 0:
                        guest.send_keys(["a"])
                except OSError:
                    break   # QEMU ended between the look at the log and the command
                moves += 1
                time.sleep(0.01)
            status = guest.wait_exit(timeout=120)
            log = guest.log_text()
            self.assertNotIn("FAILED", log)
            self.assertRegex(log, r"input-fuzz: \d+ messages, 100000 of them EVENT requests to "
                                  r"sessions, \d+ error replies, \d+ sessions opened by chance")
            self.assertRegex(log, r"input-fuzz: the well-behaved client got \d+ events \(\d+ "
                                  r"during the fuzz\), the scribbled ring dropped \d+: driver "
                                  r"intact, its memory exact")
            self.assertEqual(status, 0, guest.output)


if __name__ == "__main__":
    unittest.main(verbosity=2)
