"""Which QEMU display a run gets: none (the default: tests and headless machines), a window
(gtk, else sdl) when asked for one, or `auto`: a window only where there is a desktop to
show it on ($DISPLAY or $WAYLAND_DISPLAY) and this QEMU has a windowing back end (Debian
puts gtk and sdl in the package qemu-system-gui); otherwise none, with a note saying why.
The serial console stays on stdio whatever the display, so the run stays interactive."""

import subprocess

WINDOWS = ("gtk", "sdl")
CHOICES = ("none", "auto") + WINDOWS


def qemu_displays(qemu):
    """The display back ends `qemu -display help` lists (those whose modules are there)."""
    try:
        out = subprocess.run([qemu, "-display", "help"], capture_output=True, text=True,
                             timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return set()
    lines = out.splitlines()
    return {line.strip() for line in lines[1:] if line.strip()}


def choose_display(requested, environ, available):
    """(the -display argument, a note for the user or None). requested is one of CHOICES;
    environ the environment; available what qemu_displays found."""
    if requested != "auto":
        if requested in WINDOWS and requested not in available:
            return "none", (f"QEMU has no '{requested}' display (apt-get install "
                            f"qemu-system-gui): running without a window")
        return requested, None
    if not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")):
        return "none", None
    for window in WINDOWS:
        if window in available:
            return window, None
    return "none", ("no QEMU window: this QEMU has neither a gtk nor an sdl display "
                    "(apt-get install qemu-system-gui); running without one")
