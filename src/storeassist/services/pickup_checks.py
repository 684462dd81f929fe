"""What the pickup counter checks on this tablet before it writes a hand-over.

``PickupDesk.hand_over`` (``services/pickup_desk.py``) first asks :class:`HandoverChecks`: the
domain's ``plan_handover`` over the line actions, payment, a lock after three wrong pickup codes
(a manager may hand over regardless), the proxy named on the order, a scanned order code that is
this order's (with the cached keys; one signed with a key this tablet does not hold is left to the
hub), and substitutes of the same style on sale here. A refusal is a
:class:`~storeassist.domain.pickups.HandoverInvalid` with a result code the screens word (or
:class:`~storeassist.domain.pickups.PickupNotHere`), and nothing is written.

The desk checks a scanned order code with the same keys (``verify_order_code``), and reads the
products given as substitutes from here, for the receipt and for the orders shown with this
tablet's unconfirmed hand-overs laid over them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from storeassist.contract import (
    CollectPickupPayload,
    HandoverLine,
    Order,
    Product,
    Role,
    StaffSession,
    StockLevel,
)
from storeassist.domain.orders import HandoverProblem, plan_handover
from storeassist.domain.pickups import HandoverInvalid, PickupNotHere, is_named_proxy
from storeassist.domain.tokens import SignedToken, TokenError, TokenKind, TokenUnknownKey, verify_token
from storeassist.local import LocalStoreError

log = logging.getLogger("storeassist.pickups")

#: Roles that may hand over an order locked after three wrong pickup codes.
MANAGING_ROLES: frozenset[Role] = frozenset({"manager", "admin"})
#: The domain's hand-over problems as the result codes the screens word (``contract.RESULT_CODES``).
_PROBLEM_CODES = {"not_pickup": "not_a_pickup", "not_collectable": "order_not_collectable"}


class CheckedCache(Protocol):
    """``storeassist.local.LocalCache`` as the checks read it."""

    def product(self, sku_or_gtin: str) -> Product | None: ...

    def stock_here(self, sku: str) -> StockLevel | None: ...

    def verification_keys(self) -> Mapping[int, Ed25519PublicKey]: ...


class HandoverChecks:
    """The tablet's checks of one store's hand-overs, against what it has cached."""

    def __init__(self, cache: CheckedCache, store_id: int, clock: Callable[[], datetime]) -> None:
        self._cache = cache
        self._store_id = store_id
        self._clock = clock

    def handover(self, order: Order, payload: CollectPickupPayload, staff: StaffSession) -> None:
        """Everything the tablet can check before it writes; each refusal a result code."""
        number = {"order_number": order.number}
        if payload.order_id != order.id:
            raise HandoverInvalid("unknown_order", {"order_id": payload.order_id})
        if order.store_id != self._store_id or order.pickup_state is None:
            raise PickupNotHere(order.number, order.store_id)
        try:
            plan_handover(order.pickup_state, {line.line_no: line for line in order.lines}, payload.lines)
        except HandoverProblem as problem:
            code = _PROBLEM_CODES.get(problem.code, problem.code)
            params: dict[str, str | int] = dict(number)
            if code == "order_not_collectable":
                params["pickup_state"] = order.pickup_state
            if problem.line_no is not None:
                params["line_no"] = problem.line_no
            raise HandoverInvalid(code, params) from None
        if order.payment_state != "paid":
            raise HandoverInvalid("order_unpaid", number)
        if order.pickup_locked and staff.role not in MANAGING_ROLES:
            raise HandoverInvalid("pickup_needs_manager", number)
        self._collector(order, payload)
        self._substitutes(order, payload.lines)

    def verify_order_code(self, code: str) -> SignedToken:
        """An order code checked against this tablet's keys; ``TokenUnknownKey`` when it has none
        to check with (the hub then decides)."""
        try:
            keys = self._cache.verification_keys()
        except LocalStoreError as exc:
            raise TokenUnknownKey() from exc
        if not keys:
            raise TokenUnknownKey()
        return verify_token(code, keys, now=self._clock(), expect={TokenKind.ORDER})

    def substitute_products(self, payload: CollectPickupPayload) -> dict[str, Product]:
        """The products ``payload`` hands over as substitutes, those this tablet has cached."""
        found: dict[str, Product] = {}
        for action in payload.lines.values():
            if action.substitute_sku is not None and action.substitute_sku not in found:
                product = self._cached_product(action.substitute_sku)
                if product is not None:
                    found[action.substitute_sku] = product
        return found

    def _collector(self, order: Order, payload: CollectPickupPayload) -> None:
        number = {"order_number": order.number}
        verification = payload.verification
        if verification.method == "proxy_id":
            named = is_named_proxy(verification.proxy_name, order.proxy_name)
            if not named:
                raise HandoverInvalid("proxy_not_named", number)
        if verification.method == "order_code":
            try:
                token = self.verify_order_code((verification.order_code or "").strip())
            except TokenUnknownKey:
                return  # this tablet cannot tell; the hub checks it
            except TokenError:
                raise HandoverInvalid("order_code_invalid", number) from None
            if token.subject_id != order.id:
                raise HandoverInvalid("order_code_invalid", number)

    def _substitutes(self, order: Order, lines: Mapping[int, HandoverLine]) -> None:
        by_line = {line.line_no: line for line in order.lines}
        wanted: dict[str, int] = {}
        for line_no, action in lines.items():
            if action.substitute_sku is None:
                continue
            sku = action.substitute_sku
            params: dict[str, str | int] = {"order_number": order.number, "sku": sku}
            original = self._cached_product(by_line[line_no].sku)
            substitute = self._cached_product(sku)
            if substitute is None or sku == by_line[line_no].sku:
                raise HandoverInvalid("unknown_substitute", params)
            if original is not None and original.style != substitute.style:
                raise HandoverInvalid("substitute_not_in_style", params)
            wanted[sku] = wanted.get(sku, 0) + action.substituted
            available = self._available_here(sku)
            if available < wanted[sku]:
                raise HandoverInvalid("substitute_out_of_stock", {**params, "available": available})

    def _available_here(self, sku: str) -> int:
        """Units of ``sku`` on sale here (on hand, not held) as this tablet last heard; 0 unknown."""
        try:
            level = self._cache.stock_here(sku)
        except LocalStoreError as exc:
            log.warning("stock here could not be read (%s)", type(exc).__name__)
            return 0
        return 0 if level is None else max(0, level.on_hand - level.held)

    def _cached_product(self, sku: str) -> Product | None:
        try:
            return self._cache.product(sku)
        except LocalStoreError:
            return None
