"""What the Stock feature asks of the device: the stock desk, finding a customer, how the store writes.

``storeassist.services.stock_desk.StockDesk`` as the screen uses it (style.md §1: a screen never
imports a service; it declares what it calls). What crosses over is the domain's
(:mod:`storeassist.domain.stock`); an endless-aisle line is the contract's ``AisleLine``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Literal, Protocol

from storeassist.contract import AisleLine, AssistRequests, CustomerPage, CustomerProfile, CustomerSummary
from storeassist.domain.stock import ActionReceipt, Companion, HoldBoard, HoldRow, ProductCard, SearchAnswer
from storeassist.ui.formatting import StorePlace

Fulfilment = Literal["ship", "bopis"]


class StockDeskLike(Protocol):
    """The stock counter's use cases, one call per action. Each raises ``SignInRequired`` with
    nobody signed in where it needs someone; a refusal on the tablet is ``StockActionInvalid``
    (``code`` and ``params``), an unknown barcode ``ProductNotFound``."""

    def search(self, text: str) -> SearchAnswer:
        """The cached catalog, best first (synchronous: results as you type, offline too)."""
        ...

    def card(self, sku_or_gtin: str, *, companions: bool = ...) -> ProductCard:
        """A product's card from the cache, at once; raises ``ProductNotFound``. Without
        ``companions`` the card has none, and :meth:`companions` gives them next."""
        ...

    def companions(self, card: ProductCard) -> tuple[Companion, ...]:
        """What to suggest beside the card's product, in stock here (from the cache)."""
        ...

    def refresh_card(self, card: ProductCard) -> Awaitable[ProductCard]:
        """The hub's fresher counts (a short deadline); offline, the same card."""
        ...

    def place_hold(self, customer_id: int, sku: str, qty: int, hours: int) -> Awaitable[ActionReceipt]:
        """Checked against what is available here, then queued and sent."""
        ...

    def holds(self) -> Awaitable[HoldBoard]:
        """This store's holds: the hub's (a short deadline), else the last kept, with this
        tablet's unconfirmed changes laid over."""
        ...

    def assist_requests(self) -> Awaitable[AssistRequests | None]:
        """What shoppers at the store's kiosks asked an associate to hold (the hub's, a short
        deadline); None when the back office cannot be asked."""
        ...

    def assist_request_done(self, request_id: int) -> Awaitable[None]:
        """A shopper's request was seen to (needs the back office)."""
        ...

    def release(self, hold: HoldRow) -> Awaitable[ActionReceipt]: ...

    def extend(self, hold: HoldRow, hours: int) -> Awaitable[ActionReceipt]: ...

    def put_back(self, hold: HoldRow) -> Awaitable[ActionReceipt]: ...

    def aisle_order(
        self,
        customer_id: int,
        lines: Sequence[AisleLine],
        source_store_id: int | None,
        fulfilment: Fulfilment,
    ) -> Awaitable[ActionReceipt]:
        """An order on the customer from another store (or the warehouse: None)."""
        ...


class ShownCustomerLike(Protocol):
    """A customer found by their loyalty code, as the picker reads it."""

    @property
    def profile(self) -> CustomerProfile: ...


class CustomerFinder(Protocol):
    """``storeassist.services.view_customer.ViewCustomer`` as the customer picker uses it."""

    def by_token(self, text: str) -> Awaitable[ShownCustomerLike]: ...

    async def search(self, text: str, page: int = 0) -> CustomerPage: ...

    def mask(self, summary: CustomerSummary) -> CustomerSummary: ...


class StockServices(StorePlace, Protocol):
    """What the Stock feature needs of the device (and how its store writes)."""

    @property
    def store_id(self) -> int: ...

    @property
    def store_name(self) -> str: ...

    @property
    def view_customer(self) -> CustomerFinder: ...

    @property
    def stock_desk(self) -> StockDeskLike | None: ...
