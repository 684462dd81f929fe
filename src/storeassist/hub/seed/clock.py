"""Fast timestamps for the generator: days are indexed relative to the seeding day and rendered
from lookup tables, because formatting millions of ``datetime`` objects would dominate the run.

Times are UTC, written the way SQLAlchemy stores ``DateTime`` in SQLite (``YYYY-MM-DD HH:MM:SS``).
Orders and events fall on days weighted by season (the holiday peak, back to school, a quiet
January) and a mild growth trend over the two years.
"""

from __future__ import annotations

import math
from bisect import bisect
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

#: How far back the tables reach (members joined up to ~8 years ago) and ahead (pickup deadlines).
DAYS_BACK, DAYS_AHEAD = 3000, 60
HISTORY_DAYS = 730


class Clock:
    """Day ``TODAY`` is the seeding day; ``ts(day, minute_of_day, second)`` renders a timestamp."""

    def __init__(self, today: date) -> None:
        self.today_date = today
        self.TODAY = DAYS_BACK
        first = today - timedelta(days=DAYS_BACK)
        self.day_text = [(first + timedelta(days=i)).isoformat() for i in range(DAYS_BACK + DAYS_AHEAD + 1)]
        self.minute_text = [f" {m // 60:02d}:{m % 60:02d}:" for m in range(1440)]
        self.second_text = [f"{s:02d}" for s in range(60)]
        self._history_cum = list(
            accumulate(
                _season_weight(today - timedelta(days=HISTORY_DAYS - i), i) for i in range(HISTORY_DAYS)
            )
        )
        self._history_total = self._history_cum[-1]
        hour_weights = [0.2] * 7 + [
            0.6,
            1.0,
            1.4,
            1.8,
            2.2,
            2.6,
            2.4,
            2.2,
            2.2,
            2.4,
            2.8,
            3.0,
            2.8,
            2.2,
            1.6,
            1.0,
            0.5,
        ]
        self._hour_cum = list(accumulate(hour_weights))
        self._hour_total = self._hour_cum[-1]

    def ts(self, day: int, minute: int, second: int = 0) -> str:
        return self.day_text[day] + self.minute_text[minute] + self.second_text[second]

    def day(self, day: int) -> str:
        return self.day_text[day]

    def history_day(self, u: float) -> int:
        """A day of the last two years for ``u`` uniform in [0, 1), weighted by season."""
        return self.TODAY - HISTORY_DAYS + bisect(self._history_cum, u * self._history_total)

    def busy_minute(self, u: float, v: float) -> int:
        """A minute of the day weighted towards afternoons and evenings (``u``, ``v`` uniform)."""
        return bisect(self._hour_cum, u * self._hour_total) * 60 + int(v * 60)

    def as_datetime(self, text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _season_weight(day: date, index: int) -> float:
    doy = day.timetuple().tm_yday
    holiday = 1.4 * math.exp(-(((doy - 345) / 14.0) ** 2)) + 0.8 * math.exp(-(((doy - 330) / 4.0) ** 2))
    back_to_school = 0.3 * math.exp(-(((doy - 240) / 10.0) ** 2))
    quiet_january = -0.25 * math.exp(-(((doy - 20) / 15.0) ** 2))
    growth = 0.85 + 0.3 * index / HISTORY_DAYS
    weekend = 1.15 if day.weekday() >= 5 else 1.0
    return (1.0 + holiday + back_to_school + quiet_january) * growth * weekend
