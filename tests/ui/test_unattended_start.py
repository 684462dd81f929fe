"""An unattended start (``--screenshot``, as a build check or CI runs it) never reads a start-up
problem as success, and never sits out the screenshot deadline waiting for one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def test_a_start_up_problem_with_screenshot_exits_non_zero_at_once_and_names_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.write_text("a file where the data folder belongs")
    shot = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "storeassist.app", "--data-dir", str(data_dir), "--screenshot", str(shot)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,  # the screenshot deadline is two minutes: finishing well inside it is the point
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert f"StoreAssist did not start: The settings file {data_dir}" in done.stderr
    assert "Traceback" not in done.stderr
    assert shot.exists(), "the problem on screen is saved, as for any screenshot run"


_FILL_SCREEN = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from storeassist.app import show_window
app = QApplication(sys.argv)
window = QWidget()
show_window(window, app, None)
def report():
    print(window.width(), window.height(), flush=True)
    app.quit()
QTimer.singleShot(300, report)
app.exec()
"""


@pytest.mark.skipif(
    shutil.which("xvfb-run") is None, reason="needs xvfb-run (an X server with no window manager)"
)
def test_without_a_size_the_window_takes_the_whole_screen_even_with_no_window_manager() -> None:
    """A store image may start StoreAssist straight into X with no window manager, where
    "maximised" alone leaves a 640×480 window: the window is given the screen's area itself."""
    env = {key: value for key, value in os.environ.items() if key not in ("QT_QPA_PLATFORM", "DISPLAY")}
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable, "-c", _FILL_SCREEN],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1366", "768"]
