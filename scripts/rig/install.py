"""Where Asterisk is: ``$ACD_ASTERISK``, ``asterisk`` on PATH, or the sid chroot under ``.rig/``."""

from __future__ import annotations

import os
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
        if self.root is None:
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


def kill_strays() -> list[int]:
    """Kill rig Asterisks left by an earlier run that was killed; returns their pids."""
    killed = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "asterisk" in cmdline and MARKER in cmdline and "-rx" not in cmdline:
            try:
                os.kill(int(proc.name), signal.SIGKILL)
                killed.append(int(proc.name))
            except ProcessLookupError:
                pass
    return killed
