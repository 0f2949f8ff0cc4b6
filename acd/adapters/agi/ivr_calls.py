"""Runs the pure IVR interpreter on real calls handed over by FastAGI.

Each command of the interpreter becomes one or a few AGI commands; when the call leaves
the IVR its choices are set as channel variables, ``ACD_NEXT`` tells the dialplan where
to go, and an ``IvrEnded`` event goes to the runtime.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

import aiohttp

from acd.adapters.agi.server import AgiChannel
from acd.directory import Directory
from acd.ivr import steps as s
from acd.ivr.catalog import Catalog
from acd.ivr.interpreter import IvrCall

log = logging.getLogger("acd.ivr")

NEXT = {
    s.Queued: "acd-hold,s,1",
    s.Transferred: "acd-hold,s,1",
    s.ToVoicemail: "acd-voicemail,{mailbox},1",
    s.CallbackRequested: "acd-bye,s,1",
    s.Rated: "acd-bye,s,1",
    s.HungUp: "acd-bye,s,1",
}
UNAVAILABLE = "acd-unavailable,s,1"
SHOWN_VARS = ("menu_path", "verified", "language")
"""Collected variables copied onto the channel (``ACD_MENU_PATH``...); no customer data."""


class IvrCalls:
    """The FastAGI handler for ``agi://.../ivr``; ``active`` holds the calls in a menu now."""

    def __init__(
        self,
        *,
        catalog: Callable[[str | None], Catalog | None],
        directory: Directory | None,
        clock: Callable[[], dt.datetime],
        on_end: Callable[[s.IvrEnded], None],
    ) -> None:
        self._catalog, self._directory, self._clock, self._on_end = (
            catalog,
            directory,
            clock,
            on_end,
        )
        self.active: dict[str, IvrCall] = {}
        self._started: dict[str, float] = {}

    async def handle(self, channel: AgiChannel) -> None:
        """A new call (by dialed number), or one routing sends back to ``node=flow.node``."""
        catalog = self._catalog(channel.params.get("version"))
        dialed = channel.env.get("agi_extension", "")
        flow_name, _, node = channel.params.get("node", "").partition(".")
        flow = None
        if catalog is not None:
            flow = catalog.flows.get(flow_name) if flow_name else catalog.for_number(dialed)
        if catalog is None or flow is None:
            log.error("no flow for %s (flows %s); caller sent to acd-unavailable",
                      flow_name or f"number {dialed}",
                      catalog.version if catalog else "not published")  # fmt: skip
            await channel.send("SET VARIABLE", "ACD_NEXT", UNAVAILABLE)
            return
        kept = await self._kept_vars(channel) if node else {}
        call = IvrCall(catalog, flow.name, caller_id=channel.env.get("agi_callerid", ""),
                       dialed=dialed, node=node or None, vars=kept)  # fmt: skip
        self.active[channel.uniqueid] = call
        began = self._clock()
        self._started[channel.uniqueid] = began.timestamp()
        try:
            command = call.start(began)
            while not isinstance(command, s.Finish):
                reply = await self._carry_out(channel, command)
                command = call.resume(reply, self._clock())
            await self._leave(channel, catalog, command)
        except BaseException:
            if call.outcome is None:
                self._ended(channel, catalog, call.hang_up(self._clock()))
            raise
        finally:
            del self.active[channel.uniqueid]
            self._started.pop(channel.uniqueid, None)

    async def _kept_vars(self, channel: AgiChannel) -> dict[str, str]:
        """What the call collected on its first pass, read back from the channel."""
        kept = {}
        for name in SHOWN_VARS:
            reply = await channel.send("GET VARIABLE", f"ACD_{name.upper()}")
            if reply.result == 1 and reply.data:
                kept[name] = reply.data
        return kept

    async def _leave(self, channel: AgiChannel, catalog: Catalog, finish: s.Finish) -> None:
        outcome = finish.outcome
        values = {
            "ACD_OUTCOME": type(outcome).__name__,
            "ACD_FLOW": f"{finish.path[-1].split('.')[0]}@{catalog.version}",
            "ACD_FLOW_VERSION": catalog.version,
            **{f"ACD_{name.upper()}": finish.vars.get(name, "") for name in SHOWN_VARS},
        }
        if isinstance(outcome, s.Queued):
            values |= {
                "ACD_CALL_TYPE": outcome.call_type,
                "ACD_PRIORITY": str(outcome.priority),
                "ACD_SKILLS": ",".join(f"{k}={v}" for k, v in outcome.skills.items()),
                "ACD_SURVEY": outcome.survey or "",
                "ACD_ON_MAX_WAIT": outcome.on_max_wait or "",
            }
        next_place = NEXT[type(outcome)]
        if isinstance(outcome, s.ToVoicemail):
            next_place = next_place.format(mailbox=outcome.mailbox)
        if isinstance(outcome, s.Transferred) and outcome.extension:
            next_place = f"acd-transfer,{outcome.extension},1"
        values["ACD_NEXT"] = next_place
        try:
            for name, value in values.items():
                await channel.send("SET VARIABLE", name, value)
        finally:  # routing hears of the call once its choices are on the channel
            self._ended(channel, catalog, finish)

    def _ended(self, channel: AgiChannel, catalog: Catalog, finish: s.Finish) -> None:
        flow = finish.path[-1].split(".")[0] if finish.path else ""
        log.info("call %s left the IVR: %s after %s", channel.uniqueid,
                 type(finish.outcome).__name__, " > ".join(finish.path))  # fmt: skip
        ended = s.IvrEnded(channel.uniqueid, flow, catalog.version, finish,
                           channel.env.get("agi_channel", ""),
                           self._started.get(channel.uniqueid))  # fmt: skip
        self._on_end(ended)

    async def _carry_out(self, channel: AgiChannel, command: s.Command) -> s.Reply:
        match command:
            case s.Play():
                return await self._play(channel, command)
            case s.ReadKey():
                reply = await channel.send("WAIT FOR DIGIT", int(command.timeout * 1000))
                return s.Heard(reply.key)
            case s.FindCustomer():
                return await self._find(command)
            case s.CheckPin():
                if self._directory is None:
                    return s.Failed("no customer directory configured")
                found = await asyncio.to_thread(
                    self._directory.verify, command.account, command.pin
                )
                return s.Found(found.public()) if found else s.NotFound()
        raise TypeError(f"cannot carry out {command!r}")

    async def _play(self, channel: AgiChannel, command: s.Play) -> s.Reply:
        for audio in command.audio:
            match audio:
                case s.Sound():
                    reply = await channel.send("STREAM FILE", audio.name, command.stop_on)
                case s.Digits():
                    reply = await channel.send("SAY DIGITS", audio.text, command.stop_on)
                case s.Number():
                    reply = await channel.send("SAY NUMBER", audio.text, command.stop_on)
            if reply.result is not None and reply.result < 0:
                await channel.send("CHANNEL STATUS")  # raises AgiHangup if the caller left
                log.error("call %s: cannot play %s", channel.uniqueid, audio)
                return s.Failed(f"cannot play {audio}")
            if reply.key:
                return s.Heard(reply.key)
        return s.Heard("")

    async def _find(self, command: s.FindCustomer) -> s.Reply:
        if command.source == "directory":
            if self._directory is None:
                return s.Failed("no customer directory configured")
            customer = self._directory.by_phone(command.key)
            return s.Found(customer.public()) if customer else s.NotFound()
        assert command.url is not None
        try:
            timeout = aiohttp.ClientTimeout(total=command.timeout)
            async with aiohttp.ClientSession(timeout=timeout) as http, http.get(command.url) as r:
                if r.status == 404:
                    return s.NotFound()
                r.raise_for_status()
                record = await r.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.warning("customer lookup failed: %s", type(exc).__name__)
            return s.Failed(f"lookup failed: {type(exc).__name__}")
        if not isinstance(record, dict):
            return s.Failed("lookup answered something other than an object")
        return s.Found(
            {str(k): str(v) for k, v in record.items() if not isinstance(v, dict | list)}
        )
