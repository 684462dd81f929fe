"""Marks a sentence written outside the screens (a service's, the client's, the device store's) for
translation, without making its module depend on Qt.

``QT_TRANSLATE_NOOP("messages", "…")`` returns the text unchanged; ``pyside6-lupdate`` finds it by
that name and puts it in the catalogue under the context "messages", and the screen translates
it when it shows it (``ui.messages.describe_failure``: ``translate("messages", user_message)``).
A sentence with a value in it cannot be marked this way; those stay English until they become
codes with parameters.
"""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    return text
