"""The self-service kiosk's tables (0008): what shoppers asked an associate for, and returns they
started at the kiosk for an associate to finish at the counter. Each row keeps the kiosk's
``request_id`` for the shopper's action (0010), unique per kiosk, so a retry is applied once.

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
    #: The kiosk's id of the shopper's action (0010); None from a kiosk of the release before.
    request_id: Mapped[str | None] = mapped_column(String(36))
    __table_args__ = (
        #: A store's open requests, oldest first (the associates' list).
        Index("ix_assist_requests_store", "store_id", "status", "at"),
        #: One row per action of a kiosk: its retry finds the first.
        Index("ix_assist_requests_request", "device_id", "request_id", unique=True),
    )


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
    #: The kiosk's id of the shopper's action (0010); None from a kiosk of the release before.
    request_id: Mapped[str | None] = mapped_column(String(36))
    __table_args__ = (
        Index("ix_kiosk_returns_reference", "store_id", "day", "reference", unique=True),
        Index("ix_kiosk_returns_store", "store_id", "status", "at"),
        Index("ix_kiosk_returns_request", "device_id", "request_id", unique=True),
    )
