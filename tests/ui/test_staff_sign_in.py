"""Staff sign in with a signed badge (and the PIN above an associate) or number + PIN; customers
close when they sign out or go idle."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storeassist.contract import Role, StaffSession
from storeassist.domain.tokens import TokenKind, sign_token
from storeassist.features import ASSOCIATE_FEATURES
from storeassist.scanning import ScanRouter
from storeassist.services.sign_in_staff import SignInPinRequired, SignInRefused, StaffSessionState
from storeassist.services.view_customer import ViewCustomer
from storeassist.ui.background import OpRunner
from storeassist.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

_KEY = Ed25519PrivateKey.generate()
#: The hub's session for the signed-in person (the device sends the token with later requests).
_SESSION_FIELDS: dict[str, Any] = {
    "session_token": "t" * 43,
    "idle_minutes": 5,
    "expires_at": datetime(2026, 11, 2, 18, 0, tzinfo=UTC),
}


def _staff(staff_id: int, name: str, role: Role) -> StaffSession:
    return StaffSession(staff_id=staff_id, name=name, role=role, store_id=1, **_SESSION_FIELDS)


def _badge(staff_id: int) -> str:
    return sign_token(_KEY, 1, TokenKind.STAFF_BADGE, staff_id, 1)


ANA = _staff(3, "Ana Kovač", "associate")
MONA = _staff(1, "Mona Berg", "manager")
ANA_BADGE, MONA_BADGE, LOST_BADGE = _badge(3), _badge(1), _badge(99)
MONA_PIN = "1001"


class FakeSignIn:
    """``SignInStaff`` as the window sees it: Ana's badge signs her in alone; Mona's badge needs her
    PIN 1001; S0003/1003 is Ana; all else is refused. Records what was tried, never the PIN."""

    def __init__(self) -> None:
        self.tries: list[tuple[str, ...]] = []

    async def sign_in_badge(self, badge: str, pin: str | None = None) -> StaffSession:
        self.tries.append(("badge", badge, "with PIN" if pin is not None else "alone"))
        await asyncio.sleep(0)
        if badge == ANA_BADGE:
            return ANA
        if badge == MONA_BADGE:
            if pin is None:
                raise SignInPinRequired()
            if pin == MONA_PIN:
                return MONA
        raise SignInRefused("That badge or PIN was not accepted.")

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
    """Looks nobody up unless a test gives it the one customer to answer with."""

    def __init__(self) -> None:
        self.answer: Any = None

    def cached_customer(self, text: str) -> None:
        return None

    async def identify_by_token(self, text: str, store_id: int) -> Any:
        if self.answer is None:
            raise AssertionError("nobody may look customers up here")
        return self.answer


@dataclass
class Tablet:
    window: MainWindow
    runner: OpRunner
    state: StaffSessionState
    action: FakeSignIn
    router: ScanRouter
    lookup: NoLookups


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tablet(qtbot: QtBot, clock: Clock, fake_device: Any) -> Iterator[Tablet]:
    runner = OpRunner()
    window = MainWindow(runner, ASSOCIATE_FEATURES, training=False)
    qtbot.addWidget(window)
    router = ScanRouter()
    window.connect_router(router)
    state = StaffSessionState(idle_minutes=5, clock=clock)
    action = FakeSignIn()
    lookup = NoLookups()
    device = fake_device(lookup, sign_in=action, staff=state)
    device.view_customer = ViewCustomer(lookup, 1, lambda: state.role)
    window.attach_device(device)
    window.resize(1280, 800)
    window.show()
    yield Tablet(window, runner, state, action, router, lookup)


@pytest.fixture
def setup(tablet: Tablet) -> tuple[MainWindow, OpRunner, StaffSessionState, FakeSignIn]:
    return tablet.window, tablet.runner, tablet.state, tablet.action


def test_nobody_is_signed_in_at_first_and_the_strip_invites_to_sign_in(setup: Any) -> None:
    window, _runner, state, _action = setup
    assert state.current is None
    assert window.status_area.staff_button.text() == "Sign in"
    window.feature_widget("customer").identify("SA1.anything")
    assert "Sign in first" in window.feature_widget("customer").notice.text()


def test_a_badge_scan_signs_in_and_returns_to_the_screen(qtbot: QtBot, tablet: Tablet) -> None:
    window, state = tablet.window, tablet.state
    window.show_screen(window.feature_widget("stock"))

    with qtbot.waitSignal(window.sign_in_page.signed_in_as) as confirmed:
        tablet.router.route(ANA_BADGE + "\r\n")
    qtbot.waitUntil(lambda: state.current is not None)

    assert tablet.action.tries == [("badge", ANA_BADGE, "alone")]
    assert window.screens.currentWidget() is window.feature_widget("stock")
    assert confirmed.args == ["Signed in: Ana Kovač, Associate."]
    assert window.status_area.staff_button.text() == "Ana · Associate"
    assert window.feature_widget("customer").search.isEnabled()


def test_the_screen_returned_to_can_say_who_signed_in(qtbot: QtBot, tablet: Tablet) -> None:
    # signed_in_as comes after signed_in, so the window is back on its screen when it arrives:
    # this is how the window is meant to connect it.
    window = tablet.window
    window.sign_in_page.signed_in_as.connect(window.show_scan_message)
    window.show_screen(window.feature_widget("stock"))

    tablet.router.route(MONA_BADGE)
    qtbot.waitUntil(lambda: window.sign_in_page.awaiting_pin)
    window.sign_in_page.pin.setText(MONA_PIN)
    window.sign_in_page.sign_in_button.click()

    qtbot.waitUntil(window.feature_widget("stock").notice.isVisible)
    assert window.screens.currentWidget() is window.feature_widget("stock")
    assert window.feature_widget("stock").notice.text() == "Signed in: Mona Berg, Manager."


@pytest.mark.parametrize("label", ["B1003", "SAB.B1003"])
def test_a_printed_badge_label_is_not_a_code_we_know_and_signs_no_one_in(
    qtbot: QtBot, tablet: Tablet, label: str
) -> None:
    tablet.router.route(label)

    notice = tablet.window.feature_widget("customer").notice
    qtbot.waitUntil(notice.isVisible)
    assert notice.text().startswith("This code is not one StoreAssist knows.")
    assert tablet.action.tries == [] and tablet.state.current is None
    assert tablet.window.screens.currentWidget() is tablet.window.feature_widget("customer")


def test_a_refused_badge_says_so_on_the_sign_in_page(qtbot: QtBot, tablet: Tablet) -> None:
    tablet.router.route(LOST_BADGE)
    qtbot.waitUntil(lambda: not tablet.runner.busy)
    page = tablet.window.sign_in_page
    assert tablet.state.current is None
    assert tablet.window.screens.currentWidget() is page
    assert page.notice.text() == "That badge or PIN was not accepted."
    assert not page.awaiting_pin and page.staff_number.isVisible()


def test_a_managers_badge_asks_for_the_pin_then_signs_in_and_says_who(
    qtbot: QtBot, tablet: Tablet, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    window, page = tablet.window, tablet.window.sign_in_page
    window.show_screen(window.feature_widget("pickups"))

    tablet.router.route(MONA_BADGE)
    qtbot.waitUntil(lambda: page.awaiting_pin)

    assert window.screens.currentWidget() is page
    assert page.notice.text() == "Enter your PIN to finish signing in."
    assert page.pin.isVisible() and not page.staff_number.isVisible()
    assert "Enter your PIN" in page.who.text()
    assert MONA_BADGE not in page.notice.text() + page.who.text()
    assert tablet.state.current is None

    qtbot.keyClicks(page.pin, MONA_PIN)
    with qtbot.waitSignal(page.signed_in_as) as confirmed:
        qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tablet.state.current is not None)

    assert tablet.state.current == MONA
    assert tablet.action.tries == [("badge", MONA_BADGE, "alone"), ("badge", MONA_BADGE, "with PIN")]
    assert confirmed.args == ["Signed in: Mona Berg, Manager."]
    assert window.status_area.staff_button.text() == "Mona · Manager"
    assert window.screens.currentWidget() is window.feature_widget("pickups")
    assert not page.awaiting_pin and page.pin.text() == ""
    assert MONA_PIN not in caplog.text and MONA_BADGE not in caplog.text


def test_a_wrong_pin_keeps_the_badge_for_another_try(qtbot: QtBot, tablet: Tablet) -> None:
    page = tablet.window.sign_in_page
    tablet.router.route(MONA_BADGE)
    qtbot.waitUntil(lambda: page.awaiting_pin)

    page.pin.setText("9999")
    page.sign_in_button.click()
    assert page.pin.text() == ""
    qtbot.waitUntil(lambda: not tablet.runner.busy)
    assert page.notice.text() == "That badge or PIN was not accepted."
    assert "9999" not in page.notice.text()
    assert page.awaiting_pin and not page.staff_number.isVisible()

    page.sign_in_button.click()  # nothing typed
    assert page.notice.text() == "Enter your PIN to finish signing in."

    page.pin.setText(MONA_PIN)
    page.sign_in_button.click()
    qtbot.waitUntil(lambda: tablet.state.current == MONA)


def test_leaving_the_page_forgets_a_badge_waiting_for_its_pin(qtbot: QtBot, tablet: Tablet) -> None:
    window, page = tablet.window, tablet.window.sign_in_page
    tablet.router.route(MONA_BADGE)
    qtbot.waitUntil(lambda: page.awaiting_pin)
    page.pin.setText("10")

    back = next(b for b in page.findChildren(type(page.sign_in_button)) if b.text() == "Back")
    back.click()
    assert window.screens.currentWidget() is not page
    assert not page.awaiting_pin and page.pin.text() == ""

    window.status_area.staff_button.click()  # the next person opens the page
    assert window.screens.currentWidget() is page
    assert page.staff_number.isVisible() and not page.notice.isVisible()
    page.pin.setText(MONA_PIN)
    page.sign_in_button.click()
    assert page.notice.text() == "Enter your staff number and PIN, or scan your badge."
    assert tablet.action.tries == [("badge", MONA_BADGE, "alone")]


def test_another_badge_replaces_one_waiting_for_its_pin(qtbot: QtBot, tablet: Tablet) -> None:
    page = tablet.window.sign_in_page
    tablet.router.route(MONA_BADGE)
    qtbot.waitUntil(lambda: page.awaiting_pin)

    tablet.router.route(ANA_BADGE)
    qtbot.waitUntil(lambda: tablet.state.current is not None)

    assert tablet.state.current == ANA
    assert not page.awaiting_pin


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
    with qtbot.waitSignal(page.signed_in_as) as confirmed:
        page.sign_in_button.click()
    qtbot.waitUntil(lambda: state.current is not None)
    assert action.tries[-1] == ("pin", "S0003")
    assert page.pin.text() == ""
    assert confirmed.args == ["Signed in: Ana Kovač, Associate."]


def test_going_idle_signs_out_and_takes_the_customer_off_the_screen(
    qtbot: QtBot, tablet: Tablet, clock: Clock, profile_factory
) -> None:
    from storeassist.services.identify_customer import IdentifiedCustomer

    window, state = tablet.window, tablet.state
    state.sign_in(ANA)
    profile = profile_factory()
    tablet.lookup.answer = IdentifiedCustomer(profile, "online", datetime.now(UTC))
    screen = window.feature_widget("customer")
    with qtbot.waitSignal(screen.customer_shown):
        screen.identify("SA1.anything")
    assert window.feature_widget("customer").profile.isVisible()
    assert "not shown for your role" in window.feature_widget("customer").profile.membership.text()

    clock.now += 5 * 60 + 1
    window._check_idle()

    assert state.current is None
    assert not window.feature_widget("customer").profile.isVisible()
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
    release = asyncio.Event()

    async def slow_manager(badge: str, pin: str | None = None) -> StaffSession:
        await release.wait()
        return MONA

    async def quick_associate(badge: str, pin: str | None = None) -> StaffSession:
        return ANA

    action.sign_in_badge = slow_manager
    window._on_badge_scan(MONA_BADGE)
    action.sign_in_badge = quick_associate
    window._on_badge_scan(ANA_BADGE)
    qtbot.waitUntil(lambda: state.current is not None)
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)

    assert state.current == ANA
