"""Decide what a scan is and send it where it belongs; turn every refusal into a message.

:class:`ScanRouter` is the one place a raw scanned payload is looked at. It classifies with
:func:`storeassist.domain.scan_codes.classify_scan` and emits one signal per kind; the main window
connects those to its screens (this package never imports widgets). Anything refused becomes
:attr:`ScanRouter.rejected` with a sentence for the associate.

Loyalty cards, order codes, receipts (an order's, a return's) and staff badges are all signed
``SA1.`` codes, routed by the kind inside them (no signature check here: the screen or the hub
that takes the code verifies it).
A staff badge goes to :attr:`ScanRouter.badge_scanned` as the exact code text; a printed badge
label (``B1001``, ``SAB.B1001``) is not a code we know and is refused like any other.

Payment-card data is dropped on the spot: the payload is never logged, kept, or put in an
exception. Logs say only which kind of code was seen or which rule refused it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, Signal

from storeassist.domain.scan_codes import PaymentCardRefused, ScanKind, ScanRejected, classify_scan
from storeassist.domain.tokens import TokenError

log = logging.getLogger("storeassist.scan")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScanRouter", text)


class ScanRouter(QObject):
    """Routes classified scans by kind. Each signal carries the normalised code text (a signed
    code exactly as scanned, without the scanner's surrounding whitespace)."""

    loyalty_scanned = Signal(str)
    order_scanned = Signal(str)
    #: An order's purchase receipt or a return's receipt (the Returns screen's).
    receipt_scanned = Signal(str)
    product_scanned = Signal(str)
    badge_scanned = Signal(str)
    #: A message for the associate: why this scan was not taken and what to do instead.
    rejected = Signal(str)

    def route(self, raw: str) -> None:
        """Classify ``raw`` and emit exactly one signal. Never raises."""
        try:
            code = classify_scan(raw)
        except PaymentCardRefused as refused:
            # Not even the length: card data leaves no trace here.
            log.info("scan refused: %s", refused.code)
            self.rejected.emit(_tr(PaymentCardRefused.message))
            return
        except ScanRejected as rejected:
            log.info("scan refused: %s", rejected.code)
            self.rejected.emit(_tr(str(rejected.args[0])))
            return
        except TokenError as bad_token:
            log.info("scan refused: %s", bad_token.code)
            self.rejected.emit(_tr(str(bad_token.args[0])))
            return
        except Exception as bug:  # a bug in classification must not take the screen down
            # The exception text could quote the payload, so only its type is logged.
            log.error("scan classification failed with %s", type(bug).__name__)
            self.rejected.emit(
                _tr("That scan could not be read. Scan again, or look the customer up by name.")
            )
            return

        log.info("scan routed: %s", code.kind.value)
        signal = {
            ScanKind.LOYALTY: self.loyalty_scanned,
            ScanKind.ORDER: self.order_scanned,
            ScanKind.RECEIPT: self.receipt_scanned,
            ScanKind.PRODUCT: self.product_scanned,
            ScanKind.STAFF_BADGE: self.badge_scanned,
        }[code.kind]
        signal.emit(code.text)
