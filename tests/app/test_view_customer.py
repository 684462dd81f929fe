"""ViewCustomer decides what of a customer the signed-in person sees, and audits what the hub did not."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from storeassist.contract import CustomerPage, CustomerSummary, Role
from storeassist.services.identify_customer import IdentifiedCustomer
from storeassist.services.view_customer import SignInRequired, ViewCustomer

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


class Lookup:
    """Answers every lookup with ``found``; counts what was asked and can run code mid-lookup."""

    def __init__(self, found: IdentifiedCustomer, *, cached: IdentifiedCustomer | None = None) -> None:
        self.found = found
        self.cached = cached
        self.asked: list[object] = []
        self.during: Any = None

    def cached_customer(self, text: str) -> IdentifiedCustomer | None:
        return self.cached

    async def identify_by_token(self, text: str, store_id: int) -> IdentifiedCustomer:
        self.asked.append((text, store_id))
        if self.during is not None:
            self.during()
        await asyncio.sleep(0)
        return self.found

    async def identify_by_id(self, customer_id: int, store_id: int) -> IdentifiedCustomer:
        return await self.identify_by_token(f"id:{customer_id}", store_id)


class Who:
    def __init__(self, role: Role | None) -> None:
        self.role = role

    def __call__(self) -> Role | None:
        return self.role


def _viewer(lookup: Lookup, who: Who, **options: Any) -> ViewCustomer:
    return ViewCustomer(lookup, 7, who, **options)


@pytest.mark.parametrize(
    ("role", "contact_shown", "value_shown"),
    [("associate", False, False), ("supervisor", False, True), ("manager", True, True)],
)
def test_the_profile_comes_trimmed_for_the_signed_in_role(
    make_profile: Any, role: Role, contact_shown: bool, value_shown: bool
) -> None:
    profile = make_profile(42)
    viewer = _viewer(Lookup(IdentifiedCustomer(profile, "online", NOW)), Who(role))

    shown = asyncio.run(viewer.by_token("SA1.code"))

    assert (shown.profile.customer.email == profile.customer.email) is contact_shown
    assert (shown.profile.customer.phone == profile.customer.phone) is contact_shown
    assert shown.see_lifetime_value is value_shown
    assert (shown.profile.customer.lifetime_value_cents == 12_345) is value_shown
    assert shown.role == role and shown.source == "online" and not shown.checking


def test_a_profile_from_the_tablet_alone_is_queued_for_the_audit_once_when_shown(make_profile: Any) -> None:
    profile = make_profile(42)
    copy = IdentifiedCustomer(profile, "cache", NOW)
    recorded: list[tuple[int, int | None]] = []
    viewer = _viewer(
        Lookup(copy, cached=copy),
        Who("associate"),
        staff_id=lambda: 5,
        record_cached_view=lambda customer, staff: recorded.append((customer, staff)),
    )

    early = viewer.cached("SA1.code")  # painted while the hub is asked: not a view of its own
    assert early is not None and early.checking
    early.shown()
    assert recorded == []

    answer = asyncio.run(viewer.by_token("SA1.code"))  # the hub did not answer: the tablet's copy
    assert recorded == []  # not on screen yet: a newer scan may still replace it
    answer.shown()
    answer.shown()
    assert recorded == [(42, 5)]


def test_a_view_is_recorded_in_the_name_of_who_asked(make_profile: Any) -> None:
    staff = {"id": 5}
    recorded: list[tuple[int, int | None]] = []
    copy = IdentifiedCustomer(make_profile(42), "cache", NOW)
    lookup = Lookup(copy)
    lookup.during = lambda: staff.update(id=9)  # another associate signed in while it was looked up
    viewer = _viewer(
        lookup,
        Who("associate"),
        staff_id=lambda: staff["id"],
        record_cached_view=lambda customer, who: recorded.append((customer, who)),
    )
    asyncio.run(viewer.by_id(42)).shown()
    assert recorded == [(42, 5)]


def test_a_profile_the_hub_served_is_not_queued_again(make_profile: Any) -> None:
    recorded: list[int] = []
    viewer = _viewer(
        Lookup(IdentifiedCustomer(make_profile(42), "online", NOW)),
        Who("associate"),
        record_cached_view=lambda customer, _staff: recorded.append(customer),
    )
    asyncio.run(viewer.by_id(42)).shown()
    assert recorded == []  # the hub audited it when it served it


def test_nobody_signed_in_looks_nobody_up(make_profile: Any) -> None:
    lookup = Lookup(IdentifiedCustomer(make_profile(42), "online", NOW))
    viewer = _viewer(lookup, Who(None))
    assert not viewer.signed_in
    with pytest.raises(SignInRequired):
        viewer.cached("SA1.code")
    with pytest.raises(SignInRequired):
        asyncio.run(viewer.by_token("SA1.code"))
    assert lookup.asked == []


def test_an_answer_arriving_after_a_hand_over_is_shown_no_wider_than_an_associate_sees(
    make_profile: Any,
) -> None:
    who = Who("manager")
    lookup = Lookup(IdentifiedCustomer(make_profile(42), "online", NOW))
    lookup.during = lambda: setattr(who, "role", "supervisor")  # someone else signed in meanwhile
    shown = asyncio.run(_viewer(lookup, who).by_token("SA1.code"))
    assert shown.role == "associate"
    assert shown.profile.customer.email != "c42@example.invalid"


def test_an_answer_arriving_after_sign_out_is_not_shown(make_profile: Any) -> None:
    who = Who("manager")
    lookup = Lookup(IdentifiedCustomer(make_profile(42), "online", NOW))
    lookup.during = lambda: setattr(who, "role", None)
    with pytest.raises(SignInRequired):
        asyncio.run(_viewer(lookup, who).by_token("SA1.code"))


def test_search_results_are_masked_for_the_role(make_profile: Any) -> None:
    row = CustomerSummary(
        id=42,
        loyalty_id="L1",
        name="Ana Lund",
        tier="gold",
        points=10,
        email="ana@example.invalid",
        phone="+4512345678",
    )

    class Search:
        async def search(self, text: str, page: int = 0) -> CustomerPage:
            return CustomerPage(items=[row])

    lookup = Lookup(IdentifiedCustomer(make_profile(42), "online", NOW))
    page = asyncio.run(_viewer(lookup, Who("associate"), search=Search()).search("ana"))
    assert page.items[0].email != row.email and "678" in page.items[0].phone
    page = asyncio.run(_viewer(lookup, Who("manager"), search=Search()).search("ana"))
    assert page.items[0].email == row.email


def test_notes_waiting_to_sync_come_with_the_customer(make_profile: Any) -> None:
    lookup = Lookup(IdentifiedCustomer(make_profile(42), "online", NOW))
    viewer = _viewer(lookup, Who("associate"), waiting_notes=lambda customer_id: [f"note for {customer_id}"])
    assert asyncio.run(viewer.by_id(42)).waiting_notes == ("note for 42",)


def test_an_unreadable_outbox_never_keeps_the_customer_off_the_screen(make_profile: Any) -> None:
    def broken(_customer_id: int) -> list[str]:
        raise OSError("disk gone")

    lookup = Lookup(IdentifiedCustomer(make_profile(42), "online", NOW))
    shown = asyncio.run(_viewer(lookup, Who("associate"), waiting_notes=broken).by_id(42))
    assert shown.waiting_notes == () and shown.profile.customer.id == 42
