"""Every error the hub answers is an RFC 9457 problem (``application/problem+json``, contract.Problem).

Validation errors are reworded briefly and never echo the input (it may hold a PIN or a code);
unexpected exceptions are logged with the route, not the request, and answered with a generic 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from storeassist import contract
from storeassist.hub.services.errors import HubError

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("storeassist.hub.api")

_HTTP_CODES = {
    400: ("bad_request", "Bad request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    406: ("not_acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("body_too_large", "Request body too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    422: ("invalid_request", "Invalid request"),
    429: ("too_many_requests", "Too many requests"),
    500: ("internal_error", "Internal error"),
}

#: Documented on every operation, so clients and schemathesis know the error shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": contract.Problem, "description": title}
    for status, (_code, title) in _HTTP_CODES.items()
    if status in (400, 401, 403, 404, 409, 413, 422, 500)
}


def problem_response(
    status: int, code: str, title: str, detail: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    body = contract.Problem(title=title, status=status, detail=detail, code=code)
    return Response(
        body.model_dump_json(), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def _hub_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HubError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return problem_response(exc.status, exc.code, exc.title, exc.detail, headers)


def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code, title = _HTTP_CODES.get(exc.status_code, ("http_error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
    if exc.status_code == 404 and detail == "Not Found":
        detail = "There is no such resource on this hub."
    return problem_response(exc.status_code, code, title, detail, dict(exc.headers or {}) or None)


def describe_validation_errors(errors: list[Any]) -> str:
    """``where: what`` for the first few errors; pydantic's ``input`` is deliberately left out."""
    parts = []
    for error in errors[:3]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body",)) or "request"
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return "; ".join(parts) + more


def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem_response(
            400, "malformed_json", "Malformed JSON", "The request body is not valid JSON."
        )
    return problem_response(422, "invalid_request", "Invalid request", describe_validation_errors(errors))


def _unexpected_error(request: Request, exc: Exception) -> Response:
    route = request.scope.get("route")
    where = getattr(route, "path", "?")
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, where, exc_info=exc)
    return problem_response(
        500,
        "internal_error",
        "Internal error",
        "The hub hit an unexpected error. It was logged; try again, or call support.",
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HubError, _hub_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)


def rewrite_problem_media_types(schema: dict[str, Any]) -> dict[str, Any]:
    """In the OpenAPI document, error answers are ``application/problem+json``, not ``application/json``."""
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[:1] in ("4", "5") and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    return schema
