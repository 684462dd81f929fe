"""The hub's tables.

Ids are integers; the wire contract (``storeassist.contract``) is built from these rows by the
hub's services. ``change_log`` records what changed so devices can pull deltas by cursor.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeEngine


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, type[TypeEngine[Any]] | TypeEngine[Any]]] = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class Store(Base):
    __tablename__ = "stores"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(2))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    timezone: Mapped[str] = mapped_column(String(40))
    hours: Mapped[str] = mapped_column(String(80))
    # How the store's tablets write numbers, dates and money (0004): a Qt/CLDR locale name, and the
    # ISO 4217 currency every amount for this store is in.
    locale: Mapped[str] = mapped_column(String(16), default="en_US", server_default="en_US")
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    #: 'store', or 'warehouse': the chain's distribution centre, which ships but sells nothing (0006).
    kind: Mapped[str] = mapped_column(String(10), default="store", server_default="store")


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    gtin: Mapped[str] = mapped_column(String(14), unique=True)
    style: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(160))
    brand: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(60), index=True)
    price_cents: Mapped[int] = mapped_column(Integer)
    size: Mapped[str | None] = mapped_column(String(12))
    colour: Mapped[str | None] = mapped_column(String(24))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The name in the catalog's other languages, by language code (0006).
    names: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))


class Inventory(Base):
    __tablename__ = "inventory"
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(Integer)
    held: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]
    # Covers "which stores have these products in stock" without touching the table (0002).
    __table_args__ = (Index("ix_inventory_stock", "product_id", "store_id", "on_hand", "held"),)


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loyalty_id: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), index=True)  # casefolded, for prefix search
    email: Mapped[str] = mapped_column(String(160), index=True)
    phone: Mapped[str] = mapped_column(String(24), index=True)  # digits only, E.164 without '+'
    language: Mapped[str] = mapped_column(String(5))
    address: Mapped[str | None] = mapped_column(String(200))  # postal, in the customer's script
    points: Mapped[int] = mapped_column(Integer, default=0)
    member_since: Mapped[date] = mapped_column(Date)
    preferred_store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    preferred_channel: Mapped[str] = mapped_column(String(12))
    sizes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    preferences: Mapped[list[Any]] = mapped_column(JSON, default=list)
    consent_email: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_push: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_post: Mapped[bool] = mapped_column(Boolean, default=False)
    card_serial: Mapped[int] = mapped_column(Integer, default=1)  # printed loyalty card in use
    lifetime_value_cents: Mapped[int] = mapped_column(BigInteger, default=0)


class PointsEntry(Base):
    __tablename__ = "points_ledger"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    at: Mapped[datetime]
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(60))


class CardRevocation(Base):
    __tablename__ = "card_revocations"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    serial: Mapped[int] = mapped_column(Integer, primary_key=True)
    revoked_at: Mapped[datetime]


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    channel: Mapped[str] = mapped_column(String(12))  # web, app, store, marketplace
    placed_at: Mapped[datetime]
    # placed, shipped, delivered, late, failed, completed, ...
    status: Mapped[str] = mapped_column(String(20))
    fulfilment: Mapped[str] = mapped_column(String(10))  # ship, bopis, curbside, carry
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    pickup_state: Mapped[str | None] = mapped_column(String(20))
    pickup_deadline: Mapped[datetime | None]
    total_cents: Mapped[int] = mapped_column(Integer)
    # Pickup orders (0005): where it waits, who may collect, whether it is paid, whether the
    # customer is here, and its six-digit pickup code (only a hash; see services.pickup_codes).
    pickup_bin: Mapped[str | None] = mapped_column(String(16))
    proxy_name: Mapped[str | None] = mapped_column(String(120))
    payment_state: Mapped[str] = mapped_column(String(8), default="paid", server_default="paid")
    customer_waiting_since: Mapped[datetime | None]
    pickup_code_hash: Mapped[str | None] = mapped_column(String(64))
    pickup_code_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Three wrong pickup codes: only a manager may hand it over now.
    pickup_locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Where an endless-aisle order's units come from: another store or the warehouse (0006).
    source_store_id: Mapped[int | None] = mapped_column(Integer)
    #: The shopper may collect it at the store's kiosk, from the counter or ``locker`` (0008).
    kiosk_pickup: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    locker: Mapped[str | None] = mapped_column(String(16))
    __table_args__ = (
        Index("ix_orders_customer", "customer_id", "placed_at"),
        # A store's queue in its order, found and sorted in the index (0005).
        Index("ix_orders_pickup_queue", "store_id", "pickup_state", "pickup_deadline", "id"),
    )


class OrderLine(Base):
    __tablename__ = "order_lines"
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    qty: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Integer)
    qty_collected: Mapped[int] = mapped_column(Integer, default=0)
    qty_returned: Mapped[int] = mapped_column(Integer, default=0)
    #: Units cancelled (missing, damaged, expired; or handed over as another line) (0005).
    qty_cancelled: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The line this one was handed over instead of (another size or colour).
    substitutes_line: Mapped[int | None] = mapped_column(Integer)


class PickupHandover(Base):
    """One applied ``pickup.collect``: who handed what over, to whom, checked how, confirmed how.

    An ID is kept by its type and last characters only, never its whole number."""

    __tablename__ = "pickup_handovers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    command_id: Mapped[str] = mapped_column(String(36), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[datetime]
    method: Mapped[str] = mapped_column(String(12))  # order_code, pickup_code, photo_id, proxy_id
    document_type: Mapped[str | None] = mapped_column(String(16))
    document_last: Mapped[str | None] = mapped_column(String(4))
    proxy_name: Mapped[str | None] = mapped_column(String(120))
    confirmed_name: Mapped[str | None] = mapped_column(String(120))
    signature: Mapped[str | None] = mapped_column(Text)  # SVG path data
    lines: Mapped[dict[str, Any]] = mapped_column(JSON)  # line_no → what happened to it
    __table_args__ = (Index("ix_pickup_handovers_order", "order_id", "at"),)


class Refund(Base):
    """Units of a pickup line cancelled and paid back."""

    __tablename__ = "refunds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    qty: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(8))  # missing, damaged, expired
    at: Mapped[datetime]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))


class Notification(Base):
    """What the hub would tell a customer about a pickup, by which channel, when. It records;
    sending is another system's job."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    kind: Mapped[str] = mapped_column(String(10))  # ready, reminder, collected, cancelled
    channel: Mapped[str] = mapped_column(String(6))  # email, sms, push, none
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
    __table_args__ = (Index("ix_notifications_customer", "customer_id", "at"),)


class Tender(Base):
    __tablename__ = "tenders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # card, gift_card, points, cash, paypal, exchange
    amount_cents: Mapped[int] = mapped_column(Integer)


class Return(Base):
    """Units of an order taken back. ``refund_cents`` is the money paid back (to the tenders and as
    store credit); restored points are ``points_restored``. The columns from ``command_id`` on
    (0007) describe a return taken at a counter (``return.take``); a return recorded before has
    them NULL or 0."""

    __tablename__ = "returns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    at: Mapped[datetime]
    refund_cents: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(60))
    #: The ``return.take`` command that took it (its id is the return's reference until then).
    command_id: Mapped[str | None] = mapped_column(String(36))
    device_id: Mapped[int | None] = mapped_column(Integer)
    staff_id: Mapped[int | None] = mapped_column(Integer)
    #: The manager whose approval it needed (``return_approvals``).
    approved_by: Mapped[int | None] = mapped_column(Integer)
    method: Mapped[str | None] = mapped_column(String(16))  # original_tender, store_credit, exchange
    with_receipt: Mapped[bool | None] = mapped_column(Boolean)
    #: Taken while the tablet could not reach the hub ("pending confirmation" until applied).
    offline: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    store_credit_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    exchange_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    points_reversed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    points_restored: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The endless-aisle order an exchange not in stock here made.
    exchange_order_id: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (Index("ix_returns_command", "command_id", unique=True),)


class ReturnLine(Base):
    """Units of one order line in one return: why, in what state, where they went, what was paid
    back (0007). ``condition`` and ``disposition`` are NULL for returns recorded before 0007."""

    __tablename__ = "return_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    qty: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(20))  # domain.returns.ReturnReason
    condition: Mapped[str | None] = mapped_column(String(12))  # resellable, opened, damaged, defective
    disposition: Mapped[str | None] = mapped_column(String(16))  # restock, return_to_vendor, destroy
    goods_cents: Mapped[int] = mapped_column(Integer)
    fee_cents: Mapped[int] = mapped_column(Integer)
    refund_cents: Mapped[int] = mapped_column(Integer)
    #: A line's returns, summed for the next return's facts (``services.return_facts``).
    __table_args__ = (Index("ix_return_lines_order", "order_id", "line_no"),)


class TenderRefund(Base):
    """Money paid back to one of an order's tenders (0007): a request the payment system executes
    (``status`` 'requested'), or paid back by the hub itself (``settled``: points, an exchange's
    value); kinds and amounts only, never card data. For a return or for a pickup's cancelled
    units (``refunds``)."""

    __tablename__ = "tender_refunds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"))
    amount_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime]
    __table_args__ = (Index("ix_tender_refunds_order", "order_id", "tender_id"),)


class StoreCredit(Base):
    """Store credit paid out (0007): by a return, or by a pickup's refund (``refund_id``) of units
    of an order an exchange paid for."""

    __tablename__ = "store_credits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    amount_cents: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime]


class ReturnApproval(Base):
    """A manager's approval of one return, given on the associate's tablet (0007): keyed by the
    ``return.take`` command's id, used once, within ``expires_at``, and only for what was
    approved: that order, asked by that associate (``staff_id``), paying back at most
    ``paid_back_cents``, for the policy's ``reasons`` (comma-separated ``ApprovalReason``)."""

    __tablename__ = "return_approvals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    return_id: Mapped[str] = mapped_column(String(36), index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    paid_back_cents: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Event(Base):
    """Behaviour across channels: product views, cart adds, abandoned carts, reviews."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(12))  # view, cart_add, cart_abandon, review
    channel: Mapped[str] = mapped_column(String(12))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    rating: Mapped[int | None] = mapped_column(Integer)  # reviews: 1..5
    __table_args__ = (Index("ix_events_customer", "customer_id", "at"),)


class ServiceCase(Base):
    __tablename__ = "service_cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    opened_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10))  # open, pending, resolved
    subject: Mapped[str] = mapped_column(String(160))
    sentiment: Mapped[float] = mapped_column(Float)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))


class Hold(Base):
    __tablename__ = "holds"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the placing command's id
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    qty: Mapped[int] = mapped_column(Integer)
    placed_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    # active, expired, released, collected
    status: Mapped[str] = mapped_column(String(10), default="active")
    #: When it stopped being active (0006); an ended hold not yet ``put_back_at`` is a floor task.
    ended_at: Mapped[datetime | None]
    put_back_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_holds_store_status", "store_id", "status"),)


class CustomerNote(Base):
    __tablename__ = "customer_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    at: Mapped[datetime]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    text: Mapped[str] = mapped_column(Text)


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    staff_number: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(12))  # associate, supervisor, manager, admin
    badge: Mapped[str] = mapped_column(String(16), unique=True)  # printed label only; signs no one in
    pin_hash: Mapped[str] = mapped_column(String(128))  # scrypt, "salt$hash" hex
    #: The serial of the one valid signed badge; raising it revokes every badge printed before.
    badge_serial: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class StaffSession(Base):
    """A staff member signed in on one device: the hub's proof of who is asking.

    Only the token's SHA-256 is kept. A session ends at sign-out, at a new sign-in on the same
    device, after ``idle`` without a request, or at its absolute ``expires_at``.
    """

    __tablename__ = "staff_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    store_id: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(12))
    started_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_why: Mapped[str | None] = mapped_column(String(16))  # sign_out, replaced


class Device(Base):
    __tablename__ = "devices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(8))  # tablet, kiosk
    credential_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the bearer
    enrolled_at: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When and why IT revoked it (``storeassist-hub devices revoke``; 0008): the hub says why.
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(200))


class EnrollmentCode(Base):
    __tablename__ = "enrollment_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class SigningKey(Base):
    """Ed25519 keys for loyalty and order codes. The private half never leaves the hub.

    ``active``: the key signing new codes (after a rotation the old one stays published).
    ``retired_at``: when IT stopped trusting it (``storeassist-hub retire-key``; 0009): a retired
    key is neither published nor accepted, and its id is never used again."""

    __tablename__ = "signing_keys"
    key_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    private_key: Mapped[bytes] = mapped_column(LargeBinary)  # raw 32 bytes
    public_key: Mapped[str] = mapped_column(String(64))  # base64url raw
    created_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    retired_at: Mapped[datetime | None]


class CommandRecord(Base):
    """Idempotency: one row per command id. The primary key, not a check-then-insert, makes
    concurrent retries of one id apply once."""

    __tablename__ = "commands"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    type: Mapped[str] = mapped_column(String(32))
    payload_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10))  # applied, conflict, rejected
    reason: Mapped[str | None] = mapped_column(Text)
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ChangeLog(Base):
    """What changed, in order; the device delta feed reads it by ``seq``, and the kept pickup
    queues (``services.kept_queues``) by the newest ``seq`` of a store. So every write to a pickup
    order, its lines or its customer appends a row in the same transaction: for the order's store,
    or for every store (``store_id`` None) when it shows in every store's data, as a customer's
    name does."""

    __tablename__ = "change_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    store_id: Mapped[int | None] = mapped_column(Integer)  # None: every store
    entity: Mapped[str] = mapped_column(String(12))  # product, stock, pickup, customer, revocation
    entity_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    __table_args__ = (Index("ix_change_log_store", "store_id", "seq"),)


class AuditEntry(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    device_id: Mapped[int | None] = mapped_column(Integer)
    staff_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))  # profile.view, pickup.collect, ...
    subject: Mapped[str] = mapped_column(String(40))  # "customer:123" — ids only, never personal data


# The kiosk's tables (0008) live in their own module, on the same metadata.
from storeassist.hub.db.models_kiosk import AssistRequest as AssistRequest  # noqa: E402
from storeassist.hub.db.models_kiosk import KioskReturn as KioskReturn  # noqa: E402
