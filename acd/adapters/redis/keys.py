"""Every Redis key acd uses, built here and nowhere else."""

from __future__ import annotations


def events(site: str) -> str:
    """The event log of a site: a Stream of records, field ``r``."""
    return f"acd:{site}:events"
