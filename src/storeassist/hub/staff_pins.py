"""Staff PINs are stored as scrypt hashes: ``"<salt hex>$<hash hex>"`` with fixed cost parameters.

The seed generator writes them and the hub's sign-in checks them, so both use these two functions.
A 4-8 digit PIN is short; the cost parameters slow guessing from a stolen database, and the hub
also limits sign-in attempts.
"""

from __future__ import annotations

import hashlib
import hmac
import os

SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_DKLEN = 2**14, 8, 1, 32
SALT_BYTES = 16


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """The stored form of ``pin``; a fresh random salt unless one is given."""
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    digest = hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=SCRYPT_DKLEN
    )
    return f"{salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches a value made by :func:`hash_pin` (constant-time compare)."""
    try:
        salt_hex, digest_hex = stored.split("$", 1)
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(digest_hex)
    except ValueError:
        return False
    digest = hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=len(expected)
    )
    return hmac.compare_digest(digest, expected)
