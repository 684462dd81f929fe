"""Suggestions for the customer in front of the associate: from the hub, kept for offline use.

The hub ranks them (co-purchase, co-view, recency, the customer's own carts and views) and keeps
only what is in stock here or nearby; each carries its reason as a code with values, which the
screen words (``ui.hub_words.recommendation_reason``). The last list fetched for
a customer is kept beside their profile, with the same expiry, and served when the hub is away.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol

from storeassist.client import HubError
from storeassist.contract import RecommendationList
from storeassist.local import LocalStoreError

log = logging.getLogger("storeassist.services")

DEFAULT_LIMIT = 6


class RecommendationSource(Protocol):
    async def recommendations(
        self, customer_id: int, store_id: int, limit: int = ...
    ) -> RecommendationList: ...


class RecommendationCache(Protocol):
    def store_recommendations(self, suggestions: RecommendationList, *, now: datetime) -> None: ...

    def recommendations(self, customer_id: int, *, now: datetime) -> RecommendationList | None: ...


@dataclass(frozen=True, slots=True)
class Suggestions:
    items: RecommendationList | None
    source: Literal["online", "cache", "none"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class RecommendProducts:
    def __init__(
        self,
        client: RecommendationSource,
        cache: RecommendationCache,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._client = client
        self._cache = cache
        self._clock = clock

    async def for_customer(self, customer_id: int, store_id: int, limit: int = DEFAULT_LIMIT) -> Suggestions:
        """Online if possible, else the kept list, else none (never an error: suggestions are extra)."""
        now = self._clock()
        try:
            fresh = await self._client.recommendations(customer_id, store_id, limit)
        except HubError as exc:
            log.info("suggestions not fetched (%s); using the kept list if any", type(exc).__name__)
            try:
                kept = self._cache.recommendations(customer_id, now=now)
            except LocalStoreError as local:
                log.warning("kept suggestions could not be read: %s", type(local).__name__)
                kept = None
            return Suggestions(kept, "cache" if kept is not None else "none")
        try:
            self._cache.store_recommendations(fresh, now=now)
        except LocalStoreError as exc:
            log.warning("could not keep suggestions for offline use: %s", exc)
        return Suggestions(fresh, "online")
