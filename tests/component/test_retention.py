"""Recordings retention: files past their days are deleted, and the call records stop listing
them (a RecordingsDeleted record in the log says which); younger ones stay."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from acd.call_book import CallBook
from acd.call_log import CallLog
from acd.core import messages as m
from acd.event_log import MemoryEventLog
from acd.journal import Journal
from acd.records import Rang, RecordingsDeleted, decode
from acd.retention import DAY, Expired, delete_expired, keep_for

NOW = 1_800_000_000.0


def recording(directory: Path, name: str, days_old: float) -> Path:
    path = directory / name
    path.write_bytes(b"RIFF")
    os.utime(path, (NOW - days_old * DAY, NOW - days_old * DAY))
    return path


def test_only_recordings_past_their_days_are_deleted(tmp_path: Path) -> None:
    old = recording(tmp_path, "acd-1001-c1-1.wav", 91)
    young = recording(tmp_path, "acd-1001-c2-1.wav", 89)
    other = tmp_path / "notes.txt"
    other.write_text("not a recording")
    os.utime(other, (0, 0))
    assert delete_expired(tmp_path, NOW, 90) == ("acd-1001-c1-1.wav",)
    assert not old.exists() and young.exists() and other.exists()


async def test_the_sweep_tells_the_runtime_and_the_call_record_forgets_the_file(
    tmp_path: Path,
) -> None:
    recording(tmp_path, "acd-1001-c1-1.wav", 100)
    book, log = CallBook(), MemoryEventLog()
    journal = Journal(log, on_record=book.apply)
    call_log = CallLog(journal, book, {"1001": None}, lambda: NOW, lambda _: None)
    for record in (m.CallArrived(10.0, "c1", "tech"),
                   Rang(11.0, "c1", "1001", "acd-1001-c1-1", "acd-1001-c1-1.wav"),
                   m.Answered(12.0, "c1", "1001")):  # fmt: skip
        book.apply(record)
    assert book.get("c1").recordings == ("acd-1001-c1-1.wav",)  # type: ignore[union-attr]
    told: list[object] = []
    writer = asyncio.create_task(journal.run())
    sweep = asyncio.create_task(keep_for(tmp_path, 90, lambda: NOW, told.append))
    await asyncio.sleep(0.2)
    sweep.cancel()
    for what in told:
        call_log.apply(what)
    await asyncio.sleep(0.05)
    writer.cancel()
    assert told == [Expired(("acd-1001-c1-1.wav",))]
    assert book.get("c1").recordings == ()  # type: ignore[union-attr]
    assert [decode(e) for e in log.entries] == [RecordingsDeleted(NOW, ("acd-1001-c1-1.wav",))]


async def test_kept_forever_when_the_days_are_zero(tmp_path: Path) -> None:
    old = recording(tmp_path, "acd-1001-c1-1.wav", 10_000)
    await keep_for(tmp_path, 0, lambda: NOW, print)  # returns at once
    assert old.exists()
