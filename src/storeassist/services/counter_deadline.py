"""How long someone at the counter waits for the hub before the tablet answers on its own.

The client's own timeouts and retries run to 10 s and more: too long for a person waiting at
the counter. A look-up (a customer, the pickup queue, an order) gets :data:`COUNTER_DEADLINE_S`;
then it raises :class:`~storeassist.client.HubTimeout`, the caller answers from the device's
copy, and the status strip is told at once that the hub went quiet.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from storeassist.client import HubTimeout

log = logging.getLogger("storeassist.services")
_T = TypeVar("_T")

#: Seconds a look-up at the counter waits for the hub.
COUNTER_DEADLINE_S = 3.0


class CounterDeadline:
    """Awaits a hub call for at most ``seconds``; past it, calls ``hub_went_quiet`` and raises
    :class:`HubTimeout`. ``what`` names the call in the log (never its data)."""

    def __init__(self, seconds: float, hub_went_quiet: Callable[[], None], what: str) -> None:
        self.seconds = seconds
        self._hub_went_quiet = hub_went_quiet
        self._what = what

    async def __call__(self, call: Awaitable[_T]) -> _T:
        try:
            async with asyncio.timeout(self.seconds):
                return await call
        except TimeoutError:
            log.info("the hub did not answer %s within %.0f s", self._what, self.seconds)
            self._hub_went_quiet()
            raise HubTimeout() from None
