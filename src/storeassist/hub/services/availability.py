"""Where a product can be had: here, at a store nearby, or nowhere close.

"Nearby" is another store within :data:`NEARBY_KM` of the asking store (great-circle distance,
``domain.geo``). Stock counts as available when ``on_hand - held > 0``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from storeassist.domain.geo import distance_km
from storeassist.hub.db import models as m
from storeassist.hub.services.wire import AnyRow

NEARBY_KM = 80.0
Availability = Literal["here", "nearby", "out"]


def distances_from(stores: Sequence[AnyRow], store_id: int | None) -> dict[int, float]:
    """Distance of every store from ``store_id`` (empty when the store is unknown or not given)."""
    origin = next((s for s in stores if s.id == store_id), None)
    if origin is None:
        return {}
    return {s.id: distance_km(origin.lat, origin.lon, s.lat, s.lon) for s in stores}


def availability_of(
    session: Session, product_ids: Iterable[int], store_id: int | None, distances: dict[int, float]
) -> dict[int, Availability]:
    """Availability of each product for a customer standing in ``store_id``; one query."""
    ids = sorted(set(product_ids))
    answer: dict[int, Availability] = dict.fromkeys(ids, "out")
    if not ids or store_id is None:
        return answer
    rows = session.execute(
        select(m.Inventory.product_id, m.Inventory.store_id).where(
            m.Inventory.product_id.in_(ids), m.Inventory.on_hand - m.Inventory.held > 0
        )
    )
    for product_id, where in rows:
        if where == store_id:
            answer[product_id] = "here"
        elif answer[product_id] == "out" and distances.get(where, NEARBY_KM + 1) <= NEARBY_KM:
            answer[product_id] = "nearby"
    return answer
