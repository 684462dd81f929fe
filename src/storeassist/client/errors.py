"""What can go wrong talking to the hub, as exceptions the UI can put into words for a person.

Every error carries ``user_message``: calm, specific, and saying what to do next. Nothing in
a message comes from a stack trace, and nothing contains personal data.
"""

from __future__ import annotations

from storeassist.contract import Problem
from storeassist.words import QT_TRANSLATE_NOOP


class HubError(Exception):
    """Base of every hub error."""

    default_message = QT_TRANSLATE_NOOP(
        "messages", "The back office could not complete this request. Try again in a moment."
    )

    def __init__(self, user_message: str | None = None) -> None:
        self.user_message = user_message or self.default_message
        super().__init__(self.user_message)


class HubConnectionError(HubError):
    """No answer from the hub at all. Work that can go offline should (cache, outbox)."""


class HubUnreachable(HubConnectionError):
    default_message = QT_TRANSLATE_NOOP(
        "messages",
        "The back office cannot be reached. You can keep working: actions are saved on this device "
        "and sent when the connection is back.",
    )


class HubTimeout(HubConnectionError):
    default_message = QT_TRANSLATE_NOOP(
        "messages", "The back office is taking too long to answer. Try again in a moment."
    )


class HubServerError(HubError):
    """The hub answered 5xx: it is up but broken or overloaded."""

    default_message = QT_TRANSLATE_NOOP(
        "messages",
        "The back office had a problem answering. Try again in a moment; if it keeps happening, "
        "tell a manager.",
    )

    def __init__(self, status: int, user_message: str | None = None) -> None:
        super().__init__(user_message)
        self.status = status


class HubProtocolError(HubError):
    """The hub answered something this app cannot read: a version mismatch, i.e. a bug to report."""

    default_message = QT_TRANSLATE_NOOP(
        "messages", "The back office answered in a way this app does not understand. Update StoreAssist."
    )


class HubAuthError(HubError):
    """The device credential is missing, wrong or revoked (401). A 403 is a refusal of what was
    asked (a code not accepted, a used enrolment code, another store's data): ``HubRejected``."""

    default_message = QT_TRANSLATE_NOOP(
        "messages", "This device is not signed in to the back office. Ask a manager to enrol it again."
    )

    def __init__(self, user_message: str | None = None, problem: Problem | None = None) -> None:
        super().__init__(user_message or (problem.detail if problem else None))
        self.problem = problem

    @property
    def code(self) -> str:
        return self.problem.code if self.problem else "unauthorized"


class StaffSessionRequired(HubAuthError):
    """The hub needs a signed-in staff member for this (401 ``staff_session_*``): nobody is signed
    in on this device, or the hub ended the session (idle, signed in elsewhere, expired)."""

    default_message = QT_TRANSLATE_NOOP(
        "messages", "Sign in first: scan your staff badge, or enter your staff number and PIN."
    )

    def __init__(self, problem: Problem | None = None) -> None:
        super().__init__(self.default_message, problem)


class DeviceRevoked(HubAuthError):
    """The hub revoked this device's enrollment at the back office (401 ``device_revoked``): every
    call is refused from now on, so sync stops and the shell says so. ``reason`` is what IT gave
    when revoking (``devices revoke ID --reason …``), or None when they gave none."""

    default_message = QT_TRANSLATE_NOOP(
        "messages",
        "This device was revoked at the back office. Ask a manager to enroll it again.",
    )

    def __init__(self, problem: Problem | None = None, reason: str | None = None) -> None:
        super().__init__(self.default_message, problem)
        self.reason = reason


#: The hub's problem codes for a missing, unknown or ended staff session.
STAFF_SESSION_CODES = frozenset({"staff_session_required", "staff_session_invalid", "staff_session_ended"})


class HubRejected(HubError):
    """The hub understood the request and refused it (4xx); ``problem.code`` says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.detail or problem.title)
        self.problem = problem

    @property
    def code(self) -> str:
        return self.problem.code


class HubNotFound(HubRejected):
    """The thing asked for does not exist (404)."""
