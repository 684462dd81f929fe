"""How the app writes numbers, money, times and dates for people — in one place (style.md §7, §15).

:class:`StoreFormat` writes them as the store's locale does, with times on the store's clock: a
tablet in New York says "$19.50" and "2:05 PM", one in Berlin "19,50 €" and "14:05", whatever
the language of the interface. The hub sends amounts in minor units with their currency and
times in UTC (``storeassist.contract``), so this is the only place they become text.

The module's functions write in the device's own locale and on its own clock, for what is about
the device rather than the store (when it last synced, when a command was queued).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, cached_property
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QObject, QTime, QTimeZone

log = logging.getLogger("storeassist.ui")

#: What a store is written as until the app knows better (a device enrolled before stores had a
#: locale, and nothing heard from the hub yet).
DEFAULT_LOCALE = "en_US"
DEFAULT_CURRENCY = "USD"
DEFAULT_TIME_ZONE = "UTC"

# Qt knows each locale's own currency symbol, not every currency's. For a currency that is not the
# locale's own (a euro price in a US store's locale), these; else the ISO code ("CHF 12.00").
_CURRENCY_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CNY": "¥",
    "JPY": "¥",
    "RUB": "₽",
    "CHF": "CHF",
    "DKK": "kr.",
    "SEK": "kr",
    "NOK": "kr",
    "PLN": "zł",
}
# ISO 4217 minor units where they are not two (a yen has no cents; a dinar has 1,000 fils).
_MINOR_DIGITS = {
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
    "CLP": 0,
    "VND": 0,
    "HUF": 2,
    "BHD": 3,
    "JOD": 3,
    "KWD": 3,
    "OMR": 3,
    "TND": 3,
}


def minor_digits(currency: str) -> int:
    """How many digits the currency's minor unit has (2 for cents, 0 for yen, 3 for fils)."""
    return _MINOR_DIGITS.get(currency.upper(), 2)


class StorePlace(Protocol):
    """Where a device is: how its store writes (None where the hub has not said)."""

    @property
    def store_locale(self) -> str | None: ...

    @property
    def store_currency(self) -> str | None: ...

    @property
    def store_timezone(self) -> str | None: ...


@dataclass(frozen=True)
class StoreFormat:
    """How one store writes money, numbers, dates and times: its locale, currency and time zone.

    ``locale`` is a Qt locale name ("de_DE"), ``currency`` the ISO 4217 code amounts are in unless
    an answer names its own (a profile does), ``time_zone`` an IANA name. A zone Qt does not know
    is taken as UTC (and logged), so a bad value from the hub never stops a profile showing.
    """

    locale: str = DEFAULT_LOCALE
    currency: str = DEFAULT_CURRENCY
    time_zone: str = DEFAULT_TIME_ZONE

    @classmethod
    def of_store(cls, locale: str | None, currency: str | None, time_zone: str | None) -> StoreFormat:
        """The store's format from what the device knows; each unknown part (None) is the default."""
        return cls(locale or DEFAULT_LOCALE, currency or DEFAULT_CURRENCY, time_zone or DEFAULT_TIME_ZONE)

    @classmethod
    def of_place(cls, place: StorePlace) -> StoreFormat:
        return cls.of_store(place.store_locale, place.store_currency, place.store_timezone)

    @cached_property
    def qlocale(self) -> QLocale:
        return QLocale(self.locale)

    @cached_property
    def zone(self) -> QTimeZone:
        return _zone(self.time_zone)

    # -- numbers and money ----------------------------------------------------------------

    def number(self, n: int) -> str:
        """A whole number with the locale's grouping ("12,480", "12.480")."""
        return self.qlocale.toString(n)

    def money(self, minor_units: int, currency: str | None = None) -> str:
        """An amount in minor units of ``currency`` (the store's if None), as the locale writes
        money: "$19.50" in en_US, "19,50 €" in de_DE."""
        return _money(self.qlocale, minor_units, (currency or self.currency).upper())

    # -- times and dates ------------------------------------------------------------------

    def time(self, moment: datetime, *, now: datetime | None = None) -> str:
        """On the store's clock: "14:05" today, "12 Nov 14:05" (in the locale's order) another day."""
        return _time(self.qlocale, self.zone, moment, now)

    def moment(self, moment: datetime, *, now: datetime | None = None) -> str:
        """Like :meth:`time`, but names the year when it is not this year."""
        return _moment(self.qlocale, self.zone, moment, now)

    def date(self, day: date) -> str:
        """A calendar day with the month's name ("Apr 1, 2019", "1. Apr. 2019")."""
        return self.qlocale.toString(QDate(day.year, day.month, day.day), _date_format(self.locale, True))

    def end_of_day(self, now: datetime) -> datetime:
        """The store's next midnight after ``now``, in UTC: what is due before it is due today."""
        local = _in_zone(now, self.zone)
        midnight = QDateTime(local.date().addDays(1), QTime(0, 0), self.zone).toUTC()
        day, clock = midnight.date(), midnight.time()
        return datetime(day.year(), day.month(), day.day(), clock.hour(), clock.minute(), tzinfo=UTC)


@cache
def _zone(name: str) -> QTimeZone:
    zone = QTimeZone(name.encode("ascii", "replace"))
    if zone.isValid():
        return zone
    log.warning("time zone %r is unknown here; showing times in UTC", name)
    return QTimeZone.utc()


@cache
def _date_format(locale_name: str, with_year: bool) -> str:
    """A medium date pattern made from the locale's long one: no weekday, the month abbreviated.

    Qt has long ("Monday, April 1, 2019") and short ("4/1/19") formats; a short one is ambiguous
    across locales (4/1 or 1/4), so the month is named, in the order and with the marks the
    locale uses ("MMM d, yyyy", "d. MMM yyyy", "yyyy年M月d日")."""
    pattern = QLocale(locale_name).dateFormat(QLocale.FormatType.LongFormat)
    pattern = re.sub(r"dddd[,\s]*|[,\s]*dddd", "", pattern).replace("MMMM", "MMM").strip()
    if not with_year:
        pattern = re.sub(r"\s*'г'\.?", "", pattern)  # Russian's year mark ("2019 г.")
        pattern = re.sub(r"y+年|[,\s]*y+", "", pattern).strip()
    return pattern or ("d MMM yyyy" if with_year else "d MMM")


def _money(locale: QLocale, minor_units: int, currency: str) -> str:
    if locale.currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode) == currency:
        symbol = locale.currencySymbol(QLocale.CurrencySymbolFormat.CurrencySymbol)
    else:
        symbol = _CURRENCY_SYMBOLS.get(currency, currency)
    digits = minor_digits(currency)
    return locale.toCurrencyString(minor_units / 10**digits, symbol, digits)


def _in_zone(moment: datetime, zone: QTimeZone) -> QDateTime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    utc = moment.astimezone(UTC)
    qt = QDateTime(
        QDate(utc.year, utc.month, utc.day),
        QTime(utc.hour, utc.minute, utc.second),
        QTimeZone.utc(),
    )
    return qt.toTimeZone(zone)


def _time(locale: QLocale, zone: QTimeZone, moment: datetime, now: datetime | None) -> str:
    local = _in_zone(moment, zone)
    today = _in_zone(now or datetime.now(UTC), zone).date()
    clock = locale.toString(local.time(), QLocale.FormatType.ShortFormat)
    if local.date() == today:
        return clock
    return f"{locale.toString(local.date(), _date_format(locale.name(), False))} {clock}"


def _moment(locale: QLocale, zone: QTimeZone, moment: datetime, now: datetime | None) -> str:
    local = _in_zone(moment, zone)
    if local.date().year() == _in_zone(now or datetime.now(UTC), zone).date().year():
        return _time(locale, zone, moment, now)
    clock = locale.toString(local.time(), QLocale.FormatType.ShortFormat)
    return f"{locale.toString(local.date(), _date_format(locale.name(), True))} {clock}"


# -- the device's own locale and clock -------------------------------------------------------


def format_points(points: int) -> str:
    return QLocale().toString(points)


def format_time(moment: datetime, *, now: datetime | None = None) -> str:
    """On this device's clock: "14:05" today, "12 Nov 14:05" on another day."""
    return _time(QLocale(), QTimeZone.systemTimeZone(), moment, now)


def format_moment(moment: datetime, *, now: datetime | None = None) -> str:
    """Like :func:`format_time`, but names the year when it is not this year ("9 Dec 2024 15:31")."""
    return _moment(QLocale(), QTimeZone.systemTimeZone(), moment, now)


def format_date(day: date) -> str:
    return QLocale().toString(QDate(day.year, day.month, day.day), _date_format(QLocale().name(), True))


def format_last_sync(moment: datetime | None, store: StoreFormat | None = None) -> str:
    """ "Synced 14:05" on the store's clock, in its locale (the tablet's own without ``store``)."""
    if moment is None:
        return QCoreApplication.translate("formatting", "Not synced yet")
    when = store.time(moment) if store is not None else format_time(moment)
    return QCoreApplication.translate("formatting", "Synced {time}").format(time=when)


class CountingWords(QObject):
    """A context for sentences that count (``%n``): ``pyside6-lupdate`` reads a plural only from a
    class's ``tr``, never from ``QCoreApplication.translate``, so each such context is a subclass
    (never instantiated) whose name is the context."""

    @classmethod
    def tr(cls, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return QCoreApplication.translate(cls.__name__, source, disambiguation, n)
