"""An associate finds a customer without their card: types part of a phone number, e-mail or name,
pages through what the back office finds, and taps the right person.

Runs against the real hub on loopback (root ``hub_server`` / ``hub_server_fn`` fixtures, a seeded
SQLite chain) through an enrolled ``HubClient``; "offline" is a client pointed at a port nobody
listens on. Only the test of an out-of-order answer holds a request back, by wrapping the real
searcher.
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from storeassist.client import HubClient
from storeassist.contract import CustomerPage, CustomerSummary, StaffSignInRequest
from storeassist.services.search_customers import SearchCustomers
from storeassist.ui.background import OpRunner
from storeassist.ui.customer_search import FIELD_MAX_CHARS, CustomerResultsModel, CustomerSearchPanel
from storeassist.ui.resources import load_theme

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

NETWORK_TIMEOUT_MS = 30_000
MIN_TOUCH_PX = 44
PAGE_SIZE = 20
GENERAL_FAILURE = "Something went wrong on this tablet"


@pytest.fixture(autouse=True)
def theme(qapp: QApplication) -> Iterator[None]:
    load_theme(qapp)
    yield
    qapp.setStyleSheet("")


@pytest.fixture
def runner() -> OpRunner:
    return OpRunner()


def _finish(qtbot: QtBot, work: Any) -> Any:
    task = asyncio.ensure_future(work)
    qtbot.waitUntil(task.done, timeout=NETWORK_TIMEOUT_MS)
    return task.result()


def _credential(hub: Any) -> str:
    """Enrol a tablet at ``hub`` with a fresh one-time code, as the enrolment page does."""
    answer = httpx.post(
        f"{hub.url}/v1/devices/enroll", json={"code": hub.enroll_code(), "device_name": "search tablet"}
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["credential"])


@pytest.fixture
def open_clients(qtbot: QtBot) -> Iterator[list[HubClient]]:
    clients: list[HubClient] = []
    yield clients
    for client in clients:
        _finish(qtbot, client.aclose())


def _signed_in(qtbot: QtBot, client: HubClient) -> HubClient:
    """A store-1 manager signed in through ``client`` (the hub searches only for staff)."""
    _finish(qtbot, client.staff_sign_in(StaffSignInRequest(staff_number="S0001", pin="1001")))
    return client


@pytest.fixture
def hub_client(qtbot: QtBot, hub_server: Any, open_clients: list[HubClient]) -> HubClient:
    client = _signed_in(qtbot, HubClient(hub_server.url, _credential(hub_server)))
    open_clients.append(client)
    return client


@pytest.fixture
def searcher(hub_client: HubClient) -> SearchCustomers:
    return SearchCustomers(hub_client)


@pytest.fixture
def refused_url() -> str:
    """A loopback address nothing listens on: connecting is refused at once, as with a hub that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _panel(
    qtbot: QtBot, runner: OpRunner, searcher: Any, *, width: int = 1000, **kwargs: Any
) -> CustomerSearchPanel:
    panel = CustomerSearchPanel(runner, searcher, **kwargs)
    qtbot.addWidget(panel)
    panel.resize(width, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _settled(qtbot: QtBot, panel: CustomerSearchPanel) -> None:
    qtbot.waitUntil(lambda: not panel.searching, timeout=NETWORK_TIMEOUT_MS)


def _ids(panel: CustomerSearchPanel) -> list[int]:
    model = panel.model
    return [model.data(model.index(row), CustomerResultsModel.IdRole) for row in range(model.rowCount())]


def _row_text(panel: CustomerSearchPanel, row: int) -> str:
    return str(panel.model.data(panel.model.index(row)))


def _hub_rows(hub: Any, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(hub.db_path) as db:
        return db.execute(sql, params).fetchall()


def _ids_by_name_prefix(hub: Any, prefix: str) -> list[int]:
    """Every customer whose name starts with ``prefix``, in the hub's order."""
    rows = _hub_rows(
        hub,
        "SELECT id FROM customers WHERE name_key >= ? AND name_key < ? ORDER BY name_key, id",
        prefix,
        prefix + "\U0010ffff",
    )
    return [customer_id for (customer_id,) in rows]


def _name_prefix_with_pages(hub: Any, pages: int) -> str:
    """A three-letter start of a name that more than ``pages`` pages of customers share."""
    rows = _hub_rows(
        hub,
        "SELECT substr(name_key, 1, 3) AS start, count(*) AS n FROM customers "
        "WHERE name_key GLOB '[a-z][a-z][a-z]*' GROUP BY start HAVING n > ? ORDER BY n DESC",
        pages * PAGE_SIZE,
    )
    assert rows, "the seeded chain has no name start shared by that many customers"
    return str(rows[0][0])


# -- finding ----------------------------------------------------------------------------------


def test_typing_part_of_a_name_shows_who_matches_after_a_pause(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers, hub_server: Any
) -> None:
    prefix = _name_prefix_with_pages(hub_server, 1)
    panel = _panel(qtbot, runner, searcher)

    qtbot.keyClicks(panel.field, prefix.capitalize())  # no Enter, no button

    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=NETWORK_TIMEOUT_MS)
    _settled(qtbot, panel)
    assert _ids(panel) == _ids_by_name_prefix(hub_server, prefix)[:PAGE_SIZE]
    assert panel.results.isVisible()
    assert not panel.notice.isVisible()
    assert not panel.status.isVisible()
    assert panel.more_button.isVisible()


def test_part_of_a_phone_number_and_enter_finds_the_customer(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers, hub_server: Any
) -> None:
    customer_id = hub_server.customer_ids[0]
    [(name, phone, loyalty_id)] = _hub_rows(
        hub_server, "SELECT name, phone, loyalty_id FROM customers WHERE id = ?", customer_id
    )
    panel = _panel(qtbot, runner, searcher)

    qtbot.keyClicks(panel.field, phone[:7])
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: customer_id in _ids(panel), timeout=NETWORK_TIMEOUT_MS)
    row = _ids(panel).index(customer_id)
    assert name in _row_text(panel, row) and loyalty_id in _row_text(panel, row)


def test_typing_quickly_asks_the_back_office_once(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers, hub_server: Any
) -> None:
    asked: list[str] = []

    class Counting:
        async def search(self, text: str, page: int = 0) -> CustomerPage:
            asked.append(text)
            return await searcher.search(text, page)

    prefix = _name_prefix_with_pages(hub_server, 0)
    panel = _panel(qtbot, runner, Counting())

    qtbot.keyClicks(panel.field, prefix + "i")
    qtbot.waitUntil(lambda: bool(asked), timeout=NETWORK_TIMEOUT_MS)
    _settled(qtbot, panel)

    assert asked == [prefix + "i"]


def test_more_results_adds_the_next_page_until_everyone_is_shown(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers, hub_server: Any
) -> None:
    prefix = _name_prefix_with_pages(hub_server, 2)
    everyone = _ids_by_name_prefix(hub_server, prefix)
    panel = _panel(qtbot, runner, searcher)
    panel.field.setText(prefix)
    panel.search()
    qtbot.waitUntil(lambda: panel.model.rowCount() == PAGE_SIZE, timeout=NETWORK_TIMEOUT_MS)

    pages = 1
    while panel.more_button.isVisible():
        shown = panel.model.rowCount()
        _settled(qtbot, panel)
        qtbot.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda shown=shown: panel.model.rowCount() > shown, timeout=NETWORK_TIMEOUT_MS)
        _settled(qtbot, panel)
        pages += 1

    assert pages == -(-len(everyone) // PAGE_SIZE)
    assert _ids(panel) == everyone  # in order, none twice, none missing


def test_tapping_a_result_reports_that_customer(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers, hub_server: Any
) -> None:
    prefix = _name_prefix_with_pages(hub_server, 0)
    panel = _panel(qtbot, runner, searcher)
    panel.field.setText(prefix)
    panel.search()
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 3, timeout=NETWORK_TIMEOUT_MS)
    third = _ids(panel)[2]

    where = panel.results.visualRect(panel.model.index(2)).center()
    with qtbot.waitSignal(panel.customer_chosen, check_params_cb=lambda chosen: chosen == third):
        qtbot.mouseClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=where)


def test_contact_details_are_shown_only_as_the_mask_allows(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers, hub_server: Any
) -> None:
    customer_id = hub_server.customer_ids[0]
    [(phone, email)] = _hub_rows(hub_server, "SELECT phone, email FROM customers WHERE id = ?", customer_id)

    def hide_contact(customer: CustomerSummary) -> CustomerSummary:
        return customer.model_copy(update={"email": "•••@•••", "phone": "•••" + customer.phone[-2:]})

    panel = _panel(qtbot, runner, searcher, mask=hide_contact)
    panel.field.setText(phone[:8])
    panel.search()
    qtbot.waitUntil(lambda: customer_id in _ids(panel), timeout=NETWORK_TIMEOUT_MS)

    text = _row_text(panel, _ids(panel).index(customer_id))
    assert "•••@•••" in text and "•••" + phone[-2:] in text
    assert email not in text and phone not in text


def test_a_broken_mask_shows_nobody_rather_than_everything(
    qtbot: QtBot,
    runner: OpRunner,
    searcher: SearchCustomers,
    hub_server: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(_customer: CustomerSummary) -> CustomerSummary:
        raise KeyError("role")

    panel = _panel(qtbot, runner, searcher, mask=broken)
    panel.field.setText(_name_prefix_with_pages(hub_server, 0))
    panel.search()
    qtbot.waitUntil(panel.notice.isVisible, timeout=NETWORK_TIMEOUT_MS)

    assert panel.model.rowCount() == 0 and not panel.results.isVisible()
    assert GENERAL_FAILURE in panel.notice.text()
    assert "KeyError" in caplog.text


def test_nobody_found_says_so_with_what_was_typed(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers
) -> None:
    panel = _panel(qtbot, runner, searcher)

    qtbot.keyClicks(panel.field, "Zzqxv")
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    _settled(qtbot, panel)

    assert panel.status.text() == "No customer matches “Zzqxv”."
    assert not panel.results.isVisible() and not panel.more_button.isVisible()


def test_searching_shows_while_the_back_office_is_asked(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers, hub_server: Any
) -> None:
    panel = _panel(qtbot, runner, searcher)
    panel.field.setText(_name_prefix_with_pages(hub_server, 0))

    panel.search()

    assert panel.status.isVisible() and panel.status.text() == "Searching…"
    _settled(qtbot, panel)
    assert not panel.status.isVisible()


def test_an_answer_to_an_older_query_never_replaces_a_newer_one(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers, hub_server: Any
) -> None:
    older, newer = "Oli", "Mar"

    class HoldsBackTheFirst:
        def __init__(self) -> None:
            self.release = asyncio.Event()

        async def search(self, text: str, page: int = 0) -> CustomerPage:
            if text == older:
                await self.release.wait()
            return await searcher.search(text, page)

    held = HoldsBackTheFirst()
    panel = _panel(qtbot, runner, held)
    panel.field.setText(older)
    panel.search()
    panel.field.setText(newer)
    panel.search()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=NETWORK_TIMEOUT_MS)
    newer_ids = _ids(panel)

    with qtbot.waitSignal(
        runner.busy_changed, check_params_cb=lambda busy: not busy, timeout=NETWORK_TIMEOUT_MS
    ):
        held.release.set()

    assert _ids(panel) == newer_ids == _ids_by_name_prefix(hub_server, "mar")[:PAGE_SIZE]


def test_clear_empties_the_panel_and_ignores_the_answer_on_its_way(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers, hub_server: Any
) -> None:
    panel = _panel(qtbot, runner, searcher)
    panel.field.setText(_name_prefix_with_pages(hub_server, 0))
    panel.search()

    with qtbot.waitSignal(
        runner.busy_changed, check_params_cb=lambda busy: not busy, timeout=NETWORK_TIMEOUT_MS
    ):
        panel.clear()

    assert panel.field.text() == "" and panel.model.rowCount() == 0
    assert not panel.results.isVisible() and not panel.more_button.isVisible()
    assert not panel.notice.isVisible()
    assert "a few characters are enough" in panel.status.text()


def test_emptying_the_field_takes_the_old_results_away(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers, hub_server: Any
) -> None:
    panel = _panel(qtbot, runner, searcher)
    qtbot.keyClicks(panel.field, _name_prefix_with_pages(hub_server, 0))
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=NETWORK_TIMEOUT_MS)

    for _ in range(3):
        qtbot.keyClick(panel.field, Qt.Key.Key_Backspace)

    assert panel.model.rowCount() == 0 and not panel.results.isVisible()


# -- when it cannot search --------------------------------------------------------------------


def test_offline_it_says_to_scan_the_card_instead(
    qtbot: QtBot, runner: OpRunner, hub_server: Any, refused_url: str, open_clients: list[HubClient]
) -> None:
    unplugged = HubClient(refused_url, _credential(hub_server), max_attempts=1)
    open_clients.append(unplugged)
    panel = _panel(qtbot, runner, SearchCustomers(unplugged))

    qtbot.keyClicks(panel.field, "Maria")
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    qtbot.waitUntil(panel.notice.isVisible, timeout=NETWORK_TIMEOUT_MS)

    assert "Scan the customer's loyalty code" in panel.notice.text()
    assert "Traceback" not in panel.notice.text() and "127.0.0.1" not in panel.notice.text()
    assert panel.model.rowCount() == 0 and not panel.status.isVisible()


def test_hub_gone_while_paging_keeps_the_rows_and_more_can_be_tapped_again(
    qtbot: QtBot, runner: OpRunner, hub_server_fn: Any, open_clients: list[HubClient]
) -> None:
    hub = hub_server_fn
    client = _signed_in(qtbot, HubClient(hub.url, _credential(hub), max_attempts=1))
    open_clients.append(client)
    panel = _panel(qtbot, runner, SearchCustomers(client))
    panel.field.setText(_name_prefix_with_pages(hub, 1))
    panel.search()
    qtbot.waitUntil(lambda: panel.model.rowCount() == PAGE_SIZE, timeout=NETWORK_TIMEOUT_MS)
    first_page = _ids(panel)

    hub.stop()
    qtbot.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.notice.isVisible, timeout=NETWORK_TIMEOUT_MS)

    assert "Scan" in panel.notice.text()
    assert _ids(panel) == first_page
    assert panel.more_button.isVisible() and panel.more_button.isEnabled()


def test_too_little_text_says_what_to_type(qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers) -> None:
    panel = _panel(qtbot, runner, searcher)

    qtbot.keyClicks(panel.field, "M")
    qtbot.mouseClick(panel.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.notice.isVisible, timeout=NETWORK_TIMEOUT_MS)

    assert "at least 3 characters" in panel.notice.text()


def test_before_the_tablet_is_enrolled_it_says_to_wait(qtbot: QtBot, runner: OpRunner) -> None:
    panel = _panel(qtbot, runner, None)
    panel.field.setText("Maria")

    panel.search()

    assert "not ready" in panel.notice.text() and panel.notice.isVisible()
    assert not runner.busy


HOSTILE = {
    "control": "Ma\x00ri\x1ba\x07",
    "bidi": "\u202eairaM\u202c \u2066x\u2069",
    "emoji": "👩‍👩‍👧 Maria 🎉",
    "markup": "<b>Mar</b><img src=x>",
    "sql": "Mar'; DROP TABLE customers; --",
    "like": "%_\\%",
    "only-spaces": "   \t  ",
    "newlines": "Ma\nria\r\n",
    "surrogate-ish": "Mar\ufffd\ufeff",
    "rtl-name": "مريم",
}


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_text_gets_an_answer_never_a_crash(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers, text: str
) -> None:
    panel = _panel(qtbot, runner, searcher)
    panel.field.setText(text)

    panel.search()
    _settled(qtbot, panel)

    answered = panel.notice.isVisible() or panel.status.isVisible() or panel.model.rowCount() > 0
    assert answered
    assert GENERAL_FAILURE not in panel.notice.text()
    assert panel.status.textFormat() == Qt.TextFormat.PlainText
    assert panel.notice.textFormat() == Qt.TextFormat.PlainText


def test_a_pasted_page_of_text_is_cut_short_and_refused_calmly(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers
) -> None:
    panel = _panel(qtbot, runner, searcher)
    QApplication.clipboard().setText("Maria " * 2000)

    panel.field.paste()
    panel.search()
    qtbot.waitUntil(panel.notice.isVisible, timeout=NETWORK_TIMEOUT_MS)

    assert len(panel.field.text()) == FIELD_MAX_CHARS
    assert "too long" in panel.notice.text()
    assert panel.width() <= 1000  # the long text did not stretch the panel


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.text(max_size=150))
def test_anything_typed_gets_results_or_a_message(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers, text: str
) -> None:
    panel = _panel(qtbot, runner, searcher)
    panel.field.setText(text)

    panel.search()
    _settled(qtbot, panel)

    assert panel.notice.isVisible() or panel.status.isVisible() or panel.model.rowCount() > 0
    assert GENERAL_FAILURE not in panel.notice.text()
    panel.close()


# -- on the tablet ----------------------------------------------------------------------------


@pytest.mark.parametrize("width", [800, 1280])
def test_field_buttons_and_rows_are_big_enough_to_tap(
    qtbot: QtBot, runner: OpRunner, searcher: SearchCustomers, hub_server: Any, width: int
) -> None:
    panel = _panel(qtbot, runner, searcher, width=width)
    panel.field.setText(_name_prefix_with_pages(hub_server, 1))
    panel.search()
    qtbot.waitUntil(lambda: panel.more_button.isVisible(), timeout=NETWORK_TIMEOUT_MS)
    _settled(qtbot, panel)

    for widget in (panel.field, panel.search_button, panel.more_button):
        assert widget.height() >= MIN_TOUCH_PX, widget
        assert widget.geometry().right() <= panel.width(), widget
    assert panel.results.visualRect(panel.model.index(0)).height() >= MIN_TOUCH_PX
    assert panel.search_button.width() >= panel.search_button.sizeHint().width()  # label not clipped
