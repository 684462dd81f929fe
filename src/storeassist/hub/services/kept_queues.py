"""Each store's pickup queue kept serialised, rebuilt only when the store's change log moves.

The tablets of a store poll the same queue (400 open orders at a big store, about 300 KB of
JSON): building and serialising it took most of a request. Every write that changes a pickup
order, its lines or its customer appends a ``change_log`` row in the same transaction (the
pickup effects, a wrong pickup code that locks an order, the command effects; a change to a
customer's name, which shows in every store's queue, is to be logged chain-wide, with no
store). So the newest ``seq`` of the rows for the store or for every store names the state of
the store's queue: :class:`KeptQueues` keeps the bytes built at one ``seq`` and serves them
while the log has not moved past it. Other changes logged for the store (its stock) rebuild the
queue needlessly, never wrongly.

**Why it is never stale.** The ``seq`` is read *before* the queue is built. A change committed
in between has a ``seq`` above the one the copy is kept under, so the next request rebuilds it
even if this build already saw the change. On PostgreSQL ``change_log`` writers hold the
advisory lock (``database.hold_change_log_order``), so ``seq`` values become visible in order.

**Two shapes.** A tablet of the release before the pickup fields gets orders without them
(``contract.orders.without_pickup_fields``), so a copy is kept per store and shape.

**Per process.** Each hub process keeps its own copies (at most :data:`KEPT_QUEUES`, least
recently asked for dropped first) and checks the log on every request, so several processes
sharing one PostgreSQL each serve what the database holds. Trust is not cached: the route checks
the device, the staff session and the store before it asks for the queue.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.orders import pickup_queue_json
from storeassist.hub.services.wire import Queryable, fetch_prepared

#: Queues one process keeps (a chain's stores, each a few hundred KB at most; a store whose
#: tablets are of two releases during a roll-out has two).
KEPT_QUEUES = 64

_log = m.ChangeLog
#: The newest change for the store and the newest for every store: each an index lookup
#: (``ix_change_log_store`` is on ``store_id, seq``); an ``OR`` would scan.
_NEWEST_CHANGE = select(
    select(func.max(_log.seq)).where(_log.store_id == bindparam("store_id")).scalar_subquery().label("here"),
    select(func.max(_log.seq)).where(_log.store_id.is_(None)).scalar_subquery().label("everywhere"),
)


def newest_change(on: Queryable, store_id: int) -> int:
    """The newest ``change_log`` seq that can concern the store's pickups (0 if none)."""
    (row,) = fetch_prepared(on, _NEWEST_CHANGE, {"store_id": store_id})
    return max(row.here or 0, row.everywhere or 0)


@dataclass(frozen=True, slots=True)
class KeptQueue:
    """A store's queue serialised at change-log position ``seq``: the JSON of its orders, and an
    entity tag naming exactly those bytes."""

    store_id: int
    pickup_fields: bool
    seq: int
    orders_json: bytes
    etag: str

    def body(self, as_of: datetime) -> bytes:
        """The ``PickupQueue`` JSON stamped ``as_of``. The stamp is written by the contract model
        itself (an empty queue), and the kept orders are put in its place."""
        head = contract.PickupQueue(store_id=self.store_id, as_of=as_of, orders=[]).model_dump_json()
        assert head.endswith('"orders":[]}')
        return head[:-3].encode() + self.orders_json + b"}"


class KeptQueues:
    """The stores' kept queues of one hub process (on ``app.state``)."""

    def __init__(self, max_queues: int = KEPT_QUEUES) -> None:
        self._max = max_queues
        self._kept: OrderedDict[tuple[int, bool], KeptQueue] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple[int, bool], threading.Lock] = {}
        #: Queues built (not served from a kept copy), for tests and benchmarks.
        self.builds = 0

    def current(self, on: Queryable, store_id: int, *, pickup_fields: bool = True) -> KeptQueue:
        """The store's queue as the database holds it now, in the shape asked for (with the
        orders' pickup fields or without): the kept copy if the store's change log has not moved
        since it was built, else built again (once, if several requests for it arrive together)."""
        key = (store_id, pickup_fields)
        seq = newest_change(on, store_id)
        kept = self._get(key, seq)
        if kept is not None:
            return kept
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:
            kept = self._get(key, seq)  # another request may have built it meanwhile
            if kept is None:
                kept = self._build(on, store_id, pickup_fields, seq)
                self._put(key, kept)
        return kept

    def _get(self, key: tuple[int, bool], seq: int) -> KeptQueue | None:
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or kept.seq != seq:
                return None
            self._kept.move_to_end(key)
            return kept

    def _put(self, key: tuple[int, bool], kept: KeptQueue) -> None:
        with self._lock:
            older = self._kept.get(key)
            if older is not None and older.seq > kept.seq:
                return  # a request that read the log later already kept a newer copy
            self._kept[key] = kept
            self._kept.move_to_end(key)
            while len(self._kept) > self._max:
                dropped, _ = self._kept.popitem(last=False)
                self._building.pop(dropped, None)

    def _build(self, on: Queryable, store_id: int, pickup_fields: bool, seq: int) -> KeptQueue:
        self.builds += 1
        orders_json = pickup_queue_json(on, store_id, pickup_fields=pickup_fields)
        digest = hashlib.blake2b(orders_json, digest_size=12).hexdigest()
        # Weak: two answers with this tag differ in ``as_of`` only.
        return KeptQueue(store_id, pickup_fields, seq, orders_json, f'W/"q{store_id}-{digest}"')


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, RFC 9110 §13.1.2)."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == wanted:
            return True
    return False
