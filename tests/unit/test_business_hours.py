"""Business hours: open or not, when next open, and the close of the n-th business day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from acd.business_hours import BusinessHours

ZONE = ZoneInfo("Asia/Shanghai")
HOURS = BusinessHours.parse("mon-fri 09:00-18:00", ZONE)


def at(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZONE).timestamp()


def test_open_on_weekdays_in_hours_only() -> None:
    assert HOURS.is_open(at("2026-11-24T09:00"))  # a Tuesday
    assert not HOURS.is_open(at("2026-11-24T18:00")) and not HOURS.is_open(at("2026-11-24T08:59"))
    assert not HOURS.is_open(at("2026-11-28T10:00"))  # Saturday


def test_next_open_is_never_at_night_or_at_the_weekend() -> None:
    assert HOURS.next_open(at("2026-11-24T10:00")) == at("2026-11-24T10:00")
    assert HOURS.next_open(at("2026-11-24T22:00")) == at("2026-11-25T09:00")
    assert HOURS.next_open(at("2026-11-27T19:00")) == at("2026-11-30T09:00")  # Fri -> Mon
    assert HOURS.next_open(at("2026-11-24T07:00")) == at("2026-11-24T09:00")


def test_due_by_the_close_of_the_third_business_day() -> None:
    assert HOURS.close_of_day(at("2026-11-24T15:00"), 3) == at("2026-11-27T18:00")  # Tue -> Fri
    assert HOURS.close_of_day(at("2026-11-26T15:00"), 3) == at("2026-12-01T18:00")  # Thu -> Tue
    assert HOURS.close_of_day(at("2026-11-28T12:00"), 1) == at("2026-11-30T18:00")  # Sat -> Mon


@pytest.mark.parametrize("text", ["weekdays", "mon-fri 18:00-09:00", "mon-fri 25:00-26:00",
                                  "xyz 09:00-18:00"])  # fmt: skip
def test_bad_hours_say_what_is_wrong(text: str) -> None:
    with pytest.raises(ValueError, match=r"business hours|no such time"):
        BusinessHours.parse(text, ZONE)


def test_a_range_may_wrap_around_the_week() -> None:
    weekend = BusinessHours.parse("sat-sun 10:00-16:00", ZONE)
    assert weekend.days == {5, 6}
    assert BusinessHours.parse("fri-mon 10:00-16:00", ZONE).days == {4, 5, 6, 0}
