"""Scanning a loyalty code finds the customer online, or from the device when the hub is away.

``Resolver`` stands in for the hub's answer or its absence; codes are real, signed with a
test key, and checked by the real domain rules against a real cache file.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from storeassist.client import HubRejected, HubServerError, HubTimeout, HubUnreachable
from storeassist.contract import ChangeFeed, Problem, RevokedCard
from storeassist.domain.tokens import TokenExpired, TokenForged, TokenRevoked, TokenUnknownKey, WrongKind
from storeassist.services.identify_customer import CustomerNotCached, IdentifyCustomer

pytestmark = pytest.mark.anyio


@pytest.fixture
def identify(resolver, trusted_cache, now) -> IdentifyCustomer:
    return IdentifyCustomer(resolver, trusted_cache, trusted_cache.verification_keys, clock=lambda: now)


async def test_a_scan_while_online_shows_the_hubs_profile_and_keeps_it_for_later(
    identify, codes, trusted_cache, now
):
    found = await identify.identify_by_token(codes.loyalty(7), store_id=1)

    assert (found.source, found.profile.customer.id, found.as_of) == ("online", 7, now)
    assert trusted_cache.profile(7, now=now) is not None


async def test_the_hub_is_told_who_is_looking_for_its_audit_trail(resolver, trusted_cache, codes, now):
    signed_in = {"staff": 3}
    identify = IdentifyCustomer(
        resolver,
        trusted_cache,
        trusted_cache.verification_keys,
        clock=lambda: now,
        staff_id=lambda: signed_in["staff"],
    )
    await identify.identify_by_token(codes.loyalty(7), store_id=1)
    signed_in["staff"] = None
    await identify.identify_by_id(7, store_id=1)
    assert resolver.staff_ids == [3, None]


@pytest.mark.parametrize("outage", [HubUnreachable(), HubTimeout(), HubServerError(503)])
async def test_a_customer_seen_before_is_served_from_the_device_when_the_hub_is_away(
    identify, resolver, codes, outage
):
    await identify.identify_by_token(codes.loyalty(7), store_id=1)
    resolver.failure = outage

    found = await identify.identify_by_token(codes.loyalty(7), store_id=1)

    assert (found.source, found.profile.customer.id) == ("cache", 7)


async def test_an_unknown_customer_while_offline_gets_a_clear_message(identify, resolver, codes):
    resolver.failure = HubUnreachable()
    with pytest.raises(CustomerNotCached) as raised:
        await identify.identify_by_token(codes.loyalty(8), store_id=1)
    assert "not saved on this device" in raised.value.user_message


async def test_a_profile_past_its_expiry_is_not_served_offline(resolver, trusted_cache, codes, now):
    earlier = IdentifyCustomer(resolver, trusted_cache, trusted_cache.verification_keys, clock=lambda: now)
    await earlier.identify_by_token(codes.loyalty(7, expires=now + timedelta(days=40)), store_id=1)
    later_now = now + timedelta(days=31)
    later = IdentifyCustomer(
        resolver, trusted_cache, trusted_cache.verification_keys, clock=lambda: later_now
    )
    resolver.failure = HubUnreachable()

    with pytest.raises(CustomerNotCached):
        await later.identify_by_token(codes.loyalty(7, expires=later_now + timedelta(minutes=5)), store_id=1)


async def test_an_expired_code_is_refused_on_the_device_and_never_sent(identify, resolver, codes, now):
    with pytest.raises(TokenExpired):
        await identify.identify_by_token(codes.loyalty(7, expires=now - timedelta(minutes=5)), store_id=1)
    assert resolver.asked == 0


async def test_a_forged_code_is_refused_even_offline(identify, resolver, now):
    from storeassist.domain.tokens import sign_token

    forger = Ed25519PrivateKey.generate()
    fake = sign_token(forger, 3, 2, 7, int((now + timedelta(minutes=5)).timestamp()))
    resolver.failure = HubUnreachable()
    with pytest.raises(TokenForged):
        await identify.identify_by_token(fake, store_id=1)
    assert resolver.asked == 0


async def test_a_card_revoked_at_the_last_sync_is_refused(identify, trusted_cache, codes, now):
    trusted_cache.apply_feed(
        ChangeFeed(cursor="c", has_more=False, revoked=[RevokedCard(customer_id=7, serial=2)]),
        requested_cursor="",
        now=now,
    )
    with pytest.raises(TokenRevoked):
        await identify.identify_by_token(codes.card(7, serial=2), store_id=1)
    found = await identify.identify_by_token(codes.card(7, serial=3), store_id=1)
    assert found.source == "online"


async def test_an_order_code_on_the_customer_screen_says_what_it_is(identify, codes):
    with pytest.raises(WrongKind) as raised:
        await identify.identify_by_token(codes.order(11), store_id=1)
    assert "order code" in str(raised.value)


async def test_a_card_revoked_since_the_last_sync_is_refused_by_the_hub_in_the_same_words(
    identify, resolver, codes
):
    resolver.failure = HubRejected(
        Problem(title="Code not accepted", status=422, detail="Card replaced.", code="token_revoked")
    )
    with pytest.raises(TokenRevoked) as raised:
        await identify.identify_by_token(codes.card(7, serial=5), store_id=1)
    assert str(raised.value) == "Card replaced."


async def test_a_code_signed_with_a_newer_key_is_checked_by_the_hub_when_online(
    resolver, trusted_cache, now, make_profile
):
    from storeassist.domain.tokens import sign_token

    newer = Ed25519PrivateKey.generate()
    code = sign_token(newer, 9, 2, 7, int((now + timedelta(minutes=5)).timestamp()))
    identify = IdentifyCustomer(resolver, trusted_cache, trusted_cache.verification_keys, clock=lambda: now)

    assert (await identify.identify_by_token(code, store_id=1)).source == "online"

    resolver.failure = HubUnreachable()
    with pytest.raises(TokenUnknownKey):
        await identify.identify_by_token(code, store_id=1)


async def test_a_tablet_without_keys_leaves_codes_to_the_hub_and_offline_says_nothing_is_saved(
    resolver, cache, codes, now
):
    identify = IdentifyCustomer(resolver, cache, cache.verification_keys, clock=lambda: now)

    assert identify.cached_customer(codes.loyalty(7)) is None
    assert (await identify.identify_by_token(codes.loyalty(7), store_id=1)).source == "online"

    resolver.failure = HubUnreachable()
    with pytest.raises(CustomerNotCached):
        await identify.identify_by_token(codes.loyalty(7), store_id=1)


async def test_a_customer_this_tablet_knows_is_ready_before_the_hub_is_asked(identify, resolver, codes):
    assert identify.cached_customer(codes.loyalty(7)) is None  # never seen here
    await identify.identify_by_token(codes.loyalty(7), store_id=1)
    asked = resolver.asked

    early = identify.cached_customer(codes.loyalty(7))

    assert early is not None
    assert (early.source, early.profile.customer.id) == ("cache", 7)
    assert resolver.asked == asked  # from the device alone


async def test_the_early_look_refuses_a_bad_code_as_the_full_lookup_does(identify, codes, now):
    with pytest.raises(TokenExpired):
        identify.cached_customer(codes.loyalty(7, expires=now - timedelta(minutes=5)))
    with pytest.raises(WrongKind):
        identify.cached_customer(codes.order(11))
    from storeassist.domain.tokens import TokenKind, sign_token

    expires = int((now + timedelta(minutes=5)).timestamp())
    newer_key = sign_token(Ed25519PrivateKey.generate(), 99, TokenKind.LOYALTY_DYNAMIC, 7, expires)
    assert identify.cached_customer(newer_key) is None  # a key this tablet lacks: the hub decides


async def test_a_customer_picked_from_a_search_opens_online_or_from_the_device(identify, resolver):
    found = await identify.identify_by_id(7, store_id=1)
    assert (found.source, found.profile.customer.id) == ("online", 7)

    resolver.failure = HubUnreachable()
    again = await identify.identify_by_id(7, store_id=1)
    assert (again.source, again.profile.customer.id) == ("cache", 7)
    with pytest.raises(CustomerNotCached):
        await identify.identify_by_id(8, store_id=1)


class SilentHub:
    """A hub that takes the request and never answers (a cut cable behind the switch)."""

    async def resolve_customer(self, token: str, store_id: int | None = None, staff_id: int | None = None):
        await asyncio.Event().wait()

    async def customer_profile(self, customer_id: int, store_id: int, staff_id: int | None = None):
        await asyncio.Event().wait()


async def test_a_hub_gone_quiet_gets_the_counter_the_tablets_answer_within_its_deadline(
    make_profile, trusted_cache, codes, now
):
    quiet: list[bool] = []
    identify = IdentifyCustomer(
        SilentHub(),
        trusted_cache,
        trusted_cache.verification_keys,
        clock=lambda: now,
        counter_deadline_s=0.05,
        hub_went_quiet=lambda: quiet.append(True),
    )
    trusted_cache.store_profile(make_profile(7), now=now)

    found = await identify.identify_by_token(codes.loyalty(7), store_id=1)
    assert (found.source, found.profile.customer.id) == ("cache", 7)
    with pytest.raises(CustomerNotCached):
        await identify.identify_by_token(codes.loyalty(8), store_id=1)
    assert quiet == [True, True], "the status strip is told at once, each time"
