"""Agents' SIP phones for the system tests: lines in one pjsua2 library (one per process)."""

from __future__ import annotations

from rig.session import Rig
from rig.sipcaller import SipCaller

from acd.asterisk_conf import sip_password


def add_agent_phone(
    caller: SipCaller, rig: Rig, agent: str, *, password: str | None = None, answer: bool = True
) -> tuple[str, int]:
    """Register ``agent``'s phone (its derived password unless one is given); returns the
    registration's (state, SIP code)."""
    secret = sip_password(rig.sip_secret, agent) if password is None else password
    caller.add_phone(agent, f"127.0.0.1:{rig.target.ports.sip}", secret, answer=answer)
    return caller.wait_registration(agent)
