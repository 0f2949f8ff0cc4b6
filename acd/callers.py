"""Who is calling, for the screen-pop: the IVR's own lookup first; else the external CRM, if
there is one (the built-in directory standing in when it fails); else the directory.

The caller is known at once from the IVR or the directory; a CRM answer comes later, so the
pop never waits for it: it says ``crm: pending`` and an update follows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

from acd.adapters.crm.http import CrmAnswer, CrmUnavailable
from acd.directory import Directory
from acd.ticket_book import TicketBook

NOT_CLOSED = frozenset({"open", "escalated", "resolved", "followed_up"})


class Crm(Protocol):
    async def find(self, number: str) -> CrmAnswer: ...


class Callers:
    def __init__(self, directory: Directory | None, crm: Crm | None = None,
                 tickets: TicketBook | None = None) -> None:  # fmt: skip
        """``tickets``: the complaints acd keeps (the directory may hold older ones)."""
        self._directory, self._crm, self._tickets = directory, crm, tickets

    def first(self, ivr_vars: dict[str, str]) -> tuple[dict[str, Any], bool]:
        """The caller as known now (taking ``caller_id`` and ``customer_*`` out of the IVR's
        variables), and whether the CRM is still to be asked."""
        number = ivr_vars.pop("caller_id", "")
        found = {k[9:]: ivr_vars.pop(k) for k in list(ivr_vars) if k.startswith("customer_")}
        caller: dict[str, Any] = {"number": number, "customer": found or None,
                                  "found_by": "ivr" if found else "none",
                                  "verified": ivr_vars.get("verified") == "yes"}  # fmt: skip
        if found or not number:
            return caller, False
        if self._crm is not None:
            return {**caller, "crm": "pending"}, True
        return {**caller, **self._from_directory(number)}, False

    async def from_crm(self, caller: dict[str, Any]) -> dict[str, Any]:
        """The caller once the CRM answered, or with the directory and why the CRM did not."""
        assert self._crm is not None
        try:
            answer = await self._crm.find(caller["number"])
        except Exception as exc:  # CrmUnavailable, or anything else: the pop must not hang
            why = str(exc) if isinstance(exc, CrmUnavailable) else f"lookup failed: {exc!r}"
            fallback = self._from_directory(caller["number"])
            return {**caller, **fallback, "crm": f"unavailable: {why}"}
        found = {"customer": answer.customer, "found_by": "crm" if answer.customer else "none"}
        return {**caller, **found, "crm": "ok"}

    def tickets(self, caller: dict[str, Any]) -> list[dict[str, str]]:
        """The caller's complaint tickets not closed, newest first: acd's own (by customer
        id, else by number), then the directory's."""
        customer = caller.get("customer") or {}
        key = customer.get("id") or (f"tel:{caller['number']}" if caller.get("number") else "")
        found = []
        if self._tickets is not None and key:
            found = [{"number": t.number, "status": t.status, "category": t.category,
                      "summary": t.description[:200], "severity": t.severity,
                      "opened": dt.datetime.fromtimestamp(t.opened, dt.UTC).isoformat(),
                      "owner": t.owner}
                     for t in self._tickets.search(customer=key, statuses=NOT_CLOSED)]  # fmt: skip
        if self._directory is not None and customer.get("id"):
            found += [ticket.public() for ticket in self._directory.open_tickets(customer["id"])]
        return found

    def complaint_owner(self, ivr_vars: Mapping[str, str]) -> str | None:
        """Whose the caller's open complaint is, if they have one: the caller known by the
        IVR's customer id, else by their number in the directory, else by the number."""
        if self._tickets is None:
            return None
        number = ivr_vars.get("caller_id", "")
        customer = ivr_vars.get("customer_id") or ""
        if not customer and self._directory is not None and number:
            found = self._directory.by_phone(number)
            customer = found.id if found is not None else ""
        owner = self._tickets.owner_of(customer) if customer else None
        return owner or (self._tickets.owner_of(f"tel:{number}") if number else None)

    def _from_directory(self, number: str) -> dict[str, Any]:
        customer = self._directory.by_phone(number) if self._directory else None
        if customer is None:
            return {"customer": None, "found_by": "none"}
        return {"customer": customer.public(), "found_by": "directory"}
