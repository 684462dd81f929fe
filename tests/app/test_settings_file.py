"""What the app reads of storeassist.toml before its first frame: the language, and whether the
device is a kiosk (``kiosk = true`` starts the kiosk as ``--kiosk`` does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storeassist.settings_file import interface_language, kiosk_mode


@pytest.mark.parametrize(
    ("text", "kiosk", "language"),
    [
        ("", False, ""),
        ('kiosk = true\nlanguage = "zh_CN"\n', True, "zh_CN"),
        ('kiosk = "yes"\n', False, ""),  # only a TOML true makes a kiosk
        ("kiosk = [", False, ""),  # broken: reported when the settings are read in full
        # Broken elsewhere, the kiosk's own line intact: still a kiosk (never the associate app).
        ('kiosk = true  # the entrance\nlanguage = "ru\n', True, ""),
        ('# kiosk = true\nlanguage = "ru\n', False, ""),  # a comment says nothing
    ],
)
def test_the_first_frame_reads_the_kiosk_switch_and_the_language(
    tmp_path: Path, text: str, kiosk: bool, language: str
) -> None:
    (tmp_path / "storeassist.toml").write_text(text, encoding="utf-8")
    assert (kiosk_mode(tmp_path), interface_language(tmp_path)) == (kiosk, language)


def test_without_a_settings_file_it_is_the_associate_app(tmp_path: Path) -> None:
    assert not kiosk_mode(tmp_path)
