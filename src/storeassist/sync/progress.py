"""How far a snapshot of the change feed has come, and about how long it still needs.

The hub counts what a snapshot will send when it begins and says how much it has sent on every
page (``ChangeFeed.progress``); :class:`SnapshotWatch` adds the time left from the rate measured
on this tablet, and says when the snapshot is over. The sync engine emits its reports as
``SyncEngine.snapshot_progress`` for the status strip ("Loading the catalog: 42,000 of 812,000 ·
about 12 s left").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from storeassist.contract import ChangeFeed


@dataclass(frozen=True, slots=True)
class SnapshotProgress:
    """Items of a snapshot stored so far (``done``) of about ``total``; ``seconds_left`` once a
    rate is known; ``finished`` on the last report of a snapshot (then ``done == total``)."""

    done: int
    total: int
    seconds_left: float | None
    finished: bool


class SnapshotWatch:
    """Follows one snapshot across its pages (and across rounds, when one ends half-way)."""

    def __init__(self, monotonic: Callable[[], float]) -> None:
        self._monotonic = monotonic
        #: (when, items done then) the rate is measured from; None outside a snapshot.
        self._start: tuple[float, int] | None = None
        self._last: SnapshotProgress | None = None
        self._active = False

    def begin(self) -> None:
        """A snapshot is asked for (cursor ""): the rate counts from now."""
        self._active = True
        self._start = (self._monotonic(), 0)
        self._last = None

    def stored(self, feed: ChangeFeed, *, last_page: bool) -> SnapshotProgress | None:
        """The report after ``feed`` was stored, or None when no snapshot is under way."""
        progress = feed.progress
        if progress is None:
            return self._finish() if self._active else None
        now = self._monotonic()
        if not self._active or self._start is None:
            # A snapshot resumed by a later round: the rate counts from its first page stored here.
            self._active, self._start = True, (now, progress.done)
        total = max(progress.total, progress.done)
        started_at, done_then = self._start
        rate = (progress.done - done_then) / (now - started_at) if now > started_at else 0.0
        seconds_left = (total - progress.done) / rate if rate > 0 else None
        self._last = SnapshotProgress(progress.done, total, seconds_left, finished=False)
        return self._finish() if last_page else self._last

    def paused(self) -> SnapshotProgress | None:
        """The last report again without a time left, when a round ends half-way through a
        snapshot (the hub went away): the count stays true, a time left would not be."""
        if not self._active or self._last is None:
            return None
        self._start = None  # the next round measures its own rate
        return SnapshotProgress(self._last.done, self._last.total, None, finished=False)

    def _finish(self) -> SnapshotProgress:
        total = self._last.total if self._last is not None else 0
        self._active, self._start, self._last = False, None, None
        return SnapshotProgress(total, total, 0.0, finished=True)
