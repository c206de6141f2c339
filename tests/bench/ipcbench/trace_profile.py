#!/usr/bin/env python3
"""trace_profile.py: where the instructions of one IPC round trip go.

Reads a QEMU `-d in_asm,exec,nochain` log of the bench-ipc image booted with
`profile` on its command line (docs/bench.md, "Profiling the round trip"), finds
the round trips of ipcbench's call_loop (one `svc` of the client to the next),
and prints for one round trip in the middle of each measured loop the executed
stages in order (consecutive translation blocks of the same function merged)
and the instructions per function.

    trace_profile.py TRACE KERNEL_ELF IPCBENCH_ELF [--lines FUNCTION]...
                     [--nm arm-none-eabi-nm] [--objdump arm-none-eabi-objdump]
                     [--addr2line arm-none-eabi-addr2line]

--lines FUNCTION also splits that kernel function's instructions by source line
(addr2line: inlined code shows under the line it came from).

Only CPU 0 is followed (all threads of the benchmark run there).
"""

import argparse
import bisect
import re
import subprocess
import sys
from collections import OrderedDict

FIGURES = ["ipc_rt_same_as", "ipc_rt_cross_as", "ipc_rt_cross_as_slowpath",
           "ipc_rt_cross_as_63w"]
VECTOR_PAGE = 0xFFFF0000


def symbols(nm, elf, offset=0):
    out = subprocess.run([nm, "-n", elf], check=True, capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtWw":
            syms.append((int(parts[0], 16) + offset, parts[2]))
    return syms


def svc_in(objdump, elf, function):
    out = subprocess.run([objdump, "-d", elf], check=True, capture_output=True, text=True).stdout
    inside = False
    for line in out.splitlines():
        if line.endswith(f"<{function}>:"):
            inside = True
        elif inside and not line.strip():
            break
        elif inside and "\tsvc\t" in line:
            return int(line.split(":")[0], 16)
    sys.exit(f"no svc in {function}")


_line_cache = {}


def lines(addr2line, elf, address):
    if address not in _line_cache:
        out = subprocess.run([addr2line, "-e", elf, hex(address)], check=True,
                             capture_output=True, text=True).stdout.strip()
        _line_cache[address] = out.split("/")[-1] if out else "?"
    return _line_cache[address]


class Symbolizer:
    def __init__(self, kernel, user, vectors_base):
        self.kernel = kernel
        self.user = user
        self.vectors_base = vectors_base
        self.kaddr = [a for a, _ in kernel]
        self.uaddr = [a for a, _ in user]

    def name(self, pc):
        if pc >= VECTOR_PAGE:
            pc = pc - VECTOR_PAGE + self.vectors_base
            tag = "vectors:"
        else:
            tag = ""
        table, addrs = (self.kernel, self.kaddr) if pc >= 0xC0000000 else (self.user, self.uaddr)
        i = bisect.bisect_right(addrs, pc) - 1
        name = table[i][1] if i >= 0 else "?"
        if table is self.user:
            name = "user:" + name
        return tag + name


def parse(trace, svc_addr):
    """CPU 0 executions: (pc, instructions, is_client_svc, addresses) per translation
    block."""
    blocks = {}          # host TB address -> (count, contains svc, addresses)
    pending = None
    seq = []
    trace_re = re.compile(r"^Trace (\d+): (0x[0-9a-f]+) \[[0-9a-f]+/([0-9a-f]+)/")
    insn_re = re.compile(r"^0x([0-9a-f]+):\s")
    with open(trace, errors="replace") as f:
        for line in f:
            if line.startswith("IN:"):
                pending = []
                continue
            if pending is not None:
                m = insn_re.match(line)
                if m:
                    pending.append(int(m.group(1), 16))
                    continue
            m = trace_re.match(line)
            if not m:
                continue
            host = m.group(2)
            if pending is not None:
                blocks[host] = (len(pending), svc_addr in pending, pending)
                pending = None
            if m.group(1) != "0":
                continue
            count, has_svc, addresses = blocks.get(host, (0, False, []))
            seq.append((int(m.group(3), 16), count, has_svc, addresses))
    return seq


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trace")
    ap.add_argument("kernel_elf")
    ap.add_argument("user_elf")
    ap.add_argument("--nm", default="arm-none-eabi-nm")
    ap.add_argument("--objdump", default="arm-none-eabi-objdump")
    ap.add_argument("--addr2line", default="arm-none-eabi-addr2line")
    ap.add_argument("--lines", action="append", default=[], metavar="FUNCTION")
    args = ap.parse_args()

    kernel = symbols(args.nm, args.kernel_elf)
    vectors_base = next(a for a, n in kernel if n == "__vectors_start")
    sym = Symbolizer(kernel, symbols(args.nm, args.user_elf), vectors_base)
    svc_addr = svc_in(args.objdump, args.user_elf, "call_loop")
    seq = parse(args.trace, svc_addr)

    # Round trips: from after one client svc block to the end of the next.
    marks = [i for i, (_, _, s, _) in enumerate(seq) if s]
    clock = [a for a, n in sym.user if n == "pecan_debug_clock"][0]
    trips = []
    for a, b in zip(marks, marks[1:]):
        reads_clock = any(pc == clock for pc, _, _, _ in seq[a + 1:b + 1])
        trips.append((a + 1, b + 1, sum(c for _, c, _, _ in seq[a + 1:b + 1]), reads_clock))
    # call_loop runs: consecutive trips; one that reads the clock separates two runs.
    runs, current = [], []
    for t in trips:
        if t[3]:
            if current:
                runs.append(current)
            current = []
            continue
        current.append(t)
    if current:
        runs.append(current)
    measured = [r for r in runs if len(r) < 12]   # warm-up runs have 16 trips, measured 8
    for name, run in zip(FIGURES, measured):
        start, end, total, _ = run[len(run) // 2]
        print(f"== {name}: one round trip, {total} instructions "
              f"(trips in this loop: {', '.join(str(t[2]) for t in run)})")
        stages = []
        per_function = OrderedDict()
        line_counts = {f: OrderedDict() for f in args.lines}
        for pc, count, _, addresses in seq[start:end]:
            fn = sym.name(pc)
            if fn in line_counts:
                for a in addresses:
                    line = lines(args.addr2line, args.kernel_elf, a)
                    line_counts[fn][line] = line_counts[fn].get(line, 0) + 1
            per_function[fn] = per_function.get(fn, 0) + count
            if stages and stages[-1][0] == fn:
                stages[-1][1] += count
            else:
                stages.append([fn, count])
        print("   stages in order:")
        for fn, count in stages:
            print(f"     {count:5d}  {fn}")
        print("   per function:")
        for fn, count in sorted(per_function.items(), key=lambda kv: -kv[1]):
            print(f"     {count:5d}  {fn}")
        for fn, counts in line_counts.items():
            if counts:
                print(f"   {fn} by source line (both directions):")
                for line, count in counts.items():
                    print(f"     {count:5d}  {line}")
        print()


if __name__ == "__main__":
    main()
