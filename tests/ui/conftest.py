"""Fixtures for tests that drive real StoreAssist widgets with pytest-qt.

Qt runs offscreen (set here, before any QApplication exists). Coroutines run on a qasync loop
bound to the test QApplication, so the UI's OpRunner works as in the app. Every test gets fresh
files under ``tmp_path`` and an in-memory keyring. Key timing is injected (:class:`KeyClock`)
so wedge tests decide exactly how fast "the scanner" or "the person" types, and never sleep.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from storeassist.config import ScannerSettings
from storeassist.contract import (
    Alert,
    Consent,
    CustomerDetail,
    CustomerProfile,
    LoyaltyStanding,
    TimelineEntry,
)
from storeassist.scanning import ScannerWedge

SCANNER_GAP_MS = 8
PERSON_GAP_MS = 160


class KeyClock:
    """Stands in for key timestamps: each key press is ``gap_ms`` after the one before."""

    SCANNER_GAP_MS = SCANNER_GAP_MS
    PERSON_GAP_MS = PERSON_GAP_MS

    def __init__(self) -> None:
        self.now_ms = 1_000_000.0
        self.gap_ms = float(SCANNER_GAP_MS)

    def __call__(self, _event: QKeyEvent) -> float:
        self.now_ms += self.gap_ms
        return self.now_ms


def _key_for(char: str) -> int:
    if char in "\r\n":
        return int(Qt.Key.Key_Return)
    if char.isascii() and (char.isalnum() or char in " .-_/"):
        return ord(char.upper())
    return int(Qt.Key.Key_unknown)


def type_text(widget: QWidget, text: str, *, enter: bool = True) -> None:
    """Send ``text`` (then Enter) to ``widget`` as key presses and releases, like a keyboard would.

    Goes through ``QApplication.notify``, so the application event filter sees every key."""
    for char in list(text) + (["\r"] if enter else []):
        key = _key_for(char)
        mods = Qt.KeyboardModifier.ShiftModifier if char.isupper() else Qt.KeyboardModifier.NoModifier
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.sendEvent(widget, QKeyEvent(kind, key, mods, char))


def make_profile(name: str = "Maria Jensen", *, tier: str = "Gold", points: int = 12480) -> CustomerProfile:
    """A complete profile as the hub would send it, for screens tested without a hub."""
    when = datetime(2026, 11, 2, 9, 15, tzinfo=UTC)
    return CustomerProfile(
        customer=CustomerDetail(
            id=42,
            loyalty_id="L-0000042",
            name=name,
            email="maria@example.invalid",
            phone="+45 00 00 00 00",
            language="en",
            preferred_store_id=1,
            preferred_channel="app",
            sizes={"shoes": "39", "tops": "M"},
            preferences=["running", "outdoor", "organic cotton"],
            consent=Consent(email=True, sms=False, push=True, post=False),
            lifetime_value_cents=183_400,
        ),
        loyalty=LoyaltyStanding(
            tier=tier, points=points, next_tier="Platinum", points_to_next=2520, member_since=date(2019, 4, 1)
        ),
        alerts=[
            Alert(
                kind="late_delivery",
                severity="warning",
                code="late_delivery",
                params={"number": "W1001", "channel": "web", "days": 4},
                ref="W1001",
            )
        ],
        open_pickups=[],
        holds=[],
        abandoned_cart=[],
        recent_views=[],
        recent_orders=[],
        cases=[],
        timeline=[
            TimelineEntry(
                at=when,
                kind="order",
                channel="web",
                code="order_placed",
                params={"number": "W1001", "items": 1, "total": 12_900, "status": "late"},
                ref="W1001",
            ),
            TimelineEntry(
                at=when, kind="view", channel="app", code="product_viewed", params={"product": "Rain jacket"}
            ),
        ],
        as_of=when,
        currency="USD",
    )


@pytest.fixture(scope="session")
def _session_qasync_loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """One qasync loop for the session; each test that asks for ``qasync_loop`` marks it running."""
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.events._set_running_loop(None)  # running only inside the tests that use it
    yield loop
    asyncio.events._set_running_loop(None)
    loop.stop()
    loop.close()  # also shuts down the worker threads behind asyncio.to_thread


@pytest.fixture
def qasync_loop(_session_qasync_loop: asyncio.AbstractEventLoop) -> Iterator[asyncio.AbstractEventLoop]:
    """The session's qasync loop, marked running for this test so coroutines behave as in the
    app; unmarked after it, so a test in the same process may run an asyncio loop of its own."""
    asyncio.set_event_loop(_session_qasync_loop)
    asyncio.events._set_running_loop(_session_qasync_loop)
    yield _session_qasync_loop
    asyncio.events._set_running_loop(None)


@pytest.fixture
def key_clock() -> KeyClock:
    return KeyClock()


@pytest.fixture
def wedge(qapp: QApplication, key_clock: KeyClock) -> Iterator[ScannerWedge]:
    scanner = ScannerWedge(ScannerSettings(), key_time_ms=key_clock)
    scanner.install(qapp)
    yield scanner
    scanner.uninstall(qapp)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform warns that it cannot pass size hints to a window manager it lacks.
    for item in items:
        if "tests/ui/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints"))


@pytest.fixture
def type_keys():  # type: ignore[no-untyped-def]
    """``type_keys(widget, text, enter=True)``: press and release each key, as a keyboard would."""
    return type_text


@pytest.fixture
def profile_factory():  # type: ignore[no-untyped-def]
    return make_profile


@pytest.fixture
def fake_device():  # type: ignore[no-untyped-def]
    """``fake_device(lookup, role=…, store_name=…, sync=…)``: see :func:`make_fake_device`."""
    from fake_devices import make_fake_device

    return make_fake_device
