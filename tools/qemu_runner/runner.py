"""Command line, QEMU command construction and the run loop."""

import argparse
import datetime
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .board import load_board
from .checks import evaluate, print_tail, read_log
from .common import DEFAULT_BOARD, REPO_ROOT, UsageError, say
from .monitor import monitor_command


class Interrupted(Exception):
    pass


def parse_after(spec, what):
    t, sep, rest = spec.partition(":")
    try:
        secs = float(t)
    except ValueError:
        secs = -1
    if not sep or not rest or secs < 0:
        raise UsageError(f"--{what}-after wants SECONDS:ARG, got '{spec}'")
    return secs, rest


def make_parser():
    p = argparse.ArgumentParser(
        prog="run-qemu",
        description="Run a Pecan image in QEMU and check its result. "
                    "Extra raw QEMU arguments may follow a '--'.")
    a = p.add_argument
    a("--board", default=DEFAULT_BOARD, help="board under kernel/plat (default %(default)s)")
    a("--smp", type=int, help="CPUs (default: the board's PECAN_DEFAULT_SMP)")
    a("--image", required=True, help="kernel image (ELF or raw) for -kernel")
    a("--log", help="serial log file (default build/logs/<image>-<time>-<pid>.log)")
    a("--console", action="store_true",
      help="stream serial output to stdout; with a tty on stdin, also forward input "
           "(Ctrl-A x quits)")
    a("--timeout", type=float, default=None,
      help="seconds before QEMU is stopped (default 60, 0 = none; --gdb defaults to none)")
    a("--monitor", metavar="SOCKET", help="unix-socket monitor path")
    a("--screendump-after", action="append", default=[], metavar="SECONDS:FILE.png",
      help="take a PNG screendump at that time after start (repeatable)")
    a("--sendkey-after", action="append", default=[], metavar="SECONDS:KEYS",
      help="send comma-separated keys (e.g. a,b,ret) at that time (repeatable)")
    a("--type-on", nargs=2, action="append", default=[], metavar=("REGEX", "TEXT"),
      help="once the serial log matches REGEX (after what the previous --type-on matched), "
           "type TEXT at the serial line (Python escapes: \\r, \\x7f, \\x1b; repeatable, "
           "in order)")
    a("--net", choices=["user", "none"], default="none", help="networking (default none)")
    a("--gdb", nargs="?", type=int, const=1234, metavar="PORT",
      help="start paused with a gdb stub on 127.0.0.1:PORT (default 1234)")
    a("--icount", action="store_true", help="deterministic mode (icount, sleep=off, vm clock)")
    a("--bench", action="store_true",
      help="implies --icount; print the 'bench A B C' log lines, fail if there are none")
    a("--qemu-arg", action="append", default=[], metavar="ARG",
      help="extra raw QEMU argument (repeatable; use --qemu-arg=-S for dashes)")
    a("--dry-run", action="store_true", help="print the QEMU command line and exit")
    a("--expect-exit", type=int, metavar="N", help="required guest exit status")
    a("--expect-log", action="append", default=[], metavar="REGEX",
      help="regex that must match the log (repeatable)")
    a("--forbid-log", action="append", default=[], metavar="REGEX",
      help="regex that must not match the log (repeatable)")
    return p


def parse_args(argv):
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    args = make_parser().parse_args(argv)
    args.qemu_arg += extra
    if args.bench:
        args.icount = True
    if args.timeout is None:
        args.timeout = 0 if args.gdb is not None else 60
    if args.timeout < 0:
        raise UsageError("--timeout must be >= 0")
    for rx in args.expect_log + args.forbid_log:
        try:
            re.compile(rx)
        except re.error as e:
            raise UsageError(f"bad regex '{rx}': {e}") from None
    args.actions = []
    for spec in args.screendump_after:
        t, f = parse_after(spec, "screendump")
        args.actions.append((t, "screendump", str(Path(f).absolute())))
    for spec in args.sendkey_after:
        t, keys = parse_after(spec, "sendkey")
        args.actions.append((t, "sendkey", [k.strip() for k in keys.split(",") if k.strip()]))
    args.actions.sort(key=lambda x: x[0])
    args.typing = []
    for rx, text in args.type_on:
        try:
            pattern = re.compile(rx, re.M)
        except re.error as e:
            raise UsageError(f"bad --type-on regex '{rx}': {e}") from None
        data = text.encode("latin-1", "backslashreplace").decode("unicode_escape")
        args.typing.append((rx, pattern, data.encode("latin-1")))
    return args


def default_log_path(image):
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return REPO_ROOT / "build" / "logs" / f"{Path(image).name}-{stamp}-{os.getpid()}.log"


def build_command(args, board, smp, log_path, monitor_path, interactive, serial_pipe=None):
    cmd = ["qemu-system-arm", "-M", board["machine"]]
    if board["cpu"]:
        cmd += ["-cpu", board["cpu"]]
    cmd += ["-m", board["ram"], "-smp", str(smp), "-display", "none",
            "-semihosting-config", "enable=on,target=native",
            # QEMU_AUDIO_DRV=none alone still prints module-probe noise on 7.2
            "-audiodev", "none,id=pecan_snd0", "-global", "pl041.audiodev=pecan_snd0"]
    if interactive:
        cmd += ["-chardev", f"stdio,id=s0,mux=on,signal=off,logfile={log_path}"]
    elif serial_pipe:
        # <pipe>.in is what the guest receives, <pipe>.out what it sends (also logged)
        cmd += ["-chardev", f"pipe,id=s0,path={serial_pipe},logfile={log_path}"]
    else:
        cmd += ["-chardev", f"file,id=s0,path={log_path}"]
    cmd += ["-serial", "chardev:s0"]
    cmd += ["-monitor", f"unix:{monitor_path},server,nowait" if monitor_path else "none"]
    cmd += ["-nic", f"user,model={board['nic']}" if args.net == "user" else "none"]
    if args.icount:
        cmd += ["-icount", "shift=0,sleep=off",
                "-rtc", "base=2020-01-01T00:00:00,clock=vm"]
    if args.gdb is not None:
        cmd += ["-S", "-gdb", f"tcp:127.0.0.1:{args.gdb}"]
    cmd += ["-no-reboot", "-kernel", str(args.image)]
    cmd += args.qemu_arg
    return cmd


# --------------------------------------------------------------------------- running

def _child_setup(libc):
    def fn():
        if libc is not None:
            try:
                libc.prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG: die with run-qemu
            except Exception:
                pass
    return fn


def stop_qemu(proc, grace=2.0):
    """End QEMU by its pid: SIGTERM, then SIGKILL after `grace` seconds."""
    if proc.poll() is not None:
        return
    try:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        proc.wait()


class StreamPump:
    """Non-blocking copy of a file/pipe that grows, to an optional sink."""

    def __init__(self, fd, sink=None, line_filter=None):
        self.fd = fd
        self.sink = sink
        self.filter = line_filter
        self.pending = b""
        self.lines = []

    def pump(self, final=False):
        got = False
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                data = None
            if not data:
                break
            got = True
            if self.filter is None:
                if self.sink:
                    self.sink.write(data)
            else:
                self.pending += data
                *complete, self.pending = self.pending.split(b"\n")
                for line in complete:
                    self._line(line)
        if final and self.pending and self.filter is not None:
            self._line(self.pending)
            self.pending = b""
        if got and self.sink:
            self.sink.flush()

    def _line(self, line):
        text = line.decode(errors="replace")
        self.lines.append(text)
        if self.sink and self.filter(text):
            self.sink.write(line + b"\n")


def run(args):
    board = load_board(args.board)
    smp = args.smp if args.smp is not None else board["default_smp"]
    if not 1 <= smp <= board["max_cpus"]:
        raise UsageError(f"--smp {smp} out of range for board {board['name']} "
                         f"(1..{board['max_cpus']})")
    image = Path(args.image)
    if not image.is_file():
        raise UsageError(f"image '{args.image}' not found: run ./pecan build first")
    log_path = Path(args.log) if args.log else default_log_path(image)
    log_path = log_path.absolute()
    interactive = args.console and sys.stdin is not None and sys.stdin.isatty()

    tmpdir = None
    monitor_path = args.monitor
    if monitor_path is None and args.actions:
        tmpdir = tempfile.mkdtemp(prefix="run-qemu-")
        monitor_path = os.path.join(tmpdir, "monitor.sock")
    serial_pipe = None
    if args.typing and not interactive:
        tmpdir = tmpdir or tempfile.mkdtemp(prefix="run-qemu-")
        serial_pipe = os.path.join(tmpdir, "serial")
        os.mkfifo(serial_pipe + ".in")
        os.mkfifo(serial_pipe + ".out")
    try:
        cmd = build_command(args, board, smp, log_path, monitor_path, interactive, serial_pipe)
        if args.dry_run:
            print("QEMU_AUDIO_DRV=none " + shlex.join(cmd), flush=True)
            return 0
        qemu = shutil.which("qemu-system-arm")
        if not qemu:
            raise UsageError("qemu-system-arm not found: run ./pecan setup")
        cmd[0] = qemu
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.write_bytes(b"")
        return execute(args, cmd, image, log_path, interactive, monitor_path, serial_pipe)
    finally:
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)


class SerialTyping:
    """Types each --type-on text at the serial line once the log matches its regex, in
    order, each regex searched after the previous match. The pipe's ends are opened
    read-write, so neither open blocks and QEMU never sees an end of file; what the guest
    sends is drained (the chardev's logfile keeps it), or QEMU would block when the pipe
    fills."""

    def __init__(self, serial_pipe, typing, log_path):
        self.pending = list(typing)
        self.log_path = log_path
        self.cursor = 0
        self.to_guest = os.open(serial_pipe + ".in", os.O_RDWR)
        self.from_guest = os.open(serial_pipe + ".out", os.O_RDWR | os.O_NONBLOCK)

    def step(self):
        while True:
            try:
                if not os.read(self.from_guest, 65536):
                    break
            except BlockingIOError:
                break
        if not self.pending:
            return
        text = read_log(self.log_path)
        while self.pending:
            rx, pattern, data = self.pending[0]
            m = pattern.search(text, self.cursor)
            if not m:
                return
            self.cursor = m.end()
            os.write(self.to_guest, data)
            self.pending.pop(0)

    def close(self):
        os.close(self.to_guest)
        os.close(self.from_guest)


def execute(args, cmd, image, log_path, interactive, monitor_path, serial_pipe=None):
    env = dict(os.environ, QEMU_AUDIO_DRV="none")
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
    except Exception:
        libc = None
    if args.gdb is not None:
        elf = image.with_suffix(".elf") if image.suffix == ".bin" and \
            image.with_suffix(".elf").is_file() else image
        say(f"waiting for gdb: gdb-multiarch -ex 'target remote 127.0.0.1:{args.gdb}' {elf}")
    if interactive:
        say("console attached (Ctrl-A x quits)")

    saved_tty = None
    if interactive:
        import termios
        try:
            saved_tty = termios.tcgetattr(sys.stdin.fileno())
        except termios.error:
            saved_tty = None

    def on_signal(signum, frame):
        raise Interrupted()
    old_handlers = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}

    killed_by_us = False
    typing = None
    proc = None
    log_f = None
    timed_out = False
    action_errors = []
    t0 = time.monotonic()
    try:
        proc = subprocess.Popen(
            cmd, env=env,
            stdin=None if interactive else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # Non-interactive QEMU gets its own process group so a terminal ^C
            # reaches only us; we then end QEMU by pid.
            process_group=None if interactive else 0,
            preexec_fn=_child_setup(libc))
        t0 = time.monotonic()
        os.set_blocking(proc.stderr.fileno(), False)
        err_pump = StreamPump(proc.stderr.fileno(), sys.stderr.buffer,
                              lambda l: not (killed_by_us and "terminating on signal" in l))
        log_f = open(log_path, "rb", buffering=0)
        log_pump = StreamPump(log_f.fileno(), sys.stdout.buffer if args.console and not interactive
                              else None)
        pending = list(args.actions)
        typing = SerialTyping(serial_pipe, args.typing, log_path) if serial_pipe else None
        while True:
            try:
                rc = proc.wait(timeout=0.02)
            except subprocess.TimeoutExpired:
                rc = None
            log_pump.pump()
            err_pump.pump()
            if typing:
                typing.step()
            if rc is not None:
                break
            elapsed = time.monotonic() - t0
            while pending and pending[0][0] <= elapsed:
                t, kind, arg = pending.pop(0)
                err = do_action(monitor_path, kind, arg)
                if err and proc.poll() is None:
                    action_errors.append(err)
                    say(err)
            if args.timeout and elapsed >= args.timeout:
                timed_out = True
                killed_by_us = True
                stop_qemu(proc)
                rc = proc.returncode
                break
        elapsed = time.monotonic() - t0
        log_pump.pump()
        err_pump.pump(final=True)
    except Interrupted:
        killed_by_us = True
        if proc is not None:
            stop_qemu(proc)
        say("interrupted; QEMU stopped")
        return 130
    finally:
        for s, h in old_handlers.items():
            signal.signal(s, h)
        if proc is not None and proc.poll() is None:
            stop_qemu(proc)
        if log_f:
            log_f.close()
        if saved_tty is not None:
            import termios
            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, saved_tty)

    text = read_log(log_path)
    show_tail = not args.console           # the console already showed everything
    if timed_out:
        say(f"timeout after {args.timeout:g} s")
        print_tail(log_path, text)
        return 124
    for t, kind, arg in pending:
        action_errors.append(f"guest exited before {kind} at {t:g} s")
        say(action_errors[-1])
    if typing:
        typing.close()
        for rx, pattern, data in typing.pending:
            action_errors.append(f"the log never matched '{rx}': {data!r} not typed")
            say(action_errors[-1])
    return evaluate(args, image, log_path, text, rc, elapsed, err_pump.lines,
                    action_errors, show_tail)


def do_action(monitor_path, kind, arg):
    """Run a scheduled monitor action; return an error string or None."""
    try:
        if kind == "screendump":
            Path(arg).parent.mkdir(parents=True, exist_ok=True)
            cmds = [f"screendump {arg} -f png"]
        else:
            cmds = [f"sendkey {k}" for k in arg]
        for c in cmds:
            out = monitor_command(monitor_path, c)
            if out.strip():
                return f"monitor '{c}': {out.strip()}"
    except (OSError, ConnectionError) as e:
        return f"monitor {kind} failed: {e}"
    return None


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = parse_args(argv)
        return run(args)
    except UsageError as e:
        say(str(e))
        return 2
