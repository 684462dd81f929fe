"""The kiosk against the real hub: a kiosk device started as the app starts it (``DeviceStartup``
with ``kind="kiosk"``), syncing the catalog and stock with nobody signed in, greeting a shopper
and keeping nothing of them, checking a product, asking an associate to hold it, collecting a
pickup (counter, locker, wrong codes), starting a return, and a manager letting it leave kiosk mode.

Each test that changes the chain has a hub of its own (``hub_server_fn``).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from hub_kiosks import kiosk_pickups
from hub_returns import make_order
from tampered_codes import tampered

from storeassist.client import HubClient
from storeassist.config import Settings
from storeassist.contract import KioskReturnChoice, StaffSignInRequest
from storeassist.domain.kiosk import KioskRefused, KioskUnavailable, greeting_name
from storeassist.domain.tokens import TokenForged, TokenRevoked, WrongKind
from storeassist.hub.admin import revoke_card
from storeassist.hub.seed.catalog import demo_pin
from storeassist.hub.seed.pickups import pickup_code_for
from storeassist.services.kiosk_desk import KioskDesk
from storeassist.startup import DeviceServices, DeviceStartup, NotOnKiosk

pytestmark = pytest.mark.anyio

#: The canary shopper: values that appear nowhere else, to look for after the kiosk served them.
CANARY_NAME = "Zephyrine Quillfeather"
CANARY_LOYALTY_ID = "LQX77419026"
CANARY_POINTS = 7_364_219


def query_db(db_url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Straight from the hub's SQLite database (a write commits)."""
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        return conn.execute(sql, params).fetchall()


@asynccontextmanager
async def started_kiosk(
    hub: Any, folder: Path, keyring: Any, **settings: Any
) -> AsyncIterator[DeviceServices]:
    """A kiosk enrolled at ``hub`` with a fresh code and synced once, as the kiosk shell starts it."""
    startup = DeviceStartup(
        Settings(device_name="Entrance kiosk", **settings),
        folder,
        training=False,
        kind="kiosk",
        keyring_backend=keyring,
    )
    try:
        assert await startup.prepare() is None, "a new kiosk is not enrolled"
        record = await startup.enroll(hub.url, hub.enroll_code())
        services = startup.open(record)
        await services.sync.sync_now()
        yield services
    finally:
        await startup.aclose()


def desk_of(services: DeviceServices) -> KioskDesk:
    assert services.kiosk is not None
    return services.kiosk


@pytest.fixture
async def kiosk(
    hub: Any, tmp_path: Path, memory_keyring: Any, anyio_backend: str
) -> AsyncIterator[DeviceServices]:
    """A kiosk on the session's hub (for what changes nothing there that others read)."""
    async with started_kiosk(hub, tmp_path / "kiosk", memory_keyring) as services:
        yield services


@pytest.fixture
async def own_kiosk(
    hub_server_fn: Any, tmp_path: Path, memory_keyring: Any, anyio_backend: str
) -> AsyncIterator[tuple[Any, DeviceServices]]:
    """A hub of this test's own and a kiosk enrolled at it."""
    async with started_kiosk(hub_server_fn, tmp_path / "kiosk", memory_keyring) as services:
        yield hub_server_fn, services


@pytest.fixture
def kiosk_log(tmp_path: Path) -> Iterator[Path]:
    """Everything the app logs, at every level, into the kiosk's data folder (as the app's
    rotating log file would hold it), so the folder's search covers the log too."""
    path = tmp_path / "kiosk" / "logs" / "storeassist.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("storeassist")
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    root.setLevel(level)
    handler.close()


def files_holding(folder: Path, needles: list[str]) -> dict[str, list[str]]:
    """Each file under ``folder`` (cache, outbox, their WAL files, device record, logs) that
    holds any of ``needles``, as UTF-8 or UTF-16 text; a number only as a whole number."""
    found: dict[str, list[str]] = {}
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for needle in needles:
            pattern = rf"(?<!\d){re.escape(needle)}(?!\d)" if needle.isdigit() else re.escape(needle)
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                if re.search(pattern.encode(encoding), data):
                    found.setdefault(str(path.relative_to(folder)), []).append(needle)
                    break
    return found


def _product_in_stock_here(db_url: str) -> tuple[str, str, int]:
    ((sku, gtin, on_sale),) = query_db(
        db_url,
        "SELECT p.sku, p.gtin, i.on_hand - i.held FROM inventory i JOIN products p ON p.id = i.product_id "
        "WHERE i.store_id = 1 AND i.on_hand - i.held BETWEEN 2 AND 20 ORDER BY p.id LIMIT 1",
    )
    return str(sku), str(gtin), int(on_sale)


# -- syncing -----------------------------------------------------------------------------------


async def test_a_kiosk_syncs_the_catalog_and_stock_with_nobody_signed_in_and_keeps_no_customer(
    kiosk: DeviceServices, hub: Any
) -> None:
    assert kiosk.staff.current is None and not kiosk.client.has_staff_session
    assert kiosk.sync.feed == "kiosk" and kiosk.sync.online is True
    cache = kiosk.cache
    assert cache.catalog_count() > 0
    assert cache.verification_keys()
    sku, gtin, on_sale = _product_in_stock_here(hub.db_url)
    card = desk_of(kiosk).product(gtin)
    assert card is not None and card.product.sku == sku and card.source == "cache"
    assert card.here is not None and card.here.on_hand - card.here.held == on_sale
    assert cache.open_pickups() == []
    with sqlite3.connect(cache.path) as raw:
        for personal in ("customer_profiles", "customer_recommendations", "pickups", "return_orders"):
            assert raw.execute(f"SELECT count(*) FROM {personal}").fetchone() == (0,), personal
    # A second round goes on from the cursor, still with nobody signed in.
    report = await kiosk.sync.sync_now()
    assert report.pushed == 0 and report.pages_pulled >= 1


async def test_a_kiosk_has_no_counter_service_that_reads_personal_data(kiosk: DeviceServices) -> None:
    assert kiosk.counters is None and kiosk.kiosk is not None
    for name in (
        "view_customer",
        "notes",
        "suggestions",
        "pickups",
        "pickup_arrivals",
        "stock_desk",
        "returns",
    ):
        with pytest.raises(NotOnKiosk):
            getattr(kiosk, name)
        assert getattr(kiosk, name, None) is None
    # Nor does the hub let it sign anyone in.
    with pytest.raises(Exception) as refused:
        await kiosk.client.staff_sign_in(StaffSignInRequest(staff_number="S0001", pin="1001"))
    assert getattr(refused.value, "code", None) == "kiosk_device"


# -- a shopper ---------------------------------------------------------------------------------


async def test_a_shopper_is_greeted_and_nothing_of_them_stays_in_the_kiosks_data_folder(
    hub_server_fn: Any, tmp_path: Path, memory_keyring: Any, kiosk_log: Path
) -> None:
    hub = hub_server_fn
    canary = hub.customer_ids[0]
    query_db(
        hub.db_url,
        "UPDATE customers SET name = ?, name_key = ?, loyalty_id = ?, points = ? WHERE id = ?",
        CANARY_NAME,
        CANARY_NAME.casefold(),
        CANARY_LOYALTY_ID,
        CANARY_POINTS,
        canary,
    )
    folder = tmp_path / "kiosk"
    needles = [CANARY_NAME, *CANARY_NAME.split(), CANARY_LOYALTY_ID, str(CANARY_POINTS)]
    async with started_kiosk(hub, folder, memory_keyring) as kiosk:
        desk = desk_of(kiosk)
        token = hub.loyalty_token(canary)
        card = hub.loyalty_token(canary, card=True)
        for code in (token, card):
            shopper = await desk.shopper(code)
            assert shopper.greeting_name == greeting_name(CANARY_NAME) == "Zephyrine Q."
            assert shopper.points == CANARY_POINTS and shopper.tier == "platinum"
        assert CANARY_LOYALTY_ID not in shopper.model_dump_json()
        desk.forget()
        await kiosk.sync.sync_now()  # a round after the shopper: still nothing of them
        assert files_holding(folder, needles) == {}
        assert files_holding(folder, [token, card]) == {}, "the codes scanned are not kept either"
    # Closed, with every file flushed: the same.
    assert files_holding(folder, needles) == {}
    assert kiosk_log.read_text(encoding="utf-8"), "the log was written (and searched)"


async def test_a_code_the_kiosk_refuses_itself_is_never_sent_and_one_the_hub_refuses_says_why(
    own_kiosk: tuple[Any, DeviceServices],
) -> None:
    hub, kiosk = own_kiosk
    desk = desk_of(kiosk)
    customer = hub.customer_ids[1]
    good = hub.loyalty_token(customer)
    forged = tampered(good)
    with pytest.raises(TokenForged):
        await desk.shopper(forged)
    with pytest.raises(WrongKind):
        await desk.shopper(hub.order_token(hub.pickup_order_ids[0]))
    # A card revoked at the back office: the kiosk knows once it synced the revocation …
    card = hub.loyalty_token(customer, card=True)
    revoke_card(hub.db_url, customer)
    with pytest.raises(TokenRevoked):
        await desk.shopper(card)  # … not yet: the hub says so
    await kiosk.sync.sync_now()
    with pytest.raises(TokenRevoked):
        await desk.shopper(card)  # now the kiosk itself
    assert kiosk.cache.is_revoked(customer, 1)


# -- a product ---------------------------------------------------------------------------------


async def test_a_scanned_product_shows_from_the_cache_then_fresher_and_an_associate_is_asked_to_hold_it(
    own_kiosk: tuple[Any, DeviceServices],
) -> None:
    hub, kiosk = own_kiosk
    desk = desk_of(kiosk)
    sku, gtin, on_sale = _product_in_stock_here(hub.db_url)
    by_sku, by_gtin = desk.product(sku), desk.product(f" {gtin} ")
    assert by_sku is not None and by_gtin is not None and by_sku.product == by_gtin.product
    assert by_sku.companions == () and by_sku.grid.cells
    assert desk.product("0000000000000") is None and desk.product("") is None
    fresher = await desk.fresher(by_sku)
    assert fresher.source == "online" and fresher.here is not None
    assert fresher.here.on_hand - fresher.here.held == on_sale

    await desk.request_hold(sku)
    await desk.request_hold(gtin, qty=2)
    asked = query_db(hub.db_url, "SELECT kind, qty, status FROM assist_requests ORDER BY id")
    assert asked == [("hold", 1, "open"), ("hold", 2, "open")]
    with pytest.raises(KioskRefused) as unknown:
        await desk.request_hold("NO-SUCH-SKU")
    assert unknown.value.code == "product_not_found"
    with pytest.raises(KioskRefused) as too_many:
        await desk.request_hold(sku, qty=on_sale + 1)
    assert too_many.value.code == "not_in_stock_here"


# -- self-pickup -------------------------------------------------------------------------------


async def test_self_pickup_says_counter_or_locker_and_three_wrong_codes_send_the_shopper_to_the_counter(
    own_kiosk: tuple[Any, DeviceServices],
) -> None:
    hub, kiosk = own_kiosk
    desk = desk_of(kiosk)
    at_counter = kiosk_pickups(query_db, hub, locker=False)[0]
    in_locker = kiosk_pickups(query_db, hub, locker=True)[0]
    ((number, locker),) = query_db(hub.db_url, "SELECT number, locker FROM orders WHERE id = ?", in_locker)

    counter = await desk.self_pickup(hub.order_token(at_counter), pickup_code_for(at_counter))
    assert counter.where == "counter" and counter.locker is None and counter.items >= 1
    waiting = query_db(hub.db_url, "SELECT customer_waiting_since FROM orders WHERE id = ?", at_counter)
    assert waiting[0][0] is not None, "the associates' queue shows the customer waiting"
    box = await desk.self_pickup(hub.order_token(in_locker), pickup_code_for(in_locker))
    assert (box.where, box.locker, box.order_number) == ("locker", locker, number)

    wrong_one = kiosk_pickups(query_db, hub)[0]
    code = hub.order_token(wrong_one)
    right = pickup_code_for(wrong_one)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    with pytest.raises(KioskRefused) as malformed:
        await desk.self_pickup(code, "12a45")
    assert malformed.value.code == "pickup_code_malformed"
    for tries_left in (2, 1):
        with pytest.raises(KioskRefused) as refused:
            await desk.self_pickup(code, wrong)
        assert (refused.value.code, refused.value.params) == ("pickup_code_wrong", {"tries_left": tries_left})
    for typed in (wrong, right):
        with pytest.raises(KioskRefused) as locked:
            await desk.self_pickup(code, typed)
        assert locked.value.code == "pickup_needs_manager"
    failures = query_db(hub.db_url, "SELECT pickup_code_failures FROM orders WHERE id = ?", wrong_one)
    assert failures == [(3,)], "the malformed code was not sent, so not counted"

    ((plain,),) = query_db(
        hub.db_url,
        "SELECT id FROM orders WHERE store_id = 1 AND pickup_state = 'ready' AND NOT kiosk_pickup "
        "ORDER BY id LIMIT 1",
    )
    with pytest.raises(KioskRefused) as not_here:
        await desk.self_pickup(hub.order_token(plain), "000000")
    assert not_here.value.code == "not_kiosk_pickup"


# -- a return ----------------------------------------------------------------------------------


async def test_a_return_started_at_the_kiosk_is_waiting_for_an_associate(
    own_kiosk: tuple[Any, DeviceServices],
) -> None:
    hub, kiosk = own_kiosk
    desk = desk_of(kiosk)
    made = make_order(hub, query_db, lines=(2, 1), days_ago=3, unit_cents=1500)
    code = hub.order_token(made["id"])
    order = await desk.return_order(code)
    assert order.order_number == made["number"]
    assert [(line.line_no, line.returnable, line.verdict) for line in order.lines] == [
        (1, 2, "returnable"),
        (2, 1, "returnable"),
    ]
    with pytest.raises(KioskRefused) as nothing:
        await desk.start_return(code, [])
    assert nothing.value.code == "no_lines"
    with pytest.raises(KioskRefused) as too_many:
        await desk.start_return(code, [KioskReturnChoice(line_no=2, qty=2, reason="changed_mind")])
    assert (too_many.value.code, too_many.value.params.get("line_no")) == ("more_than_returnable", 2)

    chosen = [
        KioskReturnChoice(line_no=1, qty=1, reason="wrong_size"),
        KioskReturnChoice(line_no=2, qty=1, reason="changed_mind"),
    ]
    started = await desk.start_return(code, chosen)
    assert re.fullmatch(r"K-\d{4}", started.reference)
    rows = query_db(
        hub.db_url, "SELECT reference, code, status FROM kiosk_returns WHERE order_id = ?", made["id"]
    )
    assert rows == [(started.reference, code, "open")]


class LateAnswers:
    """The kiosk's client to the real hub, whose answers to hold requests and return starts come
    after the kiosk's deadline while :attr:`late`: each such call is applied at the hub (it runs on
    when the kiosk gives up), and its answer is never seen."""

    def __init__(self, client: HubClient) -> None:
        self.client = client
        self.late = False
        self.sent: list[Any] = []
        #: The calls whose answers came too late, to wait for before looking at the hub.
        self.applied: list[asyncio.Future[Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    async def _send(self, call: Any, request: Any) -> Any:
        self.sent.append(request.request_id)
        if not self.late:
            return await call(request)
        at_the_hub = asyncio.ensure_future(call(request))
        self.applied.append(at_the_hub)
        await asyncio.shield(at_the_hub)
        await asyncio.sleep(3600)  # the answer is on its way; the kiosk's deadline passes first

    async def kiosk_hold_request(self, request: Any) -> None:
        await self._send(self.client.kiosk_hold_request, request)

    async def kiosk_start_return(self, request: Any) -> Any:
        return await self._send(self.client.kiosk_start_return, request)


async def test_a_shoppers_retry_after_a_late_answer_is_applied_once_at_the_hub(
    own_kiosk: tuple[Any, DeviceServices],
) -> None:
    hub, kiosk = own_kiosk
    sku, _, _ = _product_in_stock_here(hub.db_url)
    made = make_order(hub, query_db, lines=(2,), days_ago=3, unit_cents=1500)
    code = hub.order_token(made["id"])
    chosen = [KioskReturnChoice(line_no=1, qty=1, reason="wrong_size")]
    async with HubClient(hub.url, kiosk.credentials.load()) as client:
        hub_side = LateAnswers(client)
        desk = KioskDesk(hub_side, kiosk.cache, hub.store_id, deadline_s=0.5)
        hub_side.late = True
        with pytest.raises(KioskUnavailable):
            await desk.request_hold(sku)
        with pytest.raises(KioskUnavailable):
            await desk.start_return(code, chosen)
        await asyncio.gather(*hub_side.applied)  # the hub did both, after the kiosk gave up
        assert query_db(hub.db_url, "SELECT count(*) FROM assist_requests") == [(1,)]
        ((reference,),) = query_db(
            hub.db_url, "SELECT reference FROM kiosk_returns WHERE order_id = ?", made["id"]
        )

        hub_side.late = False  # the shopper taps again, and this time the answer comes
        await desk.request_hold(sku)
        started = await desk.start_return(code, chosen)
        assert started.reference == reference, "the first return's reference"
        assert query_db(hub.db_url, "SELECT count(*) FROM assist_requests") == [(1,)]
        assert query_db(hub.db_url, "SELECT count(*) FROM kiosk_returns WHERE order_id = ?", made["id"]) == [
            (1,)
        ]
        held_id, return_id, held_again, return_again = hub_side.sent
        assert (held_again, return_again) == (held_id, return_id)

        # Asked again once answered: the shopper's next request, and the order's other unit.
        await desk.request_hold(sku)
        assert (await desk.start_return(code, chosen)).reference != reference
    assert query_db(hub.db_url, "SELECT count(*) FROM assist_requests") == [(2,)]
    audited = query_db(
        hub.db_url,
        "SELECT action, count(*) FROM audit WHERE device_id = ? AND action IN "
        "('kiosk.hold_request', 'kiosk.return_start') GROUP BY action ORDER BY action",
        kiosk.record.device_id,
    )
    assert audited == [("kiosk.hold_request", 2), ("kiosk.return_start", 2)]


# -- leaving kiosk mode ------------------------------------------------------------------------


async def test_only_a_manager_of_the_store_lets_the_kiosk_leave_kiosk_mode(
    own_kiosk: tuple[Any, DeviceServices],
) -> None:
    hub, kiosk = own_kiosk
    desk = desk_of(kiosk)
    await desk.exit_kiosk(badge=None, staff_number="s0001", pin=demo_pin(1))
    await desk.exit_kiosk(badge=hub.manager_badge, staff_number=None, pin=demo_pin(1))
    refusals = []
    for badge, number, pin in (
        (None, "S0003", demo_pin(3)),  # an associate
        (None, "S0001", "0000"),  # a wrong PIN
        (None, "S0001", "12"),  # not a PIN at all: not sent
        (hub.manager_badge, "S0001", demo_pin(1)),  # both: not sent
        (None, None, demo_pin(1)),  # neither: not sent
    ):
        with pytest.raises(KioskRefused) as refused:
            await desk.exit_kiosk(badge=badge, staff_number=number, pin=pin)
        refusals.append(refused.value.code)
    assert refusals == [
        "sign_in_refused",  # a right PIN of someone who may not: answered as a wrong one
        "sign_in_refused",
        "sign_in_refused",
        "sign_in_refused",
        "sign_in_refused",
    ]
    audited = query_db(
        hub.db_url,
        "SELECT staff_id FROM audit WHERE action = 'kiosk.exit' AND device_id = ?",
        kiosk.record.device_id,
    )
    assert audited == [(1,), (1,)]
    assert kiosk.staff.current is None


async def test_with_the_hub_out_of_reach_the_kiosk_says_it_cannot_answer(
    kiosk: DeviceServices, hub: Any, refused_url: str
) -> None:
    credential = kiosk.credentials.load()
    async with HubClient(refused_url, credential, max_attempts=1) as unplugged:
        desk = KioskDesk(unplugged, kiosk.cache, hub.store_id)
        sku, _, _ = _product_in_stock_here(hub.db_url)
        with pytest.raises(KioskUnavailable) as unavailable:
            await desk.shopper(hub.loyalty_token(hub.customer_ids[2]))
        assert unavailable.value.code == "hub_unreachable"
        card = desk.product(sku)
        assert card is not None and await desk.fresher(card) is card, "the cached card stays"
        with pytest.raises(KioskUnavailable):
            await desk.request_hold(sku)
