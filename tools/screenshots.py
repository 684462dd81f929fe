"""``make screenshots``: a PNG of every screen, in tablet landscape (1280×800) and portrait (800×1280).

Runs the real app offscreen in training mode, in a fresh data folder: the demo chain is seeded, the
practice hub starts on loopback, the device enrolls, a practice card is "scanned", and each screen
is grabbed as an associate would see it. Then the hub is stopped and the same card scanned again,
so the offline profile is captured too. Usage: ``python tools/screenshots.py OUT_DIR``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

ORIENTATIONS = {"landscape": (1280, 800), "portrait": (800, 1280)}
WAIT_S = 60.0


async def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Let the Qt loop run until ``condition`` holds (a tool, not a test: polling is fine here)."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        await asyncio.sleep(0.05)


async def grab(window: QWidget, out_dir: Path, name: str) -> list[Path]:
    """Save ``window`` at each orientation as ``NAME-ORIENTATION.png``."""
    saved = []
    for orientation, size in ORIENTATIONS.items():
        window.resize(*size)
        await asyncio.sleep(0.15)  # let layouts and the style settle after the resize
        if (window.width(), window.height()) != size:
            # Something's least size beats the tablet's screen: on a device, that is cut off.
            actual = f"{window.width()}x{window.height()}"
            raise RuntimeError(f"{name}: the window is {actual}, not the tablet's {size[0]}x{size[1]}")
        path = out_dir / f"{name}-{orientation}.png"
        if not window.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        saved.append(path)
    return saved


async def grab_scrolled(window: QWidget, page: QWidget, out_dir: Path, name: str) -> list[Path]:
    """Save the whole of a scrolling ``page`` (below the fold too) at each orientation's width."""
    saved = []
    for orientation, size in ORIENTATIONS.items():
        window.resize(*size)
        await asyncio.sleep(0.3)
        path = out_dir / f"{name}-{orientation}.png"
        page.grab().save(str(path))
        saved.append(path)
    return saved


async def shoot_associate_shell(app: QApplication, out_dir: Path, data_dir: Path) -> list[Path]:
    from storeassist.app import AssociateStartup
    from storeassist.config import Settings
    from storeassist.ui.background import OpRunner
    from storeassist.ui.main_window import MainWindow

    runner = OpRunner()
    window = MainWindow(runner, training=True)
    startup = AssociateStartup(window, runner, Settings(), data_dir, training=True)
    window.resize(*ORIENTATIONS["landscape"])
    window.show()
    saved = await grab(window, out_dir, "00-starting")
    startup.begin()
    try:
        await wait_until(lambda: window.pages.currentWidget() is window.workspace, "the workspace")
        await wait_until(lambda: not runner.busy, "start-up to finish")
        saved += await grab(window, out_dir, "01-customer-waiting")

        code = await startup.practice_loyalty_code()
        screen = window.customer_screen
        screen.identify(code)
        await wait_until(lambda: screen.profile.isVisible() and not runner.busy, "the profile")
        saved += await grab(window, out_dir, "02-customer-profile")
        saved += await grab_scrolled(window, screen.profile.content, out_dir, "02-customer-profile-whole")

        for number, (name, page) in enumerate(
            (
                ("pickups", window.pickups_screen),
                ("returns", window.returns_screen),
                ("stock", window.stock_screen),
            ),
            start=3,
        ):
            window.show_screen(page)
            saved += await grab(window, out_dir, f"{number:02d}-{name}")
        window.show_attention()
        saved += await grab(window, out_dir, "06-needs-attention")

        window.show_scan_message(
            "This looks like a payment card. StoreAssist never reads card numbers: take payment at the till."
        )
        saved += await grab(window, out_dir, "07-refused-scan")

        # Offline: the practice hub goes away; the same card opens from the cache.
        assert startup.training_hub is not None
        await asyncio.to_thread(startup.training_hub.stop)
        startup.training_hub = None
        window.show_screen(screen)
        screen.identify(code)
        await wait_until(lambda: screen.offline_badge.isVisible() and not runner.busy, "the offline profile")
        saved += await grab(window, out_dir, "08-customer-offline")
    finally:
        await startup.aclose()
        window.close()
    return saved


async def shoot_enrollment(out_dir: Path) -> list[Path]:
    from storeassist.ui.background import OpRunner
    from storeassist.ui.main_window import MainWindow

    async def never_enroll(_url: str, _code: str) -> None:
        raise RuntimeError("screenshots do not enroll")

    window = MainWindow(OpRunner(), training=False)
    window.show_enrollment(None, never_enroll)
    window.show()
    try:
        return await grab(window, out_dir, "09-enrollment")
    finally:
        window.close()


async def shoot_kiosk(out_dir: Path) -> list[Path]:
    from storeassist.ui.kiosk_window import KioskWindow

    kiosk = KioskWindow(training=True)
    kiosk.show()
    try:
        return await grab(kiosk, out_dir, "10-kiosk")
    finally:
        kiosk.close()


async def shoot_all(app: QApplication, out_dir: Path) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="storeassist-screens-") as tmp:
        saved = await shoot_associate_shell(app, out_dir, Path(tmp))
    saved += await shoot_enrollment(out_dir)
    saved += await shoot_kiosk(out_dir)
    return saved


def main(argv: list[str]) -> int:
    import qasync

    from storeassist.ui.resources import load_theme

    out_dir = Path(argv[0] if argv else "screenshots")
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    load_theme(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        saved = loop.run_until_complete(shoot_all(app, out_dir))
    for path in saved:
        print(path)
    print(f"{len(saved)} screenshots in {out_dir}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
