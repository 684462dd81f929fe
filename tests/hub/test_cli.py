"""The ``storeassist-hub`` command line as an operator uses it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from storeassist.domain.scan_codes import ScanKind, classify_scan
from storeassist.domain.tokens import TokenKind, verify_token
from storeassist.hub.cli import main
from storeassist.hub.db.schema import current_revision, head_revision, upgrade
from storeassist.hub.db.session import make_engine, make_sessionmaker
from storeassist.hub.keys import public_keys


@pytest.mark.sqlite_only("the CLI on a SQLite path")
def test_seed_builds_a_chain_and_reports_its_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "chain.sqlite"
    assert main(["seed", "--db", str(db), "--stores", "2", "--products", "60", "--customers", "80"]) == 0
    out = capsys.readouterr().out
    assert "customers 80" in out
    assert "seed time:" in out
    assert current_revision(str(db)) == head_revision()


@pytest.mark.sqlite_only("the CLI on a SQLite path")
def test_seed_refuses_to_mix_two_chains_unless_told_to_replace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "chain.sqlite")
    small = ["--stores", "1", "--products", "20", "--customers", "20"]
    assert main(["seed", "--db", db, *small]) == 0
    assert main(["seed", "--db", db, *small]) == 2
    assert "--replace" in capsys.readouterr().err
    assert main(["seed", "--db", db, *small, "--replace"]) == 0


@pytest.mark.sqlite_only("the CLI on a SQLite path")
def test_serve_refuses_an_out_of_date_database_and_names_the_upgrade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "old.sqlite"
    upgrade(str(db), "0002")  # as an older hub left it
    assert main(["serve", "--db", str(db), "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "Not serving" in err
    assert f"storeassist-hub upgrade --db {db}" in err


@pytest.mark.sqlite_only("the CLI on a SQLite path")
def test_upgrade_brings_a_database_to_head_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "hub.sqlite")
    assert main(["upgrade", "--create", "--db", db]) == 0
    assert f"empty -> {head_revision()}" in capsys.readouterr().out
    assert main(["upgrade", "--db", db]) == 0
    assert f"already at {head_revision()}" in capsys.readouterr().out


def test_enroll_code_prints_a_one_time_code(seeded_db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["enroll-code", "--db", seeded_db_url, "--store", "1"]) == 0
    code = capsys.readouterr().out.strip()
    assert len(code) == 14 and code.count("-") == 2
    assert main(["enroll-code", "--db", seeded_db_url, "--store", "404"]) == 2


def test_demo_codes_are_scannable_images_of_codes_the_hub_signed(
    seeded_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    out = tmp_path / "codes"
    assert main(["demo-codes", "--db", seeded_db_url, "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    pngs = sorted(out.glob("*.png"))
    assert len([p for p in pngs if p.name.startswith("loyalty-")]) == 6
    assert len([p for p in pngs if p.name.startswith("order-")]) == 4
    assert len([p for p in pngs if p.name.startswith("receipt-")]) == 3
    badges = [p for p in pngs if p.name.startswith("badge-")]
    assert badges, "the sheet has staff badges to sign in with"
    engine = make_engine(seeded_db_url)
    with make_sessionmaker(engine)() as session:
        keys = public_keys(session)
    engine.dispose()
    index = (out / "index.txt").read_text(encoding="utf-8")
    for png in pngs:
        decoded = zxingcpp.read_barcodes(Image.open(png))
        assert len(decoded) == 1, png.name
        text = decoded[0].text
        assert text == png.with_suffix(".txt").read_text().strip()
        assert png.name in index and text in index
        if png in badges:
            assert classify_scan(text).kind is ScanKind.STAFF_BADGE
            continue
        token = verify_token(text, keys, now=datetime.now(UTC))
        kinds = {"order-": TokenKind.ORDER, "receipt-": TokenKind.PURCHASE_RECEIPT}
        expected = next((kind for prefix, kind in kinds.items() if png.name.startswith(prefix)), None)
        assert token.kind is (expected or TokenKind.LOYALTY_CARD)
    assert "<img src='loyalty-" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.sqlite_only("mistyped SQLite paths")
@pytest.mark.parametrize(
    "command",
    [
        ["upgrade"],
        ["serve", "--port", "1"],
        ["enroll-code", "--store", "1"],
        ["demo-codes", "--out", "codes"],
    ],
)
def test_a_mistyped_database_path_is_refused_and_no_empty_hub_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    missing = tmp_path / "hub-typo.sqlite"
    assert main([command[0], "--db", str(missing), *command[1:]]) == 2
    err = capsys.readouterr().err
    assert f"There is no hub database at {missing}" in err and "storeassist-hub seed" in err
    assert "Traceback" not in err
    assert not missing.exists()


@pytest.mark.sqlite_only("a folder given as the database")
def test_a_folder_given_as_the_database_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["upgrade", "--db", str(tmp_path)]) == 2
    assert "is a folder, not a hub database" in capsys.readouterr().err


@pytest.mark.parametrize("size", ["-5", "0", "many"])
def test_a_size_that_is_not_a_positive_number_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], size: str
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["seed", "--db", str(tmp_path / "x.sqlite"), "--customers", size])
    assert refused.value.code == 2
    err = capsys.readouterr().err
    assert "--customers" in err and "Traceback" not in err
    assert not (tmp_path / "x.sqlite").exists()


def test_serving_on_a_port_in_use_says_so_without_a_traceback(
    seeded_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--db", seeded_db_url, "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"Cannot serve on 127.0.0.1:{port}" in err and "another --port" in err
    assert "Traceback" not in err


@pytest.mark.sqlite_only("upgrades a SQLite file")
def test_upgrade_prints_no_alembic_info_lines(
    seeded_db_url: str, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    assert main(["upgrade", "--db", seeded_db_url]) == 0
    captured = capsys.readouterr()
    assert "schema already at" in captured.out
    assert not [r for r in caplog.records if r.name.startswith("alembic") and r.levelname == "INFO"]
