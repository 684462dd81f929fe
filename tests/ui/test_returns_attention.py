"""A return the back office refused reads under Needs attention in the store's money and on the
store's clock (the window gives the page the store's way of writing, as it does every screen)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from storeassist.ui.attention_screen import AttentionScreen

pytestmark = pytest.mark.gui


@dataclass
class Refused:
    command: Any
    code: str | None
    params: dict[str, str | int] = field(default_factory=dict)


class Refusals(QObject):
    """The sync engine as the page reads it."""

    attention_changed = Signal(int)

    def __init__(self, entries: list[Refused]) -> None:
        super().__init__()
        self.entries = entries

    def needs_attention(self) -> list[Refused]:
        return list(self.entries)


class NoLookups:
    async def identify_by_token(self, text: str, store_id: int) -> None:
        raise AssertionError("not used here")


def test_a_refused_return_is_written_in_the_stores_money_and_time(qtbot: QtBot, fake_device: Any) -> None:
    take = SimpleNamespace(type="return.take", issued_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
    refusals = Refusals(
        [Refused(take, "paid_back_differs", {"order_number": "W-9", "shown": 4000, "decided": 3600})]
    )
    screen = AttentionScreen()
    qtbot.addWidget(screen)
    screen.attach(
        fake_device(
            NoLookups(),
            sync=refusals,
            store_locale="de_DE",
            store_currency="EUR",
            store_timezone="Europe/Berlin",
        )
    )
    screen.show()
    qtbot.waitExposed(screen)

    [row] = screen.model.rows()
    assert row.headline.startswith("Return taken back · ") and "10:30" in row.headline
    assert "40,00\xa0€" in row.detail and "36,00\xa0€" in row.detail, row.detail
    assert "$" not in row.detail
