"""The Customer screen tells the associate who was scanned, and stays calm when it cannot."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from storeassist.client import HubUnreachable
from storeassist.domain.tokens import TokenExpired
from storeassist.ui.background import OpRunner
from storeassist.ui.customer_screen import CustomerScreen

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]


@dataclass
class Found:
    profile: Any
    source: str
    as_of: datetime


class ScriptedIdentifier:
    """Answers each lookup with the next scripted result (a ``Found`` or an exception)."""

    def __init__(self, *answers: Any, on_device: Any = None) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, int]] = []
        #: What the device alone knows (a ``Found``, None, or an exception to raise).
        self.on_device = on_device

    def cached_customer(self, text: str) -> Any:
        if isinstance(self.on_device, BaseException):
            raise self.on_device
        return self.on_device

    async def identify_by_token(self, text: str, store_id: int) -> Any:
        self.asked.append((text, store_id))
        await asyncio.sleep(0)
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


@pytest.fixture
def runner() -> OpRunner:
    return OpRunner()


def _screen(qtbot: QtBot, runner: OpRunner, identifier: ScriptedIdentifier) -> CustomerScreen:
    screen = CustomerScreen(runner)
    qtbot.addWidget(screen)
    screen.attach(identifier, store_id=3)
    screen.resize(1000, 700)
    screen.show()
    return screen


def test_scan_of_a_member_shows_name_tier_and_points(qtbot: QtBot, runner: OpRunner, profile_factory) -> None:
    profile = profile_factory()
    identifier = ScriptedIdentifier(Found(profile, "online", profile.as_of))
    screen = _screen(qtbot, runner, identifier)

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        screen.identify("SA1.token")

    assert identifier.asked == [("SA1.token", 3)]
    assert screen.name.text() == "Maria Jensen"
    assert screen.tier.text() == "Gold"
    assert "12" in screen.points.text() and "480" in screen.points.text()
    assert "Platinum" in screen.next_tier.text()
    assert not screen.offline_badge.isVisible()
    assert screen.alerts_model.rowCount() == 1
    assert screen.activity_model.rowCount() == 2


def test_profile_from_the_cache_is_marked_offline_with_its_time(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    profile = profile_factory()
    as_of = datetime(2026, 11, 20, 8, 5, tzinfo=UTC)
    screen = _screen(qtbot, runner, ScriptedIdentifier(Found(profile, "cache", as_of)))

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        screen.identify("SA1.token")

    assert screen.offline_badge.isVisible()
    assert screen.offline_badge.text().startswith("Offline — as of")
    assert screen.name.text() == "Maria Jensen"


def test_scan_of_expired_code_explains_and_keeps_the_customer_shown(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    profile = profile_factory()
    identifier = ScriptedIdentifier(Found(profile, "online", profile.as_of), TokenExpired())
    screen = _screen(qtbot, runner, identifier)
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        screen.identify("SA1.first")

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        screen.identify("SA1.expired")

    assert screen.notice.isVisible()
    assert screen.notice.text() == TokenExpired.message
    assert screen.name.text() == "Maria Jensen"


def test_hub_trouble_shows_its_message_not_a_traceback(qtbot: QtBot, runner: OpRunner) -> None:
    screen = _screen(qtbot, runner, ScriptedIdentifier(HubUnreachable()))
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        screen.identify("SA1.token")
    assert screen.notice.text() == HubUnreachable.default_message
    assert "Traceback" not in screen.notice.text()


def test_a_bug_in_the_lookup_becomes_a_general_message_and_a_log_line(
    qtbot: QtBot, runner: OpRunner, caplog: pytest.LogCaptureFixture
) -> None:
    screen = _screen(qtbot, runner, ScriptedIdentifier(KeyError("boom")))
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        screen.identify("SA1.token")
    assert "Something went wrong" in screen.notice.text()
    assert "boom" not in screen.notice.text()
    assert "KeyError" in caplog.text and "identify_by_token" in caplog.text
    assert "boom" not in caplog.text  # exception text may carry personal data: never logged


def test_an_answer_to_an_older_scan_does_not_replace_a_newer_one(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    older, newer = profile_factory("Old Answer"), profile_factory("New Answer")

    class SlowThenFast:
        def __init__(self) -> None:
            self.release_old = asyncio.Event()

        def cached_customer(self, _text: str) -> None:
            return None

        async def identify_by_token(self, text: str, store_id: int) -> Found:
            if text == "SA1.old":
                await self.release_old.wait()
                return Found(older, "online", older.as_of)
            return Found(newer, "online", newer.as_of)

    identifier = SlowThenFast()
    screen = _screen(qtbot, runner, identifier)  # type: ignore[arg-type]
    screen.identify("SA1.old")
    screen.identify("SA1.new")
    qtbot.waitUntil(lambda: screen.name.text() == "New Answer")
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        identifier.release_old.set()
    assert screen.name.text() == "New Answer"


def test_a_customer_known_on_this_tablet_shows_at_once_then_updates_from_the_hub(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    saved = profile_factory(points=100)
    fresh = profile_factory(points=250)
    identifier = ScriptedIdentifier(
        Found(fresh, "online", fresh.as_of), on_device=Found(saved, "cache", saved.as_of)
    )
    screen = _screen(qtbot, runner, identifier)

    with qtbot.waitSignal(screen.customer_shown, check_params_cb=lambda source: source == "cache"):
        screen.identify("SA1.token")
    assert screen.profile.isVisible() and "100" in screen.points.text()
    assert "Checking with the back office" in screen.offline_badge.text()

    qtbot.waitUntil(lambda: not runner.busy)
    assert "250" in screen.points.text()
    assert not screen.offline_badge.isVisible()


def test_a_code_the_hub_refuses_takes_the_early_profile_off_the_screen(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    from storeassist.domain.tokens import TokenRevoked

    saved = profile_factory()
    identifier = ScriptedIdentifier(
        TokenRevoked("This card was cancelled. Ask for the app code or photo ID."),
        on_device=Found(saved, "cache", saved.as_of),
    )
    screen = _screen(qtbot, runner, identifier)

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        screen.identify("SA1.token")

    assert not screen.profile.isVisible()
    assert "cancelled" in screen.notice.text()


def test_a_code_refused_on_the_device_is_never_sent(qtbot: QtBot, runner: OpRunner) -> None:
    identifier = ScriptedIdentifier(on_device=TokenExpired("This code has expired. Ask for a fresh one."))
    screen = _screen(qtbot, runner, identifier)

    screen.identify("SA1.token")

    assert identifier.asked == []
    assert "expired" in screen.notice.text()
