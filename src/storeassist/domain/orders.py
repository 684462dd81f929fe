"""Order and pickup rules, defined once: states, what is left to collect or return, allowed moves.

The contract's ``PickupState``, the tablet's cache, the hub's queries and command effects, the
alerts and the screens all take their states and quantities from here, so a new state or a
changed rule is one edit. Pure Python: no Qt, HTTP or SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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


def can_move(state: PickupState, to: PickupState) -> bool:
    return to in PICKUP_TRANSITIONS[state]


def is_open(state: str | None) -> bool:
    return state in OPEN_PICKUP_STATES


def is_collectable(state: str | None) -> bool:
    return state in COLLECTABLE_STATES


def to_collect(line: LineQuantities) -> int:
    """Units of a pickup line still to hand over: ordered and not collected yet (never negative,
    whatever the row says). A returned unit was received first, so it counts as collected."""
    return max(0, line.qty - line.qty_collected)


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
    state: str | None, lines: Mapping[int, LineQuantities], handed: Mapping[int, int]
) -> Handover:
    """Check a hand-over of ``handed`` (line number → units now) against the order; the state it leads to.

    Raises :class:`HandoverProblem` with code ``not_pickup``, ``not_collectable``, ``nothing_handed``,
    ``unknown_line`` or ``over_collected``. Pure: the caller writes the result.
    """
    if state is None:
        raise HandoverProblem("not_pickup")
    if state not in COLLECTABLE_STATES:
        raise HandoverProblem("not_collectable")
    if not handed or any(qty < 0 for qty in handed.values()) or sum(handed.values()) == 0:
        raise HandoverProblem("nothing_handed")
    for line_no in sorted(handed):
        if line_no not in lines:
            raise HandoverProblem("unknown_line", line_no)
    for line_no in sorted(handed):
        if handed[line_no] > to_collect(lines[line_no]):
            raise HandoverProblem("over_collected", line_no)
    remaining = sum(to_collect(line) - handed.get(n, 0) for n, line in lines.items())
    return Handover("collected" if remaining == 0 else "partially_collected", remaining)
