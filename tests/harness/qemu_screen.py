# SPDX-License-Identifier: MIT
"""A guest under QEMU for screen tests: started through tools/run-qemu (the one runner,
which keeps QEMU's pid and ends it by pid) with a monitor socket, and driven through the
runner's monitor helpers (tools/qemu_runner/monitor.py): screendumps read back as
screen_model images, keys, text, mouse movement and buttons, and waits on the serial log.

    with QemuScreen(image, workdir, smp=1, timeout=120) as guest:
        guest.wait_for_log(r"mode rgb565 ready")
        shot = guest.screendump()
        guest.type_text("print(6*7)\\n")
"""

import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from qemu_runner import monitor  # noqa: E402
from screen_model import Image  # noqa: E402


class GuestError(Exception):
    """The guest ended, or did not print what was waited for in time."""


class QemuScreen:
    def __init__(self, image, workdir, smp=1, timeout=120, extra_args=()):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.socket = self.workdir / "monitor.sock"
        self.log = self.workdir / "serial.log"
        self.argv = [sys.executable, str(REPO / "tools" / "run-qemu"), "--image", str(image),
                     "--smp", str(smp), "--monitor", str(self.socket), "--log", str(self.log),
                     "--timeout", str(timeout), *extra_args]
        self.process = None
        self.log_offset = 0
        self.shots = 0

    def __enter__(self):
        # A log or socket left by an earlier run in the same workdir would be read before
        # the new QEMU replaces it: waits would match the old run's lines.
        for stale in (self.socket, self.log):
            if stale.exists():
                stale.unlink()
        self.process = subprocess.Popen(self.argv, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self):
        """Ends run-qemu (SIGTERM; it stops QEMU by pid) unless the guest already exited."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.output = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.output = self.process.communicate()
        return self.process.returncode

    def wait_exit(self, timeout=60):
        """Waits for the guest to end; returns run-qemu's status (the guest's, or 124 on its
        timeout)."""
        try:
            self.output = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise GuestError(f"guest still running after {timeout} s") from None
        return self.process.returncode

    def log_text(self):
        try:
            return self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_for_log(self, pattern, timeout=60):
        """Waits until a line matching `pattern` appears after the previous match; returns the
        match. A busy host may be slow, hence the generous default."""
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        while True:
            text = self.log_text()
            found = regex.search(text, self.log_offset)
            if found:
                self.log_offset = found.end()
                return found
            if self.process.poll() is not None:
                raise GuestError(f"guest ended (status {self.process.returncode}) before "
                                 f"'{pattern}'; log:\n{text[-2000:]}")
            if time.monotonic() > deadline:
                raise GuestError(f"no '{pattern}' within {timeout} s; log:\n{text[-2000:]}")
            time.sleep(0.02)

    def wait_for_all(self, patterns, timeout=60):
        """Waits until each of `patterns` has a matching line after the previous match, in
        any order (programs started together print in whatever order the guest runs them);
        the next wait starts after the last of them."""
        deadline = time.monotonic() + timeout
        start, end = self.log_offset, self.log_offset
        for pattern in patterns:
            self.log_offset = start
            found = self.wait_for_log(pattern, max(deadline - time.monotonic(), 0.1))
            end = max(end, found.end())
        self.log_offset = end

    def screendump(self, name=None):
        """What the display shows now, as a screen_model.Image (the PPM is kept in workdir)."""
        self.shots += 1
        path = self.workdir / (name or f"screen-{self.shots}.ppm")
        if path.exists():
            path.unlink()
        monitor.screendump(self.socket, path)
        return Image.read_ppm(path)

    def send_keys(self, keys):
        monitor.send_keys(self.socket, keys)

    def type_text(self, text):
        monitor.type_text(self.socket, text)

    def mouse_move(self, dx, dy):
        monitor.mouse_move(self.socket, dx, dy)

    def mouse_button(self, buttons):
        monitor.mouse_button(self.socket, buttons)


def screenshot_argument():
    """The PNG path after --screenshot on the command line (a test that can write the
    screen it checked to docs/), or None."""
    arguments = sys.argv[1:]
    if "--screenshot" in arguments:
        return arguments[arguments.index("--screenshot") + 1]
    return None

def run_screen_test(name, run, keep=None):
    """A screen test's main: run(work) in a new work directory (/tmp/test-NAME-*), which is
    removed when the test passes unless --keep is given (or keep is True); a GuestError
    (a line that never came, a guest that ended early) fails the test with its message.
    Returns the exit status."""
    keep = "--keep" in sys.argv[1:] if keep is None else keep
    work = Path(tempfile.mkdtemp(prefix=f"test-{name}-"))
    status = 1
    try:
        status = run(work)
    except GuestError as error:
        print(f"FAILED: {error}", file=sys.stderr)
    finally:
        if status == 0 and not keep:
            shutil.rmtree(work, ignore_errors=True)
    return status
