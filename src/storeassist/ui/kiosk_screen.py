"""What every kiosk screen is: a feature's screen that forgets its shopper on demand and words
itself again when the language changes.

A screen keeps what it shows only while its shopper is there: :meth:`KioskScreen.forget` clears
every label, deletes every row and drops every reference (the window calls it at the idle reset
and after a finished flow); an answer that arrives after it was forgotten is dropped unread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLayout, QLineEdit, QWidget

from storeassist.ui.background import OpRunner
from storeassist.ui.features import OpenElsewhere, OpenKind
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.kiosk_services import KioskDeskLike, KioskServices
from storeassist.ui.widgets import clear_layout, label

T = TypeVar("T")


class KioskScreen(QWidget):
    """Base of the kiosk's screens (each is a :class:`~storeassist.ui.features.FeatureScreen`)."""

    #: The shopper finished what they came for: the window starts over.
    finished = Signal()

    def __init__(
        self, runner: OpRunner, open_elsewhere: OpenElsewhere, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setProperty("kiosk", "panel")
        self._runner = runner
        self._open = open_elsewhere
        self._desk: KioskDeskLike | None = None
        self._format = StoreFormat()
        self._generation = 0
        #: A calm notice: a refusal, "one moment", what to do next.
        self.message = label("", "kioskMessage", wrap=True)
        self.message.setVisible(False)

    # -- FeatureScreen ------------------------------------------------------------------------

    def attach(self, services: KioskServices) -> None:
        self._desk = services.kiosk
        self._format = StoreFormat.of_place(services)

    def handle_scan(self, kind: OpenKind, text: str) -> None:
        raise NotImplementedError

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def staff_changed(self) -> None:
        """A kiosk has no staff session."""

    # -- the shopper leaves -------------------------------------------------------------------

    def forget(self) -> None:
        """Everything of the shopper leaves this screen now; late answers are dropped."""
        self._generation += 1
        self.show_message("")
        self._forget()

    def _forget(self) -> None:
        raise NotImplementedError

    def _run(
        self,
        work: Awaitable[T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """Run ``work``; its answer reaches the screen only if the shopper is still the same."""
        generation = self._generation

        def success(result: T) -> None:
            if generation == self._generation:
                on_success(result)

        def failure(error: BaseException) -> None:
            if generation == self._generation:
                on_failure(error)

        self._runner.run(work, on_success=success, on_failure=failure)

    # -- language -----------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Word the fixed texts (and what is showing) again in the language now installed."""


def wipe_layout(layout: QLayout) -> None:
    """Empty ``layout`` as :func:`~storeassist.ui.widgets.clear_layout` does, and blank every text
    in the rows first: a row waits for the event loop to be deleted, and a shopper's value must
    not wait with it."""
    for index in range(layout.count()):
        item = layout.itemAt(index)
        widget = item.widget() if item is not None else None
        if widget is not None:
            blank(widget)
        nested = item.layout() if item is not None else None
        if nested is not None:
            wipe_layout(nested)
    clear_layout(layout)


def blank(widget: QWidget) -> None:
    """Blank the texts of ``widget`` and everything in it."""
    for each in [widget, *widget.findChildren(QWidget)]:
        if isinstance(each, QLabel | QAbstractButton | QLineEdit):
            each.setText("")
        if isinstance(each, QComboBox):
            each.clear()
        each.setToolTip("")
        each.setAccessibleName("")
