"""TIMEX3-style values -> TimePoint intervals.

A value names a calendar interval: "2025-06-05" (a day), "2025-W23" (an ISO week),
"2025-05" (a month), "2025-Q1" (a quarter), "2025-H2" (a half), "2025-SU" (a
season), "2025" (a year), "199" (the 1990s), "19" (the 1900s). Times
("2025-06-05T14:30") keep day granularity in the interval with precision TIME.
Values that are not calendar positions (durations "P3M", sets, "PAST_REF",
anything with an X) give None: they cannot be placed on a timeline.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from viewer.core.model import Origin, Precision, TimePoint

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T.*)?$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})(?:-WE)?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_SEASON = re.compile(r"^(\d{4})-(SP|SU|FA|WI)$")
_YEAR = re.compile(r"^(\d{4})$")
_DECADE = re.compile(r"^(\d{3})$")
_CENTURY = re.compile(r"^(\d{2})$")

# Northern-hemisphere meteorological seasons; winter runs into the next year.
_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_value(value: str, origin: Origin = Origin.EXPLICIT) -> TimePoint | None:
    """Return the interval a TIMEX3 value denotes, or None if it is not placeable."""
    try:
        return _parse(value.strip(), origin)
    except (ValueError, OverflowError):
        return None


def _parse(v: str, origin: Origin) -> TimePoint | None:
    if m := _DAY.match(v):
        d = date(int(m[1]), int(m[2]), int(m[3]))
        prec = Precision.TIME if m[4] else Precision.DAY
        return TimePoint(d, d, prec, origin, v)
    if m := _WEEK.match(v):
        start = date.fromisocalendar(int(m[1]), int(m[2]), 6 if v.endswith("-WE") else 1)
        end = date.fromisocalendar(int(m[1]), int(m[2]), 7)
        return TimePoint(start, end, Precision.WEEK, origin, v)
    if m := _MONTH.match(v):
        y, mo = int(m[1]), int(m[2])
        return TimePoint(date(y, mo, 1), _month_end(y, mo), Precision.MONTH, origin, v)
    if m := _QUARTER.match(v):
        y, q = int(m[1]), int(m[2])
        return TimePoint(date(y, 3 * q - 2, 1), _month_end(y, 3 * q), Precision.QUARTER, origin, v)
    if m := _HALF.match(v):
        y, h = int(m[1]), int(m[2])
        return TimePoint(date(y, 6 * h - 5, 1), _month_end(y, 6 * h), Precision.HALF, origin, v)
    if m := _SEASON.match(v):
        y = int(m[1])
        first, last = _SEASON_MONTHS[m[2]]
        end = _month_end(y + 1, last - 12) if last > 12 else _month_end(y, last)
        return TimePoint(date(y, first, 1), end, Precision.QUARTER, origin, v)
    if m := _YEAR.match(v):
        y = int(m[1])
        return TimePoint(date(y, 1, 1), date(y, 12, 31), Precision.YEAR, origin, v)
    if m := _DECADE.match(v):
        y = int(m[1]) * 10
        return TimePoint(date(max(y, 1), 1, 1), date(y + 9, 12, 31), Precision.DECADE, origin, v)
    if m := _CENTURY.match(v):
        y = int(m[1]) * 100
        return TimePoint(date(max(y, 1), 1, 1), date(y + 99, 12, 31), Precision.CENTURY, origin, v)
    return None


def span(start: TimePoint, end: TimePoint) -> TimePoint:
    """A range such as "June 9-10": from the start of one to the end of the other."""
    return TimePoint(start.start, max(end.end, start.end), start.precision, start.origin, start.value)


def day_point(d: date, origin: Origin = Origin.USER) -> TimePoint:
    return TimePoint(d, d, Precision.DAY, origin, d.isoformat())


def days_between(a: date, b: date) -> int:
    return (b - a).days


ONE_DAY = timedelta(days=1)
