"""Staff sign in with a badge or number + PIN; customers close when they sign out or go idle."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from storeassist.contract import StaffSession
from storeassist.domain.privacy import access_for
from storeassist.scanning import ScanRouter
from storeassist.services.sign_in_staff import SignInRefused, StaffSessionState
from storeassist.ui.background import OpRunner
from storeassist.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

ANA = StaffSession(staff_id=3, name="Ana Kovač", role="associate", store_id=1)


class FakeSignIn:
    """``SignInStaff`` as the window sees it: badge B1003 and S0003/1003 are Ana; all else refused."""

    def __init__(self) -> None:
        self.tries: list[tuple[str, ...]] = []

    async def sign_in_badge(self, badge: str) -> StaffSession:
        self.tries.append(("badge", badge))
        await asyncio.sleep(0)
        if badge != "B1003":
            raise SignInRefused("That badge or PIN was not accepted.")
        return ANA

    async def sign_in_pin(self, staff_number: str, pin: str) -> StaffSession:
        self.tries.append(("pin", staff_number))
        await asyncio.sleep(0)
        if (staff_number, pin) != ("S0003", "1003"):
            raise SignInRefused("That badge or PIN was not accepted.")
        return ANA


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class NoLookups:
    def cached_customer(self, text: str) -> None:
        return None

    async def identify_by_token(self, text: str, store_id: int) -> Any:
        raise AssertionError("nobody may look customers up here")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def setup(qtbot: QtBot, clock: Clock) -> Iterator[tuple[MainWindow, OpRunner, StaffSessionState, FakeSignIn]]:
    runner = OpRunner()
    window = MainWindow(runner, training=False)
    qtbot.addWidget(window)
    router = ScanRouter()
    window.connect_router(router)
    state = StaffSessionState(idle_minutes=5, clock=clock)
    action = FakeSignIn()
    window.attach_services(
        identifier=NoLookups(),
        sync=None,
        store_id=1,
        store_name="Test store",
        staff_sign_in=action,
        staff_state=state,
        access=lambda: access_for(state.role) if state.role is not None else None,
    )
    window.resize(1280, 800)
    window.show()
    yield window, runner, state, action


def test_nobody_is_signed_in_at_first_and_the_strip_invites_to_sign_in(setup: Any) -> None:
    window, _runner, state, _action = setup
    assert state.current is None
    assert window.status_area.staff_button.text() == "Sign in"
    window.customer_screen.identify("SA1.anything")
    assert "Sign in first" in window.customer_screen.notice.text()


def test_a_badge_scan_signs_in_and_returns_to_the_screen(qtbot: QtBot, setup: Any) -> None:
    window, _runner, state, action = setup
    window.show_screen(window.stock_screen)

    window._on_badge_scan("B1003")
    qtbot.waitUntil(lambda: state.current is not None)

    assert action.tries == [("badge", "B1003")]
    assert window.screens.currentWidget() is window.stock_screen
    assert window.status_area.staff_button.text() == "Ana · Associate"
    assert window.customer_screen.search.isEnabled()


def test_a_refused_badge_says_so_on_the_sign_in_page(qtbot: QtBot, setup: Any) -> None:
    window, runner, state, _action = setup
    window._on_badge_scan("B9999")
    qtbot.waitUntil(lambda: not runner.busy)
    assert state.current is None
    assert window.screens.currentWidget() is window.sign_in_page
    assert window.sign_in_page.notice.text() == "That badge or PIN was not accepted."


def test_number_and_pin_sign_in_and_the_pin_never_stays_on_screen(qtbot: QtBot, setup: Any) -> None:
    window, runner, state, action = setup
    window.status_area.staff_button.click()
    page = window.sign_in_page
    assert window.screens.currentWidget() is page

    page.staff_number.setText("s0003")
    page.pin.setText("1234")
    page.sign_in_button.click()
    assert page.pin.text() == ""
    qtbot.waitUntil(lambda: not runner.busy)
    assert state.current is None and "not accepted" in page.notice.text()
    assert "1234" not in page.notice.text()

    page.pin.setText("1003")
    page.sign_in_button.click()
    qtbot.waitUntil(lambda: state.current is not None)
    assert action.tries[-1] == ("pin", "S0003")
    assert page.pin.text() == ""


def test_going_idle_signs_out_and_takes_the_customer_off_the_screen(
    qtbot: QtBot, setup: Any, clock: Clock, profile_factory
) -> None:
    from datetime import UTC, datetime

    from storeassist.services.identify_customer import IdentifiedCustomer

    window, _runner, state, _action = setup
    state.sign_in(ANA)
    profile = profile_factory()
    window.customer_screen.show_customer(IdentifiedCustomer(profile, "online", datetime.now(UTC)))
    assert window.customer_screen.profile.isVisible()
    assert "not shown for your role" in window.customer_screen.profile.membership.text()

    clock.now += 5 * 60 + 1
    window._check_idle()

    assert state.current is None
    assert not window.customer_screen.profile.isVisible()
    assert window.status_area.staff_button.text() == "Sign in"


def test_signing_out_from_the_sign_in_page(qtbot: QtBot, setup: Any) -> None:
    window, _runner, state, _action = setup
    state.sign_in(ANA)
    window.status_area.staff_button.click()
    page = window.sign_in_page
    assert "Ana Kovač" in page.who.text()
    page.sign_out_button.click()
    assert state.current is None
    assert not page.sign_out_button.isVisible()


def test_a_slow_answer_to_an_earlier_badge_does_not_override_the_later_one(qtbot: QtBot, setup: Any) -> None:
    window, runner, state, action = setup
    manager = StaffSession(staff_id=1, name="Mona Manager", role="manager", store_id=1)
    release = asyncio.Event()

    async def slow_manager(badge: str) -> StaffSession:
        await release.wait()
        return manager

    async def quick_associate(badge: str) -> StaffSession:
        return ANA

    action.sign_in_badge = slow_manager
    window._on_badge_scan("B1001")
    action.sign_in_badge = quick_associate
    window._on_badge_scan("B1003")
    qtbot.waitUntil(lambda: state.current is not None)
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)

    assert state.current == ANA
