"""Every hostile or malformed scan ends in a clear message and no crash; card data leaves no trace."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from storeassist.domain.tokens import TokenKind, TokenMalformed, sign_token
from storeassist.features import ASSOCIATE_FEATURES
from storeassist.scanning import ScannerWedge, ScanRouter
from storeassist.ui.background import OpRunner
from storeassist.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

BAD_SCANS = Path(__file__).resolve().parents[1] / "data" / "bad-scans.txt"
CARD_DIGITS = "4111111111111111"


def bad_scans() -> list[tuple[str, str]]:
    cases = []
    for line in BAD_SCANS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        description, literal = line.split("\t", 1)
        cases.append((description, ast.literal_eval(literal)))
    return cases


CASES = bad_scans()
IDS = [description for description, _ in CASES]


def is_valid_product(description: str) -> bool:
    """The file keeps valid GTINs among the bad scans, to check they are NOT refused."""
    return description.endswith(" valid")


def _signals(router: ScanRouter) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for name in (
        "loyalty_scanned",
        "order_scanned",
        "receipt_scanned",
        "product_scanned",
        "badge_scanned",
        "rejected",
    ):
        getattr(router, name).connect(lambda text, name=name: seen.setdefault(name, []).append(text))
    return seen


def test_a_signed_staff_badge_goes_to_sign_in_as_its_exact_code(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="storeassist")
    badge = sign_token(Ed25519PrivateKey.generate(), 1, TokenKind.STAFF_BADGE, 1, 1)
    router = ScanRouter()
    seen = _signals(router)
    router.route(badge + "\r\n")
    assert seen == {"badge_scanned": [badge]}
    assert badge not in caplog.text


@pytest.mark.parametrize("kind", [TokenKind.PURCHASE_RECEIPT, TokenKind.RETURN_RECEIPT])
def test_a_purchase_or_return_receipt_goes_to_the_returns_as_its_exact_code(
    qtbot: QtBot, kind: TokenKind
) -> None:
    receipt = sign_token(Ed25519PrivateKey.generate(), 1, kind, 9001, 1)
    router = ScanRouter()
    seen = _signals(router)
    router.route(" " + receipt + "\r\n")
    assert seen == {"receipt_scanned": [receipt]}


@pytest.mark.parametrize("label", ["B1001", "SAB.B1001"])
def test_a_printed_badge_label_is_not_a_code_we_know(qtbot: QtBot, label: str) -> None:
    router = ScanRouter()
    seen = _signals(router)
    router.route(label)
    assert list(seen) == ["rejected"]
    (message,) = seen["rejected"]
    assert message.startswith("This code is not one StoreAssist knows.")
    assert label not in message


def test_a_badge_with_a_second_spelling_is_refused_as_unreadable(qtbot: QtBot) -> None:
    badge = sign_token(Ed25519PrivateKey.generate(), 1, TokenKind.STAFF_BADGE, 1, 1)
    router = ScanRouter()
    seen = _signals(router)
    router.route(badge + "=")
    assert list(seen) == ["rejected"]
    assert seen["rejected"] == [TokenMalformed.message]


def test_the_bad_scans_file_is_there_and_full() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize(("description", "payload"), CASES, ids=IDS)
def test_each_bad_scan_gets_exactly_one_clear_answer(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture, description: str, payload: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="storeassist")
    router = ScanRouter()
    seen = _signals(router)
    router.route(payload)

    assert sum(len(v) for v in seen.values()) == 1, seen
    if is_valid_product(description):
        assert list(seen) == ["product_scanned"]
        return
    (message,) = seen["rejected"]
    assert len(message) > 20 and message.endswith(".")
    assert payload.strip() == "" or payload not in message
    if "card" in description:
        assert "payment card" in message
        assert CARD_DIGITS not in caplog.text
        assert "DOE" not in caplog.text


@pytest.mark.parametrize(("description", "payload"), CASES, ids=IDS)
def test_bad_scan_through_the_scanner_shows_a_notice_and_types_nothing(
    qtbot: QtBot,
    qapp,
    key_clock,
    type_keys,
    fake_device,
    caplog: pytest.LogCaptureFixture,
    description: str,
    payload: str,
) -> None:
    caplog.set_level(logging.DEBUG, logger="storeassist")
    window = MainWindow(OpRunner(), ASSOCIATE_FEATURES, training=False)
    qtbot.addWidget(window)
    router = ScanRouter()
    window.connect_router(router)
    window.attach_device(fake_device(_NeverCalled()))
    wedge = ScannerWedge(window_settings(), key_time_ms=key_clock)
    wedge.scanned.connect(router.route)
    wedge.install(qapp)
    try:
        field = QLineEdit(window.feature_widget("customer"))
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        field.setFocus()

        if payload.strip("\r\n") == "" and payload != "   ":
            router.route(payload)  # a bare Enter from a scanner is indistinguishable from a person's
        else:
            type_keys(field, payload)
            qtbot.waitUntil(lambda: wedge.holding == 0)

        screen = window.screens.currentWidget()
        notice = screen.notice
        if is_valid_product(description):
            assert screen is window.feature_widget("stock")
        qtbot.waitUntil(notice.isVisible)
        assert notice.text()
        assert field.text() == ""
        if "card" in description:
            assert CARD_DIGITS not in caplog.text
            assert CARD_DIGITS not in notice.text()
    finally:
        wedge.uninstall(qapp)


def window_settings():  # type: ignore[no-untyped-def]
    from storeassist.config import ScannerSettings

    return ScannerSettings()


class _NeverCalled:
    async def identify_by_token(self, text: str, store_id: int) -> None:
        raise AssertionError("no bad scan may reach the customer lookup")
