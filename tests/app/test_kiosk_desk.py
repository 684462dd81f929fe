"""The kiosk desk's own rules, with the hub stood in for where its faults must be produced on demand
(an answer held back, a hub that never answers) and the kiosk's settings; the real hub is in
``test_kiosk_desk_hub.py``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from storeassist.client import HubRejected, HubServerError
from storeassist.config import ConfigError, Settings, load_settings
from storeassist.contract import (
    KioskExit,
    KioskHoldRequest,
    KioskOrder,
    KioskPickup,
    KioskPickupAnswer,
    KioskProblem,
    KioskReturnChoice,
    KioskReturnStart,
    KioskReturnStarted,
    KioskShopper,
    Problem,
    StockAnswer,
)
from storeassist.domain.kiosk import IDLE_RESET_S, IDLE_WARNING_S, KioskRefused, KioskUnavailable
from storeassist.domain.tokens import TokenExpired, TokenForged, TokenMalformed, WrongKind
from storeassist.services.kiosk_desk import KioskDesk

pytestmark = pytest.mark.anyio

SHOPPER = KioskShopper(greeting_name="Maria J.", tier="silver", points=1200)


class StandInHub:
    """The kiosk's routes: each call recorded; an answer, a refusal, or nothing until released."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.refusal: Exception | None = None
        self.hold_back = False
        self.released = asyncio.Event()
        #: The ``request_id`` of each hold request and return start sent, in order.
        self.request_ids: list[UUID | None] = []

    async def _answer(self, name: str) -> None:
        self.calls.append(name)
        if self.hold_back:
            await self.released.wait()
        if self.refusal is not None:
            raise self.refusal

    async def kiosk_shopper(self, token: str) -> KioskShopper:
        await self._answer("shopper")
        return SHOPPER

    async def kiosk_hold_request(self, request: KioskHoldRequest) -> None:
        self.request_ids.append(request.request_id)
        await self._answer("hold")

    async def kiosk_pickup(self, request: KioskPickup) -> KioskPickupAnswer:
        await self._answer("pickup")
        return KioskPickupAnswer(order_number="W000011", where="counter", items=1)

    async def kiosk_return_order(self, code: str) -> KioskOrder:
        await self._answer("return_order")
        return KioskOrder(order_number="W000011", lines=[])

    async def kiosk_start_return(self, request: KioskReturnStart) -> KioskReturnStarted:
        self.request_ids.append(request.request_id)
        await self._answer("start_return")
        return KioskReturnStarted(reference="K-0001")

    async def kiosk_exit(self, request: KioskExit) -> None:
        await self._answer("exit")

    async def stock(self, sku_or_gtin: str, store_id: int) -> StockAnswer:
        await self._answer("stock")
        raise AssertionError("not used here")


@pytest.fixture
def hub() -> StandInHub:
    return StandInHub()


@pytest.fixture
def desk(hub: StandInHub, trusted_cache: Any, now: Any) -> KioskDesk:
    return KioskDesk(hub, trusted_cache, 1, clock=lambda: now, deadline_s=0.2)


async def test_a_shopper_answer_on_its_way_when_the_kiosk_forgets_never_arrives(
    desk: KioskDesk, hub: StandInHub, codes: Any
) -> None:
    hub.hold_back = True
    asking = asyncio.ensure_future(desk.shopper(codes.loyalty(7)))
    while not hub.calls:
        await asyncio.sleep(0)
    desk.forget()  # the idle reset, while the hub is still answering
    hub.released.set()
    with pytest.raises(asyncio.CancelledError):
        await asking
    assert asking.cancelled()
    hub.hold_back = False
    assert await desk.shopper(codes.loyalty(7)) == SHOPPER, "the next shopper is served"


async def test_a_hub_that_does_not_answer_in_time_is_unavailable_and_a_failing_one_too(
    desk: KioskDesk, hub: StandInHub, codes: Any
) -> None:
    hub.hold_back = True  # never released: past the kiosk's deadline
    with pytest.raises(KioskUnavailable) as late:
        await desk.shopper(codes.loyalty(7))
    assert late.value.code == "hub_unreachable"
    hub.hold_back, hub.refusal = False, HubServerError(503)
    with pytest.raises(KioskUnavailable) as failing:
        await desk.request_hold("SKU-1")
    assert failing.value.code == "hub_error"


async def test_codes_the_kiosk_refuses_itself_are_never_sent(
    desk: KioskDesk, hub: StandInHub, codes: Any, now: Any, trusted_cache: Any
) -> None:
    good = codes.loyalty(7)
    with pytest.raises(TokenForged):
        await desk.shopper(good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB"))
    with pytest.raises(TokenExpired):
        await desk.shopper(codes.loyalty(7, expires=now - timedelta(minutes=10)))
    with pytest.raises(WrongKind):
        await desk.shopper(codes.order(11))
    with pytest.raises(WrongKind):
        await desk.self_pickup(codes.loyalty(7), "123456")
    with pytest.raises(WrongKind):
        await desk.return_order(codes.card(7, 1))
    assert hub.calls == []
    # An order code past its expiry still proves the purchase for a return (not for a pickup).
    days_later = KioskDesk(hub, trusted_cache, 1, clock=lambda: now + timedelta(days=2))
    with pytest.raises(TokenExpired):
        await days_later.self_pickup(codes.order(11), "123456")
    assert hub.calls == []
    assert (await days_later.return_order(codes.order(11))).order_number == "W000011"


async def test_without_keys_yet_the_hub_decides_and_its_refusal_reads_as_the_kiosks_own(
    hub: StandInHub, cache: Any, codes: Any, now: Any
) -> None:
    desk = KioskDesk(hub, cache, 1, clock=lambda: now)
    assert await desk.shopper(codes.loyalty(7)) == SHOPPER
    hub.refusal = HubRejected(Problem(title="Expired", status=403, code="token_expired"))
    with pytest.raises(TokenExpired):
        await desk.shopper(codes.loyalty(7))
    hub.refusal = HubRejected(
        KioskProblem(title="Wrong code", status=403, code="pickup_code_wrong", params={"tries_left": 2})
    )
    with pytest.raises(KioskRefused) as refused:
        await desk.self_pickup(codes.order(11), "123456")
    assert (refused.value.code, refused.value.params) == ("pickup_code_wrong", {"tries_left": 2})


async def test_a_pin_or_pickup_code_is_never_logged_or_sent_when_it_is_not_one(
    desk: KioskDesk, hub: StandInHub, codes: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="storeassist")
    for pin in ("12", "12ab56", ""):
        with pytest.raises(KioskRefused) as refused:
            await desk.exit_kiosk(badge=None, staff_number="S0001", pin=pin)
        assert refused.value.code == "sign_in_refused" and refused.value.__cause__ is None
    with pytest.raises(KioskRefused) as malformed:
        await desk.self_pickup(codes.order(11), "98765")
    assert malformed.value.code == "pickup_code_malformed" and malformed.value.__cause__ is None
    assert hub.calls == []
    hub.refusal = HubRejected(Problem(title="Refused", status=403, code="sign_in_refused"))
    with pytest.raises(KioskRefused):
        await desk.exit_kiosk(badge=None, staff_number="S0001", pin="918273")
    assert hub.calls == ["exit"]
    assert "918273" not in caplog.text and "98765" not in caplog.text


async def test_the_kiosk_tells_its_screens_when_to_warn_and_when_to_start_over(
    hub: StandInHub, cache: Any, tmp_path: Path
) -> None:
    assert (Settings().kiosk_idle_warning_s, Settings().kiosk_idle_reset_s) == (IDLE_WARNING_S, IDLE_RESET_S)
    assert (IDLE_WARNING_S, IDLE_RESET_S) == (45, 60)
    desk = KioskDesk(hub, cache, 1)
    assert (desk.idle_warning_s, desk.idle_reset_s) == (45, 60)

    (tmp_path / "storeassist.toml").write_text("kiosk_idle_warning_s = 20\nkiosk_idle_reset_s = 30\n")
    settings = load_settings(tmp_path)
    assert (settings.kiosk_idle_warning_s, settings.kiosk_idle_reset_s) == (20, 30)
    for text in (
        "kiosk_idle_warning_s = 58\n",  # not 5 s before the reset
        "kiosk_idle_reset_s = 5\n",
        "kiosk_idle_warning_s = 0\n",
        "kiosk_idle_reset_s = 100000\n",
    ):
        (tmp_path / "storeassist.toml").write_text(text)
        with pytest.raises(ConfigError) as wrong:
            load_settings(tmp_path)
        assert "kiosk_idle" in str(wrong.value)


async def test_a_return_is_not_sent_without_lines_past_forty_lines_or_without_a_code(
    desk: KioskDesk, hub: StandInHub, cache: Any, codes: Any, now: Any
) -> None:
    choice = KioskReturnChoice(line_no=1, qty=1, reason="wrong_size")
    with pytest.raises(KioskRefused) as none:
        await desk.start_return(codes.order(11), [])
    with pytest.raises(KioskRefused) as too_many:
        await desk.start_return(codes.order(11), [choice] * 41)
    assert (none.value.code, too_many.value.code) == ("no_lines", "too_many_lines")
    without_keys = KioskDesk(hub, cache, 1, clock=lambda: now)
    with pytest.raises(TokenMalformed):
        await without_keys.start_return("not a code", [choice])
    assert hub.calls == []
    assert (await desk.start_return(codes.order(11), [choice])).reference == "K-0001"


async def test_a_shoppers_retry_after_no_answer_sends_the_same_request_id_and_a_new_action_a_new_one(
    desk: KioskDesk, hub: StandInHub, codes: Any
) -> None:
    """The hub may have applied a call whose answer came after the kiosk's deadline: the same
    action tried again carries the same id (the hub answers it as the first); another action,
    one tried again after an answer, and the next shopper's get new ones."""
    hub.hold_back = True  # the answers come after the kiosk's deadline
    for sku, qty in (("SKU-1", 1), (" SKU-1 ", 1), ("SKU-1", 2)):
        with pytest.raises(KioskUnavailable):
            await desk.request_hold(sku, qty)
    choice = KioskReturnChoice(line_no=1, qty=1, reason="wrong_size")
    with pytest.raises(KioskUnavailable):
        await desk.start_return(codes.order(11), [choice])
    hub.hold_back = False
    await desk.request_hold("SKU-1")  # the shopper taps again: answered
    assert (await desk.start_return(codes.order(11), [choice])).reference == "K-0001"
    await desk.request_hold("SKU-1")  # asked again once answered: another request
    late, same, other, late_return, retry, retried_return, again = hub.request_ids
    assert late is not None and late_return is not None
    assert same == retry == late, "the same action tried again is the same request"
    assert retried_return == late_return
    assert len({late, other, late_return, again}) == 4

    # A refusal is an answer: nothing was applied, and the next try is a new request.
    hub.refusal = HubRejected(Problem(title="Not here", status=409, code="not_in_stock_here"))
    with pytest.raises(KioskRefused):
        await desk.request_hold("SKU-2")
    hub.refusal = None
    await desk.request_hold("SKU-2")
    refused, after_refusal = hub.request_ids[-2:]
    assert refused != after_refusal

    # The next shopper's action is their own, even the same product.
    hub.hold_back = True
    with pytest.raises(KioskUnavailable):
        await desk.request_hold("SKU-3")
    desk.forget()  # the idle reset
    hub.hold_back = False
    await desk.request_hold("SKU-3")
    left_behind, next_shopper = hub.request_ids[-2:]
    assert left_behind != next_shopper
