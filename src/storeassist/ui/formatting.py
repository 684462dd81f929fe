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
