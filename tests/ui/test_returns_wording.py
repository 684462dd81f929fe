"""The Returns screens' words translate whole: a count is one plural phrase with its words (one per
channel: "%n bought on the web"), a number a sentence counts is ``%n`` ("3 units … were asked
back"), a phrase inside a sentence is a translation of its own (never a label lowercased), and
where a unit goes is a sentence of its own, never glued into another's translation."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_returns import RECEIPT, Counter, FakeReturnDesk
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import storeassist.ui
from storeassist.ui.overlay_pages import result_sentence
from storeassist.ui.resources import install_translations, translations_dir

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

UI = Path(storeassist.ui.__file__).parent
RETURNS_CONTEXTS = ("ReturnWords", "ReturnResults")
#: What a translator never translates: placeholders, the count, and escaped characters.
_KEPT = re.compile(r"(\{[^}]*\}|%n)")


def _tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _shouting(source: str) -> str:
    """A "translation" in capitals that keeps every placeholder and the count as they are."""
    return "".join(part if _KEPT.fullmatch(part) else part.upper() for part in _KEPT.split(source))


def _install(qapp: QApplication, tmp_path: Path, ts: Path, language: str) -> Iterator[None]:
    qm = tmp_path / f"storeassist_{language}.qm"
    subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True, timeout=60)
    translator = install_translations(qapp, language, tmp_path)
    assert translator is not None
    try:
        yield
    finally:
        qapp.removeTranslator(translator)


@pytest.fixture
def shouting(qapp: QApplication, tmp_path: Path) -> Iterator[None]:
    """The screens in a made-up language: every message of the source, in capitals."""
    ts = tmp_path / "shouting.ts"
    options = ["-silent", "-extensions", "py", "-target-language", "de"]
    subprocess.run([_tool("pyside6-lupdate"), *options, str(UI), "-ts", str(ts)], check=True, timeout=60)
    catalogue = ET.parse(ts)
    for message in catalogue.iter("message"):
        translation = message.find("translation")
        assert translation is not None
        translation.attrib.pop("type", None)
        shouted = _shouting(message.findtext("source") or "")
        forms = translation.findall("numerusform")
        for form in forms:
            form.text = shouted
        if not forms:
            translation.text = shouted
    catalogue.write(ts, encoding="utf-8", xml_declaration=True)
    yield from _install(qapp, tmp_path, ts, "de_DE")


@pytest.fixture
def english(qapp: QApplication, tmp_path: Path) -> Iterator[None]:
    """The shipped English catalogue, with its plurals."""
    yield from _install(qapp, tmp_path, translations_dir() / "storeassist_en.ts", "en_US")


def test_a_receipt_line_reads_as_translated_never_a_label_lowercased(qtbot: QtBot, shouting: None) -> None:
    counter = Counter(qtbot, FakeReturnDesk(codes={RECEIPT: "W10000123"}))
    counter.scan(RECEIPT)
    counter.choose(1, 1, "wrong_size", "resellable")
    counter.take()

    line = counter.screen.receipt.what.text()
    assert ": WRONG SIZE, AS NEW. GOES BACK ON SALE HERE." in line, line


def test_every_count_on_the_returns_screens_is_a_whole_phrase_the_english_catalogue_fills() -> None:
    english = ET.parse(translations_dir() / "storeassist_en.ts")
    plurals = [
        message
        for context in english.iter("context")
        if context.findtext("name") in RETURNS_CONTEXTS
        for message in context.iter("message")
        if message.get("numerus") == "yes"
    ]
    assert len(plurals) > 10
    for message in plurals:
        source = message.findtext("source") or ""
        assert re.search(r"[a-z]{3}", _KEPT.sub("", source)), f"a count without its own words: {source!r}"
        translation = message.find("translation")
        assert translation is not None and translation.get("type") is None, source
        forms = [form.text or "" for form in translation.iter("numerusform")]
        assert len(forms) == 2 and all("%n" in form for form in forms), source


def test_the_returns_refusals_count_in_english_plurals(english: None) -> None:
    asked = {"order_number": "W-1", "line_no": 1, "asked": 3, "returnable": 1}
    assert result_sentence("more_than_returnable", asked, returning=True).startswith(
        "3 units of line 1 of order #W-1 were asked back, but only 1 can still be taken back."
    )
    low = {"order_number": "W-1", "sku": "SKU-7", "available": 1}
    assert result_sentence("exchange_out_of_stock", low, returning=True).startswith(
        "Only 1 of SKU-7 is on sale here"
    )
    assert result_sentence("exchange_out_of_stock", {**low, "available": 2}, returning=True).startswith(
        "Only 2 of SKU-7 are on sale here"
    )


def test_how_many_were_bought_reads_in_english(qtbot: QtBot, english: None) -> None:
    counter = Counter(qtbot, FakeReturnDesk(codes={RECEIPT: "W10000123"}))
    counter.scan(RECEIPT)
    assert "2\u00a0bought on the web · 0\u00a0returned · 2\u00a0can come back" in counter.row(1).facts.text()
    assert "1\u00a0bought on the web · 0\u00a0returned" in counter.row(2).facts.text()
