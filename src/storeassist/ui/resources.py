"""The one loader for files in ``resources/``: the theme stylesheet and translations.

In a source checkout ``resources/`` sits at the project root; an installed wheel carries it
inside the package (``storeassist/resources``); in a PyInstaller build it is unpacked next to
the program (``sys._MEIPASS``).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger("storeassist.ui")


def resource_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    packaged = Path(__file__).resolve().parents[1] / "resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "resources"


def load_theme(app: QApplication) -> None:
    """Apply ``resources/styles/theme.qss``. A missing theme leaves Qt's look, with a log line."""
    path = resource_dir() / "styles" / "theme.qss"
    try:
        app.setStyleSheet(path.read_text(encoding="utf-8"))
    except OSError as exc:
        log.warning("theme not loaded from %s: %s", path, exc.strerror)


def install_translations(app: QCoreApplication, language: str) -> QTranslator | None:
    """Load ``storeassist_<locale>.qm`` for ``language`` (or the system locale); None if none ships."""
    locale = QLocale(language) if language else QLocale.system()
    translator = QTranslator(app)
    if translator.load(locale, "storeassist", "_", str(resource_dir() / "translations")):
        app.installTranslator(translator)
        return translator
    return None
