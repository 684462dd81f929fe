"""The returns counter: find an order, decide a return by the chain's policy, a manager's approval,
exchanges, and taking the return back — one method per action of the Returns screen.

**Finding the order.** A scanned order, purchase-receipt or pickup-receipt code is checked here with
the cached keys first (a forged, expired or malformed code raises its ``TokenError`` and goes no
further); then the hub's answer (``POST /v1/returns/lookup``) within the counter's 3 s, kept in the
cache; with the hub out of reach, the kept copy ("as of" the hub's answer), else
:class:`~storeassist.domain.return_desk.ReturnNotFound` (``not_on_tablet``). A typed number is the
same without a receipt. Whether the order was found "with receipt" is the hub's word online, and
offline this tablet's own check of the code's signature; the hub checks the code again in the
command, so a tablet's claim is never trusted.

**Deciding.** The policy is the domain's (``domain.returns.decide_return``), the same the hub applies
when the command arrives; what this tablet took back and the hub has not confirmed is laid over
every order it opens (``services/return_unconfirmed.py``), so the same unit is never offered twice
here.

**Taking it back.** Decided again at the tap; offline (the order came from the cache, or sync says
the hub is out of reach) only within ``offline_cap_cents`` and with nothing a manager must approve
(:class:`~storeassist.domain.return_desk.ReturnNotPossible` ``offline_over_cap`` /
``offline_needs_manager``); online a return that needs a manager needs their approval first
(:meth:`ReturnDesk.approve`, recorded at the hub under the return's id). Then the outbox (durable),
a push at once and up to 3 s for the hub: the receipt is confirmed (the hub's signed reference),
waiting ("pending confirmation"), refused or in conflict (also in "needs attention": the same unit
taken back in two stores while both were offline is a conflict, never a second refund).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from uuid import UUID

from pydantic import ValidationError

from storeassist.client import HubConnectionError, HubError, HubRejected, HubServerError
from storeassist.contract import (
    ExchangeLine,
    KioskReturn,
    PayloadOutOfBounds,
    ReturnableOrder,
    ReturnApproval,
    ReturnLookup,
    TakeReturnCommand,
)
from storeassist.contract.common import MAX_QUANTITY
from storeassist.domain.return_desk import (
    ApprovalRefused,
    ExchangeOption,
    OpenedReturn,
    ReturnNotFound,
    ReturnNotPossible,
    ReturnReceipt,
    ReturnSource,
    order_facts,
)
from storeassist.domain.returns import (
    DEFAULT_POLICY,
    RefundMethod,
    ReturnDecision,
    ReturnPolicy,
    ReturnRequest,
    UnitReturn,
    decide_return,
    line_verdicts,
    offline_allowed,
)
from storeassist.domain.tokens import (
    SignedToken,
    TokenKind,
    TokenMalformed,
    TokenUnknownKey,
    parse_token,
    verify_token,
)
from storeassist.local import LocalStoreError, OutboxEntry
from storeassist.local.cache import KeptReturnOrder
from storeassist.services.counter_deadline import COUNTER_DEADLINE_S, CounterDeadline
from storeassist.services.outbox_commands import SignedInStaff, StaffCommandIssuer, utc_now
from storeassist.services.return_approvals import GivenApproval, GivenApprovals
from storeassist.services.return_collaborators import ReturnCache, ReturnHub, ReturnOutbox, ReturnSync
from storeassist.services.return_exchange import ReturnExchanges
from storeassist.services.return_receipts import return_receipt
from storeassist.services.return_requests import approval_request, command_id_of, lookup_refusal, take_payload
from storeassist.services.return_unconfirmed import UnconfirmedReturns, with_return

log = logging.getLogger("storeassist.returns")

#: Seconds a return waits for the hub's answer before its receipt says "pending confirmation".
TAKE_WAIT_S = 3.0
#: The signed codes that are an order's receipt: its order code, its purchase receipt, the receipt
#: of its pickup hand-over (the hub maps that one to its order).
RECEIPT_KINDS = frozenset({TokenKind.ORDER, TokenKind.PURCHASE_RECEIPT, TokenKind.HANDOVER_RECEIPT})
#: The codes that find an order to take back: its receipts, and the receipt of an earlier return of
#: it, which finds the order "without receipt" (the hub's rule too).
FINDING_KINDS = RECEIPT_KINDS | {TokenKind.RETURN_RECEIPT}


class ReturnDesk(StaffCommandIssuer):
    """The Returns screen's use cases (the ``returns`` service of ``DeviceServices``)."""

    def __init__(
        self,
        client: ReturnHub,
        cache: ReturnCache,
        outbox: ReturnOutbox,
        sync: ReturnSync,
        store_id: int,
        staff: SignedInStaff,
        *,
        policy: ReturnPolicy = DEFAULT_POLICY,
        offline_cap_cents: int | None = None,
        clock: Callable[[], datetime] = utc_now,
        counter_deadline_s: float = COUNTER_DEADLINE_S,
        take_wait_s: float = TAKE_WAIT_S,
        hub_went_quiet: Callable[[], None] = lambda: None,
    ) -> None:
        """``offline_cap_cents``: the tablet's setting (``returns_offline_cap_cents``), never above
        the policy's; ``hub_went_quiet`` tells the status strip the hub missed the counter's deadline."""
        super().__init__(outbox, store_id, staff, clock=clock)
        self._client = client
        self._cache = cache
        self._box = outbox
        self._sync = sync
        self._policy = policy
        cap = policy.offline_cap_cents
        self._offline_cap_cents = cap if offline_cap_cents is None else max(0, min(cap, offline_cap_cents))
        self._unconfirmed = UnconfirmedReturns(outbox, policy)
        self._exchanges = ReturnExchanges(cache, store_id)
        self._at_the_counter = CounterDeadline(counter_deadline_s, hub_went_quiet, "the returns counter")
        self._take_wait_s = take_wait_s
        #: Approvals the hub recorded on this tablet, by return id (the return.take command's id).
        self._approvals = GivenApprovals()

    @property
    def store_id(self) -> int:
        return self._store_id

    @property
    def offline_cap_cents(self) -> int:
        """The most a return taken with the hub out of reach may be worth (minor units)."""
        return self._offline_cap_cents

    # -- finding the order ------------------------------------------------------------------

    async def open_code(self, code: str, *, customer_id: int | None = None) -> OpenedReturn:
        """A scanned order or receipt code: "with receipt" (a return's receipt finds its order
        without). ``customer_id``: the customer the associate has open (the hub refuses an order of
        anyone else)."""
        self.signed_in()
        text = code.strip()
        verified = self._verified(text)
        try:
            lookup = ReturnLookup(code=text, customer_id=customer_id)
        except ValidationError:
            raise TokenMalformed() from None
        try:
            order = await self._at_the_counter(self._client.lookup_return(lookup))
        except HubRejected as exc:
            raise lookup_refusal(exc, verified, None) from exc
        except (HubConnectionError, HubServerError) as exc:
            if isinstance(verified, TokenUnknownKey):
                raise verified from exc  # this tablet cannot tell the code is genuine
            kept = self._kept_by_code(text, verified)
            if kept is None:
                raise ReturnNotFound("not_on_tablet") from exc
            self._check_customer(kept.order, customer_id)
            receipt = verified.kind in RECEIPT_KINDS  # checked here as the hub would
            shown = kept.order.model_copy(
                update={"with_receipt": receipt, "receipt_code": text if receipt else None}
            )
            return self._opened(shown, "cache", kept.laid_over, customer_id)
        self._keep(order, receipt_code=text)
        return self._opened(order, "online", frozenset(), customer_id)

    async def open_number(self, number: str, *, customer_id: int | None = None) -> OpenedReturn:
        """An order typed or picked by its number: "without receipt"."""
        self.signed_in()
        wanted = number.strip().upper()
        try:
            lookup = ReturnLookup(order_number=wanted, customer_id=customer_id)
        except ValidationError:
            raise ReturnNotFound("unknown_order", number.strip()[:20]) from None
        try:
            order = await self._at_the_counter(self._client.lookup_return(lookup))
        except HubRejected as exc:
            raise lookup_refusal(exc, None, wanted) from exc
        except (HubConnectionError, HubServerError) as exc:
            kept = self._read_kept(lambda now: self._cache.return_order_by_number(wanted, now=now))
            if kept is None:
                raise ReturnNotFound("not_on_tablet", wanted) from exc
            self._check_customer(kept.order, customer_id)
            shown = kept.order.model_copy(update={"with_receipt": False, "receipt_code": None})
            return self._opened(shown, "cache", kept.laid_over, customer_id)
        self._keep(order, receipt_code=None)
        return self._opened(order, "online", frozenset(), customer_id)

    # -- returns started at the kiosk --------------------------------------------------------

    async def kiosk_returns(self) -> tuple[KioskReturn, ...]:
        """Returns shoppers started at this store's kiosks and nobody has finished, newest first:
        the hub's within the counter's 3 s (raises its ``HubError``; nothing is kept on the tablet)."""
        self.signed_in()
        answer = await self._at_the_counter(self._client.kiosk_returns(self._store_id))
        return tuple(answer.returns)

    async def open_kiosk_return(self, kiosk_return: KioskReturn) -> OpenedReturn:
        """The order of a return started at the kiosk, opened with the code the shopper scanned
        ("with receipt"); the return taken from it names the kiosk's, which then leaves the list."""
        opened = await self.open_code(kiosk_return.code)
        return dataclasses.replace(opened, from_kiosk=kiosk_return)

    def _verified(self, code: str) -> SignedToken | TokenUnknownKey:
        """The code checked with this tablet's keys (its ``TokenError`` raised), or the
        ``TokenUnknownKey`` to raise if the hub cannot be asked (keys rotated since the last sync,
        or none yet: the hub knows every key, it decides)."""
        parse_token(code)  # a code of the wrong shape is refused before anything else
        try:
            keys = self._cache.verification_keys()
        except LocalStoreError as exc:
            # Left to the hub (the code is checked there); said, so a damaged cache is noticed.
            log.warning("the cached keys could not be read (%s)", type(exc).__name__)
            keys = {}
        try:
            if not keys:
                raise TokenUnknownKey()
            return verify_token(code, keys, now=self._clock(), expect=set(FINDING_KINDS), as_proof=True)
        except TokenUnknownKey as unknown:
            return unknown

    def _kept_by_code(self, code: str, verified: SignedToken) -> KeptReturnOrder | None:
        kept = self._read_kept(lambda now: self._cache.return_order_by_code(code, now=now))
        if kept is None and verified.kind in (
            TokenKind.ORDER,
            TokenKind.PURCHASE_RECEIPT,
        ):  # subject: the order
            kept = self._read_kept(lambda now: self._cache.return_order(verified.subject_id, now=now))
        return kept

    def _read_kept(self, read: Callable[[datetime], KeptReturnOrder | None]) -> KeptReturnOrder | None:
        try:
            return read(self._clock())
        except LocalStoreError as exc:
            log.warning("a kept order could not be read (%s)", type(exc).__name__)
            return None

    def _keep(self, order: ReturnableOrder, *, receipt_code: str | None) -> None:
        """Keep the hub's answer for offline use, for the personal-data lifetime from now."""
        try:
            self._cache.keep_return_order(order, now=self._clock(), receipt_code=receipt_code)
        except LocalStoreError as exc:
            log.warning("an order could not be kept for offline returns (%s)", type(exc).__name__)

    @staticmethod
    def _check_customer(order: ReturnableOrder, customer_id: int | None) -> None:
        if customer_id is not None and order.customer_id != customer_id:
            raise ReturnNotFound("order_of_another_customer", order.number)

    def _opened(
        self, order: ReturnableOrder, source: ReturnSource, already: frozenset[str], customer_id: int | None
    ) -> OpenedReturn:
        shown, waiting = self._unconfirmed.laid_over(order, already)
        verdicts = line_verdicts(
            order_facts(shown), self._policy, self._clock(), with_receipt=shown.with_receipt
        )
        return OpenedReturn(
            order=shown,
            verdicts=verdicts,
            source=source,
            waiting_to_sync=waiting,
            for_customer_id=customer_id,
        )

    # -- deciding ---------------------------------------------------------------------------

    def decide(
        self, opened: OpenedReturn, units: Sequence[UnitReturn], method: RefundMethod
    ) -> ReturnDecision:
        """What the policy makes of taking ``units`` back now, paid back by ``method``: raises the
        domain's ``ReturnInvalid``, or :class:`ReturnNotPossible` (``amount_out_of_range``) for a
        negative or absurd number of units."""
        return self._decide(opened, units, method, self._clock())

    def _decide(
        self, opened: OpenedReturn, units: Sequence[UnitReturn], method: RefundMethod, at: datetime
    ) -> ReturnDecision:
        for unit in units:
            if not 0 <= unit.qty <= MAX_QUANTITY:
                raise ReturnNotPossible("amount_out_of_range", {"line_no": unit.line_no, "qty": unit.qty})
        request = ReturnRequest(units=tuple(units), method=method, with_receipt=opened.order.with_receipt)
        return decide_return(opened.facts, request, self._policy, at)

    def exchange_options(self, opened: OpenedReturn, line_no: int) -> list[ExchangeOption]:
        """Other sizes and colours of a line's style at its price: units here, and at the kept
        places an endless-aisle order could come from (from the cache, so also offline)."""
        self.signed_in()
        return self._exchanges.options(opened, line_no)

    # -- a manager's approval ---------------------------------------------------------------

    def new_return_id(self) -> str:
        """A new return's id: its command's id, under which a manager's approval is recorded."""
        return str(uuid.uuid4())

    async def approve(
        self,
        opened: OpenedReturn,
        return_id: str,
        decision: ReturnDecision,
        *,
        badge: str | None,
        staff_number: str | None,
        pin: str,
        reason: str,
    ) -> ReturnApproval:
        """A manager approves return ``return_id`` of the opened order, as ``decision`` (what they
        are shown: the amount paid back and why a manager is needed), on this tablet with their
        badge or staff number and PIN, saying why; the associate stays signed in. The approval is
        of that return only: taken by this associate, of this order, paying back no more, for no
        other reason. Tried once (a wrong PIN counts at the hub). Refused: :class:`ApprovalRefused`
        with the hub's problem code (``sign_in_refused``, ``sign_in_wrong_store``,
        ``not_a_manager``, ``too_many_sign_in_attempts`` …), ``offline``, or, with nothing sent,
        ``manager_missing`` (no badge or number, or one of the wrong shape), ``pin_invalid`` (not
        4 to 8 digits) or ``reason_missing``. The PIN is never logged, kept or put in an error."""
        staff = self.signed_in()
        request = approval_request(return_id, opened, decision, (badge, staff_number), pin, reason)
        try:
            approval = await self._client.approve_return(request)
        except (HubConnectionError, HubServerError):
            raise ApprovalRefused("offline") from None
        except HubRejected as exc:
            raise ApprovalRefused(exc.code) from None
        self._approvals.add(
            GivenApproval(
                approval,
                staff.staff_id,
                request.order_id,
                request.paid_back_cents,
                frozenset(request.reasons),
            )
        )
        log.info("a manager (staff %d) approved a return", approval.manager_id)
        return approval

    # -- taking it back ---------------------------------------------------------------------

    async def take(
        self,
        opened: OpenedReturn,
        return_id: str,
        units: Sequence[UnitReturn],
        method: RefundMethod,
        exchange: Sequence[ExchangeLine],
    ) -> ReturnReceipt:
        """Take ``units`` of the opened order back, paid back by ``method`` (an exchange gives
        ``exchange``). Refused here, with nothing written, by the policy (``ReturnInvalid``) or
        :class:`ReturnNotPossible`: offline above the cap or needing a manager, online needing a
        manager not yet approved (``approval_required``), an exchange the hub would refuse, an
        amount out of range. Else the receipt is confirmed, waiting, refused or in conflict."""
        staff = self.signed_in()
        command_id = command_id_of(return_id)
        earlier = self._entry(command_id)
        if earlier is not None:  # the same "Take back" tapped again: the same return
            at = earlier.command.issued_at
            return return_receipt(
                opened.order.number, self._decide(opened, units, method, at), command_id, at, earlier
            )
        at = self._clock()
        decision = self._decide(opened, units, method, at)
        offline = opened.source == "cache" or self._sync.online is False
        approved = self._approvals.approved(
            str(command_id), staff.staff_id, opened.order.order_id, decision, at
        )
        self._check_may_take(opened, decision, approved is not None, offline)
        if method == "exchange":
            self._exchanges.check(opened, decision, exchange)
        payload = take_payload(
            opened, decision, units, method, exchange if method == "exchange" else (), offline
        )
        fields = self.fields(at=at, staff_id=staff.staff_id)
        fields["id"] = command_id  # the id a manager's approval was recorded under
        try:
            self.issue(TakeReturnCommand(**fields, type="return.take", payload=payload))
        except PayloadOutOfBounds as exc:  # the outbox's own check: nothing was queued
            raise ReturnNotPossible(
                "payload_out_of_bounds", {"bound": exc.bound, "limit": exc.limit}
            ) from None
        entry = await self._answer_for(command_id)
        receipt = return_receipt(opened.order.number, decision, command_id, at, entry)
        if receipt.status in ("confirmed", "waiting"):
            self._keep_taken(opened.order.order_id, decision, str(command_id))
        return receipt

    def _check_may_take(
        self, opened: OpenedReturn, decision: ReturnDecision, approved: bool, offline: bool
    ) -> None:
        """Offline: within the cap, and nothing a manager must approve (``offline_allowed``, as the
        hub checks a return that says it was taken offline; an approval given while the hub
        answered does not make one). Online: a return that needs a manager, approved here first
        (``approved``: an approval of this very return, by this associate, still valid)."""
        if offline and not offline_allowed(decision, self._offline_cap_cents):
            if decision.needs_manager:
                raise ReturnNotPossible("offline_needs_manager", {"order_number": opened.order.number})
            raise ReturnNotPossible("offline_over_cap", {"cap_cents": self._offline_cap_cents})
        if not offline and decision.needs_manager and not approved:
            reasons = ",".join(decision.approvals)
            raise ReturnNotPossible(
                "approval_required", {"order_number": opened.order.number, "reasons": reasons}
            )

    def _keep_taken(self, order_id: int, decision: ReturnDecision, return_id: str) -> None:
        """The kept copy of the order counts this return from now on (and says so), so the order
        opened offline later shows it taken, whether or not the hub has confirmed it yet."""
        kept = self._read_kept(lambda now: self._cache.return_order(order_id, now=now))
        if kept is None or return_id in kept.laid_over:
            return
        try:
            # Kept as long as the hub's answer was, no longer: a return taken here is no new answer.
            self._cache.count_return_in_kept_order(
                with_return(kept.order, decision), now=self._clock(), laid_over=[*kept.laid_over, return_id]
            )
        except LocalStoreError as exc:
            log.warning("a return could not be counted in the kept order (%s)", type(exc).__name__)

    def _entry(self, command_id: UUID) -> OutboxEntry | None:
        try:
            return self._box.get(command_id)
        except LocalStoreError as exc:  # saved, but its answer cannot be read just now
            log.warning("a return's answer could not be read (%s)", type(exc).__name__)
            return None

    async def _answer_for(self, command_id: UUID) -> OutboxEntry | None:
        """Push the outbox now and wait (at most the take's wait) for the hub's answer; the push
        goes on after the wait, and the round after that if it fails."""
        push = self._sync.push_soon()
        try:
            async with asyncio.timeout(self._take_wait_s):
                await asyncio.shield(push)
        except TimeoutError:
            log.info("the hub did not answer a return within %.0f s; it waits to sync", self._take_wait_s)
        except HubError as exc:
            log.info("a return waits to sync (%s)", type(exc).__name__)
        return self._entry(command_id)
