"""What a scanned payload is, decided from its shape alone, before anything trusts it.

Every scanner burst goes through :func:`classify_scan` first. Payment-card data is refused
here and the payload is dropped: callers must not log or keep ``text`` when
:class:`PaymentCardRefused` is raised.

Loyalty cards, order codes and staff badges are all signed codes (``SA1.…``, see
:mod:`storeassist.domain.tokens`), told apart by the kind inside them and taken only in their
one canonical spelling. A plain badge label such as ``B1001`` (or the ``SAB.B1001`` old badges
carried) is guessable and so is no longer a badge: it is refused like any unknown scan.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

from storeassist.domain import tokens

#: Longest payload we look at; a real StoreAssist code is 103 characters.
MAX_SCAN_CHARS = 256

_TRACK1 = re.compile(r"%?B\d{12,19}\^")
_TRACK2 = re.compile(r";?\d{12,19}=\d")
_DIGITS_IN_TEXT = re.compile(r"\d[\d -]{11,}\d")


class ScanKind(enum.Enum):
    LOYALTY = "loyalty"
    ORDER = "order"
    RECEIPT = "receipt"
    PRODUCT = "product"
    STAFF_BADGE = "staff_badge"


@dataclass(frozen=True, slots=True)
class ScannedCode:
    """What a scan is, and its payload in the one spelling it is passed on in: a signed code
    exactly as signed; a GTIN as 13 digits (14 only for a case code, 8 for a GTIN-8)."""

    kind: ScanKind
    text: str


class ScanRejected(ValueError):
    """A payload that is not any code we take. ``message`` is written for the associate."""

    code = "scan_unknown"
    message = (
        "This code is not one StoreAssist knows. Scan a loyalty card, an order code or a product barcode."
    )

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class ScanEmpty(ScanRejected):
    code = "scan_empty"
    message = "The scanner sent nothing. Scan again."


class ScanTooLong(ScanRejected):
    code = "scan_too_long"
    message = "That code is far too long to be ours. Scan again, or type the order number."


class ScanBadCheckDigit(ScanRejected):
    code = "scan_bad_check_digit"
    message = "That barcode's check digit is wrong — it was misread or damaged. Scan it again."


class ScanUnsafeCharacters(ScanRejected):
    code = "scan_unsafe_characters"
    message = "That code contains characters no StoreAssist code has. Scan again."


class PaymentCardRefused(ScanRejected):
    """Card-track or card-number data. Never log, store or display the payload."""

    code = "scan_payment_card"
    message = "That looks like a payment card. StoreAssist never reads cards — use the payment terminal."


#: Where each kind of signed code goes once scanned.
_SIGNED_KINDS: dict[tokens.TokenKind, ScanKind] = {
    tokens.TokenKind.LOYALTY_CARD: ScanKind.LOYALTY,
    tokens.TokenKind.LOYALTY_DYNAMIC: ScanKind.LOYALTY,
    tokens.TokenKind.ORDER: ScanKind.ORDER,
    tokens.TokenKind.STAFF_BADGE: ScanKind.STAFF_BADGE,
    # A hand-over's receipt names an order's pickup: the pickups screen says what it is.
    tokens.TokenKind.HANDOVER_RECEIPT: ScanKind.ORDER,
    # An order's receipt and a return's receipt belong to the returns screen.
    tokens.TokenKind.PURCHASE_RECEIPT: ScanKind.RECEIPT,
    tokens.TokenKind.RETURN_RECEIPT: ScanKind.RECEIPT,
}


def gtin_check_digit_ok(digits: str) -> bool:
    """GS1 mod-10 check for GTIN-8/12/13/14."""
    if len(digits) not in (8, 12, 13, 14) or not digits.isdigit():
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def gtin_with_check_digit(body: str) -> str:
    """Append the GS1 check digit to ``body`` (7, 11, 12 or 13 digits)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def luhn_ok(digits: str) -> bool:
    if not digits.isdigit() or len(digits) < 12:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


#: How many digits a GTIN has: GTIN-8 (EAN-8), GTIN-12 (UPC-A), GTIN-13 (EAN-13), GTIN-14.
GTIN_LENGTHS = frozenset({8, 12, 13, 14})


def is_gtin_shaped(text: str) -> bool:
    """Only digits, as many as a GTIN has (8, 12, 13 or 14): a product barcode, read right or
    misread, whatever its check digit. Never a card number, even when Luhn-valid (a 13-digit
    Luhn-valid EAN with a wrong check digit is a misread barcode, not a card)."""
    return len(text) in GTIN_LENGTHS and text.isascii() and text.isdigit()


def looks_like_payment_card(text: str) -> bool:
    """Track 1/2 data, or a 13–19 digit Luhn-valid number that is not a valid GTIN. A payload of
    only GTIN-shaped digits (:func:`is_gtin_shaped`) is a barcode, never a card: one with a wrong
    check digit is refused as such. A card number has 15–19 digits in practice (16 mostly)."""
    if _TRACK1.search(text) or _TRACK2.search(text):
        return True
    if is_gtin_shaped(text):
        return False
    for match in _DIGITS_IN_TEXT.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_ok(digits) and not gtin_check_digit_ok(digits):
            return True
    return False


def classify_scan(raw: str) -> ScannedCode:
    """Decide what a scanned payload is, or raise :class:`ScanRejected` with a reason."""
    if len(raw) > MAX_SCAN_CHARS * 4:
        raise ScanTooLong()
    text = raw.strip()
    if looks_like_payment_card(text):
        raise PaymentCardRefused()
    if not text:
        raise ScanEmpty()
    if len(text) > MAX_SCAN_CHARS:
        raise ScanTooLong()
    if any(unicodedata.category(ch)[0] == "C" for ch in text) or not text.isascii():
        raise ScanUnsafeCharacters()
    if tokens.looks_like_token(text):
        # Raises TokenMalformed (a TokenError) for any spelling but the canonical one.
        token, _body, _sig = tokens.parse_token(text)
        return ScannedCode(_SIGNED_KINDS[token.kind], text)
    if text.isdigit() and len(text) in (8, 12, 13, 14):
        if not gtin_check_digit_ok(text):
            raise ScanBadCheckDigit()
        return ScannedCode(ScanKind.PRODUCT, _one_gtin_spelling(text))
    raise ScanRejected()


def _one_gtin_spelling(digits: str) -> str:
    """A checked GTIN-12/13/14 in the one form products are kept under: 13 digits when it fits.

    A UPC-A (12 digits) and a GTIN-14 that starts with 0 are the same item as the GTIN-13 with
    the leading zero added or dropped; passing them on as typed would give one product two texts.
    """
    if len(digits) == 12:
        return "0" + digits
    if len(digits) == 14 and digits.startswith("0"):
        return digits[1:]
    return digits
