"""Why a product is suggested, worded on the tablet from the hub's reason code (style.md §15).

The hub sends ``reason_code`` and ``reason_params``; ``hub_words.recommendation_reason`` makes the
sentence with literal ``HubWords.tr`` strings, counts as Qt plurals, and a general sentence for a
code it does not know or whose values are missing. With no catalogue loaded the source strings
show (``%n time(s)``); the English catalogue fills in the plural forms.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest
from PySide6.QtWidgets import QApplication

from storeassist.contract import Product, Recommendation, RecommendationReason
from storeassist.ui import hub_words
from storeassist.ui.hub_words import recommendation_reason
from storeassist.ui.resources import install_translations, translations_dir

pytestmark = pytest.mark.gui

GENERAL = "Suggested for this customer"


def _suggestion(code: str, **params: str | int) -> Recommendation:
    product = Product(
        sku="SKU-BEANIE",
        gtin="4006381333931",
        style="BEANIE",
        name="Merino beanie",
        brand="Harbor",
        category="Accessories",
        price_cents=2_900,
    )
    # model_construct: a code this build's contract does not list, as a newer hub might send.
    return Recommendation.model_construct(
        product=product, score=0.5, reason_code=code, reason_params=params, availability="here"
    )


WORDED = [
    (
        ("goes_with_order", {"number": "S10000003", "product": "Trail shoes"}),
        "Goes with the Trail shoes from their order #S10000003",
    ),
    (("goes_with_order", {"number": "S10000003"}), "Goes with their order #S10000003"),
    (("goes_with_order", {"product": "Trail shoes"}), "Goes with the Trail shoes they bought"),
    (("goes_with_order", {}), "Goes with something they bought"),
    (("bought_with_viewed", {"product": "Rain shell"}), "Often bought with the Rain shell they viewed"),
    (("bought_with_viewed", {}), "Often bought with something they viewed"),
    (
        ("bought_with_carted", {"product": "Rain shell"}),
        "Often bought with the Rain shell they put in their cart",
    ),
    (("bought_with_carted", {}), "Often bought with something they put in their cart"),
    (("left_in_cart", {"days": 0}), "In their online cart today"),
    (("left_in_cart", {"days": 3}), "In their online cart 3 day(s) ago"),
    (("left_in_cart", {"days": 95}), "In their online cart 3 month(s) ago"),
    (("viewed_online", {"views": 2, "days": 1}), "Viewed online 2 time(s) this week"),
    (("viewed_online", {"views": 4, "days": 12}), "Viewed online 4 time(s) this month"),
    (("viewed_online", {"views": 5, "days": 70}), "Viewed online 5 time(s), most recently 2 month(s) ago"),
    (
        ("category_best_seller", {"category": "Accessories"}),
        "A best seller in Accessories, a category they shop",
    ),
    (
        ("related_category_best_seller", {"category": "Socks"}),
        "A best seller in Socks, which goes with what they shop",
    ),
    (("popular_now", {}), "Popular right now"),
]


@pytest.mark.parametrize(("given", "expected"), WORDED, ids=[f"{g[0]}-{len(g[1])}" for g, _ in WORDED])
def test_each_reason_is_worded_from_its_code_and_values(
    given: tuple[str, dict[str, str | int]], expected: str
) -> None:
    code, params = given
    assert recommendation_reason(_suggestion(code, **params)) == expected


def test_every_reason_the_contract_lists_has_its_sentence() -> None:
    assert set(get_args(RecommendationReason)) == set(hub_words._REASON_SENTENCES)
    assert set(get_args(RecommendationReason)) == {code for (code, _), _ in WORDED}


def test_an_unknown_reason_or_missing_values_get_a_general_sentence() -> None:
    assert recommendation_reason(_suggestion("bought_in_store_nearby", store="Aarhus")) == GENERAL
    assert recommendation_reason(_suggestion("left_in_cart")) == GENERAL
    assert recommendation_reason(_suggestion("viewed_online", views="2", days=1)) == GENERAL
    assert recommendation_reason(_suggestion("category_best_seller")) == GENERAL


def test_the_english_catalogue_says_the_counts_in_words(qapp: QApplication, tmp_path: Path) -> None:
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    english = translations_dir() / "storeassist_en.ts"
    subprocess.run(
        [str(lrelease), "-silent", str(english), "-qm", str(tmp_path / "storeassist_en.qm")], check=True
    )
    translator = install_translations(qapp, "en_US", tmp_path)
    assert translator is not None
    try:
        words = {
            recommendation_reason(_suggestion("viewed_online", views=1, days=2)),
            recommendation_reason(_suggestion("viewed_online", views=2, days=2)),
            recommendation_reason(_suggestion("viewed_online", views=1, days=40)),
            recommendation_reason(_suggestion("viewed_online", views=3, days=70)),
            recommendation_reason(_suggestion("left_in_cart", days=1)),
            recommendation_reason(_suggestion("left_in_cart", days=3)),
            recommendation_reason(_suggestion("left_in_cart", days=40)),
        }
    finally:
        qapp.removeTranslator(translator)
    assert words == {
        "Viewed online once this week",
        "Viewed online 2 times this week",
        "Viewed online once, 1 month ago",
        "Viewed online 3 times, most recently 2 months ago",
        "In their online cart 1 day ago",
        "In their online cart 3 days ago",
        "In their online cart 1 month ago",
    }


def test_every_reason_a_counter_return_records_is_worded_on_the_timeline() -> None:
    from storeassist.domain.returns import RETURN_REASONS
    from storeassist.ui.hub_words import return_reason_label

    assert all("_" not in return_reason_label(reason) for reason in RETURN_REASONS)
    assert [return_reason_label(r) for r in ("defective", "other")] == ["faulty", "another reason"]
