"""Call records over REST: search, one call, its routing explanation, its disposition.

An agent sees the calls they answered; a supervisor, those their teams answered and those
nobody answered (abandoned, ended in the IVR); an admin, all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from acd.auth import Principal
from acd.call_book import CallBook, CallRow
from acd.call_log import MAX_DISPOSITION, MAX_NOTE, CallLog
from acd.http_api import Api, Ask, Problem
from acd.routing_view import RoutingView
from acd.transfers import Transfers

Outcome = Literal["answered", "abandoned", "callback", "voicemail", "transferred",
                  "overflowed", "ended_in_ivr", "in_progress"]  # fmt: skip


class CallQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    number: str | None = Field(None, description="the caller's number, exactly")
    agent: str | None = Field(None, description="the agent who answered")
    since: dt.datetime | None = Field(None, alias="from", description="arrived at or after")
    until: dt.datetime | None = Field(None, alias="to", description="arrived before")
    outcome: Outcome | None = None
    limit: int = Field(100, ge=1, le=1000)


class CallOut(BaseModel):
    """A call record; times in UTC, durations in seconds."""

    id: str
    number: str
    customer: str
    name: str
    call_type: str
    flow: str
    ivr_path: list[str]
    ivr_vars: dict[str, str]
    arrived: dt.datetime
    queued: dt.datetime | None
    rang: dt.datetime | None
    answered: dt.datetime | None
    ended: dt.datetime | None
    wrapped: dt.datetime | None
    waited: float | None = Field(description="from queued to answered (or to hang-up)")
    talked: float | None = Field(description="from answered to hang-up")
    agent: str = Field(description="who answered last")
    answered_by: list[str]
    agents_rung: list[str]
    transfers: list[str] = Field(description="``call_type:NAME``, ``agent:ID``, ``phone:ID``")
    outcome: Outcome
    disposition: str
    note: str
    disposed_by: str
    rating: int | None
    recordings: list[str] = Field(description="files: ``GET /calls/{id}/recordings/{file}``")

    @classmethod
    def of(cls, row: CallRow) -> CallOut:
        fields: dict[str, Any] = row.public()
        for name in ("arrived", "queued", "rang", "answered", "ended", "wrapped"):
            fields[name] = _time(fields[name])
        end = row.answered if row.answered is not None else row.ended
        fields["waited"] = _span(row.queued, end)
        fields["talked"] = _span(row.answered, row.ended)
        return cls(**fields)


class CallList(BaseModel):
    calls: list[CallOut]
    more: bool = Field(description="more calls match than ``limit``")


class DispositionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    disposition: str = Field(min_length=1, max_length=MAX_DISPOSITION)
    note: str = Field("", max_length=MAX_NOTE)


class Accepted(BaseModel):
    accepted: str


class TransferIn(BaseModel):
    """Exactly one target."""

    model_config = ConfigDict(extra="forbid")
    call_type: str | None = Field(None, description="wait on hold again, for this call type")
    agent: str | None = Field(None, description="this agent first, then the call type's")
    supervisor: str | None = Field(None, description="ring this supervisor's phone")


class ConsultIn(BaseModel):
    """Exactly one to consult."""

    model_config = ConfigDict(extra="forbid")
    agent: str | None = Field(None, description="ring this agent (ready or not ready)")
    call_type: str | None = Field(None, description="ring its ready agent idle longest")
    supervisor: str | None = Field(None, description="ring this supervisor's phone")


class SpyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mode: Literal["listen", "whisper", "barge"] = Field(
        "listen", description="hear both; speak to the agent only; speak to both"
    )


Spy = Callable[[str, str, str, str], Awaitable[None]]
"""Ring the supervisor's phone into the call: (supervisor, agent, mode, call); raises
``SpyFailed`` when the telephony side refuses."""


class SpyFailed(Exception):
    pass


def calls_api(
    api: Api,
    book: CallBook,
    call_log: CallLog,
    teams: Mapping[str, str | None],
    routing: RoutingView | None,
    *,
    spy: Spy | None = None,
    transfers: Transfers | None = None,
    recordings: Path | None = None,
) -> None:
    """Add the call endpoints to ``api``; ``teams``: each agent's team; ``spy`` rings a
    supervisor's phone into a call."""

    def may_see(who: Principal | None, row: CallRow) -> bool:
        if who is None or who.role == "admin":
            return True
        if who.role == "agent":
            return who.user in row.answered_by
        return not row.answered_by or any(teams.get(a) in who.teams for a in row.answered_by)

    @api.route("GET", "/calls", "Search call records, newest first", answer=CallList,
               query=CallQuery)  # fmt: skip
    async def search(ask: Ask) -> CallList:
        q: CallQuery = ask.query
        agent = ask.who.user if ask.who is not None and ask.who.role == "agent" else q.agent
        found = book.search(
            number=q.number,
            agent=agent,
            since=_epoch(q.since),
            until=_epoch(q.until),
            where=lambda row: (
                may_see(ask.who, row) and (q.outcome is None or row.outcome == q.outcome)
            ),
            limit=q.limit + 1,
        )
        return CallList(calls=[CallOut.of(row) for row in found[: q.limit]],
                        more=len(found) > q.limit)  # fmt: skip

    @api.route("GET", "/calls/{call}", "One call record", answer=CallOut, errors=(404,))
    async def one(ask: Ask) -> CallOut:
        row = book.get(ask.path["call"])
        if row is None or not may_see(ask.who, row):
            raise Problem(404, "no such call")
        return CallOut.of(row)

    @api.route("GET", "/calls/{call}/routing", "Why the call went where it went",
               answer=dict[str, Any], roles=("supervisor", "admin"), errors=(404, 503))  # fmt: skip
    async def explained(ask: Ask) -> dict[str, Any]:
        if routing is None:
            raise Problem(503, "routing is off", "see acd's log for the policy's problems")
        found = routing.explain(ask.path["call"])
        if found is None:
            raise Problem(404, "no such recent call")
        return found

    @api.route("PUT", "/calls/{call}/disposition", "File the call's disposition and note",
               answer=Accepted, body=DispositionIn, status=202, errors=(404, 409))  # fmt: skip
    async def dispose(ask: Ask) -> Accepted:
        body: DispositionIn = ask.body
        refused = call_log.dispose(ask.who, ask.path["call"], body.disposition, body.note)
        if refused is not None:
            raise Problem(*refused)
        return Accepted(accepted="disposition")

    @api.route("GET", "/calls/{call}/recordings/{file}", "A conversation's recording (WAV)",
               answer=bytes, roles=("supervisor", "admin"), errors=(404,),
               media="audio/wav")  # fmt: skip
    async def recording(ask: Ask) -> web.FileResponse:
        row, name = book.get(ask.path["call"]), ask.path["file"]
        if row is None or not may_see(ask.who, row) or name not in row.recordings:
            raise Problem(404, "no such recording")
        path = recordings / name if recordings is not None else None
        if path is None or not path.is_file():
            raise Problem(404, "recording gone", "deleted after its retention, or never written")
        return web.FileResponse(path, headers={"Content-Type": "audio/wav"})

    _handovers(api, transfers)

    @api.route("POST", "/calls/{call}/listen", "Listen to, whisper to or barge into a live "
               "call from one's own phone", answer=Accepted, body=SpyIn, status=202,
               roles=("supervisor", "admin"), errors=(404, 503))  # fmt: skip
    async def listen(ask: Ask) -> Accepted:
        mode: str = ask.body.mode
        agent = routing.talking(ask.path["call"]) if routing is not None else None
        if agent is None:
            raise Problem(404, "no such call in progress", "only a call an agent is on")
        if ask.who is not None and not ask.who.may_act_for(agent, teams.get(agent)):
            raise Problem(403, "not your team", f"agent {agent} is not in your teams")
        if spy is None or ask.who is None:
            raise Problem(503, "listening is off", "acd runs without a telephony link")
        try:
            await spy(ask.who.user, agent, mode, ask.path["call"])
        except SpyFailed as exc:
            raise Problem(503, "could not ring your phone", str(exc)) from None
        return Accepted(accepted=mode)


def _handovers(api: Api, transfers: Transfers | None) -> None:
    """Blind transfers, and consults before a transfer (attended)."""

    @api.route("POST", "/calls/{call}/transfer", "Send a call on (blind transfer)",
               answer=Accepted, body=TransferIn, status=202, errors=(404, 409, 503))  # fmt: skip
    async def transfer(ask: Ask) -> Accepted:
        if transfers is None or ask.who is None:
            raise Problem(503, "transfers are off", "routing is not running")
        refused = transfers.ask(ask.who, ask.path["call"], ask.body.model_dump())
        if refused is not None:
            raise Problem(*refused)
        return Accepted(accepted="transfer")

    @api.route("POST", "/calls/{call}/consult", "Consult someone before handing the call "
               "over (attended transfer): the caller hears music, the agent's call rings them",
               answer=Accepted, body=ConsultIn, status=202, errors=(404, 409, 503))  # fmt: skip
    async def consult(ask: Ask) -> Accepted:
        if transfers is None or ask.who is None:
            raise Problem(503, "transfers are off", "routing is not running")
        refused = transfers.consult(ask.who, ask.path["call"], ask.body.model_dump())
        if refused is not None:
            raise Problem(*refused)
        return Accepted(accepted="consult")

    for step, summary in (("complete", "Hand the call to the one consulted (they answered)"),
                          ("cancel", "End the consult: back with the caller")):  # fmt: skip
        _consult_end(api, transfers, step, summary)


def _consult_end(api: Api, transfers: Transfers | None, step: str, summary: str) -> None:
    @api.route("POST", f"/calls/{{call}}/consult/{step}", summary, answer=Accepted,
               status=202, errors=(404, 409, 503))  # fmt: skip
    async def end(ask: Ask) -> Accepted:
        if transfers is None or ask.who is None:
            raise Problem(503, "transfers are off", "routing is not running")
        refused = transfers.end_consult(ask.who, ask.path["call"], complete=step == "complete")
        if refused is not None:
            raise Problem(*refused)
        return Accepted(accepted=step)


def _time(seconds: float | None) -> dt.datetime | None:
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, dt.UTC)


def _epoch(moment: dt.datetime | None) -> float | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp()


def _span(start: float | None, end: float | None) -> float | None:
    return None if start is None or end is None else round(end - start, 3)
