"""The announcement on hold (FastAGI ``agi://.../hold``): place in line and expected wait.

The dialplan's ``acd-hold`` asks on entry and after each stretch of music; acd answers
with what to say and ``ACD_ANNOUNCE_EVERY``, the seconds of music until it asks again
(0: music only, from then on). Uses Asterisk's stock prompts, as app_queue does.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable

from acd.adapters.agi.server import AgiChannel, AgiHangup
from acd.routing_view import Place

LATE = 0.2
"""Seconds to look again for a call routing does not know yet, before music only."""


class HoldAnnouncements:
    def __init__(self, place: Callable[[str], Place | None]) -> None:
        self._place = place

    async def handle(self, channel: AgiChannel) -> None:
        place = self._place(channel.uniqueid)
        if place is None:  # just queued? the runtime may not have taken the call in yet
            await asyncio.sleep(LATE)
            place = self._place(channel.uniqueid)
        every = 0 if place is None else round(place.every)
        try:
            await channel.send("SET VARIABLE", "ACD_ANNOUNCE_EVERY", str(every))
            if place is not None and place.position is not None and every:
                for verb, argument in sentences(place):
                    await channel.send(verb, argument, "")
        except AgiHangup:
            pass


def sentences(place: Place) -> list[tuple[str, str]]:
    """The AGI commands that say ``place``: "you are next" or "you are caller number N",
    then "the estimated hold time is [less than] M minute(s)" when known, then "thank you"."""
    if place.position is None:
        return []
    if place.position == 1:
        said = [("STREAM FILE", "queue-youarenext")]
    else:
        said = [("STREAM FILE", "queue-thereare"), ("SAY NUMBER", str(place.position)),
                ("STREAM FILE", "queue-callswaiting")]  # fmt: skip
    if place.wait is not None:
        minutes = math.ceil(place.wait / 60)
        said += [("STREAM FILE", "queue-holdtime")]
        if minutes <= 1:
            said += [("STREAM FILE", "queue-less-than"), ("SAY NUMBER", "1"),
                     ("STREAM FILE", "queue-minute")]  # fmt: skip
        else:
            said += [("SAY NUMBER", str(minutes)), ("STREAM FILE", "queue-minutes")]
    return [*said, ("STREAM FILE", "queue-thankyou")]
