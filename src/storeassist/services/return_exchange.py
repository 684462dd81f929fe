"""Exchanges at the returns counter: the other sizes and colours a returned line may become, and the
tablet's checks of an exchange before it is written.

An exchange gives, for the units of a returned line, products of the same style at the same unit
price (the hub refuses anything else: ``exchange_not_same_style``, ``exchange_price_differs``), as
many as come back. Handed over now from this store's floor (``carry``: units on sale here, as this
tablet last heard; the hub checks again, ``exchange_out_of_stock``), or ordered by the endless aisle
from another store or the warehouse. Read from the cached catalog and kept stock, so it works
offline; a refusal is a :class:`~storeassist.domain.return_desk.ReturnNotPossible` and nothing is
written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from storeassist.contract import ExchangeLine, Product
from storeassist.domain.return_desk import ExchangeOption, OpenedReturn, ReturnNotPossible
from storeassist.domain.returns import ReturnDecision
from storeassist.domain.stock import available
from storeassist.local import LocalStoreError
from storeassist.local.cache import CachedStockLevel
from storeassist.services.return_collaborators import ReturnCache

log = logging.getLogger("storeassist.returns")
_T = TypeVar("_T")


class ReturnExchanges:
    """What the cache says an exchange may give, and whether one is possible, for one store."""

    def __init__(self, cache: ReturnCache, store_id: int) -> None:
        self._cache = cache
        self._store_id = store_id

    def options(self, opened: OpenedReturn, line_no: int) -> list[ExchangeOption]:
        """Other sizes and colours of line ``line_no``'s style at its unit price with units here or
        at a kept place (another store, or the warehouse as store None): most here first."""
        line = next((line for line in opened.order.lines if line.line_no == line_no), None)
        if line is None:
            return []
        products = [
            p
            for p in _quietly(lambda: self._cache.style_products(line.style), list[Product]())
            if p.sku != line.sku and p.price_cents == line.unit_cents
        ]
        here = _quietly(lambda: self._cache.available_here_many(p.sku for p in products), dict[str, int]())
        options = []
        for product in products:
            elsewhere = self._elsewhere(product.sku)
            if here.get(product.sku, 0) > 0 or elsewhere:
                options.append(
                    ExchangeOption(
                        sku=product.sku,
                        name=product.name,
                        size=product.size,
                        colour=product.colour,
                        available_here=here.get(product.sku, 0),
                        elsewhere=elsewhere,
                    )
                )
        return sorted(options, key=lambda o: (-o.available_here, o.size or "", o.colour or "", o.sku))

    def _elsewhere(self, sku: str) -> tuple[tuple[int | None, str, int], ...]:
        """Kept places other than this store with units of ``sku`` on sale, nearest first."""
        places = []
        for level in _quietly(lambda: self._cache.stock_levels(sku), list[CachedStockLevel]()):
            units = available(level.on_hand, level.held)
            if level.store_id == self._store_id or units <= 0:
                continue
            places.append((None if level.kind == "warehouse" else level.store_id, level.store_name, units))
        return tuple(places)

    def check(self, opened: OpenedReturn, decision: ReturnDecision, exchange: Sequence[ExchangeLine]) -> None:
        """An exchange the hub would refuse, refused here: each line names a returned line, a
        product of its style at its unit price (the same product too: a defective unit for a new
        one), and as many units in all as come back of it; what is carried out now is on sale here,
        the rest comes one way from one place."""
        number = opened.order.number
        if not exchange:
            raise ReturnNotPossible("invalid_command", {"field": "payload.exchange"})
        back = {o.line_no: 0 for o in decision.lines}
        for outcome in decision.lines:
            back[outcome.line_no] += outcome.qty
        given: dict[int, int] = {}
        carried: dict[str, int] = {}
        ways: set[tuple[str, int | None]] = set()
        lines = {line.line_no: line for line in opened.order.lines}
        for item in exchange:
            line = lines.get(item.line_no)
            if line is None or item.line_no not in back:
                raise ReturnNotPossible("invalid_command", {"field": "payload.exchange"})
            params: dict[str, str | int] = {"order_number": number, "sku": item.sku}
            product = self._product(item.sku)
            if product is None or product.style != line.style:
                raise ReturnNotPossible("exchange_not_same_style", params)
            if product.price_cents != line.unit_cents:
                raise ReturnNotPossible("exchange_price_differs", params)
            given[item.line_no] = given.get(item.line_no, 0) + item.qty
            if item.fulfilment == "carry":
                carried[item.sku] = carried.get(item.sku, 0) + item.qty
                continue
            if item.source_store_id == self._store_id:
                raise ReturnNotPossible("source_is_here", {"store_id": self._store_id})
            ways.add((item.fulfilment, item.source_store_id))
        # Each line exchanged for as many units as come back; what is not carried out now is one
        # endless-aisle order (one way, from one place), which needs a customer to send it to.
        if given != back or len(ways) > 1 or (ways and opened.order.customer_id is None):
            raise ReturnNotPossible("invalid_command", {"field": "payload.exchange"})
        here = _quietly(lambda: self._cache.available_here_many(carried), dict[str, int]())
        for sku, qty in carried.items():
            if here.get(sku, 0) < qty:
                raise ReturnNotPossible(
                    "exchange_out_of_stock",
                    {"order_number": number, "sku": sku, "available": here.get(sku, 0)},
                )

    def _product(self, sku: str) -> Product | None:
        return _quietly(lambda: self._cache.product(sku), None)


def _quietly(read: Callable[[], _T], miss: _T) -> _T:
    """A cache read; a store error reads as ``miss`` (logged), never a traceback at the counter."""
    try:
        return read()
    except LocalStoreError as exc:
        log.warning("the cache could not be read for an exchange (%s)", type(exc).__name__)
        return miss
