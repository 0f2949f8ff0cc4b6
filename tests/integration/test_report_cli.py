"""``acd report`` over a real Redis event log: the figures a supervisor would work out by
hand from the same calls, as a table, CSV or JSON."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rig.redis import RedisServer

from acd.adapters.redis.event_log import RedisEventLog
from acd.cli import main
from acd.core import messages as m
from acd.records import IvrFinished, Record, encode

T = dt.datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()


async def write_day(url: str, site: str) -> None:
    log = RedisEventLog(url, site=site)
    records: list[Record] = [
        IvrFinished(T + 50, "c1", "5551", "h@v1", "Queued"), m.CallArrived(T + 60, "c1", "tech"),
        m.Answered(T + 65, "c1", "1001"), m.CallEnded(T + 200, "c1"),
        IvrFinished(T + 220, "c1", "5551", "h@v1", "Rated", detail={"rating": "2"}),
        m.CallArrived(T + 1000, "c2", "tech"), m.CallAbandoned(T + 1030, "c2"),
        m.CallArrived(T + 2000, "c3", "tech"), m.Answered(T + 2030, "c3", "1001"),
        *[m.AgentChanged("1001", state, "", T + after) for state, after in (
            ("ready", 0), ("on_call", 65), ("wrap_up", 200), ("ready", 230),
            ("on_call", 2030), ("wrap_up", 2100), ("ready", 2110))],
    ]  # fmt: skip
    await log.append([encode(r) for r in records])
    await log.close()


@pytest.fixture
def site(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> str:
    name = f"report-{uuid.uuid4().hex[:8]}"
    asyncio.run(write_day(redis_server.url, name))
    monkeypatch.setenv("ACD_REDIS_URL", redis_server.url)
    monkeypatch.setenv("ACD_SITE", name)
    monkeypatch.setenv("ACD_TIMEZONE", "Asia/Shanghai")
    return name


def test_the_report_as_csv_per_half_hour(site: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--from", "2026-11-24", "--interval", "30m", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["interval"], r["offered"], r["answered"], r["abandoned"]) for r in rows] == [
        ("2026-11-24T09:00+08:00", "2", "1", "1"),
        ("2026-11-24T09:30+08:00", "1", "1", "0"),
        ("total", "3", "2", "1"),
    ]
    assert rows[-1]["service_level_20s"] == "0.3333" and rows[-1]["asa_s"] == "17.5"


def test_the_report_as_json_and_as_a_table(site: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--from", "2026-11-24T09:00", "--to", "2026-11-24T09:30",
                 "--format", "json"]) == 0  # fmt: skip
    [total] = json.loads(capsys.readouterr().out)
    assert (total["offered"], total["answer_rate"], total["avg_abandon_wait_s"]) == (2, 0.5, 30.0)
    assert main(["report", "--from", "2026-11-25"]) == 0
    assert "(nothing in this period)" in capsys.readouterr().out


def test_a_backwards_period_is_refused(site: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--from", "2026-11-24", "--to", "2026-11-23"]) == 2
    assert "--to must come after --from" in capsys.readouterr().err


def test_the_agents_figures(site: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--from", "2026-11-24T09:00", "--to", "2026-11-24T10:00",
                 "--by", "agent", "--format", "json"]) == 0  # fmt: skip
    [agent] = json.loads(capsys.readouterr().out)
    assert (agent["agent"], agent["answered"], agent["talk_s"], agent["wrap_up_s"]) == (
        "1001", 2, 205.0, 40.0)  # fmt: skip
    assert (agent["aht_s"], agent["logged_in_s"], agent["not_ready_rate"]) == (122.5, 3600.0, 0.0)


def test_the_days_quality_list(site: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["survey", "--day", "2026-11-24", "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [(f["call"], f["why"], f["rating"]) for f in found] == [
        ("c1", "dissatisfied", 2), ("c3", "unrated", None)]  # fmt: skip
    assert main(["survey", "--day", "2026-11-24", "--below", "2"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["why", "rating", "answered"] and len(table) == 2  # c3 only


def test_a_day_long_over_is_kept_and_reported_from_its_slots(
    site: str, redis_server: RedisServer, capsys: pytest.CaptureFixture[str]
) -> None:
    later = [m.AgentChanged("1001", "logged_out", "", T + 86_400)]  # the log moved on a day
    asyncio.run(append(redis_server.url, site, later))
    report = ["report", "--from", "2026-11-24", "--interval", "30m", "--format", "json"]
    assert main(report) == 0
    first = capsys.readouterr()
    assert "reading the event log [" in first.err and "100%" in first.err  # the progress bar
    late_call: list[Record] = [m.CallArrived(T + 3000, "c9", "tech"),
                               m.Answered(T + 3001, "c9", "1001")]  # fmt: skip
    asyncio.run(append(redis_server.url, site, late_call))  # not in what was kept
    assert main(report) == 0
    second = capsys.readouterr()
    assert second.out == first.out and second.err == ""  # from the kept slots, no reading
    assert main([*report[:-2], "--by", "agent", "--format", "json"]) == 0
    agents = json.loads(capsys.readouterr().out)
    assert agents[-1]["agent"] == "1001" and agents[-1]["answered"] == 2
    assert main(["report", "--from", "2026-11-24T09:10", "--to", "2026-11-24T11:00",
                 "--format", "json", "--quiet"]) == 0  # fmt: skip
    [total] = json.loads(capsys.readouterr().out)  # odd edges: from the records, c9 in
    assert total["offered"] == 3 and total["answered"] == 2


async def append(url: str, site: str, records: Sequence[Record]) -> None:
    log = RedisEventLog(url, site=site)
    await log.append([encode(r) for r in records])
    await log.close()


def test_the_chart_shows_the_reports_figures(
    site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    svg = tmp_path / "day.svg"
    assert main(["report", "--from", "2026-11-24T09:00", "--to", "2026-11-24T10:00",
                 "--interval", "30m", "--chart", str(svg), "--quiet"]) == 0  # fmt: skip
    root = ET.parse(svg).getroot()
    shown = {(e.get("class"), e.get("data-interval")): e.get("data-value")
             for e in root.iter() if e.get("data-interval")}  # fmt: skip
    first, second = "2026-11-24T09:00+08:00", "2026-11-24T09:30+08:00"
    assert shown[("offered", first)] == "2" and shown[("answered", first)] == "1"
    assert shown[("offered", second)] == "1" and shown[("answered", second)] == "1"
    assert shown[("service_level", first)] == "0.5"  # c1 within 20 s; c2 abandoned
    assert shown[("agents", first)] == "1" and shown[("agents", second)] == "1"
    assert root.find("{http://www.w3.org/2000/svg}title") is not None
    assert main(["report", "--from", "2026-11-24T09:10", "--chart", str(svg)]) == 2
    assert "15-minute edges" in capsys.readouterr().err
