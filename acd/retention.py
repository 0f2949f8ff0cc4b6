"""Recordings are kept ``ACD_RECORDINGS_KEEP_DAYS`` days, then deleted: the files, and their
place in the call records (a ``RecordingsDeleted`` record in the event log says which)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("acd.retention")

SWEEP_EVERY = 3600.0
DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class Expired:
    """Recordings deleted (their file names): for the runtime to log."""

    files: tuple[str, ...]


def delete_expired(directory: Path, now: float, keep_days: float) -> tuple[str, ...]:
    """Delete the recordings last written more than ``keep_days`` ago; their names."""
    deleted = []
    for path in sorted(directory.glob("*.wav")):
        try:
            if path.stat().st_mtime < now - keep_days * DAY:
                path.unlink()
                deleted.append(path.name)
        except FileNotFoundError:
            continue
    return tuple(deleted)


async def keep_for(directory: Path, keep_days: float, clock: Callable[[], float],
                   submit: Callable[[Any], None]) -> None:  # fmt: skip
    """Sweep every hour; tell the runtime what went (``keep_days`` 0: keep forever)."""
    if keep_days <= 0:
        return
    while True:
        try:
            gone = await asyncio.to_thread(delete_expired, directory, clock(), keep_days)
        except OSError as exc:
            log.error("recordings retention: %s", exc)
            gone = ()
        if gone:
            log.info("recordings retention: %d deleted (older than %g days)", len(gone),
                     keep_days)  # fmt: skip
            submit(Expired(gone))
        await asyncio.sleep(SWEEP_EVERY)
