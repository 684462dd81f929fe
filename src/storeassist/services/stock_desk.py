"""The stock desk: find a product, show its card (stock here, nearby, at the warehouse, each with
its age), hold units for a customer, look after the store's holds, and order from elsewhere (the
endless aisle) — one method per action of the Stock screen.

**Offline first.** Search and the card come from this tablet's cache at once; ``refresh_card``
asks the hub for fresher counts within the counter's 3 s and keeps them. ``holds`` is the hub's
list within 3 s (kept for offline use), else the list last kept.

**Actions** (place, release, extend, put back, order) are checked here first against what the
tablet knows — a refusal is a :class:`~storeassist.domain.stock.StockActionInvalid` and nothing
is written — then go to the outbox (durable), are pushed at once, and wait up to 3 s for the hub:
the :class:`~storeassist.domain.stock.ActionReceipt` is confirmed, waiting (offline: it goes when
the hub answers), or refused / in conflict with the hub's code (``not_enough_stock`` with the
units ``available``), which also sits in "needs attention". What this tablet did and the hub has
not confirmed is laid over what it shows: holds placed here are already off sale on the card and
in the grid, and the holds list shows each action as expected, marked ``waiting_to_sync``.

Holds and orders name a customer and need someone signed in
(:class:`~storeassist.services.view_customer.SignInRequired`); finding stock does not.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Literal, Protocol, TypeVar
from uuid import UUID

from pydantic import BaseModel, ValidationError

from storeassist.client import HubError
from storeassist.contract import (
    AisleLine,
    AisleOrderCommand,
    AisleOrderPayload,
    AssistRequests,
    Command,
    ExtendHoldCommand,
    ExtendHoldPayload,
    Hold,
    PlaceHoldCommand,
    PlaceHoldPayload,
    Product,
    PutBackHoldCommand,
    PutBackHoldPayload,
    ReleaseHoldCommand,
    ReleaseHoldPayload,
    StockAnswer,
    StockLevel,
    StoreHolds,
)
from storeassist.contract.payloads import MAX_HOLD_HOURS
from storeassist.domain.stock import (
    FRESH_FOR,
    ActionReceipt,
    Companion,
    HoldBoard,
    HoldRow,
    ProductCard,
    ProductNotFound,
    SearchAnswer,
    StockActionInvalid,
    available,
)
from storeassist.local import LocalStoreError, OutboxEntry
from storeassist.services.counter_deadline import COUNTER_DEADLINE_S, CounterDeadline
from storeassist.services.outbox_commands import ImmediatePush, SignedInStaff, StaffCommandIssuer, utc_now
from storeassist.services.stock_catalog import CatalogCache, CatalogLookups, quietly
from storeassist.services.stock_holds import (
    HOLD_COMMAND_TYPES,
    action_receipt,
    hold_row,
    lay_over,
    waiting_aisle_units,
    waiting_hold_units,
)

log = logging.getLogger("storeassist.stock")

#: Seconds an action waits for the hub's answer before its receipt says "waiting".
ACTION_WAIT_S = 3.0
#: Most units one hold or order line may have (``contract.PlaceHoldPayload.qty``).
MAX_UNITS = 20
Fulfilment = Literal["ship", "bopis"]


class StockHub(Protocol):
    """``storeassist.client.HubClient`` as the desk uses it."""

    async def stock(self, sku_or_gtin: str, store_id: int) -> StockAnswer: ...

    async def store_holds(self, store_id: int) -> StoreHolds: ...

    async def assist_requests(self, store_id: int) -> AssistRequests: ...

    async def assist_request_done(self, store_id: int, request_id: int) -> None: ...


class StockCache(CatalogCache, Protocol):
    """``storeassist.local.LocalCache`` as the desk uses it (each read: a miss is None or empty)."""

    def stock_here(self, sku: str) -> StockLevel | None: ...

    def put_stock_levels(self, sku: str, levels: Iterable[StockLevel]) -> None: ...

    def keep_store_holds(self, holds: StoreHolds) -> None: ...

    def store_holds(self) -> StoreHolds | None: ...


class StockOutbox(Protocol):
    """``storeassist.local.Outbox`` as the desk uses it."""

    def enqueue(self, command: Command) -> None: ...

    def get(self, command_id: UUID) -> OutboxEntry | None: ...

    def unacknowledged(self, *command_types: str) -> list[Command]: ...


class StockDesk(StaffCommandIssuer):
    """The Stock screen's use cases (the ``stock_desk`` service of ``DeviceServices``)."""

    def __init__(
        self,
        client: StockHub,
        cache: StockCache,
        outbox: StockOutbox,
        sync: ImmediatePush,
        store_id: int,
        staff: SignedInStaff,
        *,
        currency: str = "USD",
        fresh_for: timedelta = FRESH_FOR,
        catalog_filling: Callable[[], bool] = lambda: False,
        customer_name: Callable[[int], str | None] = lambda _customer_id: None,
        clock: Callable[[], datetime] = utc_now,
        counter_deadline_s: float = COUNTER_DEADLINE_S,
        action_wait_s: float = ACTION_WAIT_S,
        hub_went_quiet: Callable[[], None] = lambda: None,
    ) -> None:
        """``customer_name`` names a customer this tablet knows (for a hold placed offline);
        ``hub_went_quiet`` tells the status strip the hub missed the counter's deadline."""
        super().__init__(outbox, store_id, staff, clock=clock)
        self._client = client
        self._cache = cache
        self._box = outbox
        self._sync = sync
        self._catalog = CatalogLookups(
            cache, store_id, currency=currency, fresh_for=fresh_for, catalog_filling=catalog_filling
        )
        self._customer_name = customer_name
        self._at_the_counter = CounterDeadline(counter_deadline_s, hub_went_quiet, "the stock desk")
        self._action_wait_s = action_wait_s

    @property
    def store_id(self) -> int:
        return self._store_id

    @property
    def fresh_for(self) -> timedelta:
        """How old a count may be and still be stated as fact (``stock_fresh_hours``)."""
        return self._catalog.fresh_for

    # -- finding a product ------------------------------------------------------------------

    def search(self, text: str) -> SearchAnswer:
        """Products of the cached catalog matching ``text`` as typed (prefixes, any language,
        a misspelt word corrected), best first, with the units on sale here."""
        return self._catalog.search(text)

    def card(self, sku_or_gtin: str, *, companions: bool = True) -> ProductCard:
        """A product's card from this tablet alone, at once; :class:`ProductNotFound` if the
        catalog has no such SKU or barcode. Without ``companions`` (none on the card), the counts
        are painted first and :meth:`companions` is asked next."""
        code = sku_or_gtin.strip()
        product = self._catalog.product(code) if code else None
        if product is None:
            raise ProductNotFound(code)
        return self._catalog.card(product, self._waiting_holds(), self._clock(), companions=companions)

    def companions(self, card: ProductCard) -> tuple[Companion, ...]:
        """What to suggest beside the card's product, in stock here, each with why."""
        return self._catalog.companions(card.product, self._waiting_holds())

    async def refresh_card(self, card: ProductCard) -> ProductCard:
        """The card with the hub's counts (within the counter's 3 s), kept for later; offline or
        refused, the same card."""
        sku = card.product.sku
        try:
            answer = await self._at_the_counter(self._client.stock(sku, self._store_id))
        except HubError as exc:
            log.info("the card's stock stays as cached (%s)", type(exc).__name__)
            return card
        levels = [level for level in (answer.here, *answer.nearby, answer.warehouse) if level is not None]
        try:
            # Off the GUI thread: during the first fill the sync's page transaction may hold the file.
            await asyncio.to_thread(self._cache.put_stock_levels, sku, levels)
        except LocalStoreError as exc:
            log.warning("fresher counts could not be kept (%s)", type(exc).__name__)
        return self._catalog.card(answer.product, self._waiting_holds(), self._clock(), answer=answer)

    # -- holds ------------------------------------------------------------------------------

    async def place_hold(self, customer_id: int, sku: str, qty: int, hours: int = 48) -> ActionReceipt:
        """Hold ``qty`` units of ``sku`` here for the customer for ``hours``. Refused here when the
        tablet knows fewer are on sale (less the holds it placed and the hub has not confirmed):
        ``not_enough_stock`` with ``available``; the hub checks again and may still refuse."""
        staff = self.signed_in()
        _check_customer(customer_id)
        _check_units(qty)
        _check_hours(hours)
        if self._product(sku) is None:
            raise StockActionInvalid("catalog_unknown_sku", {"sku": sku})
        level = quietly(lambda: self._cache.stock_here(sku), None, "stock")
        on_sale = 0 if level is None else available(level.on_hand, level.held)
        left = max(0, on_sale - self._waiting_holds().get(sku, 0))
        if qty > left:
            raise StockActionInvalid("not_enough_stock", {"sku": sku, "available": left, "requested": qty})
        at = self._clock()
        payload = _payload(PlaceHoldPayload, customer_id=customer_id, sku=sku, qty=qty, hours=hours)
        command = PlaceHoldCommand(
            **self.fields(at=at, staff_id=staff.staff_id), type="hold.place", payload=payload
        )
        return await self._send(
            command, "hold_id", reference=str(command.id), expires_at=at + timedelta(hours=hours)
        )

    async def holds(self) -> HoldBoard:
        """This store's holds: the hub's within the counter's 3 s (kept for offline use), else
        the list last kept; with this tablet's unconfirmed actions laid over, marked."""
        self.signed_in()
        try:
            answer: StoreHolds | None = await self._at_the_counter(self._client.store_holds(self._store_id))
        except HubError as exc:
            log.info("the holds come from the cache (%s)", type(exc).__name__)
            answer = None
        if answer is not None:
            try:
                await asyncio.to_thread(self._cache.keep_store_holds, answer)
            except LocalStoreError as exc:
                log.warning("the holds could not be kept for offline use (%s)", type(exc).__name__)
            return self._board(answer, "online")
        return self._board(quietly(self._cache.store_holds, None, "holds"), "cache")

    # -- shoppers asking at the kiosk ---------------------------------------------------------

    async def assist_requests(self) -> AssistRequests | None:
        """What shoppers at this store's kiosks asked an associate to hold, open ones, oldest
        first: the hub's within the counter's 3 s; None when it cannot be asked (nothing is kept:
        a request is only worth seeing while the shopper waits)."""
        self.signed_in()
        try:
            return await self._at_the_counter(self._client.assist_requests(self._store_id))
        except HubError as exc:
            log.info("the shoppers' requests could not be read (%s)", type(exc).__name__)
            return None

    async def assist_request_done(self, request_id: int) -> None:
        """An associate saw to a shopper's request: it leaves every associate's list. Needs the
        hub (raises its ``HubError``)."""
        self.signed_in()
        await self._client.assist_request_done(self._store_id, request_id)

    def _board(self, answer: StoreHolds | None, source: Literal["online", "cache"]) -> HoldBoard:
        rows = [hold_row(hold) for hold in answer.holds] if answer is not None else []
        shown = lay_over(
            rows,
            self._unconfirmed(*HOLD_COMMAND_TYPES),
            self._store_id,
            self._product,
            lambda customer_id: quietly(lambda: self._customer_name(customer_id), None, "customer"),
        )
        return HoldBoard(holds=tuple(shown), as_of=answer.as_of if answer else None, source=source)

    async def release(self, hold: HoldRow | Hold) -> ActionReceipt:
        """The customer no longer wants it: the units go back on sale (and the floor gets a task).
        Only an active hold of this store (``hold_at_another_store``, ``hold_not_active``)."""
        staff = self.signed_in()
        self._check_active_here(hold)
        command = ReleaseHoldCommand(
            **self.fields(staff_id=staff.staff_id),
            type="hold.release",
            payload=ReleaseHoldPayload(hold_id=hold.id),
        )
        return await self._send(command, None, reference=hold.id)

    async def extend(self, hold: HoldRow | Hold, hours: int) -> ActionReceipt:
        """Keep an active hold of this store until ``hours`` from now (at most a week)."""
        staff = self.signed_in()
        _check_hours(hours)
        self._check_active_here(hold)
        at = self._clock()
        command = ExtendHoldCommand(
            **self.fields(at=at, staff_id=staff.staff_id),
            type="hold.extend",
            payload=ExtendHoldPayload(hold_id=hold.id, hours=hours),
        )
        return await self._send(command, None, reference=hold.id, expires_at=at + timedelta(hours=hours))

    async def put_back(self, hold: HoldRow | Hold) -> ActionReceipt:
        """The units of an ended hold are back on the floor: its task is done. A hold still
        active is refused (``hold_still_active``), as is another store's."""
        staff = self.signed_in()
        self._check_here(hold)
        if isinstance(hold, Hold) or hold.status == "active":
            raise StockActionInvalid("hold_still_active", {"hold_id": hold.id})
        command = PutBackHoldCommand(
            **self.fields(staff_id=staff.staff_id),
            type="hold.put_back",
            payload=PutBackHoldPayload(hold_id=hold.id),
        )
        return await self._send(command, None, reference=hold.id)

    def _check_here(self, hold: HoldRow | Hold) -> None:
        if isinstance(hold, Hold) and hold.store_id != self._store_id:
            raise StockActionInvalid("hold_at_another_store", {"hold_id": hold.id, "store_id": hold.store_id})

    def _check_active_here(self, hold: HoldRow | Hold) -> None:
        self._check_here(hold)
        if isinstance(hold, HoldRow) and hold.status != "active":
            raise StockActionInvalid("hold_not_active", {"hold_id": hold.id, "status": hold.status})

    # -- the endless aisle ------------------------------------------------------------------

    async def aisle_order(
        self,
        customer_id: int,
        lines: Iterable[AisleLine],
        source_store_id: int | None,
        fulfilment: Fulfilment,
    ) -> ActionReceipt:
        """Order for the customer from another store (``source_store_id``) or the warehouse
        (None), shipped to their address (``ship``) or to this store for pickup (``bopis``). The
        receipt's ``reference`` is the order number once the hub has answered."""
        staff = self.signed_in()
        _check_customer(customer_id)
        if source_store_id == self._store_id:
            raise StockActionInvalid("source_is_here", {"store_id": source_store_id})
        wanted: dict[str, int] = {}
        for line in lines:
            wanted[line.sku] = wanted.get(line.sku, 0) + line.qty
        if not wanted:
            raise StockActionInvalid("invalid_command", {"field": "payload.lines"})
        ordered = waiting_aisle_units(self._unconfirmed("aisle.order"), source_store_id)
        for sku, qty in wanted.items():
            _check_units(qty)
            if self._product(sku) is None:
                raise StockActionInvalid("catalog_unknown_sku", {"sku": sku})
            self._check_source(sku, qty, source_store_id, ordered.get(sku, 0))
        payload = _payload(
            AisleOrderPayload,
            customer_id=customer_id,
            lines=[{"sku": sku, "qty": qty} for sku, qty in wanted.items()],
            source_store_id=source_store_id,
            fulfilment=fulfilment,
        )
        command = AisleOrderCommand(
            **self.fields(staff_id=staff.staff_id), type="aisle.order", payload=payload
        )
        return await self._send(command, "order_number", reference=None)

    def _check_source(self, sku: str, qty: int, source_store_id: int | None, ordered: int) -> None:
        """Refuse what the source surely has not got: a fresh count there below ``qty`` (less the
        units this tablet ordered from it, unconfirmed). No count, or an old one: the hub decides."""
        now = self._clock()
        for level in self._catalog.levels(sku):
            at_source = (
                level.kind == "warehouse" if source_store_id is None else level.store_id == source_store_id
            )
            if not at_source or now - level.as_of > self.fresh_for:
                continue
            left = max(0, available(level.on_hand, level.held) - ordered)
            if qty > left:
                raise StockActionInvalid(
                    "not_enough_stock", {"sku": sku, "available": left, "requested": qty}
                )
            return

    # -- sending ----------------------------------------------------------------------------

    async def _send(
        self,
        command: Command,
        reference_key: str | None,
        *,
        reference: str | None,
        expires_at: datetime | None = None,
    ) -> ActionReceipt:
        """Write ``command`` to the outbox (raises its ``LocalStoreError``), push it at once and
        wait at most the action's wait for the hub's answer."""
        self.issue(command)
        entry = await self._answer_for(command.id)
        return action_receipt(
            entry, reference_key=reference_key, expires_at=expires_at, waiting_reference=reference
        )

    async def _answer_for(self, command_id: UUID) -> OutboxEntry | None:
        push = self._sync.push_soon()
        try:
            async with asyncio.timeout(self._action_wait_s):
                await asyncio.shield(push)
        except TimeoutError:
            log.info("the hub did not answer within %.0f s; the action waits to sync", self._action_wait_s)
        except HubError as exc:
            log.info("an action waits to sync (%s)", type(exc).__name__)
        try:
            return self._box.get(command_id)
        except LocalStoreError as exc:  # saved, but its answer cannot be read just now
            log.warning("the action's answer could not be read (%s)", type(exc).__name__)
            return None

    # -- plumbing ---------------------------------------------------------------------------

    def _unconfirmed(self, *command_types: str) -> list[Command]:
        try:
            return self._box.unacknowledged(*command_types)
        except LocalStoreError as exc:
            log.warning("actions waiting to sync could not be read (%s)", type(exc).__name__)
            return []

    def _waiting_holds(self) -> dict[str, int]:
        return waiting_hold_units(self._unconfirmed("hold.place"), self._store_id)

    def _product(self, sku: str) -> Product | None:
        return self._catalog.product(sku)


def _check_customer(customer_id: int) -> None:
    if customer_id < 1:
        raise StockActionInvalid("no_customer")


def _check_units(qty: int) -> None:
    if not 1 <= qty <= MAX_UNITS:
        raise StockActionInvalid("payload_out_of_bounds", {"bound": "number", "limit": MAX_UNITS})


def _check_hours(hours: int) -> None:
    if not 1 <= hours <= MAX_HOLD_HOURS:
        raise StockActionInvalid("payload_out_of_bounds", {"bound": "number", "limit": MAX_HOLD_HOURS})


_Payload = TypeVar("_Payload", bound=BaseModel)


def _payload(model: type[_Payload], **fields: object) -> _Payload:
    """A command's payload, or the typed refusal naming the first field the contract refuses (a
    SKU longer than the contract allows, from a catalog that let it in): never a traceback."""
    try:
        return model(**fields)
    except ValidationError as exc:
        field = ".".join(str(part) for part in exc.errors()[0]["loc"])
        raise StockActionInvalid("invalid_command", {"field": f"payload.{field}"}) from None
