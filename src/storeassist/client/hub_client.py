"""``HubClient``: every ``/v1`` call of docs/api.md, returning contract models or raising a ``HubError``.

One ``httpx.AsyncClient`` lives as long as the app, so connections are reused. Calls that are
safe to repeat (GETs, and the POSTs the hub deduplicates) are retried with exponential
backoff and full jitter when the hub gives no answer or a 5xx; everything else is tried once,
because repeating it could do it twice (an enrolment code is consumed by the first attempt).

Logging names the route, never the URL: paths and queries can carry customer ids, phone
numbers and tokens.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from storeassist.client.errors import (
    STAFF_SESSION_CODES,
    DeviceRevoked,
    HubAuthError,
    HubError,
    HubNotFound,
    HubProtocolError,
    HubRejected,
    HubServerError,
    HubTimeout,
    HubUnreachable,
    StaffSessionRequired,
)
from storeassist.contract import (
    RESULTS_HEADER,
    RESULTS_THIS_APP_READS,
    AssistRequests,
    ChangeFeed,
    CommandBatch,
    CommandBatchResult,
    CustomerPage,
    CustomerProfile,
    EnrollRequest,
    EnrollResponse,
    KioskExit,
    KioskHoldRequest,
    KioskOrder,
    KioskPickup,
    KioskPickupAnswer,
    KioskProblem,
    KioskReturnLookup,
    KioskReturns,
    KioskReturnStart,
    KioskReturnStarted,
    KioskScan,
    KioskShopper,
    Order,
    PickupCodeAnswer,
    PickupCodeCheck,
    PickupQueue,
    Problem,
    ProductPage,
    PublicKeys,
    RecommendationList,
    ResolveTokenRequest,
    ReturnableOrder,
    ReturnApproval,
    ReturnApprovalRequest,
    ReturnLookup,
    StaffSession,
    StaffSignInRequest,
    StockAnswer,
    StoreHolds,
    StoreInfo,
)
from storeassist.contract.devices import STAFF_SESSION_HEADER

log = logging.getLogger("storeassist.client")

T = TypeVar("T")

#: A credential, or a function that returns the current one (read from the keyring when needed).
CredentialSource = str | Callable[[], str | None] | None

DEFAULT_TIMEOUT = httpx.Timeout(connect=3.0, read=10.0, write=10.0, pool=3.0)

_HEALTH = TypeAdapter(dict[str, str])
_STORES = TypeAdapter(list[StoreInfo])


class HubClient:
    """The hub's HTTP API. Create once, share, and ``await aclose()`` at shutdown."""

    def __init__(
        self,
        base_url: str,
        credential: CredentialSource = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        max_attempts: int = 3,
        backoff_base_s: float = 0.25,
        backoff_cap_s: float = 4.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._credential = credential
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            transport=transport,
            # Every request says which of the hub's optional fields this release reads (result
            # codes, the pickup fields of orders): a hub leaves them out for older tablets, whose
            # contract refuses unknown fields.
            headers={"Accept": "application/json", RESULTS_HEADER: RESULTS_THIS_APP_READS},
        )
        self._max_attempts = max(1, max_attempts)
        self._backoff_base_s = backoff_base_s
        self._backoff_cap_s = backoff_cap_s
        self._sleep = sleep
        self._jitter = jitter
        self._reachability_listeners: list[Callable[[bool], None]] = []
        #: The last call gave up without an answer: the next one is tried once, not retried, so
        #: an associate working offline gets the device's answer at once (the sync engine's
        #: rounds keep probing, and the first answer restores retries).
        self._gave_up = False
        #: The hub's session for the staff member signed in through this client, sent with
        #: every authenticated call; the hub needs it for personal data and commands.
        self._staff_token: str | None = None
        self._staff_session_listeners: list[Callable[[], None]] = []
        self._revocation_listeners: list[Callable[[DeviceRevoked], None]] = []

    @property
    def has_staff_session(self) -> bool:
        return self._staff_token is not None

    def add_staff_session_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` when the hub says the staff session is missing or has ended, so the
        app can sign the person out on screen too ("Sign in first")."""
        self._staff_session_listeners.append(listener)

    def add_revocation_listener(self, listener: Callable[[DeviceRevoked], None]) -> None:
        """Call ``listener(error)`` whenever the hub answers any call of this client 401
        ``device_revoked`` (the error carries IT's reason), so sync can stop and the shell say why."""
        self._revocation_listeners.append(listener)

    def forget_staff_session(self) -> None:
        """Stop sending the staff session (the hub ends it on its own when idle)."""
        self._staff_token = None

    def note_gave_up(self) -> None:
        """A caller stopped waiting for the hub (a counter lookup's deadline): treat it as a call
        that gave up, so the device shows Offline now and the next call is not retried."""
        self._gave_up = True
        self._report_reachability(False)

    def add_reachability_listener(self, listener: Callable[[bool], None]) -> None:
        """Call ``listener(True)`` whenever the hub answers, ``listener(False)`` when a call gives up
        without an answer (or with only 5xx). Any caller's request counts, not only the sync engine's,
        so a lookup that falls back to the cache shows the device offline at once."""
        self._reachability_listeners.append(listener)

    def _report_reachability(self, reachable: bool) -> None:
        for listener in self._reachability_listeners:
            try:
                listener(reachable)
            except Exception:
                log.exception("reachability listener failed")

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> HubClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    # -- the API, in the order of docs/api.md -------------------------------------------------

    async def health(self) -> dict[str, str]:
        return await self._call("GET", "/v1/health", _HEALTH, auth=False, idempotent=True)

    async def enroll(self, request: EnrollRequest) -> EnrollResponse:
        # Not retried: the first attempt may have consumed the one-time code.
        return await self._call(
            "POST", "/v1/devices/enroll", EnrollResponse, body=request, auth=False, idempotent=False
        )

    async def public_keys(self) -> PublicKeys:
        return await self._call("GET", "/v1/keys", PublicKeys, auth=False, idempotent=True)

    async def staff_sign_in(self, request: StaffSignInRequest) -> StaffSession:
        """Sign a staff member in; later calls carry their session until sign-out."""
        session = await self._call("POST", "/v1/staff/sign-in", StaffSession, body=request, idempotent=False)
        self._staff_token = session.session_token
        return session

    async def staff_sign_out(self) -> None:
        """End the staff session at the hub (and stop sending it). Without one, nothing is sent."""
        ending = self._staff_token
        if ending is None:
            return
        try:
            await self._call("POST", "/v1/staff/sign-out", None, idempotent=False)
        finally:
            # Someone may have signed in while the sign-out was on its way: keep their session.
            if self._staff_token == ending:
                self._staff_token = None

    async def resolve_customer(
        self, token: str, store_id: int | None = None, staff_id: int | None = None
    ) -> CustomerProfile:
        body = ResolveTokenRequest(token=token, store_id=store_id, staff_id=staff_id)
        return await self._call("POST", "/v1/customers/resolve", CustomerProfile, body=body, idempotent=True)

    async def search_customers(self, q: str, page: int | None = None) -> CustomerPage:
        params: dict[str, Any] = {"q": q} if page is None else {"q": q, "page": page}
        return await self._call(
            "GET", "/v1/customers", CustomerPage, params=params, idempotent=True, route="/v1/customers?q"
        )

    async def customer_profile(
        self, customer_id: int, store_id: int, staff_id: int | None = None
    ) -> CustomerProfile:
        params = {"store_id": store_id} if staff_id is None else {"store_id": store_id, "staff_id": staff_id}
        return await self._call(
            "GET",
            f"/v1/customers/{customer_id}/profile",
            CustomerProfile,
            params=params,
            idempotent=True,
            route="/v1/customers/{id}/profile",
        )

    async def recommendations(self, customer_id: int, store_id: int, limit: int = 10) -> RecommendationList:
        return await self._call(
            "GET",
            f"/v1/customers/{customer_id}/recommendations",
            RecommendationList,
            params={"store_id": store_id, "limit": limit},
            idempotent=True,
            route="/v1/customers/{id}/recommendations",
        )

    async def resolve_order(self, token: str, store_id: int | None = None) -> Order:
        body = ResolveTokenRequest(token=token, store_id=store_id)
        return await self._call("POST", "/v1/orders/resolve", Order, body=body, idempotent=True)

    async def order(self, number: str) -> Order:
        return await self._call(
            "GET", f"/v1/orders/{_segment(number)}", Order, idempotent=True, route="/v1/orders/{number}"
        )

    async def check_pickup_code(self, order_id: int, store_id: int, code: str) -> PickupCodeAnswer:
        """A pickup code the customer read out, checked at the hub, which counts wrong ones.

        Not retried: a repeat could count one wrong code twice and lock the order."""
        return await self._call(
            "POST",
            f"/v1/orders/{order_id}/pickup-code",
            PickupCodeAnswer,
            body=PickupCodeCheck(store_id=store_id, code=code),
            idempotent=False,
            route="/v1/orders/{id}/pickup-code",
        )

    async def lookup_return(self, lookup: ReturnLookup) -> ReturnableOrder:
        """An order to take back, by scanned code or typed number (the body carries the code)."""
        return await self._call("POST", "/v1/returns/lookup", ReturnableOrder, body=lookup, idempotent=True)

    async def approve_return(self, request: ReturnApprovalRequest) -> ReturnApproval:
        """A manager's approval of one return. Not retried, like a sign-in: a repeat could count a
        wrong PIN twice. The PIN travels only in the body, which is never logged."""
        return await self._call(
            "POST", "/v1/returns/approvals", ReturnApproval, body=request, idempotent=False
        )

    async def stores(self) -> list[StoreInfo]:
        return await self._call("GET", "/v1/stores", _STORES, idempotent=True)

    async def pickups(self, store_id: int) -> PickupQueue:
        return await self._call(
            "GET",
            f"/v1/stores/{store_id}/pickups",
            PickupQueue,
            idempotent=True,
            route="/v1/stores/{id}/pickups",
        )

    async def store_holds(self, store_id: int) -> StoreHolds:
        """The store's holds: active ones, then those ended in the last 7 days (a staff session)."""
        return await self._call(
            "GET",
            f"/v1/stores/{store_id}/holds",
            StoreHolds,
            idempotent=True,
            route="/v1/stores/{id}/holds",
        )

    async def assist_requests(self, store_id: int) -> AssistRequests:
        """What shoppers at the store's kiosks asked for ("hold it for me"), open ones, oldest
        first (a staff session)."""
        return await self._call(
            "GET",
            f"/v1/stores/{store_id}/assist-requests",
            AssistRequests,
            idempotent=True,
            route="/v1/stores/{id}/assist-requests",
        )

    async def assist_request_done(self, store_id: int, request_id: int) -> None:
        """An associate saw to a shopper's request (a staff session). Safe to repeat: done stays done."""
        await self._call(
            "POST",
            f"/v1/stores/{store_id}/assist-requests/{request_id}/done",
            None,
            idempotent=True,
            route="/v1/stores/{id}/assist-requests/{rid}/done",
        )

    async def kiosk_returns(self, store_id: int) -> KioskReturns:
        """Returns shoppers started at the store's kiosks and nobody finished yet, newest first
        (a staff session)."""
        return await self._call(
            "GET",
            f"/v1/stores/{store_id}/kiosk-returns",
            KioskReturns,
            idempotent=True,
            route="/v1/stores/{id}/kiosk-returns",
        )

    async def changes(self, store_id: int, cursor: str, limit: int = 500) -> ChangeFeed:
        return await self._call(
            "GET",
            f"/v1/stores/{store_id}/changes",
            ChangeFeed,
            params={"cursor": cursor, "limit": limit},
            idempotent=True,
            route="/v1/stores/{id}/changes",
        )

    async def stock(self, sku_or_gtin: str, store_id: int) -> StockAnswer:
        return await self._call(
            "GET",
            f"/v1/stock/{_segment(sku_or_gtin)}",
            StockAnswer,
            params={"store_id": store_id},
            idempotent=True,
            route="/v1/stock/{sku}",
        )

    async def products(self, q: str, page: int | None = None) -> ProductPage:
        params: dict[str, Any] = {"q": q} if page is None else {"q": q, "page": page}
        return await self._call("GET", "/v1/products", ProductPage, params=params, idempotent=True)

    async def push_commands(self, batch: CommandBatch) -> CommandBatchResult:
        # Safe to repeat: the hub applies each command id at most once and replays the first answer.
        # The client's RESULTS_HEADER asks for each result's code and params, which the outbox and
        # screens word; a hub leaves them out for tablets from before codes, whose contract refuses them.
        return await self._call("POST", "/v1/commands", CommandBatchResult, body=batch, idempotent=True)

    # -- the self-service kiosk (a kiosk device only; no staff session) ---------------------------

    async def kiosk_shopper(self, token: str) -> KioskShopper:
        """What the kiosk may show the shopper whose loyalty code was scanned. A read (retried);
        the code travels only in the body, which is never logged."""
        return await self._call(
            "POST", "/v1/kiosk/shopper", KioskShopper, body=KioskScan(token=token), idempotent=True
        )

    async def kiosk_hold_request(self, request: KioskHoldRequest) -> None:
        """ "Ask an associate to hold it". Retried only with a ``request_id``, which the hub
        applies once: without one a repeat would list the request twice."""
        await self._call(
            "POST", "/v1/kiosk/hold-requests", None, body=request, idempotent=request.request_id is not None
        )

    async def kiosk_pickup(self, request: KioskPickup) -> KioskPickupAnswer:
        """Self-pickup. Not retried: a repeat could count one wrong pickup code twice."""
        return await self._call("POST", "/v1/kiosk/pickup", KioskPickupAnswer, body=request, idempotent=False)

    async def kiosk_return_order(self, code: str) -> KioskOrder:
        """The lines of the order a scanned receipt or order code names, for a shopper's return."""
        return await self._call(
            "POST",
            "/v1/kiosk/returns/lookup",
            KioskOrder,
            body=KioskReturnLookup(code=code),
            idempotent=True,
        )

    async def kiosk_start_return(self, request: KioskReturnStart) -> KioskReturnStarted:
        """Start a return for an associate to finish. Retried only with a ``request_id``, which the
        hub applies once (a repeat answers the first reference): without one it would start twice."""
        return await self._call(
            "POST",
            "/v1/kiosk/returns",
            KioskReturnStarted,
            body=request,
            idempotent=request.request_id is not None,
        )

    async def kiosk_exit(self, request: KioskExit) -> None:
        """A manager lets the kiosk leave kiosk mode. Not retried, like a sign-in: a repeat could
        count a wrong PIN twice. The PIN travels only in the body, which is never logged."""
        await self._call("POST", "/v1/kiosk/exit", None, body=request, idempotent=False)

    async def kiosk_changes(self, cursor: str, limit: int = 500) -> ChangeFeed:
        """One page of the kiosk's feed: products, stock, kept places and revoked cards only."""
        return await self._call(
            "GET",
            "/v1/kiosk/changes",
            ChangeFeed,
            params={"cursor": cursor, "limit": limit},
            idempotent=True,
        )

    # -- plumbing -------------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        model: type[T] | TypeAdapter[T] | None,
        *,
        body: BaseModel | None = None,
        params: dict[str, Any] | None = None,
        auth: bool = True,
        idempotent: bool,
        route: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> T:
        route = route or path
        headers = dict(extra_headers or {})
        if auth:
            headers["Authorization"] = f"Bearer {self._require_credential()}"
        sent_session = self._staff_token if auth else None
        if sent_session is not None:
            headers[STAFF_SESSION_HEADER] = sent_session
        content = body.model_dump_json().encode() if body is not None else None
        if content is not None:
            headers["Content-Type"] = "application/json"
        attempts = self._max_attempts if idempotent and not self._gave_up else 1
        for attempt in range(1, attempts + 1):
            started = time.perf_counter()
            try:
                response = await self._http.request(
                    method, path, params=params, content=content, headers=headers
                )
            except httpx.TimeoutException as exc:
                failure: HubError = HubTimeout()
                cause: BaseException = exc
            except httpx.TransportError as exc:
                failure, cause = HubUnreachable(), exc
            else:
                elapsed_ms = (time.perf_counter() - started) * 1000
                log.debug("%s %s → %d in %.0f ms", method, route, response.status_code, elapsed_ms)
                if response.status_code < 500:
                    self._gave_up = False
                    self._report_reachability(True)
                    try:
                        return _parse(response, model, route)
                    except StaffSessionRequired:
                        self._staff_session_lost(sent_session)
                        raise
                    except DeviceRevoked as revoked:
                        self._device_revoked(revoked)
                        raise
                failure, cause = HubServerError(response.status_code), _StatusError(response.status_code)
            if attempt == attempts:
                self._gave_up = True
                self._report_reachability(False)
                log.warning(
                    "%s %s failed after %d attempt(s): %s", method, route, attempt, type(failure).__name__
                )
                raise failure from cause
            delay = self._jitter() * min(self._backoff_cap_s, self._backoff_base_s * 2 ** (attempt - 1))
            log.info("%s %s: %s, retrying in %.2f s", method, route, type(failure).__name__, delay)
            await self._sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")

    def _staff_session_lost(self, sent_session: str | None) -> None:
        """The hub refused the session this call carried. Only that session is lost: a call made
        before anyone signed in, or before a newer sign-in, must not sign the newer person out."""
        if sent_session is None or sent_session != self._staff_token:
            return
        self._staff_token = None
        for listener in list(self._staff_session_listeners):
            try:
                listener()
            except Exception:
                log.exception("staff session listener failed")

    def _device_revoked(self, error: DeviceRevoked) -> None:
        for listener in list(self._revocation_listeners):
            try:
                listener(error)
            except Exception:
                log.exception("revocation listener failed")

    def _require_credential(self) -> str:
        credential = self._credential() if callable(self._credential) else self._credential
        if not credential:
            raise HubAuthError("This device is not enrolled yet. Enrol it with a code from the back office.")
        return credential


class _StatusError(Exception):
    """The chained cause of a ``HubServerError``, for the log's traceback."""


def _segment(value: str) -> str:
    return quote(value, safe="")


def _parse(response: httpx.Response, model: type[T] | TypeAdapter[T] | None, route: str) -> T:
    status = response.status_code
    if status == 401:
        problem = _problem(response)
        if problem.code in STAFF_SESSION_CODES:
            raise StaffSessionRequired(problem)
        if problem.code == "device_revoked":
            raise DeviceRevoked(problem, _revoked_reason(problem))
        raise HubAuthError(problem=problem)
    if status == 404:
        raise HubNotFound(_problem(response))
    if 400 <= status < 500:
        raise HubRejected(_problem(response))
    if not 200 <= status < 300:
        raise HubProtocolError()
    if model is None:  # an answer with no body (204)
        return None  # type: ignore[return-value]
    adapter = model if isinstance(model, TypeAdapter) else TypeAdapter(model)
    try:
        return adapter.validate_json(response.content)
    except ValidationError as exc:
        # The contract is shared, so this is a version mismatch or a bug; the details go to
        # the log without the body, which may hold personal data.
        log.error("%s answered a body that does not match the contract (%d errors)", route, exc.error_count())
        raise HubProtocolError() from None


#: How the hub's ``device_revoked`` detail names IT's reason: "… revoked at the back office (why)."
#: Read only from an older hub, which sends no ``params.reason``; a reason holding ")." is cut there.
_REVOKED_WHY = re.compile(r"revoked at the back office \((?P<why>.+?)\)\.")


def _revoked_reason(problem: Problem) -> str | None:
    """IT's reason for revoking this device: the problem's ``params.reason`` if the hub sends it,
    else the one its detail names in brackets; None when none was given."""
    if isinstance(problem, KioskProblem):
        reason = problem.params.get("reason")
        if isinstance(reason, str) and reason.strip():
            return reason.strip()
    found = _REVOKED_WHY.search(problem.detail or "")
    return found.group("why").strip() if found else None


def _problem(response: httpx.Response) -> Problem:
    """The answer's Problem body, read leniently: a proxy or a framework default may answer instead.
    A refusal with ``params`` (values a kiosk words: ``pickup_code_wrong``'s ``tries_left``) is a
    :class:`~storeassist.contract.KioskProblem`; params that do not fit the contract are dropped."""
    data: Any
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        data = {}
    detail = data.get("detail")
    problem = Problem(
        type=str(data.get("type") or "about:blank"),
        title=str(data.get("title") or "The back office refused this request."),
        status=response.status_code,
        # A framework's validation detail is a list echoing the input; it is not for a person.
        detail=detail if isinstance(detail, str) else None,
        code=str(data.get("code") or _default_code(response.status_code)),
    )
    params = data.get("params")
    if not isinstance(params, dict) or not params:
        return problem
    try:
        return KioskProblem(**problem.model_dump(), params=params)
    except ValidationError:
        log.info("a refusal's params do not fit the contract (%s); left out", problem.code)
        return problem


def _default_code(status: int) -> str:
    return {401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict", 422: "invalid"}.get(
        status, f"http_{status}"
    )
