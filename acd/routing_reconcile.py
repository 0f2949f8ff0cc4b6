"""Live routing's side of recovery (``routing_recovery`` decides): on every AMI login, ask
Asterisk for its channels and device states, repair what acd missed, adopt callers waiting
on hold that acd does not know, and keep agents with an offline phone out of ready."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Coroutine, Mapping
from typing import Any, Protocol

from acd import routing_recovery as recovery
from acd.adapters.ami import channels
from acd.adapters.ami import events as ev
from acd.adapters.ami.client import AmiClient, AmiError
from acd.core import messages as m
from acd.core.router import Router
from acd.records import Waiting
from acd.routing_recovery import Channel, Leg, Snapshot, Stranger

log = logging.getLogger("acd.routing")

KEEP_GONE = 1_000
CALLER_VARS = ("CALL_TYPE", "PRIORITY", "SKILLS", "SURVEY")


class Live(Protocol):
    """What reconciling needs of live routing."""

    router: Router
    legs: dict[str, Leg]
    channels: dict[str, str]

    def handle(self, event: m.Event) -> None: ...
    def arrive(self, waiting: Waiting, arrived: m.CallArrived) -> None: ...
    def forget(self, call: str) -> None: ...
    def now(self) -> float: ...
    def submit(self, event: object) -> None: ...
    def spawn(self, work: Coroutine[Any, Any, None]) -> None: ...


class Reconciler:
    def __init__(self, live: Live, ami: AmiClient) -> None:
        self._live, self._ami = live, ami
        self._gone: OrderedDict[str, None] = OrderedDict()  # callers who hung up lately
        self._phones: dict[str, str] = {}  # agent -> their phone's device state

    def apply(self, now: float, event: object) -> bool:
        """Live routing's event, if it is about reconciling: True if it was."""
        match event:
            case ev.FullyBooted():
                self._live.spawn(self._snapshot())
            case Snapshot():
                self._reconcile(now, event)
            case Stranger():
                self._adopt(now, event)
            case ev.DeviceStateChange() if event.device.startswith("PJSIP/"):
                self._phones_changed(now, {event.device[6:]: event.state})
            case _:
                return False
        return True

    def gone(self, call: str) -> None:
        """The caller hung up: a snapshot asked for before must not bring them back."""
        self._gone[call] = None
        if len(self._gone) > KEEP_GONE:
            self._gone.popitem(last=False)

    def offline(self, agent: str) -> bool:
        return self._phones.get(agent) in recovery.OFFLINE

    async def _snapshot(self) -> None:
        asked = self._live.now()
        try:
            up = await channels.channels_up(self._ami)
            devices = await channels.device_states(self._ami)
        except (AmiError, TimeoutError) as exc:
            log.error("could not list Asterisk's channels to reconcile: %s", exc or "timeout")
            return
        agents = {d[6:]: state for d, state in devices.items() if d.startswith("PJSIP/")}
        self._live.submit(Snapshot(asked, up, agents))

    def _reconcile(self, now: float, snapshot: Snapshot) -> None:
        live = self._live
        up = {k: v for k, v in snapshot.up.items() if k not in self._gone}
        repairs = recovery.reconcile(now, asked=snapshot.asked, calls=live.router.calls,
                                     legs=live.legs, known=live.channels, up=up)  # fmt: skip
        for leg in repairs.gone_legs:
            live.legs.pop(leg, None)
        for call in repairs.gone_callers:
            live.forget(call)
        for event in repairs.events:
            log.warning("reconciled with Asterisk: %s", event)
            if isinstance(event, m.CallEnded | m.CallAbandoned):
                live.forget(event.call)
            live.handle(event)
        for channel in repairs.strangers:
            live.spawn(self._ask_caller(channel))
        self._phones_changed(now, snapshot.phones)
        log.info("reconciled with Asterisk: %d channels up, %d repairs, %d callers to adopt",
                 len(up), len(repairs.events), len(repairs.strangers))  # fmt: skip

    def _phones_changed(self, now: float, states: Mapping[str, str]) -> None:
        agents = self._live.router.agents
        known = {agent: state for agent, state in states.items() if agent in agents}
        self._phones.update(known)
        for event in recovery.phones(now, agents, known):
            log.warning("agent %s's phone is %s", event.agent, known[event.agent])
            self._live.handle(event)

    async def _ask_caller(self, channel: Channel) -> None:
        names = [f"ACD_{name}" for name in CALLER_VARS]
        try:
            found = await channels.variables(self._ami, channel.name, names)
        except (AmiError, TimeoutError) as exc:
            log.error("could not read a waiting caller's variables: %s", exc or "timeout")
            return
        self._live.submit(Stranger(channel, {name[4:]: value for name, value in found.items()}))

    def _adopt(self, now: float, stranger: Stranger) -> None:
        live, call = self._live, stranger.channel.uniqueid
        if call in live.router.calls or call in live.channels or call in self._gone:
            return
        adopted = stranger.arrival(now)
        if adopted is None:
            log.error("caller %s waits on hold without a call type: not adopted", call)
            return
        log.warning("adopting caller %s waiting on hold for %s", call, adopted[1].call_type)
        live.arrive(*adopted)
