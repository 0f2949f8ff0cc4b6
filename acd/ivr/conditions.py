"""The questions a flow asks of the call and the clock: ``switch`` conditions and ``hours``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from acd.ivr import nodes as n

DAYS: tuple[n.Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def holds(rule: n.Condition, values: Mapping[str, str], local: dt.datetime) -> bool:
    """Whether every part of ``rule`` holds for the call's variables at local time ``local``."""
    value = values.get(rule.var, "") if rule.var else ""
    checks = (
        rule.present is None or (value != "") == rule.present,
        rule.equals is None or value == rule.equals,
        rule.one_of is None or value in rule.one_of,
        rule.matches is None or re.search(rule.matches, value) is not None,
        rule.time is None or within((rule.time,), local.time()),
        rule.days is None or DAYS[local.weekday()] in rule.days,
    )
    return all(checks)


def is_open(hours: n.Hours, local: dt.datetime) -> bool:
    """Open at ``local`` (already in the hours' timezone): overrides, then holidays, then the
    weekly spans; a day not listed is closed."""
    day = local.date()
    spans = hours.overrides.get(day)
    if spans is None:
        spans = "closed" if day in hours.holidays else hours.weekly.get(DAYS[day.weekday()])
    return isinstance(spans, tuple) and within(spans, local.time())


def within(spans: tuple[str, ...], now: dt.time) -> bool:
    """Whether ``now`` falls in one of the ``HH:MM-HH:MM`` spans (end excluded)."""
    clock = now.strftime("%H:%M")
    return any(span[:5] <= clock < span[6:] for span in spans)
