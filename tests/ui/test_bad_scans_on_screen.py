"""Every class of bad scan, through the router to the screen with the real services and hub.

Forged, expired, revoked, truncated, oversized and wrong-kind codes each get their own clear
sentence; Hypothesis then throws arbitrary text at the same path. Nothing raises, nothing
freezes, no customer appears, and no scanned text reaches the log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot
from tampered_codes import tampered

from storeassist.client import HubClient
from storeassist.contract import StaffSignInRequest
from storeassist.domain.tokens import TokenKind
from storeassist.features import ASSOCIATE_FEATURES
from storeassist.local import LocalCache
from storeassist.scanning import ScanRouter
from storeassist.services.identify_customer import IdentifyCustomer
from storeassist.ui.background import OpRunner
from storeassist.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

WAIT_MS = 15_000


def _finish(qtbot: QtBot, work: Any) -> Any:
    task = asyncio.ensure_future(work)
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    return task.result()


class Counter:
    def __init__(self, hub: Any, window: MainWindow, runner: OpRunner, router: ScanRouter) -> None:
        self.hub, self.window, self.runner, self.router = hub, window, runner, router

    def scan(self, qtbot: QtBot, text: str) -> str:
        """Scan ``text``; return the notice the associate reads."""
        self.window.show_screen(self.window.feature_widget("customer"))
        self.window.feature_widget("customer").notice.setVisible(False)
        self.router.route(text)
        qtbot.waitUntil(lambda: not self.runner.busy, timeout=WAIT_MS)
        screen = self.window.screens.currentWidget()
        notice = screen.notice  # type: ignore[attr-defined]
        assert notice.isVisible(), f"no message for a bad scan on {type(screen).__name__}"
        assert not self.window.feature_widget("customer").profile.isVisible()
        text = notice.text()
        assert text and "Traceback" not in text and "Error" not in text
        return str(text)


@pytest.fixture
def counter(qtbot: QtBot, hub_server_fn: Any, tmp_path: Path, fake_device: Any) -> Iterator[Counter]:
    hub = hub_server_fn
    enrolled = httpx.post(
        f"{hub.url}/v1/devices/enroll", json={"code": hub.enroll_code(), "device_name": "bad scans"}
    ).json()
    client = HubClient(hub.url, enrolled["credential"])
    _finish(qtbot, client.staff_sign_in(StaffSignInRequest(staff_number="S0001", pin="1001")))
    cache = LocalCache(tmp_path / "cache.sqlite")
    cache.set_public_keys(_finish(qtbot, client.public_keys()))
    runner = OpRunner()
    window = MainWindow(runner, ASSOCIATE_FEATURES, training=False)
    qtbot.addWidget(window)
    router = ScanRouter()
    window.connect_router(router)
    lookup = IdentifyCustomer(client, cache, cache.verification_keys)
    window.attach_device(fake_device(lookup, store_id=hub.store_id, store_name="Bad scans"))
    window.resize(1280, 800)
    window.show()
    yield Counter(hub, window, runner, router)
    _finish(qtbot, client.aclose())
    cache.close()


def _issue(hub: Any, kind: TokenKind, subject: int, **kwargs: Any) -> str:
    from storeassist.hub.admin import issue_token

    return issue_token(hub.db_url, kind, subject, **kwargs)


def test_a_forged_code_is_refused(qtbot: QtBot, counter: Counter) -> None:
    good = counter.hub.loyalty_token(counter.hub.customer_ids[0])
    forged = tampered(good)
    assert "not" in counter.scan(qtbot, forged).lower()


def test_an_expired_code_says_to_refresh_it(qtbot: QtBot, counter: Counter) -> None:
    old = datetime.now(UTC) - timedelta(hours=2)
    code = _issue(counter.hub, TokenKind.LOYALTY_DYNAMIC, counter.hub.customer_ids[0], ttl_s=60, now=old)
    assert "expired" in counter.scan(qtbot, code).lower()


def test_a_cancelled_card_is_refused_by_the_hub(qtbot: QtBot, counter: Counter) -> None:
    from storeassist.hub.admin import revoke_card

    customer = counter.hub.customer_ids[1]
    card = counter.hub.loyalty_token(customer, card=True)
    revoke_card(counter.hub.db_url, customer)
    assert "cancel" in counter.scan(qtbot, card).lower()


def test_a_truncated_code_is_refused(qtbot: QtBot, counter: Counter) -> None:
    good = counter.hub.loyalty_token(counter.hub.customer_ids[0])
    counter.scan(qtbot, good[: len(good) // 2])


def test_an_oversized_scan_is_refused(qtbot: QtBot, counter: Counter) -> None:
    good = counter.hub.loyalty_token(counter.hub.customer_ids[0])
    counter.scan(qtbot, good + "A" * 20_000)


def test_a_code_of_another_kind_opens_no_customer(qtbot: QtBot, counter: Counter) -> None:
    order_code = counter.hub.order_token(counter.hub.pickup_order_ids[0])
    counter.scan(qtbot, order_code)
    assert counter.window.screens.currentWidget() is counter.window.feature_widget("pickups")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.one_of(st.text(max_size=300), st.text(alphabet="SA1.-_=0123456789abcdefXYZ", max_size=200)))
def test_garbage_always_gets_a_message_and_never_a_customer(
    qtbot: QtBot, counter: Counter, caplog: pytest.LogCaptureFixture, garbage: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="storeassist")
    counter.scan(qtbot, garbage)
    if len(garbage.strip()) >= 8:
        assert garbage.strip() not in caplog.text
