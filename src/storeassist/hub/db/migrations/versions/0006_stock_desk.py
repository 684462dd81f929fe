"""The stock desk: product names in the catalog's other languages, the warehouse, and holds that end.

``products.names`` (JSON, ``{}`` by default) keeps a product's name by language (``{"ru": …, "zh":
…}``). ``stores.kind`` tells a store (``'store'``, every row there was) from the chain's warehouse
(``'warehouse'``), which ships to customers and stores but sells nothing itself.

``holds`` gains ``ended_at`` (when it was released, expired or collected) and ``put_back_at`` (when
its units were back on the shop floor: until then an ended hold is a task for the floor), and a
new status ``'expired'`` (a plain string column: nothing to alter). ``ix_holds_store_status``
finds a store's active holds for its list and the expiry sweep.

``orders.source_store_id`` names where an endless-aisle order's units come from (another store
or the warehouse): they are held there until the order arrives (``pickup.receive``).

Every new column is nullable or has a constant default, so SQLite adds it in place (no batch
copy of a big table).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("products", sa.Column("names", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    op.add_column("stores", sa.Column("kind", sa.String(length=10), nullable=False, server_default="store"))
    op.add_column("holds", sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("holds", sa.Column("put_back_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("orders", sa.Column("source_store_id", sa.Integer(), nullable=True))
    op.create_index("ix_holds_store_status", "holds", ["store_id", "status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_holds_store_status", table_name="holds")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("source_store_id")
    with op.batch_alter_table("holds") as batch:
        batch.drop_column("put_back_at")
        batch.drop_column("ended_at")
    with op.batch_alter_table("stores") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("products") as batch:
        batch.drop_column("names")
