"""The card's places and companions: far stores are not "nearby", and no companion of the
opposite season."""

from __future__ import annotations

from datetime import UTC, datetime

from storeassist.contract import Product
from storeassist.domain.stock import StockAt
from storeassist.services.stock_cards import pick_companions, split_places

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _at(store_id: int, km: float, kind: str = "store") -> StockAt:
    return StockAt(
        store_id=store_id,
        store_name=f"Store {store_id}",
        kind="warehouse" if kind == "warehouse" else "store",
        distance_km=km,
        on_hand=5,
        held=0,
        as_of=NOW,
        certainty="fresh",
    )


def test_kept_stores_beyond_80_km_are_not_shown_as_nearby() -> None:
    here, nearby, warehouse = split_places(
        [_at(9, 7507.4), _at(1, 0.0), _at(3, 7.6), _at(2, 5.9), _at(51, 900.0, "warehouse")], own_store_id=1
    )
    assert here is not None and here.store_id == 1
    assert [place.store_id for place in nearby] == [2, 3]
    assert warehouse is not None and warehouse.store_id == 51  # the warehouse ships from anywhere


def _product(sku: str, category: str, season: str) -> Product:
    return Product(
        sku=sku,
        gtin="4000000000017",
        style=f"ST-{sku}",
        name=sku,
        brand="Orla",
        category=category,
        price_cents=1000,
        attributes={"season": season},
    )


def test_a_winter_jacket_is_offered_no_summer_sandals() -> None:
    jacket = _product("jacket", "Outerwear", "AW")
    sandals = _product("sandals", "Shoes", "SS")
    boots = _product("boots", "Shoes", "AW")
    scarf = _product("scarf", "Accessories", "core")
    stocked = {"sandals": 40, "boots": 3, "scarf": 7}
    chosen = pick_companions(jacket, [sandals, boots, scarf], [], stocked)
    assert {c.product.sku for c in chosen} == {"boots", "scarf"}
    assert all(c.reason_code == "goes_with" for c in chosen)
