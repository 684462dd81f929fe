"""The device's two SQLite files: ``cache.sqlite`` (a disposable replica of hub data) and
``outbox.sqlite`` (commands waiting for the hub; precious, never deleted by the app)."""

from storeassist.local.cache import DEFAULT_PERSONAL_DATA_TTL, CachedProfile, LocalCache
from storeassist.local.outbox import (
    DuplicateCommandId,
    Outbox,
    OutboxEntry,
    OutboxState,
    OutboxTooNew,
)
from storeassist.local.sqlite import LocalStoreError

__all__ = [
    "DEFAULT_PERSONAL_DATA_TTL",
    "CachedProfile",
    "DuplicateCommandId",
    "LocalCache",
    "LocalStoreError",
    "Outbox",
    "OutboxEntry",
    "OutboxState",
    "OutboxTooNew",
]
