"""Failures a hub use case reports to its caller; the API turns each into a problem answer.

``detail`` is written for a person at the counter and never carries personal data or secrets.
"""

from __future__ import annotations


class HubError(Exception):
    """Base of the hub's expected failures. ``status`` is the HTTP status the API answers with."""

    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(
        self, detail: str, *, code: str | None = None, params: dict[str, str | int] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        #: Values for the device to word the refusal with (``contract.KioskProblem.params``).
        self.params = params or {}


class NotFound(HubError):
    status = 404
    code = "not_found"
    title = "Not found"


class Unauthorized(HubError):
    status = 401
    code = "unauthorized"
    title = "Unauthorized"


class Forbidden(HubError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class Conflict(HubError):
    status = 409
    code = "conflict"
    title = "Conflict"


class TokenRefused(HubError):
    """A scanned code the hub does not trust; ``code`` is the domain's token error code
    (``token_forged``, ``token_expired``, ``token_revoked``, ``token_wrong_kind``, ``token_malformed`` …).
    403: the request is well formed, the code in it is not accepted."""

    status = 403
    title = "Code not accepted"


class BadCursor(HubError):
    status = 400
    code = "bad_cursor"
    title = "Bad cursor"
