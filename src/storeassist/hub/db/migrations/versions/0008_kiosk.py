"""The self-service kiosk, and devices IT can revoke.

``orders`` gains ``kiosk_pickup`` (false by default: the shopper may collect it at the store's
kiosk) and ``locker`` (where a kiosk pickup waits, if not behind the counter). ``devices`` gains
``revoked_at`` and ``revoked_reason`` (``storeassist-hub devices revoke``): a revoked device is
told why.

New tables: ``assist_requests`` (a shopper at the kiosk asks an associate to hold a product: open
until an associate marks it done) and ``kiosk_returns`` (a return started at the kiosk: the order,
the code scanned, the lines and reasons chosen, a short reference unique per store and day; open
until a ``return.take`` names it).

Every new column is nullable or has a constant default, so SQLite adds it in place. Nothing to
backfill: no order was a kiosk pickup before, and a device revoked before keeps no reason.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "orders", sa.Column("kiosk_pickup", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("orders", sa.Column("locker", sa.String(length=16), nullable=True))
    op.add_column("devices", sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("devices", sa.Column("revoked_reason", sa.String(length=200), nullable=True))
    op.create_table(
        "assist_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"]),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"]),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"]),
        sa.ForeignKeyConstraint(["done_by"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assist_requests_store", "assist_requests", ["store_id", "status", "at"], unique=False)
    op.create_table(
        "kiosk_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("code", sa.String(length=120), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"]),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.ForeignKeyConstraint(["return_id"], ["returns.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_kiosk_returns_reference", "kiosk_returns", ["store_id", "day", "reference"], unique=True
    )
    op.create_index("ix_kiosk_returns_store", "kiosk_returns", ["store_id", "status", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_kiosk_returns_store", table_name="kiosk_returns")
    op.drop_index("ix_kiosk_returns_reference", table_name="kiosk_returns")
    op.drop_table("kiosk_returns")
    op.drop_index("ix_assist_requests_store", table_name="assist_requests")
    op.drop_table("assist_requests")
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("revoked_reason")
        batch.drop_column("revoked_at")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("locker")
        batch.drop_column("kiosk_pickup")
