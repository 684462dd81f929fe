"""Signing keys IT can retire.

``signing_keys`` gains ``retired_at`` (``storeassist-hub retire-key``): a retired key is no longer
published (``GET /v1/keys``, an enrollment's keys) and the hub refuses every code it signed, as it
refuses a code of a key it does not know. The row stays, so its id is never given to a new key.

The new column is nullable, so SQLite adds it in place. Nothing to backfill: every key of an older
hub stays published, as it was.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("signing_keys", sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signing_keys") as batch:
        batch.drop_column("retired_at")
