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
