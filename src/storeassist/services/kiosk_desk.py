"""The kiosk desk: what a shopper does at the self-service kiosk, one method per action of its
screens — see themselves after scanning their loyalty code, check a product's price and stock,
ask an associate to hold it, collect a pickup, start a return — and a manager's way out.

**Nothing of a shopper stays.** A shopper's answer (:meth:`KioskDesk.shopper`, the order of a
return, where to collect) goes from the hub to the screen and nowhere else: never to the cache,
the outbox or a log (logs name a refusal's code or an error's type only). :meth:`forget` —
called at the idle reset and after each finished flow — stops any call still on its way, so a
late answer never reaches the next shopper's screen, and the desk keeps no reference to one.

**Codes are checked here first** with the cached keys, as at the counter: a forged, expired,
revoked or wrong kind of code raises its :class:`~storeassist.domain.tokens.TokenError` and is
never sent. A kiosk with no keys yet, or a code of a key it does not know (rotated since its
last sync), is left to the hub.

**The hub, or nothing.** Every call waits at most :data:`KIOSK_DEADLINE_S`; no answer (or the
hub failing, or this device revoked) is :class:`~storeassist.domain.kiosk.KioskUnavailable`,
a refusal :class:`~storeassist.domain.kiosk.KioskRefused` with the hub's code and params.
Only a product's card comes from the device (the cached catalog and stock; :meth:`fresher`
asks the hub for fresher counts).

**Once, however often it is tried.** A hold request and a return start carry a ``request_id``
made here. A call with no answer may still have been applied at the hub, so its id is kept: the
shopper trying the same action again (the same product and quantity, the same code and lines)
sends the same id, and the hub answers it as it answered the first, writing nothing more. A
different action gets a new id; the id is dropped once the hub answers (applied or refused) and
at :meth:`forget`, so the next shopper's action is a new one. What is kept is the id, by a
digest of the action: nothing of the shopper.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar
from uuid import UUID, uuid4

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ValidationError

from storeassist.client import DeviceRevoked, HubConnectionError, HubError, HubRejected
from storeassist.contract import (
    KioskExit,
    KioskHoldRequest,
    KioskOrder,
    KioskPickup,
    KioskPickupAnswer,
    KioskProblem,
    KioskReturnChoice,
    KioskReturnStart,
    KioskReturnStarted,
    KioskShopper,
    StockAnswer,
    StockLevel,
)
from storeassist.contract.payloads import MAX_RETURN_LINES
from storeassist.domain.kiosk import IDLE_RESET_S, IDLE_WARNING_S, KioskRefused, KioskUnavailable
from storeassist.domain.stock import FRESH_FOR, ProductCard
from storeassist.domain.tokens import (
    TokenError,
    TokenExpired,
    TokenForged,
    TokenKind,
    TokenMalformed,
    TokenRevoked,
    TokenUnknownKey,
    WrongKind,
    parse_token,
    verify_token,
)
from storeassist.local import LocalStoreError
from storeassist.services.counter_deadline import CounterDeadline
from storeassist.services.stock_catalog import CatalogCache, CatalogLookups

log = logging.getLogger("storeassist.kiosk")

_T = TypeVar("_T")
_Request = TypeVar("_Request", bound=BaseModel)

#: Seconds a shopper waits for the hub before the kiosk says it cannot answer just now.
KIOSK_DEADLINE_S = 3.0
#: Unanswered actions whose request ids are kept for a retry (a shopper tries a few things at most).
UNANSWERED_KEPT = 16

LOYALTY_KINDS = frozenset({TokenKind.LOYALTY_CARD, TokenKind.LOYALTY_DYNAMIC})
#: What proves a purchase for a return: the order's code (its expiry does not matter) or a receipt.
RETURN_PROOF_KINDS = frozenset({TokenKind.ORDER, TokenKind.PURCHASE_RECEIPT})
#: The hub's problem codes that mean what a code check on the device means.
_HUB_TOKEN_ERRORS: Mapping[str, type[TokenError]] = {
    error.code: error for error in (TokenMalformed, TokenForged, TokenUnknownKey, TokenExpired, TokenRevoked)
}


class KioskHub(Protocol):
    """``storeassist.client.HubClient`` as the kiosk desk uses it."""

    async def kiosk_shopper(self, token: str) -> KioskShopper: ...

    async def kiosk_hold_request(self, request: KioskHoldRequest) -> None: ...

    async def kiosk_pickup(self, request: KioskPickup) -> KioskPickupAnswer: ...

    async def kiosk_return_order(self, code: str) -> KioskOrder: ...

    async def kiosk_start_return(self, request: KioskReturnStart) -> KioskReturnStarted: ...

    async def kiosk_exit(self, request: KioskExit) -> None: ...

    async def stock(self, sku_or_gtin: str, store_id: int) -> StockAnswer: ...


class KioskCache(CatalogCache, Protocol):
    """``storeassist.local.LocalCache`` as the kiosk reads it: the catalog, stock, keys and
    revoked cards. It writes only counts the hub just sent (never anything of a shopper)."""

    def verification_keys(self) -> Mapping[int, Ed25519PublicKey]: ...

    def is_revoked(self, customer_id: int, serial: int) -> bool: ...

    def put_stock_levels(self, sku: str, levels: Iterable[StockLevel]) -> None: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


class KioskDesk:
    """The kiosk screens' use cases (the ``kiosk`` service of a kiosk's ``DeviceServices``)."""

    def __init__(
        self,
        client: KioskHub,
        cache: KioskCache,
        store_id: int,
        *,
        currency: str = "USD",
        fresh_for: timedelta = FRESH_FOR,
        catalog_filling: Callable[[], bool] = lambda: False,
        idle_warning_s: float = IDLE_WARNING_S,
        idle_reset_s: float = IDLE_RESET_S,
        clock: Callable[[], datetime] = _utc_now,
        deadline_s: float = KIOSK_DEADLINE_S,
        hub_went_quiet: Callable[[], None] = lambda: None,
    ) -> None:
        """``idle_warning_s`` and ``idle_reset_s``: after how long without a touch the screens
        warn that the kiosk will start over, and do (``Settings.kiosk_idle_*``)."""
        self._client = client
        self._cache = cache
        self._store_id = store_id
        self._catalog = CatalogLookups(
            cache, store_id, currency=currency, fresh_for=fresh_for, catalog_filling=catalog_filling
        )
        self.idle_warning_s = idle_warning_s
        self.idle_reset_s = idle_reset_s
        self._clock = clock
        self._in_time = CounterDeadline(deadline_s, hub_went_quiet, "the kiosk")
        #: Calls to the hub on their way: :meth:`forget` stops them.
        self._calls: set[asyncio.Task[object]] = set()
        #: Request ids of the shopper's actions the hub has not answered, by the action's digest.
        self._unanswered: dict[str, UUID] = {}

    @property
    def store_id(self) -> int:
        return self._store_id

    @property
    def fresh_for(self) -> timedelta:
        """How old a count may be and still be stated as fact (``stock_fresh_hours``)."""
        return self._catalog.fresh_for

    # -- a shopper ----------------------------------------------------------------------------

    async def shopper(self, token: str) -> KioskShopper:
        """What the kiosk may show the shopper whose loyalty code (card or app) was scanned:
        greeting name, tier, points, next tier, offers and suggestions in stock here.

        Raises the code's ``TokenError`` (checked here first, or as the hub found it),
        :class:`KioskRefused` (``too_many_reads`` …) or :class:`KioskUnavailable`."""
        verified = self._check(token, LOYALTY_KINDS)
        return await self._ask(self._client.kiosk_shopper(token), code=token, verified=verified)

    # -- a product ----------------------------------------------------------------------------

    def product(self, code: str) -> ProductCard | None:
        """A product's card by barcode (GTIN) or SKU, from this kiosk's cached catalog and stock,
        at once: price, the style's sizes and colours on sale here, counts here, at nearby stores
        and at the warehouse, each with its age. None if the catalog has no such product."""
        code = code.strip()
        product = self._catalog.product(code) if code else None
        if product is None:
            return None
        return self._catalog.card(product, {}, self._clock(), companions=False)

    async def fresher(self, card: ProductCard) -> ProductCard:
        """``card`` with the hub's counts (within the kiosk's time), kept for later; the same
        card when the hub does not answer or refuses."""
        sku = card.product.sku
        try:
            answer = await self._tracked(self._in_time(self._client.stock(sku, self._store_id)))
        except HubError as exc:
            log.info("the product's counts stay as cached (%s)", type(exc).__name__)
            return card
        levels = [level for level in (answer.here, *answer.nearby, answer.warehouse) if level is not None]
        try:
            await asyncio.to_thread(self._cache.put_stock_levels, sku, levels)
        except LocalStoreError as exc:
            log.warning("fresher counts could not be kept (%s)", type(exc).__name__)
        return self._catalog.card(answer.product, {}, self._clock(), answer=answer, companions=False)

    async def request_hold(self, sku: str, qty: int = 1) -> None:
        """ "Ask an associate to hold it": the request shows on the associates' Stock screen.
        Raises :class:`KioskRefused` (``product_not_found``, ``not_in_stock_here``,
        ``too_many_requests``) or :class:`KioskUnavailable`."""
        if qty < 1:
            raise ValueError("a hold request is for one unit or more")
        try:
            request = KioskHoldRequest(sku=sku.strip(), qty=qty)
        except ValidationError:  # no SKU or barcode is like that
            raise KioskRefused("product_not_found") from None
        await self._once("hold", request, self._client.kiosk_hold_request)

    # -- self-pickup --------------------------------------------------------------------------

    async def self_pickup(self, order_code: str, pickup_code: str) -> KioskPickupAnswer:
        """Where the shopper collects the order whose code they scanned, once the six-digit
        pickup code is right: at the counter (the associates see them waiting) or a locker.

        Raises the order code's ``TokenError``, or :class:`KioskRefused`: ``pickup_code_malformed``
        (not six digits; not sent, so not counted), ``pickup_code_wrong`` with ``tries_left``,
        ``pickup_needs_manager`` (go to the counter), ``not_kiosk_pickup``, ``wrong_store``,
        ``unknown_order``; or :class:`KioskUnavailable`."""
        verified = self._check(order_code, frozenset({TokenKind.ORDER}))
        try:
            request = KioskPickup(order_code=order_code, pickup_code=pickup_code.strip())
        except ValidationError:
            raise KioskRefused("pickup_code_malformed") from None
        return await self._ask(self._client.kiosk_pickup(request), code=order_code, verified=verified)

    # -- a return -----------------------------------------------------------------------------

    async def return_order(self, code: str) -> KioskOrder:
        """The lines of the order a scanned order code or purchase receipt names, each with what
        can come back and why not. Raises the code's ``TokenError``, :class:`KioskRefused`
        (``unknown_order`` …) or :class:`KioskUnavailable`."""
        verified = self._check(code, RETURN_PROOF_KINDS, as_proof=True)
        return await self._ask(self._client.kiosk_return_order(code), code=code, verified=verified)

    async def start_return(self, code: str, lines: Sequence[KioskReturnChoice]) -> KioskReturnStarted:
        """Start a return of ``lines`` of the order ``code`` names, for an associate to finish at
        the counter; its reference ("K-4821") is what the shopper tells them. Raises
        the code's ``TokenError`` or :class:`KioskRefused` (``no_lines`` when none is chosen,
        ``too_many_lines`` past 40; the hub's ``unknown_line``,
        ``not_returnable``, ``more_than_returnable`` with ``line_no``) or :class:`KioskUnavailable`."""
        self._check(code, RETURN_PROOF_KINDS, as_proof=True)
        if not lines:
            raise KioskRefused("no_lines")
        try:
            request = KioskReturnStart(code=code, lines=list(lines))
        except ValidationError:
            if len(lines) > MAX_RETURN_LINES:
                raise KioskRefused("too_many_lines") from None
            raise TokenMalformed() from None  # not a code at all (a kiosk without keys yet)
        return await self._once("return", request, self._client.kiosk_start_return)

    # -- leaving kiosk mode -------------------------------------------------------------------

    async def exit_kiosk(self, *, badge: str | None, staff_number: str | None, pin: str) -> None:
        """Returns when a manager or admin of this store let the kiosk leave kiosk mode (badge or
        staff number, with the PIN). Raises :class:`KioskRefused` (``sign_in_refused`` — also
        for what is not a badge or staff number and PIN, never sent —, ``not_a_manager``,
        ``sign_in_wrong_store``, ``too_many_sign_in_attempts``) or :class:`KioskUnavailable`.
        The PIN is never logged or kept."""
        badge = badge.strip() if badge else None
        number = staff_number.strip().upper() if staff_number else None
        try:
            request = KioskExit(badge=badge or None, staff_number=number or None, pin=pin.strip())
        except ValidationError:
            raise KioskRefused("sign_in_refused") from None
        await self._ask(self._client.kiosk_exit(request))

    # -- forgetting ---------------------------------------------------------------------------

    def forget(self) -> None:
        """The shopper is gone (the idle reset, a finished flow): calls still on their way are
        stopped, so no answer of theirs reaches a screen, and the desk holds nothing of them."""
        current = asyncio.current_task() if _loop_running() else None
        for call in list(self._calls):
            if call is not current:
                call.cancel()
        self._calls.clear()
        self._unanswered.clear()

    # -- how -----------------------------------------------------------------------------------

    def _check(self, code: str, kinds: frozenset[TokenKind], *, as_proof: bool = False) -> TokenKind | None:
        """The code's kind once checked with this kiosk's keys and revoked cards; None when the
        kiosk cannot vouch for it either way (no keys yet, a key it does not know, its records
        unreadable): the hub decides. Raises the ``TokenError`` of a code it refuses."""
        try:
            keys = self._cache.verification_keys()
        except LocalStoreError as exc:
            log.warning(
                "the kiosk's keys could not be read (%s); the hub checks the code", type(exc).__name__
            )
            return None
        if not keys:
            return None

        def is_revoked(customer_id: int, serial: int) -> bool:
            try:
                return self._cache.is_revoked(customer_id, serial)
            except LocalStoreError as exc:
                log.warning("revoked cards could not be read (%s)", type(exc).__name__)
                return False  # the hub checks the card again

        try:
            return verify_token(
                code, keys, now=self._clock(), is_revoked=is_revoked, expect=set(kinds), as_proof=as_proof
            ).kind
        except TokenUnknownKey:
            return None  # the hub may have rotated its key since this kiosk's last sync

    async def _once(self, kind: str, request: _Request, send: Callable[[_Request], Awaitable[_T]]) -> _T:
        """Send the shopper's action ``request`` (its ``request_id`` unset) with the id of the same
        action left unanswered before, else a new one; the id is kept while no answer comes."""
        key = hashlib.sha256(f"{kind}:{request.model_dump_json()}".encode()).hexdigest()
        request_id = self._unanswered.pop(key, None) or uuid4()
        while len(self._unanswered) >= UNANSWERED_KEPT:
            del self._unanswered[next(iter(self._unanswered))]  # the oldest
        self._unanswered[key] = request_id
        try:
            answer = await self._ask(send(request.model_copy(update={"request_id": request_id})))
        except (KioskRefused, TokenError):
            self._unanswered.pop(key, None)  # the hub answered: nothing was applied
            raise
        self._unanswered.pop(key, None)
        return answer

    async def _ask(
        self, call: Awaitable[_T], *, code: str | None = None, verified: TokenKind | None = None
    ) -> _T:
        """``call`` within the kiosk's time; its failure as the kiosk's own errors."""
        try:
            return await self._tracked(self._in_time(call))
        except HubRejected as exc:
            raise _refusal(exc, code, verified) from exc
        except DeviceRevoked as exc:
            raise KioskUnavailable("device_revoked") from exc
        except HubConnectionError as exc:
            raise KioskUnavailable("hub_unreachable") from exc
        except HubError as exc:
            log.info("the kiosk's call failed (%s)", type(exc).__name__)
            raise KioskUnavailable("hub_error") from exc

    async def _tracked(self, call: Awaitable[_T]) -> _T:
        """Await ``call`` as one of the calls :meth:`forget` stops."""
        task: asyncio.Task[object] | None = asyncio.current_task()
        if task is not None:
            self._calls.add(task)
        try:
            return await call
        finally:
            if task is not None:
                self._calls.discard(task)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _refusal(exc: HubRejected, code: str | None, verified: TokenKind | None) -> Exception:
    """The hub's refusal as the error a kiosk screen words: a code it refused as the domain's
    ``TokenError``, anything else as :class:`KioskRefused` with the hub's code and params."""
    problem = exc.problem
    if problem.code == WrongKind.code and code is not None:
        kind = verified
        if kind is None:
            try:
                kind = parse_token(code)[0].kind
            except TokenError:
                kind = None
        return WrongKind(kind) if kind is not None else TokenMalformed()
    token_error = _HUB_TOKEN_ERRORS.get(problem.code)
    if token_error is not None:
        return token_error()
    params = dict(problem.params) if isinstance(problem, KioskProblem) else {}
    log.info("the hub refused the kiosk's call (%s)", problem.code)
    return KioskRefused(problem.code, params)
