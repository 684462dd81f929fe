"""Every signed code has exactly one spelling: the same signed bytes written any other way are refused.

Base64 leaves spare bits in a code's last character, and forgiving decoders accept padding or a
length that is not a multiple of four. Were those taken, one badge or card could be presented
under many texts and slip past anything that compares, counts or blocks codes by their text.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from storeassist.domain import scan_codes, tokens
from storeassist.domain.tokens import TokenKind

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()
KEY_ID = 7
KEYS = {KEY_ID: KEY.public_key()}
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#: A code's bytes are 74 = 3 * 24 + 2, so its last character carries 4 data bits and 2 spare.
_SPARE_BITS = 0b11

codes = st.builds(
    lambda kind, subject, extra: tokens.sign_token(KEY, KEY_ID, kind, subject, extra),
    st.sampled_from(list(TokenKind)),
    st.integers(min_value=0, max_value=2**32 - 1),
    # Far enough ahead that no expiring kind has expired at NOW.
    st.integers(min_value=int(NOW.timestamp()) + 120, max_value=2**32 - 1),
)


def _lenient_bytes(text: str) -> bytes:
    """What a forgiving decoder makes of a code: ignores spare bits, padding and stray characters."""
    body = text[len(tokens.PREFIX) :].rstrip("=")
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def _with_spare_bits(code: str, flip: int) -> str:
    last = _ALPHABET.index(code[-1])
    return code[:-1] + _ALPHABET[last ^ flip]


@given(codes, st.integers(min_value=1, max_value=_SPARE_BITS))
def test_a_code_with_its_spare_bits_set_is_malformed_though_it_decodes_to_the_same_bytes(
    code: str, flip: int
) -> None:
    respelled = _with_spare_bits(code, flip)
    assert respelled != code and _lenient_bytes(respelled) == _lenient_bytes(code)

    with pytest.raises(tokens.TokenMalformed):
        tokens.verify_token(respelled, KEYS, now=NOW)
    with pytest.raises(tokens.TokenMalformed):
        scan_codes.classify_scan(respelled)
    assert tokens.verify_token(code, KEYS, now=NOW).key_id == KEY_ID


@given(codes)
def test_the_canonical_spelling_verifies_and_routes(code: str) -> None:
    token = tokens.verify_token(code, KEYS, now=NOW)
    assert tokens.sign_token(KEY, KEY_ID, token.kind, token.subject_id, token.extra) == code
    assert scan_codes.classify_scan(code).text == code


@given(codes, st.sampled_from(["=", "==", "===", " ", "\n", "A", "\t"]))
def test_padding_whitespace_or_a_stray_character_at_the_end_is_malformed(code: str, suffix: str) -> None:
    with pytest.raises(tokens.TokenMalformed):
        tokens.verify_token(code + suffix, KEYS, now=NOW)


@given(codes, st.integers(min_value=len(tokens.PREFIX) + 1, max_value=102), st.sampled_from(" =\n\t"))
def test_whitespace_or_padding_inside_a_code_is_malformed(code: str, position: int, inserted: str) -> None:
    with pytest.raises(tokens.TokenMalformed):
        tokens.verify_token(code[:position] + inserted + code[position:], KEYS, now=NOW)


def test_a_length_no_base64_text_can_have_is_malformed() -> None:
    code = tokens.sign_token(KEY, KEY_ID, TokenKind.STAFF_BADGE, 3, 1)
    body = code[len(tokens.PREFIX) :]
    assert len(body) % 4 == 3
    for cut in (body[:-3] + body[-2:], body + "AA"):  # lengths 2 and 1 mod 4
        with pytest.raises(tokens.TokenMalformed):
            tokens.parse_token(tokens.PREFIX + cut)


def test_a_public_key_is_read_only_in_its_canonical_spelling() -> None:
    text = tokens.public_key_to_text(KEY.public_key())
    assert len(text) == 43  # 32 bytes: the last character has 2 spare bits too
    assert tokens.public_key_from_text(text).public_bytes_raw() == KEY.public_key().public_bytes_raw()
    for respelled in (_with_spare_bits(text, 1), text + "="):
        with pytest.raises(tokens.TokenMalformed):
            tokens.public_key_from_text(respelled)
