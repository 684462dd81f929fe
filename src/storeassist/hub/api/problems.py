"""Every error the hub answers is an RFC 9457 problem (``application/problem+json``, contract.Problem).

Validation errors are reworded briefly and never echo the input (it may hold a PIN or a code);
unexpected exceptions are logged with the route, not the request, and answered with a generic 500.

Bad input is never a 500. Besides validation errors, two exceptions can only come from input
that no bound caught (a number too big for a database integer, nesting too deep to walk), and
are answered 400 (``number_out_of_range``, ``input_too_deep``) and logged as a warning. These
handlers, unlike the one for unexpected exceptions, answer without re-raising, so the server
keeps the client's keep-alive connection: a client's mistake does not cost it its connection.
"""

from __future__ import annotations

import logging
import re
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

#: Documented on every operation, so clients and schemathesis know the error shape. A 401 may be
#: a revoked device's ``device_revoked``, with IT's reason in ``params`` (a ``KioskProblem``).
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": contract.KioskProblem if status == 401 else contract.Problem, "description": title}
    for status, (_code, title) in _HTTP_CODES.items()
    if status in (400, 401, 403, 404, 409, 413, 422, 500)
}


class InputRefused(StarletteHTTPException):
    """Input refused before it reaches a route (by a middleware), with a stable problem ``code``."""

    def __init__(self, status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, detail, headers)
        self.code = code


#: FastAPI's detail when a JSON body cannot be read (nesting past the parser's limit, a number of
#: thousands of digits, bytes that are not UTF-8); JSON that fails to parse has its own error.
_UNREADABLE_BODY = "There was an error parsing the body"


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    headers: dict[str, str] | None = None,
    params: dict[str, str | int] | None = None,
) -> Response:
    """A problem answer; with ``params`` (values a kiosk words), a ``contract.KioskProblem``."""
    body = (
        contract.KioskProblem(title=title, status=status, detail=detail, code=code, params=params)
        if params
        else contract.Problem(title=title, status=status, detail=detail, code=code)
    )
    return Response(
        body.model_dump_json(), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def _hub_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HubError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    seconds_left = getattr(exc, "seconds_left", None)
    if exc.status == 429 and isinstance(seconds_left, int):
        headers = {"Retry-After": str(seconds_left)}  # the limiters say how long to wait
    return problem_response(exc.status, exc.code, exc.title, exc.detail, headers, exc.params)


def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code, title = _HTTP_CODES.get(exc.status_code, ("http_error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
    if isinstance(exc, InputRefused):
        code = exc.code
    elif exc.status_code == 404 and detail == "Not Found":
        detail = "There is no such resource on this hub."
    elif exc.status_code == 400 and detail == _UNREADABLE_BODY:
        code, title = "malformed_json", "Malformed JSON"
        detail = "The request body could not be read as JSON."
    return problem_response(exc.status_code, code, title, detail, dict(exc.headers or {}) or None)


def describe_validation_errors(errors: list[Any]) -> str:
    """``where: what`` for the first few errors; pydantic's ``input`` is deliberately left out."""
    parts = []
    for error in errors[:3]:
        where = ".".join(_location_part(p) for p in error.get("loc", ()) if p != "body") or "request"
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return "; ".join(parts) + more


#: The names the contract's fields and the routes' parameters (and headers) use.
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


def _location_part(part: object) -> str:
    """A field name or an index as it is; anything else (a map key, an unknown field's name) is
    the sender's own text and is not echoed."""
    if isinstance(part, int) or (isinstance(part, str) and (part == "[key]" or _FIELD_NAME.match(part))):
        return str(part)
    return "…"


def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem_response(
            400, "malformed_json", "Malformed JSON", "The request body is not valid JSON."
        )
    return problem_response(422, "invalid_request", "Invalid request", describe_validation_errors(errors))


def _input_out_of_range(request: Request, exc: Exception) -> Response:
    _log_refused(request, exc)
    return problem_response(
        400, "number_out_of_range", "Bad request", "A number in the request is out of range."
    )


def _input_too_deep(request: Request, exc: Exception) -> Response:
    _log_refused(request, exc)
    return problem_response(400, "input_too_deep", "Bad request", "The request is nested too deeply.")


def _log_refused(request: Request, exc: Exception) -> None:
    # A warning, not an error: the input was wrong. But a bound somewhere should have said so
    # earlier, hence the route in the log (never the input itself).
    route = getattr(request.scope.get("route"), "path", "?")
    log.warning("refused input on %s %s: %s", request.method, route, type(exc).__name__)


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
    app.add_exception_handler(OverflowError, _input_out_of_range)
    app.add_exception_handler(RecursionError, _input_too_deep)
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
