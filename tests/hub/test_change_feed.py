"""The delta feed folds repeated changes of one entity into one item, and pages without skipping."""

from __future__ import annotations

from typing import Any

import httpx

from storeassist import contract


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
