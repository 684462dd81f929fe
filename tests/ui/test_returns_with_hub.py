"""The Returns screen end to end: the real app (``build_associate_app``) against a real hub on
loopback. A purchase receipt is scanned and one unit taken back: confirmed, with the QR of the hub's
signed return receipt, refunded and restocked at the hub. A return past its window asks a manager,
who scans their badge and types their PIN on the same tablet: applied, with the manager on the
return and its audit, and the associate still signed in. A tampered receipt is refused in words.
A return the hub refused is followed by a new return, never the refused one answered again; an
approval the desk no longer holds is asked for again. The same unit taken back here while the hub
is out of reach and meanwhile in another store is paid back once, and this tablet's return lands in
Needs attention."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hub_apps import NETWORK_TIMEOUT_MS, enrolled_app, finish, hub_or_skip
from hub_returns import look_up, take
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from tampered_codes import tampered as tamper

from storeassist.domain.tokens import TokenKind, parse_token
from storeassist.hub.seed import demo_pin
from storeassist.ui.returns_screen import ReturnsScreen

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

MANAGER_PIN = "1001"
#: Categories the policy takes back like any other within 30 days (no final sale, no receipt rule).
PLAIN = ("Tops", "Knitwear", "Shirts", "Jeans", "Trousers", "Dresses", "Skirts", "Accessories")


@pytest.fixture
def hub(request: pytest.FixtureRequest) -> Any:
    return hub_or_skip(request)


@pytest.fixture
def app(qtbot: QtBot, tmp_path: Path, hub: Any, memory_keyring: Any) -> Iterator[Any]:
    with enrolled_app(qtbot, tmp_path / "tablet", hub, memory_keyring, "Returns tablet") as built:
        yield built


def _receipt(hub: Any, order_id: int) -> str:
    from storeassist.hub.admin import issue_token

    return issue_token(hub.db_url, TokenKind.PURCHASE_RECEIPT, order_id)


def _candidates(hub: Any, days: tuple[int, int]) -> list[int]:
    """Delivered, paid orders of a customer placed between ``days`` ago, never returned, with a
    line of a plain category, newest first."""
    now = datetime.now(UTC).replace(tzinfo=None)
    marks = ", ".join("?" * len(PLAIN))
    with sqlite3.connect(hub.db_path) as db:
        rows = db.execute(
            "SELECT DISTINCT o.id FROM orders o JOIN order_lines l ON l.order_id = o.id "
            "JOIN products p ON p.id = l.product_id "
            "WHERE o.status = 'delivered' AND o.fulfilment = 'ship' AND o.payment_state = 'paid' "
            "AND o.customer_id IS NOT NULL AND o.placed_at BETWEEN ? AND ? "
            f"AND p.category IN ({marks}) AND l.price_cents <= 9000 "
            "AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.order_id = o.id) "
            "AND NOT EXISTS (SELECT 1 FROM refunds f WHERE f.order_id = o.id) ORDER BY o.placed_at DESC",
            (
                (now - timedelta(days=days[1])).isoformat(sep=" "),
                (now - timedelta(days=days[0])).isoformat(sep=" "),
                *PLAIN,
            ),
        ).fetchall()
    return [row[0] for row in rows]


def _order_with(qtbot: QtBot, app: Any, hub: Any, verdict: str, days: tuple[int, int]) -> tuple[str, int]:
    """A purchase receipt whose order has a plain line with ``verdict``, and that line's number."""
    desk = app.startup.services.returns
    for order_id in _candidates(hub, days)[:40]:
        code = _receipt(hub, order_id)
        opened = finish(qtbot, desk.open_code(code))
        for line, judged in zip(opened.order.lines, opened.verdicts, strict=True):
            if judged.code == verdict and line.category in PLAIN and line.unit_cents <= 9000:
                return code, line.line_no
    pytest.fail(f"the seeded chain has no order with a {verdict} line")


def _scan(qtbot: QtBot, app: Any, code: str) -> ReturnsScreen:
    screen = app.window.feature_widget("returns")
    assert isinstance(screen, ReturnsScreen)
    with qtbot.waitSignal(screen.order_shown, timeout=NETWORK_TIMEOUT_MS) as shown:
        app.router.route(code)
    qtbot.waitUntil(lambda: not app.runner.busy, timeout=NETWORK_TIMEOUT_MS)
    assert shown.args[1] == "online"
    assert app.window.screens.currentWidget() is screen
    return screen


def _choose(screen: ReturnsScreen, line_no: int) -> None:
    row = next(row for row in screen.order.rows if row.line.line_no == line_no)
    row.stepper.set_value(1)
    row.reason.setCurrentIndex(row.reason.findData("wrong_size"))
    row.condition.setCurrentIndex(row.condition.findData("resellable"))


def test_a_scanned_receipt_is_taken_back_and_confirmed_with_the_hubs_signed_qr(
    qtbot: QtBot, app: Any, hub: Any
) -> None:
    code, line_no = _order_with(qtbot, app, hub, "returnable", (2, 20))
    screen = _scan(qtbot, app, code)
    assert screen.order.receipt_pill.text() == "With receipt"
    _choose(screen, line_no)
    assert screen.order.take_button.isEnabled() and screen.order.take_button.text() == "Take back"

    with qtbot.waitSignal(screen.receipt_shown, timeout=NETWORK_TIMEOUT_MS) as shown:
        qtbot.mouseClick(screen.order.take_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not app.runner.busy, timeout=NETWORK_TIMEOUT_MS)

    receipt = shown.args[0]
    assert receipt.status == "confirmed", (receipt.code, receipt.params)
    page = screen.receipt
    assert page.status.text() == "Confirmed by the back office."
    assert page.qr.isVisible() and page.qr.text == receipt.receipt_code
    assert parse_token(page.qr.text)[0].kind is TokenKind.RETURN_RECEIPT
    with sqlite3.connect(hub.db_path) as db:
        (returns,) = db.execute(
            "SELECT count(*) FROM returns WHERE command_id = ?", (receipt.return_id,)
        ).fetchone()
    assert returns == 1


def test_a_return_past_its_window_is_approved_by_a_manager_on_the_same_tablet(
    qtbot: QtBot, app: Any, hub: Any
) -> None:
    code, line_no = _order_with(qtbot, app, hub, "past_window", (40, 80))
    screen = _scan(qtbot, app, code)
    _choose(screen, line_no)
    assert screen.order.summary.manager.isVisible()
    with qtbot.waitSignal(screen.approval_shown, timeout=NETWORK_TIMEOUT_MS):
        qtbot.mouseClick(screen.order.take_button, Qt.MouseButton.LeftButton)

    app.router.route(hub.manager_badge)  # the manager's badge, scanned while the page waits
    approval = screen.approval
    assert app.window.screens.currentWidget() is screen and approval.has_badge
    approval.pin.setText(MANAGER_PIN)
    approval.reason.setText("Customer was abroad")
    with qtbot.waitSignal(screen.receipt_shown, timeout=NETWORK_TIMEOUT_MS) as shown:
        qtbot.mouseClick(approval.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not app.runner.busy, timeout=NETWORK_TIMEOUT_MS)

    receipt = shown.args[0]
    assert receipt.status == "confirmed", (receipt.code, receipt.params)
    assert receipt.approved_by and screen.receipt.approved.text() == f"Approved by {receipt.approved_by}"
    staff = app.startup.services.staff.current
    assert staff is not None and staff.role == "associate", "the associate stays signed in"
    with sqlite3.connect(hub.db_path) as db:
        return_row, approved_by = db.execute(
            "SELECT id, approved_by FROM returns WHERE command_id = ?", (receipt.return_id,)
        ).fetchone()
        (manager,) = db.execute("SELECT id FROM staff WHERE staff_number = 'S0001'").fetchone()
        audited = db.execute(
            "SELECT staff_id FROM audit WHERE subject = ?", (f"return:{return_row}",)
        ).fetchall()
    assert approved_by == manager
    assert (manager,) in audited


def test_a_tampered_receipt_is_refused_in_words_and_nothing_opens(qtbot: QtBot, app: Any, hub: Any) -> None:
    code = _receipt(hub, _candidates(hub, (2, 20))[0])
    tampered = tamper(code)
    screen = app.window.feature_widget("returns")
    assert isinstance(screen, ReturnsScreen)

    app.router.route(tampered)
    qtbot.waitUntil(lambda: not app.runner.busy, timeout=NETWORK_TIMEOUT_MS)

    assert app.window.screens.currentWidget() is screen
    assert screen.notice.isVisible()
    assert screen.notice.text() == "This code's signature does not check out. It was not issued by us."
    assert screen.opened is None and screen.pages.currentWidget() is screen.find_page


def test_after_a_return_the_hub_refused_the_next_take_back_is_a_new_return(
    qtbot: QtBot, app: Any, hub: Any
) -> None:
    """The hub refuses a return (the order was cancelled meanwhile): the receipt says so. The order
    put right and taken back again is a new return with an id of its own, applied, never the
    refused one answered again."""
    code, line_no = _order_with(qtbot, app, hub, "returnable", (2, 20))
    order_id = int(parse_token(code)[0].subject_id)
    screen = _scan(qtbot, app, code)
    _choose(screen, line_no)
    with sqlite3.connect(hub.db_path) as db:
        db.execute("UPDATE orders SET status = 'cancelled' WHERE id = ?", (order_id,))
    with qtbot.waitSignal(screen.receipt_shown, timeout=NETWORK_TIMEOUT_MS) as refused:
        qtbot.mouseClick(screen.order.take_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not app.runner.busy, timeout=NETWORK_TIMEOUT_MS)
    assert (refused.args[0].status, refused.args[0].code) == ("refused", "order_cancelled")

    with sqlite3.connect(hub.db_path) as db:
        db.execute("UPDATE orders SET status = 'delivered' WHERE id = ?", (order_id,))
    qtbot.mouseClick(screen.receipt.done_button, Qt.MouseButton.LeftButton)
    screen = _scan(qtbot, app, code)
    _choose(screen, line_no)
    with qtbot.waitSignal(screen.receipt_shown, timeout=NETWORK_TIMEOUT_MS) as taken:
        qtbot.mouseClick(screen.order.take_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not app.runner.busy, timeout=NETWORK_TIMEOUT_MS)

    receipt = taken.args[0]
    assert receipt.status == "confirmed", (receipt.code, receipt.params)
    assert receipt.return_id != refused.args[0].return_id


def test_an_approval_the_desk_no_longer_holds_is_asked_for_again(qtbot: QtBot, app: Any, hub: Any) -> None:
    """The manager approved, but by the time the return is queued the desk holds no approval of it
    (past its quarter of an hour, say): refused in words with nothing written, and the next Take
    back asks a manager again rather than failing the same way."""
    code, line_no = _order_with(qtbot, app, hub, "past_window", (40, 80))
    screen = _scan(qtbot, app, code)
    _choose(screen, line_no)
    approvals = app.startup.services.returns._approvals
    held = approvals.approved
    lapsed = iter([True])
    approvals.approved = lambda *args: None if next(lapsed, False) else held(*args)
    with qtbot.waitSignal(screen.approval_shown, timeout=NETWORK_TIMEOUT_MS):
        qtbot.mouseClick(screen.order.take_button, Qt.MouseButton.LeftButton)
    app.router.route(hub.manager_badge)
    screen.approval.pin.setText(MANAGER_PIN)
    screen.approval.reason.setText("Customer was abroad")
    qtbot.mouseClick(screen.approval.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: screen.pages.currentWidget() is screen.order and not app.runner.busy,
        timeout=NETWORK_TIMEOUT_MS,
    )
    assert screen.opened is not None
    assert screen.order.result.text() == (
        f"The return of order #{screen.opened.order.number} needs a manager's approval "
        "(it is past the return window). Do it again with a manager at the tablet."
    )

    with qtbot.waitSignal(screen.approval_shown, timeout=NETWORK_TIMEOUT_MS):
        qtbot.mouseClick(screen.order.take_button, Qt.MouseButton.LeftButton)
    with sqlite3.connect(hub.db_path) as db:
        (returns,) = db.execute(
            "SELECT count(*) FROM returns WHERE order_id = ?", (parse_token(code)[0].subject_id,)
        ).fetchone()
    assert returns == 0


def _other_store_device(hub: Any, store_id: int = 2) -> tuple[httpx.Client, int]:
    """A device of another store with its associate signed in, talking plain HTTP as any tablet."""
    with sqlite3.connect(hub.db_path) as db:
        staff_number, staff_id = db.execute(
            "SELECT staff_number, id FROM staff WHERE store_id = ? AND role = 'associate' "
            "ORDER BY id LIMIT 1",
            (store_id,),
        ).fetchone()
    enrolled = httpx.post(
        f"{hub.url}/v1/devices/enroll", json={"code": hub.enroll_code(store_id), "device_name": "Other store"}
    )
    assert enrolled.status_code == 200, enrolled.text
    device = httpx.Client(
        base_url=hub.url, headers={"Authorization": f"Bearer {enrolled.json()['credential']}"}
    )
    signed_in = device.post(
        "/v1/staff/sign-in", json={"staff_number": staff_number, "pin": demo_pin(staff_id)}
    )
    assert signed_in.status_code == 200, signed_in.text
    device.headers["X-Staff-Session"] = signed_in.json()["session_token"]
    return device, staff_id


def test_the_same_unit_taken_back_offline_here_and_in_another_store_is_paid_back_once(
    qtbot: QtBot, app: Any, hub: Any
) -> None:
    code, line_no = _order_with(qtbot, app, hub, "returnable", (2, 20))  # opened online: kept here
    window, screen = app.window, app.window.feature_widget("returns")
    assert isinstance(screen, ReturnsScreen)

    hub.stop()
    with qtbot.waitSignal(screen.order_shown, timeout=NETWORK_TIMEOUT_MS) as shown:
        app.router.route(code)
    qtbot.waitUntil(lambda: not app.runner.busy, timeout=NETWORK_TIMEOUT_MS)
    assert shown.args[1] == "cache"
    _choose(screen, line_no)
    with qtbot.waitSignal(screen.receipt_shown, timeout=NETWORK_TIMEOUT_MS) as taken:
        qtbot.mouseClick(screen.order.take_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not app.runner.busy, timeout=NETWORK_TIMEOUT_MS)
    assert taken.args[0].status == "waiting"
    assert screen.receipt.status.text().startswith("Pending confirmation")

    hub.restart()
    device, staff_id = _other_store_device(hub)
    try:
        order = look_up(device, code=code)
        line = next(line for line in order.lines if line.line_no == line_no)
        units = line.received - line.returned
        there = take(
            device, order, [(line_no, units, "wrong_size", "resellable")], staff_id=staff_id, store_id=2
        )
    finally:
        device.close()
    assert there["status"] == "applied", there  # the other store took every unit left back first

    finish(qtbot, app.startup.services.sync.sync_now())
    qtbot.waitUntil(
        lambda: window.status_area.attention_button.text() == "Needs attention: 1", timeout=NETWORK_TIMEOUT_MS
    )
    window.show_attention()
    attention = window.feature_widget("attention")
    texts = [attention.model.data(attention.model.index(n)) for n in range(attention.model.rowCount())]
    [text] = [t for t in texts if "Return taken back" in t]
    assert "already taken back in full" in text and "Nothing was paid back twice" in text
    with sqlite3.connect(hub.db_path) as db:
        (returns,) = db.execute(
            "SELECT count(*) FROM returns WHERE order_id = ?", (order.order_id,)
        ).fetchone()
        (units_back,) = db.execute(
            "SELECT qty_returned FROM order_lines WHERE order_id = ? AND line_no = ?",
            (order.order_id, line_no),
        ).fetchone()
    assert returns == 1 and units_back == line.received, "taken back once, by the other store"
