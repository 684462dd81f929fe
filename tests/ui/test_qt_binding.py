"""The Qt binding this build ships with can run a store day without corrupting the interpreter.

PySide6 6.12.0 dropped one reference to ``None`` on every Qt call that returns nothing. On
Python 3.11 ``None`` can be freed, so a tablet aborted ("deallocating None") after a few hundred
scans. pyproject.toml pins below it; this test fails if an upgrade brings such a leak back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer

CALLS = 20_000


def test_void_qt_calls_leave_the_count_of_none_alone(qapp) -> None:
    timer = QTimer()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        timer.stop()
    # Other references come and go while the loop runs; a leak would be CALLS.
    assert abs(sys.getrefcount(None) - before) < CALLS // 100
