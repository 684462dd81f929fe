"""The first fill of the catalog shows in the status strip, with a count and the time left, and the
app stays usable meanwhile; the note goes once the snapshot is finished."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from storeassist.ui.status_area import StatusArea

pytestmark = pytest.mark.gui


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    seconds_left: float | None
    finished: bool = False


class Sync(QObject):
    online_changed = Signal(bool)
    pending_changed = Signal(int)
    synced_at = Signal(object)
    attention_changed = Signal(int)
    sync_failed = Signal(str)
    snapshot_progress = Signal(object)


def _strip(qtbot: QtBot, width: int) -> tuple[StatusArea, Sync]:
    strip, sync = StatusArea(), Sync()
    qtbot.addWidget(strip)
    strip.bind(sync)
    strip.resize(width, 56)
    strip.show()
    qtbot.waitExposed(strip)
    return strip, sync


def test_the_first_fill_says_how_much_is_loaded_and_how_long_is_left(qtbot: QtBot) -> None:
    strip, sync = _strip(qtbot, 1280)
    assert not strip.fill_label.isVisible()

    sync.snapshot_progress.emit(Progress(42_000, 812_000, 12.4))
    assert strip.fill_label.isVisible()
    assert strip.fill_label.text() == "Loading the catalog: 42,000 of 812,000 · about 12 s left"

    sync.snapshot_progress.emit(Progress(400_000, 812_000, 150.0))
    assert strip.fill_label.text().endswith("· about 2 min left")
    sync.snapshot_progress.emit(Progress(500_000, 812_000, None))
    assert strip.fill_label.text() == "Loading the catalog: 500,000 of 812,000"

    sync.snapshot_progress.emit(Progress(812_000, 812_000, 0.0, finished=True))
    assert not strip.fill_label.isVisible()


def test_a_portrait_strip_says_it_in_fewer_words(qtbot: QtBot, fake_device: Any) -> None:
    strip, sync = _strip(qtbot, 800)
    sync.snapshot_progress.emit(Progress(42_000, 812_000, 3.0))
    assert strip.fill_label.text() == "Catalog 42,000 of 812,000 · about 3 s left"
    assert strip.width() == 800
