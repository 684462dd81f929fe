"""What each role sees of a customer: contact details masked below manager, lifetime value hidden
from associates, and masking that gives nothing away whatever it is handed."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storeassist.contract import (
    Consent,
    CustomerDetail,
    CustomerPage,
    CustomerProfile,
    CustomerSummary,
    LoyaltyStanding,
    Role,
)
from storeassist.domain.privacy import (
    MASK,
    ProfileAccess,
    access_for,
    mask_email,
    mask_phone,
    restrict_page,
    restrict_profile,
    restrict_summary,
)

ROLES: tuple[Role, ...] = get_args(Role)
EMAIL = "maria.jensen42@example.com"
PHONE = "+1 415 555 0123"


def _profile(email: str = EMAIL, phone: str = PHONE, lifetime_value_cents: int = 123_456) -> CustomerProfile:
    return CustomerProfile(
        customer=CustomerDetail(
            id=42,
            loyalty_id="L00000042",
            name="Maria Jensen",
            email=email,
            phone=phone,
            language="en",
            preferred_store_id=1,
            preferred_channel="store",
            sizes={"shoe": "40"},
            preferences=["linen"],
            consent=Consent(email=True, sms=False, push=False, post=False),
            lifetime_value_cents=lifetime_value_cents,
        ),
        loyalty=LoyaltyStanding(
            tier="gold", points=6000, next_tier="platinum", points_to_next=9000, member_since=date(2020, 1, 1)
        ),
        alerts=[],
        open_pickups=[],
        holds=[],
        abandoned_cart=[],
        recent_views=[],
        recent_orders=[],
        cases=[],
        timeline=[],
        notes=["prefers the navy one"],
        as_of=datetime(2026, 3, 2, 10, 30, tzinfo=UTC),
        currency="USD",
    )


def _summary(email: str = EMAIL, phone: str = PHONE) -> CustomerSummary:
    return CustomerSummary(
        id=42, loyalty_id="L00000042", name="Maria Jensen", tier="gold", points=6000, email=email, phone=phone
    )


# -- the rule, role by role ------------------------------------------------------------------------


def test_an_associate_sees_masked_contact_and_no_lifetime_value() -> None:
    shown = restrict_profile(_profile(), "associate")

    assert shown.customer.email == "m•••@e•••.com"
    assert shown.customer.phone == "••• ••• •123"
    assert shown.customer.lifetime_value_cents == 0
    assert access_for("associate") == ProfileAccess(
        role="associate", see_contact=False, see_lifetime_value=False
    )


def test_a_supervisor_sees_the_lifetime_value_but_not_the_full_contact() -> None:
    shown = restrict_profile(_profile(), "supervisor")

    assert (shown.customer.email, shown.customer.phone) == ("m•••@e•••.com", "••• ••• •123")
    assert shown.customer.lifetime_value_cents == 123_456
    assert access_for("supervisor").see_lifetime_value and not access_for("supervisor").see_contact


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_see_everything(role: Role) -> None:
    profile = _profile()

    assert restrict_profile(profile, role) == profile
    assert restrict_summary(_summary(), role) == _summary()
    assert access_for(role).see_contact and access_for(role).see_lifetime_value


def test_an_unknown_role_gets_the_least_access() -> None:
    access = access_for("owner")  # type: ignore[arg-type]  # a hostile or future role from the wire

    assert access == access_for("associate")
    assert restrict_profile(_profile(), "owner").customer.lifetime_value_cents == 0  # type: ignore[arg-type]


@pytest.mark.parametrize("role", ROLES)
def test_hidden_data_is_gone_from_the_restricted_profile_not_just_flagged(role: Role) -> None:
    original = _profile()
    shown = restrict_profile(original, role)
    dumped = shown.model_dump_json()
    access = access_for(role)

    assert (EMAIL in dumped, "0123" in dumped) == (access.see_contact, access.see_contact)
    assert ("123456" in dumped) == access.see_lifetime_value
    assert original.customer.email == EMAIL  # the original is left as it was
    # Everything else is untouched.
    assert shown.model_dump(exclude={"customer"}) == original.model_dump(exclude={"customer"})
    unrestricted = {"email", "phone", "lifetime_value_cents"}
    assert shown.customer.model_dump(exclude=unrestricted) == original.customer.model_dump(
        exclude=unrestricted
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_roles_restricted_profile_is_still_a_valid_profile(role: Role) -> None:
    shown = restrict_profile(_profile(), role)

    assert CustomerProfile.model_validate_json(shown.model_dump_json()) == shown
    assert CustomerSummary.model_validate(restrict_summary(_summary(), role).model_dump())


@pytest.mark.parametrize("role", ["associate", "supervisor"])
def test_search_results_are_masked_below_manager(role: Role) -> None:
    page = CustomerPage(items=[_summary(), _summary("li.wei@example.cn", "+86 10 5555 0987")], next_page=2)

    shown = restrict_page(page, role)

    assert [(s.email, s.phone) for s in shown.items] == [
        ("m•••@e•••.com", "••• ••• •123"),
        ("l•••@e•••.cn", "••• ••• •987"),
    ]
    assert shown.next_page == 2 and [s.name for s in shown.items] == ["Maria Jensen", "Maria Jensen"]


# -- masking odd and hostile text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("", ""),
        ("   ", ""),
        ("no-at-sign", MASK),
        ("a@b.co", "a•••@b•••.co"),
        ("@example.com", "•••@e•••.com"),
        ("maria@", "m•••@•••"),
        ("maria@localhost", "m•••@l•••"),
        ('"odd@local"@example.org', '"•••@e•••.org'),
        ("Maria@Example.COM", "M•••@E•••.com"),
        ("мария@пример.рф", "м•••@п•••.рф"),
        ("maria@example.xn--p1ai", "m•••@e•••.xn--p1ai"),
        ("maria@example.c0m", "m•••@e•••"),  # not a TLD: not shown
        ("maria@example." + "x" * 200, "m•••@e•••"),
        ("ab@example.ab", "a•••@e•••"),  # the TLD would spell out the local part
        ("\u202emaria\x00@example.com", "m•••@e•••.com"),
    ],
)
def test_an_email_address_is_masked_to_a_fixed_shape(email: str, masked: str) -> None:
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("", ""),
        ("  ", ""),
        ("+1 (415) 555-0123", "••• ••• •123"),
        ("4155550123", "••• ••• •123"),
        ("no digits", "••• ••• •••"),
        ("12345", "••• ••• •••"),  # too short to be a number: nothing of it is shown
        ("٠١٢٣٤٥٦٧٨٩", "••• ••• •789"),  # Arabic-Indic digits
        ("+1 415 555 0123 ext. 42", "••• ••• •342"),
        ("9" * 5000, "••• ••• •999"),
    ],
)
def test_a_phone_number_shows_only_its_last_three_digits(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def _decimal_digits(text: str) -> list[str]:
    return [str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal()]


_local_parts = st.text(min_size=0, max_size=40)
_domains = st.one_of(st.text(max_size=40), st.from_regex(r"[a-z]{1,10}\.[a-z]{2,6}", fullmatch=True))


@given(local=_local_parts, domain=_domains)
def test_a_masked_email_never_contains_the_local_part(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    masked = mask_email(address)

    # The local part is what is before the last "@" of the whole address.
    original_local = address.rpartition("@")[0]
    if len(original_local) > 1:
        assert original_local not in masked
        assert original_local.casefold() not in masked.casefold()
    assert len(masked) <= len("•••@•••.") + 2 + 24


@given(text=st.text(max_size=300))
def test_masking_any_text_as_an_email_never_raises_and_never_returns_it(text: str) -> None:
    masked = mask_email(text)

    assert isinstance(masked, str)
    if len(text.strip()) > 3:
        assert text not in masked


@given(text=st.text(max_size=300))
def test_a_masked_phone_shows_at_most_the_last_three_digits(text: str) -> None:
    masked = mask_phone(text)
    shown = _decimal_digits(masked)

    assert len(shown) <= 3
    if shown:
        assert shown == _decimal_digits(text)[-3:]
    assert len(masked) <= len("••• ••• •123")  # the fixed shape, never longer


@given(
    email=st.one_of(st.emails(), st.text(max_size=80)),
    phone=st.one_of(st.from_regex(r"\+?[0-9 ()-]{6,20}", fullmatch=True), st.text(max_size=40)),
    lifetime_value=st.integers(min_value=0, max_value=10**12),
    role=st.sampled_from(ROLES),
)
def test_any_profile_restricted_for_any_role_validates_against_the_contract(
    email: str, phone: str, lifetime_value: int, role: Role
) -> None:
    shown = restrict_profile(_profile(email, phone, lifetime_value), role)

    assert CustomerProfile.model_validate_json(shown.model_dump_json()) == shown
    if not access_for(role).see_lifetime_value:
        assert shown.customer.lifetime_value_cents == 0
    if not access_for(role).see_contact:
        assert len(_decimal_digits(shown.customer.phone)) <= 3
