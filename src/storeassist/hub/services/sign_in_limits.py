"""How often one device may fail to sign staff in before the hub stops listening for a while.

A badge is short and a PIN is four to eight digits: guessing is cheap unless refusals cost time.
The app counts refusals too, but a tampered or restarted app forgets; the hub counts per device
(the device is known by its credential, so a thief cannot dodge the count by changing anything in
the request). Counts live in this hub process: several processes behind a proxy each count on
their own, which still bounds guessing to a few attempts a minute per process. A success does not
forgive earlier refusals: scanning one's own badge between guesses must not reset the count.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from storeassist.hub.services.errors import HubError

MAX_REFUSALS = 10
REFUSAL_WINDOW_S = 300.0
LOCKOUT_S = 300.0


class TooManySignInAttempts(HubError):
    status = 429
    code = "too_many_sign_in_attempts"
    title = "Too many requests"

    def __init__(self, seconds_left: int) -> None:
        minutes = max(1, math.ceil(seconds_left / 60))
        super().__init__(
            f"Too many refused sign-ins on this tablet. Try again in {minutes} minute(s), or ask a manager."
        )
        self.seconds_left = seconds_left


class SignInLimiter:
    """Refusals per device in a sliding window; past ``max_refusals`` the device is locked out."""

    def __init__(
        self,
        *,
        max_refusals: int = MAX_REFUSALS,
        window_s: float = REFUSAL_WINDOW_S,
        lockout_s: float = LOCKOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max = max(1, max_refusals)
        self._window_s = window_s
        self._lockout_s = lockout_s
        self._clock = clock
        self._lock = threading.Lock()
        self._refusals: dict[int, deque[float]] = {}
        self._locked_until: dict[int, float] = {}

    def check(self, device_id: int) -> None:
        """Raise :class:`TooManySignInAttempts` while ``device_id`` is locked out."""
        with self._lock:
            until = self._locked_until.get(device_id)
            now = self._clock()
            if until is None:
                return
            if now < until:
                raise TooManySignInAttempts(math.ceil(until - now))
            del self._locked_until[device_id]

    def refused(self, device_id: int) -> None:
        with self._lock:
            now = self._clock()
            recent = self._refusals.setdefault(device_id, deque())
            recent.append(now)
            while recent and recent[0] <= now - self._window_s:
                recent.popleft()
            if len(recent) >= self._max:
                self._locked_until[device_id] = now + self._lockout_s
                recent.clear()
