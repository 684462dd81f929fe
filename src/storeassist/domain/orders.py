"""Order and pickup rules, defined once: states, what is left to collect or return, allowed moves.

The contract's ``PickupState``, the tablet's cache, the hub's queries and command effects, the
alerts and the screens all take their states and quantities from here, so a new state or a
changed rule is one edit. Pure Python: no Qt, HTTP or SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, get_args

PickupState = Literal[
    "placed", "picking", "ready", "partially_collected", "collected", "expired", "cancelled"
]

ALL_PICKUP_STATES: tuple[PickupState, ...] = get_args(PickupState)
#: Still to be handed over: the customer has something to come for.
OPEN_PICKUP_STATES: tuple[PickupState, ...] = ("placed", "picking", "ready", "partially_collected")
#: What an associate may hand over from now.
COLLECTABLE_STATES: tuple[PickupState, ...] = ("ready", "partially_collected")
#: Nothing more can happen to the pickup.
FINAL_PICKUP_STATES: tuple[PickupState, ...] = ("collected", "expired", "cancelled")
#: Not in the store yet: on its way (an endless-aisle order) or being picked; its arrival makes it ready.
ARRIVING_STATES: tuple[PickupState, ...] = ("placed", "picking")
#: The store's queue, most urgent kind first.
QUEUE_STATES: tuple[PickupState, ...] = ("ready", "partially_collected", "picking", "placed")

#: Every allowed move of a pickup order; anything else is a conflict.
PICKUP_TRANSITIONS: Mapping[PickupState, frozenset[PickupState]] = {
    "placed": frozenset({"picking", "ready", "cancelled"}),
    "picking": frozenset({"ready", "cancelled"}),
    "ready": frozenset({"partially_collected", "collected", "expired", "cancelled"}),
    "partially_collected": frozenset({"partially_collected", "collected", "expired", "cancelled"}),
    "collected": frozenset(),
    "expired": frozenset(),
    "cancelled": frozenset(),
}


class LineQuantities(Protocol):
    """An order line as these rules read it (the contract's ``OrderLine``, a hub row, a cache row)."""

    @property
    def qty(self) -> int: ...

    @property
    def qty_collected(self) -> int: ...

    @property
    def qty_returned(self) -> int: ...

    @property
    def qty_cancelled(self) -> int: ...


class LineAction(Protocol):
    """What a hand-over does to one line (the contract's ``HandoverLine``): units handed over,
    cancelled (and refunded), or handed over as another size or colour."""

    @property
    def handed(self) -> int: ...

    @property
    def cancelled(self) -> int: ...

    @property
    def substituted(self) -> int: ...


@dataclass(frozen=True)
class Take:
    """A :class:`LineAction` made here (tests, the tablet's plan before it becomes a command)."""

    handed: int = 0
    cancelled: int = 0
    substituted: int = 0


def units_taken(action: LineAction) -> int:
    """Units of the line a hand-over settles: handed, cancelled or substituted."""
    return action.handed + action.cancelled + action.substituted


def can_move(state: PickupState, to: PickupState) -> bool:
    return to in PICKUP_TRANSITIONS[state]


def is_open(state: str | None) -> bool:
    return state in OPEN_PICKUP_STATES


def is_collectable(state: str | None) -> bool:
    return state in COLLECTABLE_STATES


def is_arriving(state: str | None) -> bool:
    """Whether an order's arrival may be recorded (``pickup.receive``): it is not here yet."""
    return state in ARRIVING_STATES


def to_collect(line: LineQuantities) -> int:
    """Units of a pickup line still to hand over: ordered, not collected and not cancelled (never
    negative, whatever the row says). A returned unit was received first, so it counts as
    collected; a substituted unit is cancelled on its line and collected on the substitute's."""
    return max(0, line.qty - line.qty_collected - line.qty_cancelled)


def returnable(line: LineQuantities, *, picked_up: bool = True) -> int:
    """Units of a line the customer has and may bring back: received and not returned yet.

    Received means collected for a pickup order (``picked_up``), delivered with the order for
    any other; returned units are always among the received ones."""
    received = min(line.qty, line.qty_collected if picked_up else line.qty)
    return max(0, received - line.qty_returned)


def items_to_collect(lines: Iterable[LineQuantities]) -> int:
    return sum(to_collect(line) for line in lines)


class HandoverProblem(ValueError):
    """A hand-over these rules refuse; ``code`` names the rule, ``line_no`` the line if one."""

    def __init__(self, code: str, line_no: int | None = None) -> None:
        super().__init__(code if line_no is None else f"{code} (line {line_no})")
        self.code = code
        self.line_no = line_no


@dataclass(frozen=True)
class Handover:
    """What a hand-over leaves behind: the order's next state and the units still to collect."""

    state: PickupState
    remaining: int


def plan_handover(
    state: str | None, lines: Mapping[int, LineQuantities], actions: Mapping[int, LineAction]
) -> Handover:
    """Check a hand-over (line number → what happens to it now) against the order; the state it
    leads to: partially collected while units remain, else collected, or cancelled if no unit of
    the order was ever handed over.

    Raises :class:`HandoverProblem` with code ``not_pickup``, ``not_collectable``, ``nothing_handed``,
    ``unknown_line`` or ``over_collected``. Pure: the caller writes the result.
    """
    if state is None:
        raise HandoverProblem("not_pickup")
    if state not in COLLECTABLE_STATES:
        raise HandoverProblem("not_collectable")
    counts = [(a.handed, a.cancelled, a.substituted) for a in actions.values()]
    if not actions or any(n < 0 for c in counts for n in c) or sum(map(sum, counts)) == 0:
        raise HandoverProblem("nothing_handed")
    for line_no in sorted(actions):
        if line_no not in lines:
            raise HandoverProblem("unknown_line", line_no)
    for line_no in sorted(actions):
        if units_taken(actions[line_no]) > to_collect(lines[line_no]):
            raise HandoverProblem("over_collected", line_no)
    remaining = sum(
        to_collect(line) - (units_taken(actions[n]) if n in actions else 0) for n, line in lines.items()
    )
    received = any(line.qty_collected > 0 for line in lines.values()) or any(
        a.handed + a.substituted > 0 for a in actions.values()
    )
    if remaining > 0:
        return Handover("partially_collected", remaining)
    return Handover("collected" if received else "cancelled", 0)


# -- the store's queue --------------------------------------------------------------------------

#: The queue's tabs: what the associate looks for at the counter.
QueueTab = Literal["ready", "due_today", "overdue", "partly_collected", "waiting"]
QUEUE_TABS: tuple[QueueTab, ...] = get_args(QueueTab)


class QueuedPickup(Protocol):
    """A pickup order as the queue reads it (the contract's ``Order``)."""

    @property
    def id(self) -> int: ...

    @property
    def pickup_state(self) -> PickupState | None: ...

    @property
    def pickup_deadline(self) -> datetime | None: ...

    @property
    def customer_waiting_since(self) -> datetime | None: ...


def is_overdue(order: QueuedPickup, now: datetime) -> bool:
    """Past its pickup deadline and still open: a "to restock" task."""
    return is_open(order.pickup_state) and order.pickup_deadline is not None and order.pickup_deadline < now


def queue_tabs(order: QueuedPickup, now: datetime, end_of_day: datetime) -> frozenset[QueueTab]:
    """The tabs an open order is listed under; ``end_of_day`` is the store's midnight tonight."""
    tabs: set[QueueTab] = set()
    if order.pickup_state == "ready":
        tabs.add("ready")
    if order.pickup_state == "partially_collected":
        tabs.add("partly_collected")
    if is_overdue(order, now):
        tabs.add("overdue")
    elif is_open(order.pickup_state) and (order.pickup_deadline or end_of_day) < end_of_day:
        tabs.add("due_today")
    if order.customer_waiting_since is not None and is_open(order.pickup_state):
        tabs.add("waiting")
    return frozenset(tabs)


def queue_sort_key(order: QueuedPickup) -> tuple[int, float, int, float, int]:
    """The queue's order: customers waiting first, the one waiting longest at the top; then what can
    be handed over now before what is still being picked; then by deadline."""
    waiting = order.customer_waiting_since
    deadline = order.pickup_deadline
    rank = QUEUE_STATES.index(order.pickup_state) if order.pickup_state in QUEUE_STATES else len(QUEUE_STATES)
    return (
        0 if waiting is not None else 1,
        waiting.timestamp() if waiting is not None else 0.0,
        rank,
        deadline.timestamp() if deadline is not None else float("inf"),
        order.id,
    )
