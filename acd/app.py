"""Composition root: wires settings, AMI, FastAGI, the IVR flows, the runtime and HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from acd import phone_actions
from acd.adapters.agi.hold import HoldAnnouncements
from acd.adapters.agi.ivr_calls import IvrCalls
from acd.adapters.agi.server import AgiChannel, AgiServer
from acd.adapters.ami.client import AmiClient
from acd.adapters.crm.http import HttpCrm
from acd.adapters.redis.event_log import RedisEventLog
from acd.adapters.redis.push_store import RedisPushStore
from acd.agent_desk import AgentDesk
from acd.agents_file import AgentSpec, load_live_policy
from acd.auth import Logins, Tokens, User
from acd.business_hours import BusinessHours
from acd.call_book import CallBook
from acd.call_log import CallLog
from acd.callers import Callers
from acd.config import Settings
from acd.core.policy import Policy
from acd.day_keeper import DayKeeper
from acd.directory import Directory
from acd.event_log import EventLog, EventLogDown
from acd.floor import Floor
from acd.follow_ups import FollowUps
from acd.http_console import console_routes
from acd.http_reports import run_report
from acd.http_server import Parts, Status, http_app
from acd.ivr.publisher import FlowPublisher
from acd.journal import Journal
from acd.push_feed import PushFeed
from acd.push_hub import Hub
from acd.queue_log import QueueLog
from acd.records import BadRecord, Record, decode
from acd.retention import keep_for
from acd.routing_live import LiveRouting
from acd.routing_policy import load_policy
from acd.routing_view import RoutingView
from acd.runtime import Fanout, Runtime
from acd.ticket_book import TicketBook
from acd.tickets import Tickets
from acd.transfers import Transfers

log = logging.getLogger("acd.app")


def clock(start: dt.datetime | None) -> Callable[[], dt.datetime]:
    """The wall clock, or one that starts at ``start`` and runs at real speed."""
    if start is None:
        return lambda: dt.datetime.now(dt.UTC)
    began = time.monotonic()
    start = start if start.tzinfo else start.replace(tzinfo=dt.UTC)
    return lambda: start + dt.timedelta(seconds=time.monotonic() - began)


def _tickets(settings: Settings, ticket_book: TicketBook, book: CallBook, journal: Journal, *,
             teams: dict[str, str | None], users: Mapping[str, User], policy: Policy | None,
             clock: Callable[[], float], submit: Callable[[Any], None]) -> Tickets:  # fmt: skip
    zone = ZoneInfo(settings.timezone)
    return Tickets(
        ticket_book,
        book,
        journal,
        teams=teams,
        clock=clock,
        submit=submit,
        zone=zone,
        leads=_staff(users),
        departments=policy.call_types if policy else (),
        hours=BusinessHours.parse(settings.business_hours, zone),
        follow_up_days=settings.follow_up_days,
    )


async def serve(settings: Settings) -> None:
    """Run until cancelled; raises ``AmiAuthError`` if Asterisk refuses the login."""
    status = Status()
    handlers: Fanout[Any] = Fanout([status.apply])
    runtime: Runtime[Any] = Runtime(handlers)
    ami = AmiClient(
        host=settings.ami_host,
        port=settings.ami_port,
        username=settings.ami_user,
        secret=settings.require_ami_secret(),
        on_event=runtime.submit,
        action_timeout=settings.ami_action_timeout,
        backoff_max=settings.ami_backoff_max,
    )
    flows, calls, directory = await _ivr(settings, runtime.submit)
    now = clock(settings.clock_start)
    seconds = lambda: now().timestamp()  # noqa: E731
    event_log = RedisEventLog(settings.redis_url, site=settings.site)
    book, queue_log, ticket_book = CallBook(), QueueLog(settings.queue_log), TicketBook()
    journal = Journal(event_log, on_record=Fanout([
        book.apply, queue_log.write, ticket_book.apply,
        (keeper := DayKeeper(book, settings, seconds)).apply,  # report days, as they settle
    ]))  # fmt: skip
    policy, specs = _policy(settings)
    users, auth = _auth(settings, specs, seconds)
    teams = {a.id: a.team for a in specs if a.takes_calls}
    crm = HttpCrm(settings.crm_url, timeout=settings.crm_timeout) if settings.crm_url else None
    push = RedisPushStore(settings.redis_url, site=settings.site)
    feed = PushFeed(push, users, teams, callers := Callers(directory, crm, ticket_book),
                    book.history_of)  # fmt: skip
    policy_spec = load_policy(settings.routing)[0]
    call_log = CallLog(journal, book, teams, seconds, runtime.submit,
                       codes=policy_spec.codes if policy_spec else None)  # fmt: skip
    tickets = _tickets(settings, ticket_book, book, journal, teams=teams, users=users,
                       policy=policy, clock=seconds, submit=runtime.submit)  # fmt: skip
    handlers += [feed.ivr_ended, call_log.apply, tickets.apply]
    floor: list[Floor] = []
    routed: Fanout[Any] = Fanout([feed.routed])
    recordings = _recordings(settings)
    routing = None if policy is None else LiveRouting(
        policy, ami, seconds, runtime.submit, journal, on_routed=routed,
        recordings=recordings and (settings.asterisk_recordings_dir or recordings),
        owner=(callers.complaint_owner, settings.owner_first_s))  # fmt: skip
    view = RoutingView(routing, seconds) if routing is not None else None
    if view is not None:
        floor.append(Floor(view, book, seconds, ZoneInfo(settings.timezone),
                           short_abandon_s=settings.short_abandon_s,
                           complaints=tickets.board))  # fmt: skip
        routed.append(floor[0].changed)
    transfers = None if view is None or policy is None else Transfers(
        view.talking, teams, policy.call_types, _staff(users), runtime.submit,
        consults=view)  # fmt: skip
    desk = AgentDesk(teams, seconds, runtime.submit, call_log.dispose, transfers)
    hub = Hub(push, auth[1], desk.command)
    replayed: Fanout[Record] = Fanout([book.apply, queue_log.replay, ticket_book.apply,
                                       keeper.apply])  # fmt: skip
    replayed += [routing.replay] if routing is not None else []
    for record in await _read_log(event_log, settings):
        replayed(record)
    if routing is not None:
        routing.went_live()
        handlers.append(routing.apply)
    agi = await _agi(settings, calls, HoldAnnouncements(view.place if view else lambda _: None))
    parts = Parts(status, ami, flows, calls, agents=desk if routing else None, routing=view,
                  journal=journal, book=book, call_log=call_log, teams=teams, specs=specs,
                  policy=policy_spec, directory=directory,
                  directory_file=settings.directory, spy=functools.partial(phone_actions.spy, ami),
                  transfers=transfers, floor=floor[0] if floor else None, reports=run_report,
                  tickets=tickets, follow_ups=None if view is None else FollowUps(
                      tickets, directory, tickets.hours, waiting_for=view.waiting_for,
                      inbound_first_s=settings.inbound_first_s, takes_calls=teams.__contains__,
                      submit=runtime.submit, dial=functools.partial(phone_actions.dial, ami)),
                  recordings=recordings)  # fmt: skip
    http = http_app(parts, auth)
    http.router.add_get("/ws", hub.handle)
    http.router.add_routes(console_routes(settings, specs))
    async with contextlib.AsyncExitStack() as stack:
        stack.callback(queue_log.close)
        for closing in (push, event_log, crm, agi, ami):
            if closing is not None:
                stack.push_async_callback(closing.close)
        stack.push_async_callback((await _listen(http, settings)).cleanup)
        for work, name in ((runtime.run(), "runtime"), (journal.run(), "journal"),
                           (feed.run(), "push feed"), (hub.run(), "push hub"),
                           (flows.watch(settings.flows_poll), "flows"),
                           (watch_directory(directory, settings), "directory"),
                           (_retention(recordings, settings, runtime.submit), "retention"),
                           (keeper.run(), "report days"),
                           (tickets.tell_overdue(feed.tell_user), "overdue tickets"),
                           *[(board.push(_staff(users), feed.tell_user), "wallboard")
                             for board in floor]):  # fmt: skip
            stack.push_async_callback(_cancel, asyncio.create_task(work, name=name))
        await ami.run()


def _recordings(settings: Settings) -> Path | None:
    """The recordings directory, made if missing; None (nothing recorded) if it cannot be."""
    where = settings.recordings_dir.resolve()
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.error("recordings directory %s: %s: calls are not recorded", where, exc.strerror)
        return None
    return where


async def _retention(recordings: Path | None, settings: Settings,
                     submit: Callable[[Any], None]) -> None:  # fmt: skip
    if recordings is not None:  # file ages are real time, whatever acd's clock says
        await keep_for(recordings, settings.recordings_keep_days, time.time, submit)


def _policy(settings: Settings) -> tuple[Policy | None, list[AgentSpec]]:
    """The routing policy with the agents, or None (routing off) with its problems logged."""
    policy, specs, problems = load_live_policy(settings.routing, settings.agents)
    for found in problems:
        log.error("routing off: %s", found)
    return policy, specs


def _staff(users: Mapping[str, User]) -> dict[str, tuple[str, ...] | None]:
    """Who gets the wallboard: supervisors (their teams) and admins (all)."""
    return {u.id: (None if u.role == "admin" else u.teams) for u in users.values()
            if u.role != "agent"}  # fmt: skip


async def watch_directory(directory: Directory | None, settings: Settings) -> None:
    """Reload the directory file when it changes (``acd customers import``, another acd)."""
    path = settings.directory
    if directory is None or path is None:
        return
    seen = _stamp(path)
    while True:
        await asyncio.sleep(settings.flows_poll)
        if (stamp := _stamp(path)) == seen:
            continue
        seen = stamp
        try:
            directory.adopt(await asyncio.to_thread(Directory.from_json, path))
        except ValueError as exc:  # its rows may hold customers' data: not in the log
            problems = str(exc).count("\n") + 1
            log.error("customer directory %s not reloaded (%d problems; `acd customers import` "
                      "shows them): the one in use stays", path, problems)  # fmt: skip
            continue
        log.info("customer directory reloaded: %d customers", len(directory.customers))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


async def _cancel(task: asyncio.Task[Any]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _ivr(
    settings: Settings, submit: Callable[[Any], None]
) -> tuple[FlowPublisher, IvrCalls, Directory | None]:
    """The IVR flows (published once now, then watched), the calls running them, and the
    customer directory they look callers up in."""
    sounds = settings.sounds_dir if settings.sounds_dir and settings.sounds_dir.is_dir() else None
    if sounds is None:
        log.warning("sound directory %s not found: prompts are not checked", settings.sounds_dir)
    flows = FlowPublisher(settings.flows_dir, policy=settings.routing, sounds=sounds)
    await asyncio.to_thread(flows.refresh)
    directory = Directory.from_json(settings.directory) if settings.directory else None
    calls = IvrCalls(catalog=flows.catalog, directory=directory,
                     clock=clock(settings.clock_start), on_end=submit)  # fmt: skip
    return flows, calls, directory


async def _agi(settings: Settings, calls: IvrCalls, hold: HoldAnnouncements) -> AgiServer:
    """FastAGI: ``/ivr`` runs the flows, ``/hold`` speaks to callers waiting."""
    scripts = {"ivr": calls.handle, "hold": hold.handle}

    async def request(channel: AgiChannel) -> None:
        await scripts.get(channel.script, calls.handle)(channel)

    agi = AgiServer(request, settings.agi_host, settings.agi_port)
    await agi.start()
    return agi


async def _listen(http: web.Application, settings: Settings) -> web.AppRunner:
    runner = web.AppRunner(http, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.http_host, settings.http_port).start()
    log.info("acd listening on http://%s:%s", settings.http_host, settings.http_port)
    return runner


def _auth(
    settings: Settings, specs: list[AgentSpec], now: Callable[[], float]
) -> tuple[dict[str, User], tuple[Logins, Tokens]]:
    if settings.token_secret is None:
        log.warning("ACD_TOKEN_SECRET is not set: tokens are signed with a random secret and "
                    "do not survive a restart")  # fmt: skip
        secret = secrets.token_urlsafe(32)
    else:
        secret = settings.token_secret.get_secret_value()
    tokens = Tokens(secret, ttl=settings.token_ttl, clock=now)
    users = {a.id: User(a.id, a.pin_hash, a.role, a.teams) for a in specs}
    return users, (Logins(users, tokens, now), tokens)


async def _read_log(event_log: EventLog, settings: Settings) -> list[Record]:
    """The whole event log, waiting for Redis as long as it takes; unreadable entries skipped."""
    where = settings.redis_url.rsplit("@", 1)[-1]  # never the password
    began, waited = time.monotonic(), False
    while True:
        try:
            entries = [entry async for batch in event_log.read() for entry in batch]
            break
        except EventLogDown as exc:
            if not waited:
                log.error("waiting for the event log at %s: %s", where, exc)
                waited = True
            await asyncio.sleep(1.0)
    records = []
    for entry in entries:
        try:
            records.append(decode(entry))
        except BadRecord as exc:
            log.error("event log: skipped %s", exc)
    log.info("event log: %d records replayed from %s in %.2f s", len(records), where,
             time.monotonic() - began)  # fmt: skip
    return records
