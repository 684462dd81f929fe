"""The pickup counter: the store's queue, an order opened by scan or number, the collector's pickup
code, substitutes, the hand-over and the "to restock" task — one method per action.

Everything works offline as far as it can. The queue and its orders come from the hub within the
counter's 3 s, else from this tablet's cache ("as of" its last sync). A scanned order code is
checked here with the cached keys first, so a forged or expired one is refused with the hub down.
Only the six-digit pickup code needs the hub (it counts wrong codes per order).

A hand-over is checked against the order first (``services/pickup_checks.py``: the domain's
``plan_handover``, payment, a lock after three wrong codes, the named proxy, substitutes of the
same style in stock here): a refusal is a :class:`~storeassist.domain.pickups.HandoverInvalid`
and nothing is written. Then the command goes to the outbox (durable), is pushed at once, and the
counter waits up to 3 s for the hub's answer: applied → a confirmed receipt with the hub's signed
code; no answer → "waiting", and the order shows as collected on this tablet from the outbox at
once; a conflict or refusal → said on the receipt, and it sits in "needs attention" like any
refused command.

What this tablet did and the hub has not confirmed is laid over every order it shows, whether
read from the hub or the cache (``services/pickup_unconfirmed.py``). Nobody signed in:
:class:`~storeassist.services.view_customer.SignInRequired`, and nothing is read or written. What
the desk needs of the client, cache, outbox, sync and session: ``services/pickup_collaborators.py``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from uuid import UUID

from storeassist.client import (
    HubConnectionError,
    HubError,
    HubNotFound,
    HubRejected,
    HubServerError,
)
from storeassist.contract import (
    CollectPickupCommand,
    CollectPickupPayload,
    Order,
    OrderLine,
    PickupCodeAnswer,
    RestockPickupCommand,
    RestockPickupPayload,
)
from storeassist.domain.orders import (
    is_open,
    is_overdue,
    plan_handover,
    queue_sort_key,
    to_collect,
)
from storeassist.domain.pickups import (
    HandoverInvalid,
    HandoverReceipt,
    OpenedPickup,
    PickupBoard,
    PickupNotHere,
    PickupSource,
    ReceiptLine,
    SubstituteOption,
    apply_handover,
    apply_restock,
    phone_query,
)
from storeassist.domain.tokens import (
    SignedToken,
    TokenError,
    TokenExpired,
    TokenForged,
    TokenMalformed,
    TokenUnknownKey,
    WrongKind,
)
from storeassist.local import LocalStoreError, OutboxEntry
from storeassist.services.counter_deadline import COUNTER_DEADLINE_S, CounterDeadline
from storeassist.services.outbox_commands import ImmediatePush, SignedInStaff, StaffCommandIssuer, utc_now
from storeassist.services.pickup_checks import HandoverChecks
from storeassist.services.pickup_collaborators import PickupCache, PickupHub, PickupOutbox
from storeassist.services.pickup_receipts import handover_receipt, receipt_lines
from storeassist.services.pickup_unconfirmed import UnconfirmedPickups
from storeassist.words import QT_TRANSLATE_NOOP

log = logging.getLogger("storeassist.pickups")

#: Seconds a hand-over or restock waits for the hub's answer before the receipt says "waiting".
HANDOVER_WAIT_S = 3.0
#: The most orders the hub lists in a store's queue: a shorter list is the whole queue.
HUB_QUEUE_LIMIT = 500
#: Queue sort keys remembered (a store's open pickups, with room for the ones replaced since).
_SORT_KEYS_KEPT = 4 * HUB_QUEUE_LIMIT
#: What a board read from a cache that never held the queue says it is as of.
NEVER = datetime.fromtimestamp(0, UTC)
#: The hub's problem codes that mean "not this store's order".
_ANOTHER_STORE = frozenset({"wrong_store", "pickup_at_another_store"})
_HUB_TOKEN_ERRORS: dict[str, type[TokenError]] = {
    error.code: error for error in (TokenMalformed, TokenForged, TokenUnknownKey, TokenExpired)
}


class PickupNotCached(HubError):
    """Offline, and this order is not saved on this tablet."""

    default_message = QT_TRANSLATE_NOOP(
        "messages",
        "The back office cannot be reached and this order is not saved on this tablet. "
        "Try again when the connection is back.",
    )


class PickupDesk(StaffCommandIssuer):
    """The Pickups screen's use cases (the ``pickups`` service of ``DeviceServices``)."""

    def __init__(
        self,
        client: PickupHub,
        cache: PickupCache,
        outbox: PickupOutbox,
        sync: ImmediatePush,
        store_id: int,
        staff: SignedInStaff,
        *,
        clock: Callable[[], datetime] = utc_now,
        counter_deadline_s: float = COUNTER_DEADLINE_S,
        handover_wait_s: float = HANDOVER_WAIT_S,
        hub_went_quiet: Callable[[], None] = lambda: None,
    ) -> None:
        """``hub_went_quiet`` is called when the hub missed the counter's deadline, so the status
        strip says Offline at once (``HubClient.note_gave_up``)."""
        super().__init__(outbox, store_id, staff, clock=clock)
        self._client = client
        self._cache = cache
        self._box = outbox
        self._sync = sync
        self._checks = HandoverChecks(cache, store_id, clock)
        self._unconfirmed = UnconfirmedPickups(outbox, self._checks.substitute_products)
        self._at_the_counter = CounterDeadline(counter_deadline_s, hub_went_quiet, "the counter")
        self._handover_wait_s = handover_wait_s
        self._sort_keys: dict[int, tuple[Order, tuple[int, float, int, float, int]]] = {}

    @property
    def store_id(self) -> int:
        return self._store_id

    # -- the queue --------------------------------------------------------------------------

    def cached_board(self) -> PickupBoard:
        """The queue from this tablet alone, at once (as of its last sync)."""
        self.signed_in()
        try:
            orders, as_of = self._cache.open_pickups(), self._cache.pickups_as_of()
        except LocalStoreError as exc:
            log.warning("the cached pickups could not be read (%s)", type(exc).__name__)
            orders, as_of = [], None
        return self._board(orders, as_of or NEVER, "cache")

    async def board(self) -> PickupBoard:
        """The hub's queue within the counter's deadline (kept for offline use), else the cache's."""
        self.signed_in()
        try:
            queue = await self._at_the_counter(self._client.pickups(self._store_id))
        except (HubConnectionError, HubServerError) as exc:
            log.info("the pickup queue comes from the cache (%s)", type(exc).__name__)
            return self.cached_board()
        self.signed_in()
        try:
            # A snapshot of up to 500 orders: written off the GUI thread.
            await asyncio.to_thread(
                self._cache.store_pickup_queue, queue, complete=len(queue.orders) < HUB_QUEUE_LIMIT
            )
        except LocalStoreError as exc:
            log.warning("the pickup queue could not be kept for offline use: %s", exc)
        return self._board(queue.orders, queue.as_of, "online")

    def _board(self, orders: Iterable[Order], as_of: datetime, source: PickupSource) -> PickupBoard:
        shown, waiting = self._unconfirmed.laid_over(orders)
        return PickupBoard(
            orders=tuple(sorted(shown, key=self._sort_key)),
            as_of=as_of,
            source=source,
            waiting_to_sync=waiting,
        )

    def _sort_key(self, order: Order) -> tuple[int, float, int, float, int]:
        """``queue_sort_key``, remembered per order object: the cache hands back the same parsed
        orders from one read to the next, and the queue is sorted at every repaint."""
        kept = self._sort_keys.get(id(order))
        if kept is not None and kept[0] is order:
            return kept[1]
        key = queue_sort_key(order)
        if len(self._sort_keys) > _SORT_KEYS_KEPT:
            self._sort_keys.clear()
        self._sort_keys[id(order)] = (order, key)
        return key

    async def customers_by_phone(self, text: str) -> frozenset[int]:
        """The customers whose phone number starts with the digits of ``text`` (the hub's search,
        first page): the queue shows their orders. The tablet keeps no phone numbers, so this
        needs the hub; offline it raises the client's error."""
        self.signed_in()
        digits = phone_query(text)
        if digits is None:
            return frozenset()
        page = await self._at_the_counter(self._client.search_customers(digits))
        return frozenset(item.id for item in page.items)

    # -- opening one order ------------------------------------------------------------------

    async def open_code(self, text: str) -> OpenedPickup:
        """A scanned order code. Checked with this tablet's keys first (a forged, expired or
        malformed code raises its ``TokenError`` and goes no further; a code of another kind,
        ``WrongKind``); then the hub's order, or offline this tablet's copy. Raises
        :class:`PickupNotHere` for another store's order and :class:`PickupNotCached` offline
        for an order this tablet does not hold."""
        self.signed_in()
        code = text.strip()
        verified: SignedToken | None
        try:
            verified = self._checks.verify_order_code(code)
        except TokenUnknownKey as exc:
            # Keys rotated since the last sync, or none yet: the hub knows every key, it decides.
            verified, unknown_key = None, exc
        try:
            order = await self._at_the_counter(self._client.resolve_order(code, self._store_id))
        except HubRejected as exc:
            raise _refusal(exc, verified, "") from exc
        except (HubConnectionError, HubServerError) as exc:
            if verified is None:
                raise unknown_key from exc
            cached = self._cached(lambda: self._cache.pickup_by_id(verified.subject_id))
            if cached is None:
                raise PickupNotCached() from exc
            return self._opened(cached, "cache", code)
        return self._opened(self._keep(self._here(order)), "online", code)

    async def open_number(self, number: str) -> OpenedPickup:
        """An order typed or picked by its number: the hub's, or offline this tablet's copy."""
        self.signed_in()
        wanted = number.strip().upper()
        if not wanted or len(wanted) > 20 or not wanted.replace("-", "").isalnum():
            raise PickupNotHere(number.strip(), None)
        try:
            order = await self._at_the_counter(self._client.order(wanted))
        except HubRejected as exc:
            raise _refusal(exc, None, wanted) from exc
        except (HubConnectionError, HubServerError) as exc:
            cached = self._cached(lambda: self._cache.pickup(wanted))
            if cached is None:
                raise PickupNotCached() from exc
            return self._opened(cached, "cache", None)
        return self._opened(self._keep(self._here(order)), "online", None)

    def _opened(self, order: Order, source: PickupSource, order_code: str | None) -> OpenedPickup:
        [shown], waiting = self._unconfirmed.laid_over([order])
        return OpenedPickup(order=shown, source=source, order_code=order_code, waiting_to_sync=bool(waiting))

    def _here(self, order: Order) -> Order:
        """The order, if it is a pickup at this store."""
        if order.pickup_state is None or order.store_id != self._store_id:
            raise PickupNotHere(order.number, order.store_id)
        return order

    def _keep(self, order: Order) -> Order:
        """Keep an order read online for offline use (its latest state)."""
        try:
            self._cache.store_pickup(order)
        except LocalStoreError as exc:
            log.warning("a pickup order could not be kept for offline use: %s", exc)
        return order

    def _cached(self, read: Callable[[], Order | None]) -> Order | None:
        try:
            return read()
        except LocalStoreError as exc:
            log.warning("the cached pickups could not be read (%s)", type(exc).__name__)
            return None

    # -- checking the collector -------------------------------------------------------------

    async def check_pickup_code(self, order_id: int, code: str) -> PickupCodeAnswer:
        """The six digits the customer reads out, checked at the hub (which counts wrong ones and
        locks the order at the third). Offline: the client's ``HubConnectionError``, and nothing
        is counted. A code of the wrong shape is :class:`HandoverInvalid` (``pickup_code_wrong``)
        without asking the hub."""
        self.signed_in()
        digits = code.strip()
        if len(digits) != 6 or not digits.isascii() or not digits.isdigit():
            raise HandoverInvalid("pickup_code_wrong", {"order_id": order_id})
        # Not cut short at the counter's 3 s like a look-up: the hub may count a code it was sent
        # whether or not its answer arrives, and an answer given up on would hide the count.
        answer = await self._client.check_pickup_code(order_id, self._store_id, digits)
        if answer.locked:
            self._note_locked(order_id)
        return answer

    def _note_locked(self, order_id: int) -> None:
        """The hub locked the order: so does this tablet's copy, until the hub says otherwise."""
        order = self._cached(lambda: self._cache.pickup_by_id(order_id))
        if order is not None and not order.pickup_locked:
            self._keep(order.model_copy(update={"pickup_locked": True}))

    # -- substitutes ------------------------------------------------------------------------

    def substitutes(self, line: OrderLine) -> list[SubstituteOption]:
        """Other sizes and colours of ``line``'s style on sale here, from the cache (most first)."""
        self.signed_in()
        try:
            variants = self._cache.style_variants(line.sku)
        except LocalStoreError as exc:
            log.warning("substitutes could not be read (%s)", type(exc).__name__)
            return []
        options = [
            SubstituteOption(
                sku=v.product.sku,
                name=v.product.name,
                size=v.product.size,
                colour=v.product.colour,
                available_here=v.available,
            )
            for v in variants
        ]
        return sorted(options, key=lambda o: (-o.available_here, o.size or "", o.colour or "", o.sku))

    # -- handing over -----------------------------------------------------------------------

    async def hand_over(self, order: Order, payload: CollectPickupPayload) -> HandoverReceipt:
        """Hand over what ``payload`` says of ``order`` (the order as this desk showed it).

        Refused here with :class:`HandoverInvalid` (nothing written) when the rules, payment, a
        lock, the proxy or a substitute forbid it. Else the command is saved, pushed at once, and
        the receipt is ``confirmed`` (the hub's signed code), ``waiting`` (no answer within 3 s:
        the order shows as collected on this tablet and goes when the hub answers),
        ``conflict`` or ``refused`` (with the hub's code; also in "needs attention")."""
        staff = self.signed_in()
        self._checks.handover(order, payload, staff)
        at = self._clock()
        command = CollectPickupCommand(
            **self.fields(at=at, staff_id=staff.staff_id), type="pickup.collect", payload=payload
        )
        self.issue(command)
        plan = plan_handover(order.pickup_state, {line.line_no: line for line in order.lines}, payload.lines)
        entry = await self._answer_for(command.id)
        receipt = handover_receipt(
            order,
            command.id,
            at,
            staff,
            plan.state,
            entry,
            receipt_lines(order, payload, self._checks.substitute_products(payload)),
        )
        if receipt.status == "confirmed":
            handed = apply_handover(
                order, payload.lines, at=at, products=self._checks.substitute_products(payload)
            )
            self._keep(handed.model_copy(update={"pickup_state": receipt.pickup_state}))
        return receipt

    async def restock(self, order: Order) -> HandoverReceipt:
        """Confirm an overdue order's "to restock" task: what is left is cancelled, put back on
        sale and refunded at the hub. Refused here (:class:`HandoverInvalid`, nothing written)
        unless the order is open and past its deadline."""
        staff = self.signed_in()
        at = self._clock()
        if order.store_id != self._store_id or order.pickup_state is None:
            raise PickupNotHere(order.number, order.store_id)
        if not is_open(order.pickup_state):
            raise HandoverInvalid(
                "order_not_collectable", {"order_number": order.number, "pickup_state": order.pickup_state}
            )
        if not is_overdue(order, at):
            raise HandoverInvalid("not_overdue", {"order_number": order.number})
        command = RestockPickupCommand(
            **self.fields(at=at, staff_id=staff.staff_id),
            type="pickup.restock",
            payload=RestockPickupPayload(order_id=order.id),
        )
        self.issue(command)
        entry = await self._answer_for(command.id)
        lines = tuple(
            ReceiptLine(
                line_no=line.line_no,
                name=line.name,
                size=line.size,
                colour=line.colour,
                handed=0,
                cancelled=to_collect(line),
                substituted=0,
            )
            for line in order.lines
            if to_collect(line) > 0
        )
        receipt = handover_receipt(order, command.id, at, staff, "expired", entry, lines)
        if receipt.status == "confirmed":
            self._keep(apply_restock(order))
        return receipt

    async def _answer_for(self, command_id: UUID) -> OutboxEntry | None:
        """Push the outbox now and wait (at most the hand-over's wait) for the hub's answer to
        ``command_id``; the push goes on after the wait, and the round after that if it fails."""
        push = self._sync.push_soon()
        try:
            async with asyncio.timeout(self._handover_wait_s):
                await asyncio.shield(push)
        except TimeoutError:
            log.info(
                "the hub did not answer a hand-over within %.0f s; it waits to sync", self._handover_wait_s
            )
        except HubError as exc:
            log.info("a hand-over waits to sync (%s)", type(exc).__name__)
        try:
            return self._box.get(command_id)
        except LocalStoreError as exc:  # saved, but its answer cannot be read just now
            log.warning("the hand-over's answer could not be read (%s)", type(exc).__name__)
            return None

    # -- plumbing ---------------------------------------------------------------------------


def _refusal(exc: HubRejected, verified: SignedToken | None, number: str) -> Exception:
    """The hub's refusal of an order look-up as the error the screen words."""
    if exc.code in _ANOTHER_STORE or isinstance(exc, HubNotFound):
        return PickupNotHere(number, None)
    if exc.code == WrongKind.code and verified is not None:
        return WrongKind(verified.kind)
    error = _HUB_TOKEN_ERRORS.get(exc.code)
    return exc if error is None else error(exc.problem.detail)
