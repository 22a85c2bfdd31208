"""Temporal tagging: find time expressions and normalize them to TIMEX3 values.

Two phases, as in HeidelTime. Phase one (viewer/extract/temporal_rules.py) matches
the rules of resources/temporal/ and gives each match an underspecified value such
as ["weekday", 4, None]. Phase two (here) resolves that value against the anchor,
the article's publication date, with dateutil.relativedelta; where direction matters
("on Thursday"), the tense of the sentence decides. Without an anchor, relative
expressions keep an underspecified value with X ("XXXX-05") and resolved=False:
never an invented date.

Beyond the anchor, phase two keeps a little discourse state while it walks the text:
the quarter under discussion (business news compares "the third quarter" with "a
year earlier" = last year's third quarter), the last date mentioned (for "the
following year", "that day"), and the dates of a sentence (for a bare "10 p.m.").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from dateutil.easter import easter
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from viewer.extract.sentences import _is_abbreviation
from viewer.extract.temporal_rules import Rule, load_rules, load_tense_cues

__all__ = ["Timex", "tag"]

PAST, FUTURE = "PAST", "FUTURE"
FUTURE_STRONG = "FUTURE!"  # a modal ("will", "shall"): decides when it stands right by the expression
FUTURE_IN_PAST = "FUTURE~"  # "would": the future of a past report, near the report either way
_FUTURES = (FUTURE, FUTURE_IN_PAST)
REPORT = "REPORT"  # "said", "told": dates the report, so only an expression right after it is past
_WEEKDAYS = (MO, MO, TU, WE, TH, FR, SA, SU)  # index = ISO weekday 1..7
_SEASON_OF_MONTH = {12: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2, 8: 2, 9: 3, 10: 3, 11: 3}
_SEASONS = ("WI", "SP", "SU", "FA")
_UNDERSPECIFIED = {
    "D": "XXXX-XX-XX",
    "W": "XXXX-WXX",
    "M": "XXXX-XX",
    "Q": "XXXX-QX",
    "H": "XXXX-HX",
    "Y": "XXXX",
    "DE": "XXX",
    "CE": "XX",
    "FN": "XXXX-WXX",
    "MIN": "XXXX-XX-XX",
    "S": "XXXX-XX-XX",
}
_WINDOW = 200  # how far back/forward the tense of a sentence is looked for
_AGAINST_TENSE = 2.0  # how much farther a date on the side the tense rules out counts
_CLOSE_CUE = 20  # characters between a tense cue and an expression it governs outright
_CLOSE_PAST = 3  # characters between a past verb and an expression it governs outright
_REFERENCE_REACH = 1500  # how far a quarter mentioned earlier stays "the period under discussion"
_PASSIVE_GAP = re.compile(r"\s{1,2}(?:(?:be|have been|have)\s{1,2})?$")
_QUARTER = re.compile(r"\d{4}-Q[1-4]$")
_MONTHS = re.compile(r"P\d+M$")
_DAY_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}$")
# An expression that opens its sentence (after at most a preposition or conjunction) and
# is followed by a comma: "In January, ...", "But on Friday, ...".
_FRONTED_BEFORE = re.compile(
    r"[\s\"'“‘`(]*(?:(?:and|but|so|then|also|in|on|at|by|since|during|until|till|through|as of|early|late|"
    r"later|earlier)\s+){0,2}\Z",
    re.IGNORECASE,
)
_FRONTED_AFTER = re.compile(r"(?:'s)?\s*,")
_ENDED = re.compile(r"\s+(?:ended|ending)\b")
_CALENDAR_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?(?:T|$)")
# A title in quotes ("This Week", ``High Noon'', ''60 Minutes''): capitalized words only,
# the opening quote right after a word (ABC News' "This Week", the film "High Noon"), not
# opening a sentence or a quotation ("Today," she said).
_TITLE_CASE = re.compile(r"[A-Z0-9][\w'’&-]*(?:\s[A-Z0-9][\w'’&-]*)*\Z")
_TITLE_BEFORE = re.compile(r"[\w'’]\s*(?:``|''|[\"“])((?:[A-Z0-9][\w'’&-]*\s)*)\Z")
_TITLE_AFTER = re.compile(
    r"((?:\s(?:[A-Z0-9][\w'’&-]*|of|the|and|a|an|in|on|at|for|with|to)){0,6})[.,!?]?(?:''|[\"”])"
)
# A word of time that is written lower-case mid-sentence, capitalized after a word: a name
# ("USA Today", "This is VOA Today", "the Tonight Show").
_NAME_WORD = re.compile(r"(?:Today|Tonight|Tomorrow|Yesterday|Now)\Z")
_WORD_BEFORE = re.compile(r"[\w][ \t]+\Z")
_TITLE_SMALL_WORDS = frozenset("a an the of in on at to for and or but by with".split())


@dataclass(frozen=True)
class Timex:
    start: int  # char offsets into text, end exclusive
    end: int
    text: str  # text[start:end]
    type: str  # "DATE" | "TIME" | "DURATION" | "SET"
    value: str  # TIMEX3 value
    resolved: bool  # False = could not be placed (no anchor / not computable)
    relative: bool  # True when the value depends on the anchor
    mod: str = ""  # TIMEX3 mod: START, MID, END, APPROX, BEFORE, AFTER, ...
    end_value: str = ""  # for ranges ("June 9-10"): the value of the range's end


# (PAST / FUTURE / None, distance when the cue governs the expression outright, cue before it)
_Tense = tuple[str | None, int, bool]


class _NeedsAnchor(Exception):
    """Raised inside phase two when a value cannot be computed without an anchor."""


class _Context:
    """What phase two needs about one match: anchor, groups, and the (lazy) tense."""

    __slots__ = (
        "anchor",
        "groups",
        "relative",
        "unresolved",
        "range_start",
        "reference",
        "last_date",
        "default_day",
        "_tense",
        "_tense_fn",
    )
    _tense: _Tense | None

    def __init__(self, anchor: dt.date | None, groups: dict[str, Any], tense_fn: Callable[[], _Tense]):
        self.anchor = anchor
        self.groups = groups
        self.relative = False
        self.unresolved = False
        self.range_start = ""  # for the end of a range: the start's value
        self.reference = ""  # the quarter under discussion (last quarter mentioned nearby), if any
        self.last_date = ""  # the last year, month or day mentioned before this expression
        self.default_day = False  # a clock time that names no day ("at 10 p.m.")
        self._tense = None
        self._tense_fn = tense_fn

    def need_anchor(self) -> dt.date:
        self.relative = True
        if self.anchor is None:
            self.unresolved = True
            raise _NeedsAnchor
        return self.anchor

    def tense(self) -> str | None:
        """PAST / FUTURE / None from the sentence's tense cue nearest to the expression."""
        if self._tense is None:
            self._tense = self._tense_fn()
        return self._tense[0]

    def tense_before(self) -> bool:
        """True when that cue stands before the expression."""
        return self.tense() is not None and self._tense is not None and self._tense[2]

    def tense_is_close(self) -> bool:
        """True when that cue stands right by the expression ("will visit in April")."""
        return self.tense() is not None and self._tense is not None and self._tense[1] <= _CLOSE_CUE

    def arg(self, value: Any) -> Any:
        """A rule argument: a group's normalized value, a nested operation, or a literal."""
        if isinstance(value, list):
            return _evaluate(value, self)
        if isinstance(value, str) and value[:1].islower():
            return self.groups.get(value)
        if value == "":
            return None
        return value


# ------------------------------------------------------------------ formatting helpers
def _fmt_day(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def _fmt_unit(d: dt.date, unit: str) -> str:
    """The calendar unit containing d, at that unit's precision."""
    if unit in ("D", "H", "MIN", "S"):
        return _fmt_day(d)
    if unit in ("W", "FN"):
        year, week, _ = d.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if unit == "M":
        return f"{d.year:04d}-{d.month:02d}"
    if unit == "Q":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    if unit == "HY":
        return f"{d.year:04d}-H{1 if d.month <= 6 else 2}"
    if unit == "DE":
        return f"{d.year // 10:03d}"
    if unit == "CE":
        return f"{d.year // 100:02d}"
    return f"{d.year:04d}"


def _shift(d: dt.date, unit: str, n: int) -> dt.date:
    if unit == "D":
        return d + relativedelta(days=n)
    if unit == "W":
        return d + relativedelta(weeks=n)
    if unit == "FN":
        return d + relativedelta(weeks=2 * n)
    if unit == "M":
        return d + relativedelta(months=n)
    if unit == "Q":
        return d + relativedelta(months=3 * n)
    if unit == "DE":
        return d + relativedelta(years=10 * n)
    if unit == "CE":
        return d + relativedelta(years=100 * n)
    if unit in ("H", "MIN", "S"):
        seconds = {"H": 3600, "MIN": 60, "S": 1}[unit] * n
        return d + relativedelta(days=int(seconds // 86400))
    return d + relativedelta(years=n)


def _year_of(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value)
    return int(text[:4]) if text[:4].isdigit() else None


def _choose_year(
    ctx: _Context, month: int, day: int | None, direction: int | None = None, span: int = 1
) -> int:
    """The year of an expression written without one ("March 3", "in May").

    News convention: the occurrence nearest to the publication date, looked for on the
    side the tense points to (past: this year or last; future: this year or next;
    unknown: either); an explicit last/next picks the side outright.
    """
    anchor = ctx.need_anchor()
    if direction is not None and direction != 0:
        here = (anchor.month, anchor.day)
        target = (month, day if day is not None else (here[1] if month == anchor.month else 1))
        if direction < 0:
            return anchor.year if target < here else anchor.year - 1
        return anchor.year if target > here else anchor.year + 1
    if direction == 0:
        return anchor.year
    tense = ctx.tense()
    years = (-1, 0, 1)
    # The tense cue is a hint, not a rule: a date on the wrong side of the anchor counts
    # as _AGAINST_TENSE times farther away.
    against = {PAST: 1, FUTURE: -1, FUTURE_IN_PAST: -1}.get(tense or "", 0)
    # A modal right by the expression decides; other cues only weigh in.
    factor = float("inf") if ctx.tense_is_close() else _AGAINST_TENSE

    def distance(offset: int) -> float:
        y = anchor.year + offset
        if day is None:  # month precision: distance in months to the period, 0 inside it
            first = (y * 12 + month) - (anchor.year * 12 + anchor.month)
            last = first + span - 1
            signed = float(first if first > 0 else last if last < 0 else 0)
        else:
            try:
                signed = (dt.date(y, month, day) - anchor).days / 30.4
            except ValueError:
                return float("inf")
        return abs(signed) * (factor if signed * against > 0 else 1)

    best = min(years, key=lambda off: (distance(off), off != 0))
    return anchor.year + best


# ------------------------------------------------------------------ operations
def _op_date(ctx: _Context, year: Any = None, month: Any = None, day: Any = None) -> str:
    y = ctx.arg(year)
    m = ctx.arg(month)
    d = ctx.arg(day)
    m_int = int(m) if m is not None else None
    if y is None and ctx.range_start[:4].isdigit() and m_int is not None:
        # The end of a range takes the start's year ("from May to July", "Dec. 30 to Jan. 2").
        y = int(ctx.range_start[:4])
        start_month = int(ctx.range_start[5:7]) if ctx.range_start[5:7].isdigit() else m_int
        if m_int < start_month:
            y += 1
    if y is None:
        if m_int is None:
            raise ValueError("a date needs at least a year or a month")
        try:
            y = _choose_year(ctx, m_int, d)
        except _NeedsAnchor:
            return f"XXXX-{m_int:02d}" + (f"-{d:02d}" if d is not None else "")
    y_int = _year_of(y)
    if y_int is None:
        return "XXXX" + (f"-{m_int:02d}" if m_int else "")
    if m_int is None:
        return f"{y_int:04d}"
    if d is None:
        return f"{y_int:04d}-{m_int:02d}"
    return _fmt_day(dt.date(y_int, m_int, int(d)))  # ValueError for "Feb. 30": no date


def _op_month_dir(ctx: _Context, month: Any, direction: Any) -> str:
    m = int(ctx.arg(month))
    dirn = ctx.arg(direction)
    try:
        year = _choose_year(ctx, m, None, dirn if dirn is not None else None)
    except _NeedsAnchor:
        return f"XXXX-{m:02d}"
    return f"{year:04d}-{m:02d}"


def _op_weekday(ctx: _Context, weekday: Any, direction: Any = None) -> str:
    wd = int(ctx.arg(weekday))
    dirn = ctx.arg(direction)
    try:
        anchor = ctx.need_anchor()
    except _NeedsAnchor:
        return f"XXXX-WXX-{wd}"
    rd_weekday = _WEEKDAYS[wd]
    if dirn is not None and dirn < 0:  # "last Thursday": strictly before the anchor
        day = anchor - relativedelta(days=1) + relativedelta(weekday=rd_weekday(-1))
    elif dirn is not None and dirn > 0:  # "next Thursday": strictly after
        day = anchor + relativedelta(days=1) + relativedelta(weekday=rd_weekday(+1))
    elif ctx.tense() == FUTURE_IN_PAST and ctx.tense_before():
        # "said the envoy would fly Thursday": the report came shortly before the
        # weekday, which may lie on either side of the publication date.
        ahead = anchor + relativedelta(weekday=rd_weekday(+1))
        back = anchor + relativedelta(weekday=rd_weekday(-1))
        day = ahead if (ahead - anchor) < (anchor - back) else back
    elif ctx.tense() == FUTURE and ctx.tense_before():
        # Only a future cue before the weekday points forward: one after it mostly belongs
        # to another clause ("On Friday, the government planned to pay ...", "set Friday as
        # the deadline").
        day = anchor + relativedelta(weekday=rd_weekday(+1))
    else:
        # News reports mostly what happened: an unmarked weekday is the latest one,
        # the publication day included ("Thursday's call" in Friday's paper).
        day = anchor + relativedelta(weekday=rd_weekday(-1))
    return _fmt_day(day)


def _op_rel(ctx: _Context, unit: Any, offset: Any) -> str:
    u = ctx.arg(unit) or "D"
    n = ctx.arg(offset)
    n = 0 if n is None else n
    if n == "X":
        return "PAST_REF"
    try:
        anchor = ctx.need_anchor()
    except _NeedsAnchor:
        return _UNDERSPECIFIED.get(u, "XXXX")
    return _fmt_unit(_shift(anchor, u, int(n)), u)


def _op_ago(ctx: _Context, amount: Any, unit: Any, sign: Any) -> str:
    n = ctx.arg(amount)
    u = ctx.arg(unit)
    s = ctx.arg(sign)
    ctx.relative = True
    if n == "X":
        ctx.unresolved = ctx.anchor is None
        return "PAST_REF" if s < 0 else "FUTURE_REF"
    try:
        anchor = ctx.need_anchor()
    except _NeedsAnchor:
        return _UNDERSPECIFIED.get(u, "XXXX")
    n_int = int(round(float(n)))
    # "a decade ago" is a year, not a decade; "six weeks ago" a week.
    precision = {"DE": "Y", "CE": "Y", "H": "D", "MIN": "D", "S": "D"}.get(u, u)
    return _fmt_unit(_shift(anchor, u, s * n_int), precision)


def _op_quarter(ctx: _Context, quarter: Any, year: Any = None, direction: Any = None) -> str:
    q = int(ctx.arg(quarter))
    if not 1 <= q <= 4:
        raise ValueError("no such quarter")
    y = _year_of(ctx.arg(year))
    if y is None:
        try:
            y = _choose_year(ctx, 3 * q - 2, None, ctx.arg(direction), span=3)
        except _NeedsAnchor:
            return f"XXXX-Q{q}"
    return f"{y:04d}-Q{q}"


def _op_half(ctx: _Context, half: Any, year: Any = None) -> str:
    h = int(ctx.arg(half))
    y = _year_of(ctx.arg(year))
    if y is None:
        try:
            y = _choose_year(ctx, 6 * h - 5, None, span=6)
        except _NeedsAnchor:
            return f"XXXX-H{h}"
    return f"{y:04d}-H{h}"


def _op_season(ctx: _Context, season: Any, year: Any = None, direction: Any = None) -> str:
    s = ctx.arg(season)
    y = _year_of(ctx.arg(year))
    if y is not None:
        return f"{y:04d}-{s}"
    try:
        anchor = ctx.need_anchor()
    except _NeedsAnchor:
        return f"XXXX-{s}"
    target = _SEASONS.index(s)
    current = _SEASON_OF_MONTH[anchor.month]
    dirn = ctx.arg(direction)
    year_now = anchor.year + (1 if anchor.month == 12 else 0)  # December opens next year's winter
    if dirn is None:
        tense = ctx.tense()
        dirn = {PAST: -1, FUTURE: 1, FUTURE_IN_PAST: 1}.get(tense or "", 0)
        if dirn < 0 and target <= current or dirn > 0 and target >= current:
            dirn = 0
    if dirn < 0:
        y = year_now if target < current else year_now - 1
    elif dirn > 0:
        y = year_now if target > current else year_now + 1
    else:
        y = year_now
    return f"{y:04d}-{s}"


def _op_weekend(ctx: _Context, direction: Any = None) -> str:
    dirn = ctx.arg(direction)
    try:
        anchor = ctx.need_anchor()
    except _NeedsAnchor:
        return "XXXX-WXX-WE"
    if dirn is None:
        dirn = 1 if ctx.tense() == FUTURE and ctx.tense_before() else -1
    if dirn > 0:
        saturday = anchor + relativedelta(weekday=SA(+1))
    elif dirn == 0:
        saturday = anchor + relativedelta(weekday=SA(+1)) if anchor.weekday() < 5 else anchor
    else:
        saturday = anchor + relativedelta(weekday=SA(-1))
    return _fmt_unit(saturday, "W") + "-WE"


def _op_decade(ctx: _Context, decade: Any) -> str:
    return str(ctx.arg(decade))


def _op_century(ctx: _Context, ordinal: Any) -> str:
    return f"{int(ctx.arg(ordinal)) - 1:02d}"


# US holidays on the nth weekday of a month: (month, weekday, n)
_NTH_WEEKDAY_HOLIDAYS = {
    "MLK": (1, MO, 3), "PRESIDENTS": (2, MO, 3), "MOTHERS": (5, SU, 2), "FATHERS": (6, SU, 3),
    "COLUMBUS": (10, MO, 2),
}


def _holiday_date(code: str, year: int) -> dt.date:
    if code == "EASTER":
        return easter(year)
    if code == "THANKSGIVING":
        return dt.date(year, 11, 1) + relativedelta(weekday=TH(+4))
    if code == "LABOR":
        return dt.date(year, 9, 1) + relativedelta(weekday=MO(+1))
    if code == "MEMORIAL":
        return dt.date(year, 5, 31) + relativedelta(weekday=MO(-1))
    if code == "ELECTION":  # US: the Tuesday after the first Monday of November
        return dt.date(year, 11, 2) + relativedelta(weekday=TU(+1))
    if code == "GOODFRIDAY":
        return easter(year) - relativedelta(days=2)
    if code in _NTH_WEEKDAY_HOLIDAYS:
        month, weekday, nth = _NTH_WEEKDAY_HOLIDAYS[code]
        return dt.date(year, month, 1) + relativedelta(weekday=weekday(nth))
    month, day = code.split("-")
    return dt.date(year, int(month), int(day))


def _op_holiday(ctx: _Context, holiday: Any, year: Any = None, direction: Any = None) -> str:
    code = str(ctx.arg(holiday))
    y = _year_of(ctx.arg(year))
    if y is None:
        try:
            anchor = ctx.need_anchor()
        except _NeedsAnchor:
            return "XXXX-" + code if "-" in code else "XXXX-XX-XX"
        probe = _holiday_date(code, anchor.year)
        y = _choose_year(ctx, probe.month, probe.day, ctx.arg(direction))
    return _fmt_day(_holiday_date(code, y))


def _op_daypart(ctx: _Context, weekday: Any, refday: Any, date_op: Any = None) -> str:
    # "5 p.m. EST Nov. 9": a written date wins over the weekday or the anchor's day.
    if isinstance(date_op, list) and ctx.groups.get(str(date_op[2])) is not None:
        return str(ctx.arg(date_op))
    if ctx.arg(weekday) is not None:
        return _op_weekday(ctx, weekday)
    if ctx.arg(refday) is None:
        ctx.default_day = True  # the tagger may take the day from a date in the same sentence
    return _op_rel(ctx, "D", refday)


def _op_time(ctx: _Context, hour: Any, minute: Any, ampm: Any, date_op: Any) -> str:
    h = int(ctx.arg(hour) or 0)
    mi = ctx.arg(minute)
    ap = ctx.arg(ampm)
    if ap in ("a", "p") and h > 12:
        raise ValueError("no such hour")
    if ap == "p" and h < 12:
        h += 12
    elif ap == "a" and h == 12:
        h = 0
    elif ap in ("AF", "EV", "NI") and h < 12:  # "8 in the evening", "11 o'clock at night"
        h += 12
    if h > 23 or int(mi or 0) > 59:
        raise ValueError("no such time")
    day = ctx.arg(date_op)
    return f"{day}T{h:02d}:{int(mi or 0):02d}"


def _op_pod(ctx: _Context, date_op: Any, part: Any) -> str:
    day = ctx.arg(date_op)
    return f"{day}T{ctx.arg(part) or 'NI'}"


def _fmt_number(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


def _op_dur(ctx: _Context, amount: Any, unit: Any) -> str:
    n = ctx.arg(amount)
    u = ctx.arg(unit)
    if n == "X":
        return {
            "DE": "PXDE",
            "CE": "PXCE",
            "FN": "PXW",
            "Q": "PXQ",
            "H": "PTXH",
            "MIN": "PTXM",
            "S": "PTXS",
        }.get(u, f"PX{u}")
    n = float(n)
    if n <= 0:
        raise ValueError("empty duration")
    # Quarters stay quarters (P2Q, as TimeBank writes them); decades and centuries are years.
    scale = {"DE": (10, "Y"), "CE": (100, "Y"), "FN": (2, "W")}
    if u in scale:
        factor, u = scale[u]
        n *= factor
    if n != int(n):
        whole = int(n)
        # Halves of a unit as the next smaller unit: 2 1/2 years -> P2Y6M.
        finer = {
            "Y": (12, "M"),
            "M": (30, "D"),
            "W": (7, "D"),
            "D": (24, "H"),
            "H": (60, "MIN"),
            "MIN": (60, "S"),
        }.get(u)
        if finer:
            part = int(round((n - whole) * finer[0]))
            if u in ("Y", "M", "W"):
                return f"P{whole}{u}{part}{finer[1]}" if finer[1] != "H" else f"P{whole}{u}T{part}H"
            if u == "D":
                return f"P{whole}DT{part}H"
            if u == "MIN":
                return f"PT{whole}M{part}S"
            return f"PT{whole}H{part}M"
    if u == "H":
        return f"PT{_fmt_number(n)}H"
    if u == "MIN":
        return f"PT{_fmt_number(n)}M"
    if u == "S":
        return f"PT{_fmt_number(n)}S"
    return f"P{_fmt_number(n)}{u}"


def _op_set(ctx: _Context, value: Any) -> str:
    return str(ctx.arg(value))


def _op_set_weekday(ctx: _Context, weekday: Any) -> str:
    return f"XXXX-WXX-{int(ctx.arg(weekday))}"


def _op_literal(ctx: _Context, value: Any) -> str:
    v = str(ctx.arg(value))
    if v.endswith("_REF"):
        # PAST_REF is itself underspecified, but it only means something (and can only
        # be placed on a timeline) against a publication date.
        ctx.relative = True
        ctx.unresolved = ctx.anchor is None
    return v


def _op_year_before(ctx: _Context) -> str:
    # Business news compares a period with the same period a year before: after
    # "third-quarter profit rose", "a year earlier" is last year's third quarter.
    if ctx.reference:
        ctx.relative = True
        return f"{int(ctx.reference[:4]) - 1:04d}{ctx.reference[4:]}"
    return _op_rel(ctx, "Y", -1)


def _op_anaphor(ctx: _Context, unit: Any, offset: Any) -> str:
    u = ctx.arg(unit) or "D"
    n = int(ctx.arg(offset) or 0)
    if u == "Q" and ctx.reference:  # "that quarter": the quarter under discussion
        ctx.relative = True
        year, quarter = int(ctx.reference[:4]), int(ctx.reference[6])
        index = year * 4 + quarter - 1 + n
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    last = ctx.last_date
    # The mentioned date must be at least as precise as the unit asked for.
    needed = {"D": 10, "W": 10, "M": 7}.get(u, 4)
    if len(last) < needed:
        return _op_rel(ctx, u, n)
    ctx.relative = True
    day = dt.date(
        int(last[:4]), int(last[5:7] or 1) if len(last) >= 7 else 1, int(last[8:10]) if len(last) >= 10 else 1
    )
    return _fmt_unit(_shift(day, u, n), u)


def _op_anaphor_weekday(ctx: _Context, weekday: Any, direction: Any) -> str:
    dirn = int(ctx.arg(direction))
    last = ctx.last_date
    if not _DAY_VALUE.match(last):
        return _op_weekday(ctx, weekday, dirn)
    ctx.relative = True
    day = dt.date.fromisoformat(last) + relativedelta(days=dirn)
    return _fmt_day(day + relativedelta(weekday=_WEEKDAYS[int(ctx.arg(weekday))](dirn)))


def _op_week_of(ctx: _Context, date_op: Any) -> str:
    day = str(ctx.arg(date_op))
    if not day[:4].isdigit():
        return "XXXX-WXX"
    return _fmt_unit(dt.date.fromisoformat(day[:10]), "W")


def _op_period_of_year(ctx: _Context, year: Any) -> str:
    y = _year_of(ctx.arg(year))
    if y is None:  # "the latest period": the quarter under discussion or the last one
        return ctx.reference if ctx.reference else _op_rel(ctx, "Q", -1)
    if ctx.reference:
        return f"{y:04d}{ctx.reference[4:]}"
    return f"{y:04d}"


_OPS: dict[str, Callable[..., str]] = {
    "date": _op_date,
    "weekday": _op_weekday,
    "rel": _op_rel,
    "ago": _op_ago,
    "quarter": _op_quarter,
    "half": _op_half,
    "season": _op_season,
    "weekend": _op_weekend,
    "decade": _op_decade,
    "century": _op_century,
    "holiday": _op_holiday,
    "time": _op_time,
    "daypart": _op_daypart,
    "pod": _op_pod,
    "dur": _op_dur,
    "set": _op_set,
    "set_weekday": _op_set_weekday,
    "literal": _op_literal,
    "month_dir": _op_month_dir,
    "year_before": _op_year_before,
    "period_of_year": _op_period_of_year,
    "anaphor": _op_anaphor,
    "anaphor_weekday": _op_anaphor_weekday,
    "week_of": _op_week_of,
}


def _evaluate(op: list[Any], ctx: _Context) -> str:
    return _OPS[op[0]](ctx, *op[1:])


# ------------------------------------------------------------------ tense
def _is_stop(text: str, dot: int) -> bool:
    """True when the '.' at ``dot`` (followed by a space) ends a sentence: not an
    abbreviation ("vs. Wade", "U.S. officials") nor followed by a lower-case word."""
    following = text[dot + 2 : dot + 3]
    return not (following.islower() or following.isdigit() or _is_abbreviation(text, dot))


def _sentence_window(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - _WINDOW)
    hi = min(len(text), end + _WINDOW)
    left = max(text.rfind("\n\n", lo, start), text.rfind("? ", lo, start), text.rfind("! ", lo, start))
    dot = text.rfind(". ", lo, start)
    while dot > left and not _is_stop(text, dot):
        dot = text.rfind(". ", lo, dot)
    left = max(left, dot)
    right = text.find("\n\n", end, hi)
    dot = text.find(". ", end, hi)
    while dot >= 0 and (right < 0 or dot < right) and not _is_stop(text, dot):
        dot = text.find(". ", dot + 1, hi)
    right_candidates = [i for i in (dot, right) if i >= 0]
    return (left + 1 if left >= 0 else lo), (min(right_candidates) if right_candidates else hi)


class _Cues:
    """The tense cues of one text, found block by block when first needed near an
    expression, then looked up by position (long sentences cost no rescans, and text
    far from any expression that needs a tense is never scanned)."""

    __slots__ = ("text", "blocks")
    BLOCK = 2048

    def __init__(self, text: str):
        self.text = text
        self.blocks: dict[int, list[tuple[int, int, str]]] = {}

    def _block(self, index: int) -> list[tuple[int, int, str]]:
        cues = self.blocks.get(index)
        if cues is not None:
            return cues
        regex, future, not_past, strong, reporting, in_past = load_tense_cues()
        lo = index * self.BLOCK
        hi = lo + self.BLOCK
        found: list[tuple[int, int, str]] = []
        # Scan a little past the block so a cue that starts inside it is seen whole.
        for m in regex.finditer(self.text, lo, min(len(self.text), hi + 64)):
            if m.start() >= hi:
                break
            word = " ".join(m.group(0).lower().replace("’", "'").split())
            if word in strong or word == "'ll":
                kind = FUTURE_STRONG
            elif word in reporting:
                kind = REPORT
            elif word in in_past:
                kind = FUTURE_IN_PAST
            elif word in future:
                kind = FUTURE
            elif word in not_past:
                continue
            else:
                kind = PAST
            found.append((m.start(), m.end(), kind))
        self.blocks[index] = found
        return found

    def _between(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        cues: list[tuple[int, int, str]] = []
        for index in range(lo // self.BLOCK, hi // self.BLOCK + 1):
            cues.extend(c for c in self._block(index) if lo <= c[0] and c[1] <= hi)
        # An auxiliary right before another cue ("were planning to", "was expected
        # to"): the second word carries the tense.
        kept: list[tuple[int, int, str]] = []
        for cue in cues:
            gap = self.text[kept[-1][1] : cue[0]] if kept else "x"
            future_before = kept and (
                kept[-1][2] == FUTURE_STRONG
                or kept[-1][2] == FUTURE
                and self.text[kept[-1][1] - 2 : kept[-1][1]] == "to"
            )
            if future_before and cue[2] == PAST and _PASSIVE_GAP.match(gap):
                # ... except a participle after a future: "will be paid", "is to be
                # completed", "are expected to be signed" are future passives ("could be
                # located" is not).
                before = kept.pop()
                cue = (before[0], cue[1], before[2])
            elif kept and len(gap) <= 2 and gap.isspace() and kept[-1][2] != REPORT:
                # (a reporting verb is no auxiliary: "announced plans to" was announced)
                before = kept.pop()
                if before[2] in (FUTURE_STRONG, FUTURE_IN_PAST) and cue[2] == FUTURE:
                    cue = (before[0], cue[1], before[2])  # "will resume", "would resume": the modal decides
            kept.append(cue)
        return kept

    def near(self, start: int, end: int) -> _Tense:
        """(PAST / FUTURE / None, distance) of the cue nearest to text[start:end] in its sentence."""
        lo, hi = _sentence_window(self.text, start, end)
        if self.text.startswith(("'s", "’s"), end):
            # "get around Wednesday's ruling", "Thursday's call": a possessive names an
            # event; only a cue right before it ("after", "ahead of" aside) times it.
            lo, hi = max(lo, start - _CLOSE_CUE), start
        cues = self._between(lo, hi)
        if _FRONTED_BEFORE.match(self.text, lo, start) and _FRONTED_AFTER.match(self.text, end, hi):
            # "In January, American brought in ...", "On Friday, the leaders will meet":
            # an expression that opens its sentence sets the time of the clause after
            # the comma, whose verb decides (a reporting verb too: "On Monday, he said").
            for c_start, c_end, kind in cues:
                if c_start >= end:
                    words = self.text[c_start:c_end].lower().split()
                    if kind == FUTURE_STRONG or kind == FUTURE and len(words) > 1 and words[0][-1] == "s":
                        # "will meet", and the present of a plan: "On Tuesday, the league
                        # plans to hold ..." (not "On Friday, the government planned to",
                        # nor the noun in "set aside vacation plans")
                        return (FUTURE, 0, True)
                    if kind not in _FUTURES:  # weak future cues ("could", "would") only weigh in
                        return (PAST, 0, False)
                    break
        best: tuple[int, str, bool] | None = None
        before: tuple[int, str] | None = None  # the nearest cue before the expression
        for c_start, c_end, kind in cues:
            if c_end <= start:
                before = (start - c_end, kind)
            if start <= c_start < end:
                continue  # the expression's own words ("last", "next") are handled by the rule
            if kind == REPORT:
                # "said Monday", "told reporters on Tuesday": the expression dates the
                # saying, which is past. Anywhere else a reporting verb says nothing
                # about the reported event ("said it will meet in May").
                if c_end > start or start - c_end > _CLOSE_CUE:
                    continue
                kind = PAST
            if c_end <= start:
                distance = start - c_end
            else:
                # A verb before the expression governs it more often than one after it.
                distance = c_start - end + 5
            if best is None or distance < best[0]:
                best = (distance, kind, c_end <= start)
        if before is not None and before[1] == FUTURE_STRONG:
            # "Qantas will almost double its flights ... by August": a modal governs the
            # rest of its clause, up to the next verb.
            return (FUTURE, 0, True)
        if best is None:
            return (None, 1 << 30, False)
        if best[1] == FUTURE_STRONG:  # only a modal right before the expression decides outright
            return (FUTURE, best[0] if best[0] <= _CLOSE_CUE else 1 << 30, best[2])
        if best[1] == PAST and best[2] and best[0] <= _CLOSE_PAST:
            # A past verb right before the expression governs it: "the year ended Jan. 31",
            # "was killed in December".
            return (PAST, best[0], True)
        return (best[1], 1 << 30, best[2])


# ------------------------------------------------------------------ phase two driver
def _groups_of(rule: Rule, m: Any) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    for spec in rule.groups:
        raw = m.group(spec.regex_name)
        if raw is None or spec.name in values:
            continue
        if spec.capitalized and not raw[:1].isupper():
            return None  # "may" the verb, "march" the walk: not month names
        values[spec.name] = spec.normalize(raw)
    return values


def _resolve(
    rule: Rule,
    groups: dict[str, Any],
    anchor: dt.date | None,
    tense_fn: Callable[[], _Tense],
    reference: str = "",
    last_date: str = "",
) -> tuple[str, bool, bool, str, bool]:
    ctx = _Context(anchor, groups, tense_fn)
    ctx.reference = reference
    ctx.last_date = last_date
    try:
        value = _evaluate(rule.value, ctx)
        resolved = not ctx.unresolved
    except (_NeedsAnchor, OverflowError, ValueError) as exc:
        if anchor is None and not isinstance(exc, _NeedsAnchor):
            raise
        # Without an anchor (or past year 9999): the underspecified form, unresolved.
        ctx = _Context(None, groups, tense_fn)
        try:
            value = _evaluate(rule.value, ctx)
        except _NeedsAnchor:
            value = "XXXX-XX-XX"
        resolved = False
    end_value = ""
    if rule.end is not None:
        end_ctx = _Context(anchor, groups, tense_fn)
        end_ctx.range_start = value
        try:
            end_value = _evaluate(rule.end, end_ctx)
        except (_NeedsAnchor, OverflowError, ValueError):
            end_value = _evaluate(rule.end, _Context(None, groups, tense_fn))
    return value, resolved, ctx.relative, end_value, ctx.default_day


def _mod_of(rule: Rule, groups: dict[str, Any]) -> str:
    if not rule.mod:
        return ""
    if rule.mod in rule.group_names:
        mod = groups.get(rule.mod)
        return str(mod) if mod else ""
    return rule.mod


def tag(text: str, anchor: dt.date | None) -> list[Timex]:
    """Time expressions of ``text``, normalized against ``anchor`` (publication date).

    Pure; never raises; sorted by start; spans do not overlap.
    """
    if not isinstance(text, str) or not text:
        return []
    if anchor is not None and not isinstance(anchor, dt.date):
        anchor = None
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    rules = load_rules()
    out: list[Timex] = []
    reference, reference_end = "", -1  # last quarter mentioned, for "a year earlier"
    undated: list[int] = []  # clock times that name no day
    cues = _Cues(text)
    last_date = ""  # last year / month / day mentioned, for "the following year", "that day"
    for m in rules.finditer(text):
        rule = rules.rules.get(m.lastgroup or "")
        if rule is None or rule.type == "IGNORE":
            continue  # a negative rule: the span is no time expression
        start, end = m.span()
        if text[start].isupper() or text[start].isdigit():
            if _in_a_name(text, start, end):
                continue
        try:
            groups = _groups_of(rule, m)
            if groups is None:
                continue
            near = reference if 0 <= start - reference_end <= _REFERENCE_REACH else ""
            value, resolved, relative, end_value, default_day = _resolve(
                rule, groups, anchor, lambda s=start, e=end: cues.near(s, e), near, last_date
            )
        except (ValueError, OverflowError, KeyError, IndexError, TypeError, ZeroDivisionError):
            continue  # not a valid date ("Feb. 30") or out of range: no expression here
        if default_day and resolved:
            undated.append(len(out))
        out.append(
            Timex(
                start,
                end,
                text[start:end],
                rule.type,
                value,
                resolved,
                relative,
                _mod_of(rule, groups),
                end_value,
            )
        )
        # Only a quarter named in the text becomes the period under discussion, not one
        # derived from it ("a year earlier" must not shift the next "year-ago" again).
        if rule.type == "DATE" and rule.value[0] in ("quarter", "rel") and _QUARTER.match(value):
            # ... and only one that has begun: a forecast for "the third quarter of next
            # year" is not what "the year-ago period" of reported results compares with;
            # nor is an outlook for the current quarter ("expect the trend to continue into
            # the fourth quarter"), unless it "ended" (a fiscal quarter).
            begun = (int(value[:4]), 3 * int(value[6]) - 2) <= (anchor.year, anchor.month) if anchor else True
            ended = anchor is None or (int(value[:4]), 3 * int(value[6])) < (anchor.year, anchor.month)
            if ended or begun and (_ENDED.match(text, end) or cues.near(start, end)[0] not in _FUTURES):
                reference, reference_end = value, end
        elif (
            rule.type == "DURATION"
            and _MONTHS.match(value)
            or (
                rule.value[0] == "date"
                and len(value) == 4
                and (anchor is None or value <= f"{anchor.year:04d}")
            )
        ):
            # "the first nine months", "fiscal 1989": the discussion moved off the quarter
            # (a year still to come is a forecast aside: "... into the first half of 1990").
            reference, reference_end = "", -1
        if rule.type in ("DATE", "TIME") and resolved and _CALENDAR_DATE.match(value):
            last_date = value[:10]
    for index in undated:
        out[index] = _date_clock_time(text, out, index)
    return out


def _in_a_name(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is part of a title or a name, not a time: a quoted title
    ("This Week", "High Noon") or a capitalized "Today" after a word ("USA Today")."""
    span = text[start:end]
    if not _TITLE_CASE.match(span):
        return False
    lo = max(0, start - 80)
    before = _TITLE_BEFORE.search(text, lo, start)
    after = _TITLE_AFTER.match(text, end, end + 80)
    if before and after:
        # two words at least: a single quoted word is more likely a scare quote ("Friday")
        if len(before.group(1).split()) + len(span.split()) + len(after.group(1).split()) >= 2:
            return True
    if not _NAME_WORD.match(span) or not _WORD_BEFORE.search(text, lo, start):
        return False
    # ... unless its line is a headline in title case ("Talks Resume Today")
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return any(word[0].islower() and word not in _TITLE_SMALL_WORDS for word in line.split())


def _date_clock_time(text: str, found: list[Timex], index: int) -> Timex:
    """ "at about 10:35 a.m. (0735 GMT) Friday": a clock time that names no day takes
    the day of the nearest day-precise date in its sentence (else the anchor's day)."""
    clock = found[index]
    lo, hi = _sentence_window(text, clock.start, clock.end)
    best: tuple[int, Timex] | None = None
    for other in found:
        if other is clock or other.type != "DATE" or not _DAY_VALUE.match(other.value):
            continue
        if other.end <= lo or other.start >= hi:
            continue
        distance = clock.start - other.end if other.end <= clock.start else other.start - clock.end
        if best is None or distance < best[0]:
            best = (distance, other)
    if best is None:
        return clock
    return replace(
        clock, value=best[1].value[:10] + clock.value[10:], relative=clock.relative or best[1].relative
    )
