"""Stock by product answered from one index: (product_id, store_id, on_hand, held).

The scan → profile path asks, for each product in a customer's cart and views, which nearby
stores have it in stock. With only ``(product_id)`` indexed, SQLite looked each matching row up
in the table; the covering index answers from the index alone (about 5x faster for ten products
at 1M customers / 100k products). It replaces ``ix_inventory_product``, which is its prefix.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_inventory_stock", "inventory", ["product_id", "store_id", "on_hand", "held"], unique=False
    )
    op.drop_index("ix_inventory_product", table_name="inventory")


def downgrade() -> None:
    op.create_index("ix_inventory_product", "inventory", ["product_id"], unique=False)
    op.drop_index("ix_inventory_stock", table_name="inventory")
