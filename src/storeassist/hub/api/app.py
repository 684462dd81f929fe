"""Building the hub's FastAPI application for one database.

Everything the app holds lives on ``app.state`` (the database handle, the recommender's and
the pickup queues' per-process caches); no module-level state, so several hub processes can
share one PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import Depends, FastAPI

from storeassist.hub.api import (
    routes_catalog,
    routes_commands,
    routes_customers,
    routes_devices,
    routes_kiosk,
    routes_orders,
    routes_returns,
    routes_stores,
)
from storeassist.hub.api.body_limit import MAX_BODY_BYTES, BodySizeLimit
from storeassist.hub.api.deps import refuse_unknown_query
from storeassist.hub.api.problems import install_problem_handlers, rewrite_problem_media_types
from storeassist.hub.recommend import Recommender
from storeassist.hub.services.audit_writer import AuditWriter
from storeassist.hub.services.counter_first import CounterFirst
from storeassist.hub.services.database import HubDatabase
from storeassist.hub.services.holds import EXPIRY_SWEEP_SECONDS, sweep_expired_holds
from storeassist.hub.services.kept_queues import KeptQueues
from storeassist.hub.services.read_limits import ReadBudget, ReadKind, ReadLimiter
from storeassist.hub.services.sign_in_limits import SignInLimiter

#: Threads serving requests at once; see :func:`default_request_threads`.
SQLITE_REQUEST_THREADS = 2
POSTGRES_REQUEST_THREADS = 16


def create_app(
    db_url: str,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    request_threads: int | None = None,
    read_budgets: dict[ReadKind, ReadBudget] | None = None,
    serve_docs: bool = False,
    hold_sweep_seconds: float | None = EXPIRY_SWEEP_SECONDS,
) -> FastAPI:
    """The hub API over ``db_url`` (an SQLite path or URL, or a PostgreSQL URL).

    ``request_threads`` caps the threads that run the (synchronous) routes; by default
    :func:`default_request_threads` for the database. ``read_budgets`` replaces the customer
    read limits per staff session (``read_limits.DEFAULT_BUDGETS``). ``serve_docs`` serves the
    interactive API pages ``/docs`` and ``/redoc``; a store's hub leaves them off (the OpenAPI
    document itself is always at ``/openapi.json``). Every ``hold_sweep_seconds`` (None: never)
    holds past their time expire and release their units (``services.holds``).
    """
    db = HubDatabase(db_url)
    audit_writer = AuditWriter(db)
    threads = request_threads or default_request_threads(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The limiter belongs to the event loop serving this app, so set it once that loop runs.
        to_thread.current_default_thread_limiter().total_tokens = threads
        sweeper = asyncio.create_task(_sweep_holds(db, hold_sweep_seconds)) if hold_sweep_seconds else None
        building = recommender.warm()
        yield
        if sweeper is not None:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
        await to_thread.run_sync(building.join, 60.0)  # a build reads the database about to close
        audit_writer.close()
        db.dispose()

    app = FastAPI(
        title="StoreAssist hub",
        version="1",
        description="The StoreAssist back office API. Errors are RFC 9457 problems "
        "(application/problem+json).",
        lifespan=lifespan,
        dependencies=[Depends(refuse_unknown_query)],
        docs_url="/docs" if serve_docs else None,
        redoc_url="/redoc" if serve_docs else None,
    )
    app.state.db = db
    app.state.recommender = recommender = Recommender(db)
    app.state.sign_in_limiter = SignInLimiter()
    app.state.read_limiter = ReadLimiter(read_budgets)
    app.state.audit_writer = audit_writer
    app.state.counter_first = CounterFirst()
    app.state.kept_queues = KeptQueues()
    for module in (
        routes_devices,
        routes_customers,
        routes_orders,
        routes_returns,
        routes_stores,
        routes_catalog,
        routes_commands,
        routes_kiosk,
    ):
        app.include_router(module.router)
    install_problem_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            app.openapi_schema = rewrite_problem_media_types(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


async def _sweep_holds(db: HubDatabase, every: float) -> None:
    """End holds past their time, every ``every`` seconds, until cancelled; a failure is logged
    and the next sweep tries again."""
    while True:
        await asyncio.sleep(every)
        try:
            ended = await to_thread.run_sync(sweep_expired_holds, db)
        except Exception:
            _log.exception("the hold expiry sweep failed; trying again in %.0f s", every)
        else:
            if ended:
                _log.info("%d holds expired", ended)


_log = logging.getLogger("storeassist.hub.holds")


def default_request_threads(db: HubDatabase) -> int:
    """How many sync routes run at once in one hub process (anyio's pool; 40 by default).

    On SQLite a request is CPU work under the GIL with short stretches inside SQLite, so threads
    beyond the cores only add GIL hand-offs and context switches: with 8 concurrent scans on 2
    cores, a request cost 1.4-2x the CPU with 40 threads that it did with one, about 1.8x with
    4, 1.05-1.4x with 2. Two, not one, so one slow request (a long pickup queue, a cold
    recommender) does not queue every other behind it. PostgreSQL requests wait on the network,
    where more threads help.
    """
    return SQLITE_REQUEST_THREADS if db.is_sqlite else POSTGRES_REQUEST_THREADS
