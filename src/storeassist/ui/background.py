"""The one way the UI runs long work: a coroutine on the qasync loop, with busy state and callbacks.

Modelled on Anki's ``CollectionOp``/``QueryOp`` (style.md §4)::

    runner.run(service.identify_by_token(text, store_id),
               on_success=screen.show_customer, on_failure=screen.show_error)

The GUI thread never waits: the coroutine runs on the asyncio loop that qasync drives from Qt's
event loop, and the callbacks run on the GUI thread when it finishes. Blocking library calls go
through ``asyncio.to_thread`` inside the coroutine. While anything runs, :attr:`busy_changed`
says so, and screens show it. No bare threads, no ``processEvents()`` loops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

log = logging.getLogger("storeassist.ui")

T = TypeVar("T")


class OpRunner(QObject):
    """Runs coroutines for the UI and counts how many are still running."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Strong references: asyncio keeps only weak ones, and a collected task just vanishes.
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def run(
        self,
        work: Awaitable[T],
        *,
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
    ) -> asyncio.Task[T]:
        """Start ``work``; exactly one of the callbacks runs later, unless the op is cancelled."""
        was_busy = self.busy
        task: asyncio.Task[T] = asyncio.ensure_future(work)
        self._tasks.add(task)
        if not was_busy:
            self.busy_changed.emit(True)

        def finished(done: asyncio.Task[T]) -> None:
            self._tasks.discard(done)
            try:
                if done.cancelled():
                    return
                error = done.exception()
                if error is None:
                    on_success(done.result())
                else:
                    on_failure(error)
            except Exception:
                # A bug in a callback: log it; the screen stays usable.
                log.exception("op callback failed")
            finally:
                if not self._tasks:
                    self.busy_changed.emit(False)

        task.add_done_callback(finished)
        return task

    def cancel_all(self) -> None:
        """At shutdown: stop whatever is still running; no callbacks follow."""
        for task in list(self._tasks):
            task.cancel()
