"""``CredentialStore``: where the device's hub credential lives.

The credential belongs in the OS keyring (Keychain, Windows Credential Locker, Secret
Service). A headless Linux kiosk often has no usable keyring; then, and only then, the
credential goes to a file readable by this user alone (mode 0600) in the data folder, and
the fallback is logged as a warning so nobody mistakes it for the normal case.

The keyring backend is passed in (tests give an in-memory one); nothing here changes the
process-wide keyring selection.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Literal

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError

log = logging.getLogger("storeassist.security")

SERVICE_NAME = "storeassist"
FALLBACK_FILE_NAME = "device-credential"


def usable_backend(backend: KeyringBackend | None) -> KeyringBackend | None:
    """``backend`` if it can actually keep a secret, else None (the fail/null stand-ins, empty chains)."""
    if backend is None or isinstance(backend, fail.Keyring | null.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


class CredentialStore:
    """Reads and writes the device credential; never logs its value."""

    def __init__(
        self,
        data_dir: Path,
        *,
        backend: KeyringBackend | None = None,
        account: str = "device",
    ) -> None:
        self._fallback_path = data_dir / FALLBACK_FILE_NAME
        self._account = account
        # Every hub request asks for the credential; the OS keyring can take milliseconds per read.
        self._remembered: str | None = None
        self._backend = usable_backend(backend if backend is not None else keyring.get_keyring())
        if self._backend is None:
            log.warning(
                "no usable OS keyring; the device credential is kept in %s (readable by this user only)",
                self._fallback_path,
            )

    @property
    def location(self) -> Literal["keyring", "file"]:
        """Where :meth:`save` puts the credential."""
        return "keyring" if self._backend is not None else "file"

    def load(self) -> str | None:
        """The stored credential, or None when the device is not enrolled."""
        if self._remembered is None:
            self._remembered = self._load_stored()
        return self._remembered

    def _load_stored(self) -> str | None:
        if self._backend is not None:
            try:
                value = self._backend.get_password(SERVICE_NAME, self._account)
            except KeyringError:
                log.warning("the OS keyring could not be read; looking for the fallback file")
                value = None
            if value:
                return value
        return self._read_fallback()

    def save(self, credential: str) -> None:
        self._remembered = credential
        if self._backend is not None:
            try:
                self._backend.set_password(SERVICE_NAME, self._account, credential)
            except KeyringError:
                log.warning("the OS keyring refused the credential; falling back to %s", self._fallback_path)
            else:
                # An older fallback copy would outlive a credential that has since been replaced.
                self._fallback_path.unlink(missing_ok=True)
                return
        self._write_fallback(credential)

    def clear(self) -> None:
        """Forget the credential everywhere (un-enrolling the device)."""
        self._remembered = None
        if self._backend is not None:
            # The keyring raises when nothing is stored: that is already forgotten.
            with contextlib.suppress(KeyringError):
                self._backend.delete_password(SERVICE_NAME, self._account)
        self._fallback_path.unlink(missing_ok=True)

    def _read_fallback(self) -> str | None:
        try:
            value = self._fallback_path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return value or None

    def _write_fallback(self, credential: str) -> None:
        self._fallback_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._fallback_path.with_name(self._fallback_path.name + ".tmp")
        temporary.unlink(missing_ok=True)
        # Created 0600 from the start, so the secret is never readable by others, not even briefly.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(credential)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self._fallback_path)
