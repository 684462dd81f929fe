"""Pickups at the counter (BOPIS): what an order needs to be handed over, and what a hand-over leaves.

``orders`` gains the bin it waits in, the proxy the customer named, its payment state, when the
customer said they are here, and its six-digit pickup code (kept only as a hash) with the count of
wrong tries and the lock the third one sets. ``order_lines`` gains the units cancelled and, for a
line handed over instead of another (another size or colour), that line's number.

New tables: ``pickup_handovers`` (who handed what to whom, how they were checked, their
confirmation; one row per applied ``pickup.collect``), ``refunds`` (units cancelled: missing,
damaged, expired) and ``notifications`` (what the hub would tell the customer; it sends nothing).

Held units: from this release a hand-over or a restock takes an order's units out of
``inventory.held`` (clamped at 0), so the units still to collect of every open pickup order
(``placed``, ``picking``, ``ready``, ``partially_collected``) are added to ``held`` at its store
here, once. Without it a hub upgraded from 0004 would, at the first hand-over, take the pickup's
units out of a customer hold's count and overstate what is for sale. ``on_hand`` is left as it
was (the units are on the books, in the bin); a store with no inventory row for the product gets
one whose ``on_hand`` is those units, as the seed gives it. Each (store, product) changed gets a
``stock`` row in ``change_log``, so tablets re-read it. A database being seeded is upgraded while
empty, so this adds nothing there and the seed's own count (``seed.pickups``) is not doubled.

``ix_orders_pickup_queue`` covers a store's queue (store, state, then the columns it sorts and
shows), so the queue is read from the index alone; it replaces ``ix_orders_pickup``, its prefix.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

#: Units still to collect of the open pickup orders, per (store, product).
_OPEN_UNITS = (
    "SELECT o.store_id AS store_id, l.product_id AS product_id, "
    "SUM(l.qty - l.qty_collected - l.qty_cancelled) AS units "
    "FROM orders o JOIN order_lines l ON l.order_id = o.id "
    "WHERE o.pickup_state IN ('placed', 'picking', 'ready', 'partially_collected') "
    "AND o.store_id IS NOT NULL AND l.qty - l.qty_collected - l.qty_cancelled > 0 "
    "GROUP BY o.store_id, l.product_id"
)


def upgrade() -> None:
    # Plain ADD COLUMNs, not a batch: on SQLite a batch copies the whole table (millions of orders),
    # and dropping the old copy fails while order lines point at it. Every column here is
    # nullable or has a constant default, which SQLite adds in place.
    for column in (
        sa.Column("pickup_bin", sa.String(length=16), nullable=True),
        sa.Column("proxy_name", sa.String(length=120), nullable=True),
        sa.Column("payment_state", sa.String(length=8), nullable=False, server_default="paid"),
        sa.Column("customer_waiting_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pickup_code_hash", sa.String(length=64), nullable=True),
        sa.Column("pickup_code_failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("pickup_locked", sa.Boolean(), nullable=False, server_default=sa.false()),
    ):
        op.add_column("orders", column)
    op.add_column("order_lines", sa.Column("qty_cancelled", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("order_lines", sa.Column("substitutes_line", sa.Integer(), nullable=True))
    op.create_index(
        "ix_orders_pickup_queue",
        "orders",
        ["store_id", "pickup_state", "pickup_deadline", "id"],
        unique=False,
    )
    op.drop_index("ix_orders_pickup", table_name="orders")
    op.create_table(
        "pickup_handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("command_id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("document_type", sa.String(length=16), nullable=True),
        sa.Column("document_last", sa.String(length=4), nullable=True),
        sa.Column("proxy_name", sa.String(length=120), nullable=True),
        sa.Column("confirmed_name", sa.String(length=120), nullable=True),
        sa.Column("signature", sa.Text(), nullable=True),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"]),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("command_id"),
    )
    op.create_index("ix_pickup_handovers_order", "pickup_handovers", ["order_id", "at"], unique=False)
    op.create_table(
        "refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_refunds_order_id", "refunds", ["order_id"], unique=False)
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=6), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notifications_customer", "notifications", ["customer_id", "at"], unique=False)
    _hold_open_pickup_units()


def _hold_open_pickup_units() -> None:
    """Add the units still to collect of open pickup orders to ``held`` (see the module notes)."""
    at = sa.bindparam("at", datetime.now(UTC), type_=sa.DateTime(timezone=True))
    # Runs after qty_cancelled is added (0 for every line of an older hub).
    op.get_bind().execute(
        sa.text(
            "INSERT INTO change_log (store_id, entity, entity_id, at) "
            f"SELECT store_id, 'stock', product_id, :at FROM ({_OPEN_UNITS}) open_units "
            "ORDER BY store_id, product_id"
        ).bindparams(at)
    )
    # One pass: an existing row gains the units in ``held`` (``on_hand`` as it was); a missing one
    # is added with them on hand and held. ``WHERE true`` keeps SQLite's parser from reading
    # ``ON CONFLICT`` as a join's ``ON``.
    op.get_bind().execute(
        sa.text(
            "INSERT INTO inventory (store_id, product_id, on_hand, held, updated_at) "
            "SELECT store_id, product_id, units, units, :at "
            f"FROM ({_OPEN_UNITS}) open_units WHERE true "
            "ON CONFLICT (store_id, product_id) DO UPDATE SET held = inventory.held + excluded.held, "
            "updated_at = excluded.updated_at"
        ).bindparams(at)
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_customer", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_refunds_order_id", table_name="refunds")
    op.drop_table("refunds")
    op.drop_index("ix_pickup_handovers_order", table_name="pickup_handovers")
    op.drop_table("pickup_handovers")
    op.create_index("ix_orders_pickup", "orders", ["store_id", "pickup_state"], unique=False)
    op.drop_index("ix_orders_pickup_queue", table_name="orders")
    with op.batch_alter_table("order_lines") as batch:
        batch.drop_column("substitutes_line")
        batch.drop_column("qty_cancelled")
    with op.batch_alter_table("orders") as batch:
        for column in (
            "pickup_locked",
            "pickup_code_failures",
            "pickup_code_hash",
            "customer_waiting_since",
            "payment_state",
            "proxy_name",
            "pickup_bin",
        ):
            batch.drop_column(column)
