"""Board facts from kernel/plat/<board>/plat.cmake."""

import re

from .common import PLAT_DIR, UsageError


def known_boards(plat_dir=PLAT_DIR):
    if not plat_dir.is_dir():
        return []
    return sorted(d.name for d in plat_dir.iterdir() if (d / "plat.cmake").is_file())


def load_board(name, plat_dir=PLAT_DIR):
    """Parse kernel/plat/<name>/plat.cmake into a dict of facts."""
    path = plat_dir / name / "plat.cmake"
    if "/" in name or not path.is_file():
        raise UsageError(f"unknown board '{name}': known boards are "
                         f"{', '.join(known_boards(plat_dir)) or '(none)'}")
    text = path.read_text()
    sets = dict(re.findall(r'^[ \t]*set[ \t]*\([ \t]*(PECAN_\w+)[ \t]+"?([^\s")]+)"?[ \t]*\)',
                           text, re.M))
    if "PECAN_QEMU_MACHINE" not in sets:
        raise UsageError(f"{path}: no set(PECAN_QEMU_MACHINE ...)")
    try:
        max_cpus = int(sets.get("PECAN_MAX_CPUS", "1"))
        default_smp = int(sets.get("PECAN_DEFAULT_SMP", "1"))
    except ValueError as e:
        raise UsageError(f"{path}: bad CPU count: {e}") from None
    return {
        "name": name,
        "machine": sets["PECAN_QEMU_MACHINE"],
        "max_cpus": max_cpus,
        "default_smp": default_smp,
        "ram": sets.get("PECAN_QEMU_RAM", "128M"),
        "cpu": sets.get("PECAN_QEMU_CPU"),           # optional, e.g. arm1176 on versatilepb
        "nic": sets.get("PECAN_QEMU_NIC", "smc91c111"),
    }
