"""The sync engine settles every action exactly once and keeps the screen told, online or not.

``FakeHub`` stands in for the hub's two sync endpoints so each answer (applied, duplicate,
conflict, refused batch, lost answer, unreachable) can be produced on demand; the real hub
is exercised in ``test_sync_hub.py``.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from storeassist.client import HubRejected, HubTimeout, HubUnreachable
from storeassist.contract import (
    ChangeFeed,
    CommandBatch,
    CommandBatchResult,
    CommandResult,
    Problem,
    PublicKeys,
)
from storeassist.local import OutboxState
from storeassist.sync import SyncEngine

pytestmark = pytest.mark.anyio


class FakeHub:
    """Applies each command id at most once and replays its first answer, like the fake_hub."""

    def __init__(self) -> None:
        self.first_answers: dict[UUID, CommandResult] = {}
        self.applied = Counter[UUID]()
        self.refusals: dict[UUID, CommandResult] = {}
        self.batch_sizes: list[int] = []
        self.offline = False
        self.lose_next_answer = False
        self.unprocessable: set[UUID] = set()
        self.oversized: set[UUID] = set()
        self.batch_problem: Problem | None = None
        self.pages: dict[str, ChangeFeed] = {"": ChangeFeed(cursor="c1", has_more=False)}
        self.cursors_asked: list[str] = []

    async def push_commands(self, batch: CommandBatch) -> CommandBatchResult:
        if self.offline:
            raise HubUnreachable()
        if self.batch_problem is not None:
            raise HubRejected(self.batch_problem)
        if any(c.id in self.unprocessable for c in batch.commands):
            raise HubRejected(
                Problem(
                    title="Invalid", status=422, detail="Hold quantity is over the limit.", code="invalid"
                )
            )
        if any(c.id in self.oversized for c in batch.commands):
            raise HubRejected(
                Problem(title="Too large", status=413, detail="The request is too large.", code="too_large")
            )
        self.batch_sizes.append(len(batch.commands))
        results = []
        for command in batch.commands:
            if command.id in self.first_answers:
                first = self.first_answers[command.id]
                status = "duplicate" if first.status == "applied" else first.status
                results.append(first.model_copy(update={"status": status}))
                continue
            answer = self.refusals.get(command.id) or CommandResult(id=command.id, status="applied")
            if answer.status == "applied":
                self.applied[command.id] += 1
            self.first_answers[command.id] = answer
            results.append(answer)
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise HubTimeout()  # applied at the fake_hub, but the answer never reached the device
        return CommandBatchResult(results=results)

    async def changes(self, store_id: int, cursor: str, limit: int = 500) -> ChangeFeed:
        if self.offline:
            raise HubUnreachable()
        self.cursors_asked.append(cursor)
        if cursor not in self.pages:
            raise HubRejected(Problem(title="Bad cursor", status=400, code="bad_cursor"))
        return self.pages[cursor]

    async def public_keys(self) -> PublicKeys:
        return PublicKeys(keys={})


class Signals:
    """Everything the engine told the screen, in order."""

    def __init__(self, engine: SyncEngine) -> None:
        self.online: list[bool] = []
        self.pending: list[int] = []
        self.attention: list[int] = []
        self.synced: list[Any] = []
        self.failed: list[str] = []
        engine.online_changed.connect(self.online.append)
        engine.pending_changed.connect(self.pending.append)
        engine.attention_changed.connect(self.attention.append)
        engine.synced_at.connect(self.synced.append)
        engine.sync_failed.connect(self.failed.append)


@pytest.fixture
def fake_hub() -> FakeHub:
    return FakeHub()


@pytest.fixture
def engine(fake_hub, outbox, cache, now) -> SyncEngine:
    return SyncEngine(fake_hub, outbox, cache, store_id=1, clock=lambda: now, jitter=lambda: 0.0)


async def test_answers_settle_actions_and_a_refusal_waits_for_a_person_without_blocking_the_rest(
    engine, fake_hub, outbox, make_command, now
):
    signals = Signals(engine)
    before, refused, after = make_command(), make_command("hold.place"), make_command()
    fake_hub.refusals[refused.id] = CommandResult(
        id=refused.id, status="conflict", reason="Only 0 left in store"
    )
    for command in (before, refused, after):
        outbox.enqueue(command)

    report = await engine.sync_now()

    assert (report.pushed, report.settled) == (3, 3)
    assert outbox.get(before.id).state is OutboxState.APPLIED
    assert outbox.get(after.id).state is OutboxState.APPLIED
    [waiting] = engine.needs_attention()
    assert (waiting.command.id, waiting.last_error) == (refused.id, "Only 0 left in store")
    assert signals.pending == [1, 2, 3, 0]
    assert signals.attention == [1]
    assert signals.online == [True]
    assert signals.synced == [now]
    assert engine.last_synced_at == now


async def test_offline_actions_wait_and_go_with_the_same_ids_when_the_hub_is_back(
    engine, fake_hub, outbox, make_command
):
    signals = Signals(engine)
    commands = [make_command(), make_command()]
    for command in commands:
        outbox.enqueue(command)
    fake_hub.offline = True

    with pytest.raises(HubUnreachable):
        await engine.sync_now()

    assert signals.online == [False]
    assert signals.synced == []
    assert "keep working" in signals.failed[0]
    assert outbox.pending_count() == 2
    assert outbox.get(commands[0].id).last_error == "HubUnreachable"

    fake_hub.offline = False
    await engine.sync_now()

    assert signals.online == [False, True]
    assert outbox.pending_count() == 0
    assert fake_hub.applied == Counter({c.id: 1 for c in commands})


async def test_expired_customer_data_is_purged_even_while_the_hub_cannot_be_reached(
    fake_hub, outbox, cache, now, make_profile
):
    cache.store_profile(make_profile(7), now=now - timedelta(days=31))
    engine = SyncEngine(fake_hub, outbox, cache, store_id=1, clock=lambda: now)
    fake_hub.offline = True

    with pytest.raises(HubUnreachable):
        await engine.sync_now()

    assert cache.profile(7, now=now - timedelta(days=31)) is None  # gone from disk, not just hidden


async def test_an_action_whose_answer_was_lost_is_sent_again_and_applied_once(
    engine, fake_hub, outbox, make_command
):
    command = make_command("pickup.collect")
    outbox.enqueue(command)
    fake_hub.lose_next_answer = True

    with pytest.raises(HubTimeout):
        await engine.sync_now()
    assert outbox.get(command.id).state is OutboxState.SENT

    await engine.sync_now()

    entry = outbox.get(command.id)
    assert (entry.state, entry.attempts) == (OutboxState.DUPLICATE, 2)
    assert fake_hub.applied[command.id] == 1


async def test_a_long_queue_goes_in_batches_of_at_most_500(engine, fake_hub, outbox, make_command):
    for _ in range(1201):
        outbox.enqueue(make_command())

    report = await engine.sync_now()

    assert fake_hub.batch_sizes == [500, 500, 201]
    assert report.settled == 1201
    assert outbox.pending_count() == 0


async def test_one_unprocessable_action_does_not_hold_back_its_batch(engine, fake_hub, outbox, make_command):
    good, bad, also_good = make_command(), make_command(), make_command()
    fake_hub.unprocessable.add(bad.id)
    for command in (good, bad, also_good):
        outbox.enqueue(command)

    await engine.sync_now()

    assert outbox.get(good.id).state is OutboxState.APPLIED
    assert outbox.get(also_good.id).state is OutboxState.APPLIED
    [waiting] = engine.needs_attention()
    assert (waiting.command.id, waiting.last_error) == (bad.id, "Hold quantity is over the limit.")
    assert (waiting.code, waiting.params) == ("refused_by_hub", {"problem": "invalid"})


async def test_one_action_too_large_for_the_hub_waits_for_a_person_and_the_queue_moves_on(
    engine, fake_hub, outbox, make_command
):
    good, huge = make_command(), make_command()
    fake_hub.oversized.add(huge.id)
    for command in (huge, good):
        outbox.enqueue(command)

    await engine.sync_now()
    await engine.sync_now()  # and the next round is not stuck on it

    assert outbox.get(good.id).state is OutboxState.APPLIED
    [waiting] = engine.needs_attention()
    assert waiting.command.id == huge.id
    assert outbox.pending_count() == 0


async def test_a_refusal_of_the_whole_push_leaves_every_action_waiting(
    engine, fake_hub, outbox, make_command
):
    command = make_command()
    outbox.enqueue(command)
    fake_hub.batch_problem = Problem(title="Too many requests", status=429, code="rate_limited")

    with pytest.raises(HubRejected):
        await engine.sync_now()

    assert outbox.get(command.id).state is OutboxState.SENT
    assert engine.needs_attention() == []
    assert engine.online is True  # the hub answered; it is reachable


async def test_the_feed_is_pulled_page_by_page_and_the_cursor_kept(engine, fake_hub, cache):
    from storeassist.contract import Product

    shoe = Product(
        sku="SKU-1", gtin="4006381333931", style="S", name="Shoe", brand="A", category="c", price_cents=1
    )
    fake_hub.pages = {
        "": ChangeFeed(cursor="p1", has_more=True, products=[shoe]),
        "p1": ChangeFeed(cursor="p2", has_more=False),
        "p2": ChangeFeed(cursor="p2", has_more=False),
    }

    first = await engine.sync_now()
    second = await engine.sync_now()

    assert (first.pages_pulled, second.pages_pulled) == (2, 1)
    assert fake_hub.cursors_asked == ["", "p1", "p2"]
    assert cache.cursor() == "p2"
    assert cache.product("SKU-1") == shoe


async def test_a_cursor_the_hub_no_longer_knows_starts_a_fresh_snapshot(engine, fake_hub, cache, now):
    cache.apply_feed(ChangeFeed(cursor="forgotten", has_more=False), requested_cursor="", now=now)

    await engine.sync_now()

    assert fake_hub.cursors_asked == ["forgotten", ""]
    assert cache.cursor() == "c1"


async def test_an_action_saved_while_online_is_pushed_without_waiting_for_the_interval(
    fake_hub, outbox, cache, make_command
):
    engine = SyncEngine(fake_hub, outbox, cache, store_id=1, interval_s=3600)
    first_round, drained = asyncio.Event(), asyncio.Event()
    engine.synced_at.connect(lambda _at: first_round.set())
    engine.pending_changed.connect(
        lambda count: drained.set() if count == 0 and first_round.is_set() else None
    )

    engine.start()
    try:
        await asyncio.wait_for(first_round.wait(), timeout=10)
        outbox.enqueue(make_command())
        await asyncio.wait_for(drained.wait(), timeout=10)
    finally:
        await engine.aclose()
    assert sum(fake_hub.applied.values()) == 1


async def test_the_engine_keeps_retrying_while_the_hub_is_down_and_notices_it_return(fake_hub, outbox, cache):
    engine = SyncEngine(fake_hub, outbox, cache, store_id=1, backoff_base_s=0.001, backoff_cap_s=0.01)
    back_online = asyncio.Event()
    fake_hub.offline = True

    def on_online(online: bool) -> None:
        if online:
            back_online.set()
        else:
            fake_hub.offline = False  # the outage ends after the first failed round

    engine.online_changed.connect(on_online)
    engine.start()
    try:
        await asyncio.wait_for(back_online.wait(), timeout=10)
    finally:
        await engine.aclose()
    assert engine.online is True


def test_the_engine_runs_on_the_apps_qt_event_loop(qapp, fake_hub, outbox, cache, make_command):
    import qasync
    import shiboken6

    outbox.enqueue(make_command())
    engine = SyncEngine(fake_hub, outbox, cache, store_id=1, interval_s=3600)
    loop = qasync.QEventLoop(qapp)

    async def scenario() -> None:
        synced = asyncio.Event()
        engine.synced_at.connect(lambda _at: synced.set())
        engine.start()
        try:
            await asyncio.wait_for(synced.wait(), timeout=10)
        finally:
            await engine.aclose()

    try:
        loop.run_until_complete(scenario())
    finally:
        loop.close()
        # close() leaves qasync's timer object, with its Qt timers still registered, to the cycle
        # collector, which may run on a hub's server thread; Qt cannot unregister timers there and
        # later fires one at freed memory. Destroy it here, on the thread that owns it.
        shiboken6.delete(loop._timer)
    assert outbox.pending_count() == 0


async def test_a_push_at_once_takes_turns_with_the_rounds_and_sends_nothing_twice(
    outbox, cache, now, make_command
):
    class SlowHub(FakeHub):
        def __init__(self) -> None:
            super().__init__()
            self.sent: list[UUID] = []

        async def push_commands(self, batch: CommandBatch) -> CommandBatchResult:
            self.sent.extend(command.id for command in batch.commands)
            await asyncio.sleep(0.01)  # the answer takes a while: another push could start meanwhile
            return await super().push_commands(batch)

    hub = SlowHub()
    engine = SyncEngine(hub, outbox, cache, store_id=1, clock=lambda: now, jitter=lambda: 0.0)
    commands = [make_command("pickup.collect"), make_command()]
    for command in commands:
        outbox.enqueue(command)

    await asyncio.gather(engine.sync_now(), engine.push_now(), engine.push_soon())

    assert sorted(hub.sent) == sorted(c.id for c in commands)
    assert [outbox.get(c.id).state for c in commands] == [OutboxState.APPLIED, OutboxState.APPLIED]


async def test_a_push_at_once_that_gets_no_answer_leaves_the_actions_for_the_next_round(
    engine, fake_hub, outbox, make_command
):
    command = make_command("pickup.collect")
    outbox.enqueue(command)
    fake_hub.offline = True

    with pytest.raises(HubUnreachable):
        await engine.push_soon()

    assert outbox.get(command.id).state is OutboxState.SENT
    fake_hub.offline = False
    await engine.sync_now()
    assert outbox.get(command.id).state is OutboxState.APPLIED


async def test_an_action_pushed_at_once_starts_no_round_until_answered_then_one_pulls_what_it_changed(
    fake_hub, outbox, cache, make_command
):
    engine = SyncEngine(fake_hub, outbox, cache, store_id=1, interval_s=3600)
    rounds: list[object] = []
    first_round, pulled_after = asyncio.Event(), asyncio.Event()

    def round_done(at: object) -> None:
        rounds.append(at)
        (pulled_after if first_round.is_set() else first_round).set()

    engine.synced_at.connect(round_done)
    engine.start()
    try:
        await asyncio.wait_for(first_round.wait(), timeout=10)
        command = make_command("pickup.collect")
        outbox.enqueue(command)  # as the counter does: saved, then pushed at once
        pushed, settled = await engine.push_soon()
        assert (pushed, settled) == (1, 1)
        assert len(rounds) == 1, "the push was not doubled by a round meanwhile"
        await asyncio.wait_for(pulled_after.wait(), timeout=10)  # soon after, a round pulls
    finally:
        await engine.aclose()
    assert outbox.get(command.id).state is OutboxState.APPLIED
    assert sum(fake_hub.applied.values()) == 1


async def test_a_snapshot_reports_its_progress_with_the_time_left_and_then_that_it_is_finished(
    fake_hub, outbox, cache, now
):
    from storeassist.contract.sync import FeedProgress
    from storeassist.sync.engine import SnapshotProgress

    ticks = iter([100.0, 102.0, 104.0, 106.0])
    engine = SyncEngine(fake_hub, outbox, cache, store_id=1, clock=lambda: now, monotonic=lambda: next(ticks))
    fake_hub.pages = {
        "": ChangeFeed(cursor="p1", has_more=True, progress=FeedProgress(done=2000, total=10000)),
        "p1": ChangeFeed(cursor="p2", has_more=True, progress=FeedProgress(done=6000, total=10000)),
        "p2": ChangeFeed(cursor="p3", has_more=False, progress=FeedProgress(done=10000, total=10000)),
        "p3": ChangeFeed(cursor="p3", has_more=False),
    }
    reports: list[SnapshotProgress] = []
    engine.snapshot_progress.connect(reports.append)

    await engine.sync_now()
    await engine.sync_now()  # deltas: nothing more to report

    assert reports == [
        SnapshotProgress(done=2000, total=10000, seconds_left=8.0, finished=False),  # 1,000 a second
        SnapshotProgress(done=6000, total=10000, seconds_left=pytest.approx(4000 / 1500), finished=False),
        SnapshotProgress(done=10000, total=10000, seconds_left=0.0, finished=True),
    ]


async def test_a_snapshot_resumed_by_a_later_round_reports_from_there_and_asks_big_pages(
    fake_hub, outbox, cache, now
):
    from storeassist.contract.sync import FeedProgress
    from storeassist.sync.engine import PAGE_LIMIT

    limits: list[int] = []
    asked = fake_hub.changes

    async def changes(store_id: int, cursor: str, limit: int = 500) -> ChangeFeed:
        limits.append(limit)
        return await asked(store_id, cursor, limit)

    fake_hub.changes = changes
    cache.apply_feed(ChangeFeed(cursor="p1", has_more=True), requested_cursor="", now=now)
    ticks = iter([10.0, 11.0])
    engine = SyncEngine(fake_hub, outbox, cache, store_id=1, clock=lambda: now, monotonic=lambda: next(ticks))
    fake_hub.pages = {
        "p1": ChangeFeed(cursor="p2", has_more=True, progress=FeedProgress(done=4000, total=9000)),
        "p2": ChangeFeed(cursor="p3", has_more=True, progress=FeedProgress(done=5000, total=9000)),
        "p3": ChangeFeed(cursor="p4", has_more=False),  # the snapshot is over: deltas follow
    }
    reports = []
    engine.snapshot_progress.connect(reports.append)

    await engine.sync_now()

    assert limits == [PAGE_LIMIT] * 3 and PAGE_LIMIT == 1000  # what a hub of the release before allows
    assert [(r.done, r.total, r.seconds_left, r.finished) for r in reports] == [
        (4000, 9000, None, False),  # no rate yet
        (5000, 9000, 4.0, False),
        (9000, 9000, 0.0, True),
    ]


async def test_a_hub_that_sends_no_progress_still_says_when_the_first_fill_is_over(engine, fake_hub):
    fake_hub.pages["c1"] = ChangeFeed(cursor="c1", has_more=False)
    reports = []
    engine.snapshot_progress.connect(reports.append)

    await engine.sync_now()
    await engine.sync_now()

    assert [(r.done, r.total, r.finished) for r in reports] == [(0, 0, True)]


async def test_a_round_that_fails_half_way_through_a_snapshot_leaves_the_count_without_a_time_left(
    fake_hub, outbox, cache, now
):
    from storeassist.contract.sync import FeedProgress

    ticks = iter([1.0, 2.0, 3.0, 4.0])
    engine = SyncEngine(fake_hub, outbox, cache, store_id=1, clock=lambda: now, monotonic=lambda: next(ticks))
    fake_hub.pages = {
        "": ChangeFeed(cursor="p1", has_more=True, progress=FeedProgress(done=2000, total=9000))
    }
    asked = fake_hub.changes

    async def changes(store_id: int, cursor: str, limit: int = 500) -> ChangeFeed:
        if cursor == "p1":
            fake_hub.offline = True  # the hub goes away after the first page
        return await asked(store_id, cursor, limit)

    fake_hub.changes = changes
    reports = []
    engine.snapshot_progress.connect(reports.append)

    with pytest.raises(HubUnreachable):
        await engine.sync_now()

    assert [(r.done, r.total, r.seconds_left, r.finished) for r in reports] == [
        (2000, 9000, 3.5, False),  # 2,000 in 1 s
        (2000, 9000, None, False),  # paused: the count stays, no time left is promised
    ]
