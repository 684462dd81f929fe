"""How fast one staff session may read customers: bulk reading is limited and visible.

An associate serves one customer at a time: a scan, a search as they type, a look at a profile.
Someone exporting the chain's customers through a tablet reads hundreds a minute. Each staff
member gets a token bucket per kind of read (profiles, searches), kept across their sessions so
that signing in again does not refill it: a burst the size of the bucket
passes, and after that reads are let through at the refill rate; the rest are answered 429 with
the seconds to wait. The first refusal of a person in each :data:`ALERT_EVERY_S` writes a
``privacy.burst`` row on the audit trail, so a manager can see who tried.

Buckets live in this hub process, like the sign-in limiter: several processes behind a proxy each
count on their own, which still bounds a session to a small multiple of the rate.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from storeassist.hub.services.errors import HubError

ReadKind = Literal["profile", "search"]

#: Alert rows for one session are written at most this often.
ALERT_EVERY_S = 300.0
#: Buckets not used for this long are forgotten (their sessions have ended by then).
FORGET_AFTER_S = 3600.0


@dataclass(frozen=True, slots=True)
class ReadBudget:
    """``burst`` reads at once, then ``per_minute`` reads a minute."""

    burst: int
    per_minute: float


#: A counter's busiest real use is well inside these; an export is not.
DEFAULT_BUDGETS: dict[ReadKind, ReadBudget] = {
    "profile": ReadBudget(burst=30, per_minute=30),
    "search": ReadBudget(burst=60, per_minute=60),
}


class TooManyReads(HubError):
    status = 429
    code = "too_many_reads"
    title = "Too many requests"

    def __init__(self, seconds_left: int) -> None:
        unit = "second" if seconds_left == 1 else "seconds"
        super().__init__(
            f"That is more customer look-ups than the counter needs. "
            f"Wait {seconds_left} {unit}, then try again."
        )
        self.seconds_left = seconds_left


class ReadLimiter:
    """Token buckets per (session, kind of read). Thread-safe; :meth:`take` raises when empty."""

    def __init__(
        self,
        budgets: dict[ReadKind, ReadBudget] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._budgets = dict(DEFAULT_BUDGETS if budgets is None else budgets)
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, ReadKind], tuple[float, float]] = {}  # (tokens, at)
        self._alerted: dict[str, float] = {}
        self._swept_at = clock()

    def take(self, session_key: str, kind: ReadKind) -> None:
        """Spend one read of ``kind`` for the session, or raise :class:`TooManyReads`."""
        budget = self._budgets[kind]
        rate_s = budget.per_minute / 60.0
        with self._lock:
            now = self._clock()
            self._sweep(now)
            tokens, at = self._buckets.get((session_key, kind), (float(budget.burst), now))
            tokens = min(float(budget.burst), tokens + (now - at) * rate_s)
            if tokens < 1.0:
                self._buckets[(session_key, kind)] = (tokens, now)
                wait = math.ceil((1.0 - tokens) / rate_s) if rate_s > 0 else int(FORGET_AFTER_S)
                raise TooManyReads(max(1, wait))
            self._buckets[(session_key, kind)] = (tokens - 1.0, now)

    def should_alert(self, session_key: str) -> bool:
        """Whether this refusal is the first of the session in the alert window (write the row)."""
        with self._lock:
            now = self._clock()
            last = self._alerted.get(session_key)
            if last is not None and now - last < ALERT_EVERY_S:
                return False
            self._alerted[session_key] = now
            return True

    def _sweep(self, now: float) -> None:
        if now - self._swept_at < FORGET_AFTER_S:
            return
        self._swept_at = now
        stale = [key for key, (_tokens, at) in self._buckets.items() if now - at > FORGET_AFTER_S]
        for key in stale:
            del self._buckets[key]
        for session_key in [k for k, at in self._alerted.items() if now - at > FORGET_AFTER_S]:
            del self._alerted[session_key]
