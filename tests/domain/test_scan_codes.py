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

BAD_SCANS = Path(__file__).resolve().parents[3] / "shared" / "data" / "bad-scans.txt"


def _bad_scan_cases() -> list[tuple[str, str]]:
    cases = []
    for line in BAD_SCANS.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        description, payload = line.split("\t", 1)
        cases.append((description, ast.literal_eval(payload)))
    return cases


@pytest.mark.parametrize(("description", "payload"), _bad_scan_cases(), ids=lambda v: str(v)[:30])
def test_shared_bad_scans_are_refused_with_a_message_or_are_valid_gtins(
    description: str, payload: str
) -> None:
    if (description.endswith(" valid") and "GTIN" in description) or description.startswith("UPC"):
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


def test_staff_badge_is_recognised() -> None:
    assert classify_scan("SAB.B1001") == scan_codes.ScannedCode(ScanKind.STAFF_BADGE, "B1001")


def test_signed_codes_route_by_kind() -> None:
    key = Ed25519PrivateKey.generate()
    loyalty = tokens.sign_token(key, 1, tokens.TokenKind.LOYALTY_DYNAMIC, 5, 9)
    assert classify_scan(loyalty).kind is ScanKind.LOYALTY
    assert classify_scan(tokens.sign_token(key, 1, tokens.TokenKind.ORDER, 5, 9)).kind is ScanKind.ORDER


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
