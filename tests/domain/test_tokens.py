"""Signed codes: a shopper's code verifies offline; anything altered, expired or revoked does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from storeassist.domain import tokens
from storeassist.domain.tokens import TokenKind

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()
KEYS = {1: KEY.public_key()}


def _code(kind: TokenKind = TokenKind.LOYALTY_CARD, subject: int = 42, extra: int = 3) -> str:
    return tokens.sign_token(KEY, 1, kind, subject, extra)


def test_printed_card_code_verifies_offline_and_is_small_enough_for_a_small_qr() -> None:
    code = _code()
    assert len(code) <= 120
    token = tokens.verify_token(code, KEYS, now=NOW)
    assert (token.kind, token.subject_id, token.serial, token.expires_at) == (
        TokenKind.LOYALTY_CARD,
        42,
        3,
        None,
    )


def test_dynamic_code_past_its_expiry_is_refused_as_expired() -> None:
    expiry = int((NOW - timedelta(minutes=5)).timestamp())
    with pytest.raises(tokens.TokenExpired):
        tokens.verify_token(_code(TokenKind.LOYALTY_DYNAMIC, extra=expiry), KEYS, now=NOW)


def test_dynamic_code_within_clock_skew_is_accepted() -> None:
    expiry = int((NOW - timedelta(seconds=tokens.CLOCK_SKEW_S - 5)).timestamp())
    token = tokens.verify_token(_code(TokenKind.LOYALTY_DYNAMIC, extra=expiry), KEYS, now=NOW)
    assert token.expires_at is not None


def test_revoked_card_serial_is_refused() -> None:
    with pytest.raises(tokens.TokenRevoked):
        tokens.verify_token(
            _code(extra=3), KEYS, now=NOW, is_revoked=lambda cid, serial: (cid, serial) == (42, 3)
        )


def test_code_signed_by_another_key_is_forged() -> None:
    other = tokens.sign_token(Ed25519PrivateKey.generate(), 1, TokenKind.LOYALTY_CARD, 42, 3)
    with pytest.raises(tokens.TokenForged):
        tokens.verify_token(other, KEYS, now=NOW)


def test_code_with_unknown_key_id_asks_for_a_sync() -> None:
    with pytest.raises(tokens.TokenUnknownKey):
        tokens.verify_token(tokens.sign_token(KEY, 9, TokenKind.ORDER, 1, 0), KEYS, now=NOW)


def test_order_code_on_the_loyalty_screen_is_wrong_kind() -> None:
    expiry = int((NOW + timedelta(hours=1)).timestamp())
    with pytest.raises(tokens.WrongKind):
        tokens.verify_token(
            _code(TokenKind.ORDER, extra=expiry),
            KEYS,
            now=NOW,
            expect={TokenKind.LOYALTY_CARD, TokenKind.LOYALTY_DYNAMIC},
        )


@given(st.integers(min_value=len(tokens.PREFIX), max_value=102), st.sampled_from("ABCxyz019-_"))
def test_any_single_character_change_is_never_trusted(position: int, replacement: str) -> None:
    code = _code()
    altered = code[:position] + replacement + code[position + 1 :]
    if altered == code:
        return
    with pytest.raises(tokens.TokenError):
        tokens.verify_token(altered, KEYS, now=NOW)


@given(st.text(max_size=300))
def test_arbitrary_text_raises_only_token_errors(text: str) -> None:
    with pytest.raises(tokens.TokenError):
        tokens.verify_token(tokens.PREFIX + text, KEYS, now=NOW)


def test_public_key_round_trips_through_text() -> None:
    text = tokens.public_key_to_text(KEY.public_key())
    restored = tokens.public_key_from_text(text)
    assert tokens.verify_token(_code(), {1: restored}, now=NOW).subject_id == 42
