"""Shared bits of the QEMU runner: paths, errors, messages."""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PLAT_DIR = REPO_ROOT / "kernel" / "plat"
DEFAULT_BOARD = "realview-eb-mpcore"
TAIL_LINES = 40


class UsageError(Exception):
    """A setup/usage problem: message printed, exit 2."""


def say(msg, stream=None):
    stream = stream or sys.stderr
    print(f"run-qemu: {msg}", file=stream, flush=True)
