"""Order and pickup rules: the state lists agree with each other, and a hand-over (units handed,
cancelled or substituted) never settles more than was ordered and is still to collect."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeassist.domain.orders import (
    ALL_PICKUP_STATES,
    COLLECTABLE_STATES,
    FINAL_PICKUP_STATES,
    OPEN_PICKUP_STATES,
    PICKUP_TRANSITIONS,
    QUEUE_STATES,
    HandoverProblem,
    Take,
    can_move,
    items_to_collect,
    plan_handover,
    returnable,
    to_collect,
)


@dataclass(frozen=True)
class Line:
    qty: int
    qty_collected: int = 0
    qty_returned: int = 0
    qty_cancelled: int = 0


def _handing(units: dict[int, int]) -> dict[int, Take]:
    """Line number → units handed over, as the hand-overs of the release before line actions."""
    return {n: Take(handed=u) for n, u in units.items()}


def test_every_state_is_open_or_final_and_only_final_states_are_dead_ends() -> None:
    assert set(OPEN_PICKUP_STATES) | set(FINAL_PICKUP_STATES) == set(ALL_PICKUP_STATES)
    assert not set(OPEN_PICKUP_STATES) & set(FINAL_PICKUP_STATES)
    assert set(PICKUP_TRANSITIONS) == set(ALL_PICKUP_STATES)
    for state in ALL_PICKUP_STATES:
        assert (not PICKUP_TRANSITIONS[state]) == (state in FINAL_PICKUP_STATES), state


def test_the_queue_holds_every_open_state_once_and_collectable_ones_first() -> None:
    assert sorted(QUEUE_STATES) == sorted(OPEN_PICKUP_STATES)
    assert QUEUE_STATES[: len(COLLECTABLE_STATES)] == COLLECTABLE_STATES
    assert set(COLLECTABLE_STATES) <= set(OPEN_PICKUP_STATES)


def test_a_collected_pickup_cannot_move_and_a_ready_one_can_be_collected() -> None:
    assert can_move("ready", "collected") and can_move("ready", "partially_collected")
    assert can_move("partially_collected", "partially_collected")
    assert not can_move("collected", "ready") and not can_move("placed", "collected")


def test_quantities_never_go_negative_whatever_a_row_says() -> None:
    assert to_collect(Line(qty=3, qty_collected=1)) == 2
    assert to_collect(Line(qty=3, qty_collected=4)) == 0  # a bad row, not -1
    assert returnable(Line(qty=3, qty_collected=2, qty_returned=1)) == 1
    assert returnable(Line(qty=3, qty_collected=0, qty_returned=1)) == 0
    assert returnable(Line(qty=3, qty_collected=0, qty_returned=1), picked_up=False) == 2  # shipped


def test_a_returned_unit_was_collected_first_so_it_is_not_collected_again() -> None:
    # Two collected, one of them brought back: one unit is still to hand over, one may come back.
    line = Line(qty=3, qty_collected=2, qty_returned=1)
    assert to_collect(line) == 1
    assert returnable(line) == 1
    assert items_to_collect([Line(qty=2), Line(qty=5, qty_collected=4)]) == 3


def test_cancelled_units_are_not_to_collect() -> None:
    assert to_collect(Line(qty=3, qty_collected=1, qty_cancelled=1)) == 1
    assert to_collect(Line(qty=2, qty_cancelled=3)) == 0


@pytest.mark.parametrize(
    ("state", "handed", "code", "line_no"),
    [
        (None, {1: 1}, "not_pickup", None),
        ("picking", {1: 1}, "not_collectable", None),
        ("collected", {1: 1}, "not_collectable", None),
        ("ready", {}, "nothing_handed", None),
        ("ready", {1: 0, 2: 0}, "nothing_handed", None),
        ("ready", {1: 1, 2: -1}, "nothing_handed", None),
        ("ready", {9: 1, 1: 1}, "unknown_line", 9),
        ("ready", {1: 1, 2: 3}, "over_collected", 2),
    ],
)
def test_a_hand_over_the_rules_refuse_names_the_rule_and_the_line(
    state: str | None, handed: dict[int, int], code: str, line_no: int | None
) -> None:
    lines = {1: Line(qty=2), 2: Line(qty=3, qty_collected=1)}

    with pytest.raises(HandoverProblem) as refused:
        plan_handover(state, lines, _handing(handed))

    assert (refused.value.code, refused.value.line_no) == (code, line_no)


def test_handing_over_the_rest_collects_the_order_and_a_part_leaves_it_partly_collected() -> None:
    lines = {1: Line(qty=2), 2: Line(qty=3, qty_collected=2, qty_returned=1)}

    part = plan_handover("ready", lines, _handing({1: 1}))
    rest = plan_handover("partially_collected", lines, _handing({1: 2, 2: 1}))

    assert (part.state, part.remaining) == ("partially_collected", 2)
    assert (rest.state, rest.remaining) == ("collected", 0)


def test_cancelled_and_substituted_units_settle_their_line() -> None:
    lines = {1: Line(qty=2), 2: Line(qty=1)}

    plan = plan_handover("ready", lines, {1: Take(handed=1, substituted=1), 2: Take(cancelled=1)})
    over = lines | {1: Line(qty=2, qty_cancelled=1)}

    assert (plan.state, plan.remaining) == ("collected", 0)
    with pytest.raises(HandoverProblem) as refused:
        plan_handover("ready", over, {1: Take(handed=1, cancelled=1)})
    assert (refused.value.code, refused.value.line_no) == ("over_collected", 1)


def test_an_order_whose_every_unit_is_cancelled_is_cancelled_not_collected() -> None:
    lines = {1: Line(qty=2), 2: Line(qty=1)}

    nothing_received = plan_handover("ready", lines, {1: Take(cancelled=2), 2: Take(cancelled=1)})
    some_received = plan_handover(
        "partially_collected", lines | {2: Line(qty=1, qty_collected=1)}, {1: Take(cancelled=2)}
    )
    substituted = plan_handover("ready", lines, {1: Take(substituted=2), 2: Take(cancelled=1)})

    assert nothing_received.state == "cancelled"
    assert some_received.state == "collected"
    assert substituted.state == "collected"  # the customer received the other size


#: Lines as the rules keep them: no more collected and cancelled than ordered, and only collected
#: units returned.
_lines = st.dictionaries(
    st.integers(min_value=1, max_value=6),
    st.integers(min_value=1, max_value=20).flatmap(
        lambda qty: st.integers(min_value=0, max_value=qty).flatmap(
            lambda collected: st.tuples(
                st.integers(min_value=0, max_value=collected),
                st.integers(min_value=0, max_value=qty - collected),
            ).map(
                lambda rest: Line(
                    qty=qty, qty_collected=collected, qty_returned=rest[0], qty_cancelled=rest[1]
                )
            )
        )
    ),
    min_size=1,
    max_size=5,
)
_counts = st.integers(min_value=-1, max_value=12)
_takes = st.builds(Take, handed=_counts, cancelled=_counts, substituted=_counts)


@given(
    state=st.one_of(st.none(), st.sampled_from(ALL_PICKUP_STATES)),
    lines=_lines,
    actions=st.dictionaries(st.integers(min_value=1, max_value=7), _takes, max_size=6),
)
@settings(max_examples=400, deadline=None, database=None)
def test_a_hand_over_never_gives_out_more_than_ordered(
    state: str | None, lines: dict[int, Line], actions: dict[int, Take]
) -> None:
    try:
        plan = plan_handover(state, lines, actions)
    except HandoverProblem as problem:
        # Refused: and rightly, for the rule it names.
        if problem.code == "over_collected":
            assert problem.line_no is not None
            taken = actions[problem.line_no]
            assert taken.handed + taken.cancelled + taken.substituted > to_collect(lines[problem.line_no])
        elif problem.code == "unknown_line":
            assert problem.line_no not in lines
        elif problem.code == "not_collectable":
            assert state not in COLLECTABLE_STATES
        elif problem.code == "nothing_handed":
            counts = [n for a in actions.values() for n in (a.handed, a.cancelled, a.substituted)]
            assert not actions or min(counts) < 0 or sum(counts) == 0
        return
    assert state in COLLECTABLE_STATES
    # As the hub writes it: handed units are collected; cancelled and substituted ones cancelled
    # on their line (a substitute is a new line, collected in full).
    after = {
        n: Line(
            line.qty,
            line.qty_collected + (actions[n].handed if n in actions else 0),
            line.qty_returned,
            line.qty_cancelled + (actions[n].cancelled + actions[n].substituted if n in actions else 0),
        )
        for n, line in lines.items()
    }
    for n, line in after.items():
        assert line.qty_collected + line.qty_cancelled <= line.qty, n
    assert plan.remaining == items_to_collect(after.values())
    assert plan.remaining == sum(
        line.qty - line.qty_collected - line.qty_cancelled for line in after.values()
    )
    received = any(line.qty_collected for line in after.values()) or any(
        a.substituted for a in actions.values()
    )
    expected = "partially_collected" if plan.remaining else "collected" if received else "cancelled"
    assert plan.state == expected
    assert can_move(state, plan.state)  # type: ignore[arg-type]
