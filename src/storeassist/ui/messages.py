"""Turn an exception from a service into one calm sentence for the associate (style.md §6).

Known environment errors carry their own person-readable text: a token refusal in
``TokenError.args[0]``, a hub problem in ``HubError.user_message``. Anything else is a bug:
it is logged with its type and traceback (not its text) for the crash report, and the person
sees a general sentence — never a traceback.
"""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QCoreApplication

from storeassist.domain.scan_codes import ScanRejected
from storeassist.domain.tokens import TokenError

log = logging.getLogger("storeassist.ui")


def describe_failure(error: BaseException, *, doing: str) -> str:
    """``doing`` names the action for the log ("customer lookup"); it is not shown."""
    if isinstance(error, TokenError | ScanRejected):
        return QCoreApplication.translate("domain", str(error.args[0]))
    user_message = getattr(error, "user_message", None)
    if isinstance(user_message, str) and user_message:
        log.info("%s failed: %s", doing, type(error).__name__)
        return QCoreApplication.translate("hub", user_message)
    # The traceback says where the bug is; the exception's text is left out because it may
    # quote a customer's data or a scanned payload (pydantic errors echo their input).
    where = "".join(traceback.format_tb(error.__traceback__))
    log.error("%s failed unexpectedly with %s\n%s", doing, type(error).__name__, where)
    return QCoreApplication.translate(
        "messages", "Something went wrong on this tablet. Try again; if it keeps happening, tell a manager."
    )
