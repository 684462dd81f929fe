"""IT's tools on the ``storeassist-hub`` command line, each run as an operator runs it
(``main([...])``) against a real hub's SQLite database while the hub serves it."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hub_kiosks import enroll_kiosk

from storeassist.domain.tokens import TokenKind, verify_token
from storeassist.hub.admin import AUDIT_COLUMNS, issue_token
from storeassist.hub.cli import main
from storeassist.hub.db.session import make_engine, make_sessionmaker
from storeassist.hub.keys import public_keys

pytestmark = pytest.mark.sqlite_only("the CLI on a SQLite path, as an operator types it")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_devices_list_shows_every_device_by_store_and_kind(
    hub_server_fn: Any, enroll_device: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = hub_server_fn
    with (
        enroll_device(hub, role=None, device_name="Till 1") as till,
        enroll_kiosk(hub, device_name="Front kiosk") as kiosk,
        enroll_device(hub, store_id=2, role=None, device_name="Till 7"),
    ):
        assert till.get("/v1/stores").status_code == kiosk.get("/v1/stores").status_code == 200
    code, out, err = _run(capsys, "devices", "list", "--db", hub.db_url)
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split()[:4] == ["id", "store", "kind", "enrolled"]
    listed = [(row.split()[1], row.split()[2], row.rsplit("  ", 1)[1]) for row in rows]
    assert listed == [("1", "tablet", "Till 1"), ("1", "kiosk", "Front kiosk"), ("2", "tablet", "Till 7")]
    assert "3 devices, 0 revoked" in err
    code, out, _ = _run(capsys, "devices", "list", "--store", "2", "--db", hub.db_url)
    assert code == 0 and len(out.splitlines()) == 2 and out.splitlines()[1].endswith("Till 7")


#: A name that would clear IT's terminal, set its title and forge a second row of the listing.
FORGING_NAME = "evil\x1b[2J\x1b]0;pwned\x07\nfake 99 1 tablet"


def test_a_device_name_with_control_characters_is_refused_at_enrollment_and_any_script_kept(
    hub_server_fn: Any, assert_problem: Any, query_db: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = hub_server_fn
    url = f"{hub.url}/v1/devices/enroll"
    for name in (FORGING_NAME, "Till\n2", "Till\t2", "Till\x85", "Till \u202e2", "Till\u20282", "\x00"):
        code = hub.enroll_code()
        refused = httpx.post(url, json={"code": code, "device_name": name, "kind": "kiosk"})
        assert_problem(refused, 422)
        assert httpx.post(url, json={"code": code, "device_name": "Till 2"}).status_code == 200, "code unused"
    for name in ("收银台 2", "Касса №2", "Caisse près de l'entrée ☕"):
        assert httpx.post(url, json={"code": hub.enroll_code(), "device_name": name}).status_code == 200
    assert query_db(hub.db_url, "SELECT count(*) FROM devices WHERE name LIKE '%evil%'") == [(0,)]
    code, out, _ = _run(capsys, "devices", "list", "--db", hub.db_url)
    assert code == 0
    assert [row.rsplit("  ", 1)[1] for row in out.splitlines()[-3:]] == [
        "收银台 2",
        "Касса №2",
        "Caisse près de l'entrée ☕",
    ]


def test_devices_list_escapes_what_a_stored_name_or_reason_would_do_to_the_terminal(
    hub_server_fn: Any, enroll_device: Any, query_db: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name stored before enrollment refused control characters (or written to the database by
    other means) is listed on one row, its control characters as escapes."""
    hub = hub_server_fn
    with (
        enroll_device(hub, role=None, device_name="Till 1"),
        enroll_device(hub, role=None, device_name="Till 2"),
    ):
        pass
    query_db(hub.db_url, "UPDATE devices SET name = ? WHERE name = 'Till 1'", FORGING_NAME)
    query_db(
        hub.db_url,
        "UPDATE devices SET revoked = 1, revoked_reason = ? WHERE name = 'Till 2'",
        "lost\r\n    7     1  tablet  \u202eforged",
    )
    code, out, err = _run(capsys, "devices", "list", "--db", hub.db_url)
    assert code == 0 and "2 devices, 1 revoked" in err
    _header, *rows = out.splitlines()
    assert len(rows) == 2
    assert not any(ch in out for ch in "\x1b\x07\r\u202e")
    assert rows[0].endswith("  evil\\x1b[2J\\x1b]0;pwned\\x07\\nfake 99 1 tablet")
    assert rows[1].endswith("  Till 2  (lost\\r\\n    7     1  tablet  \\u202eforged)")


def test_a_revoked_device_is_refused_with_the_reason_and_its_sign_in_ends(
    hub_server_fn: Any,
    enroll_device: Any,
    query_db: Any,
    assert_problem: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hub = hub_server_fn
    with enroll_device(hub, device_name="Fitting rooms") as tablet:
        assert tablet.get("/v1/stores/1/holds").status_code == 200
        ((device_id,),) = query_db(hub.db_url, "SELECT id FROM devices WHERE name = 'Fitting rooms'")
        code, out, _ = _run(
            capsys,
            "devices",
            "revoke",
            str(device_id),
            "--reason",
            "Lost on the  shop floor",
            "--db",
            hub.db_url,
        )
        assert code == 0 and f"device {device_id} (tablet at store 1) revoked" in out
        refused = assert_problem(tablet.get("/v1/stores"), 401, "device_revoked")
        assert "(Lost on the shop floor)" in refused["detail"] and "enroll it again" in refused["detail"]
        assert refused["params"] == {"reason": "Lost on the shop floor"}, "the reason whole, as a field"
        assert_problem(tablet.get("/v1/stores/1/holds"), 401, "device_revoked")
    ended = query_db(hub.db_url, "SELECT ended_why FROM staff_sessions WHERE device_id = ?", device_id)
    assert ended == [("revoked",)]
    assert query_db(hub.db_url, "SELECT staff_id, subject FROM audit WHERE action = 'device.revoke'") == [
        (None, f"device:{device_id}")
    ]

    code, out, _ = _run(capsys, "devices", "revoke", str(device_id), "--reason", "again", "--db", hub.db_url)
    assert code == 0 and "already revoked" in out
    code, out, _ = _run(capsys, "devices", "list", "--db", hub.db_url)
    (row,) = [line for line in out.splitlines() if line.split()[0] == str(device_id)]
    assert row.endswith("Fitting rooms  (Lost on the shop floor)") and " - " not in row[30:50]
    code, _, err = _run(capsys, "devices", "revoke", "999999", "--db", hub.db_url)
    assert code == 2 and "no device 999999" in err
    with pytest.raises(SystemExit) as refused_reason:
        main(["devices", "revoke", str(device_id), "--reason", "x" * 201, "--db", hub.db_url])
    assert refused_reason.value.code == 2


def test_a_revoked_devices_reason_is_a_field_of_the_problem_whatever_it_holds(
    hub_server_fn: Any,
    enroll_device: Any,
    query_db: Any,
    assert_problem: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hub = hub_server_fn
    reason = 'Sent for repair ("screen"). Back on Monday (after 10:00).'
    with (
        enroll_device(hub, role=None, device_name="with reason") as told,
        enroll_device(hub, role=None, device_name="without") as untold,
    ):
        ids = dict(query_db(hub.db_url, "SELECT name, id FROM devices"))
        assert (
            _run(
                capsys, "devices", "revoke", str(ids["with reason"]), "--reason", reason, "--db", hub.db_url
            )[0]
            == 0
        )
        assert _run(capsys, "devices", "revoke", str(ids["without"]), "--db", hub.db_url)[0] == 0
        refused = assert_problem(told.get("/v1/stores"), 401, "device_revoked")
        assert refused["params"] == {"reason": reason}
        assert f"({reason})" in refused["detail"], "an older app reads it from the detail"
        bare = assert_problem(untold.get("/v1/stores"), 401, "device_revoked")
        assert "params" not in bare and "(" not in bare["detail"]
        # A reason longer than a field may be (written by other means) stays in the detail only.
        query_db(hub.db_url, "UPDATE devices SET revoked_reason = ? WHERE id = ?", "x" * 201, ids["without"])
        long = assert_problem(untold.get("/v1/stores"), 401, "device_revoked")
        assert "params" not in long and "x" * 201 in long["detail"]


def test_rotating_the_key_signs_new_codes_with_the_next_and_old_codes_still_verify(
    seeded_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = issue_token(seeded_db_url, TokenKind.LOYALTY_CARD, 5)
    code, out, _ = _run(capsys, "rotate-key", "--db", seeded_db_url)
    assert code == 0 and "signing key 2 now signs new codes; key 1 stays published" in out
    after = issue_token(seeded_db_url, TokenKind.LOYALTY_CARD, 5)
    engine = make_engine(seeded_db_url)
    with make_sessionmaker(engine)() as session:
        keys = public_keys(session)
    engine.dispose()
    now = datetime.now(UTC)
    assert sorted(keys) == [1, 2]
    assert (verify_token(before, keys, now=now).key_id, verify_token(after, keys, now=now).key_id) == (1, 2)


def test_rotating_past_the_last_key_id_is_refused_in_a_sentence_and_changes_nothing(
    seeded_db_url: str, query_db: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    query_db(seeded_db_url, "UPDATE signing_keys SET key_id = 254 WHERE key_id = 1")
    code, out, _ = _run(capsys, "rotate-key", "--db", seeded_db_url)
    assert code == 0 and "signing key 255 now signs new codes; key 254 stays published" in out
    before = query_db(seeded_db_url, "SELECT key_id, active, public_key FROM signing_keys ORDER BY key_id")
    code, out, err = _run(capsys, "rotate-key", "--db", seeded_db_url)
    assert (code, out) == (2, "")
    assert (
        err.count("\n") == 1
        and "Every signing key id (1 to 255) is taken" in err
        and "nothing was changed" in err
    )
    assert (
        query_db(seeded_db_url, "SELECT key_id, active, public_key FROM signing_keys ORDER BY key_id")
        == before
    )
    assert [row[:2] for row in before] == [(254, 0), (255, 1)]
    assert query_db(seeded_db_url, "SELECT count(*) FROM audit WHERE action = 'key.rotate'") == [(1,)]


def test_a_retired_key_is_no_longer_published_and_the_hub_refuses_every_code_it_signed(
    hub_server_fn: Any,
    enroll_device: Any,
    query_db: Any,
    assert_problem: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hub = hub_server_fn
    customer_id, order_id = hub.customer_ids[0], hub.pickup_order_ids[0]
    old_card, old_order, old_badge = (
        hub.loyalty_token(customer_id, card=True),
        hub.order_token(order_id),
        hub.staff_badge,
    )
    code, out, _ = _run(capsys, "rotate-key", "--db", hub.db_url)
    assert code == 0 and "signing key 2 now signs new codes; key 1 stays published" in out
    with enroll_device(hub, device_name="scanner") as tablet:
        assert tablet.post("/v1/customers/resolve", json={"token": old_card}).status_code == 200, "rotated"

        code, out, err = _run(capsys, "retire-key", "1", "--db", hub.db_url)
        assert code == 0 and out.count("\n") == 1
        assert "signing key 1 retired: the hub refuses every code it signed and no longer publishes it" in out
        assert "every code signed with key 1" in err and "must be reissued" in err and "key 2" in err

        for route, old in (("/v1/customers/resolve", old_card), ("/v1/orders/resolve", old_order)):
            assert_problem(tablet.post(route, json={"token": old}), 403, "token_unknown_key")
        new_card, new_order = hub.loyalty_token(customer_id, card=True), hub.order_token(order_id)
        assert tablet.post("/v1/customers/resolve", json={"token": new_card}).status_code == 200
        assert tablet.post("/v1/orders/resolve", json={"token": new_order}).status_code == 200
    with enroll_kiosk(hub) as kiosk:
        assert_problem(kiosk.post("/v1/kiosk/shopper", json={"token": old_card}), 403, "token_unknown_key")
        assert kiosk.post("/v1/kiosk/shopper", json={"token": new_card}).status_code == 200
    enrolled = httpx.post(
        f"{hub.url}/v1/devices/enroll", json={"code": hub.enroll_code(), "device_name": "badge test"}
    ).json()
    assert set(enrolled["public_keys"]["keys"]) == {"2"}, "a new device is not given the retired key"
    bearer = {"Authorization": f"Bearer {enrolled['credential']}"}
    signed_old = httpx.post(f"{hub.url}/v1/staff/sign-in", json={"badge": old_badge}, headers=bearer)
    assert_problem(signed_old, 403, "sign_in_refused")
    signed_new = httpx.post(f"{hub.url}/v1/staff/sign-in", json={"badge": hub.staff_badge}, headers=bearer)
    assert signed_new.status_code == 200, "a badge printed again is signed with key 2"

    assert set(httpx.get(f"{hub.url}/v1/keys").json()["keys"]) == {"2"}
    audit_sql = "SELECT staff_id, device_id, subject FROM audit WHERE action = 'key.retire'"
    assert query_db(hub.db_url, audit_sql) == [(None, None, "key:1")]
    retired = query_db(
        hub.db_url, "SELECT key_id, active, retired_at IS NOT NULL FROM signing_keys ORDER BY key_id"
    )
    assert retired == [(1, 0, 1), (2, 1, 0)]

    code, out, err = _run(capsys, "retire-key", "1", "--db", hub.db_url)
    assert code == 0 and "signing key 1 was already retired (" in out and "nothing changed" in out
    assert err == ""
    assert query_db(hub.db_url, "SELECT count(*) FROM audit WHERE action = 'key.retire'") == [(1,)]
    code, out, _ = _run(capsys, "rotate-key", "--db", hub.db_url)
    assert code == 0 and "signing key 3 now signs new codes; key 2 stays published" in out
    assert set(httpx.get(f"{hub.url}/v1/keys").json()["keys"]) == {"2", "3"}


def test_retiring_the_signing_key_or_an_unknown_key_is_refused_in_a_sentence_and_changes_nothing(
    hub_server_fn: Any, query_db: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = hub_server_fn
    card = hub.loyalty_token(hub.customer_ids[0], card=True)
    keys_sql = "SELECT key_id, active, retired_at, public_key FROM signing_keys ORDER BY key_id"
    before, published = query_db(hub.db_url, keys_sql), httpx.get(f"{hub.url}/v1/keys").json()
    assert [row[:3] for row in before] == [(1, 1, None)]
    for key_id, said in (
        ("1", "Signing key 1 signs new codes, so it cannot be retired; run rotate-key first"),
        ("2", "There is no signing key 2 in that database; nothing was changed."),
        ("255", "There is no signing key 255 in that database"),
    ):
        code, out, err = _run(capsys, "retire-key", key_id, "--db", hub.db_url)
        assert (code, out) == (2, "")
        assert err.count("\n") == 1 and said in err and "Traceback" not in err
    assert query_db(hub.db_url, keys_sql) == before
    assert httpx.get(f"{hub.url}/v1/keys").json() == published
    assert query_db(hub.db_url, "SELECT count(*) FROM audit WHERE action = 'key.retire'") == [(0,)]
    with enroll_kiosk(hub) as kiosk:
        assert kiosk.post("/v1/kiosk/shopper", json={"token": card}).status_code == 200, "still trusted"
    for bad in ("0", "one"):
        with pytest.raises(SystemExit) as refused:
            main(["retire-key", bad, "--db", hub.db_url])
        assert refused.value.code == 2


@pytest.mark.parametrize(
    ("first", "last", "said"),
    [
        (
            "2026-01-01",
            "9999-12-31",
            "--to 9999-12-31 is past the last day an export can name; give 9999-12-30",
        ),
        ("9999-12-31", "9999-12-31", "--to 9999-12-31 is past the last day"),
        ("2026-02-02", "2026-02-01", "--from 2026-02-02 is after --to 2026-02-01."),
    ],
)
def test_an_audit_export_of_no_range_is_refused_in_a_sentence_and_writes_no_file(
    seeded_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], first: str, last: str, said: str
) -> None:
    out = tmp_path / "audit.csv"
    argv = ("audit-export", "--from", first, "--to", last, "--format", "csv", "--db", seeded_db_url)
    for where in ((), ("--out", str(out))):
        code, printed, err = _run(capsys, *argv, *where)
        assert (code, printed) == (2, "")
        assert err.count("\n") == 1 and said in err and "Traceback" not in err
    assert not out.exists()
    code, _, err = _run(capsys, "audit-export", "--from", "0001-01-01", "--to", "9999-12-30", "--format",
                        "jsonl", "--out", str(out), "--db", seeded_db_url)  # fmt: skip
    assert code == 0 and "audit rows of 0001-01-01 to 9999-12-30" in err


def test_a_revoked_card_and_badge_stop_working_at_the_hub(
    hub_server_fn: Any, query_db: Any, assert_problem: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = hub_server_fn
    customer_id = hub.customer_ids[0]
    card = hub.loyalty_token(customer_id, card=True)
    badge = hub.staff_badge
    code, out, _ = _run(capsys, "revoke-card", "--customer", str(customer_id), "--db", hub.db_url)
    assert code == 0 and "next card printed carries serial 2" in out
    code, out, _ = _run(capsys, "revoke-badge", "--staff", "3", "--db", hub.db_url)
    assert code == 0 and "next badge printed carries serial 2" in out
    with enroll_kiosk(hub) as kiosk:
        assert_problem(kiosk.post("/v1/kiosk/shopper", json={"token": card}), 403, "token_revoked")
    tablet = httpx.post(
        f"{hub.url}/v1/devices/enroll", json={"code": hub.enroll_code(), "device_name": "badge test"}
    ).json()["credential"]
    signed = httpx.post(
        f"{hub.url}/v1/staff/sign-in", json={"badge": badge}, headers={"Authorization": f"Bearer {tablet}"}
    )
    assert_problem(signed, 403, "sign_in_refused")
    assert (
        httpx.post(
            f"{hub.url}/v1/staff/sign-in",
            json={"badge": hub.staff_badge},
            headers={"Authorization": f"Bearer {tablet}"},
        ).status_code
        == 200
    ), "the new badge signs in"
    audited = query_db(
        hub.db_url, "SELECT action, subject FROM audit WHERE action IN ('card.revoke', 'badge.revoke')"
    )
    assert sorted(audited) == [("badge.revoke", "staff:3"), ("card.revoke", f"customer:{customer_id}")]
    for argv in (("revoke-card", "--customer", "9999999"), ("revoke-badge", "--staff", "9999999")):
        code, _, err = _run(capsys, *argv, "--db", hub.db_url)
        assert code == 2 and "9999999" in err


def test_the_audit_trail_of_a_date_range_exports_as_csv_or_json_lines_as_stored(
    hub_server_fn: Any, query_db: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = hub_server_fn
    with enroll_kiosk(hub) as kiosk:
        kiosk.post("/v1/kiosk/shopper", json={"token": hub.loyalty_token(hub.customer_ids[0])})
    today = datetime.now(UTC).date()
    stored = [
        tuple(row)
        for row in query_db(
            hub.db_url,
            "SELECT id, at, device_id, staff_id, action, subject FROM audit WHERE at >= ? ORDER BY id",
            today.isoformat(),
        )
    ]
    assert any(row[4] == "kiosk.shopper" for row in stored)

    out = tmp_path / "audit.csv"
    code, _, err = _run(
        capsys, "audit-export", "--from", today.isoformat(), "--to", today.isoformat(), "--format", "csv",
        "--out", str(out), "--db", hub.db_url,
    )  # fmt: skip
    assert code == 0 and f"{len(stored)} audit rows" in err
    header, *rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(header) == AUDIT_COLUMNS
    assert [(int(r[0]), r[4], r[5]) for r in rows] == [(s[0], s[4], s[5]) for s in stored]
    assert [r[2] for r in rows] == ["" if s[2] is None else str(s[2]) for s in stored]

    code, printed, _ = _run(
        capsys, "audit-export", "--from", (today - timedelta(days=1)).isoformat(), "--to", today.isoformat(),
        "--format", "jsonl", "--db", hub.db_url,
    )  # fmt: skip
    lines = [json.loads(line) for line in printed.splitlines()]
    assert code == 0 and len(lines) >= len(stored) + 1  # and the first export, itself audited
    assert all(tuple(line) == AUDIT_COLUMNS for line in lines)
    assert {line["action"] for line in lines} >= {"kiosk.shopper", "device.enroll", "audit.export"}
    assert all(datetime.fromisoformat(line["at"]).tzinfo is not None for line in lines)

    code, printed, err = _run(
        capsys,
        "audit-export",
        "--from",
        "2001-01-01",
        "--to",
        "2001-01-31",
        "--format",
        "jsonl",
        "--db",
        hub.db_url,
    )
    assert code == 0 and printed == "" and "0 audit rows" in err
    code, _, err = _run(
        capsys,
        "audit-export",
        "--from",
        "2026-02-02",
        "--to",
        "2026-02-01",
        "--format",
        "csv",
        "--db",
        hub.db_url,
    )
    assert code == 2 and "is after" in err
    with pytest.raises(SystemExit) as bad_date:
        main(
            [
                "audit-export",
                "--from",
                "yesterday",
                "--to",
                "2026-02-01",
                "--format",
                "csv",
                "--db",
                hub.db_url,
            ]
        )
    assert bad_date.value.code == 2
