"""Every word on screen can be translated (style.md §15).

``tr()`` and ``translate()`` get literal strings, so ``pyside6-lupdate`` finds every one; and a
translation made from what it finds is what the associate then reads, down to the sentences made
from the hub's codes.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

import storeassist.ui
from storeassist.contract import Alert, CartItem, CustomerProfile, TimelineEntry
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.profile_view import ProfileView
from storeassist.ui.resources import install_translations, translations_dir

pytestmark = pytest.mark.gui

UI = Path(storeassist.ui.__file__).parent
#: Files that hand a variable to ``translate()``, and how many such calls each has at most. Two
#: kinds: where a sentence marked elsewhere is shown (``messages.py``, ``status_area.py``: the
#: sentence is marked for lupdate where it is written, with ``storeassist.words``), and screens
#: that still pass their own strings through a ``_tr(text)`` helper, so lupdate never sees them.
#: A file not listed may have none: the list only shrinks.
NOT_YET_LITERAL = {"camera_scanner.py": 1, "messages.py": 2, "staff_sign_in.py": 1, "status_area.py": 1}
#: The ui package has more messages than this; far fewer extracted would mean lupdate missed some.
AT_LEAST_MESSAGES = 150
PSEUDO = "‹de›"


def _tool(name: str) -> str:
    """A Qt tool installed with PySide6 in this environment (next to the interpreter)."""
    path = Path(sys.executable).parent / name
    assert path.exists(), f"{name} is not installed next to {sys.executable}"
    return str(path)


def _translate_calls(path: Path) -> list[ast.Call]:
    """Calls of ``tr``/``translate`` in ``path``, except inside a function named ``tr`` (a class's
    own ``tr`` that forwards to ``translate``, whose callers are checked instead)."""
    calls: list[ast.Call] = []

    def visit(node: ast.AST, forwarding: bool) -> None:
        for child in ast.iter_child_nodes(node):
            named_tr = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and child.name == "tr"
            if isinstance(child, ast.Call) and not forwarding and _called_name(child) in ("tr", "translate"):
                calls.append(child)
            visit(child, forwarding or named_tr)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return calls


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return call.func.id if isinstance(call.func, ast.Name) else None


def _source_argument(call: ast.Call) -> ast.expr | None:
    """The source text: ``tr(text, …)``, ``translate(context, text, …)``."""
    index = 0 if _called_name(call) == "tr" else 1
    return call.args[index] if len(call.args) > index else None


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _ui_literals() -> set[str]:
    return {
        text
        for path in UI.glob("*.py")
        for call in _translate_calls(path)
        if (text := _literal(_source_argument(call))) is not None
    }


def _lupdate(target: Path, language: str, *sources: Path) -> ET.ElementTree:
    options = ["-silent", "-extensions", "py", "-target-language", language]
    command = [_tool("pyside6-lupdate"), *options, *map(str, sources), "-ts", str(target)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return ET.parse(target)


def _lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True, timeout=60)


def test_every_string_given_to_tr_in_the_screens_is_a_literal() -> None:
    found: dict[str, list[str]] = {}
    for path in sorted(UI.glob("*.py")):
        for call in _translate_calls(path):
            if _literal(_source_argument(call)) is None:
                found.setdefault(path.name, []).append(f"line {call.lineno}: {ast.unparse(call)[:70]}")
    for name, calls in found.items():
        allowed = NOT_YET_LITERAL.get(name, 0)
        assert len(calls) <= allowed, f"{name} passes a variable to tr()/translate(): {calls[allowed:]}"


def test_lupdate_extracts_every_literal_of_the_screens(tmp_path: Path) -> None:
    extracted = _lupdate(tmp_path / "ui.ts", "en", UI)
    sources = {message.findtext("source") for message in extracted.iter("message")}
    assert len(sources) > AT_LEAST_MESSAGES
    assert _ui_literals() - sources == set(), "strings in tr() calls that lupdate does not see"
    hub_words = {m.findtext("source") for c in extracted.iter("context") if c.findtext("name") == "HubWords"
                 for m in c.iter("message")}  # fmt: skip
    assert "Delivery of order #{number} failed: apologise and offer to reship it or to refund" in hub_words


def test_the_shipped_catalogues_compile(tmp_path: Path) -> None:
    shipped = sorted(p.name for p in translations_dir().glob("*.ts"))
    assert shipped == ["storeassist_en.ts", "storeassist_ru.ts", "storeassist_zh_CN.ts"]
    for ts in translations_dir().glob("*.ts"):
        assert len(list(ET.parse(ts).iter("message"))) > AT_LEAST_MESSAGES, ts.name
        _lrelease(ts, tmp_path / ts.with_suffix(".qm").name)
    # English fills in its plurals: "1 day", "3 days", never "3 day(s)" once the catalogue is loaded.
    english = {
        m.findtext("source"): m for m in ET.parse(translations_dir() / "storeassist_en.ts").iter("message")
    }
    forms = [f.text for f in english["%n item(s)"].iter("numerusform")]
    assert forms == ["%n item", "%n items"]


def _pseudo_translate(tree: ET.ElementTree) -> None:
    """Translate every message as "‹de› <source>" (placeholders kept), all plural forms alike."""
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        translation.attrib.pop("type", None)
        forms = translation.findall("numerusform")
        for form in forms:
            form.text = f"{PSEUDO} {source}"
        if not forms:
            translation.text = f"{PSEUDO} {source}"


def _profile(base: CustomerProfile) -> CustomerProfile:
    now = datetime(2026, 11, 2, 9, 15, tzinfo=UTC)
    return base.model_copy(
        update={
            "currency": "EUR",
            "alerts": [
                Alert(
                    kind="pickup_expiring",
                    severity="warning",
                    code="pickup_expiring",
                    params={"number": "A1", "hours": 3},
                ),
                Alert(
                    kind="late_delivery", severity="critical", code="failed_delivery", params={"number": "W7"}
                ),
            ],
            "abandoned_cart": [
                CartItem(
                    sku="S-1", product_name="Rain jacket", price_cents=1_950, added_at=now, channel="web"
                )
            ],
            "timeline": [
                TimelineEntry(
                    at=now - timedelta(days=1),
                    kind="order",
                    channel="web",
                    code="order_placed",
                    params={"number": "W7", "items": 2, "total": 1_950, "status": "late"},
                )
            ],
        }
    )


def test_a_translation_made_from_the_extracted_strings_is_what_the_associate_reads(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, profile_factory
) -> None:
    catalogue = _lupdate(tmp_path / "storeassist_de.ts", "de", UI)
    _pseudo_translate(catalogue)
    catalogue.write(tmp_path / "storeassist_de.ts", encoding="utf-8", xml_declaration=True)
    _lrelease(tmp_path / "storeassist_de.ts", tmp_path / "storeassist_de.qm")
    translator = install_translations(qapp, "de_DE", tmp_path)
    assert translator is not None
    try:
        view = ProfileView(store_format=StoreFormat("de_DE", "EUR", "Europe/Berlin"))
        qtbot.addWidget(view)
        view.show_profile(_profile(profile_factory()), source="online", as_of=datetime.now(UTC))
        alerts = [label.text() for label in view.alerts_section.findChildren(QLabel) if label.text()]
        assert alerts and all(text.startswith(PSEUDO) for text in alerts), alerts
        assert (
            f"{PSEUDO} Pickup order #A1 is ready here and expires in 3 hour(s): offer to hand it over now"
            in alerts
        )
        title, detail = view.timeline_model.data(view.timeline_model.index(0)).splitlines()
        assert title == f"{PSEUDO} Order #W7"
        assert re.search(rf"{PSEUDO} 2 item\(s\), 19,50\xa0€ — {PSEUDO} running late", detail), detail
        assert view.pickups_section.title.text() == f"{PSEUDO} Pickups and holds"
    finally:
        qapp.removeTranslator(translator)


def test_a_sentence_a_service_writes_is_extracted_and_shown_translated(
    qapp: QApplication, tmp_path: Path
) -> None:
    """Services, the client and the device store mark their fixed sentences for lupdate
    (``storeassist.words``); the screen shows them in the reader's language."""
    from storeassist.client import HubTimeout
    from storeassist.services.view_customer import SignInRequired
    from storeassist.ui.messages import describe_failure

    package = UI.parent
    catalogue = _lupdate(tmp_path / "storeassist_de.ts", "de", package)
    sources = {message.findtext("source") for message in catalogue.iter("message")}
    assert HubTimeout.default_message in sources
    assert SignInRequired.user_message in sources
    _pseudo_translate(catalogue)
    catalogue.write(tmp_path / "storeassist_de.ts", encoding="utf-8", xml_declaration=True)
    _lrelease(tmp_path / "storeassist_de.ts", tmp_path / "storeassist_de.qm")
    translator = install_translations(qapp, "de_DE", tmp_path)
    assert translator is not None
    try:
        shown = describe_failure(HubTimeout(), doing="customer lookup")
        assert shown == f"{PSEUDO} {HubTimeout.default_message}"
    finally:
        qapp.removeTranslator(translator)
