"""The stock desk's rules: units on sale, how sure a count is, sizes as a rack shows them, and an
ended hold's task for the floor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storeassist.contract import Product
from storeassist.domain.stock import (
    FRESH_FOR,
    NEARBY_KM,
    HoldBoard,
    HoldRow,
    ProductNotFound,
    StockActionInvalid,
    StockAt,
    available,
    certainty,
    is_nearby,
    ordered_sizes,
    seasons_clash,
    size_sort_key,
)

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_units_on_sale_are_on_hand_less_held_never_below_zero(on_hand: int, held: int) -> None:
    assert available(on_hand, held) == max(0, on_hand - held)
    assert available(on_hand, held) >= 0


def test_a_count_is_fact_for_72_hours_then_uncertain() -> None:
    assert timedelta(hours=72) == FRESH_FOR
    assert certainty(NOW - timedelta(hours=72), NOW) == "fresh"
    assert certainty(NOW - timedelta(hours=72, seconds=1), NOW) == "uncertain"
    assert certainty(NOW - timedelta(hours=2), NOW, timedelta(hours=1)) == "uncertain"
    assert certainty(NOW + timedelta(minutes=5), NOW) == "fresh"  # a clock slightly ahead


def test_a_places_count_says_what_is_on_sale() -> None:
    place = StockAt(1, "Here", "store", 0.0, on_hand=3, held=5, as_of=NOW, certainty="fresh")
    assert place.available == 0


@pytest.mark.parametrize(
    ("sizes", "shown"),
    [
        (["XL", "S", "M", "XS", "L"], ["XS", "S", "M", "L", "XL"]),
        (["42", "38", "40.5", "40", "8Y"], ["8Y", "38", "40", "40.5", "42"]),
        (["M", None, "One size", "32"], ["M", "32", "One size", None]),
        (["41", "41", "39"], ["39", "41"]),
    ],
)
def test_sizes_read_as_a_rack_shows_them(sizes: list[str | None], shown: list[str | None]) -> None:
    assert ordered_sizes(sizes) == shown


@given(st.lists(st.one_of(st.none(), st.text(max_size=8)), max_size=20))
def test_any_sizes_sort_without_error(sizes: list[str | None]) -> None:
    assert sorted(ordered_sizes(sizes), key=size_sort_key) == ordered_sizes(sizes)


def _hold(hold_id: str, status: str, put_back_at: datetime | None = None) -> HoldRow:
    return HoldRow(
        id=hold_id,
        sku="J-1",
        product_name="Jeans",
        size="32",
        colour="Blue",
        customer_id=1,
        customer_name="Mia",
        qty=1,
        placed_at=NOW,
        expires_at=NOW + timedelta(days=1),
        status=status,  # type: ignore[arg-type]
        put_back_at=put_back_at,
    )


def test_an_ended_hold_is_a_task_for_the_floor_until_put_back() -> None:
    board = HoldBoard(
        holds=(
            _hold("a", "active"),
            _hold("e", "expired"),
            _hold("r", "released"),
            _hold("p", "released", put_back_at=NOW),
            _hold("c", "collected"),
        ),
        as_of=NOW,
        source="online",
    )
    assert [h.id for h in board.active] == ["a"]
    assert [h.id for h in board.to_put_back] == ["e", "r"]


def test_refusals_carry_their_code_and_params() -> None:
    refused = StockActionInvalid("not_enough_stock", {"sku": "J-1", "available": 2, "requested": 3})
    assert refused.code == "not_enough_stock" and refused.params["available"] == 2
    assert StockActionInvalid("no_customer").params == {}
    missing = ProductNotFound("4006381333931")
    assert missing.code == "4006381333931" and "4006381333931" not in str(missing)


def test_the_same_size_in_two_spellings_sorts_the_same_way_every_time() -> None:
    assert ordered_sizes(["m", "M", "S"]) == ["S", "M", "m"]
    assert ordered_sizes(["M", "S", "m"]) == ["S", "M", "m"]


def test_another_store_is_nearby_within_80_km_only() -> None:
    assert is_nearby(0.0)
    assert is_nearby(NEARBY_KM)
    assert not is_nearby(NEARBY_KM + 0.1)
    assert not is_nearby(7507.4)  # a store of the chain abroad


def _product(sku: str, season: str | None) -> Product:
    return Product(
        sku=sku,
        gtin="4000000000017",
        style=sku,
        name=sku,
        brand="Orla",
        category="Shoes",
        price_cents=1000,
        attributes={"season": season} if season else {},
    )


@pytest.mark.parametrize(
    ("one", "other", "clash"),
    [
        ("AW", "SS", True),
        ("SS", "AW", True),
        ("AW", "AW", False),
        ("AW", "core", False),
        ("core", "SS", False),
        (None, "SS", False),
        ("AW", None, False),
    ],
)
def test_spring_summer_and_autumn_winter_clash_and_core_goes_with_both(
    one: str | None, other: str | None, clash: bool
) -> None:
    assert seasons_clash(_product("A", one), _product("B", other)) is clash
