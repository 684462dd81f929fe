"""The self-service kiosk with a fake desk: each flow, the canary (nothing of a shopper outlives a
reset), the idle warning and reset, switching language, and closing only for a manager."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
import shiboken6
from fake_kiosk import (
    CANARY_LOYALTY_ID,
    CANARY_NAME,
    CANARY_POINTS,
    CANARY_TOKEN,
    COUNTER_ONLY_CODE,
    LOCKER_ORDER_CODE,
    MANAGER,
    MANAGER_BADGE,
    PICKUP_CODE,
    PICKUP_ORDER_CODE,
    RECEIPT_CODE,
    FakeKioskDevice,
)
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from widget_texts import everything_shown, line_edits_with_history, undo_history

from storeassist.features import KIOSK_FEATURES
from storeassist.ui.background import OpRunner
from storeassist.ui.kiosk_window import KioskWindow

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]


@pytest.fixture
def kiosk(qtbot: QtBot) -> Iterator[tuple[KioskWindow, FakeKioskDevice]]:
    window = KioskWindow(OpRunner(), KIOSK_FEATURES, training=False)
    qtbot.addWidget(window)
    device = FakeKioskDevice()
    window.attach_device(device)
    window.resize(1280, 800)
    window.show()
    yield window, device
    window.leave_kiosk_mode_for_tests()


def assert_no_canary(window: QWidget) -> None:
    first_name = CANARY_NAME.split()[0]
    points = {str(CANARY_POINTS), f"{CANARY_POINTS:,}", f"{CANARY_POINTS:,}".replace(",", "\u00a0")}
    for text in everything_shown(window):
        assert first_name not in text
        assert CANARY_LOYALTY_ID not in text
        assert not any(p in text for p in points), text
    assert line_edits_with_history(window) == []


def assert_nothing_typed_left(window: QWidget, *typed: str) -> None:
    """What was typed is in no widget, and no line edit's undo history brings anything back."""
    shown = everything_shown(window)
    for value in typed:
        assert not any(value in text for text in shown), f"{value!r} is still on the kiosk"
    assert line_edits_with_history(window) == []


def texts_of(window: QWidget) -> str:
    return "\n".join(everything_shown(window))


def greet(qtbot: QtBot, window: KioskWindow) -> None:
    window.open("loyalty", CANARY_TOKEN)
    screen = window.feature_screens["kiosk_shopper"]
    qtbot.waitUntil(lambda: "Hello, Zebulon Q.!" in screen.greeting.text(), timeout=1000)  # type: ignore[attr-defined]


# -- the shopper ----------------------------------------------------------------------------------


def test_a_loyalty_scan_greets_by_masked_name_with_tier_points_offers_and_suggestions(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    window, _device = kiosk
    greet(qtbot, window)
    shown = texts_of(window)
    assert CANARY_NAME not in shown  # only "Zebulon Q."
    assert "Gold" in shown
    assert "48,213 points" in shown
    assert "1,787 more points to Platinum" in shown
    assert "10% off everything as a Gold member" in shown
    assert "10% off tops today" in shown
    assert "Canvas cap" in shown and "4 here" in shown


def test_the_idle_reset_forgets_the_shopper_everywhere(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    window, device = kiosk
    window.set_idle_timing(40, 120)
    greet(qtbot, window)
    with qtbot.waitSignal(window.idle_warned, timeout=2000):
        pass
    assert window.idle_warning.isVisible()
    with qtbot.waitSignal(window.reset_done, timeout=2000):
        pass
    assert window.pages.currentWidget() is window.attract
    assert device.kiosk.forgot >= 1
    assert_no_canary(window)


def test_a_touch_before_the_reset_keeps_the_shopper(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    window, _device = kiosk
    greet(qtbot, window)
    window.set_idle_timing(60, 400)
    window.idle.restart()
    with qtbot.waitSignal(window.idle_warned, timeout=2000):
        pass
    qtbot.mouseClick(window.feature_screens["kiosk_shopper"].points, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert not window.idle_warning.isVisible()
    assert window.idle.reset_timer.remainingTime() > 200
    assert window.pages.currentWidget() is window.screens


def test_done_after_the_greeting_forgets_the_shopper(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    window, device = kiosk
    greet(qtbot, window)
    with qtbot.waitSignal(window.reset_done):
        qtbot.mouseClick(window.feature_screens["kiosk_shopper"].done_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert device.kiosk.forgot == 1
    assert_no_canary(window)


def test_an_answer_arriving_after_the_reset_is_dropped(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    import asyncio

    window, device = kiosk
    device.kiosk.gate = asyncio.Event()
    window.open("loyalty", CANARY_TOKEN)
    window.reset()
    device.kiosk.gate.set()
    qtbot.waitUntil(lambda: not window._runner.busy)
    assert_no_canary(window)


# -- price and stock --------------------------------------------------------------------------------


def test_a_product_scan_shows_price_grid_stock_nearby_and_asks_an_associate(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    window, device = kiosk
    window.open("product", "TEE-NAV-M")
    screen = window.feature_screens["kiosk_product"]
    page = screen.card_page  # type: ignore[attr-defined]
    assert page.name.text() == "Organic cotton tee"
    assert "24.99" in page.price.text()
    shown = texts_of(window)
    assert "Harbour Street" in shown and "Old Town" in shown
    assert not page.order_button.isVisible()
    qtbot.mouseClick(page.hold_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: device.kiosk.hold_requests == [("TEE-NAV-M", 1)])
    qtbot.waitUntil(lambda: "associate has been asked" in screen.message.text())  # type: ignore[attr-defined]


def test_an_unknown_product_says_so(qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]) -> None:
    window, _device = kiosk
    window.open("product", "NOPE-1")
    assert "could not find that product" in window.feature_screens["kiosk_product"].message.text()  # type: ignore[attr-defined]


# -- self-pickup ----------------------------------------------------------------------------------


def _type_code(qtbot: QtBot, screen: object, code: str) -> None:
    for digit in code:
        qtbot.mouseClick(screen.keypad.digit_keys[digit], Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.mouseClick(screen.check_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]


def test_self_pickup_at_the_counter_then_done_starts_over(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    window, device = kiosk
    window.open("order", PICKUP_ORDER_CODE)
    screen = window.feature_screens["kiosk_pickup"]
    qtbot.mouseClick(screen.collect_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    _type_code(qtbot, screen, PICKUP_CODE)
    qtbot.waitUntil(lambda: screen.stages.currentWidget() is screen.answer_page)  # type: ignore[attr-defined]
    assert screen.answer_where.text() == "Please collect it at the counter"  # type: ignore[attr-defined]
    assert "P-5501" in screen.answer_title.text()  # type: ignore[attr-defined]
    with qtbot.waitSignal(window.reset_done):
        qtbot.mouseClick(screen.done_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert device.kiosk.forgot == 1
    assert "P-5501" not in texts_of(window)


def test_the_pickup_code_shows_as_dots_while_typed_on_the_keypad(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    window, _device = kiosk
    window.open("order", PICKUP_ORDER_CODE)
    screen = window.feature_screens["kiosk_pickup"]
    qtbot.mouseClick(screen.collect_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    field = screen.code_field  # type: ignore[attr-defined]
    for count, digit in enumerate(PICKUP_CODE, start=1):
        qtbot.mouseClick(screen.keypad.digit_keys[digit], Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
        shown = field.displayText()
        assert len(shown) == count, "one dot for each digit typed"
        assert not any(char.isdigit() for char in shown), shown
    assert field.text() == PICKUP_CODE
    assert screen.check_button.isEnabled()  # type: ignore[attr-defined]
    qtbot.mouseClick(screen.keypad.delete_key, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert len(field.displayText()) == 5 and not screen.check_button.isEnabled()  # type: ignore[attr-defined]


def test_self_pickup_from_a_locker(qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]) -> None:
    window, _device = kiosk
    window.open("order", LOCKER_ORDER_CODE)
    screen = window.feature_screens["kiosk_pickup"]
    qtbot.mouseClick(screen.collect_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    _type_code(qtbot, screen, PICKUP_CODE)
    qtbot.waitUntil(lambda: screen.answer_where.text() == "Collect it from locker 14")  # type: ignore[attr-defined]


def test_three_wrong_pickup_codes_send_the_shopper_to_the_counter(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    window, _device = kiosk
    window.open("order", PICKUP_ORDER_CODE)
    screen = window.feature_screens["kiosk_pickup"]
    qtbot.mouseClick(screen.collect_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    _type_code(qtbot, screen, "000000")
    qtbot.waitUntil(lambda: "2 tries left" in screen.message.text())  # type: ignore[attr-defined]
    _type_code(qtbot, screen, "000001")
    qtbot.waitUntil(lambda: "1 tries left" in screen.message.text() or "1 try left" in screen.message.text())  # type: ignore[attr-defined]
    _type_code(qtbot, screen, "000002")
    qtbot.waitUntil(lambda: screen.stages.currentWidget() is screen.answer_page)  # type: ignore[attr-defined]
    assert screen.answer_title.text() == "Please go to the counter"  # type: ignore[attr-defined]


def test_an_order_not_for_self_pickup_goes_to_the_counter(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    window, _device = kiosk
    window.open("order", COUNTER_ONLY_CODE)
    screen = window.feature_screens["kiosk_pickup"]
    qtbot.mouseClick(screen.collect_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    _type_code(qtbot, screen, PICKUP_CODE)
    qtbot.waitUntil(lambda: "collected at the counter" in screen.answer_detail.text())  # type: ignore[attr-defined]


# -- a return ---------------------------------------------------------------------------------------


def test_a_return_started_from_an_order_code_gives_the_reference(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    window, device = kiosk
    window.open("order", RECEIPT_CODE)
    pickup = window.feature_screens["kiosk_pickup"]
    qtbot.mouseClick(pickup.return_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    screen = window.feature_screens["kiosk_return"]
    qtbot.waitUntil(lambda: len(screen.rows) == 2)  # type: ignore[attr-defined]
    tee, cap = screen.rows  # type: ignore[attr-defined]
    assert not cap.pick.isEnabled()
    assert "Final sale" in cap.detail.text()
    qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert "Tap" in screen.message.text()  # type: ignore[attr-defined]
    qtbot.mouseClick(tee.pick, Qt.MouseButton.LeftButton)
    tee.reason.setCurrentIndex(tee.reason.findData("wrong_size"))
    qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: screen.reference.text() == "K-4821")  # type: ignore[attr-defined]
    code, lines = device.kiosk.started[0]
    assert code == RECEIPT_CODE and [(c.line_no, c.qty, c.reason) for c in lines] == [(1, 1, "wrong_size")]
    with qtbot.waitSignal(window.reset_done):
        qtbot.mouseClick(screen.done_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert "K-4821" not in texts_of(window) and "W-8801" not in texts_of(window)


def test_after_a_finished_flow_no_canary_is_left(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    window, _device = kiosk
    greet(qtbot, window)
    window.open("order", PICKUP_ORDER_CODE)  # the same shopper goes on to collect
    screen = window.feature_screens["kiosk_pickup"]
    qtbot.mouseClick(screen.collect_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    _type_code(qtbot, screen, PICKUP_CODE)
    qtbot.waitUntil(lambda: screen.stages.currentWidget() is screen.answer_page)  # type: ignore[attr-defined]
    with qtbot.waitSignal(window.reset_done):
        qtbot.mouseClick(screen.done_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert_no_canary(window)
    assert_nothing_typed_left(window, PICKUP_CODE)


def test_a_pickup_code_typed_then_left_cannot_be_undone_back_after_the_idle_reset(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    window, _device = kiosk
    window.set_idle_timing(20, 40)
    window.open("order", PICKUP_ORDER_CODE)
    screen = window.feature_screens["kiosk_pickup"]
    qtbot.mouseClick(screen.collect_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    for digit in PICKUP_CODE:
        qtbot.mouseClick(screen.keypad.digit_keys[digit], Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    with qtbot.waitSignal(window.reset_done, timeout=2000):
        pass  # the shopper walked away
    assert_nothing_typed_left(window, PICKUP_CODE)
    screen.code_field.undo()  # type: ignore[attr-defined]
    assert screen.code_field.text() == ""  # type: ignore[attr-defined]


def test_a_refused_pickup_code_leaves_no_undo_history(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice], type_keys: Callable[..., None]
) -> None:
    window, _device = kiosk
    window.open("order", PICKUP_ORDER_CODE)
    screen = window.feature_screens["kiosk_pickup"]
    qtbot.mouseClick(screen.collect_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    type_keys(screen.code_field, "000000")  # type: ignore[attr-defined]  # a keyboard, then Enter
    qtbot.waitUntil(lambda: "2 tries left" in screen.message.text())  # type: ignore[attr-defined]
    assert undo_history(screen.code_field) == []  # type: ignore[attr-defined]


# -- language -------------------------------------------------------------------------------------


class Shouting(QTranslator):
    """A stand-in translation: every kiosk sentence in capitals."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:  # type: ignore[override]
        if context.startswith("Kiosk") or context == "AttractPage" or context == "Keypad":
            return re.sub(r"[^{}]+(?=\{|$)", lambda m: m.group(0).upper(), source)
        return ""

    def isEmpty(self) -> bool:
        return False


def test_a_language_button_retranslates_every_kiosk_widget_at_once(
    qtbot: QtBot,
    kiosk: tuple[KioskWindow, FakeKioskDevice],
    shouting: Callable[[str], QTranslator | None],
) -> None:
    window, _device = kiosk
    window.load_translation = shouting
    greet(qtbot, window)
    shopper = window.feature_screens["kiosk_shopper"]
    assert shopper.done_button.text() == "Done"  # type: ignore[attr-defined]
    window.switch_language("ru")
    qtbot.waitUntil(lambda: shopper.done_button.text() == "DONE")  # type: ignore[attr-defined]
    assert window.attract.title.text() == "WELCOME! SCAN TO START"
    assert window.start_over.text() == "START OVER"
    assert shopper.greeting.text() == "HELLO, Zebulon Q.!"  # type: ignore[attr-defined]
    assert window.feature_screens["kiosk_pickup"].keypad.clear_key.text() == "CLEAR"  # type: ignore[attr-defined]
    assert window.exit_page.title.text() == "LEAVE KIOSK MODE"
    window.switch_language("en")
    qtbot.waitUntil(lambda: shopper.done_button.text() == "Done")  # type: ignore[attr-defined]


@pytest.fixture
def shouting(qapp: QApplication) -> Iterator[Callable[[str], QTranslator | None]]:
    """A ``load_translation`` that shouts every language but English; none is left installed."""
    installed: list[QTranslator] = []

    def load(language: str) -> QTranslator | None:
        if language == "en":
            return None
        translator = Shouting(qapp)
        qapp.installTranslator(translator)
        installed.append(translator)
        return translator

    yield load
    for translator in installed:
        if shiboken6.isValid(translator):  # the kiosk deletes those it no longer uses
            qapp.removeTranslator(translator)


def greet_in_any_language(qtbot: QtBot, window: KioskWindow) -> None:
    window.open("loyalty", CANARY_TOKEN)
    screen = window.feature_screens["kiosk_shopper"]
    qtbot.waitUntil(lambda: "Zebulon Q." in screen.greeting.text(), timeout=1000)  # type: ignore[attr-defined]


def _all_in_english(window: KioskWindow) -> bool:
    shopper = window.feature_screens["kiosk_shopper"]
    return (
        window.attract.title.text() == "Welcome! Scan to start"
        and window.start_over.text() == "Start over"
        and shopper.done_button.text() == "Done"  # type: ignore[attr-defined]
        and window.feature_screens["kiosk_pickup"].keypad.clear_key.text() == "Clear"  # type: ignore[attr-defined]
        and window.exit_page.title.text() == "Leave kiosk mode"
    )


def test_the_next_shopper_starts_in_the_stores_language_after_a_finished_flow_or_the_idle_reset(
    qtbot: QtBot,
    kiosk: tuple[KioskWindow, FakeKioskDevice],
    shouting: Callable[[str], QTranslator | None],
) -> None:
    window, _device = kiosk
    window.load_translation = shouting
    shopper = window.feature_screens["kiosk_shopper"]

    qtbot.mouseClick(window.attract.language_buttons["ru"], Qt.MouseButton.LeftButton)
    greet_in_any_language(qtbot, window)
    qtbot.waitUntil(lambda: shopper.done_button.text() == "DONE")  # type: ignore[attr-defined]
    with qtbot.waitSignal(window.language_changed) as changed, qtbot.waitSignal(window.reset_done):
        qtbot.mouseClick(shopper.done_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert changed.args == ["en"] and window.language == "en"
    qtbot.waitUntil(lambda: _all_in_english(window))
    assert window.attract.language_buttons["en"].isChecked()
    assert QCoreApplication.translate("AttractPage", "Language") == "Language"  # no shouting left

    window.set_idle_timing(20, 40)
    qtbot.mouseClick(window.attract.language_buttons["zh_CN"], Qt.MouseButton.LeftButton)
    greet_in_any_language(qtbot, window)
    qtbot.waitUntil(lambda: window.start_over.text() == "START OVER")
    with qtbot.waitSignal(window.reset_done, timeout=2000):
        pass  # the shopper walked away
    assert window.language == "en"
    qtbot.waitUntil(lambda: _all_in_english(window))
    assert window.attract.language_buttons["en"].isChecked()


def test_a_kiosk_started_in_another_language_goes_back_to_it_at_the_reset(
    qtbot: QtBot,
    kiosk: tuple[KioskWindow, FakeKioskDevice],
    qapp: QApplication,
    shouting: Callable[[str], QTranslator | None],
) -> None:
    window, _device = kiosk
    store_language = Shouting(qapp)  # as the app installs the store's translation at start-up
    qapp.installTranslator(store_language)
    try:
        window.use_translator(store_language, "ru")
        window.load_translation = shouting
        qtbot.waitUntil(lambda: window.attract.title.text() == "WELCOME! SCAN TO START")
        assert window.attract.language_buttons["ru"].isChecked()
        qtbot.mouseClick(window.attract.language_buttons["en"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: _all_in_english(window))
        window.open("product", "TEE-NAV-M")
        with qtbot.waitSignal(window.reset_done):
            qtbot.mouseClick(window.start_over, Qt.MouseButton.LeftButton)
        assert window.language == "ru" and window.attract.language_buttons["ru"].isChecked()
        qtbot.waitUntil(lambda: window.attract.title.text() == "WELCOME! SCAN TO START")
        assert window.exit_page.title.text() == "LEAVE KIOSK MODE"
    finally:
        qapp.removeTranslator(store_language)


# -- leaving kiosk mode ------------------------------------------------------------------------------


def test_closing_is_refused_without_a_manager(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    window, _device = kiosk
    window.close()
    assert window.isVisible()
    # The offscreen platform activates no window, so the shortcut is fired as Qt would.
    assert window.exit_shortcut.key().toString() == "Ctrl+Alt+Shift+K"
    window.exit_shortcut.activated.emit()
    qtbot.waitUntil(window.showing_exit)
    page = window.exit_page
    page.staff_number.setText("M100")
    page.pin.setText("0000")
    qtbot.mouseClick(page.leave_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Not accepted" in page.message.text())
    window.close()
    assert window.isVisible()


def test_the_exit_page_forgets_the_staff_number_and_pin_with_their_undo_history(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice], type_keys: Callable[..., None]
) -> None:
    window, _device = kiosk
    window.show_exit()
    page = window.exit_page
    type_keys(page.staff_number, "M0042", enter=False)
    for digit in "9876":
        qtbot.mouseClick(page.keypad.digit_keys[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.leave_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Not accepted" in page.message.text())
    assert undo_history(page.pin) == []
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.attract
    assert_nothing_typed_left(window, "M0042", "9876")


def test_a_manager_badge_and_pin_leave_kiosk_mode(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice], monkeypatch: pytest.MonkeyPatch
) -> None:
    window, device = kiosk
    monkeypatch.setattr(QCoreApplication, "quit", lambda: None)
    window._badge_scanned(MANAGER_BADGE)
    assert window.showing_exit()
    window.exit_page.pin.setText(MANAGER[1])
    qtbot.mouseClick(window.exit_page.leave_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible())
    assert device.kiosk.exits == [(MANAGER_BADGE, None)]


def test_a_long_press_on_the_hidden_corner_opens_the_exit(
    qtbot: QtBot, kiosk: tuple[KioskWindow, FakeKioskDevice]
) -> None:
    window, _device = kiosk
    window.corner.timer.setInterval(30)
    qtbot.mousePress(window.corner, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.showing_exit)
    qtbot.mouseRelease(window.corner, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.exit_page.cancel_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.attract
