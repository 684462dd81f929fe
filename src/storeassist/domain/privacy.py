"""Who may see what of a customer: the role-based privacy rule, applied before anything is shown.

| role       | contact details (e-mail, phone) | lifetime value |
|------------|---------------------------------|----------------|
| associate  | masked                          | hidden         |
| supervisor | masked                          | shown          |
| manager    | shown                           | shown          |
| admin      | shown                           | shown          |

Restricting returns a copy in which the data a role may not see is *gone* (masked text, a zero
lifetime value), not merely flagged, so nothing downstream can show it by mistake. Because a
hidden lifetime value reads as 0, :class:`ProfileAccess` tells the screen to say "hidden for your
role" instead. An unknown role gets the least access (fail closed).

Masking keeps just enough for a customer to confirm "is that still my address?":
``john.doe@example.com`` → ``j•••@e•••.com`` and ``+1 415 555 0123`` → ``••• ••• •123``. The
output has a fixed shape, so it does not reveal how long the hidden part is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from storeassist.contract.common import Role
from storeassist.contract.customers import CustomerDetail, CustomerPage, CustomerProfile, CustomerSummary

MASK = "•••"
#: Digits of a phone number that stay visible.
PHONE_VISIBLE_DIGITS = 3
#: Fewer digits than this is not a phone number worth partly showing: all of it is masked.
PHONE_MIN_DIGITS = 6
#: A top-level domain is shown only if it looks like one (letters, or IDNA ``xn--``), at most this long.
TLD_MAX_CHARS = 24

_PUNYCODE_TLD = re.compile(r"xn--[a-z0-9-]{1,20}", re.ASCII)


@dataclass(frozen=True, slots=True)
class ProfileAccess:
    """What a role may see of a customer; the screen reads it to explain what is held back."""

    role: Role
    see_contact: bool
    """Full e-mail and phone; otherwise they are masked."""
    see_lifetime_value: bool
    """Lifetime value; otherwise it is 0 in the data and the screen says it is hidden."""


_LEAST = ProfileAccess(role="associate", see_contact=False, see_lifetime_value=False)
_ACCESS: dict[str, ProfileAccess] = {
    "associate": _LEAST,
    "supervisor": ProfileAccess(role="supervisor", see_contact=False, see_lifetime_value=True),
    "manager": ProfileAccess(role="manager", see_contact=True, see_lifetime_value=True),
    "admin": ProfileAccess(role="admin", see_contact=True, see_lifetime_value=True),
}


def access_for(role: Role) -> ProfileAccess:
    """The access ``role`` has; anything that is not a known role gets an associate's."""
    return _ACCESS.get(role, _LEAST)


def restrict_profile(profile: CustomerProfile, role: Role) -> CustomerProfile:
    """A copy of ``profile`` holding only what ``role`` may see (the same object if it may see all)."""
    customer = _restrict_detail(profile.customer, access_for(role))
    if customer is profile.customer:
        return profile
    return profile.model_copy(update={"customer": customer})


def restrict_summary(summary: CustomerSummary, role: Role) -> CustomerSummary:
    """A search result holding only what ``role`` may see."""
    if access_for(role).see_contact:
        return summary
    return summary.model_copy(update={"email": mask_email(summary.email), "phone": mask_phone(summary.phone)})


def restrict_page(page: CustomerPage, role: Role) -> CustomerPage:
    """A page of search results, each restricted as :func:`restrict_summary`."""
    if access_for(role).see_contact:
        return page
    return page.model_copy(update={"items": [restrict_summary(item, role) for item in page.items]})


def _restrict_detail(customer: CustomerDetail, access: ProfileAccess) -> CustomerDetail:
    update: dict[str, object] = {}
    if not access.see_contact:
        update["email"] = mask_email(customer.email)
        update["phone"] = mask_phone(customer.phone)
    if not access.see_lifetime_value:
        update["lifetime_value_cents"] = 0
    return customer.model_copy(update=update) if update else customer


def mask_email(email: str) -> str:
    """``j•••@e•••.com``: the first character of the local part and of the domain, and the TLD.

    Blank stays ``""``; anything without an ``@`` becomes ``•••``. The result never spells out
    the local part (when it is longer than one character), even by coincidence.
    """
    text = _printable(email)
    if not text:
        return ""
    local, at, domain = text.rpartition("@")
    if not at:
        return MASK
    shown_local = local[:1] + MASK
    shown_domain = domain[:1] + MASK if domain else MASK
    tld = _top_level_domain(domain)
    candidates = [f"{shown_local}@{shown_domain}", MASK, ""]
    if tld:
        candidates.insert(0, f"{shown_local}@{shown_domain}.{tld}")
    # A TLD equal to the local part, or a local part made of the mask itself, would give it away.
    secret = local.casefold()
    return next(c for c in candidates if len(local) <= 1 or secret not in c.casefold())


def mask_phone(phone: str) -> str:
    """``••• ••• •123``: only the last three digits, in a shape that hides the number's length.

    Blank stays ``""``; with too few digits to be a phone number, nothing of it is shown.
    Digits of any script count, and are shown as ASCII digits.
    """
    text = _printable(phone)
    if not text:
        return ""
    digits = [str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal()]
    if len(digits) < PHONE_MIN_DIGITS:
        return f"{MASK} {MASK} {MASK}"
    return f"{MASK} {MASK} •" + "".join(digits[-PHONE_VISIBLE_DIGITS:])


def _printable(text: str) -> str:
    """``text`` without control, format (bidi overrides) or other invisible characters, trimmed."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()


def _top_level_domain(domain: str) -> str:
    label = domain.rpartition(".")[2] if "." in domain else ""
    if not label or len(label) > TLD_MAX_CHARS:
        return ""
    if label.isalpha() or _PUNYCODE_TLD.fullmatch(label.lower()):
        return label.lower()
    return ""
