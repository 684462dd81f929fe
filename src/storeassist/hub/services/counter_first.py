"""The counter goes first: a device draining its outbox steps aside while a scan is being served.

One hub process has one GIL. A command batch applied on a pool thread and a scan served on the
event loop share it, and a scan used to take twice or more its idle time while a tablet drained
(each took turns of several milliseconds). A shopper waiting at the counter matters more than a
sync that nobody watches, so the batch checks between commands whether a scan is in flight and,
if so, sleeps until none is (or at most :data:`MAX_STEP_ASIDE_S`, so a busy counter cannot stop
a sync for ever). Sleeping releases the GIL, so the scan runs as if the hub were idle.

Counts are per process, like the GIL they work around.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: The longest one step aside lasts; the batch then applies one command and may step aside again.
MAX_STEP_ASIDE_S = 0.05
_POLL_S = 0.0005


class CounterFirst:
    """Counts scans in flight; lets background writers wait while there are any."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._serving = 0

    @contextmanager
    def serving(self) -> Iterator[None]:
        """Wrap the work of a request someone at the counter is waiting for."""
        with self._lock:
            self._serving += 1
        try:
            yield
        finally:
            with self._lock:
                self._serving -= 1

    def step_aside(self) -> None:
        """Called by background work between two units: wait while the counter is being served."""
        deadline = time.monotonic() + MAX_STEP_ASIDE_S
        while self._serving and time.monotonic() < deadline:
            time.sleep(_POLL_S)
