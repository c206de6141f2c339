#!/usr/bin/env python3
"""Self-test for tools/run-qemu. Needs qemu-system-arm and arm-none-eabi-gcc, not a
Pecan kernel: it builds tiny bare-metal guests that print to the PL011 and exit
via semihosting. Run: python3 tests/harness/test_run_qemu.py
"""

import importlib.machinery
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUN_QEMU = REPO / "tools" / "run-qemu"
HAVE_TOOLS = bool(shutil.which("qemu-system-arm") and shutil.which("arm-none-eabi-gcc"))

# CPU0 writes MSG to UART0, then exits through SYS_EXIT_EXTENDED with EXIT (or
# spins forever when EXIT is None). CPUs 1-3 also start at the ELF entry: park them.
GUEST_S = """
    .syntax unified
    .arm
    .global _start
_start:
    mrc p15, 0, r0, c0, c0, 5
    ands r0, r0, #0xf
    bne park
    ldr r4, =0x10009000
    adr r5, msg
1:  ldrb r0, [r5], #1
    cmp r0, #0
    beq 2f
    str r0, [r4]
    b 1b
2:
{exit}
park:
    wfi
    b park
    .align 2
args: .word 0x20026, {code}
msg: .byte {msg}
"""
EXIT_S = "    mov r0, #0x20\n    adr r1, args\n    svc 0x123456\n"
LOOP_S = "3:  b 3b\n"


def load_run_qemu():
    loader = importlib.machinery.SourceFileLoader("run_qemu", str(RUN_QEMU))
    spec = importlib.util.spec_from_loader("run_qemu", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def children_of(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d))
    return out


def pid_alive(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@unittest.skipUnless(HAVE_TOOLS, "needs qemu-system-arm and arm-none-eabi-gcc")
class RunQemuTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="test-run-qemu-"))
        cls.guests = {}
        for name, msg, code in [
            ("hello", "hello\n", 7),
            ("tapfail", "1..2\nok 1 - a\nnot ok 2 - b\n", 1),
            ("tappass", "1..2\r\nok 1 - a\r\nok 2 - b\r\n", 0),
            ("tapshort", "1..3\nok 1 - a\nok 2 - b\n", 0),
            ("panic", "boot\nPANIC: oops\n", 3),
            ("bench", "noise\nbench spin 1234 ns\nbench svc 16 insn\n", 0),
            ("loop", "looping\n", None),
        ]:
            src = GUEST_S.format(
                exit=LOOP_S if code is None else EXIT_S, code=code or 0,
                msg=", ".join(str(b) for b in msg.encode() + b"\0"))
            s = cls.tmp / f"{name}.S"
            s.write_text(src)
            elf = cls.tmp / f"{name}.elf"
            subprocess.run(["arm-none-eabi-gcc", "-nostdlib", "-Ttext=0x10000",
                            "-march=armv6k", "-marm", "-o", str(elf), str(s)], check=True)
            cls.guests[name] = elf

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_rq(self, *args, image="hello", log=True, env=None):
        argv = [sys.executable, str(RUN_QEMU)]
        if image:
            argv += ["--image", str(self.guests[image])]
        if log:
            argv += ["--log", str(self.tmp / f"{image}-{time.monotonic_ns()}.log")]
        return subprocess.run(argv + list(args), capture_output=True, text=True,
                              timeout=30, env=env)

    def test_exit_status_passthrough(self):
        r = self.run_rq()
        self.assertEqual(r.returncode, 7, r.stderr)

    def test_expect_exit(self):
        r = self.run_rq("--expect-exit", "7")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"run-qemu: hello\.elf exit 7 in \d+\.\ds, log ")
        r = self.run_rq("--expect-exit", "0")
        self.assertEqual(r.returncode, 1)
        self.assertIn("run-qemu: guest exit status 7, expected 0", r.stderr)
        self.assertIn("hello", r.stderr)           # log tail

    def test_log_written_and_expect_log(self):
        log = self.tmp / "sub" / "dir" / "hello.log"
        r = self.run_rq("--expect-exit", "7", "--log", str(log), "--expect-log", r"^hello$",
                        log=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(log.read_text(), "hello\n")
        r = self.run_rq("--expect-exit", "7", "--expect-log", "^goodbye")
        self.assertEqual(r.returncode, 1)
        self.assertIn("^goodbye", r.stderr)
        r = self.run_rq("--expect-exit", "7", "--forbid-log", "hel+o")
        self.assertEqual(r.returncode, 1)
        self.assertIn("forbidden", r.stderr)

    def test_console_streams(self):
        r = self.run_rq("--console", "--expect-exit", "7")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("hello\n"), r.stdout)

    def test_timeout(self):
        # 3 s, not 1: on a busy host QEMU may take most of a second to start, and the
        # guest must have printed before the timeout.
        argv = [sys.executable, str(RUN_QEMU), "--image", str(self.guests["loop"]),
                "--timeout", "3", "--log", str(self.tmp / "loop.log")]
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        qemu = []
        deadline = time.monotonic() + 5
        while not qemu and time.monotonic() < deadline and p.poll() is None:
            qemu = children_of(p.pid)
            time.sleep(0.01)
        out, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 124, err)
        self.assertIn("run-qemu: timeout after 3 s", err)
        self.assertIn("looping", err)
        self.assertEqual(len(qemu), 1)
        self.assertFalse(pid_alive(qemu[0]), "QEMU still running after timeout")

    def test_tap_failure(self):
        r = self.run_rq("--expect-exit", "1", image="tapfail")
        self.assertEqual(r.returncode, 1)
        self.assertIn("not ok 2 - b", r.stderr)
        self.assertEqual(r.stdout.splitlines()[-1], "1 passed, 1 failed")
        r = self.run_rq(image="tapfail")
        self.assertEqual(r.returncode, 1)

    def test_tap_pass_and_short(self):
        r = self.run_rq("--expect-exit", "0", image="tappass")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[-1], "2 passed, 0 failed")
        r = self.run_rq("--expect-exit", "0", image="tapshort")
        self.assertEqual(r.returncode, 1)
        self.assertIn("plan 1..3", r.stderr)
        self.assertEqual(r.stdout.splitlines()[-1], "2 passed, 1 failed")

    def test_panic(self):
        r = self.run_rq("--expect-exit", "0", image="panic")
        self.assertEqual(r.returncode, 1)
        self.assertIn("kernel panic", r.stderr)
        r = self.run_rq("--expect-exit", "3", image="panic")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_bench(self):
        r = self.run_rq("--bench", "--expect-exit", "0", image="bench")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "bench spin 1234 ns\nbench svc 16 insn\n")
        r = self.run_rq("--bench", "--expect-exit", "7")
        self.assertEqual(r.returncode, 1)

    def test_unknown_board_and_bad_args(self):
        r = self.run_rq("--board", "nosuch")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown board 'nosuch': known boards are ", r.stderr)
        self.assertIn("realview-eb-mpcore", r.stderr)
        r = self.run_rq("--smp", "9")
        self.assertEqual(r.returncode, 2)
        r = self.run_rq(image=None, log=False, *["--image", str(self.tmp / "missing.elf")])
        self.assertEqual(r.returncode, 2)
        self.assertIn("missing.elf", r.stderr)
        self.assertIn("./pecan build", r.stderr)
        r = self.run_rq(env=dict(os.environ, PATH="/nonexistent"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("qemu-system-arm not found: run ./pecan setup", r.stderr)

    def test_dry_run(self):
        r = self.run_rq("--dry-run", "--smp", "2", "--net", "user", "--icount",
                        "--qemu-arg=-d", "--qemu-arg", "int")
        self.assertEqual(r.returncode, 0, r.stderr)
        cmd = r.stdout.strip()
        for part in ["qemu-system-arm -M realview-eb-mpcore -m 128M -smp 2 -display none",
                     "-semihosting-config enable=on,target=native",
                     "-serial chardev:s0", "-monitor none", "-no-reboot",
                     "-nic user,model=smc91c111", "-icount shift=0,sleep=off",
                     "-rtc base=2020-01-01T00:00:00,clock=vm", "-d int"]:
            self.assertIn(part, cmd)
        self.assertNotIn("userspace", cmd)
        r = self.run_rq("--dry-run", "--gdb")
        self.assertIn("-S -gdb tcp:127.0.0.1:1234", r.stdout)
        self.assertIn("-nic none", r.stdout)

    def test_type_on(self):
        # The serial line becomes a pipe the runner types into; the log is still written.
        r = self.run_rq("--dry-run", "--type-on", "hello", "x")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"-chardev pipe,id=s0,path=\S+/serial,logfile=\S+")
        r = self.run_rq("--type-on", "(unclosed", "x")
        self.assertEqual(r.returncode, 2)
        self.assertIn("bad --type-on regex", r.stderr)
        log = self.tmp / "type.log"
        r = self.run_rq("--timeout", "3", "--type-on", "looping", "x\\r", image="loop",
                        log=False, *["--log", str(log)])
        self.assertEqual(r.returncode, 124, r.stderr)
        self.assertIn("looping", log.read_text())

    def test_monitor_paused_guest(self):
        rq = load_run_qemu()
        sock = str(self.tmp / "mon.sock")
        p = subprocess.Popen([sys.executable, str(RUN_QEMU), "--image", str(self.guests["loop"]),
                              "--log", str(self.tmp / "mon.log"), "--monitor", sock,
                              "--timeout", "20", "--qemu-arg=-S"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out = rq.monitor_command(sock, "info status")
            self.assertEqual(out, "VM status: paused (prelaunch)")
            self.assertEqual(rq.monitor_command(sock, "cont"), "")
            self.assertEqual(rq.monitor_command(sock, "info status"), "VM status: running")
            qemu = children_of(p.pid)
            p.send_signal(signal.SIGTERM)
            out, err = p.communicate(timeout=10)
            self.assertEqual(p.returncode, 130, err)
            self.assertEqual(len(qemu), 1)
            self.assertFalse(pid_alive(qemu[0]))
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()

    def test_screendump_and_sendkey(self):
        png = self.tmp / "shots" / "s.png"
        # The actions come early; the timeout leaves a busy host seconds to do them.
        r = self.run_rq("--timeout", "3", "--screendump-after", f"0.3:{png}",
                        "--sendkey-after", "0.5:a,b,ret", image="loop")
        self.assertEqual(r.returncode, 124, r.stderr)
        self.assertNotIn("monitor", r.stderr)
        self.assertEqual(png.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
