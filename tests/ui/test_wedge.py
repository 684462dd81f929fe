"""Keyboard-wedge scanner input: a scan never lands as text; a person's typing always does."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.gui

PAYLOAD = "SA1.AQMAAAAqAAAAAbcdefXYZ-_0123456789"


@pytest.fixture
def form(qtbot: QtBot) -> tuple[QWidget, QLineEdit, QPushButton]:
    window = QWidget()
    field = QLineEdit()
    button = QPushButton("Save")
    layout = QVBoxLayout(window)
    layout.addWidget(field)
    layout.addWidget(button)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    field.setFocus()
    return window, field, button


def test_scan_into_focused_field_is_emitted_and_leaves_field_empty(qtbot, wedge, form, type_keys) -> None:
    _, field, _ = form
    with qtbot.assertNotEmitted(field.returnPressed), qtbot.waitSignal(wedge.scanned) as scan:
        type_keys(field, PAYLOAD)
    assert scan.args == [PAYLOAD]
    assert field.text() == ""
    assert wedge.holding == 0


def test_scan_through_qtest_key_clicks_never_lands_as_text(qtbot, wedge, form, type_keys) -> None:
    _, field, _ = form
    with qtbot.waitSignal(wedge.scanned) as scan:
        qtbot.keyClicks(field, "4006381333931")
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert scan.args == ["4006381333931"]
    assert field.text() == ""


def test_person_typing_reaches_the_field_in_order(qtbot, wedge, key_clock, form, type_keys) -> None:
    _, field, _ = form
    key_clock.gap_ms = key_clock.PERSON_GAP_MS
    with qtbot.assertNotEmitted(wedge.scanned, wait=200):
        qtbot.keyClicks(field, "Jensen")
        # The last key is held a moment, in case a scanner burst follows; then it is let through.
        qtbot.waitUntil(lambda: field.text() == "Jensen")


def test_person_pressing_enter_submits_the_field(qtbot, wedge, key_clock, form, type_keys) -> None:
    _, field, _ = form
    key_clock.gap_ms = key_clock.PERSON_GAP_MS
    with qtbot.waitSignal(field.returnPressed), qtbot.assertNotEmitted(wedge.scanned):
        type_keys(field, "1234")
    assert field.text() == "1234"


def test_fast_rollover_of_two_keys_is_still_typing(qtbot, wedge, key_clock, form, type_keys) -> None:
    _, field, _ = form
    key_clock.gap_ms = 12  # two keys pressed almost together: too short to be a scan
    with qtbot.assertNotEmitted(wedge.scanned, wait=200):
        type_keys(field, "ab", enter=False)
        qtbot.waitUntil(lambda: field.text() == "ab")


def test_long_fast_burst_without_enter_is_a_scan(qtbot, wedge, form, type_keys) -> None:
    _, field, _ = form
    with qtbot.waitSignal(wedge.scanned) as scan:
        type_keys(field, "036000291452", enter=False)
    assert scan.args == ["036000291452"]
    assert field.text() == ""


def test_editing_key_after_typing_keeps_order(qtbot, wedge, key_clock, form, type_keys) -> None:
    _, field, _ = form
    key_clock.gap_ms = key_clock.PERSON_GAP_MS
    type_keys(field, "abc", enter=False)
    # Backspace arrives while "c" is still held: "c" must go in first, then be deleted.
    QCoreApplication.sendEvent(
        field, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier, "\b")
    )
    assert field.text() == "ab"


def test_shortcut_with_ctrl_passes_straight_through(qtbot, wedge, form, type_keys) -> None:
    _, field, _ = form
    field.setText("keep me")
    QCoreApplication.sendEvent(
        field, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier, "\x01")
    )
    assert field.selectedText() == "keep me"
    assert wedge.holding == 0


def test_scan_while_a_button_has_focus_does_not_press_it(qtbot, wedge, form, type_keys) -> None:
    _, _, button = form
    button.setAutoDefault(True)
    button.setFocus()
    with qtbot.assertNotEmitted(button.clicked), qtbot.waitSignal(wedge.scanned):
        type_keys(button, "SAB.STAFF0042")


def test_scan_right_after_typing_keeps_both_apart(qtbot, wedge, key_clock, form, type_keys) -> None:
    _, field, _ = form
    key_clock.gap_ms = key_clock.PERSON_GAP_MS
    type_keys(field, "note", enter=False)
    key_clock.gap_ms = key_clock.SCANNER_GAP_MS
    key_clock.now_ms += key_clock.PERSON_GAP_MS  # the scanner starts after a human-sized pause
    with qtbot.waitSignal(wedge.scanned) as scan:
        type_keys(field, "4006381333931")
    assert scan.args == ["4006381333931"]
    assert field.text() == "note"


def test_disabled_wedge_lets_everything_through(qtbot, wedge, form, type_keys) -> None:
    _, field, _ = form
    wedge.set_enabled(False)
    with qtbot.assertNotEmitted(wedge.scanned):
        type_keys(field, "4006381333931", enter=False)
    assert field.text() == "4006381333931"


def test_person_pressing_space_on_a_button_clicks_it_once(qtbot, wedge, key_clock, form, type_keys) -> None:
    _, _, button = form
    button.setFocus()
    key_clock.gap_ms = key_clock.PERSON_GAP_MS
    with qtbot.waitSignal(button.clicked):
        type_keys(button, " ", enter=False)
    assert not button.isDown()
    assert wedge.holding == 0


def test_second_enter_of_a_crlf_scanner_does_not_submit_the_field(qtbot, wedge, form, type_keys) -> None:
    _, field, _ = form
    with qtbot.assertNotEmitted(field.returnPressed), qtbot.waitSignal(wedge.scanned) as scan:
        type_keys(field, "4006381333931\r")  # the helper adds the final Enter: CR + "LF"
    assert scan.args == ["4006381333931"]
    assert field.text() == ""


def test_person_pressing_enter_after_a_scan_still_submits(qtbot, wedge, key_clock, form, type_keys) -> None:
    _, field, _ = form
    with qtbot.waitSignal(wedge.scanned):
        type_keys(field, "4006381333931")
    key_clock.gap_ms = key_clock.PERSON_GAP_MS
    with qtbot.waitSignal(field.returnPressed):
        type_keys(field, "", enter=True)


def test_scan_through_the_window_system_path_never_lands_as_text(qtbot, wedge, form, type_keys) -> None:
    """Real key presses reach the QWindow first, which forwards them to the focus widget."""
    window, field, _ = form
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    handle = window.windowHandle()
    with qtbot.assertNotEmitted(field.returnPressed), qtbot.waitSignal(wedge.scanned) as scan:
        for key in (Qt.Key.Key_4, Qt.Key.Key_0, Qt.Key.Key_0, Qt.Key.Key_6, Qt.Key.Key_3, Qt.Key.Key_8):
            QTest.keyClick(handle, key)
        QTest.keyClick(handle, Qt.Key.Key_Return)
    assert scan.args == ["400638"]
    assert field.text() == ""


def test_person_typing_through_the_window_system_path_reaches_the_field(
    qtbot, wedge, key_clock, form, type_keys
) -> None:
    window, field, _ = form
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    key_clock.gap_ms = key_clock.PERSON_GAP_MS
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3):
        QTest.keyClick(window.windowHandle(), key)
    qtbot.waitUntil(lambda: field.text() == "123")
