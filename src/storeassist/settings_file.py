"""Read ``storeassist.toml`` as plain data, without validating it: cheap enough for the first frame.

The app needs two settings before its window first paints, the interface language and whether it
is a kiosk; the rest are validated by :mod:`storeassist.config` (pydantic) once the window is up.
Both read the file here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

CONFIG_FILE_NAME = "storeassist.toml"


class ConfigError(Exception):
    """The settings file exists but cannot be used. ``args[0]`` is written for a person."""


def read_settings_file(data_dir: Path) -> dict[str, Any]:
    """The file's TOML as a dict ({} when there is no file); :class:`ConfigError` if unusable."""
    path = data_dir / CONFIG_FILE_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"The settings file {path} cannot be read ({exc.strerror}).") from exc
    import tomllib  # only when there is a file: most tablets have none

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"The settings file {path} is not valid TOML: {exc}") from exc


def interface_language(data_dir: Path) -> str:
    """The configured interface language, or "" (the system's) when unset or unreadable; a
    broken file is reported once the full settings are read."""
    try:
        language = read_settings_file(data_dir).get("language", "")
    except ConfigError:
        return ""
    return language if isinstance(language, str) else ""


def kiosk_mode(data_dir: Path) -> bool:
    """Whether the file says this device is a self-service kiosk (``kiosk = true``); False when
    unset. A file that cannot be parsed is reported once the full settings are read; until then a
    line ``kiosk = true`` in its text still makes a kiosk, so a kiosk whose file broke never opens
    the associate app, with its window chrome, to shoppers."""
    try:
        kiosk = read_settings_file(data_dir).get("kiosk", False)
    except ConfigError:
        return _says_kiosk(data_dir / CONFIG_FILE_NAME)
    return kiosk is True


def _says_kiosk(path: Path) -> bool:
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return False
    return any(_KIOSK_LINE.fullmatch(line.strip()) for line in text.splitlines())


_KIOSK_LINE = re.compile(r"kiosk\s*=\s*true\s*(#.*)?")
