"""How the app writes numbers, times and dates for people — in one place (style.md §7)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime, QTimeZone


def _tr(text: str) -> str:
    return QCoreApplication.translate("formatting", text)


def _local(moment: datetime) -> QDateTime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    utc = moment.astimezone(UTC)
    qt = QDateTime(
        QDate(utc.year, utc.month, utc.day),
        QTime(utc.hour, utc.minute, utc.second),
        QTimeZone.utc(),
    )
    return qt.toLocalTime()


def format_points(points: int) -> str:
    return QLocale().toString(points)


def format_time(moment: datetime, *, now: datetime | None = None) -> str:
    """ "14:05" today, "12 Nov 14:05" on another day."""
    local = _local(moment)
    today = _local(now or datetime.now(UTC)).date()
    locale = QLocale()
    clock = locale.toString(local.time(), QLocale.FormatType.ShortFormat)
    if local.date() == today:
        return clock
    return f"{locale.toString(local.date(), 'd MMM')} {clock}"


def format_date(day: date) -> str:
    # A month name reads the same in every locale order ("14 Apr 2019", never "04/14" vs "14/04").
    return QLocale().toString(QDate(day.year, day.month, day.day), "d MMM yyyy")


def format_last_sync(moment: datetime | None) -> str:
    if moment is None:
        return _tr("Not synced yet")
    return _tr("Synced {time}").format(time=format_time(moment))


def format_moment(moment: datetime, *, now: datetime | None = None) -> str:
    """Like :func:`format_time`, but names the year when it is not this year ("9 Dec 2024 15:31")."""
    local = _local(moment)
    this_year = _local(now or datetime.now(UTC)).date().year()
    if local.date().year() == this_year:
        return format_time(moment, now=now)
    locale = QLocale()
    clock = locale.toString(local.time(), QLocale.FormatType.ShortFormat)
    return f"{locale.toString(local.date(), 'd MMM yyyy')} {clock}"


# The contract carries amounts in minor units without a currency (contract/__init__.py), so the
# caller says which one; the locale's own symbol wins when the currency is the locale's.
_CURRENCY_SYMBOLS = {
    "EUR": "€",
    "USD": "$",
    "GBP": "£",
    "CHF": "CHF",
    "DKK": "kr.",
    "SEK": "kr",
    "NOK": "kr",
    "PLN": "zł",
}


def format_money(cents: int, currency: str = "EUR") -> str:
    """An amount in minor units with its currency symbol, in the locale's style ("€1,834.00")."""
    locale = QLocale()
    if locale.currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode) == currency:
        symbol = locale.currencySymbol(QLocale.CurrencySymbolFormat.CurrencySymbol)
    else:
        symbol = _CURRENCY_SYMBOLS.get(currency, currency)
    return locale.toCurrencyString(cents / 100, symbol, 2)
