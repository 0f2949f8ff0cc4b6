"""Versioned publication of ``ivr_flows/``: lint first, swap atomically, log every version.

A new set of files is published only when every file passes the linter; otherwise the
problems are logged and the calls keep the version that was live. Each call holds the
``Catalog`` it entered with, so a publish never changes a caller's menu mid-call.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from pathlib import Path

from acd.ivr.catalog import Catalog
from acd.ivr.lint import check, flow_files
from acd.ivr.loader import Problem
from acd.routing_policy import load_policy

log = logging.getLogger("acd.ivr")

KEEP_VERSIONS = 20
"""Versions kept for calls that come back to a flow (survey, max wait) after a publish."""


def fingerprint(paths: list[Path]) -> str:
    """Content hash of the flow files (and the policy), order-independent of the listing."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.name).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0unreadable")
    return digest.hexdigest()[:12]


class FlowPublisher:
    def __init__(self, flows: Path, *, policy: Path, sounds: Path | None) -> None:
        self.flows, self.policy, self.sounds = flows, policy, sounds
        self.current: Catalog | None = None
        self.published = 0
        self._recent: OrderedDict[str, Catalog] = OrderedDict()
        self._seen = ""

    def refresh(self) -> list[Problem]:
        """Publish the files if they changed and pass the linter; the problems otherwise."""
        files = flow_files([self.flows])
        stamp = fingerprint([*files, self.policy])
        if stamp == self._seen:
            return []
        self._seen = stamp
        policy, problems = load_policy(self.policy)
        checked = check(files, sounds=self.sounds, policy=policy)
        problems += checked.problems
        if problems:
            live = self.current.version if self.current else "none"
            log.error("flows not published, version %s stays live:", live)
            for problem in problems:
                log.error("  %s", problem)
            return problems
        self.published += 1
        self.current = Catalog(f"v{self.published}-{stamp}", checked.flows)
        self._recent[self.current.version] = self.current
        while len(self._recent) > KEEP_VERSIONS:
            self._recent.popitem(last=False)
        log.info("published flows %s: %s", self.current.version, ", ".join(sorted(checked.flows)))
        return []

    def catalog(self, version: str | None = None) -> Catalog | None:
        """The catalog published as ``version`` if still kept, else the live one."""
        return self._recent.get(version or "", self.current)

    async def watch(self, interval: float = 1.0) -> None:
        """Re-check the directory every ``interval`` seconds until cancelled."""
        while True:
            await asyncio.sleep(interval)
            await asyncio.to_thread(self.refresh)
