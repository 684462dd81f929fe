"""Find a customer without their card: type part of a phone number, e-mail address or name, tap them.

A standalone panel the Customer screen embeds. It takes the searcher (``SearchCustomers`` as
:class:`CustomerSearch` describes it) and the :class:`OpRunner`; it never imports a service
(style.md §1–§3). Search runs on Enter, on the Search button, or by itself a moment after the
associate stops typing. Results are a list model (style.md §7), paged with "More results"; a tap
reports the customer's id through :attr:`CustomerSearchPanel.customer_chosen`.

Contact details pass through the ``mask`` callable before they reach the model, so whatever the
privacy rule hides is never held by the widget. Every search is numbered: an answer to an older
query (typing outruns the network) is dropped, never painted over a newer one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from storeassist.contract import CustomerPage, CustomerSummary
from storeassist.ui.background import OpRunner
from storeassist.ui.messages import describe_failure
from storeassist.ui.row_delegate import TwoLineDelegate
from storeassist.ui.widgets import label, row_list

#: Typing pauses this long before the search runs by itself.
DEBOUNCE_MS = 400
#: Searching as you type waits for this many characters; Enter and the button search any text.
MIN_CHARS_AS_YOU_TYPE = 3
#: The hub refuses more than 80; the field stops a pasted page long before it reaches the service.
FIELD_MAX_CHARS = 100
MIN_TOUCH_PX = 48
#: Text from the hub or the field is shortened to this for display (a row, or the "no match" line).
_SHOWN_MAX_CHARS = 120
_QUOTED_MAX_CHARS = 40

# Embedding and override marks would let one field reorder the rest of a row on screen.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

Mask = Callable[[CustomerSummary], CustomerSummary]


class CustomerSearch(Protocol):
    """``storeassist.services.search_customers.SearchCustomers`` as this panel uses it.

    Raises an error with a ``user_message`` (``SearchNotPossible``, ``SearchNeedsHub``, a hub
    error) when the search cannot run; the panel shows that sentence."""

    async def search(self, text: str, page: int = 0) -> CustomerPage: ...


def _shown(text: str, limit: int = _SHOWN_MAX_CHARS) -> str:
    """``text`` safe to paint on one line: no control or direction marks, spaces folded, not too long."""
    kept = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text if ch not in _BIDI_CONTROLS)
    folded = " ".join(kept.split())
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"


def _typed(text: str) -> str:
    """What typing has produced so far, roughly as the service will clean it: for "long enough yet?"
    only — the service decides what is searched and says why not."""
    return " ".join("".join(ch for ch in text if unicodedata.category(ch)[0] != "C").split())


# -- the results list -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ResultRow:
    customer_id: int
    name: str
    tier: str
    detail: str


class CustomerResultsModel(QAbstractListModel):
    """Customers found, one row each; holds only display text (already masked) and the id."""

    IdRole = Qt.ItemDataRole.UserRole + 1
    NameRole = Qt.ItemDataRole.UserRole + 2
    TierRole = Qt.ItemDataRole.UserRole + 3
    DetailRole = Qt.ItemDataRole.UserRole + 4

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[_ResultRow] = []

    @staticmethod
    def _row(customer_id: int, shown: CustomerSummary) -> _ResultRow:
        tier = _shown(shown.tier, 20)
        contact = (_shown(part, 60) for part in (shown.loyalty_id, shown.email, shown.phone))
        return _ResultRow(
            customer_id=customer_id,
            name=_shown(shown.name),
            tier=tier[:1].upper() + tier[1:],
            detail="  ·  ".join(part for part in contact if part),
        )

    def set_customers(self, customers: Sequence[tuple[int, CustomerSummary]]) -> None:
        """Replace the rows; each customer comes as (their id, the summary as it may be shown)."""
        self.beginResetModel()
        self._rows = [self._row(customer_id, shown) for customer_id, shown in customers]
        self.endResetModel()

    def append_customers(self, customers: Sequence[tuple[int, CustomerSummary]]) -> None:
        rows = [self._row(customer_id, shown) for customer_id, shown in customers]
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def clear(self) -> None:
        self.set_customers([])

    def customer_id(self, row: int) -> int:
        return self._rows[row].customer_id

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{row.name} ({row.tier})\n{row.detail}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.detail or None
        if role == self.IdRole:
            return row.customer_id
        if role == self.NameRole:
            return row.name
        if role == self.TierRole:
            return row.tier
        if role == self.DetailRole:
            return row.detail
        return None


class _ResultRowDelegate(TwoLineDelegate):
    """Draws a result: the name in bold with the tier at the right, loyalty id and contact below."""

    PADDING = 10
    LINE_GAP = 4
    MIN_HEIGHT = 56
    SIDE = 14
    GAP = 16

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the panel below is drawn by the style; the words are drawn here
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect: QRect = opt.rect.adjusted(self.SIDE, self.PADDING, -self.SIDE, -self.PADDING)
        tier = str(index.data(CustomerResultsModel.TierRole) or "")
        title_metrics = QFontMetrics(self._fonts(opt)[0])
        tier_width = min(title_metrics.horizontalAdvance(tier), rect.width() // 3)
        name_width = max(0, rect.width() - tier_width - (self.GAP if tier else 0))
        name = str(index.data(CustomerResultsModel.NameRole) or "")
        detail = str(index.data(CustomerResultsModel.DetailRole) or "")
        # The name takes the first line up to the tier; the detail line has the whole width.
        top, _ = self._draw_lines(painter, opt, rect.left(), name_width, name, "")
        self._draw_lines(painter, opt, rect.left(), rect.width(), "", detail)
        if tier:
            painter.save()
            painter.setFont(self._fonts(opt)[0])
            painter.setPen(opt.palette.color(opt.palette.ColorRole.Highlight))
            tier_box = QRect(rect.right() - tier_width, top, tier_width + 1, title_metrics.height())
            self._draw_elided(
                painter,
                title_metrics,
                tier_box,
                tier,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            )
            painter.restore()


def _label(role: str, *, wrap: bool = True) -> QLabel:
    """Hidden until there is something to say; plain text (search text and hub messages are data)."""
    hidden = label(role=role, wrap=wrap)
    hidden.setVisible(False)
    return hidden


# -- the panel --------------------------------------------------------------------------------


class CustomerSearchPanel(QWidget):
    """A search field, its results and "More results"; reports the customer tapped."""

    #: The associate tapped a result; the argument is the customer's id.
    customer_chosen = Signal(int)

    def __init__(
        self,
        runner: OpRunner,
        searcher: CustomerSearch | None = None,
        *,
        mask: Mask | None = None,
        debounce_ms: int = DEBOUNCE_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._searcher = searcher
        self._mask = mask
        self._idle_hint = True
        # Each search gets a number; an answer to an older one must not replace a newer one.
        self._search_seq = 0
        #: The query the results (or the request under way) belong to, as typed (not cleaned).
        self._query: str | None = None
        self._next_page: int | None = None
        self._loading = False

        self.field = QLineEdit()
        self.field.setObjectName("customerSearchField")
        self.field.setPlaceholderText(self.tr("Search by phone, e-mail or name"))
        self.field.setMaxLength(FIELD_MAX_CHARS)
        self.field.setClearButtonEnabled(True)
        self.field.setMinimumHeight(MIN_TOUCH_PX)
        self.field.setMinimumWidth(160)
        self.field.setInputMethodHints(Qt.InputMethodHint.ImhNoPredictiveText)
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.setProperty("role", "primary")
        self.search_button.setMinimumHeight(MIN_TOUCH_PX)
        self.search_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

        self.notice = _label("notice")
        self.status = _label("hint")

        self.model = CustomerResultsModel(self)
        self.results = row_list("customerSearchResults", self.model, _ResultRowDelegate)
        self.results.setVisible(False)

        self.more_button = QPushButton(self.tr("More results"))
        self.more_button.setMinimumHeight(MIN_TOUCH_PX)
        self.more_button.setVisible(False)

        entry = QHBoxLayout()
        entry.setSpacing(8)
        entry.addWidget(self.field, 1)
        entry.addWidget(self.search_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(entry)
        layout.addWidget(self.notice)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(0)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._search_as_typed)

        self.field.textEdited.connect(self._text_edited)
        self.field.returnPressed.connect(self.search)
        self.search_button.clicked.connect(self.search)
        self.more_button.clicked.connect(self.load_more)
        self.results.clicked.connect(self._result_tapped)

        self._show_idle()

    @property
    def searching(self) -> bool:
        """A request for this panel's current query is under way."""
        return self._loading

    # -- wiring ---------------------------------------------------------------------------

    def set_searcher(self, searcher: CustomerSearch | None) -> None:
        """Give the panel its service once the device is enrolled (the panel may exist before)."""
        self._searcher = searcher
        self.clear()

    def set_mask(self, mask: Mask | None) -> None:
        """Change what may be shown (another associate signed in): results on screen are cleared,
        because the panel keeps only masked text and cannot re-mask it."""
        self._mask = mask
        self.clear()

    def clear(self) -> None:
        """Back to an empty field and no results; an answer still on its way is ignored."""
        self._debounce.stop()
        self._search_seq += 1
        self.field.clear()
        self._reset_results()
        self._show_idle()

    # -- user actions ---------------------------------------------------------------------

    def search(self) -> None:
        """Search for what is in the field now (Enter, the Search button, or a pause in typing)."""
        self._debounce.stop()
        self._start(self.field.text())

    def load_more(self) -> None:
        """Fetch the next page of the shown query and add it below the rows already shown."""
        if self._loading or self._next_page is None or self._query is None:
            return
        self._request(self._search_seq, self._query, self._next_page)

    def _text_edited(self, text: str) -> None:
        if not _typed(text):
            # The field was emptied: the old results no longer answer anything.
            self._debounce.stop()
            self._search_seq += 1
            self._reset_results()
            self._show_idle()
            return
        if len(_typed(text)) >= MIN_CHARS_AS_YOU_TYPE:
            self._debounce.start()
        else:
            self._debounce.stop()

    def _search_as_typed(self) -> None:
        text = self.field.text()
        if len(_typed(text)) < MIN_CHARS_AS_YOU_TYPE:
            return
        if self._query is not None and _typed(text) == _typed(self._query):
            return  # already shown, or already on its way
        self._start(text)

    def _result_tapped(self, index: QModelIndex) -> None:
        if index.isValid():
            self.customer_chosen.emit(self.model.customer_id(index.row()))

    # -- asking ---------------------------------------------------------------------------

    def _start(self, text: str) -> None:
        self._search_seq += 1
        self._query = text
        self._next_page = None
        if self._searcher is None:
            self._show_failure_text(
                self.tr("This tablet is not ready to search yet. Wait until it is connected, then try again.")
            )
            return
        self._request(self._search_seq, text, 0)

    def _request(self, seq: int, text: str, page: int) -> None:
        searcher = self._searcher
        if searcher is None:
            return
        self._loading = True
        self.notice.setVisible(False)
        self.more_button.setEnabled(False)
        self._set_status(self.tr("Searching…"))
        self._runner.run(
            searcher.search(text, page),
            on_success=lambda found: self._on_page(seq, text, page, found),
            on_failure=lambda error: self._on_failed(seq, page, error),
        )

    # -- answers --------------------------------------------------------------------------

    def _on_page(self, seq: int, text: str, page: int, found: CustomerPage) -> None:
        if seq != self._search_seq:
            return
        self._loading = False
        try:
            rows = [(customer.id, self._masked(customer)) for customer in found.items]
        except Exception as exc:
            # A broken privacy rule must not show what it was meant to hide: show nothing.
            self._on_failed(seq, page, exc)
            return
        if page == 0:
            self.model.set_customers(rows)
        else:
            self.model.append_customers(rows)
        self._next_page = found.next_page
        shown = self.model.rowCount()
        self.results.setVisible(shown > 0)
        self.more_button.setVisible(found.next_page is not None)
        self.more_button.setEnabled(True)
        if shown == 0:
            self._set_status(
                self.tr("No customer matches “{query}”.").format(query=_shown(text, _QUOTED_MAX_CHARS))
            )
        else:
            self._set_status("")

    def _masked(self, customer: CustomerSummary) -> CustomerSummary:
        return customer if self._mask is None else self._mask(customer)

    def _on_failed(self, seq: int, page: int, error: BaseException) -> None:
        if seq != self._search_seq:
            return
        self._loading = False
        message = describe_failure(error, doing="customer search")
        if page == 0:
            self._show_failure_text(message)
        else:
            # The rows already shown stay; "More results" may be tapped again.
            self._set_status("")
            self.more_button.setEnabled(True)
            self._show_notice(message)

    # -- showing --------------------------------------------------------------------------

    def _show_failure_text(self, message: str) -> None:
        self._loading = False
        self._reset_results()
        self._set_status("")
        self._show_notice(message)

    def _reset_results(self) -> None:
        self._query = None
        self._next_page = None
        self._loading = False
        self.model.clear()
        self.results.setVisible(False)
        self.more_button.setVisible(False)
        self.more_button.setEnabled(True)

    def set_idle_hint(self, visible: bool) -> None:
        """Whether the empty panel explains itself (the screen hides it under a profile)."""
        self._idle_hint = visible
        if not self.field.text():
            self._show_idle()

    def _show_idle(self) -> None:
        self.notice.setVisible(False)
        hint = self.tr("Type the start of a name, phone number or e-mail: a few characters are enough.")
        self._set_status(hint if self._idle_hint else "")

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(True)

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
