"""What every route needs: the app's database, the caller's device, JSON answers, bounded params."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from anyio import to_thread
from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.responses import Response

from storeassist.hub.services.access import CallingDevice, authenticate_device
from storeassist.hub.services.database import HubDatabase
from storeassist.hub.services.wire import Queryable

#: Ids fit a 32-bit signed integer column everywhere (SQLite and PostgreSQL).
MAX_ID = 2**31 - 1
#: Free text from a search box: printable, short.
SEARCH_TEXT = r"^[^\x00-\x1f\x7f]*$"

T = TypeVar("T")

_bearer = HTTPBearer(auto_error=False, description="the device credential from enrollment")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
EntityId = Annotated[int, Path(ge=1, le=MAX_ID)]
StoreQuery = Annotated[int, Query(ge=1, le=MAX_ID, description="the asking store")]
PageQuery = Annotated[int, Query(ge=0, le=10_000, description="0-based page")]
SearchQuery = Annotated[str, Query(max_length=100, pattern=SEARCH_TEXT)]


def database(request: Request) -> HubDatabase:
    db: HubDatabase = request.app.state.db
    return db


async def run_database_work(db: HubDatabase, work: Callable[[], T]) -> T:
    """Run an ``async`` route's database work, for the hottest routes (a scan → profile).

    On SQLite it runs inline on the event loop. The work is a millisecond of CPU under the GIL
    with short stretches inside SQLite, and handing it to a pool thread and back cost about
    0.15 ms a request in GIL and thread switches: a tenth of the whole request. While it runs
    the loop waits, as it would for a pool thread holding the GIL; a write that meets another
    process's lock waits in SQLite's busy handler (``busy_timeout``) with the loop stopped.

    On PostgreSQL it runs in the thread pool, as a sync route does: there the work is mostly
    waiting on the network, which must not stop the loop.
    """
    if db.is_sqlite:
        return work()
    return await to_thread.run_sync(work)


def caller(session: Queryable, credentials: HTTPAuthorizationCredentials | None) -> CallingDevice:
    """The device making the request (:class:`~storeassist.hub.services.errors.Unauthorized` if none)."""
    return authenticate_device(session, credentials.credentials if credentials is not None else None)


def wire_json(model: BaseModel, status_code: int = 200) -> Response:
    """Serialise a contract model straight to JSON; FastAPI's second validation pass is skipped
    because services build contract models already."""
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")


def wire_json_list(models: list[BaseModel]) -> Response:
    body = "[" + ",".join(model.model_dump_json() for model in models) + "]"
    return Response(body, media_type="application/json")
