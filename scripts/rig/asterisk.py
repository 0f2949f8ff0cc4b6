"""One Asterisk instance of the rig: its own config, directories and ports."""

from __future__ import annotations

import contextlib
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from acd.asterisk_conf import render_dir
from rig.install import MARKER, AsteriskInstall, owner_tag
from rig.ports import free_port, rtp_range

_DIRS = ("etc", "run", "log", "spool", "db", "cache")


@dataclass(frozen=True, slots=True)
class Ports:
    ami: int
    sip: int
    http: int
    rtp: tuple[int, int]
    https: int = 0

    @classmethod
    def free(cls) -> Ports:
        return cls(ami=free_port(), sip=free_port(), http=free_port(), rtp=rtp_range(),
                   https=free_port())  # fmt: skip


@dataclass(slots=True)
class Asterisk:
    """Render ``templates`` with ``values`` (plus the ports), then start and stop Asterisk."""

    install: AsteriskInstall
    name: str
    templates: Path
    values: Mapping[str, str]
    ports: Ports = field(default_factory=Ports.free)
    extra: Mapping[str, str] = field(default_factory=dict)
    """More files for its etc directory (e.g. ``pjsip_agents.conf``)."""
    inner: PurePosixPath = field(init=False)
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.inner = PurePosixPath(MARKER) / f"{self.name}-{owner_tag()}-{secrets.token_hex(4)}"

    @property
    def home(self) -> Path:
        return self.install.host_path(self.inner)

    @property
    def conf(self) -> str:
        return str(self.inner / "etc" / "asterisk.conf")

    def render(self) -> None:
        for sub in _DIRS:
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        values = {
            **self.values,
            "AMI_PORT": str(self.ports.ami),
            "SIP_PORT": str(self.ports.sip),
            "HTTP_PORT": str(self.ports.http),
            "HTTPS_PORT": str(self.ports.https),
            "RTP_START": str(self.ports.rtp[0]),
            "RTP_END": str(self.ports.rtp[1]),
        }
        render_dir(self.home / "etc", values, self.templates)
        for name, text in self.extra.items():
            (self.home / "etc" / name).write_text(text)
        dirs = "\n".join(f"ast{d}dir => {self.inner / d}" for d in _DIRS)
        (self.home / "etc" / "asterisk.conf").write_text(f"[directories]\n{dirs}\n\n[options]\n")

    def start(self, timeout: float = 30.0) -> None:
        if not (self.home / "etc" / "asterisk.conf").exists():
            self.render()
        log = (self.home / "log" / "console.log").open("ab")
        self.process = subprocess.Popen(
            self.install.command("-C", self.conf, "-f", "-n"),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self._wait_for_ami(timeout)
        self.cli("core waitfullybooted", timeout=timeout)

    def cli(self, command: str, timeout: float = 10.0) -> str:
        done = subprocess.run(
            self.install.command("-C", self.conf, "-rx", command),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
        return done.stdout

    def stop(self, timeout: float = 10.0) -> None:
        """Stop cleanly (``core stop now``), kill if it will not go."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.cli("core stop now", timeout=timeout)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)

    def console_log(self) -> str:
        path = self.home / "log" / "console.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _wait_for_ami(self, timeout: float) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} Asterisk exited:\n{self.console_log()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.ports.ami), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError(
            f"{self.name} Asterisk AMI not up in {timeout} s:\n{self.console_log()[-3000:]}"
        )


def ami_secret() -> str:
    return secrets.token_urlsafe(18)
