"""The delta feed folds repeated changes of one entity into one item, and pages without skipping;
a cursor the hub did not write is a 400 ``bad_cursor``, never a server error."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storeassist import contract
from storeassist.hub.services.errors import BadCursor
from storeassist.hub.services.feed_cursor import PHASES, FeedCursor


def _read_to_end(device: httpx.Client, store_id: int, cursor: str, limit: int) -> tuple[str, list[Any]]:
    pages = []
    while True:
        feed = contract.ChangeFeed.model_validate(
            device.get(f"/v1/stores/{store_id}/changes", params={"cursor": cursor, "limit": limit}).json()
        )
        pages.append(feed)
        cursor = feed.cursor
        if not feed.has_more:
            return cursor, pages
        assert len(pages) < 500


def _add_notes(device: httpx.Client, make_command: Any, customer_ids: list[int], rounds: int) -> None:
    commands = [
        make_command("note.add", {"customer_id": customer_id, "text": f"visit {n}"})
        for n in range(rounds)
        for customer_id in customer_ids
    ]
    for start in range(0, len(commands), 100):
        answer = device.post("/v1/commands", json={"commands": commands[start : start + 100]}).json()
        assert {r["status"] for r in answer["results"]} == {"applied"}


def test_many_changes_to_a_few_customers_arrive_as_one_profile_each(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any
) -> None:
    hub, device = own_hub_device
    cursor, _ = _read_to_end(device, hub.store_id, "", 500)
    customers = hub.customer_ids[:3]
    _add_notes(device, make_command, customers, rounds=40)  # 120 log rows, round robin

    _, pages = _read_to_end(device, hub.store_id, cursor, 50)

    assert len(pages) == 1
    sent = [c.customer.id for c in pages[0].customers]
    assert sorted(sent) == sorted(customers)
    assert all("visit 39" in c.notes for c in pages[0].customers)  # the latest state, once


def test_a_page_ends_before_the_change_that_does_not_fit_and_the_next_page_carries_it(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any
) -> None:
    hub, device = own_hub_device
    cursor, _ = _read_to_end(device, hub.store_id, "", 500)
    customers = hub.customer_ids[:3]
    _add_notes(device, make_command, customers, rounds=2)

    _, pages = _read_to_end(device, hub.store_id, cursor, 2)  # two entities per page

    per_page = [[c.customer.id for c in page.customers] for page in pages]
    assert sorted(per_page[0]) == sorted(customers[:2])
    assert pages[0].has_more
    flat = [customer_id for page in per_page for customer_id in page]
    assert set(flat) == set(customers)  # nothing skipped by the cut


def _encoded(value: Any) -> str:
    """A cursor as the hub writes one: base64url of JSON, unpadded (``allow_nan``: JSON's own
    parser reads NaN and Infinity back, so a forger can send them)."""
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _changes(device: httpx.Client, cursor: str) -> httpx.Response:
    return device.get("/v1/stores/1/changes", params={"cursor": cursor, "limit": 5})


@pytest.mark.parametrize(
    "forged",
    [
        {"st": 1, "p": "log", "k": None, "s": 0},  # the tester's: TypeError in int(None)
        {"st": 1, "p": "revoked", "k": 5, "s": 0},  # a pair expected
        {"st": 1, "p": "revoked", "k": [1, "x"], "s": 0},
        {"st": 1, "p": "products", "k": "a", "s": 0},
        {"st": 1, "p": "log", "k": 10**30, "s": 0},  # past a 64-bit database integer
        {"st": 1, "p": "log", "k": -1, "s": 0},
        {"st": True, "p": "log", "k": 0, "s": 0},
        {"st": 1.0, "p": "log", "k": 0, "s": 0},
        {"st": 1, "p": "log", "k": 0, "s": 2**64},
        {"st": 1, "p": ["log"], "k": 0, "s": 0},
        {"st": 1, "p": "log", "k": 0},
        {"st": 1, "p": "log", "k": 0, "s": 0, "x": 1},
        [1, "log", 0, 0],
        "log",
    ],
)
def test_a_forged_but_well_formed_cursor_is_a_bad_cursor(
    device: httpx.Client, forged: Any, assert_problem: Any
) -> None:
    assert_problem(_changes(device, _encoded(forged)), 400, "bad_cursor")


def test_every_cursor_the_hub_writes_reads_back() -> None:
    for phase in PHASES:
        for after in [None, 0, 2**31 - 1] if phase not in ("log", "revoked") else []:
            cursor = FeedCursor(1, phase, after, 7)
            assert FeedCursor.decode(cursor.encode(), 1) == cursor
    for cursor in (FeedCursor(1, "revoked", [3, 2], 0), FeedCursor(1, "log", 2**40, 2**40)):
        assert FeedCursor.decode(cursor.encode(), 1) == cursor
    with pytest.raises(BadCursor):
        FeedCursor.decode(FeedCursor(2, "log", 0, 0).encode(), 1)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=8,
)
#: Cursor-shaped objects with any value in each field, and any object at all.
_objects = st.fixed_dictionaries(
    {"st": st.integers(min_value=0, max_value=3) | _json, "p": st.sampled_from(PHASES) | _json},
    optional={"k": _json, "s": st.integers() | _json},
) | st.dictionaries(st.text(max_size=4), _json, max_size=5)


@given(cursor=_objects.map(_encoded) | st.text(max_size=600))
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_cursor_text_is_a_server_error(device: httpx.Client, cursor: str) -> None:
    answer = _changes(device, cursor)
    assert answer.status_code < 500, answer.text
    if answer.status_code != 200:
        assert answer.json()["code"] in ("bad_cursor", "invalid_request"), answer.text
