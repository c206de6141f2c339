"""QEMU human monitor (HMP) over a unix socket."""

import re
import socket
import time

PROMPT = b"(qemu) "
ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def monitor_command(sock_path, cmd, timeout=10.0, connect_timeout=5.0):
    """Run one HMP command on QEMU's unix-socket monitor and return its output.

    Connects (retrying while QEMU creates the socket), reads the banner up to
    the `(qemu) ` prompt, sends `cmd`, and reads until the next prompt. The
    monitor echoes the typed line with terminal escapes; that echo, the escapes
    and the prompt are removed. Returns "" for commands with no output.
    """
    deadline = time.monotonic() + connect_timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(str(sock_path))
            break
        except (FileNotFoundError, ConnectionRefusedError):
            s.close()
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.02)
    with s:
        s.settimeout(timeout)

        def read_until_prompt(buf, after_echo):
            while True:
                if after_echo:
                    i = buf.find(b"\r\n")
                    if i >= 0 and buf[i + 2:].endswith(PROMPT):
                        return buf
                elif buf.endswith(PROMPT):
                    return buf
                data = s.recv(65536)
                if not data:
                    raise ConnectionError(f"monitor {sock_path} closed during '{cmd}'")
                buf += data

        read_until_prompt(b"", False)                     # banner
        s.sendall(cmd.encode() + b"\n")
        reply = read_until_prompt(b"", True)
    body = reply[reply.find(b"\r\n") + 2:-len(PROMPT)]   # drop echo line and prompt
    text = ANSI_RE.sub("", body.decode(errors="replace"))
    return text.replace("\r\n", "\n").rstrip("\n")


# --------------------------------------------------------------------------- screen tests
# The monitor commands of screen tests (docs/graphics.md, "Screen tests"): screendumps, keys
# and the mouse, each one HMP command through monitor_command. A command that prints
# anything failed (QEMU's HMP answers these with silence when they work).

class MonitorError(Exception):
    """The monitor refused a command; the message is its reply."""


def _quiet(sock_path, cmd):
    out = monitor_command(sock_path, cmd)
    if out.strip():
        raise MonitorError(f"monitor '{cmd}': {out.strip()}")


def screendump(sock_path, path):
    """Writes what the guest's display shows to `path` as a binary PPM (P6)."""
    path = str(path)
    if any(c.isspace() for c in path):
        raise MonitorError(f"screendump path '{path}' contains white space")
    _quiet(sock_path, f"screendump {path}")


# QEMU's names (sendkey) for the keys of a US keyboard that type each character.
_KEY_NAMES = {" ": "spc", "\n": "ret", "\t": "tab", "-": "minus", "=": "equal",
              "[": "bracket_left", "]": "bracket_right", "\\": "backslash", ";": "semicolon",
              "'": "apostrophe", "`": "grave_accent", ",": "comma", ".": "dot", "/": "slash"}
_SHIFTED = {")": "0", "!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7",
            "*": "8", "(": "9", "_": "minus", "+": "equal", "{": "bracket_left",
            "}": "bracket_right", "|": "backslash", ":": "semicolon", '"': "apostrophe",
            "~": "grave_accent", "<": "comma", ">": "dot", "?": "slash"}


def keys_for_text(text):
    """The sendkey arguments that type `text` on a US keyboard, e.g. "print(6*7)\\n" gives
    p r i n t shift-9 6 shift-8 7 shift-0 ret. Characters it cannot type are an error."""
    keys = []
    for c in text:
        if c in _KEY_NAMES:
            keys.append(_KEY_NAMES[c])
        elif c in _SHIFTED:
            keys.append("shift-" + _SHIFTED[c])
        elif c.isascii() and (c.islower() or c.isdigit()):
            keys.append(c)
        elif c.isascii() and c.isupper():
            keys.append("shift-" + c.lower())
        else:
            raise ValueError(f"no US keyboard key types {c!r}")
    return keys


def send_keys(sock_path, keys):
    """Presses and releases each key (a sendkey name such as 'a', 'ret', 'ctrl-r')."""
    for key in keys:
        if not key or any(c.isspace() for c in key):
            raise MonitorError(f"bad key name '{key}'")
        _quiet(sock_path, f"sendkey {key}")


def type_text(sock_path, text):
    send_keys(sock_path, keys_for_text(text))


def mouse_move(sock_path, dx, dy):
    """Moves the pointer by (dx, dy) in screen directions (dy > 0 is down)."""
    _quiet(sock_path, f"mouse_move {int(dx)} {int(dy)}")


def mouse_button(sock_path, buttons):
    """Sets the buttons held: bit 0 left, bit 1 right, bit 2 middle (as in a PS/2 packet)."""
    buttons = int(buttons)
    if not 0 <= buttons <= 7:
        raise MonitorError(f"mouse buttons {buttons} not in 0..7")
    _quiet(sock_path, f"mouse_button {buttons}")
