"""The demo code sheet prints each role's signed staff badge, says whose it is, and counts it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from storeassist.domain.scan_codes import ScanKind, classify_scan
from storeassist.domain.tokens import TokenKind, verify_token
from storeassist.hub.db.models import Staff
from storeassist.hub.db.session import make_engine, make_sessionmaker
from storeassist.hub.demo_codes import STAFF_BADGE, describe_sheet, write_demo_codes
from storeassist.hub.keys import public_keys


def test_the_sheet_has_one_signed_badge_per_role_naming_its_holder(
    seeded_db_url: str, tmp_path: Path
) -> None:
    cards = write_demo_codes(seeded_db_url, tmp_path, store_id=1, customers=2, pickups=1)
    engine = make_engine(seeded_db_url)
    with make_sessionmaker(engine)() as session:
        keys = public_keys(session)
        staff = {row.id: row for row in session.scalars(select(Staff).where(Staff.store_id == 1))}
    engine.dispose()

    badges = [card for card in cards if card.kind == STAFF_BADGE]
    holders = [staff[verify_token(card.token, keys, now=datetime.now(UTC)).subject_id] for card in badges]
    assert sorted(h.role for h in holders) == sorted({s.role for s in staff.values()})
    index_html = (tmp_path / "index.html").read_text(encoding="utf-8")
    for card, holder in zip(badges, holders, strict=True):
        token = verify_token(card.token, keys, now=datetime.now(UTC), expect={TokenKind.STAFF_BADGE})
        assert token.serial == holder.badge_serial and token.expires_at is None
        assert classify_scan(card.token).kind is ScanKind.STAFF_BADGE
        assert card.txt.read_text(encoding="ascii").strip() == card.token
        assert card.png.name.startswith("badge-") and card.png.stat().st_size > 0
        assert holder.name in card.label and holder.role in card.label
        assert holder.name in index_html and card.token in index_html
        assert f"SAB.{holder.badge}" not in index_html  # the old guessable barcode is gone
        needs_pin = "PIN" in card.story
        assert needs_pin is (holder.role != "associate")


def test_the_count_reported_includes_the_badges(seeded_db_url: str, tmp_path: Path) -> None:
    cards = write_demo_codes(seeded_db_url, tmp_path, store_id=1, customers=2, pickups=1)
    badges = sum(1 for card in cards if card.kind == STAFF_BADGE)
    assert badges >= 3
    summary = describe_sheet(cards)
    assert summary.startswith(f"{len(cards)} codes:")
    assert f"{badges} staff badges" in summary
    assert summary in (tmp_path / "index.txt").read_text(encoding="utf-8")


def test_a_printed_badge_scans_back_to_its_code(seeded_db_url: str, tmp_path: Path) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    cards = write_demo_codes(seeded_db_url, tmp_path, store_id=1, customers=1, pickups=1)
    for card in (c for c in cards if c.kind == STAFF_BADGE):
        (decoded,) = zxingcpp.read_barcodes(Image.open(card.png))
        assert decoded.text == card.token
