"""The ranking keeps each pick's strongest reason as a code with values, never a sentence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storeassist.hub.recommend.model import ItemModel
from storeassist.hub.recommend.ranking import HistoryItem, Reason, rank_products

NOW = datetime(2026, 11, 2, 9, 15, tzinfo=UTC)
BELT, BELT_BLACK, SUNGLASSES, SCARF, HAT, COAT, SOCKS = range(1, 8)


def _model() -> ItemModel:
    return ItemModel(
        neighbours={BELT: [(BELT_BLACK, 0.9), (SUNGLASSES, 0.8)], SCARF: [(HAT, 0.9)]},
        popularity={SOCKS: 10.0, COAT: 4.0, HAT: 1.0},
        category_of={BELT: "Accessories", BELT_BLACK: "Accessories", SUNGLASSES: "Accessories"},
        style_of={BELT: "BELT", BELT_BLACK: "BELT", SUNGLASSES: "SUN", SCARF: "SCARF", HAT: "HAT"},
        category_top={"Accessories": [SUNGLASSES]},
        global_top=[SOCKS],
    )


def _reasons(history: list[HistoryItem]) -> dict[int, Reason]:
    return {r.product_id: r.reason for r in rank_products(_model(), history, NOW, limit=10)}


def test_what_goes_with_an_order_names_the_order_and_the_item_it_goes_with() -> None:
    bought = HistoryItem(BELT, "purchase", NOW - timedelta(days=3), "S10000003", "Relaxed Belt")
    reasons = _reasons([bought])
    assert reasons[SUNGLASSES] == Reason(
        "goes_with_order", {"number": "S10000003", "product": "Relaxed Belt"}
    )
    # Another colour of the belt itself: "goes with the Relaxed Belt" would say nothing.
    assert reasons[BELT_BLACK] == Reason("goes_with_order", {"number": "S10000003"})
    assert reasons[SOCKS] == Reason("popular_now")
    assert BELT not in reasons, "what they bought is not suggested"


def test_views_and_carts_are_counted_and_dated_in_whole_days() -> None:
    history = [
        HistoryItem(COAT, "view", NOW - timedelta(days=2, hours=20)),
        HistoryItem(COAT, "view", NOW - timedelta(days=9)),
        HistoryItem(SCARF, "cart", NOW - timedelta(days=40), product_name="Wool scarf"),
    ]
    reasons = _reasons(history)
    assert reasons[COAT] == Reason("viewed_online", {"views": 2, "days": 2})
    assert reasons[SCARF] == Reason("left_in_cart", {"days": 40})
    assert reasons[HAT] == Reason("bought_with_carted", {"product": "Wool scarf"})


def test_no_reason_is_a_sentence() -> None:
    history = [
        HistoryItem(BELT, "purchase", NOW - timedelta(days=300), "W1", "Relaxed Belt"),
        HistoryItem(SCARF, "view", NOW - timedelta(days=1)),
    ]
    for reason in _reasons(history).values():
        assert reason.code.replace("_", "").isalpha() and reason.code.islower()
        assert all(name in {"number", "product", "views", "days", "category"} for name in reason.params)
