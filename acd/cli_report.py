"""``acd report``: queue figures per interval and call type, from the event log."""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from acd.adapters.redis.event_log import RedisEventLog
from acd.agents_file import load_agent_specs
from acd.business_hours import BusinessHours
from acd.call_book import CallBook
from acd.cli_calls import read_records
from acd.complaint_report import COMPLAINT_COLUMNS, complaint_lines
from acd.config import Settings
from acd.event_log import EventLogDown
from acd.records import BadRecord, decode
from acd.report import AGENT_COLUMNS, COLUMNS, Period, agent_lines, lines
from acd.report_chart import chart
from acd.report_days import Day, aligned, keep_slots, stored_slots, whole_days
from acd.report_slots import Slots, chart_data, fold, queue_lines
from acd.report_slots import agent_lines as slot_agent_lines
from acd.survey import DISSATISFIED_BELOW, follow_ups
from acd.ticket_book import TicketBook

EXIT_CONFIG = 2
BAR = 40
READ_TIMEOUT = 60.0
SURVEY_COLUMNS = ("why", "rating", "answered", "call", "agent", "call_type", "number",
                  "disposition", "recordings")  # fmt: skip
INTERVAL = re.compile(r"(\d+)\s*(m|min|h)")


def add_commands(commands: Any) -> None:
    report = commands.add_parser(
        "report", help="offered, answered, abandoned, service level, ASA per interval",
        description="Queue figures per call type, per interval and for the whole period, from "
        "the event log (docs/kpis.md defines each). Times are in ACD_TIMEZONE.",
    )  # fmt: skip
    report.add_argument("--from", dest="start", required=True, type=_when,
                        help="first day or instant: 2026-11-24, 2026-11-24T08:00")  # fmt: skip
    report.add_argument("--to", dest="end", type=_when,
                        help="end (excluded; default: a day after --from)")  # fmt: skip
    report.add_argument("--interval", type=_interval,
                        help="15m, 30m, 60m...; default: the period as a whole")  # fmt: skip
    report.add_argument("--by", choices=("call_type", "agent", "team"), default="call_type",
                        help="one line per call type (queue figures) or agent or team")  # fmt: skip
    report.add_argument("--format", choices=("table", "csv", "json"), default="table")
    report.add_argument("--quiet", action="store_true", help="no progress bar")
    report.add_argument("--chart", type=Path, help="also draw offered, answered, service "
                        "level and agents logged in per interval into this SVG file")  # fmt: skip
    report.add_argument("--log", type=Path,
                        help="read records from this file (JSON lines, e.g. `acd simulate "
                        "--log`) instead of the event log")  # fmt: skip
    report.set_defaults(func=_report)

    complaints = commands.add_parser(
        "complaints", help="complaints per day and category: escalated, resolved, followed up",
        description="Complaint tickets opened in the period, per day and category: escalated, "
        "resolved and the hours it took, followed up and within ACD_FOLLOW_UP_DAYS business "
        "days (ACD_BUSINESS_HOURS), the customers' answers, still open (ACD_TIMEZONE).",
    )  # fmt: skip
    complaints.add_argument("--from", dest="start", required=True, type=_when)
    complaints.add_argument("--to", dest="end", type=_when, help="default: a day after --from")
    complaints.add_argument("--format", choices=("table", "csv", "json"), default="table")
    complaints.add_argument("--log", type=Path, help="records from this file (JSON lines)")
    complaints.set_defaults(func=_complaints)

    survey = commands.add_parser(
        "survey", help="the day's quality list: dissatisfied and unrated calls, recordings",
        description="Answered calls of a day whose caller rated them below --below on the "
        "post-call survey, then those not rated, with their recordings (ACD_TIMEZONE).",
    )  # fmt: skip
    survey.add_argument("--day", required=True, type=_when, help="e.g. 2026-11-24")
    survey.add_argument("--below", type=int, default=DISSATISFIED_BELOW,
                        help="dissatisfied: a rating below this (default %(default)s)")  # fmt: skip
    survey.add_argument("--format", choices=("table", "csv", "json"), default="table")
    survey.set_defaults(func=_survey)


def _when(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date or date-time: {text!r}") from None


def _interval(text: str) -> dt.timedelta:
    found = INTERVAL.fullmatch(text.strip())
    if found is None or int(found[1]) == 0:
        raise argparse.ArgumentTypeError(f"an interval like 15m, 30m or 1h, not {text!r}")
    return dt.timedelta(minutes=int(found[1]) * (60 if found[2] == "h" else 1))


def _report(settings: Settings, args: argparse.Namespace) -> int:
    zone = ZoneInfo(settings.timezone)
    start = args.start if args.start.tzinfo else args.start.replace(tzinfo=zone)
    end = args.end or start + dt.timedelta(days=1)
    end = end if end.tzinfo else end.replace(tzinfo=zone)
    if end <= start:
        print("acd: --to must come after --from", file=sys.stderr)
        return EXIT_CONFIG
    specs, problems = load_agent_specs(settings.agents)
    if args.by == "team" and specs is None:
        print("\n".join(map(str, problems)), file=sys.stderr)
        return EXIT_CONFIG
    teams = {a.id: a.team for a in specs or []} if args.by == "team" else None
    period = Period(start, end, args.interval, zone)
    if args.chart and not aligned(period):
        print("acd: a chart needs --from, --to and --interval on 15-minute edges", file=sys.stderr)
        return EXIT_CONFIG
    days = None if args.log else whole_days(period)
    try:
        slots = asyncio.run(stored_slots(settings, days)) if days else None
        found = _from_records(settings, args, period, days, teams) if slots is None else slots
    except (EventLogDown, OSError, BadRecord) as exc:
        print(f"acd: cannot read the records: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    if isinstance(found, Slots):  # on slots: add them up
        if args.chart:
            title = f"{period.label(start.timestamp())} to {period.label(end.timestamp())}"
            args.chart.write_text(chart(title, *chart_data(found, period)))
        found = (list(queue_lines(found, period)) if args.by == "call_type"
                 else list(slot_agent_lines(found, period, teams)))  # fmt: skip
    _print(found, COLUMNS if args.by == "call_type" else AGENT_COLUMNS, args.format)
    return 0


def _from_records(settings: Settings, args: argparse.Namespace, period: Period,
                  days: list[Day] | None, teams: dict[str, str | None] | None
                  ) -> list[dict[str, object]] | Slots:  # fmt: skip
    """The report's slots from every record (a progress bar while reading), and the whole
    days of the period that are over kept for the next report; lines, if the period's
    edges are not on slots."""
    bar = None if args.quiet or args.log else _bar
    records = _from_file(args.log) if args.log else asyncio.run(_records(settings, bar))
    if bar is not None:
        print(file=sys.stderr)
    book = CallBook()
    for record in records:
        book.apply(record)
    start, end = period.start.timestamp(), period.end.timestamp()
    rows = book.search(since=start - 86_400, until=end, limit=10**9)
    if not aligned(period):  # odd edges: straight from the records
        if args.by == "call_type":
            return list(lines(rows, period, settings.short_abandon_s))
        return list(agent_lines(records, period, teams))
    slots = fold(rows, records, start, end, settings.short_abandon_s)
    if days and records:
        asyncio.run(keep_slots(settings, days, slots, rows, records[-1].at))
    return slots


def _complaints(settings: Settings, args: argparse.Namespace) -> int:
    zone = ZoneInfo(settings.timezone)
    start = args.start if args.start.tzinfo else args.start.replace(tzinfo=zone)
    end = args.end or start + dt.timedelta(days=1)
    end = end if end.tzinfo else end.replace(tzinfo=zone)
    try:
        records = _from_file(args.log) if args.log else asyncio.run(_records(settings))
    except (EventLogDown, OSError, BadRecord) as exc:
        print(f"acd: cannot read the records: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    book = TicketBook()
    for record in records:
        book.apply(record)
    hours = BusinessHours.parse(settings.business_hours, zone)
    found = complaint_lines(book.search(), Period(start, end, None, zone), hours,
                            settings.follow_up_days)  # fmt: skip
    _print(list(found), COMPLAINT_COLUMNS, args.format)
    return 0


def _survey(settings: Settings, args: argparse.Namespace) -> int:
    zone = ZoneInfo(settings.timezone)
    start = args.day if args.day.tzinfo else args.day.replace(tzinfo=zone)
    try:
        records = asyncio.run(_records(settings))
    except EventLogDown as exc:
        print(f"acd: cannot read the event log: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    book = CallBook()
    for record in records:
        book.apply(record)
    end = start + dt.timedelta(days=1)
    rows = book.search(since=start.timestamp() - 86_400, until=end.timestamp(), limit=10**9)
    found = follow_ups(rows, start.timestamp(), end.timestamp(), zone, args.below)
    if args.format != "json":  # one cell: the files, space-separated
        for line in found:
            files = line["recordings"]
            line["recordings"] = " ".join(files) if isinstance(files, list) else files
    _print(found, SURVEY_COLUMNS, args.format)
    return 0


def _from_file(path: Path) -> list[Any]:
    with path.open() as lines:
        return [decode(line) for line in lines if line.strip()]


async def _records(settings: Settings, bar: Callable[[float], None] | None = None
                   ) -> list[Any]:  # fmt: skip
    # a report reads millions of entries: a slow moment of Redis (a snapshot's fork) is no error
    event_log = RedisEventLog(settings.redis_url, site=settings.site, timeout=READ_TIMEOUT)
    try:
        total = await event_log.length() if bar is not None else 0
        told = (lambda done: bar(done / total)) if bar is not None and total else None
        return await read_records(event_log, told)
    finally:
        await event_log.close()


def _bar(done: float) -> None:
    filled = int(done * BAR)
    print(f"\rreading the event log [{'#' * filled}{'.' * (BAR - filled)}] {done:4.0%}",
          end="", file=sys.stderr)  # fmt: skip


def _print(found: list[dict[str, object]], columns: tuple[str, ...], form: str) -> None:
    if form == "json":
        print(json.dumps(found, indent=1, ensure_ascii=False))
    elif form == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(found)
    else:
        cells = [[_cell(line[c]) for c in columns] for line in found]
        widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
        for row in [list(columns), *cells]:
            print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
        if not found:
            print("(nothing in this period)")


def _cell(value: object) -> str:
    return "-" if value is None else f"{value:.3g}" if isinstance(value, float) else str(value)
