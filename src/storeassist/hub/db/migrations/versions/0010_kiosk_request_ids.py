"""The kiosk's request ids: a shopper's action at the kiosk is applied once.

``assist_requests`` and ``kiosk_returns`` gain ``request_id``, the id the kiosk made for the
shopper's action (sent again when the shopper retries after no answer), unique per kiosk
(``device_id``, ``request_id``): the hub answers a repeat with the first row.

The column is nullable, so SQLite adds it in place. Nothing to backfill: a row written before, or
by a kiosk of the release before, has no id (NULL), and NULLs never collide in a unique index.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assist_requests", sa.Column("request_id", sa.String(length=36), nullable=True))
    op.create_index("ix_assist_requests_request", "assist_requests", ["device_id", "request_id"], unique=True)
    op.add_column("kiosk_returns", sa.Column("request_id", sa.String(length=36), nullable=True))
    op.create_index("ix_kiosk_returns_request", "kiosk_returns", ["device_id", "request_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_kiosk_returns_request", table_name="kiosk_returns")
    with op.batch_alter_table("kiosk_returns") as batch:
        batch.drop_column("request_id")
    op.drop_index("ix_assist_requests_request", table_name="assist_requests")
    with op.batch_alter_table("assist_requests") as batch:
        batch.drop_column("request_id")
