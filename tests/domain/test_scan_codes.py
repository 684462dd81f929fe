"""Every scanned payload is classified or refused with a reason; card data is never accepted."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from storeassist.domain import scan_codes, tokens
from storeassist.domain.scan_codes import ScanKind, classify_scan

BAD_SCANS = Path(__file__).resolve().parents[1] / "data" / "bad-scans.txt"


def _bad_scan_cases() -> list[tuple[str, str]]:
    cases = []
    for line in BAD_SCANS.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        description, payload = line.split("\t", 1)
        cases.append((description, ast.literal_eval(payload)))
    return cases


@pytest.mark.parametrize(("description", "payload"), _bad_scan_cases(), ids=lambda v: str(v)[:30])
def test_hostile_scans_are_refused_with_a_message_or_are_valid_gtins(description: str, payload: str) -> None:
    if description.endswith(" valid"):
        assert classify_scan(payload).kind is ScanKind.PRODUCT
        return
    with pytest.raises((scan_codes.ScanRejected, tokens.TokenError)) as refused:
        classify_scan(payload)
    message = str(refused.value)
    assert message and payload.strip() not in message if payload.strip() else message
    if "card" in description:
        assert isinstance(refused.value, scan_codes.PaymentCardRefused)


def test_upc_a_is_normalised_to_gtin_13() -> None:
    assert classify_scan("036000291452\r\n").text == "0036000291452"


@pytest.mark.parametrize("spelling", ["036000291452", "0036000291452", "00036000291452"])
def test_one_product_has_one_spelling_however_its_barcode_carries_it(spelling: str) -> None:
    assert classify_scan(spelling) == scan_codes.ScannedCode(ScanKind.PRODUCT, "0036000291452")


def test_a_case_code_keeps_its_packaging_digit() -> None:
    case = scan_codes.gtin_with_check_digit("1003600029145")
    assert classify_scan(case).text == case


def test_a_signed_staff_badge_is_recognised_and_passed_on_exactly() -> None:
    badge = tokens.sign_token(Ed25519PrivateKey.generate(), 1, tokens.TokenKind.STAFF_BADGE, 1, 1)
    assert classify_scan(badge + "\r\n") == scan_codes.ScannedCode(ScanKind.STAFF_BADGE, badge)


@pytest.mark.parametrize("label", ["B1001", "SAB.B1001", "sab.b1001", "SAB.S0001"])
def test_a_printed_badge_label_is_no_longer_a_badge(label: str) -> None:
    with pytest.raises(scan_codes.ScanRejected) as refused:
        classify_scan(label)
    assert type(refused.value) is scan_codes.ScanRejected  # the calm "not a code we know"
    assert label not in str(refused.value)


@pytest.mark.parametrize(
    ("kind", "routed"),
    [
        (tokens.TokenKind.LOYALTY_CARD, ScanKind.LOYALTY),
        (tokens.TokenKind.LOYALTY_DYNAMIC, ScanKind.LOYALTY),
        (tokens.TokenKind.ORDER, ScanKind.ORDER),
        (tokens.TokenKind.STAFF_BADGE, ScanKind.STAFF_BADGE),
    ],
)
def test_signed_codes_route_by_kind(kind: tokens.TokenKind, routed: ScanKind) -> None:
    code = tokens.sign_token(Ed25519PrivateKey.generate(), 1, kind, 5, 9)
    assert classify_scan(code) == scan_codes.ScannedCode(routed, code)


def test_every_kind_of_signed_code_has_somewhere_to_go() -> None:
    key = Ed25519PrivateKey.generate()
    for kind in tokens.TokenKind:
        assert classify_scan(tokens.sign_token(key, 1, kind, 1, 1)).text.startswith(tokens.PREFIX)


@given(st.from_regex(r"4[0-9]{15}", fullmatch=True))
def test_luhn_valid_card_numbers_are_refused(number: str) -> None:
    if not scan_codes.luhn_ok(number):
        return
    with pytest.raises(scan_codes.PaymentCardRefused):
        classify_scan(number)


@given(st.text(max_size=400))
def test_any_text_is_classified_or_refused_never_crashes(text: str) -> None:
    try:
        classify_scan(text)
    except (scan_codes.ScanRejected, tokens.TokenError) as refused:
        assert str(refused)


@given(st.from_regex(r"[0-9]{12}", fullmatch=True))
def test_generated_gtins_have_valid_check_digits(body: str) -> None:
    assert scan_codes.gtin_check_digit_ok(scan_codes.gtin_with_check_digit(body))


@pytest.mark.parametrize("digits", ["4222222222222", "40000000000002", "400000000002", "40000003"])
def test_a_gtin_shaped_code_with_a_wrong_check_digit_is_a_misread_barcode_never_a_card(digits: str) -> None:
    assert not scan_codes.gtin_check_digit_ok(digits)
    with pytest.raises(scan_codes.ScanBadCheckDigit):
        classify_scan(digits)


@given(st.from_regex(r"[0-9]{13}", fullmatch=True))
def test_no_thirteen_digit_code_is_taken_for_a_payment_card(digits: str) -> None:
    try:
        scanned = classify_scan(digits)
    except scan_codes.ScanBadCheckDigit:
        return
    assert scanned.kind is ScanKind.PRODUCT


@given(st.from_regex(r"[1-9][0-9]{15,18}", fullmatch=True))
def test_a_luhn_valid_number_of_16_to_19_digits_stays_a_payment_card(number: str) -> None:
    if not scan_codes.luhn_ok(number):
        return
    with pytest.raises(scan_codes.PaymentCardRefused):
        classify_scan(number)
