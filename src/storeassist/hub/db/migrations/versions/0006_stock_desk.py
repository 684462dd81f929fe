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

Held units: from this release holds end (release, expiry) and give their units back out of
``inventory.held``. A hold placed through ``hold.place`` (an applied ``commands`` row of its id)
took its units into ``held`` when placed, but the seed of release 0005 wrote its customers' active
holds without holding their units. So each active hold with no such command is, once: ``expired``
(ended and put back at its time: history, not a task for the floor) if already past its time, else
its units are added to ``held`` at its store (``on_hand`` as it was; a store with no row for the
product gets one with them on hand and held, as 0005 does). Without it the first expiry or release
would take units out of what open pickups and other holds keep. Each (store, product) changed gets
a ``stock`` row in ``change_log``. A database being seeded is upgraded while empty: nothing here.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: Active holds whose units were never held: no applied ``hold.place`` command made them.
_NEVER_HELD = (
    "status = 'active' AND NOT EXISTS (SELECT 1 FROM commands c WHERE c.id = holds.id "
    "AND c.type = 'hold.place' AND c.status = 'applied')"
)
#: Units of the never-held active holds still running, per (store, product).
_UNITS = (
    "SELECT store_id, product_id, SUM(qty) AS units FROM holds "
    f"WHERE {_NEVER_HELD} AND expires_at > :now GROUP BY store_id, product_id"
)


def upgrade() -> None:
    op.add_column("products", sa.Column("names", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    op.add_column("stores", sa.Column("kind", sa.String(length=10), nullable=False, server_default="store"))
    op.add_column("holds", sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("holds", sa.Column("put_back_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("orders", sa.Column("source_store_id", sa.Integer(), nullable=True))
    op.create_index("ix_holds_store_status", "holds", ["store_id", "status"], unique=False)
    _hold_units_of_seeded_holds()


def _hold_units_of_seeded_holds() -> None:
    """End the never-held holds past their time; hold the units of the others (module notes)."""
    now = sa.bindparam("now", datetime.now(UTC), type_=sa.DateTime(timezone=True))
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "UPDATE holds SET status = 'expired', ended_at = expires_at, put_back_at = expires_at "
            f"WHERE {_NEVER_HELD} AND expires_at <= :now"
        ).bindparams(now)
    )
    bind.execute(
        sa.text(
            "INSERT INTO change_log (store_id, entity, entity_id, at) "
            f"SELECT store_id, 'stock', product_id, :now FROM ({_UNITS}) units ORDER BY store_id, product_id"
        ).bindparams(now)
    )
    # ``WHERE true`` keeps SQLite's parser from reading ``ON CONFLICT`` as a join's ``ON``.
    bind.execute(
        sa.text(
            "INSERT INTO inventory (store_id, product_id, on_hand, held, updated_at) "
            f"SELECT store_id, product_id, units, units, :now FROM ({_UNITS}) units WHERE true "
            "ON CONFLICT (store_id, product_id) DO UPDATE SET held = inventory.held + excluded.held, "
            "updated_at = excluded.updated_at"
        ).bindparams(now)
    )


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
