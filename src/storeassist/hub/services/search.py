"""Finding customers and products from what an associate types (partial, paged).

Customer search reads the query's shape: digits (spaces, '+', '-' allowed) search phone numbers
by prefix, text with '@' searches e-mail by prefix, anything else the case-folded name by prefix
(``customers.name_key``). Every form is an indexed range scan, fast at a million customers.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, SQLColumnExpression, or_, select
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.domain.loyalty import tier_for
from storeassist.hub.db import models as m
from storeassist.hub.services.wire import PRODUCT_COLUMNS, product_from_row

PAGE_SIZE = 20
MIN_PHONE_DIGITS = 3
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]+$")
_PREFIX_END = "\U0010ffff"


def _prefix(column: SQLColumnExpression[str], prefix: str) -> ColumnElement[bool]:
    """``column`` starts with ``prefix``, as a range the column's index can answer."""
    return (column >= prefix) & (column < prefix + _PREFIX_END)


def search_customers(session: Session, query: str, page: int) -> contract.CustomerPage:
    text = query.strip()
    if not text:
        return contract.CustomerPage(items=[])
    if _PHONE_LIKE.match(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) < MIN_PHONE_DIGITS:
            return contract.CustomerPage(items=[])
        where = _prefix(m.Customer.phone, digits)
        order = m.Customer.phone
    elif "@" in text:
        where = _prefix(m.Customer.email, text.casefold())
        order = m.Customer.email
    else:
        where = _prefix(m.Customer.name_key, " ".join(text.casefold().split()))
        order = m.Customer.name_key
    rows = list(
        session.execute(
            select(
                m.Customer.id,
                m.Customer.loyalty_id,
                m.Customer.name,
                m.Customer.points,
                m.Customer.email,
                m.Customer.phone,
            )
            .where(where)
            .order_by(order, m.Customer.id)
            .offset(page * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    items = [
        contract.CustomerSummary(
            id=r.id,
            loyalty_id=r.loyalty_id,
            name=r.name,
            tier=tier_for(r.points),
            points=r.points,
            email=r.email,
            phone=r.phone,
        )
        for r in rows[:PAGE_SIZE]
    ]
    return contract.CustomerPage(items=items, next_page=page + 1 if len(rows) > PAGE_SIZE else None)


def search_products(session: Session, query: str, page: int) -> contract.ProductPage:
    """SKU or GTIN by prefix; otherwise words found in the name, brand or category (all of them)."""
    text = query.strip()
    select_products = select(*PRODUCT_COLUMNS)
    if not text:
        statement = select_products
    elif text.isdigit():
        statement = select_products.where(or_(_prefix(m.Product.gtin, text), _prefix(m.Product.sku, text)))
    else:
        statement = select_products
        for word in text.split()[:5]:
            pattern = f"%{_escape_like(word)}%"
            statement = statement.where(
                or_(
                    m.Product.name.ilike(pattern, escape="\\"),
                    m.Product.brand.ilike(pattern, escape="\\"),
                    m.Product.category.ilike(pattern, escape="\\"),
                    _prefix(m.Product.sku, text.upper()),
                )
            )
    rows = list(
        session.execute(statement.order_by(m.Product.id).offset(page * PAGE_SIZE).limit(PAGE_SIZE + 1))
    )
    return contract.ProductPage(
        items=[product_from_row(r) for r in rows[:PAGE_SIZE]],
        next_page=page + 1 if len(rows) > PAGE_SIZE else None,
    )


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
