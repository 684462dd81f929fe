"""The self-service kiosk's tables (0008): what shoppers asked an associate for, and returns they
started at the kiosk for an associate to finish at the counter.

Neither holds personal data: a request names a product, a started return an order and the code
the shopper scanned (a signed code of that order, as a receipt carries it). Both are in
``models.Base``'s metadata (``models`` imports this module at its end).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storeassist.hub.db.models import Base


class AssistRequest(Base):
    """A shopper at the kiosk asked an associate for something (``kind`` 'hold': to hold
    ``qty`` of a product for them); ``status`` 'open' until an associate taps Done ('done')."""

    __tablename__ = "assist_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    kind: Mapped[str] = mapped_column(String(8))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    qty: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(8))
    done_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    done_at: Mapped[datetime | None]
    #: A store's open requests, oldest first (the associates' list).
    __table_args__ = (Index("ix_assist_requests_store", "store_id", "status", "at"),)


class KioskReturn(Base):
    """A return a shopper started at the kiosk: the order, the code they scanned, the lines and
    reasons they chose (``lines``: ``[{"line_no", "qty", "reason"}]``), and the ``reference``
    ("K-4821") they tell the associate, unique per store and the store's ``day``. ``status``
    'open' until ``return.take`` names it ('finished', with the ``return_id`` that took it)."""

    __tablename__ = "kiosk_returns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    reference: Mapped[str] = mapped_column(String(12))
    day: Mapped[date] = mapped_column(Date)
    code: Mapped[str] = mapped_column(String(120))
    lines: Mapped[list[Any]]
    at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10))
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"))
    finished_at: Mapped[datetime | None]
    __table_args__ = (
        Index("ix_kiosk_returns_reference", "store_id", "day", "reference", unique=True),
        Index("ix_kiosk_returns_store", "store_id", "status", "at"),
    )
