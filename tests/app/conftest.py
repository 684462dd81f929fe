"""Fixtures for the app's local storage, client, sync and service tests.

Every test gets fresh SQLite files under ``tmp_path`` and an in-memory keyring; nothing is
set process-wide. Tests against the real hub use the root ``hub_server`` fixture through
``hub``, which skips (saying why) until that fixture exists.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from storeassist.client import HubClient, HubError
from storeassist.contract import (
    COMMAND_ADAPTER,
    Command,
    Consent,
    CustomerDetail,
    CustomerProfile,
    EnrollRequest,
    EnrollResponse,
    LoyaltyStanding,
    Order,
    OrderLine,
    PublicKeys,
    StaffSignInRequest,
)
from storeassist.domain.tokens import TokenKind, public_key_to_text, sign_token
from storeassist.local import LocalCache, Outbox

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
KEY_ID = 3


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[Outbox]:
    box = Outbox(tmp_path / "outbox.sqlite")
    yield box
    box.close()


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[LocalCache]:
    local_cache = LocalCache(tmp_path / "cache.sqlite")
    yield local_cache
    local_cache.close()


@pytest.fixture
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def trusted_cache(cache: LocalCache, signing_key: Ed25519PrivateKey) -> LocalCache:
    """A cache that holds the test signing key's public half, as after a sync."""
    cache.set_public_keys(PublicKeys(keys={KEY_ID: public_key_to_text(signing_key.public_key())}))
    return cache


class CodeMaker:
    """Mints codes the way the hub does, with a key of the test's own."""

    def __init__(self, key: Ed25519PrivateKey, key_id: int = KEY_ID) -> None:
        self.key = key
        self.key_id = key_id

    def loyalty(self, customer_id: int, *, expires: datetime | None = None) -> str:
        """A dynamic code from the shopper's app (valid 5 minutes from ``NOW`` unless told)."""
        moment = expires or NOW + timedelta(minutes=5)
        return sign_token(
            self.key, self.key_id, TokenKind.LOYALTY_DYNAMIC, customer_id, int(moment.timestamp())
        )

    def card(self, customer_id: int, serial: int) -> str:
        return sign_token(self.key, self.key_id, TokenKind.LOYALTY_CARD, customer_id, serial)

    def order(self, order_id: int) -> str:
        expires = int((NOW + timedelta(days=1)).timestamp())
        return sign_token(self.key, self.key_id, TokenKind.ORDER, order_id, expires)


@pytest.fixture
def codes(signing_key: Ed25519PrivateKey) -> CodeMaker:
    return CodeMaker(signing_key)


def make_command(kind: str = "note.add", **payload: Any) -> Command:
    """A ``kind`` command (its variant of the union) with a sample payload, changed by ``payload``."""
    payloads: dict[str, dict[str, Any]] = {
        "note.add": {"customer_id": 7, "text": "Prefers the blue one"},
        "hold.place": {"customer_id": 7, "sku": "SKU-1", "qty": 1},
        "pickup.collect": {
            "order_id": 11,
            "lines": {1: {"handed": 1}},
            "verification": {"method": "photo_id", "document_type": "passport", "document_last": "4821"},
            "confirmed_name": "Maria Jensen",
        },
        "profile.view": {"customer_id": 7, "source": "cache", "viewed_at": "2026-03-02T10:30:00Z"},
    }
    return COMMAND_ADAPTER.validate_python(
        {
            "id": uuid.uuid4(),
            "type": kind,
            "issued_at": NOW,
            "store_id": 1,
            "staff_id": 5,
            "payload": {**payloads[kind], **payload},
        }
    )


def make_profile(customer_id: int, *, as_of: datetime = NOW, name: str = "Test Customer") -> CustomerProfile:
    return CustomerProfile(
        customer=CustomerDetail(
            id=customer_id,
            loyalty_id=f"L{customer_id:08d}",
            name=name,
            email=f"c{customer_id}@example.invalid",
            phone="+10000000000",
            language="en",
            preferred_store_id=1,
            preferred_channel="store",
            sizes={},
            preferences=[],
            consent=Consent(email=True, sms=False, push=False, post=False),
            lifetime_value_cents=12_345,
        ),
        loyalty=LoyaltyStanding(
            tier="silver", points=1200, next_tier="gold", points_to_next=3800, member_since=date(2020, 1, 1)
        ),
        alerts=[],
        open_pickups=[],
        holds=[],
        abandoned_cart=[],
        recent_views=[],
        recent_orders=[],
        cases=[],
        timeline=[],
        as_of=as_of,
        currency="USD",
    )


@pytest.fixture
def refused_url() -> str:
    """A loopback address nothing listens on: connecting is refused at once, as with a hub that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture(name="make_command")
def make_command_fixture() -> Any:
    return make_command


@pytest.fixture(name="make_profile")
def make_profile_fixture() -> Any:
    return make_profile


@pytest.fixture
def hub(request: pytest.FixtureRequest) -> Any:
    """The real hub on loopback (root ``tests/conftest.py``), or a skip saying it is not wired yet."""
    try:
        return request.getfixturevalue("hub_server")
    except pytest.FixtureLookupError:
        pytest.skip("the hub_server fixture (tests/conftest.py) is not available yet")


@dataclass
class EnrolledDevice:
    """A device enrolled at the real hub for one test: its client, credential and enrolment answer."""

    client: HubClient
    enrollment: EnrollResponse


@pytest.fixture
async def device(hub: Any, anyio_backend: str) -> AsyncIterator[EnrolledDevice]:
    """Enrol a fresh device with a one-time code; the client is closed after the test."""
    async with HubClient(hub.url) as anonymous:
        enrollment = await anonymous.enroll(
            EnrollRequest(code=hub.enroll_code(), device_name="pytest tablet")
        )
    async with HubClient(hub.url, enrollment.credential) as client:
        # A manager of the store signed in, as at a real counter (the hub needs a staff session
        # for customers and commands; a manager sees every field the tests look at).
        await client.staff_sign_in(StaffSignInRequest(staff_number="S0001", pin="1001"))
        yield EnrolledDevice(client=client, enrollment=enrollment)


class Resolver:
    """The hub's two profile routes, standing in for the app's services: a profile, or the failure
    a test sets."""

    def __init__(self, make_profile) -> None:
        self.make_profile = make_profile
        self.failure: HubError | None = None
        self.asked = 0
        self.staff_ids: list[int | None] = []

    async def resolve_customer(
        self, token: str, store_id: int | None = None, staff_id: int | None = None
    ) -> CustomerProfile:
        self.asked += 1
        self.staff_ids.append(staff_id)
        if self.failure is not None:
            raise self.failure
        from storeassist.domain.tokens import parse_token

        return self.make_profile(parse_token(token)[0].subject_id)

    async def customer_profile(
        self, customer_id: int, store_id: int, staff_id: int | None = None
    ) -> CustomerProfile:
        self.asked += 1
        self.staff_ids.append(staff_id)
        if self.failure is not None:
            raise self.failure
        return self.make_profile(customer_id)


@pytest.fixture
def resolver(make_profile: Any) -> Resolver:
    """The hub's profile routes answering with ``make_profile``, or with ``resolver.failure``."""
    return Resolver(make_profile)


def make_pickup(order_id: int, state: str, now: datetime, *, deadline_days: int | None = None) -> Order:
    """An open web pickup order of customer 7 at store 1, one line."""
    return Order(
        id=order_id,
        number=f"W{order_id:06d}",
        customer_id=7,
        channel="web",
        placed_at=now,
        status="open",
        fulfilment="bopis",
        store_id=1,
        pickup_state=state,
        pickup_deadline=now + timedelta(days=order_id if deadline_days is None else deadline_days),
        total_cents=8999,
        lines=[OrderLine(line_no=1, sku="SKU-1", name="Trail shoe", qty=1, price_cents=8999)],
    )


@pytest.fixture(name="make_pickup")
def make_pickup_fixture() -> Any:
    """``make_pickup(order_id, state, now, deadline_days=None)`` → an Order."""
    return make_pickup
