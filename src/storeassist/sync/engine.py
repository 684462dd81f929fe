"""``SyncEngine``: the only code that moves data between the local files and the hub.

A round pushes every unacknowledged outbox command in batches to ``POST /v1/commands``,
then pulls ``GET /v1/stores/{id}/changes`` page by page into the cache. Rounds run on the
asyncio loop (qasync in the app) every ``interval_s``, sooner when a command is enqueued
while online, and back off with jitter while the hub cannot be reached.

Nothing acknowledged is lost or applied twice: a command leaves the "waiting" states only
when the hub has answered for its id, and a command without an answer is pushed again with
the same id, which the hub deduplicates. A refused command moves to "needs attention" with
the hub's result code and never holds up the commands behind it.

The cache repairs itself (``LocalCache`` makes a fresh file when it finds its own damaged);
the engine is told, and refills it from a snapshot at once rather than at the next interval.
A rebuild in the middle of a pull shows as :class:`~storeassist.local.cache.CacheRebuilt` on
the next page, and the pull starts again from a snapshot, once per round.

**A kiosk** (``feed="kiosk"``) has no staff session and issues no commands: it pulls
``GET /v1/kiosk/changes`` (products, stock, the kept places and revoked cards) and refreshes the
keys, and stores nothing else of a page even if one came (no customers, no pickups).

**A revoked device** (the hub answers 401 ``device_revoked`` to any call, the engine's or
another service's through ``HubClient.add_revocation_listener``) stops syncing for good and
says so once through :attr:`SyncEngine.device_revoked`, with IT's reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol

from PySide6.QtCore import QObject, Signal

from storeassist.client import (
    DeviceRevoked,
    HubConnectionError,
    HubError,
    HubRejected,
    HubServerError,
    StaffSessionRequired,
)
from storeassist.contract import (
    ChangeFeed,
    Command,
    CommandBatch,
    CommandBatchResult,
    CommandResult,
    PublicKeys,
)
from storeassist.contract.commands import MAX_BATCH
from storeassist.local import LocalCache, LocalStoreError, Outbox, OutboxEntry
from storeassist.local.cache import CacheRebuilt
from storeassist.sync.progress import SnapshotProgress as SnapshotProgress
from storeassist.sync.progress import SnapshotWatch

log = logging.getLogger("storeassist.sync")

#: Problem codes with which the hub says "this cursor is no longer valid, start again from a snapshot".
CURSOR_RESET_CODES = frozenset({"bad_cursor", "cursor_expired", "cursor_invalid"})
#: Batch-level refusals that may be caused by one bad command, so the batch is retried one by one.
_SPLITTABLE_STATUSES = frozenset({400, 413, 422})
#: A refusal of a single command that makes it a case for a person rather than a retry.
_COMMAND_REFUSED_STATUSES = frozenset({400, 413, 422})
#: The longest text a result's param holds (``contract.common.MessageParam``).
_MAX_PARAM_TEXT = 200


class SyncHub(Protocol):
    """The part of :class:`storeassist.client.HubClient` the engine uses."""

    async def push_commands(self, batch: CommandBatch) -> CommandBatchResult: ...

    async def changes(self, store_id: int, cursor: str, limit: int = ...) -> ChangeFeed: ...

    async def public_keys(self) -> PublicKeys: ...

    async def kiosk_changes(self, cursor: str, limit: int = ...) -> ChangeFeed: ...


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one round did."""

    pushed: int
    settled: int
    pages_pulled: int


#: Feed items asked for a page: the most a hub of the release before the stock desk allows (a hub
#: of this release sends ten times as many stock counts a page).
PAGE_LIMIT = 1000
#: How often a running device fetches the hub's public keys again (a rotated key reaches it so).
KEYS_EVERY_S = 600.0
#: Seconds after an immediate push was answered before a round pulls what it changed.
PULL_AFTER_PUSH_S = 0.5
#: Which change feed a device reads: its store's (a tablet), or the kiosk's catalog-only one.
FeedKind = Literal["store", "kiosk"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _current_task() -> asyncio.Task[object] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no loop running
        return None


class SyncEngine(QObject):
    """Pushes the outbox, pulls the change feed, and reports the state as signals."""

    online_changed = Signal(bool)
    pending_changed = Signal(int)
    synced_at = Signal(datetime)
    attention_changed = Signal(int)
    #: The ``user_message`` of a round that failed, for a status line.
    sync_failed = Signal(str)
    #: A :class:`SnapshotProgress` after each stored page of a snapshot (the first fill too).
    snapshot_progress = Signal(object)
    #: The hub revoked this device: sync has stopped for good. IT's reason ("" when none was given).
    device_revoked = Signal(str)

    def __init__(
        self,
        client: SyncHub,
        outbox: Outbox,
        cache: LocalCache,
        store_id: int,
        *,
        interval_s: float = 30.0,
        backoff_base_s: float = 2.0,
        backoff_cap_s: float = 300.0,
        batch_size: int = MAX_BATCH,
        page_limit: int = PAGE_LIMIT,
        feed: FeedKind = "store",
        keys_every_s: float = KEYS_EVERY_S,
        clock: Callable[[], datetime] = _utc_now,
        monotonic: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._client = client
        self._outbox = outbox
        self._cache = cache
        self._store_id = store_id
        self._interval_s = interval_s
        self._backoff_base_s = backoff_base_s
        self._backoff_cap_s = backoff_cap_s
        self._batch_size = min(batch_size, MAX_BATCH)
        self._page_limit = page_limit
        self._feed: FeedKind = feed
        self._clock = clock
        self._jitter = jitter
        self._snapshot = SnapshotWatch(monotonic)
        self._keys_every_s = keys_every_s
        self._round_lock = asyncio.Lock()
        #: Held while commands are on their way: a round's push and :meth:`push_now` take turns, so
        #: the same rows are never pushed twice at once.
        self._push_lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._online: bool | None = None
        self._pending = outbox.pending_count()
        self._attention = outbox.attention_count()
        self._keys_checked_at: datetime | None = None  # when the hub's keys were last fetched
        self._last_synced_at: datetime | None = None
        self._pushes: set[asyncio.Task[tuple[int, int]]] = set()
        self._revoked: DeviceRevoked | None = None
        outbox.add_change_listener(self._on_outbox_changed)
        cache.add_rebuild_listener(self._on_cache_rebuilt)

    # -- state ------------------------------------------------------------------------------------

    @property
    def online(self) -> bool | None:
        """True after the hub last answered, False after it did not, None before the first round."""
        return self._online

    @property
    def pending(self) -> int:
        return self._pending

    @property
    def attention(self) -> int:
        return self._attention

    @property
    def last_synced_at(self) -> datetime | None:
        return self._last_synced_at

    @property
    def feed(self) -> FeedKind:
        return self._feed

    @property
    def running(self) -> bool:
        """Background rounds are on (started, and not stopped, revoked or ended)."""
        return self._task is not None and not self._task.done()

    @property
    def revoked(self) -> DeviceRevoked | None:
        """The hub's refusal once it revoked this device (sync has stopped), else None."""
        return self._revoked

    def needs_attention(self) -> list[OutboxEntry]:
        """Commands the hub refused, each with its result code and params, oldest first."""
        return self._outbox.needs_attention()

    # -- running ------------------------------------------------------------------------------

    def start(self) -> None:
        """Begin background rounds on the current asyncio loop; emits the current counts first.
        A revoked device's engine does not start again (it says so once more instead)."""
        if self._revoked is not None:
            self.device_revoked.emit(self._revoked.reason or "")
            return
        if self._task is not None and not self._task.done():
            return
        self._keys_checked_at = None
        self.pending_changed.emit(self._pending)
        self.attention_changed.emit(self._attention)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        self._loop = loop
        self._task = loop.create_task(self._run(), name="storeassist-sync")

    def wake(self) -> None:
        """Start the next round now instead of after the interval (no-op when not running)."""
        if self._task is not None and not self._task.done():
            self._wake.set()

    def stop(self) -> None:
        """Stop background rounds. Safe mid-round: anything unanswered stays in the outbox."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def aclose(self) -> None:
        """Stop background rounds and wait until the current one has unwound (at shutdown); an
        immediate push still on its way is stopped too (its commands stay waiting)."""
        task = self._task
        self.stop()
        pushes = list(self._pushes)
        for push in pushes:
            push.cancel()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if pushes:
            await asyncio.wait(pushes)

    async def sync_now(self) -> SyncReport:
        """One full round (push, then pull). Raises the round's ``HubError`` after signalling it."""
        async with self._round_lock:
            try:
                # A kiosk issues no commands (it has no staff session): nothing to push.
                pushed, settled = (0, 0) if self._feed == "kiosk" else await self._push()
                pages = await self._pull()
                await self._refresh_keys()
            except DeviceRevoked as exc:
                self._set_online(True)  # the hub answered; it will not take this device
                self.note_revoked(exc)
                raise
            except HubError as exc:
                # Any answer, even a refusal, proves the hub is reachable.
                self._set_online(not isinstance(exc, HubConnectionError | HubServerError))
                if not isinstance(exc, StaffSessionRequired):
                    # With nobody signed in, the round waits for a sign-in: not a problem to show.
                    self.sync_failed.emit(exc.user_message)
                raise
            finally:
                # Personal data past its time goes whether or not the hub could be reached.
                self._purge_expired()
            self._set_online(True)
            now = self._clock()
            self._last_synced_at = now
            self.synced_at.emit(now)
            return SyncReport(pushed=pushed, settled=settled, pages_pulled=pages)

    async def push_now(self) -> tuple[int, int]:
        """Push the outbox now, without waiting for a round (a hand-over at the counter wants its
        answer at once): (pushed, settled). Takes turns with the rounds' pushes, never beside
        them; a round's pull may go on meanwhile. Raises the client's ``HubError``; the commands
        then stay waiting for the next round."""
        return await self._push()

    def push_soon(self) -> asyncio.Task[tuple[int, int]]:
        """:meth:`push_now` as a task of its own, which finishes (and files the hub's answers) even
        when the caller stops waiting for it; its failure is logged, the round retries."""
        task = asyncio.ensure_future(self.push_now())
        self._pushes.add(task)
        task.add_done_callback(self._push_done)
        return task

    def _push_done(self, task: asyncio.Task[tuple[int, int]]) -> None:
        self._pushes.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is None and task.result()[1] and self._task is not None and self._loop is not None:
            # Answers were filed: a round soon pulls what they changed (the order handed over), so
            # the tablet's copy catches up even when the counter stopped waiting for the answer;
            # not at once, so the receipt is painted first.
            self._loop.call_later(PULL_AFTER_PUSH_S, self._wake.set)
        if isinstance(error, HubError):
            log.info("an immediate push got no answer (%s); the next round sends it", type(error).__name__)
        elif error is not None:
            log.error("an immediate push failed", exc_info=error)

    def _purge_expired(self) -> None:
        try:
            purged = self._cache.purge_expired(now=self._clock())
        except LocalStoreError as exc:
            log.warning("expired customer data could not be purged this round: %s", exc)
            return
        if purged:
            log.info("purged %d expired customer profiles", purged)

    async def _run(self) -> None:
        failures = 0
        while self._revoked is None:
            self._wake.clear()
            try:
                await self.sync_now()
                failures = 0
            except DeviceRevoked:
                log.warning("the hub revoked this device; sync has stopped")
                return
            except StaffSessionRequired:
                # Commands and customers need someone signed in; a sign-in wakes the engine.
                log.info("sync waits for a staff member to sign in")
                failures = 0
            except HubError as exc:
                failures += 1
                log.info("sync round failed (%s); attempt %d", type(exc).__name__, failures)
            except LocalStoreError as exc:
                failures += 1
                log.error("sync round failed on the device's own storage: %s", exc)
                self.sync_failed.emit(exc.user_message)
            except Exception:
                # A bug: keep the engine alive so the outbox still drains once it is fixed upstream.
                failures += 1
                log.exception("sync round failed unexpectedly")
            delay = self._interval_s if failures == 0 else self._backoff(failures)
            # Whichever comes first starts the next round: the delay, or a command enqueued while online.
            # ``asyncio.timeout``, not ``wait_for``: on Python 3.11 ``wait_for`` can swallow a cancel
            # that arrives as the wake-up does, and the engine would then never stop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()

    def _backoff(self, failures: int) -> float:
        ceiling: float = min(self._backoff_cap_s, self._backoff_base_s * 2.0 ** (failures - 1))
        # Half fixed, half random: devices of a whole chain reconnecting after an outage spread out.
        return ceiling * (0.5 + self._jitter() / 2)

    # -- push -----------------------------------------------------------------------------------

    async def _push(self) -> tuple[int, int]:
        async with self._push_lock:
            return await self._push_waiting()

    async def _push_waiting(self) -> tuple[int, int]:
        pushed = settled = 0
        while batch := self._outbox.next_batch(self._batch_size):
            ids = [command.id for command in batch]
            self._outbox.mark_sent(ids)
            try:
                results = await self._send(batch)
            except HubError as exc:
                self._outbox.record_failure(ids, type(exc).__name__)
                raise
            answered = self._outbox.record_results(results)
            pushed += len(batch)
            settled += answered
            if answered == 0:
                # The hub answered for none of them; they stay waiting for the next round
                # instead of being pushed again in a tight loop.
                log.warning("hub answered a batch of %d without settling any", len(batch))
                break
        return pushed, settled

    async def _send(self, batch: list[Command]) -> list[CommandResult]:
        try:
            return (await self._client.push_commands(CommandBatch(commands=batch))).results
        except HubRejected as exc:
            if len(batch) > 1 and exc.problem.status in _SPLITTABLE_STATUSES:
                log.warning("hub refused a batch of %d (%s); sending one by one", len(batch), exc.code)
                results: list[CommandResult] = []
                for command in batch:
                    results.extend(await self._send([command]))
                return results
            if len(batch) == 1 and exc.problem.status in _COMMAND_REFUSED_STATUSES:
                refused = CommandResult(
                    id=batch[0].id,
                    status="rejected",
                    code="refused_by_hub",
                    params={"problem": exc.code[:_MAX_PARAM_TEXT]},
                    reason=exc.user_message,
                )
                return [refused]
            raise

    # -- pull -----------------------------------------------------------------------------------

    async def _pull(self) -> int:
        try:
            return await self._pull_pages()
        except BaseException:
            if (paused := self._snapshot.paused()) is not None:
                self.snapshot_progress.emit(paused)
            raise

    async def _pull_pages(self) -> int:
        cursor = self._cache.cursor()
        pages = 0
        restarted = refilled = False
        while True:
            if cursor == "":
                self._snapshot.begin()
            try:
                feed = await self._changes(cursor)
            except HubRejected as exc:
                if restarted or cursor == "" or exc.code not in CURSOR_RESET_CODES:
                    raise
                log.info("hub no longer knows our cursor (%s); pulling a snapshot", exc.code)
                self._cache.reset_cursor()
                cursor, restarted = "", True
                continue
            try:
                await self._store_page(feed, cursor)
            except CacheRebuilt:
                # The file was made fresh since this pull began: the pages stored so far went with
                # it, so start again from a snapshot (once; a second time ends the round).
                if refilled:
                    raise
                log.info("the device cache was made fresh during a pull; pulling a snapshot")
                cursor, refilled = self._cache.cursor(), True
                continue
            pages += 1
            last = not feed.has_more or feed.cursor == cursor
            if (progress := self._snapshot.stored(feed, last_page=last)) is not None:
                self.snapshot_progress.emit(progress)
            if last:
                return pages
            cursor = feed.cursor

    async def _changes(self, cursor: str) -> ChangeFeed:
        if self._feed == "store":
            return await self._client.changes(self._store_id, cursor, self._page_limit)
        page = await self._client.kiosk_changes(cursor, self._page_limit)
        if page.customers or page.pickups:
            # The kiosk's feed never sends them; if a hub ever did, a public screen keeps none.
            log.warning("the kiosk's feed sent personal data; it is not kept")
            page = page.model_copy(update={"customers": [], "pickups": []})
        return page

    async def _store_page(self, feed: ChangeFeed, requested_cursor: str) -> None:
        now = self._clock()
        # A snapshot page can be large; writing it off the GUI thread keeps the screen responsive.
        # A damaged file is made fresh by the cache itself, which then raises CacheRebuilt.
        await asyncio.to_thread(self._cache.apply_feed, feed, requested_cursor=requested_cursor, now=now)

    async def _refresh_keys(self) -> None:
        """The hub's public keys, fetched at the first round and then every ``keys_every_s``: a
        key rotated at the hub verifies here, offline too, within that time."""
        checked, now = self._keys_checked_at, self._clock()
        # A clock set back counts as time passed, so keys are never trusted longer than asked.
        if (
            checked is not None
            and abs((now - checked).total_seconds()) < self._keys_every_s
            and self._cache.verification_keys()
        ):
            return
        self._cache.set_public_keys(await self._client.public_keys())
        self._keys_checked_at = now

    # -- signals --------------------------------------------------------------------------------

    def _on_outbox_changed(self) -> None:
        pending, attention = self._outbox.pending_count(), self._outbox.attention_count()
        if pending != self._pending:
            self._pending = pending
            self.pending_changed.emit(pending)
        if attention != self._attention:
            self._attention = attention
            self.attention_changed.emit(attention)
        if self._online and self._task is not None:
            # On the loop's next turn, and only if no immediate push took it meanwhile: an action
            # that is pushed at once (a hand-over) must not also start a round, whose pull would
            # share the hub and this thread with the answer the counter is waiting for.
            loop = self._loop
            if loop is None or loop.is_closed():
                self._wake.set()
            else:
                loop.call_soon_threadsafe(self._wake_unless_pushing)

    def _wake_unless_pushing(self) -> None:
        if not self._pushes:
            self._wake.set()

    def _on_cache_rebuilt(self) -> None:
        """The cache was made fresh (maybe on the feed writer's thread): refill it without waiting.

        Only while the hub answers: offline, the backed-off rounds come soon enough. A rebuild
        during a round is handled by that round's pull; waking then would only run a second
        round straight after."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._wake_unless_in_a_round)

    def _wake_unless_in_a_round(self) -> None:
        if self._online and not self._round_lock.locked():
            self.wake()

    def note_revoked(self, error: DeviceRevoked) -> None:
        """The hub answered a call (any service's, ``HubClient.add_revocation_listener``) 401
        ``device_revoked``: stop syncing for good and say so, once, with IT's reason."""
        if self._revoked is not None:
            return
        self._revoked = error
        log.warning("the hub revoked this device; sync stops")
        task = self._task
        if task is not None and task is not _current_task():
            # Mid-round is safe: anything unanswered stays in the outbox. (A round of its own
            # that met the refusal ends by itself.) ``aclose`` still waits for it to unwind.
            task.cancel()
        self.device_revoked.emit(error.reason or "")
        # Also as a failed round, so a status line that shows only those says it too.
        self.sync_failed.emit(error.user_message)

    def note_reachability(self, reachable: bool) -> None:
        """What any other call to the hub just found (``HubClient.add_reachability_listener``).
        Coming back online starts a round at once, so waiting actions go without delay."""
        came_back = reachable and self._online is False
        self._set_online(reachable)
        if came_back and self._task is not None:
            self._wake.set()

    def _set_online(self, online: bool) -> None:
        if online != self._online:
            self._online = online
            log.info("hub is %s", "reachable" if online else "unreachable")
            self.online_changed.emit(online)
