"""What every route needs: the app's database, the caller's device and staff session, the store
scope, read limits, JSON answers and bounded params."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

from anyio import to_thread
from fastapi import Depends, Path, Query, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.responses import Response

from storeassist.contract.commands import RESULTS_HEADER, wants_pickup_orders, wants_stock_desk
from storeassist.contract.devices import STAFF_SESSION_HEADER
from storeassist.contract.shapes import exclusion_for, groups_in, groups_not_read
from storeassist.hub.services.access import CallingDevice, authenticate_device, require_kiosk
from storeassist.hub.services.audit_writer import AuditWriter
from storeassist.hub.services.counter_first import CounterFirst
from storeassist.hub.services.database import HubDatabase, utc_now
from storeassist.hub.services.errors import Forbidden, HubError
from storeassist.hub.services.read_limits import ReadKind, ReadLimiter, TooManyReads
from storeassist.hub.services.staff_sessions import StaffCaller, check_session, touch
from storeassist.hub.services.wire import Queryable

#: Ids fit a 32-bit signed integer column everywhere (SQLite and PostgreSQL).
MAX_ID = 2**31 - 1
#: Free text from a search box: printable, short.
SEARCH_TEXT = r"^[^\x00-\x1f\x7f]*$"

T = TypeVar("T")

_bearer = HTTPBearer(auto_error=False, description="the device credential from enrollment")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
_staff_header = APIKeyHeader(
    name=STAFF_SESSION_HEADER,
    auto_error=False,
    description="the staff session from POST /v1/staff/sign-in; needed for personal data and commands",
)
StaffToken = Annotated[str | None, Depends(_staff_header)]
EntityId = Annotated[int, Path(ge=1, le=MAX_ID)]
StoreQuery = Annotated[int, Query(ge=1, le=MAX_ID, description="the asking store")]
PageQuery = Annotated[int, Query(ge=0, le=10_000, description="0-based page")]
SearchQuery = Annotated[str, Query(max_length=100, pattern=SEARCH_TEXT)]


def database(request: Request) -> HubDatabase:
    db: HubDatabase = request.app.state.db
    return db


async def run_database_work(request: Request, db: HubDatabase, work: Callable[[], T]) -> T:
    """Run an ``async`` route's database work, for the hottest routes (a scan → profile), as
    counter work: a command batch steps aside while it runs (``counter_first``).

    On SQLite it runs inline on the event loop. The work is a millisecond of CPU under the GIL
    with short stretches inside SQLite, and handing it to a pool thread and back cost about
    0.15 ms a request in GIL and thread switches: a tenth of the whole request. While it runs
    the loop waits, as it would for a pool thread holding the GIL; a write that meets another
    process's lock waits in SQLite's busy handler (``busy_timeout``) with the loop stopped.

    On PostgreSQL it runs in the thread pool, as a sync route does: there the work is mostly
    waiting on the network, which must not stop the loop.
    """
    counter: CounterFirst = request.app.state.counter_first
    with counter.serving():
        if db.is_sqlite:
            return work()
        return await to_thread.run_sync(work)


def caller(session: Queryable, credentials: HTTPAuthorizationCredentials | None) -> CallingDevice:
    """The device making the request (:class:`~storeassist.hub.services.errors.Unauthorized` if none)."""
    return authenticate_device(session, credentials.credentials if credentials is not None else None)


def staff_caller(
    on: Queryable, credentials: HTTPAuthorizationCredentials | None, token: str | None
) -> StaffCaller:
    """The signed-in staff member on the calling device (``Unauthorized`` without a live session;
    403 ``kiosk_device`` from a kiosk, which has none)."""
    return check_session(on, caller(on, credentials), token)


def kiosk_caller(on: Queryable, credentials: HTTPAuthorizationCredentials | None) -> CallingDevice:
    """The calling device, which must be a kiosk (403 ``kiosk_only``): the ``/v1/kiosk/*`` routes."""
    device = caller(on, credentials)
    require_kiosk(device)
    return device


def own_store(device: CallingDevice, store_id: int | None) -> int:
    """The device's store; naming any other store in a request is refused (403 ``wrong_store``)."""
    if store_id is not None and store_id != device.store_id:
        raise Forbidden(
            "This device works for its own store only; another store's data is not served to it.",
            code="wrong_store",
        )
    return device.store_id


def renew_if_due(db: HubDatabase, staff: StaffCaller) -> None:
    """Keep a session in use alive (one write a minute at most per session)."""
    if staff.touch_due(utc_now()):
        with db.writing_statements() as connection:
            touch(connection, staff)


def limit_reads(request: Request, staff: StaffCaller, kind: ReadKind) -> None:
    """Spend one customer read of the staff member's budget; past it, 429 and (once) an audit alert.

    The budget belongs to the person, not the session: signing in again must not refill it. The
    alert goes through the audit writer, which never waits for SQLite's writer (this runs on the
    event loop during a scan)."""
    limiter: ReadLimiter = request.app.state.read_limiter
    budget_key = f"staff:{staff.staff_id}"
    try:
        limiter.take(budget_key, kind)
    except TooManyReads:
        if limiter.should_alert(budget_key):
            audit: AuditWriter = request.app.state.audit_writer
            audit.record(staff, action="privacy.burst", subject=f"staff:{staff.staff_id}")
        raise


def limit_kiosk_reads(request: Request, device: CallingDevice, kind: ReadKind) -> None:
    """As :func:`limit_reads`, for a kiosk: the budget is the kiosk device's (nobody signs in on
    it), so a kiosk scanning card after card is limited as a person reading profiles is."""
    limiter: ReadLimiter = request.app.state.read_limiter
    budget_key = f"kiosk:{device.id}"
    try:
        limiter.take(budget_key, kind)
    except TooManyReads:
        if limiter.should_alert(budget_key):
            audit: AuditWriter = request.app.state.audit_writer
            audit.record(device, action="privacy.burst", subject=f"device:{device.id}")
        raise


async def refuse_unknown_query(request: Request) -> None:
    """A query parameter the route does not take is refused (400), never silently ignored: a
    misspelt ``store_id`` must not fall back to a default. ``async`` so that FastAPI runs it on
    the event loop: a plain function dependency would cost every request a thread hand-off."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.query_params:
        return
    known: frozenset[str] | None = getattr(route, _QUERY_NAMES, None)
    if known is None:  # worked out once per route, and kept on the route itself
        known = frozenset(_walk_query_names(dependant))
        setattr(route, _QUERY_NAMES, known)
    unknown = set(request.query_params) - known
    if unknown:
        raise HubError(
            "This request has query parameters the hub does not take. Check the API document.",
            code="unknown_parameter",
        )


_QUERY_NAMES = "_storeassist_query_names"


def _walk_query_names(dependant: Any) -> Iterator[str]:
    for param in dependant.query_params:
        yield param.alias
    for sub in dependant.dependencies:
        yield from _walk_query_names(sub)


def reads_pickup_orders(request: Request) -> bool:
    """Whether the caller reads the pickup fields of orders (``X-StoreAssist-Results`` lists
    ``pickup_orders``, as this release's app does). Part of the key of anything that keeps an
    answer with orders serialised: the two shapes differ."""
    return wants_pickup_orders(request.headers.get(RESULTS_HEADER))


def reads_stock_desk(request: Request) -> bool:
    """Whether the caller reads the stock desk's fields (``X-StoreAssist-Results`` lists
    ``stock_desk``): then its feed is of the stock desk's shape (``services.change_feed``)."""
    return wants_stock_desk(request.headers.get(RESULTS_HEADER))


def wire_text(model: BaseModel, request: Request | None = None) -> str:
    """A contract model's JSON, in the shape the caller reads: fields of a release's group
    (``contract.shapes``: the pickup fields of orders, the stock desk's fields of products, stock
    answers and the feed), at any depth, are left out for a caller whose ``X-StoreAssist-Results``
    does not list the group, a tablet of the release before. Such an answer needs the
    ``request``; any other is the same for every caller."""
    if not groups_in(type(model)):
        return model.model_dump_json()
    if request is None:
        raise TypeError(
            f"{type(model).__name__} has fields some tablets do not read: pass the request, whose "
            "header says its shape"
        )
    exclude = exclusion_for(type(model), groups_not_read(request.headers.get(RESULTS_HEADER)))
    if exclude is None:
        return model.model_dump_json()
    return model.model_dump_json(exclude=exclude)


def wire_json(model: BaseModel, status_code: int = 200, *, request: Request | None = None) -> Response:
    """Serialise a contract model straight to JSON (:func:`wire_text`: an answer with grouped
    fields needs the ``request``, and varies with its ``X-StoreAssist-Results``); FastAPI's second
    validation pass is skipped because services build contract models already."""
    body = wire_text(model, request)
    headers = _VARIES_BY_RESULTS if groups_in(type(model)) else None
    return Response(body, status_code=status_code, headers=headers, media_type="application/json")


_VARIES_BY_RESULTS = {"Vary": RESULTS_HEADER}


def wire_json_list(models: list[BaseModel], *, request: Request | None = None) -> Response:
    body = "[" + ",".join(wire_text(model, request) for model in models) + "]"
    return Response(body, media_type="application/json")
