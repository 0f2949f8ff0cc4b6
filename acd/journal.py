"""Write-ahead for live routing: records reach the event log before their effects run.

The runtime task records what happened (``record``) and hands over what to do about it
(``then``); a writer task appends every pending record in one round trip and only then
runs the effects queued behind them, in order. State in memory changes at once (the log
can rebuild it); what touches the world (ringing, hanging up, redirecting) waits for the
log. While the log is down the effects wait, the writer retries, and ``/health`` says so.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from acd.event_log import EventLog, EventLogDown
from acd.records import Record, encode

log = logging.getLogger("acd.journal")

Effect = Callable[[], None]


class Journal:
    def __init__(
        self,
        event_log: EventLog,
        *,
        backoff_max: float = 5.0,
        on_record: Callable[[Record], None] | None = None,
    ) -> None:
        """``on_record``: told each record as it is recorded (to keep a projection current)."""
        self._log, self._on_record = event_log, on_record
        self._pending: list[str | Effect] = []
        self._writing = False
        self._unwritten = 0  # records the writer holds until the log takes them
        self._wakeup = asyncio.Event()
        self._backoff_max = backoff_max
        self.down_since: float | None = None
        self.written = 0

    def record(self, record: Record) -> None:
        self._pending.append(encode(record))
        if self._on_record is not None:
            self._on_record(record)
        self._wakeup.set()

    def then(self, effect: Effect) -> None:
        """Run ``effect`` once everything recorded so far is in the log (at once if it is)."""
        if self._pending or self._writing:
            self._pending.append(effect)
            self._wakeup.set()
        else:
            _run(effect)

    @property
    def backlog(self) -> int:
        return self._unwritten + sum(isinstance(item, str) for item in self._pending)

    def summary(self) -> dict[str, object]:
        return {
            "state": "down" if self.down_since is not None else "up",
            "written": self.written,
            "waiting_to_be_written": self.backlog,
        }

    async def run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                batch, self._pending = self._pending, []
                entries = [item for item in batch if isinstance(item, str)]
                self._writing, self._unwritten = True, len(entries)
                try:
                    await self._write(entries)
                finally:
                    self._writing, self._unwritten = False, 0
                for item in batch:
                    if not isinstance(item, str):
                        _run(item)

    async def _write(self, entries: list[str]) -> None:
        delay = 0.1
        while True:
            try:
                await self._log.append(entries)
            except EventLogDown as exc:
                if self.down_since is None:
                    self.down_since = time.monotonic()
                    log.error("event log down (%s): calls wait until it is back", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._backoff_max)
                continue
            if self.down_since is not None:
                log.warning("event log back after %.1f s", time.monotonic() - self.down_since)
                self.down_since = None
            self.written += len(entries)
            return


def _run(effect: Effect) -> None:
    try:
        effect()
    except Exception:
        log.exception("effect failed after its record was logged")
