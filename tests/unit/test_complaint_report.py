"""The complaints report: per day and category, escalations, resolutions and hours taken,
follow-ups (within three business days or not) and their outcomes, what is still open; the
same from `acd complaints` over the records."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from acd.business_hours import BusinessHours
from acd.cli import main
from acd.complaint_report import complaint_lines
from acd.records import encode
from acd.report import Period
from tests.unit.test_tickets import AGENT, LEAD, ZONE, Desk

DAY = dt.datetime(2026, 11, 24, tzinfo=ZONE)


def a_day_of_complaints() -> Desk:
    """Three billing complaints and one about service, opened Tuesday 15:00: one resolved in
    two hours and followed up next day (satisfied), one resolved and followed up a week
    later (late), one escalated and still open; the service one untouched."""
    desk = Desk()
    quick, late, open_ = desk.open(), desk.open(), desk.open()
    desk.open(category="service")
    desk.now += 7200
    desk.tickets.change(AGENT, quick, "resolve", {"note": "refunded"})
    desk.tickets.change(AGENT, late, "resolve", {"note": "refunded"})
    desk.tickets.change(AGENT, open_, "escalate", {"to": "1900", "note": "needs a lead"})
    desk.now += 86_400
    desk.tickets.change(LEAD, quick, "follow_up", {"outcome": "satisfied"})
    desk.now += 6 * 86_400
    desk.tickets.change(LEAD, late, "follow_up", {"outcome": "not_satisfied"})
    return desk


def test_the_figures_of_a_day() -> None:
    desk = a_day_of_complaints()
    period = Period(DAY, DAY + dt.timedelta(days=1), None, ZONE)
    hours = BusinessHours.parse("mon-fri 09:00-18:00", ZONE)
    lines = list(complaint_lines(desk.book.search(), period, hours))
    by = {(line["day"], line["category"]): line for line in lines}
    billing = by["2026-11-24", "billing"]
    assert (billing["opened"], billing["escalated"], billing["resolved"]) == (3, 1, 2)
    assert billing["avg_hours_to_resolve"] == 2.0
    assert (billing["followed_up"], billing["followed_up_in_time"]) == (2, 1)
    assert (billing["satisfied"], billing["not_satisfied"], billing["unreachable"]) == (1, 1, 0)
    assert billing["still_open"] == 1
    assert by["total", "service"]["opened"] == 1 and by["total", "service"]["still_open"] == 1
    assert by["total", "billing"] == {**billing, "day": "total"}


def test_acd_complaints_over_the_records(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("ACD_TIMEZONE", "Asia/Shanghai")
    log = tmp_path / "records.jsonl"
    log.write_text("".join(encode(r) + "\n" for r in a_day_of_complaints().logged))
    assert main(["complaints", "--from", "2026-11-24", "--log", str(log),
                 "--format", "json"]) == 0  # fmt: skip
    lines = json.loads(capsys.readouterr().out)
    assert [(x["day"], x["category"], x["opened"]) for x in lines] == [
        ("2026-11-24", "billing", 3), ("2026-11-24", "service", 1),
        ("total", "billing", 3), ("total", "service", 1)]  # fmt: skip
