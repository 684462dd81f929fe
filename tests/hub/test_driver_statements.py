"""The profile's statements run on SQLite's driver directly (``wire.fetch_prepared``) must answer
exactly what SQLAlchemy answers for the same statement: same rows, same Python types (datetimes,
JSON, booleans), same parameter conversions (a datetime bound, an expanding list)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Executable
from sqlalchemy.exc import DBAPIError

from storeassist.hub.services import availability, profiles, trust, wire
from storeassist.hub.services.access import _DEVICE_BY_CREDENTIAL
from storeassist.hub.services.database import HubDatabase
from storeassist.hub.services.profiles import build_profile


def _statements(customer_id: int) -> list[tuple[Executable, dict[str, Any] | None]]:
    key = {"customer_id": customer_id}
    return [
        (profiles._CUSTOMER, key),
        (profiles._RECENT_ORDERS, key),
        (profiles._OPEN_PICKUPS, {"customer_id": customer_id, "store_id": 1}),
        (profiles._EVENTS, key),
        (profiles._CASES, key),
        (profiles._HOLDS, {"customer_id": customer_id, "now": datetime.now(UTC) - timedelta(days=3650)}),
        (profiles._NOTES, key),
        (profiles._RETURNS, key),
        (availability._STORE_PLACES, None),
        (availability._IN_STOCK, {"product_ids": [1, 2, 3, 4, 5], "store_ids": [1, 2, 3]}),
        (availability._IN_STOCK, {"product_ids": [], "store_ids": [1]}),
        (wire._ORDER_LINES, {"ids": list(range(1, 40))}),
        (trust._PUBLISHED_KEYS, None),
        (trust._REVOKED, {"customer_id": customer_id, "serial": 1}),
        (_DEVICE_BY_CREDENTIAL, {"credential_hash": "no such credential"}),
    ]


def _typed(rows: Any) -> list[list[tuple[type, Any]]]:
    return [[(type(value), value) for value in row] for row in rows]


@pytest.mark.sqlite_only("the driver fast path is SQLite's; elsewhere fetch_prepared is run_prepared")
@pytest.mark.parametrize("customer_id", [1, 2, 3, 7, 11])
def test_driver_rows_match_sqlalchemy_rows_value_for_value_and_type_for_type(
    seeded_db_url: str, customer_id: int
) -> None:
    db = HubDatabase(seeded_db_url)
    try:
        with db.reading_statements() as connection:
            for statement, params in _statements(customer_id):
                expected = list(wire.run_prepared(connection, statement, params))
                got = wire.fetch_prepared(connection, statement, params)
                assert _typed(got) == _typed(expected)
                assert [row._fields for row in got] == [tuple(row._fields) for row in expected]
    finally:
        db.dispose()


def test_profile_on_the_driver_path_matches_the_profile_through_the_orm_session(seeded_db_url: str) -> None:
    db = HubDatabase(seeded_db_url)
    try:
        for customer_id in range(1, 30):
            for store_id in (1, 2, None):
                with db.reading_statements() as connection:
                    fast = json.loads(build_profile(connection, customer_id, store_id).model_dump_json())
                with db.reading() as session:
                    slow = json.loads(build_profile(session, customer_id, store_id).model_dump_json())
                fast.pop("as_of")
                slow.pop("as_of")
                assert fast == slow
    finally:
        db.dispose()


@pytest.mark.sqlite_only("an error of SQLite's driver on the fast path")
def test_a_driver_error_surfaces_as_sqlalchemys_database_error(tmp_path: Any) -> None:
    db = HubDatabase(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    try:
        with db.reading_statements() as connection, pytest.raises(DBAPIError, match="no such table"):
            wire.fetch_prepared(connection, profiles._CUSTOMER, {"customer_id": 1})
    finally:
        db.dispose()
