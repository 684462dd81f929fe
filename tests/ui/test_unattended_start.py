"""An unattended start (``--screenshot``, as a build check or CI runs it) never reads a start-up
problem as success, and never sits out the screenshot deadline waiting for one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


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
