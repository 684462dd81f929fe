"""The managers' approvals the hub recorded on this tablet, as the return desk remembers them.

An approval is of one return as the manager was shown it (``ReturnApprovalRequest``): that order,
asked by the associate signed in then, paying back at most that much, for the policy's reasons.
The hub holds the return to exactly that (``hub/services/return_approvals.py``); the desk checks it
too before it queues the return, so a return that changed since, a return of someone else signed
in since, or an approval past its time, asks the manager again instead of being refused later.
Someone else signing in forgets every approval the one before was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storeassist.contract import ReturnApproval
from storeassist.domain.returns import ReturnDecision


@dataclass(frozen=True, slots=True)
class GivenApproval:
    """A manager's approval of one return, and what it approved."""

    approval: ReturnApproval
    staff_id: int
    order_id: int
    paid_back_cents: int
    reasons: frozenset[str]

    def approves(self, staff_id: int, order_id: int, decision: ReturnDecision, now: datetime) -> bool:
        """Whether it approves ``decision`` of order ``order_id`` by ``staff_id`` at ``now``."""
        return (
            self.staff_id == staff_id
            and self.order_id == order_id
            and decision.paid_back_cents <= self.paid_back_cents
            and set(decision.approvals) <= self.reasons
            and now < self.approval.expires_at
        )


class GivenApprovals:
    """The approvals given on this tablet, by return id, for one signed-in staff member at a time."""

    def __init__(self) -> None:
        self._staff_id: int | None = None
        self._by_return: dict[str, GivenApproval] = {}

    def signed_in(self, staff_id: int) -> None:
        """``staff_id`` is signed in now: the approvals given to anyone before are forgotten."""
        if staff_id != self._staff_id:
            self._by_return.clear()
            self._staff_id = staff_id

    def add(self, given: GivenApproval) -> None:
        self.signed_in(given.staff_id)
        self._by_return[str(given.approval.return_id)] = given

    def approved(
        self, return_id: str, staff_id: int, order_id: int, decision: ReturnDecision, now: datetime
    ) -> GivenApproval | None:
        """The approval of this very return, if one was given and still holds; one that no longer
        does (expired, or of another amount, order, reasons) is forgotten: the manager is asked
        again."""
        self.signed_in(staff_id)
        given = self._by_return.get(return_id)
        if given is None:
            return None
        if not given.approves(staff_id, order_id, decision, now):
            del self._by_return[return_id]
            return None
        return given
