"""Keyboard-wedge scanner input: tell a scanner's key burst from a person's typing, wherever focus is.

A USB/Bluetooth scanner in keyboard mode types its payload as key presses, a few milliseconds
apart, and ends with Enter. People type 100 ms or more apart. :class:`ScannerWedge` is an event
filter on the whole application that holds back every printable key press for a moment:

* each held key waits in ``_held`` and is swallowed, so nothing reaches the focused field yet
  (its release too, if it comes while the press is held);
* a next key within ``max_key_gap_ms`` keeps the burst going;
* Enter right after at least ``min_length`` fast keys ends a scan: the burst is emitted as
  :attr:`ScannerWedge.scanned` and the Enter is swallowed too — the payload never lands as text;
* a pause (timer) or a slow key ends the burst: a long burst (``min_length_without_enter``)
  still counts as a scan (scanners configured without a suffix); anything shorter was a person,
  and the held keys are re-sent, in order, to the widget they were meant for.

A person's key therefore appears up to ``2 × max_key_gap_ms`` late (60 ms by default), which
nobody notices. Keys with Ctrl/Alt/Meta, editing keys and auto-repeat end any burst and pass
through untouched, after the held keys, so their order is kept.

Timing comes from the key event's own timestamp (when the key was pressed, not when the busy GUI
thread got round to it); tests inject ``key_time_ms`` to control it exactly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from storeassist.config import ScannerSettings

log = logging.getLogger("storeassist.scan")

_ENTER_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter})
#: Keys that carry text but edit rather than type; a person uses them, a scanner does not.
_EDITING_KEYS = frozenset(
    {Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Escape, Qt.Key.Key_Tab, Qt.Key.Key_Backtab}
)
_MODIFIER_KEYS = frozenset(
    {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr}
)


def event_time_ms(event: QKeyEvent) -> float:
    """When the key was pressed: the platform's timestamp, or now if the platform gives none."""
    stamp = event.timestamp()
    return float(stamp) if stamp else time.monotonic() * 1000.0


@dataclass(slots=True)
class _HeldKey:
    target: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    #: The key was let go while its press was held; the release is held too, so that a
    #: widget never sees a release before its press (a button would stay pressed).
    released: bool = False


class ScannerWedge(QObject):
    """Application-wide event filter that turns scanner bursts into :attr:`scanned` payloads."""

    scanned = Signal(str)

    def __init__(
        self,
        settings: ScannerSettings,
        *,
        key_time_ms: Callable[[QKeyEvent], float] = event_time_ms,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._key_time_ms = key_time_ms
        self._held: list[_HeldKey] = []
        self._last_key_ms: float | None = None
        #: When the last scan's Enter came, to recognise a CR+LF scanner's second Enter.
        self._scan_ended_ms: float | None = None
        self._replaying = False
        self._enabled = True
        # The timer only says "the burst is over"; gaps are judged from key timestamps. It is
        # twice the gap so a GUI thread that is briefly busy does not cut a burst in two.
        self._quiet_timer = QTimer(self)
        self._quiet_timer.setSingleShot(True)
        self._quiet_timer.setInterval(settings.max_key_gap_ms * 2)
        self._quiet_timer.timeout.connect(self._end_burst)

    # -- public -----------------------------------------------------------------------------

    def install(self, app: QCoreApplication) -> None:
        app.installEventFilter(self)

    def uninstall(self, app: QCoreApplication) -> None:
        self._end_burst()
        app.removeEventFilter(self)

    def set_enabled(self, enabled: bool) -> None:
        """Off: every key goes straight through (held keys are released first)."""
        if not enabled:
            self._end_burst()
        self._enabled = enabled

    @property
    def holding(self) -> int:
        """How many key presses are held back right now (for tests and diagnostics)."""
        return len(self._held)

    # -- the filter -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) or self._replaying or not self._enabled:
            return False
        # A real key press first reaches the QWindow, which forwards it to the focus widget;
        # deciding only at widget level sees each press once (and also sees QTest's presses,
        # which go straight to a widget).
        if not isinstance(watched, QWidget):
            return False
        assert isinstance(event, QKeyEvent)
        if kind == QEvent.Type.KeyRelease:
            return self._on_key_release(event)
        return self._on_key_press(watched, event)

    def _on_key_release(self, event: QKeyEvent) -> bool:
        # Newest first: the release almost always belongs to the key just pressed.
        for held in reversed(self._held):
            if held.key == event.key() and not held.released:
                held.released = True
                return True
        return False

    def _on_key_press(self, target: QWidget, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        if key in _MODIFIER_KEYS:
            return False  # Shift before a capital letter: neither part of the text nor a pause
        now = self._key_time_ms(event)
        fast = self._last_key_ms is not None and now - self._last_key_ms <= self._settings.max_key_gap_ms

        if key in _ENTER_KEYS and not event.isAutoRepeat():
            if fast and len(self._held) >= self._settings.min_length and self._held_is_scan_text():
                payload = "".join(k.text for k in self._held)
                self._forget_burst()
                self._scan_ended_ms = now
                log.debug("scanner burst of %d characters", len(payload))
                self.scanned.emit(payload)
                event.accept()
                return True
            if not self._held and self._scan_ended_ms is not None:
                # Scanners set to send CR+LF type a second Enter right after the scan; it belongs
                # to the scan and must not submit whatever field has focus.
                follows_scan = now - self._scan_ended_ms <= self._settings.max_key_gap_ms
                self._scan_ended_ms = None
                if follows_scan:
                    event.accept()
                    return True
            self._end_burst()
            return False
        self._scan_ended_ms = None

        if not self._is_burst_character(key, event):
            self._end_burst()
            return False

        if self._held and not fast:
            self._end_burst()  # a pause before this key: what came before stands on its own
        self._held.append(_HeldKey(target, key, event.modifiers(), event.text()))
        self._last_key_ms = now
        self._quiet_timer.start()
        event.accept()
        return True

    @staticmethod
    def _is_burst_character(key: Qt.Key, event: QKeyEvent) -> bool:
        if event.isAutoRepeat() or not event.text() or key in _EDITING_KEYS or key in _ENTER_KEYS:
            return False
        mods = event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        meta = bool(mods & Qt.KeyboardModifier.MetaModifier)
        # Ctrl+Alt together is AltGr on some platforms and does type text (e.g. "@").
        return not meta and ctrl == alt

    def _held_is_scan_text(self) -> bool:
        return all(k.text for k in self._held)

    # -- ending a burst ---------------------------------------------------------------------

    def _forget_burst(self) -> None:
        self._quiet_timer.stop()
        self._held = []
        self._last_key_ms = None

    def _end_burst(self) -> None:
        """No more keys are coming for the held ones: a long burst is a scan, a short one typing."""
        held = self._held
        self._forget_burst()
        if not held:
            return
        if len(held) >= self._settings.min_length_without_enter:
            payload = "".join(k.text for k in held)
            log.debug("scanner burst of %d characters without Enter", len(payload))
            self.scanned.emit(payload)
            return
        self._release(held)

    def _release(self, held: list[_HeldKey]) -> None:
        """Hand a person's keys to the widgets they were typed into, in the order typed."""
        self._replaying = True
        try:
            for k in held:
                if not shiboken6.isValid(k.target):
                    continue  # the field closed in the meantime; the key has nowhere to go
                QCoreApplication.sendEvent(
                    k.target, QKeyEvent(QEvent.Type.KeyPress, k.key, k.modifiers, k.text)
                )
                if k.released:
                    QCoreApplication.sendEvent(
                        k.target, QKeyEvent(QEvent.Type.KeyRelease, k.key, k.modifiers, k.text)
                    )
        finally:
            self._replaying = False
