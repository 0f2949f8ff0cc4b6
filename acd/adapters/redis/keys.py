"""Every Redis key acd uses, built here and nowhere else."""

from __future__ import annotations


def events(site: str) -> str:
    """The event log of a site: a Stream of records, field ``r``."""
    return f"acd:{site}:events"


def report_slots(site: str) -> str:
    """The reports' interval data of past days: a hash, a field per day and way of counting."""
    return f"acd:{site}:report-slots"


def push_seq(site: str, user: str) -> str:
    """The last message number pushed to ``user``."""
    return f"acd:{site}:push:{user}:seq"


def push_stream(site: str, user: str) -> str:
    """``user``'s recent messages, for resuming: a Stream whose ids are ``<seq>-1``."""
    return f"acd:{site}:push:{user}"


def push_channel(site: str) -> str:
    """Pub/sub: every message pushed at the site, to every hub."""
    return f"acd:{site}:push"
