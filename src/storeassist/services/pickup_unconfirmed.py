"""This tablet's pickup actions the hub has not confirmed yet, laid over the orders the desk shows.

An arrival put in a bin (``services/pickup_arrivals.py``), a hand-over or a confirmed "to restock"
task is in the outbox the moment it is made (``services/pending_actions.py`` reads it back); until
the hub answers, every order ``PickupDesk`` shows, from the hub or the cache, shows it done here
(the domain's ``apply_receive``, ``apply_handover``, ``apply_restock``) and is marked waiting to
sync.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence

from storeassist.contract import (
    CollectPickupPayload,
    Order,
    Product,
    ReceivePickupCommand,
    RestockPickupCommand,
)
from storeassist.domain.orders import HandoverProblem
from storeassist.domain.pickups import apply_handover, apply_receive, apply_restock
from storeassist.local import LocalStoreError
from storeassist.services.pending_actions import PendingActions, PickupAction, UnconfirmedCommands

log = logging.getLogger("storeassist.pickups")


class UnconfirmedPickups:
    """The pickup actions waiting in this tablet's outbox, applied to the orders read."""

    def __init__(
        self,
        outbox: UnconfirmedCommands,
        products: Callable[[CollectPickupPayload], Mapping[str, Product]],
    ) -> None:
        """``products(payload)``: the cached products a hand-over gives as substitutes."""
        self._pending = PendingActions(outbox)
        self._products = products

    def laid_over(self, orders: Iterable[Order]) -> tuple[list[Order], frozenset[int]]:
        """``orders`` with the arrivals, hand-overs and restocks made here and not yet confirmed applied;
        and the ids of the orders they touch."""
        orders = list(orders)
        try:
            actions = self._pending.pickup_actions()
        except LocalStoreError as exc:
            log.warning("actions waiting to sync could not be read (%s)", type(exc).__name__)
            return orders, frozenset()
        if not actions:
            return orders, frozenset()
        shown = [
            _applied(order, actions[order.id], self._products) if order.id in actions else order
            for order in orders
        ]
        return shown, frozenset(order.id for order in orders if order.id in actions)


def _applied(
    order: Order,
    actions: Sequence[PickupAction],
    products: Callable[[CollectPickupPayload], Mapping[str, Product]],
) -> Order:
    for action in actions:
        if isinstance(action, ReceivePickupCommand):  # recorded by ``services/pickup_arrivals.py``
            order = apply_receive(order, action.payload.bin)
            continue
        if isinstance(action, RestockPickupCommand):
            order = apply_restock(order)
            continue
        if order.last_handover_at is not None and order.last_handover_at >= action.issued_at:
            # The hub dates a hand-over by its tablet's clock: this copy already holds it (or one
            # after it), though its answer has not reached this tablet; applying it again would
            # hand the same units over twice on screen.
            continue
        try:
            order = apply_handover(
                order, action.payload.lines, at=action.issued_at, products=products(action.payload)
            )
        except HandoverProblem:
            # The hub's order moved on since (another tablet, a change): the hub decides; the order
            # still shows as waiting to sync.
            log.info("a waiting hand-over no longer fits order %d as last read", order.id)
    return order
