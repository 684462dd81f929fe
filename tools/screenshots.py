"""``make screenshots``: a PNG of every screen, in tablet landscape (1280×800) and portrait (800×1280).

Runs the real app (``storeassist.app.build_associate_app``) offscreen in training mode, in a fresh
data folder: the demo chain is seeded, the practice hub starts on loopback, the device enrolls,
a practice card is "scanned", and each screen is grabbed as an associate would see it — the
profile, a search, the pickup counter (queue, order, checking who collects, hand-over,
receipt), the returns counter (finding an order, a scanned receipt's order with what comes back
and the summary, an exchange, the receipt with its QR, a manager's approval), the stock screen
(search, a card, a hold, the holds), needs attention, staff sign-in, the camera page and a
refused scan. A second tablet enrolled at the chain's store abroad shows its own money and
dates. Then the hub is stopped and the same card scanned again, so the offline profile is
captured too, and a return taken from the tablet's copy of an order (pending confirmation); last
the enrollment form and the kiosk (started and enrolled as a kiosk).
Usage: ``python tools/screenshots.py OUT_DIR``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

ORIENTATIONS = {"landscape": (1280, 800), "portrait": (800, 1280)}
WAIT_S = 60.0


async def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Let the Qt loop run until ``condition`` holds (a tool, not a test: polling is fine here)."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        await asyncio.sleep(0.05)


async def grab(window: QWidget, out_dir: Path, name: str) -> list[Path]:
    """Save ``window`` at each orientation as ``NAME-ORIENTATION.png``."""
    saved = []
    for orientation, size in ORIENTATIONS.items():
        window.resize(*size)
        await asyncio.sleep(0.15)  # let layouts and the style settle after the resize
        if (window.width(), window.height()) != size:
            # Something's least size beats the tablet's screen: on a device, that is cut off.
            actual = f"{window.width()}x{window.height()}"
            raise RuntimeError(f"{name}: the window is {actual}, not the tablet's {size[0]}x{size[1]}")
        path = out_dir / f"{name}-{orientation}.png"
        if not window.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        saved.append(path)
    return saved


async def grab_scrolled(window: QWidget, page: QWidget, out_dir: Path, name: str) -> list[Path]:
    """Save the whole of a scrolling ``page`` (below the fold too) at each orientation's width."""
    saved = []
    for orientation, size in ORIENTATIONS.items():
        window.resize(*size)
        await asyncio.sleep(0.3)
        path = out_dir / f"{name}-{orientation}.png"
        page.grab().save(str(path))
        saved.append(path)
    return saved


async def shoot_associate_shell(app: QApplication, out_dir: Path, data_dir: Path) -> list[Path]:
    from storeassist.app import build_associate_app
    from storeassist.config import Settings

    built = build_associate_app(Settings(), data_dir, training=True)
    window, runner, startup = built.window, built.runner, built.startup
    window.resize(*ORIENTATIONS["landscape"])
    window.show()
    saved = await grab(window, out_dir, "00-starting")
    startup.begin()
    try:
        await wait_until(lambda: window.pages.currentWidget() is window.workspace, "the workspace")
        await wait_until(lambda: not runner.busy, "start-up to finish")
        saved += await grab(window, out_dir, "01-customer-waiting")

        code = await startup.practice_loyalty_code()
        screen = window.feature_widget("customer")
        screen.identify(code)
        await wait_until(lambda: screen.profile.isVisible() and not runner.busy, "the profile")
        saved += await grab(window, out_dir, "02-customer-profile")
        saved += await grab_scrolled(window, screen.profile.content, out_dir, "02-customer-profile-whole")

        # A search for the customer just shown, as if typed and sent with Search.
        screen.search.field.setText(screen.name.text())
        screen.search.search()
        await wait_until(lambda: screen.search.model.rowCount() > 0 and not runner.busy, "search results")
        saved += await grab(window, out_dir, "03-customer-search")
        screen.search.field.clear()

        saved += await shoot_pickups(window, runner, out_dir)
        await shoppers_ask_at_a_kiosk(startup)
        shot, spare_receipt = await shoot_returns(window, runner, out_dir, startup)
        saved += shot
        saved += await shoot_stock(window, runner, out_dir, screen.name.text())
        window.show_attention()
        saved += await grab(window, out_dir, "07-needs-attention")
        window.show_sign_in()
        saved += await grab(window, out_dir, "08-sign-in")
        window.camera_button.click()
        saved += await grab(window, out_dir, "09-camera")
        window.camera_page.closed.emit()

        window.show_screen(screen)
        window.show_scan_message(
            "This looks like a payment card. StoreAssist never reads card numbers: take payment at the till."
        )
        saved += await grab(window, out_dir, "10-refused-scan")

        saved += await shoot_other_store(out_dir, data_dir, startup.device.training_hub)

        # Offline: the practice hub goes away; the same card opens from the cache.
        training_hub = startup.device.training_hub
        assert training_hub is not None
        await asyncio.to_thread(training_hub.stop)
        startup.device.training_hub = None
        screen.identify(code)
        await wait_until(lambda: screen.offline_badge.isVisible() and not runner.busy, "the offline profile")
        saved += await grab(window, out_dir, "11-customer-offline")
        saved += await shoot_returns_offline(window, runner, out_dir, spare_receipt)
    finally:
        await asyncio.ensure_future(startup.aclose())
        window.close()
    return saved


async def shoot_pickups(window: Any, runner: Any, out_dir: Path) -> list[Path]:
    """The pickup counter: the queue, an order, checking who collects, the hand-over and its receipt."""
    from storeassist.ui.pickups_screen import PickupsScreen

    screen = window.feature_widget("pickups")
    assert isinstance(screen, PickupsScreen)
    window.show_screen(screen)
    await wait_until(lambda: screen.board is not None and not runner.busy, "the pickup queue")
    saved = await grab(window, out_dir, "04-pickups")
    board = screen.board
    assert board is not None
    collectable = [o for o in board.orders if o.pickup_state == "ready" and o.payment_state == "paid"]
    ready = [o for o in collectable if o.proxy_name] or collectable
    if not ready:
        raise RuntimeError("the practice store has no pickup ready to hand over")
    screen.handle_scan("order_number", ready[0].number)
    await wait_until(lambda: screen.pages.currentWidget() is screen.order and not runner.busy, "the order")
    saved += await grab(window, out_dir, "04a-pickup-order")
    screen.order.hand_over_button.click()
    verify = screen.verify
    (verify.proxy_method if verify.proxy_method.isVisible() else verify.id_method).click()
    saved += await grab(window, out_dir, "04b-pickup-verify")
    verify.id_method.click()
    verify.document.buttons["driving_licence"].click()
    verify.document.last.setText("K7Q2")
    verify.id_button.click()
    handover = screen.handover
    await wait_until(lambda: screen.pages.currentWidget() is handover, "the hand-over page")
    if handover.rows and handover.rows[0].left > 0:
        handover.rows[0].stepper.set_value(handover.rows[0].left - 1)
    handover.name.setText(ready[0].customer_name or "Practice customer")
    saved += await grab(window, out_dir, "04c-pickup-handover")
    handover.hand_over_button.click()
    shown = screen.receipt
    await wait_until(lambda: screen.pages.currentWidget() is shown and not runner.busy, "the receipt")
    saved += await grab(window, out_dir, "04d-pickup-receipt")
    screen.receipt.done_button.click()
    await wait_until(lambda: not runner.busy, "the queue again")
    return saved


def _order_ids(db_url: str, days: tuple[int, int]) -> list[int]:
    """Delivered, paid orders of customers, placed between ``days`` ago, newest first."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import create_engine, select

    from storeassist.hub.db import models as m

    now = datetime.now(UTC).replace(tzinfo=None)
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    select(m.Order.id)
                    .where(
                        m.Order.status == "delivered",
                        m.Order.payment_state == "paid",
                        m.Order.customer_id.is_not(None),
                        m.Order.placed_at.between(
                            now - timedelta(days=days[1]), now - timedelta(days=days[0])
                        ),
                    )
                    .order_by(m.Order.placed_at.desc())
                    .limit(60)
                ).scalars()
            )
    finally:
        engine.dispose()


async def _receipt_with(
    desk: Any, db_url: str, days: tuple[int, int], verdict: str, skip: int | None = None
) -> tuple[str, int]:
    """A purchase receipt of an order with two lines or more, one of them ``verdict``, and its id."""
    from storeassist.domain.tokens import TokenKind
    from storeassist.hub.admin import issue_token

    for order_id in _order_ids(db_url, days):
        if order_id == skip:
            continue
        code = issue_token(db_url, TokenKind.PURCHASE_RECEIPT, order_id)
        opened = await desk.open_code(code)
        if len(opened.order.lines) > 1 and any(v.code == verdict for v in opened.verdicts):
            return code, order_id
    raise RuntimeError(f"the practice chain has no order with a {verdict} line")


def _choose_lines(screen: Any, verdict: str, reasons: tuple[tuple[str, str], ...]) -> None:
    """Bring back all of the first lines with ``verdict``, each with a reason and condition."""
    rows = [row for row in screen.order.rows if row.verdict.code == verdict]
    for row, (reason, condition) in zip(rows, reasons, strict=False):
        row.stepper.set_value(row.stepper.maximum)
        row.reason.setCurrentIndex(row.reason.findData(reason))
        row.condition.setCurrentIndex(row.condition.findData(condition))


async def shoppers_ask_at_a_kiosk(startup: Any) -> None:
    """A kiosk of the practice store asks for a hold and starts a return, so the associates' lists
    ("Shoppers asking at the kiosk" on the holds page, "Started at the kiosk" on Returns) have one each."""
    import httpx
    from sqlalchemy import create_engine, select

    from storeassist.hub.db import models as m

    hub = startup.device.training_hub
    code, _order_id = await _receipt_with(startup.services.returns, hub.db_url, (20, 28), "returnable")
    opened = await startup.services.returns.open_code(code)
    line_no = next(v.line_no for v in opened.verdicts if v.code == "returnable")
    engine = create_engine(hub.db_url)
    try:
        with engine.connect() as connection:
            sku = connection.execute(
                select(m.Product.sku)
                .join(m.Inventory, m.Inventory.product_id == m.Product.id)
                .where(m.Inventory.store_id == hub.store_id, m.Inventory.on_hand - m.Inventory.held > 1)
                .order_by(m.Product.id)
                .limit(1)
            ).scalar_one()
    finally:
        engine.dispose()

    def ask() -> None:
        with httpx.Client(base_url=hub.url, timeout=30) as client:
            enrolled = client.post(
                "/v1/devices/enroll",
                json={"code": hub.issue_enrollment_code(), "device_name": "practice kiosk", "kind": "kiosk"},
            )
            enrolled.raise_for_status()
            client.headers["Authorization"] = f"Bearer {enrolled.json()['credential']}"
            client.post("/v1/kiosk/hold-requests", json={"sku": sku, "qty": 1}).raise_for_status()
            started = {"code": code, "lines": [{"line_no": line_no, "qty": 1, "reason": "wrong_size"}]}
            client.post("/v1/kiosk/returns", json=started).raise_for_status()

    await asyncio.to_thread(ask)


async def shoot_returns(window: Any, runner: Any, out_dir: Path, startup: Any) -> tuple[list[Path], str]:
    """The returns counter: finding an order, a scanned receipt's order with two lines coming back
    and the summary, an exchange, the confirmed receipt with its QR, and a manager's approval.
    Also answers the receipt of another order, opened (and so kept on the tablet) for offline."""
    from storeassist.ui.returns_screen import ReturnsScreen

    screen = window.feature_widget("returns")
    assert isinstance(screen, ReturnsScreen)
    window.show_screen(screen)
    saved = await grab(window, out_dir, "05-returns")
    desk, db_url = startup.services.returns, startup.device.training_hub.db_url
    code, order_id = await _receipt_with(desk, db_url, (2, 20), "returnable")
    window.open("receipt", code)
    await wait_until(lambda: screen.pages.currentWidget() is screen.order and not runner.busy, "the order")
    _choose_lines(screen, "returnable", (("wrong_size", "resellable"), ("arrived_damaged", "damaged")))
    saved += await grab(window, out_dir, "05a-returns-order")
    saved += await grab_scrolled(window, screen.order.content, out_dir, "05a-returns-order-whole")
    screen.order.method.buttons["exchange"].click()
    for row in screen.order.rows:  # each line's first other size or colour, as if chosen with the customer
        if row.qty and row.options:
            row.exchange.setCurrentIndex(1)
    saved += await grab(window, out_dir, "05b-returns-exchange")
    screen.order.method.buttons["original_tender"].click()
    _ready_to_take(screen, "Take back", "05c-returns-receipt")
    screen.order.take_button.click()
    await wait_until(
        lambda: screen.pages.currentWidget() is screen.receipt and not runner.busy, "the receipt"
    )
    saved += await grab(window, out_dir, "05c-returns-receipt")
    screen.receipt.done_button.click()

    late, _late_id = await _receipt_with(desk, db_url, (40, 80), "past_window")
    window.open("receipt", late)
    await wait_until(
        lambda: screen.pages.currentWidget() is screen.order and not runner.busy, "the late order"
    )
    _choose_lines(screen, "past_window", (("changed_mind", "opened"),))
    screen.order.take_button.click()
    screen.approval.reason.setText("Customer was abroad for six weeks")
    saved += await grab(window, out_dir, "05d-returns-approval")
    screen.show_find()
    spare, _spare_id = await _receipt_with(desk, db_url, (2, 20), "returnable", skip=order_id)
    return saved, spare


async def shoot_returns_offline(window: Any, runner: Any, out_dir: Path, code: str) -> list[Path]:
    """With the hub gone: the order from the tablet's copy, one unit taken back, pending confirmation."""
    screen = window.feature_widget("returns")
    window.show_screen(screen)
    window.open("receipt", code)
    await wait_until(
        lambda: screen.pages.currentWidget() is screen.order and not runner.busy, "the kept order"
    )
    rows = sorted((r for r in screen.order.rows if r.can_return), key=lambda r: r.line.unit_cents)
    rows[0].stepper.set_value(1)
    rows[0].reason.setCurrentIndex(rows[0].reason.findData("changed_mind"))
    rows[0].condition.setCurrentIndex(rows[0].condition.findData("resellable"))
    saved = await grab(window, out_dir, "11a-returns-offline")
    _ready_to_take(screen, "Take back", "11b-returns-pending")
    screen.order.take_button.click()
    await wait_until(lambda: screen.pages.currentWidget() is screen.receipt and not runner.busy, "pending")
    saved += await grab(window, out_dir, "11b-returns-pending")
    return saved


def _ready_to_take(screen: Any, action: str, shot: str) -> None:
    """The order page offers ``action``; else the demo data no longer makes ``shot``: say why, loudly."""
    button = screen.order.take_button
    if not button.isEnabled() or button.text() != action:
        summary = screen.order.summary
        raise RuntimeError(
            f"{shot}: the returns page does not offer {action!r} (button {button.text()!r}, "
            f"enabled={button.isEnabled()}); summary: {summary.headline.text()!r} {summary.details.text()!r} "
            f"{summary.offline.text()!r}"
        )


async def shoot_stock(window: Any, runner: Any, out_dir: Path, customer_name: str) -> list[Path]:
    """The Stock screen: a search, a product's card, a hold for the practice customer, the holds."""
    from storeassist.ui.stock_screen import StockScreen

    screen = window.feature_widget("stock")
    assert isinstance(screen, StockScreen)
    window.show_screen(screen)
    screen.search.field.setText("jacket")
    screen.search.search_now()
    if not screen.search.model.rowCount():
        screen.search.field.setText("a")
        screen.search.search_now()
    await wait_until(lambda: screen.search.model.rowCount() > 0, "stock search results")
    saved = await grab(window, out_dir, "06-stock-search")
    hits = screen.search.model.hits()
    hit = next((h for h in hits if (h.available_here or 0) > 0), hits[0])
    screen.open_product(hit.product.sku)
    await wait_until(lambda: not runner.busy, "the product card")
    saved += await grab(window, out_dir, "06a-stock-card")
    saved += await grab_scrolled(window, screen.card.content, out_dir, "06a-stock-card-whole")
    if screen.card.hold_button.isEnabled():
        screen.card.hold_button.click()
        form = screen.hold_form
        customer = window.feature_widget("customer")._customer_id  # the practice customer just shown
        form.customer.choose(customer, customer_name)
        saved += await grab(window, out_dir, "06b-stock-hold")
        form.action_button.click()
        await wait_until(lambda: form.done_button.isVisible() or form.result.isVisible(), "the hold")
        await wait_until(lambda: not runner.busy, "the hold's answer")
        saved += await grab(window, out_dir, "06c-stock-hold-placed")
    screen.show_holds()
    await wait_until(lambda: screen.holds.board is not None and not runner.busy, "the holds")
    saved += await grab(window, out_dir, "06d-stock-holds")
    screen.show_search()
    return saved


async def shoot_other_store(out_dir: Path, data_dir: Path, training_hub: Any) -> list[Path]:
    """A tablet of the practice chain's store in another country: its own money, numbers and times."""
    import dataclasses

    from sqlalchemy import create_engine, select

    from storeassist.app import build_associate_app
    from storeassist.config import Settings
    from storeassist.hub.db import models as m

    engine = create_engine(training_hub.db_url)
    try:
        with engine.connect() as connection:
            store_id = connection.execute(
                select(m.Store.id).where(m.Store.currency != "USD").order_by(m.Store.id).limit(1)
            ).scalar_one()
    finally:
        engine.dispose()
    there = dataclasses.replace(training_hub, store_id=store_id)
    built = build_associate_app(
        Settings(hub_url=training_hub.url, device_name="abroad"), data_dir / "abroad", training=False
    )
    window, runner = built.window, built.runner
    window.resize(*ORIENTATIONS["landscape"])
    window.show()
    try:
        device = await built.startup.start_enrolled(training_hub.url, there.issue_enrollment_code())
        device.staff.sign_in(await device.sign_in.sign_in_badge(there.practice_badge()))
        screen = window.feature_widget("customer")
        screen.identify(there.practice_loyalty_code(2))
        await wait_until(lambda: screen.profile.isVisible() and not runner.busy, "the profile abroad")
        return await grab(window, out_dir, "12-customer-another-store")
    finally:
        await asyncio.ensure_future(built.startup.aclose())
        window.close()


async def shoot_enrollment(out_dir: Path) -> list[Path]:
    from storeassist.ui.background import OpRunner
    from storeassist.ui.main_window import MainWindow

    async def never_enroll(_url: str, _code: str) -> None:
        raise RuntimeError("screenshots do not enroll")

    window: MainWindow[Any] = MainWindow(OpRunner(), training=False)
    window.show_enrollment(None, never_enroll)
    window.show()
    try:
        return await grab(window, out_dir, "13-enrollment")
    finally:
        window.close()


async def shoot_kiosk(out_dir: Path, data_dir: Path) -> list[Path]:
    from storeassist.app import build_kiosk_app
    from storeassist.config import Settings

    built = build_kiosk_app(Settings(), data_dir, training=True)
    kiosk = built.window
    kiosk.resize(*ORIENTATIONS["landscape"])
    kiosk.show()
    built.startup.begin()
    try:
        await wait_until(
            lambda: kiosk.pages.currentWidget() is not kiosk.startup_page, "the kiosk's start-up"
        )
        return await grab(kiosk, out_dir, "14-kiosk")
    finally:
        await asyncio.ensure_future(built.startup.aclose())
        kiosk.leave_kiosk_mode_for_tests()


async def shoot_kiosk_screens(out_dir: Path) -> list[Path]:
    """Every kiosk screen with a shopper on it, from the tests' fake kiosk desk (a canary shopper,
    the stock fake's tee, a locker pickup, an order to return from), portrait and landscape."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
    from fake_kiosk import CANARY_TOKEN, LOCKER_ORDER_CODE, PICKUP_CODE, RECEIPT_CODE, FakeKioskDevice

    from storeassist.features import KIOSK_FEATURES
    from storeassist.ui.background import OpRunner
    from storeassist.ui.kiosk_window import KioskWindow

    kiosk = KioskWindow(OpRunner(), KIOSK_FEATURES, training=False)
    kiosk.set_idle_timing(3_600_000, 7_200_000)
    kiosk.attach_device(FakeKioskDevice())
    kiosk.resize(*ORIENTATIONS["landscape"])
    kiosk.show()
    screens = kiosk.feature_screens
    saved: list[Path] = []
    try:
        saved += await grab(kiosk, out_dir, "15a-kiosk-attract")
        kiosk.open("loyalty", CANARY_TOKEN)
        await wait_until(lambda: bool(screens["kiosk_shopper"].greeting.text()), "the greeting")  # type: ignore[attr-defined]
        saved += await grab(kiosk, out_dir, "15b-kiosk-shopper")
        kiosk.open("product", "TEE-NAV-M")
        saved += await grab(kiosk, out_dir, "15c-kiosk-product")
        pickup: Any = screens["kiosk_pickup"]
        kiosk.open("order", LOCKER_ORDER_CODE)
        saved += await grab(kiosk, out_dir, "15d-kiosk-order-choice")
        pickup.collect_button.click()
        for digit in PICKUP_CODE[:4]:
            pickup.keypad.digit_keys[digit].click()
        saved += await grab(kiosk, out_dir, "15e-kiosk-pickup-code")
        for digit in PICKUP_CODE[4:]:
            pickup.keypad.digit_keys[digit].click()
        pickup.check_button.click()
        await wait_until(lambda: pickup.stages.currentWidget() is pickup.answer_page, "the locker")
        saved += await grab(kiosk, out_dir, "15f-kiosk-pickup-locker")
        returns: Any = screens["kiosk_return"]
        kiosk.open("receipt", RECEIPT_CODE)
        await wait_until(lambda: len(returns.rows) == 2, "the order's lines")
        returns.rows[0].pick.click()
        returns.rows[0].reason.setCurrentIndex(returns.rows[0].reason.findData("wrong_size"))
        saved += await grab(kiosk, out_dir, "15g-kiosk-return-lines")
        returns.start_button.click()
        await wait_until(lambda: bool(returns.reference.text()), "the return's reference")
        kiosk._warn_idle()
        saved += await grab(kiosk, out_dir, "15h-kiosk-return-started-idle-warning")
        kiosk.show_exit()
        saved += await grab(kiosk, out_dir, "15i-kiosk-exit")
    finally:
        kiosk.leave_kiosk_mode_for_tests()
    return saved


async def shoot_all(app: QApplication, out_dir: Path) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="storeassist-screens-") as tmp:
        saved = await shoot_associate_shell(app, out_dir, Path(tmp))
        saved += await shoot_enrollment(out_dir)
        saved += await shoot_kiosk(out_dir, Path(tmp) / "kiosk")
        saved += await shoot_kiosk_screens(out_dir)
    return saved


def main(argv: list[str]) -> int:
    import qasync

    from storeassist.ui.resources import install_translations, load_theme

    out_dir = Path(argv[0] if argv else "screenshots")
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    load_theme(app)
    install_translations(app, "en_US")  # the words as the app shows them (plurals included)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        saved = loop.run_until_complete(shoot_all(app, out_dir))
    for path in saved:
        print(path)
    print(f"{len(saved)} screenshots in {out_dir}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
