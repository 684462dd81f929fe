"""Returns at the counter: what each return took back and paid, store credit, managers' approvals.

``returns`` gains what a return taken at a counter (``return.take``) records: its command id
(unique; the tablet's reference until the hub numbers it), device, staff member, the approving
manager, refund method, whether it had a receipt, whether it was taken offline, store credit,
exchange value, points reversed and restored, and the endless-aisle order an exchange made.

New tables: ``return_lines`` (per return and order line: units, reason, condition, disposition,
goods, fee, refund), ``tender_refunds`` (money paid back to one of an order's tenders, for a
return or a pickup's cancelled units: a request for the payment system, status ``requested``, or
``settled`` when the hub pays it back itself: points, an exchange's value), ``store_credits`` (of
a return, or of a pickup's refund of an exchange's order) and ``return_approvals`` (a manager's
approval of one return, by command id, bound to what was approved: the order, the associate who
asked, the amount paid back at most and the policy's reasons; used once before it expires).

Backfill, so a hub upgraded from 0006 decides its next returns on the right amounts:

* **Return lines.** Before 0007 a return recorded only its order and refund; the units returned
  are the lines' ``qty_returned``. Each such line gets one ``return_lines`` row on its order's
  first return, refunded at its unit price (what the seed and any older hub paid back), the
  reason read from the return's words (``too small`` → ``wrong_size`` …, else ``other``), the
  condition and disposition unknown (NULL). A line with units returned but no return row at all
  is left alone: the hub counts such units as fully refunded at their unit price.
* **Tender refunds.** What each tender paid back is the sum of its ``tender_refunds``, so every
  earlier return (its ``refund_cents``) and every pickup refund (``refunds.amount_cents``) is
  split across its order's tenders, in time order, in proportion to what each has left (never
  more than a tender paid; remainders to the tenders in order), as ``domain.returns
  .split_across_tenders`` does; the split is copied here so this revision keeps doing what it did.

A database being seeded is upgraded while empty: the backfill finds nothing there (the seed writes
its returns' lines and tender refunds itself). Every new column of ``returns`` is nullable or has a
constant default, so SQLite adds it in place.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: Inserted per statement when backfilling tender refunds.
_CHUNK = 5_000

#: A return's words before 0007 (``seed.orders``) as the domain's reason codes.
_REASON = (
    "CASE lower(r.reason) WHEN 'too small' THEN 'wrong_size' WHEN 'too large' THEN 'wrong_size' "
    "WHEN 'changed mind' THEN 'changed_mind' WHEN 'damaged' THEN 'arrived_damaged' "
    "WHEN 'not as described' THEN 'not_as_described' WHEN 'late delivery' THEN 'late_delivery' "
    "ELSE 'other' END"
)


def upgrade() -> None:
    for column in (
        sa.Column("command_id", sa.String(length=36), nullable=True),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=16), nullable=True),
        sa.Column("with_receipt", sa.Boolean(), nullable=True),
        sa.Column("offline", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("store_credit_cents", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("exchange_cents", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("points_reversed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("points_restored", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("exchange_order_id", sa.Integer(), nullable=True),
    ):
        op.add_column("returns", column)
    op.create_index("ix_returns_command", "returns", ["command_id"], unique=True)
    op.create_table(
        "return_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("condition", sa.String(length=12), nullable=True),
        sa.Column("disposition", sa.String(length=16), nullable=True),
        sa.Column("goods_cents", sa.Integer(), nullable=False),
        sa.Column("fee_cents", sa.Integer(), nullable=False),
        sa.Column("refund_cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["return_id"], ["returns.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_return_lines_return_id", "return_lines", ["return_id"], unique=False)
    op.create_index("ix_return_lines_order", "return_lines", ["order_id", "line_no"], unique=False)
    op.create_table(
        "tender_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=True),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tender_id"], ["tenders.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.ForeignKeyConstraint(["return_id"], ["returns.id"]),
        sa.ForeignKeyConstraint(["refund_id"], ["refunds.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tender_refunds_order", "tender_refunds", ["order_id", "tender_id"], unique=False)
    op.create_table(
        "store_credits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=True),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["return_id"], ["returns.id"]),
        sa.ForeignKeyConstraint(["refund_id"], ["refunds.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_store_credits_return_id", "store_credits", ["return_id"], unique=False)
    op.create_index("ix_store_credits_customer_id", "store_credits", ["customer_id"], unique=False)
    op.create_table(
        "return_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.String(length=36), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("paid_back_cents", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["manager_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"]),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_return_approvals_return_id", "return_approvals", ["return_id"], unique=False)
    _backfill_return_lines()
    _backfill_tender_refunds()


def _backfill_return_lines() -> None:
    """One ``return_lines`` row per line with units returned, on its order's first return."""
    op.get_bind().execute(
        sa.text(
            "INSERT INTO return_lines (return_id, order_id, line_no, qty, reason, goods_cents, fee_cents, "
            "refund_cents) "
            f"SELECT r.id, l.order_id, l.line_no, l.qty_returned, {_REASON}, "
            "l.qty_returned * l.price_cents, 0, l.qty_returned * l.price_cents "
            "FROM order_lines l "
            "JOIN (SELECT order_id, MIN(id) AS id FROM returns GROUP BY order_id) first_return "
            "ON first_return.order_id = l.order_id "
            "JOIN returns r ON r.id = first_return.id "
            "WHERE l.qty_returned > 0 ORDER BY r.id, l.line_no"
        )
    )


def _backfill_tender_refunds() -> None:
    """Every earlier return and pickup refund split across its order's tenders (module notes)."""
    bind = op.get_bind()
    paid_back = bind.execute(
        sa.text(
            "SELECT order_id, at, 0 AS source, id, refund_cents FROM returns "
            "UNION ALL SELECT order_id, at, 1 AS source, id, amount_cents FROM refunds "
            "ORDER BY 1, 2, 3, 4"
        )
    ).fetchall()
    if not paid_back:
        return
    tenders: dict[int, list[list[int]]] = defaultdict(list)  # order → [[tender id, left to pay back]]
    for order_id, tender_id, amount in bind.execute(
        sa.text(
            "SELECT order_id, id, amount_cents FROM tenders WHERE order_id IN "
            "(SELECT order_id FROM returns UNION SELECT order_id FROM refunds) ORDER BY order_id, id"
        )
    ):
        tenders[order_id].append([tender_id, max(0, amount)])
    rows: list[dict[str, Any]] = []
    for order_id, at, source, source_id, amount in paid_back:
        left = tenders.get(order_id, [])
        for tender, share in zip(left, _split(amount, [room for _id, room in left]), strict=True):
            if share <= 0:
                continue
            tender[1] -= share
            rows.append(
                {
                    "tender_id": tender[0],
                    "order_id": order_id,
                    "return_id": source_id if source == 0 else None,
                    "refund_id": source_id if source == 1 else None,
                    "amount_cents": share,
                    "at": at,
                }
            )
    insert = sa.text(
        "INSERT INTO tender_refunds (tender_id, order_id, return_id, refund_id, amount_cents, status, at) "
        "VALUES (:tender_id, :order_id, :return_id, :refund_id, :amount_cents, 'requested', :at)"
    )
    for start in range(0, len(rows), _CHUNK):
        bind.execute(insert, rows[start : start + _CHUNK])


def _split(amount: int, left: list[int]) -> list[int]:
    """``amount`` across tenders with ``left`` to pay back each, in proportion (as of 0007)."""
    total = sum(left)
    if amount <= 0 or total <= 0:
        return [0] * len(left)
    amount = min(amount, total)
    shares = [amount * room // total for room in left]
    rest = amount - sum(shares)
    for i, room in enumerate(left):
        extra = min(rest, room - shares[i])
        shares[i] += extra
        rest -= extra
    return shares


def downgrade() -> None:
    op.drop_index("ix_return_approvals_return_id", table_name="return_approvals")
    op.drop_table("return_approvals")
    op.drop_index("ix_store_credits_customer_id", table_name="store_credits")
    op.drop_index("ix_store_credits_return_id", table_name="store_credits")
    op.drop_table("store_credits")
    op.drop_index("ix_tender_refunds_order", table_name="tender_refunds")
    op.drop_table("tender_refunds")
    op.drop_index("ix_return_lines_order", table_name="return_lines")
    op.drop_index("ix_return_lines_return_id", table_name="return_lines")
    op.drop_table("return_lines")
    op.drop_index("ix_returns_command", table_name="returns")
    with op.batch_alter_table("returns") as batch:
        for column in (
            "exchange_order_id",
            "points_restored",
            "points_reversed",
            "exchange_cents",
            "store_credit_cents",
            "offline",
            "with_receipt",
            "method",
            "approved_by",
            "staff_id",
            "device_id",
            "command_id",
        ):
            batch.drop_column(column)
