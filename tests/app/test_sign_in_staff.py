"""Staff sign in with a badge or a staff number and PIN: checked before sending, refused in plain
words, kept to their own store unless they manage, slowed down after repeated refusals, and
signed out when the device is left idle. Secrets never reach a message or a log line."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from storeassist.client import HubAuthError, HubClient, HubRejected, HubUnreachable
from storeassist.contract import Problem, Role, StaffSession, StaffSignInRequest
from storeassist.services.sign_in_staff import (
    SignInInvalid,
    SignInLocked,
    SignInRefused,
    SignInStaff,
    SignInWrongStore,
    StaffSessionState,
)

pytestmark = pytest.mark.anyio

STORE = 1


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeHub:
    """Answers sign-ins as told: a session, a refusal, or any error; keeps what it was sent."""

    def __init__(self, answer: StaffSession | Exception | None = None) -> None:
        self.answer: StaffSession | Exception = answer or _session()
        self.requests: list[StaffSignInRequest] = []

    async def staff_sign_in(self, request: StaffSignInRequest) -> StaffSession:
        self.requests.append(request)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def _session(role: Role = "associate", store_id: int = STORE, staff_id: int = 3) -> StaffSession:
    return StaffSession(staff_id=staff_id, name="Ada Lindqvist", role=role, store_id=store_id)


def _refusal() -> HubRejected:
    return HubRejected(
        Problem(
            title="Forbidden",
            status=403,
            detail="Badge, staff number or PIN not recognised.",
            code="sign_in_refused",
        )
    )


# -- checked before anything is sent ---------------------------------------------------------------


@pytest.mark.parametrize(
    "badge",
    ["", "   ", "B1", "B10-03", "B1003;DROP", "x" * 100, "SAB.", "Б1003", "SA1.AAAA"],
    ids=["empty", "blank", "short", "dash", "injection", "long", "prefix-only", "cyrillic", "token"],
)
async def test_something_that_is_not_a_badge_is_refused_without_asking_the_hub(badge: str) -> None:
    hub = FakeHub()
    with pytest.raises(SignInInvalid) as raised:
        await SignInStaff(hub, STORE).sign_in_badge(badge)
    assert "badge" in raised.value.user_message
    assert hub.requests == []


@pytest.mark.parametrize(
    ("staff_number", "pin"),
    [
        ("S0003", ""),
        ("S0003", "12"),
        ("S0003", "12a4"),
        ("S0003", "123456789"),
        ("", "1003"),
        ("S-3", "1003"),
    ],
    ids=["no-pin", "short-pin", "letter-in-pin", "long-pin", "no-number", "dash-in-number"],
)
async def test_a_pin_or_staff_number_of_the_wrong_shape_is_refused_and_never_echoed(
    staff_number: str, pin: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    hub = FakeHub()
    with pytest.raises(SignInInvalid) as raised:
        await SignInStaff(hub, STORE).sign_in_pin(staff_number, pin)
    assert hub.requests == []
    if len(pin) > 2:
        assert pin not in raised.value.user_message and pin not in caplog.text
    assert raised.value.__cause__ is None


async def test_scanned_and_typed_forms_are_cleaned_before_sending() -> None:
    hub = FakeHub()
    sign_in = SignInStaff(hub, STORE)

    await sign_in.sign_in_badge("  sab.b1003\r\n")
    await sign_in.sign_in_pin(" s0003 ", "１００３")  # full-width digits from an IME
    await sign_in.sign_in_pin("S0003", "\u0661\u0660\u0660\u0663")  # Arabic-Indic digits

    assert [(r.badge, r.staff_number, r.pin) for r in hub.requests] == [
        ("B1003", None, None),
        (None, "S0003", "1003"),
        (None, "S0003", "1003"),
    ]


# -- the hub's answer --------------------------------------------------------------------------------


async def test_a_refusal_is_told_plainly_without_the_pin(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SignInRefused) as raised:
        await SignInStaff(FakeHub(_refusal()), STORE).sign_in_pin("S0003", "987654")
    assert raised.value.user_message == "That badge or PIN was not accepted."
    assert "987654" not in caplog.text and "S0003" not in caplog.text
    assert raised.value.__cause__ is None


@pytest.mark.parametrize("error", [HubUnreachable(), HubAuthError()], ids=["offline", "not-enrolled"])
async def test_other_hub_errors_reach_the_caller_and_do_not_count_as_refusals(error: Exception) -> None:
    clock = FakeClock()
    sign_in = SignInStaff(FakeHub(error), STORE, clock=clock)
    for _ in range(10):
        with pytest.raises(type(error)):
            await sign_in.sign_in_badge("B1003")
    assert sign_in.seconds_locked() == 0


@pytest.mark.parametrize("role", ["associate", "supervisor"])
async def test_staff_of_another_store_cannot_sign_in_here(role: Role) -> None:
    with pytest.raises(SignInWrongStore) as raised:
        await SignInStaff(FakeHub(_session(role, store_id=2)), STORE).sign_in_badge("B1009")
    assert "another store" in raised.value.user_message
    assert "Ada" not in raised.value.user_message


@pytest.mark.parametrize("role", ["manager", "admin"])
async def test_managers_and_admins_may_sign_in_at_any_store(role: Role) -> None:
    session = await SignInStaff(FakeHub(_session(role, store_id=2)), STORE).sign_in_badge("B1007")
    assert (session.role, session.store_id) == (role, 2)


# -- slowing down guessing ---------------------------------------------------------------------------


async def test_five_refusals_in_five_minutes_lock_sign_in_for_a_minute() -> None:
    clock, hub = FakeClock(), FakeHub(_refusal())
    sign_in = SignInStaff(hub, STORE, clock=clock)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            await sign_in.sign_in_pin("S0003", "0000")
        clock.advance(30)

    with pytest.raises(SignInLocked) as locked:
        await sign_in.sign_in_pin("S0003", "1003")
    assert locked.value.seconds_left == 30
    assert "30 seconds" in locked.value.user_message
    assert len(hub.requests) == 5  # the locked attempt was not sent

    clock.advance(29.5)
    with pytest.raises(SignInLocked) as still:
        await sign_in.sign_in_badge("B1003")
    assert still.value.seconds_left == 1 and "1 second," in still.value.user_message

    clock.advance(0.5)
    hub.answer = _session()
    assert (await sign_in.sign_in_badge("B1003")).staff_id == 3


async def test_refusals_spread_over_more_than_five_minutes_do_not_lock() -> None:
    clock = FakeClock()
    sign_in = SignInStaff(FakeHub(_refusal()), STORE, clock=clock)
    for _ in range(8):
        with pytest.raises(SignInRefused):
            await sign_in.sign_in_badge("B9999")
        clock.advance(80)
    assert sign_in.seconds_locked() == 0


async def test_each_refusal_after_the_lock_locks_again_while_the_window_lasts() -> None:
    clock, hub = FakeClock(), FakeHub(_refusal())
    sign_in = SignInStaff(hub, STORE, clock=clock)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            await sign_in.sign_in_badge("B9999")
    clock.advance(60)
    with pytest.raises(SignInRefused):
        await sign_in.sign_in_badge("B9999")
    assert sign_in.seconds_locked() == 60


async def test_ones_own_badge_between_guesses_does_not_reset_the_count() -> None:
    clock, hub = FakeClock(), FakeHub(_refusal())
    sign_in = SignInStaff(hub, STORE, clock=clock)
    for _ in range(4):
        with pytest.raises(SignInRefused):
            await sign_in.sign_in_badge("B9999")
    hub.answer = _session()
    await sign_in.sign_in_badge("B1003")  # a real sign-in between guesses
    hub.answer = _refusal()
    with pytest.raises(SignInRefused):
        await sign_in.sign_in_badge("B9999")
    assert sign_in.seconds_locked() > 0  # the fifth refusal in the window locks, success or not


async def test_shapes_refused_on_the_device_do_not_count_towards_the_lock() -> None:
    sign_in = SignInStaff(FakeHub(_refusal()), STORE, clock=FakeClock())
    for _ in range(10):
        with pytest.raises(SignInInvalid):
            await sign_in.sign_in_pin("S0003", "1")
    assert sign_in.seconds_locked() == 0


# -- who is signed in, and idle sign-out -------------------------------------------------------------


def test_the_signed_in_person_is_signed_out_after_minutes_of_no_activity() -> None:
    clock = FakeClock()
    state = StaffSessionState(idle_minutes=5, clock=clock)
    seen: list[StaffSession | None] = []
    state.add_listener(seen.append)

    state.sign_in(_session())
    clock.advance(4 * 60)
    state.touch()
    clock.advance(4 * 60)
    assert state.current == _session() and state.staff_id() == 3 and state.role == "associate"
    assert state.seconds_until_idle() == 60

    clock.advance(60)
    assert state.current is None
    assert seen == [_session(), None]
    state.touch()  # activity after the sign-out does not bring the session back
    assert state.current is None and state.staff_id() is None and state.role is None


def test_the_idle_check_from_a_timer_signs_out_once() -> None:
    clock = FakeClock()
    state = StaffSessionState(idle_minutes=1, clock=clock)
    seen: list[StaffSession | None] = []
    state.add_listener(seen.append)
    state.sign_in(_session())

    assert state.expire_if_idle() is False
    clock.advance(61)
    assert state.expire_if_idle() is True
    assert state.expire_if_idle() is False
    assert seen == [_session(), None]


def test_signing_out_tells_listeners_and_a_broken_listener_does_not_stop_it() -> None:
    state = StaffSessionState(clock=FakeClock())
    seen: list[StaffSession | None] = []

    def broken(_session: StaffSession | None) -> None:
        raise RuntimeError("listener bug")

    state.add_listener(broken)
    state.add_listener(seen.append)
    state.sign_in(_session())
    state.sign_out()
    state.sign_out()  # nobody signed in: nothing to tell

    assert seen == [_session(), None]
    assert state.current is None


# -- with the real hub ---------------------------------------------------------------------------------


def _staff(hub, where: str) -> tuple[int, str, str]:
    with sqlite3.connect(hub.db_path) as db:
        return db.execute(f"SELECT id, badge, name FROM staff WHERE {where} ORDER BY id LIMIT 1").fetchone()


async def test_a_badge_signs_an_associate_in_at_their_own_store(device, hub, caplog):
    caplog.set_level(logging.DEBUG)
    sign_in = SignInStaff(device.client, hub.store_id)

    session = await sign_in.sign_in_badge(f"SAB.{hub.staff_badge}")

    assert (session.role, session.store_id) == ("associate", hub.store_id)
    assert hub.staff_badge not in caplog.text and session.name not in caplog.text
    with sqlite3.connect(hub.db_path) as db:
        (audited,) = db.execute(
            "SELECT count(*) FROM audit WHERE action = 'staff.sign_in' AND subject = ?",
            (f"staff:{session.staff_id}",),
        ).fetchone()
    assert audited >= 1


async def test_a_staff_number_and_pin_sign_in_and_a_wrong_pin_is_refused(device, hub):
    sign_in = SignInStaff(device.client, hub.store_id)

    session = await sign_in.sign_in_pin(hub.staff_number, hub.staff_pin)
    with pytest.raises(SignInRefused) as refused:
        await sign_in.sign_in_pin(hub.staff_number, "98765")

    assert session.store_id == hub.store_id
    assert refused.value.user_message == "That badge or PIN was not accepted."


async def test_an_associate_of_another_store_is_kept_out_but_its_manager_is_let_in(device, hub):
    _, associate_badge, _ = _staff(hub, f"store_id != {hub.store_id} AND role = 'associate'")
    manager_id, manager_badge, _ = _staff(hub, f"store_id != {hub.store_id} AND role = 'manager'")
    sign_in = SignInStaff(device.client, hub.store_id)

    with pytest.raises(SignInWrongStore):
        await sign_in.sign_in_badge(associate_badge)
    manager = await sign_in.sign_in_badge(manager_badge)

    assert manager.staff_id == manager_id and manager.store_id != hub.store_id


async def test_with_the_hub_out_of_reach_there_is_no_sign_in(device, refused_url):
    async with HubClient(refused_url, device.enrollment.credential, max_attempts=1) as unplugged:
        with pytest.raises(HubUnreachable):
            await SignInStaff(unplugged, 1).sign_in_badge("B1003")


async def test_the_hub_refusing_five_times_locks_this_device(device, hub):
    clock = FakeClock()
    sign_in = SignInStaff(device.client, hub.store_id, clock=clock)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            await sign_in.sign_in_badge("B9999")
    with pytest.raises(SignInLocked):
        await sign_in.sign_in_badge(hub.staff_badge)
