"""Cold start of the store build: the PyInstaller one-folder app against a frozen empty window.

- ``frozen_cold_start_s``: process start to the first painted frame (``--first-frame-exit``) of
  ``packaging/storeassist.spec``'s build, as ``make package`` makes it (target <= 1.0 s),
- beside ``frozen_baseline_cold_start_s``: the empty PySide6 window of ``bench_app`` built the same
  way (one folder, no UPX, windowed).

Both are the median of several runs after one warm-up, under ``QT_QPA_PLATFORM=offscreen``, timed
as ``bench_app`` times the unfrozen ``cold_start_s``. PyInstaller comes from the ``package``
dependency group (``uv run --group package``). The builds are kept in ``build/bench-frozen/``
under a hash of what goes into them (``src/``, ``resources/``, the spec, ``uv.lock``, the
PyInstaller version), so a re-run with unchanged sources does not build again. ``BENCH_QUICK=1``
runs fewer times and skips the figures instead of building when no build is cached. Without
PyInstaller it says why and records nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.util import find_spec
from pathlib import Path

from bench._results import record
from bench.bench_app import _BASELINE_WINDOW, _time_to_first_frame

QUICK = os.environ.get("BENCH_QUICK") == "1"
ROOT = Path(__file__).resolve().parents[1]
BUILDS = ROOT / "build" / "bench-frozen"
SPEC = ROOT / "packaging" / "storeassist.spec"
#: What the app's build is made of; a change to any file under these paths means a new build.
APP_INPUTS = [ROOT / "src", ROOT / "resources", SPEC, ROOT / "packaging" / "entry.py", ROOT / "uv.lock"]
#: The empty window is built as the spec builds the app: one folder, windowed, no UPX.
BASELINE_OPTIONS = ["--onedir", "--windowed", "--noupx", "--name", "baseline"]


def pyinstaller_command() -> tuple[list[str], str] | None:
    """The command that runs PyInstaller and its version, or None after saying why there is none."""
    uv = shutil.which("uv")
    candidates = []
    if uv:
        candidates.append([uv, "run", "--locked", "--quiet", "--group", "package", "pyinstaller"])
    candidates.append([sys.executable, "-m", "PyInstaller"])
    reasons = []
    for command in candidates:
        done = subprocess.run([*command, "--version"], cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return command, done.stdout.strip()
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        reasons.append(f"{' '.join(command[:6])}: {last}")
    print("PyInstaller is not installable here, so no frozen figures are recorded:")
    for reason in reasons:
        print(f"  {reason}")
    return None


def inputs_hash(paths: list[Path], *extra: str) -> str:
    """SHA-256 over every file under ``paths`` (names and contents, caches left out) and ``extra``."""
    digest = hashlib.sha256()
    for text in extra:
        digest.update(text.encode() + b"\0")
    for path in paths:
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if not file.is_file() or "__pycache__" in file.parts or file.suffix == ".pyc":
                continue
            digest.update(str(file.relative_to(ROOT)).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


class FrozenBuild:
    """A PyInstaller one-folder build in ``build/bench-frozen/<name>/``, made again only on a new key."""

    def __init__(self, name: str, key: str, program: str) -> None:
        self.name = name
        self.key = key
        self.folder = BUILDS / name
        self.program = self.folder / "dist" / program / program
        self._stamp = self.folder / "inputs.sha256"

    @property
    def cached(self) -> bool:
        stamp = self._stamp.read_text().strip() if self._stamp.exists() else ""
        return stamp == self.key and self.program.exists()

    def build(self, pyinstaller: list[str], arguments: list[str]) -> float:
        """Run PyInstaller into this folder (clean); its log in ``build.log``. Returns seconds taken."""
        self._stamp.unlink(missing_ok=True)
        shutil.rmtree(self.folder / "dist", ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        log_path = self.folder / "build.log"
        command = [
            *pyinstaller,
            "--noconfirm",
            "--clean",
            "--distpath",
            str(self.folder / "dist"),
            "--workpath",
            str(self.folder / "work"),
            *arguments,
        ]
        started = time.perf_counter()
        with log_path.open("wb") as log:
            done = subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0 or not self.program.exists():
            tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
            raise RuntimeError(f"the {self.name} build failed; its last lines:\n" + "\n".join(tail))
        self._stamp.write_text(self.key + "\n")
        print(f"built {self.name} in {elapsed:.0f} s ({self.folder.relative_to(ROOT)})", flush=True)
        return elapsed


def median_first_frame(argv: list[str], runs: int) -> float:
    _time_to_first_frame(argv)  # warm-up: the figures compare start-up, not the first read from disk
    return statistics.median(_time_to_first_frame(argv) for _ in range(runs))


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    found = pyinstaller_command()
    if found is None:
        return 0
    pyinstaller, version = found
    camera = str(find_spec("PySide6.QtMultimedia") is not None)  # the spec ships the camera if so
    app = FrozenBuild("app", inputs_hash(APP_INPUTS, version, camera), "storeassist")
    script = BUILDS / "baseline_window.py"
    baseline = FrozenBuild(
        "baseline", inputs_hash([ROOT / "uv.lock"], version, _BASELINE_WINDOW, *BASELINE_OPTIONS), "baseline"
    )
    missing = [build for build in (app, baseline) if not build.cached]
    if missing and QUICK:
        names = " and ".join(build.name for build in missing)
        print(
            f"BENCH_QUICK=1: no cached frozen {names} build for these sources; frozen figures skipped "
            "(a full `make bench` builds them, about a minute each here)."
        )
        return 0
    for build in missing:
        if build is app:
            app.build(pyinstaller, [str(SPEC)])
        else:
            script.parent.mkdir(parents=True, exist_ok=True)
            script.write_text(_BASELINE_WINDOW, encoding="utf-8")
            baseline.build(pyinstaller, [*BASELINE_OPTIONS, "--specpath", str(baseline.folder), str(script)])
    if not missing:
        print(f"frozen builds cached in {BUILDS.relative_to(ROOT)} (sources unchanged): not rebuilt")

    runs = 3 if QUICK else 7
    with tempfile.TemporaryDirectory(prefix="storeassist-bench-frozen-") as data_dir:
        frozen = median_first_frame([str(app.program), "--data-dir", data_dir, "--first-frame-exit"], runs)
    empty = median_first_frame([str(baseline.program)], runs)
    record("frozen_baseline_cold_start_s", round(empty, 3))
    record("frozen_cold_start_s", round(frozen, 3))
    print(
        f"frozen cold start (median of {runs}): app {frozen:.3f} s, "
        f"empty PySide6 window {empty:.3f} s (target app <= 1.0 s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
