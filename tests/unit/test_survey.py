"""The daily quality list: the day's answered calls rated below the line, then the unrated,
each with agent, call type and recordings; well-rated and unanswered calls left out."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from acd.call_book import CallBook
from acd.core import messages as m
from acd.records import IvrFinished, Rang, Record
from acd.survey import follow_ups

ZONE = ZoneInfo("Asia/Shanghai")
DAY = dt.datetime(2026, 11, 24, tzinfo=ZONE).timestamp()


def answered(call: str, at: float, agent: str, rating: int | None) -> list[Record]:
    done: list[Record] = [
        IvrFinished(at - 30, call, "5551", "h@v1", "Queued"),
        m.CallArrived(at - 10, call, "tech"),
        Rang(at - 5, call, agent, f"acd-{agent}-{call}-1", f"acd-{agent}-{call}-1.wav"),
        m.Answered(at, call, agent), m.CallEnded(at + 60, call, "caller"),
    ]  # fmt: skip
    if rating is not None:
        done.append(IvrFinished(at + 80, call, "5551", "h@v1", "Rated", (), {},
                                {"rating": str(rating)}))  # fmt: skip
    return done


def test_dissatisfied_first_then_unrated_with_their_recordings() -> None:
    book = CallBook()
    calls = [("happy", 3600, "1001", 5), ("meh", 7200, "1001", 3), ("angry", 9000, "1002", 1),
             ("silent", 5000, "1002", None), ("yesterday", -600, "1001", 1)]  # fmt: skip
    for call, after, agent, rating in calls:
        for record in answered(call, DAY + after, agent, rating):
            book.apply(record)
    book.apply(m.CallArrived(DAY + 100, "gone", "tech"))
    book.apply(m.CallAbandoned(DAY + 130, "gone"))
    found = follow_ups(book.search(limit=100), DAY, DAY + 86_400, ZONE)
    assert [(f["call"], f["why"], f["rating"], f["agent"]) for f in found] == [
        ("angry", "dissatisfied", 1, "1002"), ("silent", "unrated", None, "1002")]  # fmt: skip
    assert found[0]["recordings"] == ["acd-1002-angry-1.wav"]
    assert found[0]["answered"] == "2026-11-24T02:30:00+08:00"
    strict = follow_ups(book.search(limit=100), DAY, DAY + 86_400, ZONE, below=4)
    assert [f["call"] for f in strict] == ["meh", "angry", "silent"]
