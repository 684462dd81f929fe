"""What the Returns feature asks of the device: the return desk, and how the store writes.

``storeassist.services.return_desk.ReturnDesk`` as the screen uses it (style.md §1: a screen never
imports a service; it declares what it calls). What crosses over is the domain's
(:mod:`storeassist.domain.return_desk`, :mod:`storeassist.domain.returns`); an exchange line and a
manager's approval are the contract's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Protocol

from storeassist.contract.kiosk import KioskReturn
from storeassist.contract.returns import ExchangeLine, ReturnApproval
from storeassist.domain.return_desk import ExchangeOption, OpenedReturn, ReturnReceipt
from storeassist.domain.returns import RefundMethod, ReturnDecision, UnitReturn
from storeassist.ui.formatting import StorePlace


class ReturnDeskLike(Protocol):
    """The returns counter's use cases, one call per action. Each raises ``SignInRequired`` with
    nobody signed in; a code that cannot be trusted is a ``TokenError``, an order that cannot be
    found ``ReturnNotFound``, a return this tablet will not take ``ReturnNotPossible`` (or the
    policy's ``ReturnInvalid``), a manager not accepted ``ApprovalRefused``."""

    @property
    def store_id(self) -> int: ...

    @property
    def offline_cap_cents(self) -> int:
        """The most this tablet takes back while it cannot reach the back office."""
        ...

    def open_code(self, code: str, *, customer_id: int | None = None) -> Awaitable[OpenedReturn]:
        """A scanned order or receipt code (checked with the tablet's keys first): with receipt."""
        ...

    def open_number(self, number: str, *, customer_id: int | None = None) -> Awaitable[OpenedReturn]:
        """A typed order number, or one picked from a profile: without receipt."""
        ...

    def kiosk_returns(self) -> Awaitable[tuple[KioskReturn, ...]]:
        """Returns shoppers started at the store's kiosks, not finished yet (needs the back office)."""
        ...

    def open_kiosk_return(self, kiosk_return: KioskReturn) -> Awaitable[OpenedReturn]:
        """Its order, with receipt; :attr:`OpenedReturn.from_kiosk` names it (its lines preselected)."""
        ...

    def decide(
        self, opened: OpenedReturn, units: Sequence[UnitReturn], method: RefundMethod
    ) -> ReturnDecision:
        """The policy applied now (synchronous: the summary follows every tap)."""
        ...

    def exchange_options(self, opened: OpenedReturn, line_no: int) -> list[ExchangeOption]:
        """Other sizes and colours of the line's style at the same price, here or elsewhere."""
        ...

    def new_return_id(self) -> str:
        """The id of the ``return.take`` command a manager's approval names."""
        ...

    def approve(
        self,
        opened: OpenedReturn,
        return_id: str,
        decision: ReturnDecision,
        *,
        badge: str | None,
        staff_number: str | None,
        pin: str,
        reason: str,
    ) -> Awaitable[ReturnApproval]:
        """A manager approves this one return, as ``decision`` shows it, on this tablet (recorded
        at the back office only); it approves no other return, amount or associate."""
        ...

    def take(
        self,
        opened: OpenedReturn,
        return_id: str,
        units: Sequence[UnitReturn],
        method: RefundMethod,
        exchange: Sequence[ExchangeLine],
    ) -> Awaitable[ReturnReceipt]:
        """Decided again, then queued and sent; confirmed, waiting, refused or in conflict."""
        ...


class ReturnsServices(StorePlace, Protocol):
    """What the Returns feature needs of the device (and how its store writes)."""

    @property
    def store_id(self) -> int: ...

    @property
    def returns(self) -> ReturnDeskLike | None: ...
