"""A staff member signs in on this device with a badge scan, or a staff number and PIN.

A badge is a signed code (``SA1.…`` of kind ``STAFF_BADGE``, see :mod:`storeassist.domain.tokens`)
carrying the staff id and the badge's serial, so a lost badge can be revoked. The printed label
(``B1003``) signs no one in. An associate signs in with the badge alone; any other role is asked
for the PIN as well (the hub answers ``pin_required``, :class:`SignInPinRequired`), and the
caller then sends the same badge with the PIN.

The hub decides who someone is (``POST /v1/staff/sign-in``); this service makes sure nothing of
the wrong shape is sent, keeps its own count of refusals so a device cannot be used to guess PINs
quickly, and keeps staff of other stores out unless they manage. There is no offline sign-in:
with the hub out of reach the client's ``HubConnectionError`` reaches the caller unchanged.

A PIN and a badge are secrets: neither appears in a message, a log line or an exception (not
even as the cause of one). Logs name the staff id and role only.

:class:`StaffSessionState` holds who is signed in and signs them out after a spell of no activity.
"""

from __future__ import annotations

import logging
import math
import re
import time
import unicodedata
from collections import deque
from collections.abc import Callable
from typing import Protocol

from pydantic import ValidationError

from storeassist.client import HubRejected
from storeassist.contract import Role, StaffSession, StaffSignInRequest
from storeassist.domain.tokens import MAX_TOKEN_CHARS, TokenError, TokenKind, parse_token
from storeassist.words import QT_TRANSLATE_NOOP

log = logging.getLogger("storeassist.staff")

#: Refusals from the hub that lock this device's sign-in …
MAX_REFUSALS = 5
#: … when they all fall within this many seconds …
REFUSAL_WINDOW_S = 5 * 60.0
#: … for this many seconds (and again after each further refusal in the window).
LOCKOUT_S = 60.0
#: Minutes of no activity after which the signed-in person is signed out.
IDLE_MINUTES = 5.0
#: Roles that may sign in at any store's device.
CHAIN_WIDE_ROLES: frozenset[Role] = frozenset({"manager", "admin"})

#: A signed code's shape: the badge's kind and canonical spelling are checked by ``parse_token``.
_SIGNED_CODE = re.compile(r"SA1\.[A-Za-z0-9_-]+", re.ASCII)
_STAFF_NUMBER = re.compile(r"[A-Z0-9]{1,16}", re.ASCII)
_PIN = re.compile(r"[0-9]{4,8}", re.ASCII)
#: The hub's problem code for an unknown badge, staff number or PIN.
_REFUSED_CODE = "sign_in_refused"
_WRONG_STORE_CODE = "sign_in_wrong_store"
#: The hub's problem code for a valid badge whose holder must also give their PIN.
_PIN_REQUIRED_CODE = "pin_required"
_NOT_A_BADGE = "That is not a staff badge. Scan your badge again, or sign in with your staff number and PIN."
_BAD_PIN = "A PIN is 4 to 8 digits. Type it again."
_WRONG_STORE_MESSAGE = (
    "You are signed up at another store, so you cannot sign in on this store's device. "
    "Ask a manager here for help."
)


def _seconds_since_boot() -> float:
    """A clock that never goes back and, where the platform allows, keeps counting while the
    tablet sleeps (Linux ``CLOCK_BOOTTIME``), so an idle sign-out is due at once on waking."""
    if hasattr(time, "CLOCK_BOOTTIME"):
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    return time.monotonic()


class StaffSignInClient(Protocol):
    async def staff_sign_in(self, request: StaffSignInRequest) -> StaffSession: ...


class SignInError(Exception):
    """Sign-in did not happen; ``user_message`` says why, for the person at the device."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class SignInInvalid(SignInError, ValueError):
    """What was typed or scanned cannot be a badge, staff number or PIN; nothing was sent."""


class SignInRefused(SignInError):
    """The hub did not accept the badge or PIN."""


class SignInWrongStore(SignInError):
    """The hub knows this person, but they work at another store and do not manage."""


class SignInPinRequired(SignInError):
    """The badge is good, but its holder's role needs the PIN too. Not a refusal: nothing was
    guessed wrong, so it does not count towards the lock. Send the same badge with the PIN.

    ``pin_required`` lets a screen, which may not import this module, tell it apart."""

    pin_required = True

    def __init__(self) -> None:
        super().__init__(QT_TRANSLATE_NOOP("messages", "Enter your PIN to finish signing in."))


class SignInLocked(SignInError):
    """Too many refusals on this device lately; ``seconds_left`` until it may be tried again."""

    def __init__(self, seconds_left: int) -> None:
        unit = "second" if seconds_left == 1 else "seconds"
        super().__init__(
            f"Too many sign-in attempts on this device. Try again in {seconds_left} {unit}, "
            "or ask a manager for help."
        )
        self.seconds_left = seconds_left


class SignInStaff:
    """Sign-in for the device enrolled at ``store_id``. Keep one per device: it holds the refusal count.

    ``clock`` is seconds that never go back (not the wall clock), so changing the device's time
    neither lifts nor stretches a lock.
    """

    def __init__(
        self,
        client: StaffSignInClient,
        store_id: int,
        *,
        clock: Callable[[], float] = _seconds_since_boot,
        max_refusals: int = MAX_REFUSALS,
        refusal_window_s: float = REFUSAL_WINDOW_S,
        lockout_s: float = LOCKOUT_S,
    ) -> None:
        self._client = client
        self._store_id = store_id
        self._clock = clock
        self._max_refusals = max(1, max_refusals)
        self._window_s = refusal_window_s
        self._lockout_s = lockout_s
        self._refusals: deque[float] = deque()
        self._locked_until: float | None = None

    async def sign_in_badge(self, badge: str, pin: str | None = None) -> StaffSession:
        """Sign in with a scanned badge code (``SA1.…``), and the PIN when the hub asked for it.

        The code is sent exactly as scanned (only a scanner's surrounding whitespace is dropped):
        a signed code has one spelling and the hub is the judge of it. Raises ``SignInLocked``,
        ``SignInInvalid``, ``SignInPinRequired`` (try again with ``pin``), ``SignInRefused``,
        ``SignInWrongStore``, or a ``HubError`` from the client (``HubConnectionError`` when the
        hub cannot be reached).
        """
        self._check_lock()
        code = _badge_code(badge)
        cleaned_pin = None
        if pin is not None:
            cleaned_pin = _normalise(pin)
            if not _PIN.fullmatch(cleaned_pin):
                raise SignInInvalid(_BAD_PIN)
        return await self._sign_in(_request(badge=code, pin=cleaned_pin))

    async def sign_in_pin(self, staff_number: str, pin: str) -> StaffSession:
        """Sign in with a staff number and PIN; raises as :meth:`sign_in_badge`."""
        self._check_lock()
        number = _normalise(staff_number).upper()
        if not _STAFF_NUMBER.fullmatch(number):
            raise SignInInvalid(
                QT_TRANSLATE_NOOP(
                    "messages", "A staff number is letters and digits, as on your badge. Type it again."
                )
            )
        cleaned_pin = _normalise(pin)
        if not _PIN.fullmatch(cleaned_pin):
            raise SignInInvalid(_BAD_PIN)
        return await self._sign_in(_request(staff_number=number, pin=cleaned_pin))

    def seconds_locked(self) -> int:
        """Whole seconds until sign-in may be tried again on this device; 0 when it may now."""
        if self._locked_until is None:
            return 0
        left = self._locked_until - self._clock()
        return math.ceil(left) if left > 0 else 0

    async def _sign_in(self, request: StaffSignInRequest) -> StaffSession:
        try:
            session = await self._client.staff_sign_in(request)
        except HubRejected as exc:
            if exc.code == _WRONG_STORE_CODE:
                raise SignInWrongStore(_WRONG_STORE_MESSAGE) from None
            if exc.code == _PIN_REQUIRED_CODE:
                # Checked before the catch-all 403 below: asking for the PIN is not a refusal.
                log.info("staff sign-in needs the PIN as well")
                raise SignInPinRequired() from None
            if exc.code != _REFUSED_CODE and exc.problem.status != 403:
                raise
            self._note_refusal()
            log.info("staff sign-in refused by the hub")
            raise SignInRefused(
                QT_TRANSLATE_NOOP("messages", "That badge or PIN was not accepted.")
            ) from None
        # Refusals are not forgiven by a success: one's own badge between guesses must not reset them.
        if session.store_id != self._store_id and session.role not in CHAIN_WIDE_ROLES:
            log.info(
                "staff %d of store %d kept out of store %d",
                session.staff_id,
                session.store_id,
                self._store_id,
            )
            raise SignInWrongStore(_WRONG_STORE_MESSAGE)
        log.info("staff %d signed in as %s", session.staff_id, session.role)
        return session

    def _check_lock(self) -> None:
        seconds = self.seconds_locked()
        if seconds:
            raise SignInLocked(seconds)

    def _note_refusal(self) -> None:
        now = self._clock()
        self._refusals.append(now)
        while self._refusals and now - self._refusals[0] > self._window_s:
            self._refusals.popleft()
        if len(self._refusals) >= self._max_refusals:
            self._locked_until = now + self._lockout_s
            log.warning(
                "staff sign-in locked on this device for %.0f s after repeated refusals", self._lockout_s
            )


def _badge_code(text: str) -> str:
    """The signed badge code in ``text``, or :class:`SignInInvalid`. Nothing is sent for a loyalty
    or order code, a printed badge label, or a code in any spelling but its canonical one."""
    code = text.strip()
    if len(code) > MAX_TOKEN_CHARS or not _SIGNED_CODE.fullmatch(code):
        raise SignInInvalid(_NOT_A_BADGE)
    try:
        token, _body, _signature = parse_token(code)
    except TokenError:
        raise SignInInvalid(_NOT_A_BADGE) from None
    if token.kind is not TokenKind.STAFF_BADGE:
        raise SignInInvalid(_NOT_A_BADGE)
    return code


def _normalise(text: str) -> str:
    """Trimmed, NFKC (full-width letters and digits become ASCII), any script's digits as ASCII,
    with invisible and control characters removed."""
    folded = unicodedata.normalize("NFKC", text)
    kept = (
        str(unicodedata.decimal(ch)) if ch.isdecimal() else ch
        for ch in folded
        if unicodedata.category(ch)[0] != "C"
    )
    return "".join(kept).strip()


def _request(
    *, badge: str | None = None, staff_number: str | None = None, pin: str | None = None
) -> StaffSignInRequest:
    """The wire request; its validation error would quote the PIN, so it is never let out."""
    try:
        return StaffSignInRequest(badge=badge, staff_number=staff_number, pin=pin)
    except ValidationError:
        raise SignInInvalid(
            QT_TRANSLATE_NOOP("messages", "That badge, staff number or PIN cannot be right. Type it again.")
        ) from None


class StaffSessionState:
    """Who is signed in on this device, signed out after ``idle_minutes`` of no activity.

    Plain Python: the UI calls :meth:`touch` on activity, polls :meth:`expire_if_idle` from a
    timer (or simply reads :attr:`current`, which expires first), and listens for changes with
    :meth:`add_listener`. ``clock`` is seconds that never go back and count sleep where they can.
    """

    def __init__(
        self, *, idle_minutes: float = IDLE_MINUTES, clock: Callable[[], float] = _seconds_since_boot
    ) -> None:
        self._idle_s = idle_minutes * 60.0
        self._clock = clock
        self._session: StaffSession | None = None
        self._last_activity = 0.0
        self._listeners: list[Callable[[StaffSession | None], None]] = []

    @property
    def current(self) -> StaffSession | None:
        """The signed-in staff member, or ``None`` (after signing them out if they were idle)."""
        self.expire_if_idle()
        return self._session

    @property
    def role(self) -> Role | None:
        current = self.current
        return current.role if current is not None else None

    def staff_id(self) -> int | None:
        """The signed-in staff id, for commands (``AddCustomerNote(staff_id=state.staff_id)``)."""
        current = self.current
        return current.staff_id if current is not None else None

    def add_listener(self, listener: Callable[[StaffSession | None], None]) -> None:
        """Call ``listener(session)`` on sign-in, ``listener(None)`` on sign-out or idle expiry."""
        self._listeners.append(listener)

    def sign_in(self, session: StaffSession) -> None:
        """``session`` is now signed in (replacing anyone who was), active from now."""
        self._session = session
        self._last_activity = self._clock()
        self._notify()

    def touch(self) -> None:
        """Someone used the device: the idle time starts again. Does not revive an expired session."""
        if self.expire_if_idle():
            return
        self._last_activity = self._clock()

    def sign_out(self) -> None:
        if self._session is None:
            return
        self._session = None
        self._notify()

    def seconds_until_idle(self) -> float:
        """Seconds until the idle sign-out; 0 when nobody is signed in."""
        if self._session is None:
            return 0.0
        return max(0.0, self._last_activity + self._idle_s - self._clock())

    def expire_if_idle(self) -> bool:
        """Sign out if idle too long; whether that happened now."""
        if self._session is None or self._clock() - self._last_activity < self._idle_s:
            return False
        log.info("staff %d signed out after %.0f minutes idle", self._session.staff_id, self._idle_s / 60)
        self.sign_out()
        return True

    def _notify(self) -> None:
        for listener in list(self._listeners):
            try:
                listener(self._session)
            except Exception:
                log.exception("staff session listener failed")
