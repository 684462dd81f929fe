"""Leaving kiosk mode (``POST /v1/kiosk/exit``: a manager of the store, checked as a sign-in, signs
nobody in), and the kiosk's own change feed (``GET /v1/kiosk/changes``: the catalog, stock and
revoked cards, never a pickup or a customer)."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
from hub_kiosks import enroll_kiosk, kiosk_pickups

from storeassist import contract
from storeassist.hub.admin import revoke_card
from storeassist.hub.seed.catalog import demo_pin
from storeassist.hub.seed.pickups import pickup_code_for
from storeassist.hub.services.catalog_admin import read_counts, set_stock_counts
from storeassist.hub.services.database import HubDatabase

PERSONAL = ("pickups", "customers")


def _staff(query_db: Any, hub: Any, role: str, store_id: int = 1) -> tuple[int, str]:
    ((staff_id, number),) = query_db(
        hub.db_url,
        "SELECT id, staff_number FROM staff WHERE store_id = ? AND role = ? ORDER BY id LIMIT 1",
        store_id,
        role,
    )
    return int(staff_id), str(number)


def _exit(kiosk: httpx.Client, staff: tuple[int, str], pin: str | None = None) -> httpx.Response:
    staff_id, number = staff
    return kiosk.post("/v1/kiosk/exit", json={"staff_number": number, "pin": pin or demo_pin(staff_id)})


def test_a_manager_or_admin_of_the_store_lets_the_kiosk_leave_kiosk_mode_and_nobody_else(
    hub_server_fn: Any, query_db: Any, assert_problem: Any
) -> None:
    hub = hub_server_fn
    manager, admin = _staff(query_db, hub, "manager"), _staff(query_db, hub, "admin")
    with enroll_kiosk(hub) as kiosk:
        assert _exit(kiosk, manager).status_code == 204
        assert _exit(kiosk, admin).status_code == 204
        by_badge = kiosk.post(
            "/v1/kiosk/exit", json={"badge": hub.badge(manager[0]), "pin": demo_pin(manager[0])}
        )
        assert by_badge.status_code == 204, by_badge.text
        for role in ("associate", "supervisor"):
            assert_problem(_exit(kiosk, _staff(query_db, hub, role)), 403, "sign_in_refused")
        assert_problem(_exit(kiosk, _staff(query_db, hub, "manager", store_id=2)), 403, "sign_in_refused")
        assert_problem(_exit(kiosk, manager, pin="0000"), 403, "sign_in_refused")
        both = kiosk.post(
            "/v1/kiosk/exit", json={"badge": hub.badge(manager[0]), "staff_number": manager[1], "pin": "1"}
        )
        assert_problem(both, 422)
    audited = query_db(
        hub.db_url,
        "SELECT staff_id, subject FROM audit WHERE action = 'kiosk.exit' AND device_id = ?",
        kiosk.device_id,
    )
    subject = f"device:{kiosk.device_id}"
    assert audited == [(manager[0], subject), (admin[0], subject), (manager[0], subject)]
    sessions = query_db(
        hub.db_url, "SELECT count(*) FROM staff_sessions WHERE device_id = ?", kiosk.device_id
    )
    assert sessions == [(0,)], "nobody was signed in"


def test_a_right_pin_of_someone_who_may_not_leave_kiosk_mode_is_answered_as_a_wrong_pin_is(
    hub_server_fn: Any, query_db: Any
) -> None:
    """No PIN oracle for a copied kiosk credential: the answer to a right PIN of an associate, a
    supervisor, another store's manager or associate is a wrong PIN's, byte for byte, and counts
    towards the kiosk's limit as one."""
    hub = hub_server_fn
    manager = _staff(query_db, hub, "manager")
    right_pins_of = [
        _staff(query_db, hub, "associate"),
        _staff(query_db, hub, "supervisor"),
        _staff(query_db, hub, "manager", store_id=2),
        _staff(query_db, hub, "associate", store_id=2),
    ]
    with enroll_kiosk(hub) as kiosk:
        wrong = _exit(kiosk, manager, pin="0000")
        assert wrong.status_code == 403 and wrong.json()["code"] == "sign_in_refused"
        for staff in right_pins_of:
            for answer in (
                _exit(kiosk, staff),
                kiosk.post("/v1/kiosk/exit", json={"badge": hub.badge(staff[0]), "pin": demo_pin(staff[0])}),
            ):
                assert (answer.status_code, answer.content) == (wrong.status_code, wrong.content), staff
                assert answer.headers["content-type"] == wrong.headers["content-type"]
        # 1 wrong PIN and 8 right ones of the wrong people: the tenth refusal is the last allowed.
        assert _exit(kiosk, manager, pin="0000").content == wrong.content
        assert _exit(kiosk, manager).status_code == 429, "right PINs of the wrong people counted too"
    audited = query_db(hub.db_url, "SELECT count(*) FROM audit WHERE action = 'kiosk.exit'")
    assert audited == [(0,)]


def test_guessing_pins_at_the_kiosk_is_limited_as_sign_in_is(
    hub_server_fn: Any, query_db: Any, assert_problem: Any
) -> None:
    hub = hub_server_fn
    manager = _staff(query_db, hub, "manager")
    with enroll_kiosk(hub) as kiosk:
        for _ in range(10):
            assert_problem(_exit(kiosk, manager, pin="0000"), 403, "sign_in_refused")
        assert_problem(_exit(kiosk, manager), 429, "too_many_sign_in_attempts")


def _cursor_phase(cursor: str) -> str:
    data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return str(data["p"])


def _drain(
    client: httpx.Client, path: str, cursor: str = "", **headers: str
) -> tuple[dict[str, list[Any]], str]:
    """Every page of a feed from ``cursor``: the items by kind, and the cursor to go on from."""
    items: dict[str, list[Any]] = {}
    while True:
        answer = client.get(path, params={"cursor": cursor, "limit": 5000}, headers=headers)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        for kind, values in page.items():
            if isinstance(values, list):
                items.setdefault(kind, []).extend(values)
        cursor = page["cursor"]
        if not page["has_more"]:
            return items, cursor


def test_the_kiosks_feed_carries_the_catalog_stock_and_revoked_cards_never_pickups_or_customers(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, make_command: Any, assert_problem: Any
) -> None:
    hub, tablet = own_hub_device
    revoke_card(hub.db_url, hub.customer_ids[2])
    with enroll_kiosk(hub) as kiosk:
        snapshot, cursor = _drain(kiosk, "/v1/kiosk/changes")
        store, _ = _drain(tablet, "/v1/stores/1/changes")
        assert store["pickups"] and store["customers"], "the store's feed has them; the kiosk's must not"
        assert not any(snapshot.get(kind) for kind in PERSONAL)
        assert snapshot["products"] == store["products"] and snapshot["stock"] == store["stock"]
        assert snapshot["revoked"] == store["revoked"] != []
        assert _cursor_phase(cursor) == "log"

        # A pickup (the customer is waiting), a customer (a note), a stock count and a card change.
        order_id = kiosk_pickups(query_db, hub)[0]
        kiosk.post(
            "/v1/kiosk/pickup",
            json={"order_code": hub.order_token(order_id), "pickup_code": pickup_code_for(order_id)},
        )
        note = make_command("note.add", {"customer_id": hub.customer_ids[0], "text": "likes linen"})
        assert (
            tablet.post("/v1/commands", json={"commands": [note]}).json()["results"][0]["status"] == "applied"
        )
        sku = snapshot["stock"][0][0]
        db = HubDatabase(hub.db_url)
        try:
            with db.writing() as session:
                set_stock_counts(session, 1, read_counts(f"sku,on_hand\n{sku},77\n"))
        finally:
            db.dispose()
        revoke_card(hub.db_url, hub.customer_ids[3])

        deltas, _ = _drain(kiosk, "/v1/kiosk/changes", cursor)
        assert not any(deltas.get(kind) for kind in PERSONAL)
        assert [(s, level["on_hand"]) for s, level in deltas["stock"]] == [(sku, 77)]
        assert {r["customer_id"] for r in deltas["revoked"]} == {hub.customer_ids[3]}

        # The stock desk's shape, for a kiosk that reads it: its progress counts only what it sends.
        desk, _ = _drain(kiosk, "/v1/kiosk/changes", **{contract.RESULTS_HEADER: "stock_desk"})
        assert desk["stores"] and desk["stock_counts"] and not any(desk.get(kind) for kind in PERSONAL)
        last = kiosk.get(
            "/v1/kiosk/changes", params={"limit": 5000}, headers={contract.RESULTS_HEADER: "stock_desk"}
        ).json()["progress"]
        assert (
            last["done"]
            <= last["total"]
            == len(desk["products"]) + len(desk["stock_counts"]) + len(desk["revoked"])
        )

        # A cursor in a personal phase (another feed's, or made up) is refused.
        personal = base64.urlsafe_b64encode(
            json.dumps({"st": 1, "p": "customers", "k": None, "s": 0}).encode()
        )
        answer = kiosk.get("/v1/kiosk/changes", params={"cursor": personal.decode().rstrip("=")})
        assert_problem(answer, 400, "bad_cursor")
