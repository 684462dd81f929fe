"""Operator actions: one-time enrollment codes, signed codes and staff badges, and cancelling a lost
card or badge."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storeassist.domain.tokens import BadgeRevoked, TokenExpired, TokenKind, TokenRevoked, verify_token
from storeassist.hub.admin import (
    UnknownSubject,
    enrollment_code_hash,
    issue_badge,
    issue_enrollment_code,
    issue_token,
    revoke_badge,
    revoke_card,
)
from storeassist.hub.db.models import CardRevocation, ChangeLog, Customer, EnrollmentCode, Staff
from storeassist.hub.db.session import make_engine, make_sessionmaker
from storeassist.hub.keys import public_keys, public_keys_text, rotate_signing_key


def _session(db_url: str):  # type: ignore[no-untyped-def]
    return make_sessionmaker(make_engine(db_url))()


def test_an_enrollment_code_is_stored_only_as_a_hash_and_expires_in_a_day(seeded_db_url: str) -> None:
    code = issue_enrollment_code(seeded_db_url, 1)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    with _session(seeded_db_url) as session:
        stored = session.scalars(select(EnrollmentCode)).all()
    assert [row.code_hash for row in stored] == [hashlib.sha256(code.encode()).hexdigest()]
    assert enrollment_code_hash(f" {code.lower()} ") == stored[0].code_hash
    expires = stored[0].expires_at.replace(tzinfo=UTC)
    assert timedelta(hours=23) < expires - datetime.now(UTC) <= timedelta(hours=24)
    assert stored[0].used_at is None


def test_enrollment_codes_are_different_each_time_and_only_for_real_stores(seeded_db_url: str) -> None:
    assert issue_enrollment_code(seeded_db_url, 1) != issue_enrollment_code(seeded_db_url, 1)
    with pytest.raises(UnknownSubject):
        issue_enrollment_code(seeded_db_url, 999)


def test_codes_verify_with_the_published_public_key_only(seeded_db_url: str) -> None:
    card = issue_token(seeded_db_url, TokenKind.LOYALTY_CARD, 1)
    dynamic = issue_token(seeded_db_url, TokenKind.LOYALTY_DYNAMIC, 1, ttl_s=60)
    order = issue_token(seeded_db_url, TokenKind.ORDER, 1)
    with _session(seeded_db_url) as session:
        keys = public_keys(session)
        assert set(public_keys_text(session)) == {1}
    now = datetime.now(UTC)
    assert max(len(card), len(dynamic), len(order)) <= 120
    assert verify_token(card, keys, now=now).serial == 1
    assert verify_token(order, keys, now=now).kind is TokenKind.ORDER
    with pytest.raises(TokenExpired):
        verify_token(dynamic, keys, now=now + timedelta(minutes=10))


def test_codes_for_unknown_customers_or_orders_are_not_issued(seeded_db_url: str) -> None:
    with pytest.raises(UnknownSubject):
        issue_token(seeded_db_url, TokenKind.LOYALTY_CARD, 10**7)
    with pytest.raises(UnknownSubject):
        issue_token(seeded_db_url, TokenKind.ORDER, 10**7)


def test_a_revoked_card_no_longer_verifies_and_devices_hear_of_it(seeded_db_url: str) -> None:
    old_card = issue_token(seeded_db_url, TokenKind.LOYALTY_CARD, 5)
    with _session(seeded_db_url) as session:
        serial_before = session.get(Customer, 5).card_serial
    assert revoke_card(seeded_db_url, 5) == serial_before + 1
    new_card = issue_token(seeded_db_url, TokenKind.LOYALTY_CARD, 5)
    with _session(seeded_db_url) as session:
        revoked = {(r.customer_id, r.serial) for r in session.scalars(select(CardRevocation))}
        keys = public_keys(session)
        change = session.scalars(select(ChangeLog).order_by(ChangeLog.seq.desc())).first()
    assert change is not None and (change.entity, change.entity_id) == ("revocation", 5)

    def is_revoked(customer_id: int, serial: int) -> bool:
        return (customer_id, serial) in revoked

    now = datetime.now(UTC)
    with pytest.raises(TokenRevoked):
        verify_token(old_card, keys, now=now, is_revoked=is_revoked)
    assert verify_token(new_card, keys, now=now, is_revoked=is_revoked).serial == serial_before + 1


def test_codes_signed_before_a_key_rotation_still_verify(seeded_db_url: str) -> None:
    before = issue_token(seeded_db_url, TokenKind.ORDER, 1)
    with _session(seeded_db_url) as session, session.begin():
        rotate_signing_key(session)
    after = issue_token(seeded_db_url, TokenKind.ORDER, 1)
    with _session(seeded_db_url) as session:
        keys = public_keys(session)
    now = datetime.now(UTC)
    assert verify_token(before, keys, now=now).key_id == 1
    assert verify_token(after, keys, now=now).key_id == 2


def test_a_staff_badge_is_a_signed_code_naming_the_staff_member_and_their_badge_serial(
    seeded_db_url: str,
) -> None:
    badge = issue_badge(seeded_db_url, 3)
    with _session(seeded_db_url) as session:
        keys = public_keys(session)
        serial = session.get(Staff, 3).badge_serial
    token = verify_token(
        badge, keys, now=datetime.now(UTC) + timedelta(days=3650), expect={TokenKind.STAFF_BADGE}
    )
    assert (token.subject_id, token.serial, token.expires_at) == (3, serial, None)
    assert len(badge) <= 120
    # Printing the badge again gives the very same code, and issue_token is the same path.
    assert issue_badge(seeded_db_url, 3) == badge == issue_token(seeded_db_url, TokenKind.STAFF_BADGE, 3)


def test_no_badge_for_someone_who_is_not_on_the_staff(seeded_db_url: str) -> None:
    with pytest.raises(UnknownSubject):
        issue_badge(seeded_db_url, 10**7)
    with pytest.raises(UnknownSubject):
        revoke_badge(seeded_db_url, 10**7)


def test_a_revoked_badge_no_longer_verifies_and_the_next_one_does(seeded_db_url: str) -> None:
    lost = issue_badge(seeded_db_url, 2)
    other = issue_badge(seeded_db_url, 4)
    with _session(seeded_db_url) as session:
        before = session.get(Staff, 2).badge_serial
    assert revoke_badge(seeded_db_url, 2) == before + 1
    replacement = issue_badge(seeded_db_url, 2)
    with _session(seeded_db_url) as session:
        keys = public_keys(session)
        current = {row.id: row.badge_serial for row in session.scalars(select(Staff))}

    def is_revoked(staff_id: int, serial: int) -> bool:
        # The rule the hub applies at sign-in: only the current serial signs anyone in.
        return current.get(staff_id) != serial

    now = datetime.now(UTC)
    with pytest.raises(BadgeRevoked):
        verify_token(lost, keys, now=now, is_revoked=is_revoked, expect={TokenKind.STAFF_BADGE})
    assert verify_token(replacement, keys, now=now, is_revoked=is_revoked).serial == before + 1
    assert verify_token(other, keys, now=now, is_revoked=is_revoked).subject_id == 4
