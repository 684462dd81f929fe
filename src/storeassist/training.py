"""Training mode (``storeassist --demo``): a practice back office on this machine, set up by itself.

The first time, a demo chain (5 stores, 500 products, 2,000 customers; seed 7, so every
trainee sees the same shop) is generated into ``<data>/training/hub.sqlite``. That takes a few
seconds, so it runs on a worker thread through ``asyncio.to_thread`` while the window shows
progress. Every start then runs the hub in-process on a free loopback port, and the device is
enrolled against it once, the normal way, with a one-time code.

Nothing from training mixes with a real enrollment: it has its own data folder and its own
credential entry in the keyring.

This module is the only app-side code that imports the hub, and only its public entry points
(docs/api.md).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storeassist.words import QT_TRANSLATE_NOOP

log = logging.getLogger("storeassist.training")

TRAINING_STORE_ID = 1
TRAINING_DIR_NAME = "training"
_HUB_FILE = "hub.sqlite"
_SEEDED_MARK = "seeded"

#: Reports a step (in English; the window translates it under the context "training") and how
#: far along start-up is, or None when that is not known.
Progress = Callable[[str, float | None], None]

PREPARING_STORE = QT_TRANSLATE_NOOP(
    "training",
    "Creating the practice store — 5 shops, 500 products, 2,000 customers. This takes a few seconds, once.",
)
STARTING_HUB = QT_TRANSLATE_NOOP("training", "Starting the practice back office…")


def training_dir(data_dir: Path) -> Path:
    return data_dir / TRAINING_DIR_NAME


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass
class TrainingHub:
    """The practice back office, running in this process."""

    db_url: str
    url: str
    store_id: int
    _running: Any

    def stop(self) -> None:
        self._running.stop()

    def issue_enrollment_code(self) -> str:
        from storeassist.hub.admin import issue_enrollment_code

        return issue_enrollment_code(self.db_url, self.store_id)

    def practice_badge(self) -> str:
        """The signed badge of an associate at the practice store, so training starts signed in
        (an associate's badge signs in alone)."""
        from sqlalchemy import create_engine, select

        from storeassist.hub.admin import issue_badge
        from storeassist.hub.db import models as m

        engine = create_engine(self.db_url)
        try:
            with engine.connect() as connection:
                staff_id = connection.execute(
                    select(m.Staff.id)
                    .where(m.Staff.store_id == self.store_id, m.Staff.role == "associate")
                    .order_by(m.Staff.id)
                    .limit(1)
                ).scalar_one()
        finally:
            engine.dispose()
        return issue_badge(self.db_url, staff_id)

    def practice_loyalty_code(self, customer_id: int = 1) -> str:
        """A printed-card loyalty code for a demo customer, as if scanned at the till."""
        from storeassist.domain.tokens import TokenKind
        from storeassist.hub.admin import issue_token

        return issue_token(self.db_url, TokenKind.LOYALTY_CARD, customer_id)


def _seed(folder: Path) -> None:
    """Generate the demo chain into a temporary file, then move it into place: an interrupted
    first start leaves no half-seeded database behind."""
    from storeassist.hub.seed import seed_chain

    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / (_HUB_FILE + ".partial")
    partial.unlink(missing_ok=True)
    seed_chain(sqlite_url(partial), stores=5, products=500, customers=2000, seed=7)
    os.replace(partial, folder / _HUB_FILE)
    (folder / _SEEDED_MARK).write_text("seed=7 stores=5 products=500 customers=2000\n", encoding="utf-8")


def _start(db_url: str) -> Any:
    from storeassist.hub.db.schema import upgrade
    from storeassist.hub.server import start_in_thread

    # The practice chain is generated and this device's own: a newer app brings its schema along
    # (a store's real hub is upgraded by an operator, after a backup).
    upgrade(db_url)
    return start_in_thread(db_url)


async def start_training_hub(data_dir: Path, progress: Progress) -> TrainingHub:
    """Seed once, then start the practice hub. Blocking steps run on worker threads."""
    folder = training_dir(data_dir)
    if not (folder / _SEEDED_MARK).exists() or not (folder / _HUB_FILE).exists():
        progress(PREPARING_STORE, None)
        log.info("seeding the training chain")
        await asyncio.to_thread(_seed, folder)
    progress(STARTING_HUB, 0.8)
    db_url = sqlite_url(folder / _HUB_FILE)
    running = await asyncio.to_thread(_start, db_url)
    log.info("training hub running on loopback")
    return TrainingHub(db_url=db_url, url=running.url, store_id=TRAINING_STORE_ID, _running=running)
