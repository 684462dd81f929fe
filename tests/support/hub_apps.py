"""The real associate app (``build_associate_app``) enrolled at a real hub on loopback, with the
store's associate signed in by badge and its first sync done: what the end-to-end screen tests
start from."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storeassist.app import build_associate_app
from storeassist.config import Settings

NETWORK_TIMEOUT_MS = 30_000


def finish(qtbot: QtBot, work: Coroutine[Any, Any, Any]) -> Any:
    """Run ``work`` on the qasync loop and wait for its result."""
    task = asyncio.ensure_future(work)
    qtbot.waitUntil(task.done, timeout=NETWORK_TIMEOUT_MS)
    return task.result()


def hub_or_skip(request: pytest.FixtureRequest) -> Any:
    try:
        return request.getfixturevalue("hub_server_fn")
    except pytest.FixtureLookupError:
        pytest.skip("the hub_server_fn fixture (tests/conftest.py) is not available")


@contextmanager
def enrolled_app(qtbot: QtBot, folder: Path, hub: Any, keyring: Any, device_name: str) -> Iterator[Any]:
    """The app at 1280×800, enrolled with a fresh code, the associate signed in, synced once."""
    built = build_associate_app(
        Settings(hub_url=hub.url, device_name=device_name), folder, training=False, keyring_backend=keyring
    )
    window = built.window
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.settled, timeout=NETWORK_TIMEOUT_MS):
        built.startup.begin()
    window.enrollment_page.code.setText(hub.enroll_code())
    with qtbot.waitSignal(window.ready, timeout=NETWORK_TIMEOUT_MS):
        qtbot.mouseClick(window.enrollment_page.button, Qt.MouseButton.LeftButton)
    built.router.route(hub.staff_badge)  # the associate signs in with their badge
    qtbot.waitUntil(lambda: not built.runner.busy, timeout=NETWORK_TIMEOUT_MS)
    services = built.startup.services
    assert services is not None and services.staff.current is not None
    finish(qtbot, services.sync.sync_now())  # keys, catalog and stock are on the tablet
    try:
        yield built
    finally:
        finish(qtbot, built.startup.aclose())
