"""The Customer screen tells the associate who was scanned, and stays calm when it cannot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fake_devices import FakeDevice
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from storeassist.client import HubUnreachable
from storeassist.contract import Role
from storeassist.domain.privacy import ProfileAccess, access_for
from storeassist.domain.tokens import TokenExpired
from storeassist.services.identify_customer import CustomerNotCached
from storeassist.services.view_customer import ViewCustomer
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

    async def identify_by_id(self, customer_id: int, store_id: int) -> Any:
        return await self.identify_by_token(f"id:{customer_id}", store_id)


@pytest.fixture
def runner() -> OpRunner:
    return OpRunner()


def _screen(
    qtbot: QtBot,
    runner: OpRunner,
    identifier: ScriptedIdentifier,
    *,
    access: Callable[[], ProfileAccess | None] = lambda: access_for("admin"),
    viewed_offline: Callable[[int], object] | None = None,
    searcher: Any = None,
    open_elsewhere: Callable[[str, str], None] | None = None,
    **services: Any,
) -> CustomerScreen:
    """The screen with a real ``ViewCustomer`` over the scripted lookups (store 3)."""

    def role() -> Role | None:
        now = access()
        return None if now is None else now.role

    record = None if viewed_offline is None else (lambda customer, _staff: viewed_offline(customer))
    viewer = ViewCustomer(identifier, 3, role, record_cached_view=record, search=searcher)
    screen = CustomerScreen(runner, open_elsewhere)
    qtbot.addWidget(screen)
    screen.attach(FakeDevice(viewer, store_id=3, **services))
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
    alerts = [label.text() for label in screen.profile.alerts_section.findChildren(QLabel)]
    assert any("running late (placed 4 day(s) ago)" in text for text in alerts)
    assert screen.profile.timeline_model.rowCount() == 2


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


@pytest.mark.parametrize(
    "failure",
    [TokenExpired(), CustomerNotCached(), HubUnreachable()],
    ids=["refused", "offline and not on this tablet", "hub unreachable"],
)
def test_a_scan_that_cannot_be_answered_explains_and_takes_the_previous_customer_off(
    qtbot: QtBot, runner: OpRunner, profile_factory, failure: Exception
) -> None:
    profile = profile_factory()
    identifier = ScriptedIdentifier(Found(profile, "online", profile.as_of), failure)
    screen = _screen(qtbot, runner, identifier)
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        screen.identify("SA1.first")
    assert screen.profile.isVisible()

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        screen.identify("SA1.second")

    # The associate must not serve the next person as the one before.
    assert screen.notice.isVisible() and screen.notice.text()
    assert not screen.profile.isVisible()


def test_a_code_refused_on_the_device_takes_the_previous_customer_off_too(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    profile = profile_factory()
    identifier = ScriptedIdentifier(Found(profile, "online", profile.as_of))
    screen = _screen(qtbot, runner, identifier)
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        screen.identify("SA1.first")
    identifier.on_device = TokenExpired()

    screen.identify("SA1.expired")

    assert screen.notice.text() == TokenExpired.message
    assert not screen.profile.isVisible()


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


def _texts(widget: Any) -> str:
    return " | ".join(label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget))


def _pick(name: str, category: str) -> Any:
    from storeassist.contract import Product, Recommendation

    product = Product(
        sku="SKU-" + name[:4].upper(),
        gtin="4006381333931",
        style="STYLE1",
        name=name,
        brand="Harbor",
        category="outdoor",
        price_cents=9_900,
        size="M",
        colour="navy",
    )
    return Recommendation(
        product=product,
        score=0.5,
        reason_code="category_best_seller",
        reason_params={"category": category},
        availability="here",
    )


def _pickup(number: str) -> Any:
    from storeassist.contract import Order, OrderLine

    when = datetime(2026, 11, 2, 9, 15, tzinfo=UTC)
    return Order(
        id=2001,
        number=number,
        customer_id=42,
        customer_name="Maria Jensen",
        channel="web",
        placed_at=when,
        status="open",
        fulfilment="bopis",
        store_id=3,
        pickup_state="ready",
        pickup_deadline=when,
        total_cents=4_900,
        lines=[OrderLine(line_no=1, sku="SKU-1", name="Scarf", qty=1, price_cents=4_900)],
    )


class NoteBook:
    """``AddCustomerNote`` as the screen sees it: durable when ``add`` returns, or a typed refusal."""

    def __init__(self, refuse: BaseException | None = None) -> None:
        self.saved: list[tuple[int, str]] = []
        self.refuse = refuse

    def add(self, customer_id: int, text: str) -> None:
        if self.refuse is not None:
            raise self.refuse
        self.saved.append((customer_id, text))


def _shown(qtbot: QtBot, runner: OpRunner, screen: CustomerScreen, token: str = "SA1.token") -> None:
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        screen.identify(token)
    qtbot.waitUntil(lambda: not runner.busy)


def test_a_note_typed_on_the_profile_goes_to_the_outbox_and_shows_as_waiting(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    profile = profile_factory()
    notes = NoteBook()
    screen = _screen(qtbot, runner, ScriptedIdentifier(Found(profile, "online", profile.as_of)), notes=notes)
    _shown(qtbot, runner, screen)

    screen.profile.note_field.setText("  Prefers a call before pickup  ")
    screen.profile.add_note_button.click()

    assert notes.saved == [(profile.customer.id, "Prefers a call before pickup")]
    assert screen.profile.note_field.text() == ""
    assert "waiting to sync" in _texts(screen.profile.notes_section)


def test_a_note_the_tablet_cannot_save_keeps_its_text_and_says_why(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    from storeassist.local import LocalStoreError

    profile = profile_factory()
    notes = NoteBook(refuse=LocalStoreError("This tablet's storage is full. Ask IT to free space."))
    screen = _screen(qtbot, runner, ScriptedIdentifier(Found(profile, "online", profile.as_of)), notes=notes)
    _shown(qtbot, runner, screen)

    screen.profile.note_field.setText("Allergic to wool")
    screen.profile.add_note_button.click()

    assert screen.profile.note_field.text() == "Allergic to wool"
    assert screen.profile.add_note_button.isEnabled()  # may be tried again
    assert "storage is full" in screen.notice.text()


def test_suggestions_follow_the_customer_and_a_late_list_for_someone_else_is_dropped(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    from storeassist.contract import RecommendationList
    from storeassist.services.recommend_products import Suggestions

    first = profile_factory("First Person")
    second = profile_factory("Second Person")
    second = second.model_copy(update={"customer": second.customer.model_copy(update={"id": 8})})

    class Slow:
        def __init__(self) -> None:
            self.release = asyncio.Event()

        async def for_customer(self, customer_id: int, store_id: int) -> Suggestions:
            if customer_id == first.customer.id:
                await self.release.wait()
                items = [_pick("Old pick", "Scarves")]
            else:
                items = [_pick("Rain jacket", "Outerwear")]
            return Suggestions(RecommendationList(customer_id=customer_id, store_id=3, items=items), "online")

    source = Slow()
    identifier = ScriptedIdentifier(
        Found(first, "online", first.as_of), Found(second, "online", second.as_of)
    )
    screen = _screen(qtbot, runner, identifier, suggestions=source)
    screen.identify("SA1.first")
    qtbot.waitUntil(lambda: screen.name.text() == "First Person")
    screen.identify("SA1.second")
    qtbot.waitUntil(lambda: "Rain jacket" in _texts(screen.profile.recommendations_section))
    source.release.set()
    qtbot.waitUntil(lambda: not runner.busy)

    shown = _texts(screen.profile.recommendations_section)
    assert "A best seller in Outerwear, a category they shop" in shown
    assert "Old pick" not in shown


def test_a_profile_shown_from_the_tablet_alone_is_recorded_for_the_audit_trail(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    profile = profile_factory()
    viewed: list[int] = []
    identifier = ScriptedIdentifier(
        Found(profile, "cache", profile.as_of), Found(profile, "online", profile.as_of)
    )
    screen = _screen(qtbot, runner, identifier, viewed_offline=viewed.append)

    _shown(qtbot, runner, screen)
    assert viewed == [profile.customer.id]
    _shown(qtbot, runner, screen)  # online: the hub writes its own audit entry
    assert viewed == [profile.customer.id]


def test_the_profile_shows_what_the_signed_in_role_may_see(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    profile = profile_factory()
    role = {"now": "associate"}
    identifier = ScriptedIdentifier(*(Found(profile, "online", profile.as_of) for _ in range(2)))
    screen = _screen(qtbot, runner, identifier, access=lambda: access_for(role["now"]))

    _shown(qtbot, runner, screen)
    assert "not shown for your role" in screen.profile.membership.text()

    role["now"] = "supervisor"
    _shown(qtbot, runner, screen)
    assert "Lifetime value" in screen.profile.membership.text()
    assert "not shown" not in screen.profile.membership.text()


def test_nobody_signed_in_opens_no_customer_and_signing_out_clears_the_screen(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    profile = profile_factory()
    session: dict[str, Any] = {"access": access_for("associate")}
    identifier = ScriptedIdentifier(Found(profile, "online", profile.as_of))
    screen = _screen(qtbot, runner, identifier, access=lambda: session["access"])
    _shown(qtbot, runner, screen)
    assert screen.profile.isVisible()

    session["access"] = None
    screen.staff_changed()
    assert not screen.profile.isVisible()
    assert not screen.search.isEnabled()

    screen.identify("SA1.token")
    assert identifier.asked == [("SA1.token", 3)]  # the second scan never left the tablet
    assert "Sign in first" in screen.notice.text()
    assert not screen.profile.isVisible()


def test_tapping_an_open_pickup_asks_for_the_pickup_flow(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    profile = profile_factory()
    profile = profile.model_copy(update={"open_pickups": [_pickup("B-2001")]})
    opened: list[tuple[str, str]] = []
    screen = _screen(
        qtbot,
        runner,
        ScriptedIdentifier(Found(profile, "online", profile.as_of)),
        open_elsewhere=lambda kind, text: opened.append((kind, text)),
    )
    _shown(qtbot, runner, screen)

    button = next(
        b for b in screen.profile.pickups_section.findChildren(QPushButton) if b.isVisibleTo(screen)
    )
    button.click()
    assert opened == [("order_number", "B-2001")]  # the window opens it on the Pickups feature


def test_search_swaps_the_profile_for_results_and_a_tap_opens_that_customer(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    from storeassist.contract import CustomerPage, CustomerSummary

    shown, chosen = profile_factory("Maria Jensen"), profile_factory("Mark Allen")

    class Directory:
        async def search(self, text: str, page: int = 0) -> CustomerPage:
            return CustomerPage(
                items=[
                    CustomerSummary(
                        id=77,
                        loyalty_id="L000000077",
                        name="Mark Allen",
                        tier="member",
                        points=10,
                        email="mark@example.invalid",
                        phone="+1 555 0100",
                    )
                ]
            )

    identifier = ScriptedIdentifier(
        Found(shown, "online", shown.as_of), Found(chosen, "online", chosen.as_of)
    )
    screen = _screen(qtbot, runner, identifier, searcher=Directory())
    _shown(qtbot, runner, screen)
    assert screen.profile.isVisible()

    screen.search.field.setText("mar")
    screen.search.search()
    qtbot.waitUntil(lambda: screen.search.results.isVisible())
    assert not screen.profile.isVisible()  # the results have the room while searching

    with qtbot.waitSignal(screen.customer_shown):
        screen.search.results.clicked.emit(screen.search.results.model().index(0, 0))

    assert identifier.asked[-1] == ("id:77", 3)
    assert screen.name.text() == "Mark Allen"
    assert screen.search.field.text() == "" and not screen.search.results.isVisible()


def test_a_hand_over_to_another_staff_member_takes_the_previous_view_off_the_screen(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    profile = profile_factory()
    session: dict[str, Any] = {"access": access_for("manager")}
    screen = _screen(
        qtbot,
        runner,
        ScriptedIdentifier(Found(profile, "online", profile.as_of)),
        access=lambda: session["access"],
    )
    _shown(qtbot, runner, screen)
    assert (
        "Lifetime value" in screen.profile.membership.text()
        and "not shown" not in screen.profile.membership.text()
    )

    session["access"] = access_for("associate")  # an associate scans their badge at the same tablet
    screen.staff_changed()

    assert not screen.profile.isVisible()
    assert screen.search.isEnabled()


def test_a_customer_the_hub_no_longer_has_leaves_the_screen_after_the_early_paint(
    qtbot: QtBot, runner: OpRunner, profile_factory
) -> None:
    from storeassist.client import HubNotFound
    from storeassist.contract import Problem

    saved = profile_factory()
    gone = HubNotFound(
        Problem(title="Not found", status=404, detail="There is no such customer.", code="not_found")
    )
    screen = _screen(qtbot, runner, ScriptedIdentifier(gone, on_device=Found(saved, "cache", saved.as_of)))

    _shown(qtbot, runner, screen)

    assert not screen.profile.isVisible()
    assert screen.notice.isVisible()
