"""Reports over REST, for supervisors and admins: ``GET /reports`` (the lines of
``acd report``) and ``GET /reports/chart`` (its SVG).

Each request runs ``acd report`` as a child process with acd's own settings: a month of
records may take a while to fold, and that work stays off the event loop that routes calls.
One report runs at a time. A supervisor sees the agents of the teams they supervise.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from acd.http_api import Api, Ask, Problem

TIMEOUT = 600.0


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: dt.datetime = Field(alias="from", description="first day or instant (ACD_TIMEZONE)")
    end: dt.datetime | None = Field(None, alias="to", description="end, excluded (a day on)")
    interval: str | None = Field(None, pattern=r"^\d+(m|min|h)$", description="15m, 30m, 1h")
    by: Literal["call_type", "agent", "team"] = "call_type"


class ChartQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: dt.datetime = Field(alias="from", description="on a 15-minute edge (ACD_TIMEZONE)")
    end: dt.datetime | None = Field(None, alias="to", description="end, excluded (a day on)")
    interval: str = Field("30m", pattern=r"^\d+(m|min|h)$")


Runner = Callable[[list[str]], Awaitable[str]]
"""Runs ``acd report ARGS`` (JSON lines out), or raises ``Problem``."""


def reports_api(api: Api, teams: Mapping[str, str | None], run: Runner) -> None:
    """Add ``/reports`` and ``/reports/chart`` to ``api``; ``teams``: each agent's team;
    ``run``: ``run_report`` (a child process)."""
    one_at_a_time = asyncio.Semaphore(1)

    @api.route("GET", "/reports", "Queue or agent figures per interval (acd report)",
               answer=list[dict[str, Any]], query=ReportQuery, roles=("supervisor", "admin"),
               errors=(503,))  # fmt: skip
    async def report(ask: Ask) -> list[dict[str, Any]]:
        query: ReportQuery = ask.query
        async with one_at_a_time:
            out = await run(_args(query.start, query.end, query.interval, by=query.by))
        lines: list[dict[str, Any]] = json.loads(out)
        if query.by != "call_type" and ask.who is not None and ask.who.role == "supervisor":
            mine = set(ask.who.teams)
            lines = [line for line in lines
                     if (line["agent"] if query.by == "team" else teams.get(line["agent"]))
                     in mine]  # fmt: skip
        return lines

    @api.route("GET", "/reports/chart", "Offered, answered, service level and agents logged in "
               "per interval, as SVG", answer=str, query=ChartQuery, roles=("supervisor", "admin"),
               errors=(503,), media="image/svg+xml")  # fmt: skip
    async def chart(ask: Ask) -> web.Response:
        query: ChartQuery = ask.query
        with tempfile.TemporaryDirectory() as scratch:
            svg = Path(scratch) / "chart.svg"
            async with one_at_a_time:
                await run([*_args(query.start, query.end, query.interval), "--chart", str(svg)])
            drawn = await asyncio.to_thread(svg.read_bytes)
        return web.Response(body=drawn, content_type="image/svg+xml")


def _args(start: dt.datetime, end: dt.datetime | None, interval: str | None,
          by: str = "call_type") -> list[str]:  # fmt: skip
    args = ["--from", start.isoformat(), "--by", by]
    args += ["--to", end.isoformat()] if end is not None else []
    return args + (["--interval", interval] if interval else [])


async def run_report(args: list[str]) -> str:
    """``acd report ARGS --format json --quiet``: its output, or a 400/503 problem."""
    command = [sys.executable, "-m", "acd", "report", *args, "--format", "json", "--quiet"]
    child = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        out, err = await asyncio.wait_for(child.communicate(), TIMEOUT)
    except TimeoutError:
        child.kill()
        await child.wait()
        raise Problem(503, "report too long", f"not done in {TIMEOUT:g} s") from None
    why = err.decode(errors="replace").strip().removeprefix("acd: ")
    if child.returncode == 2 and "records" not in why:  # the question, not the log
        raise Problem(400, "bad report", why)
    if child.returncode != 0:
        raise Problem(503, "report failed", why or f"exit status {child.returncode}")
    return out.decode()
