"""The device credential lives in the OS keyring, or, logged and explicit, in a private file."""

from __future__ import annotations

import logging
import stat

from keyring.backends import fail
from keyring.errors import KeyringError

from storeassist.security.credentials import FALLBACK_FILE_NAME, CredentialStore


def test_the_credential_is_kept_in_the_keyring_and_nowhere_else(tmp_path, memory_keyring):
    store = CredentialStore(tmp_path, backend=memory_keyring)
    store.save("cred-123")

    assert store.location == "keyring"
    assert CredentialStore(tmp_path, backend=memory_keyring).load() == "cred-123"
    assert not (tmp_path / FALLBACK_FILE_NAME).exists()


def test_forgetting_the_credential_unenrols_the_device(tmp_path, memory_keyring):
    store = CredentialStore(tmp_path, backend=memory_keyring)
    store.save("cred-123")
    store.clear()
    store.clear()  # twice is harmless
    assert CredentialStore(tmp_path, backend=memory_keyring).load() is None


def test_without_a_keyring_the_credential_goes_to_a_private_file_and_says_so(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="storeassist.security")
    store = CredentialStore(tmp_path, backend=fail.Keyring())
    store.save("cred-456")

    path = tmp_path / FALLBACK_FILE_NAME
    assert store.location == "file"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert CredentialStore(tmp_path, backend=fail.Keyring()).load() == "cred-456"
    assert "no usable OS keyring" in caplog.text
    assert "cred-456" not in caplog.text


def test_a_keyring_that_refuses_to_store_falls_back_to_the_file(tmp_path, memory_keyring, caplog):
    class LockedKeyring(type(memory_keyring)):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise KeyringError("locked")

    store = CredentialStore(tmp_path, backend=LockedKeyring())
    store.save("cred-789")

    assert CredentialStore(tmp_path, backend=LockedKeyring()).load() == "cred-789"
    assert "refused" in caplog.text
    assert "cred-789" not in caplog.text


def test_no_credential_yet_means_not_enrolled(tmp_path, memory_keyring):
    assert CredentialStore(tmp_path, backend=memory_keyring).load() is None
