"""Staff sign in with a signed badge (and the PIN above an associate) or a staff number and PIN:
checked before sending, refused in plain words, kept to their own store unless they manage,
slowed down after repeated refusals, and signed out when the device is left idle. Secrets (PIN,
badge code) never reach a message or a log line."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from storeassist.client import HubAuthError, HubClient, HubRejected, HubUnreachable
from storeassist.contract import Problem, Role, StaffSession, StaffSignInRequest
from storeassist.domain.tokens import TokenKind, sign_token
from storeassist.services.sign_in_staff import (
    SignInError,
    SignInInvalid,
    SignInLocked,
    SignInPinRequired,
    SignInRefused,
    SignInStaff,
    SignInWrongStore,
    StaffSessionState,
)

pytestmark = pytest.mark.anyio

STORE = 1
_KEY = Ed25519PrivateKey.generate()


def _badge(staff_id: int = 3, serial: int = 1, kind: TokenKind = TokenKind.STAFF_BADGE) -> str:
    """A code as the hub prints it, signed with a key of the test's own (the fake hub trusts it)."""
    return sign_token(_KEY, 1, kind, staff_id, serial)


BADGE = _badge(3)
OTHER_BADGE = _badge(9)
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#: The same signed bytes as BADGE with its last character's spare bits set: a second spelling.
RESPELLED_BADGE = BADGE[:-1] + _ALPHABET[_ALPHABET.index(BADGE[-1]) ^ 1]


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


#: The hub's session for the signed-in person (the device sends the token with later requests).
_SESSION_FIELDS: dict[str, Any] = {
    "session_token": "t" * 43,
    "idle_minutes": 5,
    "expires_at": datetime(2026, 3, 2, 18, 0, tzinfo=UTC),
}


def _session(role: Role = "associate", store_id: int = STORE, staff_id: int = 3) -> StaffSession:
    return StaffSession(
        staff_id=staff_id, name="Ada Lindqvist", role=role, store_id=store_id, **_SESSION_FIELDS
    )


def _refusal() -> HubRejected:
    return HubRejected(
        Problem(
            title="Forbidden",
            status=403,
            detail="Badge, staff number or PIN not recognised.",
            code="sign_in_refused",
        )
    )


def _pin_required() -> HubRejected:
    return HubRejected(
        Problem(
            title="Forbidden",
            status=403,
            detail="Enter your PIN as well to finish signing in.",
            code="pin_required",
        )
    )


# -- checked before anything is sent ---------------------------------------------------------------


@pytest.mark.parametrize(
    "badge",
    [
        "",
        "   ",
        "B1003",
        "SAB.B1003",
        "b1003",
        "B1003;DROP",
        "x" * 100,
        "SA1.",
        "SA1.AAAA",
        "SA1." + "A" * 200,
        "sa1." + BADGE[4:],
        "ЅА1." + BADGE[4:],
        BADGE[:50] + "\u200b" + BADGE[50:],
        BADGE[:50] + " " + BADGE[50:],
        BADGE + "=",
        RESPELLED_BADGE,
        _badge(kind=TokenKind.LOYALTY_CARD),
        _badge(kind=TokenKind.ORDER),
    ],
    ids=[
        "empty",
        "blank",
        "printed-label",
        "old-barcode",
        "lower-case-label",
        "injection",
        "long",
        "prefix-only",
        "short-code",
        "oversize-code",
        "lower-case-prefix",
        "confusable-prefix",
        "zero-width-inside",
        "space-inside",
        "padding",
        "spare-bits-set",
        "loyalty-card",
        "order-code",
    ],
)
async def test_something_that_is_not_a_signed_badge_is_refused_without_asking_the_hub(
    badge: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    hub = FakeHub()
    sign_in = SignInStaff(hub, STORE)
    with pytest.raises(SignInInvalid) as raised:
        await sign_in.sign_in_badge(badge)
    assert "badge" in raised.value.user_message
    assert hub.requests == []
    assert raised.value.__cause__ is None
    if len(badge.strip()) > 8:
        assert badge.strip() not in raised.value.user_message and badge.strip() not in caplog.text
    assert sign_in.seconds_locked() == 0


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


async def test_a_badge_is_sent_exactly_as_signed_and_typed_forms_are_cleaned() -> None:
    hub = FakeHub()
    sign_in = SignInStaff(hub, STORE)

    await sign_in.sign_in_badge(f"  {BADGE}\r\n")  # a scanner's line ending
    await sign_in.sign_in_badge(BADGE, "１００３")  # the PIN the hub asked for, from an IME
    await sign_in.sign_in_pin(" s0003 ", "１００３")  # full-width digits from an IME
    await sign_in.sign_in_pin("S0003", "\u0661\u0660\u0660\u0663")  # Arabic-Indic digits

    assert [(r.badge, r.staff_number, r.pin) for r in hub.requests] == [
        (BADGE, None, None),
        (BADGE, None, "1003"),
        (None, "S0003", "1003"),
        (None, "S0003", "1003"),
    ]


@pytest.mark.parametrize("pin", ["", "12", "12a4", "123456789"])
async def test_a_pin_of_the_wrong_shape_with_a_badge_is_not_sent_nor_echoed(
    pin: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    hub = FakeHub()
    with pytest.raises(SignInInvalid) as raised:
        await SignInStaff(hub, STORE).sign_in_badge(BADGE, pin)
    assert hub.requests == []
    assert "PIN" in raised.value.user_message
    if len(pin) > 2:
        assert pin not in raised.value.user_message and pin not in caplog.text
    assert BADGE not in caplog.text


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
            await sign_in.sign_in_badge(BADGE)
    assert sign_in.seconds_locked() == 0


async def test_a_badge_that_needs_the_pin_asks_for_it_and_is_not_a_refusal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    hub = FakeHub(_pin_required())
    sign_in = SignInStaff(hub, STORE, clock=FakeClock())
    for _ in range(10):
        with pytest.raises(SignInPinRequired) as asked:
            await sign_in.sign_in_badge(BADGE)
        assert asked.value.user_message == "Enter your PIN to finish signing in."
        assert asked.value.__cause__ is None
        assert isinstance(asked.value, SignInError) and not isinstance(asked.value, SignInRefused)
        assert asked.value.pin_required is True  # how the sign-in page, which sees no services, knows
    assert sign_in.seconds_locked() == 0
    assert BADGE not in caplog.text

    hub.answer = _session("manager")
    session = await sign_in.sign_in_badge(BADGE, "1001")
    assert session.role == "manager"
    assert (hub.requests[-1].badge, hub.requests[-1].pin) == (BADGE, "1001")
    assert "1001" not in caplog.text


async def test_a_wrong_pin_with_a_badge_counts_as_a_refusal() -> None:
    clock, hub = FakeClock(), FakeHub(_refusal())
    sign_in = SignInStaff(hub, STORE, clock=clock)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            await sign_in.sign_in_badge(BADGE, "0000")
    with pytest.raises(SignInLocked):
        await sign_in.sign_in_badge(BADGE, "1001")
    assert len(hub.requests) == 5


async def test_being_asked_for_the_pin_between_guesses_does_not_reset_the_count() -> None:
    clock, hub = FakeClock(), FakeHub(_refusal())
    sign_in = SignInStaff(hub, STORE, clock=clock)
    for _ in range(4):
        with pytest.raises(SignInRefused):
            await sign_in.sign_in_badge(BADGE, "0000")
    hub.answer = _pin_required()
    with pytest.raises(SignInPinRequired):
        await sign_in.sign_in_badge(BADGE)
    hub.answer = _refusal()
    with pytest.raises(SignInRefused):
        await sign_in.sign_in_badge(BADGE, "0001")
    assert sign_in.seconds_locked() > 0


@pytest.mark.parametrize("role", ["associate", "supervisor"])
async def test_staff_of_another_store_cannot_sign_in_here(role: Role) -> None:
    with pytest.raises(SignInWrongStore) as raised:
        await SignInStaff(FakeHub(_session(role, store_id=2)), STORE).sign_in_badge(OTHER_BADGE)
    assert "another store" in raised.value.user_message
    assert "Ada" not in raised.value.user_message


@pytest.mark.parametrize("role", ["manager", "admin"])
async def test_managers_and_admins_may_sign_in_at_any_store(role: Role) -> None:
    session = await SignInStaff(FakeHub(_session(role, store_id=2)), STORE).sign_in_badge(OTHER_BADGE, "1007")
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
        await sign_in.sign_in_badge(BADGE)
    assert still.value.seconds_left == 1 and "1 second," in still.value.user_message

    clock.advance(0.5)
    hub.answer = _session()
    assert (await sign_in.sign_in_badge(BADGE)).staff_id == 3


async def test_refusals_spread_over_more_than_five_minutes_do_not_lock() -> None:
    clock = FakeClock()
    sign_in = SignInStaff(FakeHub(_refusal()), STORE, clock=clock)
    for _ in range(8):
        with pytest.raises(SignInRefused):
            await sign_in.sign_in_badge(OTHER_BADGE)
        clock.advance(80)
    assert sign_in.seconds_locked() == 0


async def test_each_refusal_after_the_lock_locks_again_while_the_window_lasts() -> None:
    clock, hub = FakeClock(), FakeHub(_refusal())
    sign_in = SignInStaff(hub, STORE, clock=clock)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            await sign_in.sign_in_badge(OTHER_BADGE)
    clock.advance(60)
    with pytest.raises(SignInRefused):
        await sign_in.sign_in_badge(OTHER_BADGE)
    assert sign_in.seconds_locked() == 60


async def test_ones_own_badge_between_guesses_does_not_reset_the_count() -> None:
    clock, hub = FakeClock(), FakeHub(_refusal())
    sign_in = SignInStaff(hub, STORE, clock=clock)
    for _ in range(4):
        with pytest.raises(SignInRefused):
            await sign_in.sign_in_badge(OTHER_BADGE)
    hub.answer = _session()
    await sign_in.sign_in_badge(BADGE)  # a real sign-in between guesses
    hub.answer = _refusal()
    with pytest.raises(SignInRefused):
        await sign_in.sign_in_badge(OTHER_BADGE)
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

    session = await sign_in.sign_in_badge(hub.staff_badge)

    assert (session.role, session.store_id) == ("associate", hub.store_id)
    assert hub.staff_badge not in caplog.text and session.name not in caplog.text
    with sqlite3.connect(hub.db_path) as db:
        (audited,) = db.execute(
            "SELECT count(*) FROM audit WHERE action = 'staff.sign_in' AND subject = ?",
            (f"staff:{session.staff_id}",),
        ).fetchone()
    assert audited >= 1


async def test_the_printed_badge_label_no_longer_signs_anyone_in(device, hub):
    _staff_id, printed, _name = _staff(hub, f"store_id = {hub.store_id} AND role = 'associate'")
    sign_in = SignInStaff(device.client, hub.store_id)
    for label in (printed, f"SAB.{printed}"):
        with pytest.raises(SignInInvalid):
            await sign_in.sign_in_badge(label)


async def test_a_managers_badge_asks_for_the_pin_then_signs_in_with_it(device, hub):
    staff_id, label, _name = _staff(hub, f"store_id = {hub.store_id} AND role = 'manager'")
    badge = hub.badge(staff_id)
    sign_in = SignInStaff(device.client, hub.store_id, clock=FakeClock())

    for _ in range(6):  # more than the lock allows, had these been refusals
        with pytest.raises(SignInPinRequired):
            await sign_in.sign_in_badge(badge)
    with pytest.raises(SignInRefused):
        await sign_in.sign_in_badge(badge, "98765")
    session = await sign_in.sign_in_badge(badge, label.removeprefix("B"))  # demo PIN: the label's digits

    assert (session.staff_id, session.role) == (staff_id, "manager")


async def test_a_staff_number_and_pin_sign_in_and_a_wrong_pin_is_refused(device, hub):
    sign_in = SignInStaff(device.client, hub.store_id)

    session = await sign_in.sign_in_pin(hub.staff_number, hub.staff_pin)
    with pytest.raises(SignInRefused) as refused:
        await sign_in.sign_in_pin(hub.staff_number, "98765")

    assert session.store_id == hub.store_id
    assert refused.value.user_message == "That badge or PIN was not accepted."


async def test_an_associate_of_another_store_is_kept_out_but_its_manager_is_let_in(device, hub):
    associate_id, _, _ = _staff(hub, f"store_id != {hub.store_id} AND role = 'associate'")
    manager_id, manager_label, _ = _staff(hub, f"store_id != {hub.store_id} AND role = 'manager'")
    sign_in = SignInStaff(device.client, hub.store_id)

    with pytest.raises(SignInWrongStore):
        await sign_in.sign_in_badge(hub.badge(associate_id))
    manager = await sign_in.sign_in_badge(hub.badge(manager_id), manager_label.removeprefix("B"))

    assert manager.staff_id == manager_id and manager.store_id != hub.store_id


async def test_with_the_hub_out_of_reach_there_is_no_sign_in(device, refused_url):
    async with HubClient(refused_url, device.enrollment.credential, max_attempts=1) as unplugged:
        with pytest.raises(HubUnreachable):
            await SignInStaff(unplugged, 1).sign_in_badge(BADGE)


async def test_the_hub_refusing_five_times_locks_this_device(device, hub):
    clock = FakeClock()
    sign_in = SignInStaff(device.client, hub.store_id, clock=clock)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            await sign_in.sign_in_badge(BADGE)  # signed, but not with the hub's key
    with pytest.raises(SignInLocked):
        await sign_in.sign_in_badge(hub.staff_badge)
