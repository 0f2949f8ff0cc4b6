"""AMI actions that go out once what caused them is in the event log (ADR 0004), each in a
task of its own: a failure is logged (or told), never raised into routing. While the log is
replayed nothing goes out: it went when it was logged, and reconciling repairs the rest."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from acd.adapters.ami.client import AmiClient, AmiError
from acd.journal import Journal

log = logging.getLogger("acd.routing")

Action = dict[str, str]


class Outbox:
    def __init__(self, ami: AmiClient, journal: Journal) -> None:
        self._ami, self._journal = ami, journal
        self._tasks: set[asyncio.Task[Any]] = set()
        self.replaying = False

    def send(self, action: Action) -> None:
        if not self.replaying:
            self._journal.then(lambda: self.spawn(self._action(action)))

    def send_in_order(self, sequence: list[Action], failed: Callable[[str], object]) -> None:
        """Actions that must run one after the other; ``failed`` is told why one failed
        (the rest are not sent)."""
        if not self.replaying:
            self._journal.then(lambda: self.spawn(self._in_order(sequence, failed)))

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _action(self, action: Action) -> None:
        try:
            await self._ami.send_action(action)
        except (AmiError, TimeoutError) as exc:
            log.error("AMI %s failed: %s", action["Action"], exc or "timeout")

    async def _in_order(self, sequence: list[Action], failed: Callable[[str], object]) -> None:
        for action in sequence:
            try:
                await self._ami.send_action(action)
            except (AmiError, TimeoutError) as exc:
                log.error("AMI %s failed: %s", action["Action"], exc or "timeout")
                failed(f"{action['Action']}: {exc or 'timeout'}")
                return
