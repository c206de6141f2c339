"""Judging a finished run: exit status, log regexes, TAP, PANIC, bench lines."""

import re
import sys
from pathlib import Path

from .common import TAIL_LINES, say

GUEST_STATUS = {0: "success", 1: "tests failed", 3: "kernel panic"}
# A bench line, also as a program prints it through moe's log: "<tag> | " before it and
# an ANSI colour around it.
BENCH_RE = re.compile(r"^(?:\x1b\[[0-9;]*m)?(?:[^|\n]* \| )?(bench \S+ \S+ \S+?)(?:\x1b\[[0-9;]*m)?$",
                      re.M)


def read_log(path):
    try:
        data = Path(path).read_bytes()
    except OSError:
        return ""
    return data.decode(errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def log_tail(text, n=TAIL_LINES):
    lines = text.splitlines()
    return lines[-n:]


def print_tail(log_path, text, n=TAIL_LINES):
    lines = log_tail(text, n)
    if not lines:
        print(f"--- serial log {log_path} is empty ---", file=sys.stderr)
        return
    print(f"--- last {len(lines)} lines of {log_path} ---", file=sys.stderr)
    for line in lines:
        print(line, file=sys.stderr)
    print("---", file=sys.stderr, flush=True)


def check_tap(text):
    """Return (found, passed, failed, problems) for the TAP stream in text."""
    m = re.search(r"^1\.\.(\d+)$", text, re.M)
    if not m:
        return False, 0, 0, []
    plan = int(m.group(1))
    ok = len(re.findall(r"^ok \d+", text, re.M))
    notok = re.findall(r"^not ok \d+.*$", text, re.M)
    problems = []
    if notok:
        problems.append(f"{len(notok)} TAP test(s) failed: " + "; ".join(notok[:5])
                        + (" ..." if len(notok) > 5 else ""))
    if ok + len(notok) != plan:
        problems.append(f"TAP plan 1..{plan} but {ok + len(notok)} result(s) reported")
    bail = re.search(r"^Bail out!.*$", text, re.M)
    if bail:
        problems.append(f"TAP {bail.group(0)}")
    return True, ok, plan - ok, problems


def evaluate(args, image, log_path, text, rc, elapsed, qemu_err, action_errors, show_tail):
    failures = list(action_errors)
    if rc < 0:
        failures.append(f"QEMU killed by signal {-rc}")
    elif rc != 0 and not text and any(
            l.startswith("qemu-system-arm:") and "warning" not in l for l in qemu_err):
        say(f"QEMU failed to start (exit {rc}); see its message above")
        return 2
    if args.expect_exit is not None and rc != args.expect_exit:
        failures.append(f"guest exit status {rc}, expected {args.expect_exit}")
    for rx in args.expect_log:
        if not re.search(rx, text, re.M):
            failures.append(f"expected log pattern not found: {rx}")
    for rx in args.forbid_log:
        m = re.search(rx, text, re.M)
        if m:
            failures.append(f"forbidden log pattern found: {rx} (matched {m.group(0)[:80]!r})")
    tap, passed, failed, problems = check_tap(text)
    failures += problems
    if re.search(r"^PANIC", text, re.M) and args.expect_exit != 3:
        failures.append("kernel panic")
    bench = []
    if args.bench:
        bench = [m.group(1) for m in BENCH_RE.finditer(text)]
        if not bench:
            failures.append("no 'bench NAME VALUE UNIT' lines in the log")
    for line in bench:
        print(line)
    sys.stdout.flush()

    if args.expect_exit is None and rc > 0:
        result = rc                       # pass the guest's status through
        if not failures:
            failures.append(f"guest exit status {rc} "
                            f"({GUEST_STATUS.get(rc, 'unexpected')})")
    elif failures:
        result = 1
    else:
        result = 0
    for f in failures:
        say(f)
    if failures and show_tail:
        print_tail(log_path, text)
    if not failures:
        say(f"{image.name} exit {rc} in {elapsed:.1f}s, log {log_path}",
            sys.stderr if args.bench else sys.stdout)
    elif not show_tail:
        say(f"log {log_path}")
    if tap:
        print(f"{passed} passed, {failed} failed", flush=True)
    return result
