"""The IVR flow format: one frozen dataclass per node kind.

Plain dataclasses, so the interpreter stays free of pydantic; ``schema.py`` validates
YAML straight into them (``__pydantic_config__`` and ``annotated_types`` constraints
are read by pydantic, and the attribute docstrings become the JSON Schema's help text).
Durations are in seconds. Text fields marked *template* may use ``${variable}``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal

from annotated_types import Ge, Gt, Le, Len

STRICT: dict[str, object] = {"extra": "forbid", "use_attribute_docstrings": True}

NodeName = Annotated[str, Len(1, 64)]
Seconds = Annotated[float, Gt(0), Le(3600)]
Digit = Literal["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Span = Annotated[str, Len(11, 11)]
"""``HH:MM-HH:MM``, end after start (checked by the linter)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SayDigits:
    __pydantic_config__: ClassVar = STRICT
    digits: str
    """Template read out digit by digit, e.g. ``${account}``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SayNumber:
    __pydantic_config__: ClassVar = STRICT
    number: str
    """Template read out as a number, e.g. ``${position}``."""


Prompt = str | SayDigits | SayNumber
"""A sound file name (no extension, as Asterisk's Playback takes it) or a spoken value."""
Prompts = tuple[Prompt, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Play:
    """Play prompts without listening for keys, then go on."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["play"] = "play"
    prompts: Annotated[Prompts, Len(1)]
    next: NodeName


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice:
    __pydantic_config__: ClassVar = STRICT
    goto: NodeName
    set: dict[str, str] = field(default_factory=dict)
    """Variables to set when this key is chosen (values are templates)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Menu:
    """Play prompts and wait for one key; unknown keys and silence are retried."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["menu"] = "menu"
    prompts: Annotated[Prompts, Len(1)]
    choices: Annotated[dict[Digit, NodeName | Choice], Len(1)]
    timeout: Seconds = 5.0
    """How long to wait for a key after the prompts end."""
    retries: Annotated[int, Ge(0), Le(9)] = 2
    """How many more times the menu is offered after a wrong key or silence."""
    invalid_prompts: Prompts = ("pbx-invalid",)
    timeout_prompts: Prompts = ("please-try-again",)
    fallback: NodeName
    """Where the caller goes when the retries are used up."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Gather:
    """Collect several digits into a variable."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["gather"] = "gather"
    prompts: Annotated[Prompts, Len(1)]
    into: Annotated[str, Len(1, 64)]
    """Variable that receives the digits."""
    min_digits: Annotated[int, Ge(1), Le(32)] = 1
    max_digits: Annotated[int, Ge(1), Le(32)] = 16
    terminator: Literal["#", "*", ""] = "#"
    pattern: str | None = None
    """Regular expression the whole entry must match."""
    timeout: Seconds = 5.0
    """Wait for the first key after the prompts end."""
    inter_digit_timeout: Seconds = 3.0
    retries: Annotated[int, Ge(0), Le(9)] = 2
    invalid_prompts: Prompts = ("pbx-invalid",)
    next: NodeName
    fallback: NodeName


@dataclass(frozen=True, slots=True, kw_only=True)
class SetVars:
    """Set variables (templates), then go on."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["set"] = "set"
    vars: Annotated[dict[str, str], Len(1)]
    next: NodeName


@dataclass(frozen=True, slots=True, kw_only=True)
class Condition:
    """Every field given must hold. ``var`` names a variable, e.g. ``caller_id``."""

    __pydantic_config__: ClassVar = STRICT
    var: str | None = None
    equals: str | None = None
    one_of: tuple[str, ...] | None = None
    matches: str | None = None
    """Regular expression searched in the variable's value."""
    present: bool | None = None
    time: Span | None = None
    """Local time of day window ``HH:MM-HH:MM`` in the flow's timezone."""
    days: tuple[Day, ...] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    __pydantic_config__: ClassVar = STRICT
    when: Condition
    goto: NodeName


@dataclass(frozen=True, slots=True, kw_only=True)
class Switch:
    """Go to the first case whose condition holds, else to ``default``."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["switch"] = "switch"
    cases: Annotated[tuple[Case, ...], Len(1)]
    default: NodeName


@dataclass(frozen=True, slots=True, kw_only=True)
class Hours:
    """Branch on business hours: a weekly schedule, holidays and dated overrides."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["hours"] = "hours"
    timezone: str | None = None
    """IANA zone, e.g. ``Asia/Shanghai``; defaults to the flow's."""
    weekly: dict[Day, tuple[Span, ...] | Literal["closed"]]
    """Every day of the week, each with its open spans or ``closed``."""
    holidays: tuple[dt.date, ...] = ()
    overrides: dict[dt.date, tuple[Span, ...] | Literal["closed"]] = field(default_factory=dict)
    """Dates with their own spans (a working Saturday) or closed; beat holidays."""
    open: NodeName
    closed: NodeName


@dataclass(frozen=True, slots=True, kw_only=True)
class Lookup:
    """Find the caller in the customer directory (built-in or HTTP)."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["lookup"] = "lookup"
    source: Literal["directory", "http"] = "directory"
    key: str = "${caller_id}"
    """Template: what to look up."""
    url: str | None = None
    """For ``http``: URL template, e.g. ``https://crm/api/customers?phone=${key}``."""
    timeout: Seconds = 2.0
    found: NodeName
    not_found: NodeName
    failed: NodeName
    """Where to go when the service is down, slow or answers nonsense."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Verify:
    """Ask for an account number and PIN and check them against the directory."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["verify"] = "verify"
    account_prompts: Annotated[Prompts, Len(1)] = ("agent-user",)
    pin_prompts: Annotated[Prompts, Len(1)] = ("agent-pass",)
    invalid_prompts: Prompts = ("auth-incorrect",)
    max_account_digits: Annotated[int, Ge(1), Le(32)] = 12
    max_pin_digits: Annotated[int, Ge(1), Le(16)] = 8
    timeout: Seconds = 6.0
    max_attempts: Annotated[int, Ge(1), Le(9)] = 3
    verified: NodeName
    failed: NodeName


@dataclass(frozen=True, slots=True, kw_only=True)
class CallbackOffer:
    __pydantic_config__: ClassVar = STRICT
    after: Seconds
    """Offer once the caller has waited this long."""
    prompts: Annotated[Prompts, Len(1)]
    digit: Digit = "1"
    goto: NodeName
    """Node run when the caller accepts (usually a ``callback`` node)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Queue:
    """Hand the call to routing with its requirements; the IVR ends here."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["queue"] = "queue"
    call_type: Annotated[str, Len(1, 64)]
    skills: dict[str, Annotated[int, Ge(1), Le(10)]] = field(default_factory=dict)
    """Minimum skill levels (1-10) on top of the call type's own."""
    priority: Annotated[int, Ge(0), Le(100)] = 0
    language: str | None = None
    """Template, e.g. ``${language}``."""
    prompts: Prompts = ()
    """Played before the caller joins the queue."""
    max_wait: Seconds | None = None
    on_max_wait: NodeName | None = None
    callback: CallbackOffer | None = None
    survey: NodeName | None = None
    """Node run for the caller after the agent hangs up."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Transfer:
    """Send the call to one agent, another call type, or a dialplan extension."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["transfer"] = "transfer"
    agent: str | None = None
    call_type: str | None = None
    extension: str | None = None
    prompts: Prompts = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Voicemail:
    """Let the caller leave a message in a mailbox; the IVR ends here."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["voicemail"] = "voicemail"
    mailbox: Annotated[str, Len(1, 64)]
    prompts: Prompts = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Callback:
    """Record a callback request for the caller's number (or a template); the IVR ends."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["callback"] = "callback"
    number: str = "${caller_id}"
    call_type: Annotated[str, Len(1, 64)]
    prompts: Prompts = ("auth-thankyou",)


@dataclass(frozen=True, slots=True, kw_only=True)
class Survey:
    """Ask for a rating with one key, 1..scale; the rating is kept with the call and agent."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["survey"] = "survey"
    prompts: Annotated[Prompts, Len(1)]
    scale: Annotated[int, Ge(2), Le(9)] = 5
    timeout: Seconds = 6.0
    retries: Annotated[int, Ge(0), Le(9)] = 1
    thanks: Prompts = ("auth-thankyou",)


@dataclass(frozen=True, slots=True, kw_only=True)
class Subflow:
    """Run another flow from its entry; its ``return`` comes back to ``next``."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["subflow"] = "subflow"
    flow: Annotated[str, Len(1, 64)]
    next: NodeName


@dataclass(frozen=True, slots=True, kw_only=True)
class Return:
    """End a sub-flow and go back to the caller flow's ``next``."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["return"] = "return"


@dataclass(frozen=True, slots=True, kw_only=True)
class Goto:
    """Continue in another flow (its entry, or a named node) and do not come back."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["goto"] = "goto"
    flow: Annotated[str, Len(1, 64)]
    node: NodeName | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Hangup:
    """Play the prompts and hang up."""

    __pydantic_config__: ClassVar = STRICT
    type: Literal["hangup"] = "hangup"
    prompts: Prompts = ("vm-goodbye",)


Node = (
    Play | Menu | Gather | SetVars | Switch | Hours | Lookup | Verify | Queue | Transfer
    | Voicemail | Callback | Survey | Subflow | Return | Goto | Hangup
)  # fmt: skip
NODE_KINDS: tuple[type[Node], ...] = (
    Play, Menu, Gather, SetVars, Switch, Hours, Lookup, Verify, Queue, Transfer,
    Voicemail, Callback, Survey, Subflow, Return, Goto, Hangup,
)  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class Flow:
    """One validated flow file."""

    name: str
    entry: str
    nodes: dict[str, Node]
    numbers: tuple[str, ...] = ()
    timezone: str = "UTC"
    on_error: str | None = None
    error_call_type: str = "general"
    source: str = ""
    """Where the flow was loaded from (for messages)."""


def kind_name(kind: type[Node]) -> str:
    """The ``type:`` value that selects ``kind`` in YAML."""
    return str(kind.__dataclass_fields__["type"].default)
