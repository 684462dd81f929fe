"""The returns part of ``cache.sqlite``: orders opened at the returns counter, kept for offline use.

An order the hub answered for a return (``contract.ReturnableOrder``) is kept by its id, number
and the signed code it was found with, so the same scan or number opens it when the hub cannot be
reached. It names its customer, so it is personal data: kept at the level an associate sees (the
answer carries a name, no contact details) and only until ``personal_data_ttl`` after it was last
stored, then not served and purged with the profiles (:meth:`LocalCache.purge_expired`).

A kept order may already count returns this tablet took since the hub answered (``laid_over``,
their command ids), so the desk does not lay the same return over twice. Counting one more
(:meth:`ReturnOrders.count_return_in_kept_order`) changes the kept copy, not how long it is kept:
only the hub's answer starts its lifetime again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, select

from storeassist.contract import ReturnableOrder
from storeassist.local.cache_file import CacheFile
from storeassist.local.cache_schema import return_orders
from storeassist.words import QT_TRANSLATE_NOOP

_NOT_KEPT = QT_TRANSLATE_NOOP("messages", "This order could not be saved for offline use on this device.")
_UPSERT = (
    "INSERT INTO return_orders (order_id, number, receipt_code, data, laid_over, expires_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET number = excluded.number, "
    # A number typed later keeps the code the order was scanned with before.
    "receipt_code = coalesce(excluded.receipt_code, return_orders.receipt_code), data = excluded.data, "
    "laid_over = excluded.laid_over, expires_at = excluded.expires_at"
)


_COUNT_RETURN = "UPDATE return_orders SET data = ?, laid_over = ? WHERE order_id = ? AND expires_at > ?"


@dataclass(frozen=True, slots=True)
class KeptReturnOrder:
    """A kept order, and the ids of this tablet's returns already counted in it."""

    order: ReturnableOrder
    laid_over: frozenset[str]


class ReturnOrders:
    """The return-order reads and writes of :class:`~storeassist.local.cache.LocalCache` (a part of
    it). A miss, an expired row or a damaged file answers None; a damaged row is dropped."""

    _file: CacheFile
    personal_data_ttl: timedelta

    def keep_return_order(
        self,
        order: ReturnableOrder,
        *,
        now: datetime,
        receipt_code: str | None = None,
        laid_over: Iterable[str] = (),
    ) -> None:
        """Keep ``order`` until ``now`` + the personal-data lifetime; ``receipt_code`` is the
        signed code it was opened with, if any; ``laid_over``, the returns it already counts."""
        row = (
            order.order_id,
            order.number,
            receipt_code,
            order.model_dump_json(),
            json.dumps(sorted(set(laid_over))),
            _epoch(now + self.personal_data_ttl),
        )
        self._file.write(
            "return order write", lambda c: c.exec_driver_sql(_UPSERT, row), user_message=_NOT_KEPT
        )

    def count_return_in_kept_order(
        self, order: ReturnableOrder, *, now: datetime, laid_over: Iterable[str]
    ) -> None:
        """The kept copy of ``order`` replaced by ``order`` (with a return taken here counted in it,
        ``laid_over`` naming them all), kept no longer than it already was; an order not kept, or
        past its time, stays so."""
        row = (
            order.model_dump_json(),
            json.dumps(sorted(set(laid_over))),
            order.order_id,
            _epoch(now),
        )
        self._file.write(
            "return order write", lambda c: c.exec_driver_sql(_COUNT_RETURN, row), user_message=_NOT_KEPT
        )

    def return_order(self, order_id: int, *, now: datetime) -> KeptReturnOrder | None:
        return self._kept_return_order(return_orders.c.order_id == order_id, now)

    def return_order_by_number(self, number: str, *, now: datetime) -> KeptReturnOrder | None:
        return self._kept_return_order(return_orders.c.number == number, now)

    def return_order_by_code(self, code: str, *, now: datetime) -> KeptReturnOrder | None:
        """The order last opened with this signed code (a pickup receipt names a hand-over, not
        the order, so the code itself is the key)."""
        return self._kept_return_order(return_orders.c.receipt_code == code, now)

    def _kept_return_order(self, match: ColumnElement[bool], now: datetime) -> KeptReturnOrder | None:
        query = (
            select(return_orders.c.order_id, return_orders.c.data, return_orders.c.laid_over)
            .where(match, return_orders.c.expires_at > _epoch(now))
            .limit(1)
        )
        row = self._file.read("return order read", lambda c: c.execute(query).first(), miss=None)
        if row is None:
            return None
        order_id, data, laid_over = row
        drop = _drop(order_id)
        order = self._file.parse(ReturnableOrder, data, "return order", drop)
        if order is None:
            return None
        ids = _ids(laid_over)
        if ids is None:
            self._file.drop_damaged("return order", drop)
            return None
        return KeptReturnOrder(order=order, laid_over=ids)


def purge_expired_return_orders(connection: Connection, now: datetime) -> None:
    """Within the cache's purge: the kept return orders past their expiry."""
    connection.execute(delete(return_orders).where(return_orders.c.expires_at <= _epoch(now)))


def _ids(text: object) -> frozenset[str] | None:
    try:
        value: Any = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return frozenset(value)


def _drop(order_id: int) -> Callable[[Connection], object]:
    return lambda connection: connection.execute(
        delete(return_orders).where(return_orders.c.order_id == order_id)
    )


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())
