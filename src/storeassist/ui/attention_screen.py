"""The Needs-attention feature: actions the back office refused, read from the sync engine when shown.

A page over the current screen (the status strip's "needs attention" chip opens it; Back returns).
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from storeassist.ui.background import OpRunner
from storeassist.ui.features import OpenElsewhere, OpenKind
from storeassist.ui.formatting import StoreFormat, StorePlace
from storeassist.ui.list_models import ListRow
from storeassist.ui.overlay_pages import AttentionPage, attention_row
from storeassist.ui.widgets import label


class AttentionSource(Protocol):
    """``storeassist.sync.SyncEngine`` as this page uses it."""

    @property
    def attention_changed(self) -> SignalInstance: ...

    def needs_attention(self) -> list[Any]: ...


class AttentionServices(StorePlace, Protocol):
    """The sync engine, and how the store writes (a refused return's amounts are its money)."""

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
        self._format = StoreFormat()
        self.notice = label(role="notice", wrap=True)
        self.notice.setVisible(False)
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(1, self.notice)

    def attach(self, services: AttentionServices) -> None:
        self._source = services.sync
        self._format = StoreFormat.of_place(services)
        if self._source is not None:  # a refusal arriving while the page is open shows at once
            self._source.attention_changed.connect(self._attention_changed)

    def handle_scan(self, kind: OpenKind, text: str) -> None:
        """Takes no scans."""

    def _attention_changed(self, _count: int) -> None:
        if self.isVisible():
            self.refresh()

    def show_message(self, text: str) -> None:
        """A notice above the list (a refused scan); the refused actions stay listed."""
        self.notice.setText(text)
        self.notice.setVisible(True)

    def staff_changed(self) -> None:
        """Refused actions are the store's, not a person's: they stay."""

    def refresh(self) -> None:
        entries = self._source.needs_attention() if self._source else []
        rows = [attention_row(entry, self._format) for entry in entries]
        self.model.set_rows(rows or [ListRow(self.tr("Nothing needs attention."))])

    def showEvent(self, event: QShowEvent) -> None:
        self.notice.setVisible(False)
        self.refresh()
        super().showEvent(event)
