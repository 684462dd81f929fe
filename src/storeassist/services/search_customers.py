"""Find a customer by what the associate types: part of a phone number, an e-mail or a name.

The hub does the matching (prefix, paged 20 at a time); this use case cleans the text first and
says plainly why a search cannot run, so the screen never sends junk or shows a raw error.
Searching needs the hub: the device keeps only customers it has served, not the whole chain.
"""

from __future__ import annotations

import unicodedata
from typing import Protocol

from storeassist.client import HubConnectionError, HubError, HubServerError
from storeassist.contract import CustomerPage
from storeassist.words import QT_TRANSLATE_NOOP

MIN_CHARS = 3  # the hub refuses fewer (a search is for one customer, not a list)
MAX_CHARS = 80


class CustomerSearcher(Protocol):
    async def search_customers(self, q: str, page: int | None = None) -> CustomerPage: ...


class SearchNotPossible(HubError):
    """The search text cannot be searched as typed; ``user_message`` says what to type instead."""


class SearchNeedsHub(HubError):
    default_message = QT_TRANSLATE_NOOP(
        "messages",
        "Searching needs the back office, which cannot be reached right now. "
        "Scan the customer's loyalty code instead: customers served here before open from this tablet.",
    )


def clean_query(text: str) -> str:
    """The text as the hub should see it: no control or format characters, spaces folded."""
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    query = " ".join(kept.split())
    if len(query) < MIN_CHARS:
        raise SearchNotPossible(
            f"Type at least {MIN_CHARS} characters of a name, phone number or e-mail address."
        )
    if len(query) > MAX_CHARS:
        raise SearchNotPossible(
            QT_TRANSLATE_NOOP("messages", "That is too long for a name, phone number or e-mail address.")
        )
    return query


class SearchCustomers:
    """One search use case: clean, ask the hub, page."""

    def __init__(self, client: CustomerSearcher) -> None:
        self._client = client

    async def search(self, text: str, page: int = 0) -> CustomerPage:
        """Raise ``SearchNotPossible`` for unusable text, ``SearchNeedsHub`` when offline."""
        query = clean_query(text)
        try:
            return await self._client.search_customers(query, page or None)
        except (HubConnectionError, HubServerError) as exc:
            raise SearchNeedsHub() from exc
