"""The always-visible status strip: store, online/offline, commands waiting, last sync, attention.

It subscribes to the sync engine's signals (style.md §5) and never polls. The "needs attention"
button says how many commands the hub refused; tapping it asks the window to open the list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal, SignalInstance
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QWidget

from storeassist.ui.formatting import StoreFormat, format_last_sync


class SyncSignals(Protocol):
    """What the status area needs from ``storeassist.sync.SyncEngine``."""

    # Read-only: a QObject's class-level ``Signal`` reads as that object's SignalInstance.
    @property
    def online_changed(self) -> SignalInstance: ...

    @property
    def pending_changed(self) -> SignalInstance: ...

    @property
    def synced_at(self) -> SignalInstance: ...

    @property
    def attention_changed(self) -> SignalInstance: ...

    @property
    def sync_failed(self) -> SignalInstance: ...

    @property
    def snapshot_progress(self) -> SignalInstance:
        """Emits a :class:`SnapshotProgressLike` after each stored page of a snapshot."""
        ...


class SnapshotProgressLike(Protocol):
    """``storeassist.sync.engine.SnapshotProgress`` as the strip reads it."""

    @property
    def done(self) -> int: ...

    @property
    def total(self) -> int: ...

    @property
    def seconds_left(self) -> float | None: ...

    @property
    def finished(self) -> bool: ...


class ElidedLabel(QLabel):
    """A label that gives up width first and ends in "…" rather than pushing the window wider."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(60)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)


def _restyle(widget: QWidget, **properties: str) -> None:
    """Set dynamic properties the stylesheet selects on, and make Qt re-read the style."""
    for name, value in properties.items():
        widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


#: Narrower than this, the strip shows less (see ``StatusArea._fit``).
COMPACT_BELOW = 1000
#: The least width the strip asks of the window, whatever it shows (see ``minimumSizeHint``).
COMPACT_MIN_WIDTH = 640


class StatusArea(QWidget):
    """Top strip of the associate window."""

    attention_requested = Signal()
    #: The "who is signed in" button was tapped.
    staff_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusArea")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        self.store_label = ElidedLabel(self.tr("StoreAssist"))
        _restyle(self.store_label, role="storeName")
        self.online_label = QLabel()
        self.pending_label = QLabel()
        self.sync_label = QLabel()
        self.sync_label.setObjectName("syncLabel")
        # The first fill of the catalog (or any snapshot): what is loaded and the time left.
        self.fill_label = ElidedLabel()
        self.fill_label.setObjectName("catalogFill")
        self.fill_label.setVisible(False)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # indeterminate: "working on it"
        self.busy_bar.setFixedWidth(80)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setVisible(False)
        self.attention_button = QPushButton()
        self.attention_button.setObjectName("attentionButton")
        self.attention_button.clicked.connect(self.attention_requested)
        self.staff_button = QPushButton()
        self.staff_button.setObjectName("staffButton")
        self.staff_button.setVisible(False)  # until the window has a sign-in service
        self.staff_button.clicked.connect(self.staff_requested)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 6, 10, 6)
        layout.setSpacing(18)
        layout.addWidget(self.store_label, 1)
        layout.addWidget(self.fill_label, 1)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.online_label)
        layout.addWidget(self.pending_label)
        layout.addWidget(self.sync_label)
        layout.addWidget(self.attention_button)
        layout.addWidget(self.staff_button)

        self._online: bool | None = None
        self._bound = False
        self._compact = False
        self._pending = 0
        self._attention = 0
        self._synced_at: datetime | None = None
        self._store_format: StoreFormat | None = None
        self._staff_texts = ("", "")
        # Until a sync engine is bound there is nothing true to say about the connection.
        self._sync_widgets = (self.online_label, self.pending_label, self.sync_label, self.attention_button)
        for widget in self._sync_widgets:
            widget.setVisible(False)
        self.set_online(None)
        self.set_pending(0)
        self.set_synced_at(None)
        self.set_attention(0)

    def bind(self, engine: SyncSignals) -> None:
        self._bound = True
        for widget in self._sync_widgets:
            widget.setVisible(True)
        self._fit()
        engine.online_changed.connect(self.set_online)
        engine.pending_changed.connect(self.set_pending)
        engine.sync_failed.connect(self.set_sync_problem)
        engine.synced_at.connect(self.set_synced_at)
        engine.attention_changed.connect(self.set_attention)
        engine.snapshot_progress.connect(self.set_snapshot_progress)

    def set_staff(self, text: str, *, short: str | None = None, signed_in: bool) -> None:
        """``text``: who is signed in, or the invitation to sign in; ``short`` for a narrow strip."""
        self._staff_texts = (text, short or text)
        self.staff_button.setVisible(True)
        self._fit()
        _restyle(self.staff_button, signedIn="yes" if signed_in else "no")

    def _fit(self) -> None:
        """A portrait strip drops the last-sync time and says the rest in fewer words ("To send",
        "Attention", the staff member's first name), so it never pushes the window wider."""
        compact = self.width() < COMPACT_BELOW
        changed, self._compact = compact != self._compact, compact
        self.sync_label.setVisible(self._bound and not compact)
        self.staff_button.setText(self._staff_texts[1 if compact else 0])
        if changed:
            self.set_pending(self._pending)
            self.set_attention(self._attention)

    def resizeEvent(self, event: Any) -> None:
        self._fit()
        super().resizeEvent(event)

    def minimumSizeHint(self) -> QSize:
        # The long wording must not set the window's least width: that would keep a window
        # turned to portrait wider than the screen before the strip could switch to the short
        # wording (which fits 800 px). The store name, which elides, gives way meanwhile.
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), COMPACT_MIN_WIDTH), hint.height())

    def set_store_name(self, name: str) -> None:
        self.store_label.setText(name)
        self.store_label.setToolTip(name)  # the full name, when a portrait strip cuts it short

    def set_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)

    def set_online(self, online: bool | None) -> None:
        self._online = online
        if online is None:
            text, state = self.tr("● Connecting…"), "unknown"
        elif online:
            text, state = self.tr("● Online"), "online"
        else:
            text, state = self.tr("● Offline"), "offline"
        self.online_label.setText(text)
        self.online_label.setToolTip(
            self.tr(
                "Offline: scans use this tablet's copy and actions wait here until the connection is back."
            )
            if online is False
            else ""
        )
        _restyle(self.online_label, role="online", state=state)

    def set_pending(self, count: int) -> None:
        self._pending = count
        if count == 0:
            self.pending_label.setText(self.tr("All sent"))
        elif self._compact:
            self.pending_label.setText(self.tr("To send: %n", "", count))
        else:
            self.pending_label.setText(self.tr("Waiting to send: %n", "", count))

    def set_store_format(self, store: StoreFormat) -> None:
        """Times in the strip on the store's clock and in its locale, like the rest of the screen."""
        self._store_format = store
        self.set_synced_at(self._synced_at)

    def set_synced_at(self, moment: datetime | None) -> None:
        self._synced_at = moment
        self.sync_label.setText(format_last_sync(moment, self._store_format))
        self.sync_label.setToolTip("")
        _restyle(self.sync_label, state="ok")

    def set_sync_problem(self, message: str) -> None:
        """A sync round failed. Offline says enough already; otherwise (the back office refused,
        or this tablet's storage failed) the strip says so, and the reason is the tooltip, in the
        reader's language (``message`` is a sentence marked for the "messages" catalogue)."""
        self.sync_label.setToolTip(QCoreApplication.translate("messages", message))
        if self._online is False:
            return
        self.sync_label.setText(
            self.tr("Sync problem · {last}").format(
                last=format_last_sync(self._synced_at, self._store_format)
            )
        )
        _restyle(self.sync_label, state="problem")

    def set_snapshot_progress(self, progress: SnapshotProgressLike) -> None:
        """ "Loading the catalog: 42,000 of 812,000 · about 12 s left" while a snapshot fills the
        tablet's copy (the app stays usable meanwhile); gone once it is finished."""
        if progress.finished or progress.total <= 0:
            self.fill_label.setVisible(False)
            return
        fmt = self._store_format or StoreFormat()
        done, total = fmt.number(min(progress.done, progress.total)), fmt.number(progress.total)
        if self._compact:
            text = self.tr("Catalog {done} of {total}").format(done=done, total=total)
        else:
            text = self.tr("Loading the catalog: {done} of {total}").format(done=done, total=total)
        left = progress.seconds_left
        if left is not None:
            if left < 90:
                text += " · " + self.tr("about %n s left", "", max(1, round(left)))
            else:
                text += " · " + self.tr("about %n min left", "", round(left / 60))
        self.fill_label.setText(text)
        self.fill_label.setToolTip(text)
        self.fill_label.setVisible(True)

    def set_attention(self, count: int) -> None:
        self._attention = count
        if self._compact:
            self.attention_button.setText(self.tr("Attention: %n", "", count))
        else:
            self.attention_button.setText(self.tr("Needs attention: %n", "", count))
        self.attention_button.setEnabled(count > 0)
        _restyle(self.attention_button, state="attention" if count else "clear")

    @property
    def online(self) -> bool | None:
        return self._online
