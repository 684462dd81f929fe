"""Scanned codes made wrong on purpose, for tests of refusals."""

from __future__ import annotations

import base64

from storeassist.domain.tokens import PREFIX


def tampered(code: str) -> str:
    """``code`` with one bit of its signature flipped, still spelled as canonical base64url.

    Replacing the last characters by hand sometimes spells bytes two ways (spare bits), which is
    refused as unreadable rather than as forged; flipping a byte and re-encoding never does.
    """
    body = code[len(PREFIX) :]
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[-1] ^= 0x01
    return PREFIX + base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode("ascii")
