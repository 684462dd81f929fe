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


def test_a_kiosk_whose_settings_file_broke_stays_a_kiosk_and_an_unattended_run_of_it_ends(
    tmp_path: Path,
) -> None:
    """The kiosk's window refuses to close to shoppers; a ``--screenshot`` run still ends at once
    (exit 1, the problem named), and the file's intact ``kiosk = true`` line kept it a kiosk."""
    data_dir = tmp_path / "kiosk"
    data_dir.mkdir()
    broken = 'kiosk = true\nhub_url = "http://127.0.0.1:9\n'  # a quote never closed
    (data_dir / "storeassist.toml").write_text(broken, encoding="utf-8")
    shot = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "storeassist.app", "--data-dir", str(data_dir), "--screenshot", str(shot)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "is not valid TOML" in done.stderr and "Traceback" not in done.stderr
    from PySide6.QtGui import QColor, QImage

    image = QImage(str(shot))
    # The kiosk's navy fills the whole window; the associate app's start-up page is light below.
    assert image.pixelColor(640, 700) == QColor("#10314f"), "started as the kiosk"


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


def test_a_failure_after_the_first_frame_is_shown_on_the_start_up_page_not_a_hang(
    qtbot, qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """E.g. a screen's module missing from a store build: the window says so (and a --screenshot
    run exits non-zero), instead of "Starting…" for ever."""
    import argparse

    from storeassist import app as storeassist_app
    from storeassist.ui.background import OpRunner
    from storeassist.ui.main_window import MainWindow

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ImportError("a screen's module is missing")

    monkeypatch.setattr(storeassist_app, "build_associate_app", broken)
    runner = OpRunner()
    window: MainWindow[object] = MainWindow(runner, training=False)  # type: ignore[type-var]
    qtbot.addWidget(window)
    args = argparse.Namespace(demo=False, practice_scan=False)
    with qtbot.waitSignal(window.startup_failed):
        storeassist_app._start_after_first_frame(
            qapp, window, runner, args, tmp_path, storeassist_app.Running()
        )
    assert window.pages.currentWidget() is window.startup_page
    assert "Something went wrong" in window.startup_page.problem.text()


def test_a_kiosk_keeps_its_own_enrollment_beside_a_tablets(tmp_path: Path) -> None:
    from storeassist.config import Settings
    from storeassist.startup import DeviceStartup

    tablet = DeviceStartup(Settings(), tmp_path, training=True)
    kiosk = DeviceStartup(Settings(), tmp_path, training=True, kind="kiosk")
    assert kiosk.device_dir != tablet.device_dir
    assert kiosk.device_dir.parent == tablet.device_dir
