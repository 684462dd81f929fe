"""Refuse request bodies over a size limit (413), whether announced by Content-Length or streamed,
and bodies nested deeper than any request of the API needs (400 ``body_too_deep``).

The depth check runs before the JSON parser sees the body: Python's parser recurses once per
level, so a 1 MiB body of ``[`` would otherwise take it a thousand frames down before it gave up.
The deepest real request is a command batch with a pickup's lines, five levels; the limit leaves
room for the contract to refuse a too-deep command payload itself, with its own words.
"""

from __future__ import annotations

from itertools import accumulate

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storeassist.hub.api.problems import InputRefused, problem_response

MAX_BODY_BYTES = 1024 * 1024
#: Levels of JSON arrays and objects a request body may have.
MAX_BODY_DEPTH = 32

#: Every byte but the four brackets, for ``bytes.translate`` to delete.
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
#: How each byte changes the depth: an opening bracket +1, a closing one -1.
_DEPTH_STEP = tuple(1 if byte in b"[{" else -1 if byte in b"]}" else 0 for byte in range(256))


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit // 1024} KiB.")


class BodyTooDeep(InputRefused):
    def __init__(self, limit: int) -> None:
        super().__init__(400, "body_too_deep", f"The request body is nested more than {limit} levels deep.")


def nested_deeper_than(body: bytes, limit: int) -> bool:
    """Whether the JSON in ``body`` nests arrays and objects more than ``limit`` levels deep.

    Linear, and at C speed but for the last step (a few milliseconds for a full batch of
    commands): strings are cut out, since a bracket in a note is text, everything but brackets
    is deleted, and the running depth's maximum is taken. Malformed JSON is left to the parser.
    """
    # Escaped backslashes go first, then escaped quotes: each run of backslashes pairs up as a
    # JSON reader pairs it, so every quote left opens or closes a string.
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside_strings = b"".join(unescaped.split(b'"')[::2])
    brackets = outside_strings.translate(None, _NOT_BRACKETS)
    if brackets.count(b"[") + brackets.count(b"{") <= limit:
        return False
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets))) > limit


class BodySizeLimit:
    """Pure ASGI middleware: cheap on every request. The body is checked for depth once it is all
    in (the route would read it all anyway), before the route is given its last part."""

    def __init__(
        self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES, max_depth: int = MAX_BODY_DEPTH
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not value.isdigit():
                    response = problem_response(
                        400, "bad_request", "Bad request", "Content-Length is not a number."
                    )
                    await response(scope, receive, send)
                    return
                # A length of many digits is too large anyway (and past int()'s digit limit).
                if len(value) > 15 or int(value) > limit:
                    response = problem_response(
                        413,
                        "body_too_large",
                        "Request body too large",
                        f"The request body is larger than {limit // 1024} KiB.",
                        {"Connection": "close"},
                    )
                    await response(scope, receive, send)
                    return
                break
        received = 0
        parts: list[bytes] = []

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                body = message.get("body", b"")
                received += len(body)
                if received > limit:
                    raise BodyTooLarge(limit)
                parts.append(body)
                if not message.get("more_body", False):
                    whole = b"".join(parts)
                    parts.clear()
                    if nested_deeper_than(whole, self.max_depth):
                        raise BodyTooDeep(self.max_depth)
            return message

        await self.app(scope, limited_receive, send)
