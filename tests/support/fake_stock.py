"""A stock desk without a hub or cache, for the Stock screen's tests: a small catalog (a tee in three
sizes and two colours, and a cap to go with it), counts here, at two stores nearby (one count
old) and at the warehouse, and this store's holds in memory, with the desk's checks."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fake_devices import FAKE_NOW, HubConnectionError

from storeassist.contract import AisleLine, AssistRequest, AssistRequests, Product
from storeassist.domain.stock import (
    ActionReceipt,
    Companion,
    HoldBoard,
    HoldRow,
    ProductCard,
    ProductHit,
    ProductNotFound,
    SearchAnswer,
    StockActionInvalid,
    StockAt,
    VariantCell,
    VariantGrid,
    available,
    certainty,
    ordered_sizes,
)
from storeassist.services.view_customer import SignInRequired

#: Places: (store id, name, kind, distance km).
PLACES = ((1, "Test store", "store", 0.0), (2, "Harbour Street", "store", 2.4), (3, "Old Town", "store", 7.9))
WAREHOUSE = (90, "DC1", "warehouse", 120.0)


def _gtin(n: int) -> str:
    body = f"400000000{n:03d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def tee(size: str, colour: str, n: int) -> Product:
    return Product(
        sku=f"TEE-{colour[:3].upper()}-{size}",
        gtin=_gtin(n),
        style="TEE",
        name="Organic cotton tee",
        brand="Nordwear",
        category="tops",
        price_cents=2499,
        size=size,
        colour=colour,
        names={"ru": "Футболка из органического хлопка", "zh": "有机棉T恤"},
        attributes={"material": "organic cotton", "season": "all year"},
    )


def catalog() -> list[Product]:
    products = [
        tee(size, colour, n)
        for n, (size, colour) in enumerate((s, c) for c in ("Navy", "White") for s in ("S", "M", "L"))
    ]
    products.append(
        Product(
            sku="CAP-1",
            gtin=_gtin(50),
            style="CAP",
            name="Canvas cap",
            brand="Nordwear",
            category="accessories",
            price_cents=1500,
        )
    )
    return products


@dataclass
class FakeStockDesk:
    """``StockDesk`` as the screen uses it, in memory."""

    products: list[Product] = field(default_factory=catalog)
    #: (sku, store id) → (on hand, held, as of).
    counts: dict[tuple[str, int], tuple[int, int, datetime]] = field(default_factory=dict)
    holds_list: list[HoldRow] = field(default_factory=list)
    online: bool = True
    signed_in: bool = True
    catalog_filling: bool = False
    now: datetime = FAKE_NOW
    searches: list[str] = field(default_factory=list)
    orders: list[tuple[int, tuple[AisleLine, ...], int | None, str]] = field(default_factory=list)
    changes: list[tuple[str, str]] = field(default_factory=list)
    #: Shoppers' open requests from the kiosk (the hub's list; offline: not readable).
    assist_list: list[AssistRequest] = field(default_factory=list)
    assists_done: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.counts:
            return
        fresh, old = self.now - timedelta(hours=3), self.now - timedelta(days=4)
        for n, product in enumerate(self.products):
            self.counts[(product.sku, 1)] = (n % 4, 0, fresh)
            self.counts[(product.sku, 2)] = (5, 1, fresh)
            self.counts[(product.sku, 3)] = (2, 0, old)
            self.counts[(product.sku, 90)] = (40, 0, fresh)

    def _signed(self) -> None:
        if not self.signed_in:
            raise SignInRequired()

    def _product(self, code: str) -> Product:
        found = next((p for p in self.products if code in (p.sku, p.gtin)), None)
        if found is None:
            raise ProductNotFound(code)
        return found

    def _here(self, sku: str) -> int | None:
        count = self.counts.get((sku, 1))
        return None if count is None else available(count[0], count[1])

    def search(self, text: str) -> SearchAnswer:
        self.searches.append(text)
        words = text.casefold().split()
        corrected = None
        if words == ["tea"]:
            words, corrected = ["tee"], "tee"
        hits = [
            ProductHit(p, self._here(p.sku))
            for p in self.products
            if words
            and all(
                any(
                    w in field.casefold()
                    for field in (p.name, p.brand, p.sku, p.colour or "", *p.names.values())
                )
                for w in words
            )
        ]
        return SearchAnswer(text, tuple(hits), corrected if hits else None, self.catalog_filling)

    def _at(self, sku: str, place: tuple[int, str, str, float]) -> StockAt | None:
        count = self.counts.get((sku, place[0]))
        if count is None:
            return None
        on_hand, held, as_of = count
        return StockAt(
            place[0], place[1], place[2], place[3], on_hand, held, as_of, certainty(as_of, self.now)
        )  # type: ignore[arg-type]

    def card(self, sku_or_gtin: str, *, companions: bool = True) -> ProductCard:
        card = self._card(sku_or_gtin)
        return card if companions else dataclasses.replace(card, companions=())

    def companions(self, card: ProductCard) -> tuple[Companion, ...]:
        return self._card(card.product.sku).companions

    def _card(self, sku_or_gtin: str) -> ProductCard:
        product = self._product(sku_or_gtin)
        style = [p for p in self.products if p.style == product.style]
        cells = {
            (p.size, p.colour): VariantCell(p.sku, p.size, p.colour, self._here(p.sku), "fresh")
            for p in style
        }
        grid = VariantGrid(
            tuple(ordered_sizes(p.size for p in style)), tuple(dict.fromkeys(p.colour for p in style)), cells
        )
        nearby = tuple(at for place in PLACES[1:] if (at := self._at(product.sku, place)) is not None)
        companions = tuple(
            Companion(p, self._here(p.sku) or 0, "goes_with", {"category": p.category})
            for p in self.products
            if p.style != product.style and (self._here(p.sku) or 0) > 0
        )
        waiting = sum(
            h.qty
            for h in self.holds_list
            if h.sku == product.sku and h.waiting_to_sync and h.status == "active"
        )
        return ProductCard(
            product,
            "USD",
            grid,
            self._at(product.sku, PLACES[0]),
            nearby,
            self._at(product.sku, WAREHOUSE),
            companions,
            "cache",
            waiting,
        )

    async def refresh_card(self, card: ProductCard) -> ProductCard:
        if not self.online:
            return card
        return dataclasses.replace(self.card(card.product.sku), source="online")

    def _receipt(self, reference: str | None = None) -> ActionReceipt:
        return ActionReceipt("confirmed" if self.online else "waiting", reference)

    async def place_hold(self, customer_id: int, sku: str, qty: int, hours: int) -> ActionReceipt:
        self._signed()
        hold = self.hold_now(customer_id, sku, qty, hours)
        return ActionReceipt("confirmed" if self.online else "waiting", hold.id, expires_at=hold.expires_at)

    def hold_now(self, customer_id: int, sku: str, qty: int, hours: int) -> HoldRow:
        """Hold at once (the desk's checks), as placing one does."""
        on_hand, held, as_of = self.counts[(sku, 1)]
        if qty > available(on_hand, held):
            raise StockActionInvalid(
                "not_enough_stock", {"sku": sku, "available": available(on_hand, held), "requested": qty}
            )
        self.counts[(sku, 1)] = (on_hand, held + qty, as_of)
        product = self._product(sku)
        hold = HoldRow(
            f"hold-{len(self.holds_list) + 1}",
            sku,
            product.name,
            product.size,
            product.colour,
            customer_id,
            f"Customer {customer_id}",
            qty,
            self.now,
            self.now + timedelta(hours=hours),
            "active",
            waiting_to_sync=not self.online,
        )
        self.holds_list.append(hold)
        return hold

    async def holds(self) -> HoldBoard:
        self._signed()
        shown = sorted(self.holds_list, key=lambda h: (h.status != "active", h.expires_at))
        return HoldBoard(tuple(shown), self.now - timedelta(minutes=1), "online" if self.online else "cache")

    async def assist_requests(self) -> AssistRequests | None:
        self._signed()
        if not self.online:
            return None
        return AssistRequests(store_id=1, requests=list(self.assist_list), as_of=self.now)

    async def assist_request_done(self, request_id: int) -> None:
        self._signed()
        if not self.online:
            raise offline_error()
        self.assists_done.append(request_id)
        self.assist_list = [r for r in self.assist_list if r.id != request_id]

    def _change(self, hold: HoldRow, **update: object) -> None:
        changed = dataclasses.replace(hold, waiting_to_sync=not self.online, **update)  # type: ignore[arg-type]
        self.holds_list = [changed if h.id == hold.id else h for h in self.holds_list]

    async def release(self, hold: HoldRow) -> ActionReceipt:
        self._signed()
        if hold.status != "active":
            raise StockActionInvalid("hold_not_active", {"hold_id": hold.id, "status": hold.status})
        self.changes.append(("release", hold.id))
        self._change(hold, status="released", ended_at=self.now)
        return self._receipt(hold.id)

    async def extend(self, hold: HoldRow, hours: int) -> ActionReceipt:
        self._signed()
        self.changes.append(("extend", hold.id))
        self._change(hold, expires_at=self.now + timedelta(hours=hours))
        return self._receipt(hold.id)

    async def put_back(self, hold: HoldRow) -> ActionReceipt:
        self._signed()
        self.changes.append(("put_back", hold.id))
        self._change(hold, put_back_at=self.now)
        return self._receipt(hold.id)

    async def aisle_order(
        self, customer_id: int, lines: Sequence[AisleLine], source_store_id: int | None, fulfilment: str
    ) -> ActionReceipt:
        self._signed()
        if not self.online:
            self.orders.append((customer_id, tuple(lines), source_store_id, fulfilment))
            return ActionReceipt("waiting")
        if fulfilment == "ship" and customer_id == 13:
            return ActionReceipt("refused", code="no_address", params={"customer_id": customer_id})
        self.orders.append((customer_id, tuple(lines), source_store_id, fulfilment))
        return ActionReceipt("confirmed", f"S-{1000 + len(self.orders)}")


def offline_error() -> Exception:
    return HubConnectionError("offline")
