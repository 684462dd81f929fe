"""Signed loyalty, order, staff badge and pickup receipt codes: the compact wire format and the
rules for trusting one.

A code is ``SA1.`` followed by base64url (no padding) of (field sizes in bytes)::

    kind (1) | key id (1) | subject id (4, big endian) | extra (4) | Ed25519 signature (64)

``extra`` is an expiry (UNIX seconds) for dynamic codes from the shopper's app and for order
codes, a serial for printed loyalty cards and staff badges (both revocable by serial), or the
time a pickup was handed over for its receipt (never expires). The whole code is 103
characters, small enough for a version-6 QR at medium error correction.

Every code has exactly one spelling: the canonical unpadded base64url of its bytes. Base64 has
spare bits in its last character and decoders that forgive padding, whitespace or a length that
is not a multiple of four, so the same signed bytes could otherwise be written several ways and
slip past anything that compares, counts or blocks codes by their text.

The hub signs with a private key; devices hold only the public keys (by key id), so they can
verify a scan offline but cannot mint one.
"""

from __future__ import annotations

import base64
import binascii
import enum
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "SA1."
_BODY = struct.Struct(">BBII")
_SIG_LEN = 64
MAX_TOKEN_CHARS = 120
#: A dynamic code is refused this long after its expiry; absorbs small clock drift between devices.
CLOCK_SKEW_S = 60


class TokenKind(enum.IntEnum):
    """What a signed code stands for."""

    LOYALTY_CARD = 1  # printed card: extra = serial
    LOYALTY_DYNAMIC = 2  # shopper's app: extra = expiry
    ORDER = 3  # pickup / receipt code: extra = expiry
    STAFF_BADGE = 4  # printed staff badge: subject = staff id, extra = badge serial
    HANDOVER_RECEIPT = 5  # a pickup hand-over's receipt: subject = hand-over id, extra = its time
    PURCHASE_RECEIPT = 6  # an order's receipt (e-mail, slip): subject = order id, extra = its time
    RETURN_RECEIPT = 7  # a return's receipt: subject = return id, extra = its time

    @property
    def is_loyalty(self) -> bool:
        return self in (TokenKind.LOYALTY_CARD, TokenKind.LOYALTY_DYNAMIC)

    @property
    def has_serial(self) -> bool:
        """Printed codes carry a serial (revocable) instead of an expiry."""
        return self in (TokenKind.LOYALTY_CARD, TokenKind.STAFF_BADGE)

    @property
    def has_expiry(self) -> bool:
        """Dynamic loyalty codes and order codes stop being accepted at their ``extra``; a
        receipt's ``extra`` is when it was made, and it never expires (it is proof kept)."""
        return self in (TokenKind.LOYALTY_DYNAMIC, TokenKind.ORDER)


class TokenError(ValueError):
    """A scanned code that cannot be trusted. ``code`` is stable and machine-readable."""

    code = "token_invalid"
    message = "This code is not a StoreAssist code."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class TokenMalformed(TokenError):
    code = "token_malformed"
    message = "This code could not be read. Ask the customer to show it again."


class TokenForged(TokenError):
    code = "token_forged"
    message = "This code's signature does not check out. It was not issued by us."


class TokenUnknownKey(TokenError):
    code = "token_unknown_key"
    message = "This code was signed with a key this device does not know. Sync, then scan again."


class TokenExpired(TokenError):
    code = "token_expired"
    message = "This code has expired. Ask the customer to refresh the code in their app."


class TokenRevoked(TokenError):
    code = "token_revoked"
    message = "This loyalty card has been replaced or cancelled. Look the customer up by name or phone."


class BadgeRevoked(TokenRevoked):
    code = "badge_revoked"
    message = (
        "This staff badge has been replaced or cancelled. Sign in with your staff number and PIN, "
        "and ask a manager for a new badge."
    )


@dataclass(frozen=True, slots=True)
class SignedToken:
    """A verified code."""

    kind: TokenKind
    key_id: int
    subject_id: int
    extra: int

    @property
    def expires_at(self) -> datetime | None:
        """When a dynamic or order code stops being accepted; None for cards, badges and receipts."""
        if not self.kind.has_expiry:
            return None
        return datetime.fromtimestamp(self.extra, UTC)

    @property
    def serial(self) -> int | None:
        """The printed card's or badge's serial; None for codes that expire instead."""
        return self.extra if self.kind.has_serial else None


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    """The bytes of canonical unpadded base64url ``text``; any other spelling is malformed."""
    if not text.isascii() or any(c not in _B64_ALPHABET for c in text):
        raise TokenMalformed()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise TokenMalformed() from exc
    # Decoding forgives non-zero spare bits in the last character and some impossible lengths;
    # re-encoding gives the one spelling these bytes have, and only that spelling is taken.
    if _b64encode(raw) != text:
        raise TokenMalformed()
    return raw


_B64_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def sign_token(
    private_key: Ed25519PrivateKey, key_id: int, kind: TokenKind, subject_id: int, extra: int
) -> str:
    """Mint a code. Only the hub holds private keys."""
    if not (0 <= key_id < 256 and 0 <= subject_id < 2**32 and 0 <= extra < 2**32):
        raise ValueError("token field out of range")
    body = _BODY.pack(int(kind), key_id, subject_id, extra)
    return PREFIX + _b64encode(body + private_key.sign(body))


def looks_like_token(text: str) -> bool:
    """Cheap shape test used to route a scan; says nothing about trust."""
    return text.startswith(PREFIX)


def parse_token(text: str) -> tuple[SignedToken, bytes, bytes]:
    """Split a code into its fields, signed bytes and signature, without checking the signature."""
    if len(text) > MAX_TOKEN_CHARS or not looks_like_token(text):
        raise TokenMalformed()
    raw = _b64decode(text[len(PREFIX) :])
    if len(raw) != _BODY.size + _SIG_LEN:
        raise TokenMalformed()
    body, signature = raw[: _BODY.size], raw[_BODY.size :]
    kind_byte, key_id, subject_id, extra = _BODY.unpack(body)
    try:
        kind = TokenKind(kind_byte)
    except ValueError as exc:
        raise TokenMalformed() from exc
    return SignedToken(kind, key_id, subject_id, extra), body, signature


def verify_token(
    text: str,
    public_keys: Mapping[int, Ed25519PublicKey],
    *,
    now: datetime,
    is_revoked: Callable[[int, int], bool] = lambda _subject, _serial: False,
    expect: set[TokenKind] | None = None,
    as_proof: bool = False,
) -> SignedToken:
    """Return the verified token or raise a :class:`TokenError` saying why it is not trusted.

    ``is_revoked(subject_id, serial)`` answers for the codes that carry a serial: printed cards
    (subject = customer id) and staff badges (subject = staff id); a revoked badge raises
    :class:`BadgeRevoked`. ``expect`` limits the kinds accepted at this point (a loyalty screen
    does not take an order code, the hub's sign-in takes only badges). The text must be the
    code's one canonical spelling. ``as_proof``: the code is kept as proof of a purchase (a return
    finds its order by it), so an order code's expiry does not matter; its signature, key and kind do.
    """
    token, body, signature = parse_token(text)
    key = public_keys.get(token.key_id)
    if key is None:
        raise TokenUnknownKey()
    try:
        key.verify(signature, body)
    except InvalidSignature as exc:
        raise TokenForged() from exc
    if expect is not None and token.kind not in expect:
        raise WrongKind(token.kind)
    expires = token.expires_at
    if expires is not None and not as_proof and now.timestamp() > expires.timestamp() + CLOCK_SKEW_S:
        raise TokenExpired()
    if token.kind.has_serial and is_revoked(token.subject_id, token.extra):
        raise BadgeRevoked() if token.kind is TokenKind.STAFF_BADGE else TokenRevoked()
    return token


class WrongKind(TokenError):
    code = "token_wrong_kind"
    message = "This is a valid code, but not the kind this screen takes."

    def __init__(self, kind: TokenKind) -> None:
        super().__init__(f"This is {_KIND_NAMES[kind]}; it does not belong on this screen.")
        self.kind = kind


#: How a person would name each kind of code, as the object of "This is …".
_KIND_NAMES: Mapping[TokenKind, str] = {
    TokenKind.LOYALTY_CARD: "a loyalty code",
    TokenKind.LOYALTY_DYNAMIC: "a loyalty code",
    TokenKind.ORDER: "an order code",
    TokenKind.STAFF_BADGE: "a staff badge",
    TokenKind.HANDOVER_RECEIPT: "a pickup receipt",
    TokenKind.PURCHASE_RECEIPT: "a purchase receipt",
    TokenKind.RETURN_RECEIPT: "a return receipt",
}


def public_key_to_text(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b64encode(raw)


def public_key_from_text(text: str) -> Ed25519PublicKey:
    raw = _b64decode(text)
    if len(raw) != 32:
        raise TokenUnknownKey("The hub's public key is damaged.")
    return Ed25519PublicKey.from_public_bytes(raw)
