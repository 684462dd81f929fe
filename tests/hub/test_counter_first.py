"""A command batch steps aside while a scan is being served, and never for longer than it may."""

from __future__ import annotations

import time

from storeassist.hub.services.counter_first import MAX_STEP_ASIDE_S, CounterFirst


def test_with_nobody_at_the_counter_stepping_aside_costs_nothing() -> None:
    counter = CounterFirst()
    started = time.monotonic()
    for _ in range(1000):
        counter.step_aside()
    assert time.monotonic() - started < MAX_STEP_ASIDE_S * 10


def test_a_counter_that_is_never_free_cannot_stop_a_sync_for_long() -> None:
    counter = CounterFirst()
    with counter.serving():
        started = time.monotonic()
        counter.step_aside()
        waited = time.monotonic() - started
    assert MAX_STEP_ASIDE_S * 0.5 <= waited < MAX_STEP_ASIDE_S * 20
