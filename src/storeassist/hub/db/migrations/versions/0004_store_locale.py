"""How each store writes for its people: its locale and its currency.

``stores.locale`` (a Qt/CLDR name such as ``en_US``) and ``stores.currency`` (ISO 4217) join the
time zone every store already had, so the hub can send codes and minor units and let the tablet
word and format them. A store that was there before gets the locale and currency of its country
when the country is one of those below, else ``en_US`` and ``USD``; change them with SQL if that
guess is wrong (the demo chain of an earlier release upgrades to the right ones).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: Country (ISO 3166 alpha-2, as ``stores.country`` holds it) → (locale, currency). Written out
#: here, not imported: a migration keeps meaning what it meant when it was written.
_BY_COUNTRY = {
    "US": ("en_US", "USD"),
    "CA": ("en_CA", "CAD"),
    "GB": ("en_GB", "GBP"),
    "IE": ("en_IE", "EUR"),
    "DE": ("de_DE", "EUR"),
    "AT": ("de_AT", "EUR"),
    "CH": ("de_CH", "CHF"),
    "FR": ("fr_FR", "EUR"),
    "NL": ("nl_NL", "EUR"),
    "ES": ("es_ES", "EUR"),
    "IT": ("it_IT", "EUR"),
    "DK": ("da_DK", "DKK"),
    "SE": ("sv_SE", "SEK"),
    "NO": ("nb_NO", "NOK"),
    "PL": ("pl_PL", "PLN"),
    "CN": ("zh_CN", "CNY"),
    "JP": ("ja_JP", "JPY"),
    "RU": ("ru_RU", "RUB"),
}


def upgrade() -> None:
    with op.batch_alter_table("stores") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=16), nullable=False, server_default="en_US"))
        batch.add_column(sa.Column("currency", sa.String(length=3), nullable=False, server_default="USD"))
    stores = sa.table("stores", sa.column("country", sa.String), sa.column("locale"), sa.column("currency"))
    for country, (locale, currency) in _BY_COUNTRY.items():
        op.execute(
            stores.update().where(stores.c.country == country).values(locale=locale, currency=currency)
        )


def downgrade() -> None:
    with op.batch_alter_table("stores") as batch:
        batch.drop_column("currency")
        batch.drop_column("locale")
