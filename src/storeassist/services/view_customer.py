"""View a customer: the one place that decides what of a profile the signed-in person sees, and audits it.

A screen asks for a customer (by scanned code or by id) and gets a :class:`ShownCustomer`
already trimmed to the signed-in role, with its audit decided: the hub audits every profile it
serves; a profile this tablet answers from its own copy is queued as a ``profile.view`` command,
in the name of whoever asked, when the screen reports it shown (:meth:`ShownCustomer.shown`) —
an answer the screen drops (a newer scan came first) is no view and leaves no row. Notes written
on this tablet that the hub has not confirmed yet come with it, marked as waiting to sync, so the
associate sees at once what they just did.

Nobody signed in: :class:`SignInRequired`, and nothing is looked up. A screen makes no privacy
or audit decision of its own (its checks of role are display only).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from storeassist.contract import CustomerPage, CustomerProfile, CustomerSummary, Role
from storeassist.domain.privacy import access_for, restrict_page, restrict_profile, restrict_summary
from storeassist.services.identify_customer import IdentifiedCustomer
from storeassist.words import QT_TRANSLATE_NOOP

log = logging.getLogger("storeassist.services")


class SignInRequired(PermissionError):
    """Nobody is signed in on this tablet: customers stay closed until someone is."""

    user_message = QT_TRANSLATE_NOOP(
        "messages", "Sign in first: scan your staff badge, or tap “Sign in” at the top."
    )


@dataclass(frozen=True, slots=True)
class ShownCustomer:
    """A profile ready for the screen: trimmed for ``role``, with this tablet's own news."""

    profile: CustomerProfile
    source: Literal["online", "cache"]
    as_of: datetime
    role: Role
    see_lifetime_value: bool
    #: Notes written on this tablet the hub has not confirmed yet (oldest first).
    waiting_notes: Sequence[str] = field(default_factory=tuple)
    #: The device's copy, shown while the hub is asked; the hub's answer replaces it.
    checking: bool = False
    #: Records the view where the hub could not (the tablet's own copy as the answer); None else.
    _record_view: Callable[[], object] | None = field(default=None, repr=False, compare=False)

    def shown(self) -> None:
        """The screen put this on screen as the answer: the view goes on the audit trail if the
        hub did not see it (at most once; never lost in silence)."""
        record = self._record_view
        if record is None:
            return
        try:
            record()
        except Exception as exc:  # the customer is served either way; the log says it is missing
            log.warning("an offline profile view could not be recorded (%s)", type(exc).__name__)


class CustomerLookup(Protocol):
    """``IdentifyCustomer`` as this service uses it."""

    def cached_customer(self, text: str) -> IdentifiedCustomer | None: ...

    async def identify_by_token(self, text: str, store_id: int) -> IdentifiedCustomer: ...

    async def identify_by_id(self, customer_id: int, store_id: int) -> IdentifiedCustomer: ...


class CustomerSearch(Protocol):
    """``SearchCustomers`` as this service uses it."""

    async def search(self, text: str, page: int = 0) -> CustomerPage: ...


def _no_waiting_notes(_customer_id: int) -> Sequence[str]:
    return ()


class ViewCustomer:
    """Profile and search results for whoever is signed in, trimmed and audited here."""

    def __init__(
        self,
        lookup: CustomerLookup,
        store_id: int,
        role: Callable[[], Role | None],
        *,
        staff_id: Callable[[], int | None] = lambda: None,
        record_cached_view: Callable[[int, int | None], object] | None = None,
        waiting_notes: Callable[[int], Sequence[str]] = _no_waiting_notes,
        search: CustomerSearch | None = None,
    ) -> None:
        """``role``: the signed-in person's role, None when nobody is; ``staff_id``: who that is.
        ``record_cached_view(customer_id, staff_id)`` queues the audit entry of a profile shown
        from this tablet alone."""
        self._lookup = lookup
        self.store_id = store_id
        self._role = role
        self._staff_id = staff_id
        self._record_cached_view = record_cached_view
        self._waiting_notes = waiting_notes
        self._search = search

    @property
    def signed_in(self) -> bool:
        return self._role() is not None

    def cached(self, text: str) -> ShownCustomer | None:
        """This tablet's copy of the customer a code names, to paint while the hub is asked.

        Not a view of its own: :meth:`by_token`'s answer follows it (the hub's, audited there, or
        this copy again). Raises the code's ``TokenError`` if the device refuses it."""
        role = self._require_role()
        found = self._lookup.cached_customer(text)
        return None if found is None else self._shown(found, role, checking=True, who=None)

    async def by_token(self, text: str) -> ShownCustomer:
        role, who = self._require_role(), self._staff_id()
        found = await self._lookup.identify_by_token(text, self.store_id)
        return self._shown(found, self._still(role), checking=False, who=who)

    async def by_id(self, customer_id: int) -> ShownCustomer:
        role, who = self._require_role(), self._staff_id()
        found = await self._lookup.identify_by_id(customer_id, self.store_id)
        return self._shown(found, self._still(role), checking=False, who=who)

    async def search(self, text: str, page: int = 0) -> CustomerPage:
        """Search results masked for the role (the hub masks them too)."""
        role = self._require_role()
        if self._search is None:
            raise SignInRequired()  # pragma: no cover - every device is given a search
        return restrict_page(await self._search.search(text, page), self._still(role))

    def mask(self, summary: CustomerSummary) -> CustomerSummary:
        """One search result as the signed-in role may see it (nobody: the least)."""
        return restrict_summary(summary, self._role() or "associate")

    def _require_role(self) -> Role:
        role = self._role()
        if role is None:
            raise SignInRequired()
        return role

    def _still(self, role: Role) -> Role:
        """The answer arrived: shown as the person signed in now may see it (another person may
        have taken over meanwhile: then no more than an associate sees); nobody now: nobody."""
        now = self._role()
        if now is None:
            raise SignInRequired()
        return now if now == role else "associate"

    def _shown(
        self, found: IdentifiedCustomer, role: Role, *, checking: bool, who: int | None
    ) -> ShownCustomer:
        profile = restrict_profile(found.profile, role)
        customer_id = profile.customer.id
        record_view: Callable[[], object] | None = None
        record = self._record_cached_view
        if found.source == "cache" and not checking and record is not None:
            # In the name of who asked, whoever is signed in when the screen paints it.
            record_view = functools.partial(_once(record), customer_id, who)
        try:
            waiting = tuple(self._waiting_notes(customer_id))
        except Exception as exc:  # the outbox unreadable: the profile still shows
            log.warning("notes waiting to sync could not be read (%s)", type(exc).__name__)
            waiting = ()
        return ShownCustomer(
            profile=profile,
            source=found.source,
            as_of=found.as_of,
            role=role,
            see_lifetime_value=access_for(role).see_lifetime_value,
            waiting_notes=waiting,
            checking=checking,
            _record_view=record_view,
        )


def _once(record: Callable[[int, int | None], object]) -> Callable[[int, int | None], object]:
    """``record``, run at most once however often the screen reports the view shown."""
    done = False

    def run(customer_id: int, staff_id: int | None) -> object:
        nonlocal done
        if done:
            return None
        done = True
        return record(customer_id, staff_id)

    return run
