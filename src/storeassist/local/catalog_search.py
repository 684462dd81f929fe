"""Searching the cached catalog as the associate types: SQLite FTS5, offline.

**What is indexed** (:func:`index_columns`): a product's name in every language it has, its SKU,
GTIN and style, its brand, category, colour, size and attribute values, in three columns
weighted for ranking (names before codes before the rest). FTS5's ``unicode61`` tokenizer folds
case (Latin and Cyrillic alike) and diacritics, but it keeps a run of Chinese characters as one
token, so a word in the middle of a name would never match: each run of CJK characters is written
out as its single characters and its overlapping pairs ("红色夹克" → "红 色 夹 克 红色 色夹 夹克"),
and the query is cut the same way, so a one- or two-character word finds the names holding it.

**What is asked** (:func:`match_expression`): every word of the query, each as a prefix (the
last one is still being typed, and "je" should find "jeans"), all of them required. Only the
query's letters and digits reach FTS5, each word quoted, so no input (quotes, ``NEAR(``, ``*``,
NUL, a page of text) is read as query syntax.

**A misspelt word**: when the query finds nothing, each word that finds nothing alone is replaced
by the nearest term of the index (rapidfuzz's edit-distance ratio over the catalog's words, read
once per change of the catalog), and the corrected query is asked instead and reported.

**Ranking**: a product whose SKU or GTIN is exactly the text comes first; then FTS5's bm25 with
the columns' weights, over at most the first 2,000 matches (a broad word, "wool" or "a", matches
a large part of a 100k catalog, and ranking every match would cost tens of milliseconds). One or
two letters look in the names first, so "s" lists names before every product of size S.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Connection

from storeassist.contract import Product
from storeassist.local.cache_schema import PRODUCT_SEARCH, PRODUCT_TERMS

#: The longest query read (anything longer is cut), and the most words asked for.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8
#: bm25 weights of the columns (names, codes, facets).
_WEIGHTS = (8.0, 4.0, 2.0)
#: A correction must be at least this similar (rapidfuzz ratio, 0–100).
_MIN_SIMILARITY = 70.0
#: Words shorter than this are not corrected (too many near neighbours to guess from).
_MIN_CORRECTABLE = 3
#: A one-word query this short (letters) looks in the names first.
_SHORT_QUERY = 2
#: The most matches ranked by bm25; a broader query ranks the first ones FTS5 finds.
_RANKED = 2000

_CJK = (
    "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
)
_CJK_RUN = re.compile(f"[{_CJK}]+")
#: A word of the query: letters and digits (``_`` is a separator, as for unicode61).
_WORD = re.compile(r"[^\W_]+")
_SPLIT_CJK = re.compile(f"([{_CJK}]+)")


@dataclass(frozen=True)
class CatalogMatches:
    """What a catalog search found, best first; iterates its products.

    ``corrected`` is the query as corrected when it found nothing as typed, else None."""

    products: list[Product] = field(default_factory=list)
    corrected: str | None = None

    def __iter__(self) -> Any:
        return iter(self.products)

    def __len__(self) -> int:
        return len(self.products)


def cjk_grams(run: str) -> list[str]:
    """A run of CJK characters as its characters, then its overlapping pairs."""
    return list(run) + [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(text: str) -> str:
    """``text`` as indexed: CJK runs written out as characters and pairs, the rest as it is."""
    if text.isascii():
        return text
    return _CJK_RUN.sub(lambda m: " " + " ".join(cjk_grams(m.group())) + " ", text)


def index_columns(product: Product) -> tuple[str, str, str]:
    """The (names, codes, facets) columns of a product's row in the search index."""
    names = " ".join([product.name, *product.names.values()])
    codes = f"{product.sku} {product.gtin} {product.style}"
    facets = " ".join(
        part
        for part in (
            product.brand,
            product.category,
            product.colour,
            product.size,
            *product.attributes.values(),
        )
        if part
    )
    return index_text(names), codes, index_text(facets)


def query_words(text: str) -> list[str]:
    """The words of a query, folded (NFKC, case), at most :data:`MAX_QUERY_WORDS`."""
    folded = unicodedata.normalize("NFKC", text[:MAX_QUERY_CHARS].replace("\x00", " ")).casefold()
    words: list[str] = []
    for word in _WORD.findall(folded):
        words.extend(part for part in _SPLIT_CJK.split(word) if part)
    return words[:MAX_QUERY_WORDS]


def _term(word: str) -> str:
    if _CJK_RUN.fullmatch(word):
        if len(word) == 1:
            return f'"{word}"'
        return " AND ".join(f'"{pair}"' for pair in cjk_grams(word)[len(word) :])
    return f'"{word}"*'


def match_expression(words: Sequence[str], *, column: str | None = None) -> str:
    """An FTS5 query requiring every word (each a prefix; CJK as pairs), optionally in one column.
    ``words`` come from :func:`query_words`: letters and digits only, safe inside quotes."""
    expression = " AND ".join(f"({_term(word)})" for word in words)
    return f"{{{column}}} : ({expression})" if column else expression


class Vocabulary:
    """The catalog's words (letters only, 3+ characters), read from the index when first needed
    after a change of the catalog (:meth:`forget`), for correcting a misspelt word."""

    def __init__(self) -> None:
        self._words: list[str] | None = None

    def forget(self) -> None:
        self._words = None

    @property
    def loaded(self) -> bool:
        """Whether the words are read (else the next correction reads them)."""
        return self._words is not None

    def words(self, connection: Connection) -> list[str]:
        if self._words is None:
            # Codes (any digit) are left out in SQL: they are most of the terms, and never misspelt words.
            rows = connection.exec_driver_sql(
                f"SELECT term FROM {PRODUCT_TERMS} WHERE length(term) >= ? AND term NOT GLOB '*[0-9]*'",
                (_MIN_CORRECTABLE,),
            )
            self._words = [
                term
                for (term,) in rows
                if len(term) >= _MIN_CORRECTABLE and term.isalpha() and not _CJK_RUN.search(term)
            ]
        return self._words

    def nearest(self, connection: Connection, word: str) -> str | None:
        """The indexed word most like ``word``, if one is close enough."""
        if len(word) < _MIN_CORRECTABLE or not word.isalpha() or _CJK_RUN.search(word):
            return None
        found = process.extractOne(
            word, self.words(connection), scorer=fuzz.ratio, score_cutoff=_MIN_SIMILARITY
        )
        return None if found is None else str(found[0])


def search_catalog(
    connection: Connection, text: str, limit: int, vocabulary: Vocabulary
) -> tuple[list[tuple[str, str]], str | None]:
    """(sku, product JSON) rows best first, and the corrected query if one was needed."""
    words = query_words(text)
    if not words or limit <= 0:
        return [], None
    exact = _exact_code(connection, text.strip()[:MAX_QUERY_CHARS].replace("\x00", ""))
    rows = _matches(connection, words, limit)
    corrected: str | None = None
    if not rows and not exact:
        fixed = _corrected(connection, words, vocabulary)
        if fixed != words:
            rows = _matches(connection, fixed, limit)
            corrected = " ".join(fixed) if rows else None
    found = exact + [row for row in rows if not exact or row[0] != exact[0][0]]
    return found[:limit], corrected


def _exact_code(connection: Connection, code: str) -> list[tuple[str, str]]:
    if not code:
        return []
    row = connection.exec_driver_sql(
        "SELECT sku, data FROM products WHERE sku = ? OR gtin = ? LIMIT 1", (code, code)
    ).first()
    return [] if row is None else [(row[0], row[1])]


def _matches(connection: Connection, words: Sequence[str], limit: int) -> list[tuple[str, str]]:
    weights = ", ".join(str(w) for w in _WEIGHTS)
    # Ranked among the first _RANKED matches only: bm25 over every match of a broad word ("wool"
    # in a quarter of the catalog) would cost tens of milliseconds, and its order there says little.
    sql = (
        f"SELECT p.sku, p.data FROM (SELECT rowid AS id, bm25({PRODUCT_SEARCH}, {weights}) AS score "
        f"FROM {PRODUCT_SEARCH} WHERE {PRODUCT_SEARCH} MATCH ? LIMIT {_RANKED}) AS m "
        "JOIN products AS p ON p.rowid = m.id ORDER BY m.score LIMIT ?"
    )
    if len(words) == 1 and len(words[0]) <= _SHORT_QUERY and words[0].isalpha():
        # The first letters typed: products whose name has a word starting so, before a size "S".
        rows = connection.exec_driver_sql(sql, (match_expression(words, column="names"), limit)).fetchall()
        if rows:
            return [(r[0], r[1]) for r in rows]
    return [(r[0], r[1]) for r in connection.exec_driver_sql(sql, (match_expression(words), limit))]


def _finds_something(connection: Connection, word: str) -> bool:
    sql = f"SELECT 1 FROM {PRODUCT_SEARCH} WHERE {PRODUCT_SEARCH} MATCH ? LIMIT 1"
    return connection.exec_driver_sql(sql, (match_expression([word]),)).first() is not None


def _corrected(connection: Connection, words: Sequence[str], vocabulary: Vocabulary) -> list[str]:
    fixed: list[str] = []
    for word in words:
        replacement = None if _finds_something(connection, word) else vocabulary.nearest(connection, word)
        fixed.append(replacement or word)
    return fixed


#: How the cache asks for a search (for its callers' type hints).
SearchFunction = Callable[[str, int], CatalogMatches]
