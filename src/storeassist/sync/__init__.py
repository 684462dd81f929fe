"""Keeping the device and the hub in step: push the outbox, pull the change feed, track online state."""

from storeassist.sync.engine import SyncEngine, SyncReport

__all__ = ["SyncEngine", "SyncReport"]
