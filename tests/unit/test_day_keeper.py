"""The day keeper folds agents' time into slots as it is logged; the day it keeps is the same
as the one a report would fold from every record."""

from __future__ import annotations

import datetime as dt

import pytest

from acd.config import Settings
from acd.day_keeper import DayKeeper
from acd.report import Period, agent_lines, lines
from acd.report_slots import agent_lines as slot_agent_lines
from acd.report_slots import queue_lines
from tests.unit.test_report_slots import same, two_days
from tests.unit.test_simulate_report import DAY, ZONE


@pytest.mark.parametrize("interval", [None, 30])
def test_the_kept_day_equals_the_records_day(interval: int | None) -> None:
    records, book = two_days()
    noon = (DAY + dt.timedelta(days=1, hours=12)).timestamp()
    keeper = DayKeeper(book, Settings(timezone="Asia/Shanghai"), lambda: noon)
    for record in records:
        keeper.apply(record)
    [first, *_] = [d for d in keeper.days() if d.start == DAY.timestamp()]
    slots = keeper.slots(first)
    step = dt.timedelta(minutes=interval) if interval else None
    period = Period(DAY, DAY + dt.timedelta(days=1), step, ZONE)
    same(list(queue_lines(slots, period)), list(lines(book.search(limit=10**9), period)))
    same(list(slot_agent_lines(slots, period)), list(agent_lines(records, period)))
    assert [d.start for d in keeper.days()][-1] == DAY.timestamp()  # today is not kept
