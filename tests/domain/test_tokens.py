"""Signed codes: a shopper's code or a staff badge verifies offline; anything altered, expired or
revoked does not."""

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


def test_order_code_at_sign_in_is_wrong_kind_and_says_what_it_is() -> None:
    expiry = int((NOW + timedelta(hours=1)).timestamp())
    with pytest.raises(tokens.WrongKind) as wrong:
        tokens.verify_token(
            _code(TokenKind.ORDER, extra=expiry), KEYS, now=NOW, expect={TokenKind.STAFF_BADGE}
        )
    assert str(wrong.value) == "This is an order code; it does not belong on this screen."


def test_staff_badge_on_the_loyalty_screen_is_named_as_a_staff_badge() -> None:
    with pytest.raises(tokens.WrongKind) as wrong:
        tokens.verify_token(
            _code(TokenKind.STAFF_BADGE, subject=3, extra=1),
            KEYS,
            now=NOW,
            expect={TokenKind.LOYALTY_CARD, TokenKind.LOYALTY_DYNAMIC},
        )
    assert wrong.value.kind is TokenKind.STAFF_BADGE
    assert str(wrong.value) == "This is a staff badge; it does not belong on this screen."


@pytest.mark.parametrize("kind", list(TokenKind))
def test_every_kind_has_a_name_for_the_wrong_kind_message(kind: TokenKind) -> None:
    message = str(tokens.WrongKind(kind))
    assert message.startswith("This is a") and "TokenKind" not in message


def test_staff_badge_verifies_offline_carrying_staff_id_and_serial_and_never_expires() -> None:
    code = _code(TokenKind.STAFF_BADGE, subject=3, extra=2)
    assert len(code) == 103
    far_future = NOW + timedelta(days=3650)
    token = tokens.verify_token(code, KEYS, now=far_future, expect={TokenKind.STAFF_BADGE})
    assert (token.kind, token.subject_id, token.serial, token.expires_at) == (
        TokenKind.STAFF_BADGE,
        3,
        2,
        None,
    )
    assert not token.kind.is_loyalty


def test_a_revoked_badge_is_refused_as_a_staff_badge_not_a_loyalty_card() -> None:
    asked: list[tuple[int, int]] = []

    def is_revoked(staff_id: int, serial: int) -> bool:
        asked.append((staff_id, serial))
        return serial < 2  # serial 2 replaced every badge printed before it

    old, current = _code(TokenKind.STAFF_BADGE, 3, 1), _code(TokenKind.STAFF_BADGE, 3, 2)
    with pytest.raises(tokens.BadgeRevoked) as revoked:
        tokens.verify_token(old, KEYS, now=NOW, is_revoked=is_revoked, expect={TokenKind.STAFF_BADGE})
    assert tokens.verify_token(current, KEYS, now=NOW, is_revoked=is_revoked).serial == 2
    assert asked == [(3, 1), (3, 2)]
    assert isinstance(revoked.value, tokens.TokenRevoked)
    assert revoked.value.code == "badge_revoked"
    assert "staff badge" in str(revoked.value) and "loyalty" not in str(revoked.value)


def test_codes_that_expire_are_never_checked_for_revocation() -> None:
    expiry = int((NOW + timedelta(hours=1)).timestamp())
    for kind in (TokenKind.LOYALTY_DYNAMIC, TokenKind.ORDER):
        token = tokens.verify_token(_code(kind, extra=expiry), KEYS, now=NOW, is_revoked=lambda _s, _n: True)
        assert token.serial is None and token.expires_at is not None


def test_a_forged_badge_is_forged_before_anything_else_is_asked() -> None:
    forged = tokens.sign_token(Ed25519PrivateKey.generate(), 1, TokenKind.STAFF_BADGE, 1, 1)
    with pytest.raises(tokens.TokenForged):
        tokens.verify_token(forged, KEYS, now=NOW, is_revoked=lambda _s, _n: pytest.fail("asked"))


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


def test_an_expired_order_code_still_proves_a_purchase_but_a_forged_one_does_not() -> None:
    code = _code(TokenKind.ORDER, subject=9, extra=int((NOW - timedelta(hours=2)).timestamp()))
    with pytest.raises(tokens.TokenExpired):
        tokens.verify_token(code, KEYS, now=NOW)
    assert tokens.verify_token(code, KEYS, now=NOW, as_proof=True).subject_id == 9
    forged = code[:-2] + ("AA" if code[-2:] != "AA" else "BB")
    with pytest.raises(tokens.TokenError):
        tokens.verify_token(forged, KEYS, now=NOW, as_proof=True)
