"""The Needs-attention feature: actions the back office refused, read from the sync engine when shown.

A page over the current screen (the status strip's "needs attention" chip opens it; Back returns).
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from storeassist.ui.background import OpRunner
from storeassist.ui.features import OpenElsewhere, OpenKind
from storeassist.ui.list_models import ListRow
from storeassist.ui.overlay_pages import AttentionPage, attention_row


class AttentionSource(Protocol):
    """``storeassist.sync.SyncEngine`` as this page uses it."""

    def needs_attention(self) -> list[Any]: ...


class AttentionServices(Protocol):
    @property
    def sync(self) -> AttentionSource | None: ...


class AttentionScreen(AttentionPage):
    """The refused actions, fresh each time the page shows."""

    def __init__(
        self,
        _runner: OpRunner | None = None,
        _open: OpenElsewhere | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._source: AttentionSource | None = None

    def attach(self, services: AttentionServices) -> None:
        self._source = services.sync

    def handle_scan(self, kind: OpenKind, text: str) -> None:
        """Takes no scans."""

    def show_message(self, text: str) -> None:
        self.model.set_rows([ListRow(text)])

    def staff_changed(self) -> None:
        """Refused actions are the store's, not a person's: they stay."""

    def refresh(self) -> None:
        rows = [attention_row(entry) for entry in self._source.needs_attention()] if self._source else []
        self.model.set_rows(rows or [ListRow(self.tr("Nothing needs attention."))])

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        super().showEvent(event)
