"""Where Asterisk is: ``$ACD_ASTERISK``, ``asterisk`` on PATH, or the sid chroot under ``.rig/``."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

REPO = Path(__file__).resolve().parents[2]
CHROOT = REPO / ".rig" / "sid"
MARKER = "/var/tmp/acd-rig/"


class RigMissing(RuntimeError):
    """Part of the rig is not installed."""


@dataclass(frozen=True, slots=True)
class AsteriskInstall:
    binary: str
    root: Path | None = None

    def command(self, *args: str) -> list[str]:
        if self.root is None:
            return [self.binary, *args]
        return ["chroot", str(self.root), self.binary, *args]

    def host_path(self, inner: PurePosixPath) -> Path:
        """The host's path for a path as Asterisk sees it."""
        return self.root / inner.relative_to("/") if self.root else Path(inner)

    def mount(self) -> None:
        if self.root is None:
            return
        for target, args in (("proc", ["-t", "proc", "proc"]), ("dev", ["--bind", "/dev"])):
            point = self.root / target
            if not os.path.ismount(point):
                subprocess.run(["mount", *args, str(point)], check=True)

    def unmount(self) -> None:
        """Unmount, unless another rig (a `make run` beside the tests) still runs in the chroot."""
        if self.root is None or _processes_in(self.root):
            return
        for target in ("dev", "proc"):
            point = self.root / target
            if os.path.ismount(point):
                subprocess.run(["umount", str(point)], check=False)


def find_install() -> AsteriskInstall:
    named = os.environ.get("ACD_ASTERISK") or shutil.which("asterisk")
    if named:
        return AsteriskInstall(named)
    if (CHROOT / "usr/sbin/asterisk").exists():
        return AsteriskInstall("/usr/sbin/asterisk", CHROOT)
    raise RigMissing("no Asterisk: run `make test` or scripts/provision.sh to install one")


def owner_tag() -> str:
    """Goes into every instance path, so a later run can tell whether the owner is gone."""
    return f"owner{os.getpid()}"


def kill_strays() -> list[int]:
    """Kill rig Asterisks whose owning process is gone (a killed earlier run); their pids."""
    killed = []
    for pid, cmdline in _processes():
        if "asterisk" not in cmdline or MARKER not in cmdline or "-rx" in cmdline:
            continue
        match = re.search(r"-owner(\d+)-", cmdline)
        if match and Path(f"/proc/{match.group(1)}").exists():
            continue
        try:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        except ProcessLookupError:
            pass
    return killed


def _processes() -> list[tuple[int, str]]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) != os.getpid():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            found.append((int(proc.name), cmdline))
    return found


def _processes_in(root: Path) -> list[int]:
    """Pids of processes whose root directory is ``root``."""
    inside = []
    for pid, _ in _processes():
        try:
            if Path(os.readlink(f"/proc/{pid}/root")) == root:
                inside.append(pid)
        except OSError:
            continue
    return inside
