"""The associate app's Qt set-up for benchmarks that drive its real window: offscreen, themed, on
a qasync loop, with Qt's messages printed (bar the offscreen platform's note on size hints)."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMessageLogContext,
    QObject,
    Qt,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from bench._hub import hub_database
from storeassist.ui.resources import load_theme

T = TypeVar("T")


def _qt_message(_mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    # The offscreen platform has no window manager to pass size hints to, and says so on every
    # repaint; anything else Qt says is shown.
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def run_in_app(measure: Callable[[QApplication], Coroutine[Any, Any, T]]) -> T:
    """``measure(app)`` run to its end on a qasync loop over a themed offscreen QApplication."""
    import qasync

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    qInstallMessageHandler(_qt_message)
    app = QApplication([])
    app.setApplicationName("StoreAssist")
    load_theme(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        result: T = loop.run_until_complete(measure(app))
    return result


def run_with_hub_database(
    prefix: str, measure: Callable[[QApplication, Path, Path], Coroutine[Any, Any, T]]
) -> T:
    """``measure(app, hub database, work folder)`` in the app (:func:`run_in_app`), with the
    benchmarks' hub database (``bench._hub.hub_database``) and a temporary folder named ``prefix…``."""

    async def run(app: QApplication) -> T:
        with hub_database() as db_path, tempfile.TemporaryDirectory(prefix=prefix) as tmp:
            return await measure(app, db_path, Path(tmp))

    return run_in_app(run)


async def exposed(window: QWidget) -> None:
    """Wait (bounded) until the offscreen ``window`` can paint; set-up, not measured."""
    for _ in range(1000):
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            return
        await asyncio.sleep(0.005)
    raise RuntimeError("the window was never exposed; nothing could be painted")


# -- a scanner typing -----------------------------------------------------------------------------

#: A keyboard-wedge scanner's gap between two keys (the wedge tells a scanner from a person by it).
SCANNER_KEY_GAP_MS = 8.0


class ScannerClock:
    """The wedge's key timestamps: each key press ``SCANNER_KEY_GAP_MS`` after the one before."""

    def __init__(self) -> None:
        self.now_ms = 1_000_000.0

    def __call__(self, _event: QKeyEvent) -> float:
        self.now_ms += SCANNER_KEY_GAP_MS
        return self.now_ms


def type_code(target: QObject, code: str) -> None:
    """``code``'s characters as key presses and releases, without the closing Enter."""
    for char in code:
        _press_and_release(target, _key_for(char), char)


def press_enter(target: QObject) -> None:
    """The Enter a scanner ends a code with."""
    _press_and_release(target, int(Qt.Key.Key_Return), "\r")


def _key_for(char: str) -> int:
    if char.isascii() and (char.isalnum() or char in " .-_/"):
        return ord(char.upper())
    return int(Qt.Key.Key_unknown)


def _press_and_release(target: QObject, key: int, text: str) -> None:
    mods = Qt.KeyboardModifier.ShiftModifier if text.isupper() else Qt.KeyboardModifier.NoModifier
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        # Through QApplication.notify, so the wedge (an application event filter) sees each key.
        QCoreApplication.sendEvent(target, QKeyEvent(kind, key, mods, text))
