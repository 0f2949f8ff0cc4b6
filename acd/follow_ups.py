"""Follow-up calls to customers whose complaint was resolved: the list an agent works from
(due first), and the call itself, dialed through Asterisk from the agent's phone after they
saw the ticket (preview dialing).

A follow-up is only dialed in business hours, and never while an inbound call the agent could
take has waited longer than ``inbound_first_s`` (inbound first). Dialing puts the agent on
not ready (``follow-up``) so no inbound call rings them meanwhile; they go ready when done.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from acd.auth import Principal
from acd.business_hours import BusinessHours
from acd.core import messages as m
from acd.directory import Directory
from acd.routing_live import AgentRequest
from acd.ticket_book import Ticket
from acd.tickets import Tickets

REASON = "follow-up"
Refusal = tuple[int, str, str]
Dial = Callable[[str, str, str], Awaitable[None]]
"""Ring the agent's phone, then the customer's number: (agent, number, ticket)."""


class DialFailed(Exception):
    """The telephony side refused to ring the agent's phone."""


@dataclass(frozen=True, slots=True)
class Due:
    ticket: Ticket
    phone: str
    """Where to call the customer ("" when no number is known)."""
    callable_now: bool


class FollowUps:
    def __init__(self, tickets: Tickets, directory: Directory | None, hours: BusinessHours, *,
                 waiting_for: Callable[[str, float], int], inbound_first_s: float,
                 takes_calls: Callable[[str], bool], submit: Callable[[Any], None],
                 dial: Dial) -> None:  # fmt: skip
        """``waiting_for(agent, seconds)``: inbound calls the agent could take that waited
        longer; ``takes_calls``: whether a user is an agent routing knows."""
        self._tickets, self._directory, self._hours = tickets, directory, hours
        self._waiting_for, self._inbound_first = waiting_for, inbound_first_s
        self._takes_calls, self._submit, self._dial = takes_calls, submit, dial

    def due(self, who: Principal) -> list[Due]:
        """Resolved tickets ``who`` may work on, their follow-up due first."""
        now = self._tickets.clock()
        found = [t for t in self._tickets.book.search(statuses=frozenset({"resolved"}))
                 if t.follow_up_due is not None and self._tickets.may(who, t)]  # fmt: skip
        found.sort(key=lambda t: (t.follow_up_due or 0.0, t.number))
        open_now = self._hours.is_open(now)
        return [Due(t, self.phone(t), open_now and bool(self.phone(t))) for t in found]

    def phone(self, ticket: Ticket) -> str:
        if ticket.customer.startswith("tel:"):
            return ticket.customer[4:]
        customer = self._directory.by_id(ticket.customer) if self._directory else None
        return customer.phones[0] if customer is not None and customer.phones else ""

    async def dial(self, who: Principal, number: str) -> Refusal | None:
        """Call the customer of ticket ``number`` back from ``who``'s phone, if allowed now."""
        ticket = self._tickets.book.get(number)
        now = self._tickets.clock()
        checks = (
            (ticket is None, (404, "no such ticket", f"there is no ticket {number}")),
            (ticket is not None and not self._tickets.may(who, ticket),
             (403, "not yours", f"ticket {number} is another team's")),
            (ticket is not None and ticket.status != "resolved",
             (409, "no follow-up due", f"ticket {number} is {ticket and ticket.status}")),
            (not self._takes_calls(who.user),
             (409, "no phone here", "follow-up calls are made from an agent's phone")),
            (not self._hours.is_open(now),
             (409, "outside business hours", "follow-up calls wait for business hours")),
            (self._waiting_for(who.user, self._inbound_first) > 0,
             (409, "inbound first", f"callers you could take have waited over "
                                    f"{self._inbound_first:g} s")),
        )  # fmt: skip
        refused = next((refusal for failed, refusal in checks if failed), None)
        if refused is not None or ticket is None:
            return refused or (404, "no such ticket", number)
        phone = self.phone(ticket)
        if not phone:
            return 409, "no number", f"customer {ticket.customer} has no phone number on file"
        self._submit(AgentRequest(m.SetNotReady(now, who.user, REASON)))
        await self._dial(who.user, phone, number)
        return None
