"""Where a product can be had: here, at a store nearby, or nowhere close.

"Nearby" is another store within :data:`NEARBY_KM` of the asking store (great-circle distance,
``domain.geo``). Stock counts as available when ``on_hand - held > 0``.

Both steps sit on the profile's hot path. Distances are a pure function of the stores' positions,
so they are computed once per distinct set of positions (read fresh on every request, so a moved
or added store is seen at once). The stock query asks only about the asking store and the stores
near it: a product is stocked in tens of stores, and fetching every one of those rows to keep a
few cost more than the rest of the profile's queries together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import bindparam, select

from storeassist.domain.geo import distance_km
from storeassist.domain.stock import NEARBY_KM
from storeassist.hub.db import models as m
from storeassist.hub.services.wire import AnyRow, Queryable, fetch_prepared

Availability = Literal["here", "nearby", "out"]

#: Distinct (store positions, origin) pairs remembered: a chain has tens of stores, rarely moved.
_DISTANCE_MEMO = 256

_IN_STOCK = select(m.Inventory.product_id, m.Inventory.store_id).where(
    m.Inventory.product_id.in_(bindparam("product_ids", expanding=True)),
    m.Inventory.store_id.in_(bindparam("store_ids", expanding=True)),
    m.Inventory.on_hand - m.Inventory.held > 0,
)

#: Stores only: the warehouse is never "nearby" (it ships, it sells nothing).
_STORE_PLACES = (
    select(m.Store.id, m.Store.lat, m.Store.lon).where(m.Store.kind == "store").order_by(m.Store.id)
)

#: ``(id, lat, lon)`` of every store, hashable so it can key the memo.
StorePlaces = tuple[tuple[Any, ...], ...]


def distances_at(session: Queryable, store_id: int | None) -> dict[int, float]:
    """Distance of every store from ``store_id``, positions read now (as :func:`distances_from`)."""
    if store_id is None:
        return {}
    # Plain tuples, not rows: the memo compares keys on every hit, and rows compare slowly.
    places = tuple(map(tuple, fetch_prepared(session, _STORE_PLACES)))
    return dict(_distances(places, store_id))


def distances_from(stores: Sequence[AnyRow], store_id: int | None) -> dict[int, float]:
    """Distance of every store from ``store_id`` (empty when the store is unknown or not given)."""
    if store_id is None:
        return {}
    return dict(_distances(tuple((s.id, s.lat, s.lon) for s in stores), store_id))


@lru_cache(maxsize=_DISTANCE_MEMO)
def _distances(places: StorePlaces, store_id: int) -> dict[int, float]:
    """Shared between callers: :func:`distances_from` hands out copies."""
    origin = next((p for p in places if p[0] == store_id), None)
    if origin is None:
        return {}
    return {sid: distance_km(origin[1], origin[2], lat, lon) for sid, lat, lon in places}


def availability_of(
    session: Queryable, product_ids: Iterable[int], store_id: int | None, distances: dict[int, float]
) -> dict[int, Availability]:
    """Availability of each product for a customer standing in ``store_id``; one query."""
    ids = sorted(set(product_ids))
    answer: dict[int, Availability] = dict.fromkeys(ids, "out")
    if not ids or store_id is None:
        return answer
    nearby = {where for where, km in distances.items() if km <= NEARBY_KM}
    nearby.add(store_id)
    rows = fetch_prepared(session, _IN_STOCK, {"product_ids": ids, "store_ids": sorted(nearby)})
    for row in rows:
        if row.store_id == store_id:
            answer[row.product_id] = "here"
        elif answer[row.product_id] == "out":
            answer[row.product_id] = "nearby"
    return answer
