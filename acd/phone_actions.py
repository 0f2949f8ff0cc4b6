"""What the HTTP side asks Asterisk to do at once, outside routing: ring a supervisor's phone
into a live call (ChanSpy), and ring an agent's phone to call a customer back."""

from __future__ import annotations

import logging

from acd.adapters.ami import actions
from acd.adapters.ami.client import AmiClient, AmiError
from acd.follow_ups import DialFailed
from acd.http_calls import SpyFailed

log = logging.getLogger("acd")


async def dial(ami: AmiClient, agent: str, number: str, ticket: str) -> None:
    """Ring ``agent``'s phone, then the customer at ``number`` (a follow-up call)."""
    try:
        await ami.send_action(actions.follow_up(agent, number, ticket))
    except (AmiError, TimeoutError) as exc:
        raise DialFailed(str(exc) or "Asterisk did not answer") from None
    log.info("agent %s calls %s back about ticket %s", agent, number, ticket)


async def spy(ami: AmiClient, supervisor: str, agent: str, mode: str, call: str) -> None:
    """Ring ``supervisor``'s phone into the call ``agent`` is on (ChanSpy)."""
    try:
        await ami.send_action(actions.spy(supervisor, agent, mode, call))
    except (AmiError, TimeoutError) as exc:
        raise SpyFailed(str(exc) or "Asterisk did not answer") from None
    log.info("supervisor %s joins agent %s's call %s (%s)", supervisor, agent, call, mode)
