"""``acd run`` as a subprocess on the rig, for the system tests: started, stopped, killed."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rig.ports import free_port
from rig.session import Rig

ACD = str(Path(sys.executable).with_name("acd"))
REPO = Path(__file__).resolve().parents[2]


class AcdServer:
    """One acd on the rig with its own event log (a site of its own in the rig's Redis).

    Its clock starts at ``clock`` and keeps running across restarts, as a real one would.
    """

    def __init__(
        self, rig: Rig, flows: Path, clock: str, log_file: Path, routing: Path | None = None
    ) -> None:
        self.http_port = free_port()
        self.log_file = log_file
        self._began = time.monotonic()
        self._clock = dt.datetime.fromisoformat(clock)
        self._env = {
            **os.environ,
            **rig.acd_env(),
            "ACD_HTTP_PORT": str(self.http_port),
            "ACD_FLOWS_DIR": str(flows),
            "ACD_FLOWS_POLL": "0.2",
            "ACD_ROUTING": str(routing or REPO / "routing.yaml"),
            "ACD_DIRECTORY": str(REPO / "samples" / "customers.json"),
            "ACD_SITE": f"test-{uuid.uuid4().hex[:12]}",
        }
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        now = self._clock + dt.timedelta(seconds=time.monotonic() - self._began)
        env = {**self._env, "ACD_CLOCK_START": now.isoformat()}
        with self.log_file.open("a") as log:
            # setpriv (util-linux) execs acd asking for SIGTERM when the test process dies,
            # even by abort, so no acd outlives a crashed run
            command = ["setpriv", "--pdeathsig", "TERM", ACD, "run"]
            self._process = subprocess.Popen(command, env=env, stderr=log)
        health(self.http_port, wait=True)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``acd ARGS`` with this server's settings (its event log among them)."""
        return subprocess.run([ACD, *args], env=self._env, capture_output=True, text=True,
                              timeout=60, check=False)  # fmt: skip

    def kill(self) -> None:
        """``kill -9``: no clean-up of any kind."""
        assert self._process is not None
        self._process.kill()
        self._process.wait()
        self._process = None

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.send_signal(signal.SIGINT)
        try:
            self._process.wait(15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None


@contextmanager
def acd_running(
    rig: Rig, flows: Path, clock: str, log_file: Path, routing: Path | None = None
) -> Iterator[int]:
    """``acd run`` on the rig with ``flows`` and its clock at ``clock``; yields the HTTP port."""
    log_file.write_text("")
    server = AcdServer(rig, flows, clock, log_file, routing)
    server.start()
    try:
        yield server.http_port
    finally:
        server.stop()


def health(port: int, *, wait: bool = False) -> dict[str, Any]:
    end = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as reply:
                body: dict[str, Any] = json.load(reply)
                return body
        except (OSError, urllib.error.HTTPError):
            if not wait or time.monotonic() > end:
                raise
        time.sleep(0.1)
