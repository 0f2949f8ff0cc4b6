"""The daily quality list: answered calls whose caller was dissatisfied (a survey rating below
``below``) or did not rate, with their recordings to listen to (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from acd.call_book import CallRow

DISSATISFIED_BELOW = 3
"""On the sample survey's 1-5 scale, 1 and 2 are dissatisfied."""


def follow_ups(rows: Iterable[CallRow], start: float, end: float, zone: ZoneInfo,
               below: int = DISSATISFIED_BELOW) -> list[dict[str, object]]:  # fmt: skip
    """Calls answered in ``[start, end)`` rated below ``below`` or not rated, oldest first:
    dissatisfied ones before unrated ones."""
    found: list[dict[str, object]] = []
    for row in rows:
        if row.answered is None or not start <= row.answered < end:
            continue
        if row.rating is not None and row.rating >= below:
            continue
        found.append({
            "call": row.id, "why": "unrated" if row.rating is None else "dissatisfied",
            "rating": row.rating,
            "answered": dt.datetime.fromtimestamp(row.answered, zone).isoformat(timespec="seconds"),
            "agent": row.agent, "call_type": row.call_type, "number": row.number,
            "disposition": row.disposition, "recordings": list(row.recordings),
        })  # fmt: skip
    return sorted(found, key=lambda f: (f["why"] != "dissatisfied", str(f["answered"])))
