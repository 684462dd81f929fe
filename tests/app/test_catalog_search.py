"""Searching the cached catalog as the associate types, offline: by name in English, Russian and
Chinese, brand, SKU, GTIN and attributes, by the first letters typed, with a misspelling
corrected, and never failing on whatever is typed or pasted."""

from __future__ import annotations

import pytest

from storeassist.contract import ChangeFeed, Product
from storeassist.local.catalog_search import index_text, match_expression, query_words


def _product(sku: str, name: str, *, ru: str, zh: str, brand: str = "Acme", **extra: object) -> Product:
    return Product(
        sku=sku,
        gtin=extra.pop("gtin", f"40000000{sku[-5:]}"),  # type: ignore[arg-type]
        style=sku[:4],
        name=name,
        brand=brand,
        category=str(extra.pop("category", "outerwear")),
        price_cents=9999,
        size=extra.pop("size", "M"),  # type: ignore[arg-type]
        colour=extra.pop("colour", "navy"),  # type: ignore[arg-type]
        names={"ru": ru, "zh": zh},
        attributes={"material": str(extra.pop("material", "cotton")), "season": "winter"},
    )


CATALOG = [
    _product("JK-00001", "Quilted jacket", ru="Стёганая куртка", zh="绗缝夹克", material="down"),
    _product("JN-00002", "Slim jeans", ru="Узкие джинсы", zh="修身牛仔裤", category="denim", colour="blue"),
    _product("SW-00003", "Merino sweater", ru="Свитер из мериноса", zh="美利奴毛衣", brand="Nordwear"),
    _product("CT-00004", "Wool coat", ru="Шерстяное пальто", zh="羊毛大衣", material="wool"),
    _product("JK-00005", "Rain jacket", ru="Дождевик", zh="防水夹克", size="XL", colour="yellow"),
]


@pytest.fixture
def catalog(cache, now):
    cache.apply_feed(ChangeFeed(cursor="c1", has_more=False, products=CATALOG), requested_cursor="", now=now)
    return cache


def _skus(found) -> list[str]:
    return [p.sku for p in found]


def test_latin_names_are_found_by_whole_words_and_by_their_first_letters(catalog):
    assert set(_skus(catalog.search_products("jacket"))) == {"JK-00001", "JK-00005"}
    assert set(_skus(catalog.search_products("jac"))) == {"JK-00001", "JK-00005"}
    assert _skus(catalog.search_products("quilted JACKET")) == ["JK-00001"]
    assert _skus(catalog.search_products("je")) == ["JN-00002"]
    assert "SW-00003" in _skus(catalog.search_products("m"))  # Merino, before any size M


def test_cyrillic_names_match_in_any_case(catalog):
    assert _skus(catalog.search_products("куртка")) == ["JK-00001"]
    assert _skus(catalog.search_products("КУРТ")) == ["JK-00001"]
    assert _skus(catalog.search_products("стеганая")) == ["JK-00001"]  # ё typed as е
    assert _skus(catalog.search_products("узкие дж")) == ["JN-00002"]


def test_chinese_names_match_a_word_inside_them(catalog):
    assert set(_skus(catalog.search_products("夹克"))) == {"JK-00001", "JK-00005"}
    assert _skus(catalog.search_products("牛仔裤")) == ["JN-00002"]
    assert _skus(catalog.search_products("毛衣")) == ["SW-00003"]
    assert set(_skus(catalog.search_products("毛"))) == {"SW-00003", "CT-00004"}  # one character: 毛衣, 羊毛
    assert catalog.search_products("夹克").corrected is None


def test_brand_attributes_sku_and_gtin_are_searched_and_an_exact_code_comes_first(catalog):
    assert _skus(catalog.search_products("nordwear")) == ["SW-00003"]
    assert _skus(catalog.search_products("down")) == ["JK-00001"]
    assert _skus(catalog.search_products("yellow xl")) == ["JK-00005"]
    assert _skus(catalog.search_products("JN-00002"))[0] == "JN-00002"
    assert _skus(catalog.search_products(CATALOG[3].gtin))[0] == "CT-00004"


def test_a_misspelt_word_is_corrected_to_the_nearest_word_of_the_catalog(catalog):
    found = catalog.search_products("jaket")
    assert set(_skus(found)) == {"JK-00001", "JK-00005"}
    assert found.corrected == "jacket"

    found = catalog.search_products("merino sweter")
    assert _skus(found) == ["SW-00003"] and found.corrected == "merino sweater"

    nothing = catalog.search_products("xqzvw")
    assert list(nothing) == [] and nothing.corrected is None


def test_what_a_snapshot_or_a_delta_changes_is_what_is_found(catalog, now):
    renamed = CATALOG[0].model_copy(update={"name": "Puffer jacket"})
    catalog.apply_feed(
        ChangeFeed(cursor="d1", has_more=False, products=[renamed]), requested_cursor="c1", now=now
    )
    assert _skus(catalog.search_products("puffer")) == ["JK-00001"]
    assert _skus(catalog.search_products("quilted")) == []
    assert catalog.search_products("pufer").corrected == "puffer"  # the vocabulary was read again

    catalog.apply_feed(
        ChangeFeed(cursor="s2", has_more=False, products=[CATALOG[1]]), requested_cursor="", now=now
    )
    assert _skus(catalog.search_products("jacket")) == []
    assert _skus(catalog.search_products("jeans")) == ["JN-00002"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        '"',
        '"jacket',
        "jacket\"'",
        "NEAR(jacket coat)",
        "jacket NOT coat OR *",
        "*",
        "^jacket",
        "names: jacket",
        "{names}:jacket",
        "a\x00b",
        "\x00",
        "jacket" * 2000,
        " ".join(["jacket"] * 500),
        "-_-",
        "🧥",
        "AND",
        "(",
    ],
)
def test_whatever_is_typed_or_pasted_never_raises(catalog, text):
    found = catalog.search_products(text)
    assert len(found) <= 50


def test_an_empty_or_unreadable_catalog_finds_nothing(cache):
    assert list(cache.search_products("jacket")) == []
    assert cache.catalog_count() == 0


def test_cjk_runs_are_indexed_as_characters_and_pairs_and_queries_are_folded():
    assert index_text("Down 羽绒服 coat") == "Down  羽 绒 服 羽绒 绒服  coat"
    assert query_words('  Куртка "NEAR(夹克x*  ') == ["куртка", "near", "夹克", "x"]
    assert match_expression(["夹克", "je"]) == '("夹克") AND ("je"*)'
    assert match_expression(["羽绒服"]) == '("羽绒" AND "绒服")'


def test_the_words_for_corrections_are_read_on_the_feed_s_worker_when_a_snapshot_ends(cache, now):
    """A snapshot's last page (the log) changes no product, but the words must be read then, off
    the GUI thread, not by the first misspelling typed (~250 ms at 100k products)."""
    cache.apply_feed(ChangeFeed(cursor="p1", has_more=True, products=CATALOG), requested_cursor="", now=now)
    cache.apply_feed(ChangeFeed(cursor="p2", has_more=False), requested_cursor="p1", now=now)
    assert cache._vocabulary.loaded  # read by apply_feed, on the caller's (the sync worker's) thread
    assert cache.search_products("jakcet").corrected == "jacket"
