"""Identify a customer from a scanned loyalty code: verify it here, ask the hub, fall back to the cache.

The code is checked on the device first (signature, expiry, revoked card serials, all from the
cache), so a forged or expired code is refused even when the hub is down, and is never sent
on. Then the hub is asked for the full profile; a profile fetched online is stored, so the
next scan of the same customer still works offline, marked ``source="cache"`` with the time
the data was current.

A screen paints a customer the device already knows at once (:meth:`IdentifyCustomer.cached_customer`,
one primary-key read) and replaces it when the hub answers: the associate is never kept waiting
on the network for what the tablet already has. A customer picked from a search result opens the
same way by id (:meth:`IdentifyCustomer.identify_by_id`).

The device's own records never stand between the associate and an answer: when the cache
cannot be read (it repairs itself, but may come back empty, or the tablet's storage may be
failing), the device cannot vouch for the code, so the hub decides; offline, the associate
hears that this customer is not saved on this tablet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from storeassist.client import HubConnectionError, HubError, HubRejected, HubServerError
from storeassist.contract import CustomerProfile, Role
from storeassist.domain.privacy import restrict_profile
from storeassist.domain.tokens import (
    SignedToken,
    TokenError,
    TokenExpired,
    TokenForged,
    TokenKind,
    TokenMalformed,
    TokenRevoked,
    TokenUnknownKey,
    WrongKind,
    verify_token,
)
from storeassist.local import CachedProfile, LocalStoreError
from storeassist.services.counter_deadline import COUNTER_DEADLINE_S, CounterDeadline
from storeassist.words import QT_TRANSLATE_NOOP

#: What is kept on the tablet of a customer looked up online: the least any role sees.
CACHE_ROLE: Role = "associate"

log = logging.getLogger("storeassist.services")

LOYALTY_KINDS = frozenset({TokenKind.LOYALTY_CARD, TokenKind.LOYALTY_DYNAMIC})
#: Hub problem codes that mean the same as a local token check failing; raised as the domain error.
_HUB_TOKEN_ERRORS: dict[str, type[TokenError]] = {
    error.code: error for error in (TokenMalformed, TokenForged, TokenUnknownKey, TokenExpired, TokenRevoked)
}


class CustomerResolver(Protocol):
    async def resolve_customer(
        self, token: str, store_id: int | None = None, staff_id: int | None = None
    ) -> CustomerProfile: ...

    async def customer_profile(
        self, customer_id: int, store_id: int, staff_id: int | None = None
    ) -> CustomerProfile: ...


class CustomerCache(Protocol):
    def is_revoked(self, customer_id: int, serial: int) -> bool: ...

    def store_profile(self, profile: CustomerProfile, *, now: datetime) -> None: ...

    def profile(self, customer_id: int, *, now: datetime) -> CachedProfile | None: ...


PublicKeysProvider = Callable[[], Mapping[int, Ed25519PublicKey]]


class _NothingToCheckWith(TokenUnknownKey):
    """The device holds no keys to check a code with (its cache is new, or cannot be read)."""


class CustomerNotCached(HubError):
    """Offline, and this customer's profile is not on the device."""

    default_message = QT_TRANSLATE_NOOP(
        "messages",
        "The back office cannot be reached and this customer is not saved on this device. "
        "Serve them without their profile, or try again when the connection is back.",
    )


@dataclass(frozen=True, slots=True)
class IdentifiedCustomer:
    profile: CustomerProfile
    source: Literal["online", "cache"]
    #: When the hub made this data; for ``source="cache"`` the screen says how old it is.
    as_of: datetime


def _utc_now() -> datetime:
    return datetime.now(UTC)


class IdentifyCustomer:
    """Scan of a loyalty code → the customer's profile, online if possible."""

    def __init__(
        self,
        client: CustomerResolver,
        cache: CustomerCache,
        public_keys: PublicKeysProvider,
        clock: Callable[[], datetime] = _utc_now,
        *,
        staff_id: Callable[[], int | None] = lambda: None,
        counter_deadline_s: float = COUNTER_DEADLINE_S,
        hub_went_quiet: Callable[[], None] = lambda: None,
    ) -> None:
        """``staff_id`` names who is looking, so the hub's audit entry for the view says so.

        ``counter_deadline_s``: how long a lookup waits for the hub before the device answers
        itself (its copy, or "not saved on this tablet"); ``hub_went_quiet`` is then called, so
        the status strip can say Offline at once (``HubClient.note_gave_up``)."""
        self._staff_id = staff_id
        self._at_the_counter = CounterDeadline(counter_deadline_s, hub_went_quiet, "a lookup")
        self._client = client
        self._cache = cache
        self._public_keys = public_keys
        self._clock = clock

    def cached_customer(self, text: str) -> IdentifiedCustomer | None:
        """The customer a scanned code names, from this device alone, or None if it has no
        unexpired copy (or cannot vouch for the code's key). Raises the ``TokenError`` of a code
        the device itself refuses (forged, expired, revoked, wrong kind, garbage)."""
        now = self._clock()
        try:
            verified = self._verify(text, now)
        except TokenUnknownKey:
            return None
        try:
            cached = self._cache.profile(verified.subject_id, now=now)
        except LocalStoreError as exc:
            log.warning("the device cache could not be read (%s)", type(exc).__name__)
            return None
        if cached is None:
            return None
        return IdentifiedCustomer(profile=cached.profile, source="cache", as_of=cached.as_of)

    async def identify_by_token(self, text: str, store_id: int) -> IdentifiedCustomer:
        """Raise a ``TokenError`` for an untrusted code, ``CustomerNotCached`` offline and unknown,
        or another ``HubError`` (``HubAuthError``, ``HubRejected``…) the hub answered with."""
        now = self._clock()
        verified: SignedToken | None = None
        try:
            verified = self._verify(text, now)
        except TokenUnknownKey as exc:
            # The hub may have rotated keys since the last sync; it knows every key, so it decides.
            # Offline, nothing vouches for this code, so it is refused below.
            unknown_key: TokenUnknownKey | None = exc
        else:
            unknown_key = None

        try:
            profile = await self._at_the_counter(
                self._client.resolve_customer(text, store_id, self._staff_id())
            )
        except HubRejected as exc:
            raise _as_token_error(exc, verified) from exc
        except (HubConnectionError, HubServerError) as exc:
            if verified is None:
                assert unknown_key is not None
                if isinstance(unknown_key, _NothingToCheckWith):
                    # A tablet without keys has lost its store data (or never synced): it holds no one.
                    raise CustomerNotCached() from exc
                raise unknown_key from exc
            return self._from_cache(verified.subject_id, now, exc)
        return self._keep(profile, now)

    async def identify_by_id(self, customer_id: int, store_id: int) -> IdentifiedCustomer:
        """A customer chosen from a search result: the hub's profile, or the device's copy offline."""
        now = self._clock()
        try:
            profile = await self._at_the_counter(
                self._client.customer_profile(customer_id, store_id, self._staff_id())
            )
        except (HubConnectionError, HubServerError) as exc:
            return self._from_cache(customer_id, now, exc)
        return self._keep(profile, now)

    def _verify(self, text: str, now: datetime) -> SignedToken:
        """The code checked against this device's keys and revoked cards.

        Raises ``_NothingToCheckWith`` (a ``TokenUnknownKey``: the hub decides) when the
        device has no keys or cannot read its records, rather than refusing a good code.
        """
        try:
            keys = self._public_keys()
        except LocalStoreError as exc:
            log.warning(
                "the device's keys could not be read (%s); the hub checks this code", type(exc).__name__
            )
            raise _NothingToCheckWith() from exc
        if not keys:
            raise _NothingToCheckWith()

        def is_revoked(customer_id: int, serial: int) -> bool:
            try:
                return self._cache.is_revoked(customer_id, serial)
            except LocalStoreError as exc:
                log.warning(
                    "revoked cards could not be read (%s); the hub checks this code", type(exc).__name__
                )
                raise _NothingToCheckWith() from exc

        return verify_token(text, keys, now=now, is_revoked=is_revoked, expect=set(LOYALTY_KINDS))

    def _keep(self, profile: CustomerProfile, now: datetime) -> IdentifiedCustomer:
        try:
            # The tablet keeps only what the least role may see, whoever looked: the cache
            # outlives the session, and a lost tablet must not hold a manager's view.
            self._cache.store_profile(restrict_profile(profile, CACHE_ROLE), now=now)
        except LocalStoreError as exc:
            # Serving this customer matters more than keeping them for offline use later.
            log.warning("could not keep a customer profile for offline use: %s", exc)
        return IdentifiedCustomer(profile=profile, source="online", as_of=profile.as_of)

    def _from_cache(self, customer_id: int, now: datetime, cause: HubError) -> IdentifiedCustomer:
        try:
            cached = self._cache.profile(customer_id, now=now)
        except LocalStoreError as exc:
            log.warning("the device cache could not be read (%s)", type(exc).__name__)
            cached = None
        if cached is None:
            raise CustomerNotCached() from cause
        log.info("customer identified from the device cache (%s)", type(cause).__name__)
        return IdentifiedCustomer(profile=cached.profile, source="cache", as_of=cached.as_of)


def _as_token_error(exc: HubRejected, verified: SignedToken | None) -> Exception:
    """The hub's refusal as the domain error the screen already knows how to word, if it is one."""
    if exc.code == WrongKind.code and verified is not None:
        return WrongKind(verified.kind)
    error = _HUB_TOKEN_ERRORS.get(exc.code)
    if error is None:
        return exc
    return error(exc.problem.detail)
