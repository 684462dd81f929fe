"""Building the hub's FastAPI application for one database.

Everything the app holds lives on ``app.state`` (the database handle and the recommender's
per-process cache); no module-level state, so several hub processes can share one PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from storeassist.hub.api import (
    routes_catalog,
    routes_commands,
    routes_customers,
    routes_devices,
    routes_orders,
    routes_stores,
)
from storeassist.hub.api.body_limit import MAX_BODY_BYTES, BodySizeLimit
from storeassist.hub.api.problems import install_problem_handlers, rewrite_problem_media_types
from storeassist.hub.recommend import Recommender
from storeassist.hub.services.database import HubDatabase


def create_app(db_url: str, *, max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The hub API over ``db_url`` (an SQLite path or URL, or a PostgreSQL URL)."""
    db = HubDatabase(db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        db.dispose()

    app = FastAPI(
        title="StoreAssist hub",
        version="1",
        description="The StoreAssist back office API. Errors are RFC 9457 problems "
        "(application/problem+json).",
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.recommender = Recommender()
    for module in (
        routes_devices,
        routes_customers,
        routes_orders,
        routes_stores,
        routes_catalog,
        routes_commands,
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
