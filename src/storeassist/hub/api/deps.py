"""What every route needs: the app's database, the caller's device, JSON answers, bounded params."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.responses import Response

from storeassist.hub.services.access import CallingDevice, authenticate_device
from storeassist.hub.services.database import HubDatabase

#: Ids fit a 32-bit signed integer column everywhere (SQLite and PostgreSQL).
MAX_ID = 2**31 - 1
#: Free text from a search box: printable, short.
SEARCH_TEXT = r"^[^\x00-\x1f\x7f]*$"

_bearer = HTTPBearer(auto_error=False, description="the device credential from enrollment")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
EntityId = Annotated[int, Path(ge=1, le=MAX_ID)]
StoreQuery = Annotated[int, Query(ge=1, le=MAX_ID, description="the asking store")]
PageQuery = Annotated[int, Query(ge=0, le=10_000, description="0-based page")]
SearchQuery = Annotated[str, Query(max_length=100, pattern=SEARCH_TEXT)]


def database(request: Request) -> HubDatabase:
    db: HubDatabase = request.app.state.db
    return db


def caller(session: Session, credentials: HTTPAuthorizationCredentials | None) -> CallingDevice:
    """The device making the request (:class:`~storeassist.hub.services.errors.Unauthorized` if none)."""
    return authenticate_device(session, credentials.credentials if credentials is not None else None)


def wire_json(model: BaseModel, status_code: int = 200) -> Response:
    """Serialise a contract model straight to JSON; FastAPI's second validation pass is skipped
    because services build contract models already."""
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")


def wire_json_list(models: list[BaseModel]) -> Response:
    body = "[" + ",".join(model.model_dump_json() for model in models) + "]"
    return Response(body, media_type="application/json")
