"""Pages that show over the current screen, with Back to return to it: the commands the back
office refused ("needs attention") and the tablet's camera as a scanner.

A refused command is worded here from the hub's result code and params (style.md §15), with
``QCoreApplication.translate`` on literal strings so ``pyside6-lupdate`` finds every one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QLabel, QListView, QPushButton, QVBoxLayout, QWidget

from storeassist.contract import Command
from storeassist.ui.formatting import StoreFormat, format_moment, format_time
from storeassist.ui.list_models import ListRow, RowListModel
from storeassist.ui.returns_results import return_result_template, worded_return_params


class RefusedCommand(Protocol):
    """A command the back office refused, as the page reads it (``storeassist.local.OutboxEntry``)."""

    @property
    def command(self) -> Command: ...

    @property
    def code(self) -> str | None: ...

    @property
    def params(self) -> Mapping[str, str | int]: ...


def attention_row(entry: RefusedCommand, fmt: StoreFormat | None = None) -> ListRow:
    """One refused command as a list row: what it was, when, and why, in the reader's language;
    with ``fmt``, amounts in the store's currency and times on the store's clock."""
    command = entry.command
    what = {
        "note.add": QCoreApplication.translate("MainWindow", "Note for a customer"),
        "hold.place": QCoreApplication.translate("MainWindow", "Hold for a customer"),
        "hold.release": QCoreApplication.translate("MainWindow", "Hold released"),
        "hold.extend": QCoreApplication.translate("MainWindow", "Hold extended"),
        "hold.put_back": QCoreApplication.translate("MainWindow", "Held items put back on the floor"),
        "aisle.order": QCoreApplication.translate("MainWindow", "Order from another store"),
        "pickup.receive": QCoreApplication.translate("MainWindow", "Pickup order received"),
        "pickup.collect": QCoreApplication.translate("MainWindow", "Pickup handed over"),
        "pickup.restock": QCoreApplication.translate("MainWindow", "Overdue pickup put back on sale"),
        "return.take": QCoreApplication.translate("MainWindow", "Return taken back"),
        "profile.view": QCoreApplication.translate("MainWindow", "Customer profile opened offline (audit)"),
    }.get(command.type, command.type)
    reason = result_sentence(entry.code, entry.params, fmt, returning=command.type == "return.take")
    when = fmt.time(command.issued_at) if fmt is not None else format_time(command.issued_at)
    return ListRow(f"{what} · {when}", reason, "warning")


def result_sentence(
    code: str | None,
    params: Mapping[str, str | int],
    fmt: StoreFormat | None = None,
    *,
    returning: bool = False,
) -> str:
    """Why the back office did not apply a command, worded from its result code and params
    (``contract.RESULT_CODES``); a code this tablet does not know, or one without the params it
    needs, is a general sentence, never the code itself. A time (``at``, ISO) is written on the
    store's clock with ``fmt``, else on the tablet's. ``returning``: the command was a return, whose
    words for a code it shares with the pickups come first."""
    if returning:
        template = return_result_template(code, params) or _result_template(code, params)
    else:
        template = _result_template(code, params) or return_result_template(code, params)
    if template is not None:
        try:
            return template.format_map(_worded_params(params, fmt))
        except (KeyError, IndexError, ValueError):
            pass
    return QCoreApplication.translate("AttentionPage", "The back office refused it.")


def _worded_params(params: Mapping[str, str | int], fmt: StoreFormat | None) -> dict[str, str | int]:
    """The params as the sentence shows them: an ISO time becomes a time of day (or a date and time);
    a return's amounts become money and its approval reasons words."""
    shown = worded_return_params(params, fmt)
    at = params.get("at")
    if isinstance(at, str):
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            del shown["at"]  # the general sentence, never an unreadable time
        else:
            shown["at"] = fmt.moment(moment) if fmt is not None else format_moment(moment)
    return shown


def _result_template(code: str | None, params: Mapping[str, str | int]) -> str | None:
    """The sentence for ``code``, with ``{name}`` where a param goes (literal, for lupdate)."""
    profile_view = params.get("subject") == "profile_view"
    match code:
        case "payload_out_of_bounds":
            return QCoreApplication.translate(
                "AttentionPage", "This action holds more than the back office accepts. Tell a manager."
            )
        case "invalid_command" | "refused_by_hub":
            return QCoreApplication.translate(
                "AttentionPage",
                "The back office could not read this action. Update StoreAssist on this tablet; "
                "if it keeps happening, tell a manager.",
            )
        case "unknown_command_type":
            return QCoreApplication.translate(
                "AttentionPage",
                "The back office does not know this kind of action yet. Ask a manager to update it.",
            )
        case "id_reused" | "id_foreign":
            return QCoreApplication.translate(
                "AttentionPage",
                "The back office already had another action under this one's number, so it was not "
                "applied. Do it again if it is still needed.",
            )
        case "wrong_store":
            return QCoreApplication.translate(
                "AttentionPage",
                "This action was made for store {store_id}; this tablet belongs to store {device_store_id}.",
            )
        case "unknown_staff":
            return QCoreApplication.translate(
                "AttentionPage",
                "The back office does not know staff member {staff_id}, who made this action.",
            )
        case "staff_of_another_store":
            return QCoreApplication.translate(
                "AttentionPage",
                "Staff member {staff_id} works at another store, so cannot act on this store's tablet.",
            )
        case "staff_required":
            return QCoreApplication.translate(
                "AttentionPage", "Nobody was signed in when this was done. Sign in and do it again."
            )
        case "staff_not_signed_in":
            return QCoreApplication.translate(
                "AttentionPage",
                "This needs a manager's authority: manager {staff_id} must be signed in on this tablet "
                "when it is sent. Ask them to sign in here.",
            )
        case "clock_ahead" if profile_view:
            return QCoreApplication.translate(
                "AttentionPage",
                "This profile view is dated ahead of the back office's clock. "
                "Set this tablet's date and time.",
            )
        case "clock_ahead":
            return QCoreApplication.translate(
                "AttentionPage",
                "This action is dated ahead of the back office's clock. Set this tablet's date and time.",
            )
        case "too_old" if profile_view:
            return QCoreApplication.translate(
                "AttentionPage",
                "This profile view is more than {days} days old, too old to record now. "
                "If this tablet's date was wrong, set it.",
            )
        case "too_old":
            return QCoreApplication.translate(
                "AttentionPage",
                "This action is more than {days} days old, too old to apply now. "
                "If this tablet's date was wrong, set it.",
            )
        case "unknown_customer":
            return QCoreApplication.translate(
                "AttentionPage", "The back office has no customer {customer_id}."
            )
        case "unknown_product":
            return QCoreApplication.translate(
                "AttentionPage", "The back office has no product with SKU {sku}."
            )
        case "not_enough_stock":
            return QCoreApplication.translate(
                "AttentionPage",
                "Only {available} of {sku} available to hold here; {requested} asked. "
                "The hold was not placed.",
            )
        case "unknown_order":
            return QCoreApplication.translate("AttentionPage", "The back office has no order {order_id}.")
        case "not_a_pickup":
            return QCoreApplication.translate("AttentionPage", "Order #{order_number} is not a pickup order.")
        case "pickup_at_another_store":
            return QCoreApplication.translate(
                "AttentionPage", "Order #{order_number} is to be collected at store {store_id}."
            )
        case "order_not_collectable":
            state = _pickup_state_words().get(str(params.get("pickup_state")))
            if state is None:
                return QCoreApplication.translate(
                    "AttentionPage", "Order #{order_number} cannot be handed over now."
                )
            return QCoreApplication.translate(
                "AttentionPage", "Order #{order_number} cannot be handed over: it is {state}."
            ).replace("{state}", state)
        case "nothing_handed":
            return QCoreApplication.translate(
                "AttentionPage", "No line of order #{order_number} was marked as handed over."
            )
        case "unknown_line":
            return QCoreApplication.translate("AttentionPage", "Order #{order_number} has no line {line_no}.")
        case "over_collected":
            return QCoreApplication.translate(
                "AttentionPage",
                "That is more than is left to collect on line {line_no} of order #{order_number}.",
            )
        case "order_already_collected":
            return QCoreApplication.translate(
                "AttentionPage",
                "Order #{order_number} was collected at {at} by {by_device}. "
                "Check the bag is not handed over twice.",
            )
        case "order_unpaid":
            return QCoreApplication.translate(
                "AttentionPage",
                "Order #{order_number} is not paid for yet, so it cannot be handed over. "
                "Send the customer to the till first.",
            )
        case "pickup_needs_manager":
            return QCoreApplication.translate(
                "AttentionPage",
                "A wrong pickup code was given three times for order #{order_number}: "
                "only a manager can hand it over now.",
            )
        case "pickup_code_wrong":
            return QCoreApplication.translate(
                "AttentionPage",
                "The pickup code given for order #{order_number} is not right. "
                "Check it again, or check the customer's photo ID.",
            )
        case "order_code_invalid":
            return QCoreApplication.translate(
                "AttentionPage",
                "The order code shown is not a valid code for order #{order_number}. "
                "Check the customer's pickup code or photo ID instead.",
            )
        case "proxy_not_named":
            return QCoreApplication.translate(
                "AttentionPage",
                "The person collecting is not the one the customer named for order #{order_number}. "
                "Only the customer or their named person may collect it.",
            )
        case "unknown_substitute":
            return QCoreApplication.translate(
                "AttentionPage",
                "There is no product with SKU {sku} to hand over instead on order #{order_number}.",
            )
        case "substitute_not_in_style":
            return QCoreApplication.translate(
                "AttentionPage",
                "{sku} is not another size or colour of the item on order #{order_number}, "
                "so it cannot be handed over instead.",
            )
        case "substitute_out_of_stock" if params.get("available") == 0:
            return QCoreApplication.translate(
                "AttentionPage",
                "{sku} is no longer in stock here, so it was not handed over instead on order "
                "#{order_number}. Choose another size or colour, or let the customer collect it later.",
            )
        case "substitute_out_of_stock":
            return QCoreApplication.translate(
                "AttentionPage",
                "Only {available} of {sku} in stock here, not enough to hand over instead on "
                "order #{order_number}.",
            )
        case "not_overdue":
            return QCoreApplication.translate(
                "AttentionPage",
                "Order #{order_number} is not past its pickup deadline, so it stays on the shelf.",
            )
        case "not_arriving":
            return QCoreApplication.translate(
                "AttentionPage", "Order #{order_number} is not on its way here, so it cannot be received."
            )
        case "bin_invalid":  # the tablet's own check (services.pickup_arrivals)
            return QCoreApplication.translate(
                "AttentionPage",
                "Type the bin order #{order_number} is put in: up to 16 letters or digits "
                "(spaces, dots, dashes and underscores allowed).",
            )
        case "unknown_hold":
            return QCoreApplication.translate(
                "AttentionPage", "The back office has no such hold. It may have been removed already."
            )
        case "hold_at_another_store":
            return QCoreApplication.translate(
                "AttentionPage",
                "This hold belongs to store {store_id}: another store's hold cannot be changed here.",
            )
        case "hold_not_active":
            return QCoreApplication.translate(
                "AttentionPage", "This hold has already ended, so it cannot be released or extended."
            )
        case "hold_still_active":
            return QCoreApplication.translate(
                "AttentionPage", "This hold is still active: release it first, then put the items back."
            )
        case "unknown_store":
            return QCoreApplication.translate("AttentionPage", "The back office has no store {store_id}.")
        case "source_is_here":
            return QCoreApplication.translate(
                "AttentionPage",
                "That stock is in this store: hold it for the customer instead of ordering it.",
            )
        case "no_address":
            return QCoreApplication.translate(
                "AttentionPage",
                "Customer {customer_id} has no address on file to ship to. Send it to this store for pickup.",
            )
        case "no_customer":  # the tablet's own check (domain.stock.StockActionInvalid)
            return QCoreApplication.translate("AttentionPage", "Choose the customer first.")
        case "catalog_unknown_sku":
            return QCoreApplication.translate(
                "AttentionPage", "This tablet's catalog has no product with SKU {sku}."
            )
        case "not_collectable":  # the tablet's own check (domain.orders.HandoverProblem)
            return QCoreApplication.translate(
                "AttentionPage", "Order #{order_number} cannot be handed over now."
            )
        case "not_pickup":
            return QCoreApplication.translate("AttentionPage", "Order #{order_number} is not a pickup order.")
    return None


def _pickup_state_words() -> dict[str, str]:
    """A pickup's state as the sentence "it is …" ends."""
    return {
        "placed": QCoreApplication.translate("AttentionPage", "not picked yet"),
        "picking": QCoreApplication.translate("AttentionPage", "being picked"),
        "ready": QCoreApplication.translate("AttentionPage", "ready to collect"),
        "partially_collected": QCoreApplication.translate("AttentionPage", "partly collected"),
        "collected": QCoreApplication.translate("AttentionPage", "already collected"),
        "expired": QCoreApplication.translate("AttentionPage", "expired"),
        "cancelled": QCoreApplication.translate("AttentionPage", "cancelled"),
    }


class AttentionPage(QWidget):
    """Commands the back office refused, with its reasons."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(self.tr("Needs attention"))
        title.setProperty("role", "screenTitle")
        explain = QLabel(
            self.tr(
                "The back office refused these actions. Nothing else is held up by them; "
                "sort each one out with the customer or a manager."
            )
        )
        explain.setProperty("role", "hint")
        explain.setWordWrap(True)
        self.model = RowListModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        back = QPushButton(self.tr("Back"))
        back.clicked.connect(self.closed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(explain)
        layout.addWidget(self.view, 1)
        layout.addWidget(back, 0, Qt.AlignmentFlag.AlignLeft)


class CameraPage(QWidget):
    """The tablet's camera as a scanner. The panel (and QtMultimedia) is built on first show."""

    closed = Signal()
    #: The text of a code the camera read; the window connects it to the scan router.
    scanned = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel: QWidget | None = None
        self.notice = QLabel()
        self.notice.setProperty("role", "notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        back = QPushButton(self.tr("Back"))
        back.clicked.connect(self.closed)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(24, 18, 24, 18)
        self._layout.setSpacing(12)
        self._layout.addWidget(self.notice)
        self._layout.addWidget(back, 0, Qt.AlignmentFlag.AlignLeft)

    def show_message(self, text: str) -> None:
        """A code the camera read was refused: say why here, and keep the camera running."""
        self.notice.setText(text)
        self.notice.setVisible(True)

    def hideEvent(self, event: Any) -> None:
        self.notice.setVisible(False)
        super().hideEvent(event)

    def prepare(self) -> None:
        """Build the panel before the page is first shown (QtMultimedia loads only now)."""
        if self.panel is None:
            from storeassist.ui.camera_scanner import CameraScannerPanel

            panel = CameraScannerPanel()
            panel.scanned.connect(self.scanned)
            self._layout.insertWidget(1, panel, 1)
            self.panel = panel
