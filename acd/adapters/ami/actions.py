"""The AMI actions live routing sends, built from its commands (pure)."""

from __future__ import annotations

ActionFields = dict[str, str]


def ring(agent: str, leg: str, caller_channel: str, call: str, *, timeout: float,
         after: str | None, record: str = "") -> ActionFields:  # fmt: skip
    """Ring ``agent``'s phone on a leg named ``leg``; on answer the dialplan (``acd-agent``)
    starts recording to the file ``record`` if given, and bridges the caller (who hears
    music until then). When the agent hangs up, the caller goes to the IVR node ``after``
    (the survey), else to ``acd-bye``."""
    then = f"acd-ivr^{after}^1" if after else "acd-bye^s^1"
    return {
        "Action": "Originate", "Channel": f"PJSIP/{agent}", "ChannelId": leg,
        "Timeout": str(int(timeout * 1000)), "Context": "acd-agent", "Exten": "s",
        "Priority": "1", "CallerID": f"acd <{call}>", "Async": "true",
        "Variable": f"ACD_CALLER={caller_channel},ACD_AFTER={then},ACD_RECORD={record}",
    }  # fmt: skip


def redirect(channel: str, to: str | None) -> ActionFields:
    """Send a waiting caller to an IVR node (``flow.node``), or the apology without one."""
    if to and "." in to:
        return {"Action": "Redirect", "Channel": channel, "Context": "acd-ivr", "Exten": to,
                "Priority": "1"}  # fmt: skip
    return {"Action": "Redirect", "Channel": channel, "Context": "acd-unavailable",
            "Exten": "s", "Priority": "1"}  # fmt: skip


def to_hold(channel: str) -> ActionFields:
    """Send a caller back to wait on hold (a transfer to a queue)."""
    return {"Action": "Redirect", "Channel": channel, "Context": "acd-hold", "Exten": "s",
            "Priority": "1"}  # fmt: skip


def to_phone(channel: str, user: str) -> ActionFields:
    """Send a caller to ring ``user``'s phone, outside routing (a supervisor)."""
    return {"Action": "Redirect", "Channel": channel, "Context": "acd-transfer", "Exten": user,
            "Priority": "1"}  # fmt: skip


def set_variable(channel: str, name: str, value: str) -> ActionFields:
    return {"Action": "Setvar", "Channel": channel, "Variable": name, "Value": value}


def hang_up(channel: str) -> ActionFields:
    return {"Action": "Hangup", "Channel": channel}


def consult(leg: str, call: str, target: str) -> list[ActionFields]:
    """The agent on ``leg`` consults ``target`` (a phone) about ``call``: the caller hears
    music while the agent's own call rings the target (Asterisk's attended transfer, started
    by the DTMF of features.conf's ``atxfer``, which ``Atxfer`` queues on the leg)."""
    return [
        set_variable(leg, "__ACD_CONSULT", target),  # inherited by the consult's channels
        set_variable(leg, "__ACD_CONSULT_CALL", call),
        {"Action": "Atxfer", "Channel": leg, "Exten": "1", "Context": "acd-consult"},
    ]


def cancel_consult(leg: str) -> ActionFields:
    """Drop the consulted party: the agent on ``leg`` is back with the caller."""
    return {"Action": "CancelAtxfer", "Channel": leg}


def follow_up(agent: str, number: str, ticket: str) -> ActionFields:
    """Ring ``agent``'s phone; once they answer, dial the customer's ``number`` on the trunk
    (``acd-follow-up``), the ticket in the caller ID the agent sees."""
    return {
        "Action": "Originate", "Channel": f"PJSIP/{agent}", "Context": "acd-follow-up",
        "Exten": "s", "Priority": "1", "CallerID": f"{ticket} <{number}>", "Timeout": "30000",
        "Async": "true", "Variable": f"ACD_DIAL={number},ACD_TICKET={ticket}",
    }  # fmt: skip


SPY_OPTIONS = {"listen": "", "whisper": "w", "barge": "B"}
"""ChanSpy's option for each way a supervisor joins a call (``q``: no beep, no name spoken;
``E``: done when the agent's leg hangs up)."""


def spy(supervisor: str, agent: str, mode: str, call: str) -> ActionFields:
    """Ring ``supervisor``'s phone; on answer they hear (``listen``), speak to the agent only
    (``whisper``) or to both (``barge``) on the call ``agent``'s phone is on."""
    return {
        "Action": "Originate", "Channel": f"PJSIP/{supervisor}", "Application": "ChanSpy",
        "Data": f"PJSIP/{agent}-,qE{SPY_OPTIONS[mode]}", "CallerID": f"{mode} <{call}>",
        "Timeout": "30000", "Async": "true",
    }  # fmt: skip
