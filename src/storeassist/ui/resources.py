"""The one loader for files in ``resources/``: the theme stylesheet and translations.

In a source checkout ``resources/`` sits at the project root; an installed wheel carries it
inside the package (``storeassist/resources``); in a PyInstaller build it is unpacked next to
the program (``sys._MEIPASS``).

Translations are ``resources/translations/storeassist_<language>.qm``, built from the ``.ts``
files beside them by ``make translations`` (``pyside6-lrelease``; ``make test``, ``demo`` and
``package`` build them first). A missing ``.qm`` is not an error: the app then speaks the source
strings, which are English.
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


def translations_dir() -> Path:
    return resource_dir() / "translations"


def install_translations(
    app: QCoreApplication, language: str, folder: Path | None = None
) -> QTranslator | None:
    """Load ``storeassist_<locale>.qm`` for ``language`` (a Qt locale name such as ``de_DE``, or
    empty for the system's) from ``folder`` (``resources/translations``), trying the full name
    then the language alone (``zh_Hans_CN``, ``zh_CN``, ``zh``). None, logged, if none is there."""
    locale = QLocale(language) if language else QLocale.system()
    where = folder or translations_dir()
    translator = QTranslator(app)
    if translator.load(locale, "storeassist", "_", str(where)):
        app.installTranslator(translator)
        log.info("interface language %s from %s", locale.name(), Path(translator.filePath()).name)
        return translator
    log.info("no translation for %s in %s; showing the source strings", locale.name(), where)
    return None
