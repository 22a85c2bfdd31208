"""Publication-date evidence and the choice between competing evidence.

Best evidence first: page metadata, the file's header block, the article's
dateline, a date in the URL, a date in the file name, the e-mail ``Date:``. The
file's modification time is never evidence: it says when a file was copied, not
when the article appeared.

A dateline ("WASHINGTON, May 30 (Reuters) -") usually has no year; it is used only
when another piece of evidence supplies the year, never with a guessed one.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from viewer.core.resources import load_json

# Plausible publication years: rejects "1/1/0001" defaults and misread numbers.
MIN_YEAR, MAX_YEAR = 1900, 2100

ORIGINS = ("metadata", "header", "dateline", "url", "filename", "email")


@lru_cache(maxsize=1)
def _dateline_data() -> dict:
    return load_json("ingest/datelines.json")


def months() -> dict[str, int]:
    return dict(_dateline_data()["months"])


def agencies() -> dict[str, str]:
    return dict(_dateline_data()["agencies"])


def _valid(y: int, m: int, d: int) -> date | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:T.*)?$")


def parse_date(value: object) -> date | None:
    """A date from a metadata or header value ("2025-06-05", "June 5, 2025 10:00 EDT")."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _valid(value.year, value.month, value.day)
    if isinstance(value, date):
        return _valid(value.year, value.month, value.day)
    s = str(value).strip()
    if not s or len(s) > 80:
        return None
    if m := _ISO.match(s) or _COMPACT.match(s):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if not re.search(r"\d", s) or not re.search(r"\d{4}", s):
        # A date without a year ("May 30") is not a publication date by itself.
        return None
    from dateutil import parser

    # Parse with two different defaults: a field that changes with the default was
    # not in the string ("2025" alone must not become 1 January 2025).
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = parser.parse(s, ignoretz=True, fuzzy=True, default=datetime(1904, 1, 1))
            b = parser.parse(s, ignoretz=True, fuzzy=True, default=datetime(1908, 2, 2))
    except (ValueError, OverflowError, TypeError):
        return None
    if a.date() != b.date():
        return None
    return _valid(a.year, a.month, a.day)


def parse_year(value: object) -> int | None:
    """A bare year ("2025") from a header value, for completing a dateline."""
    m = re.fullmatch(r"\s*(\d{4})\s*", str(value or ""))
    if m and MIN_YEAR <= int(m[1]) <= MAX_YEAR:
        return int(m[1])
    return None


# /2025/06/05/, /2025-06-05/, /20250605/, /2025/jun/05/
_URL_YMD = re.compile(
    r"(?<!\d)((?:19|20)\d{2})[/_.-](\d{1,2}|[a-z]{3,9})[/_.-](\d{1,2})(?!\d)", re.IGNORECASE
)
_URL_COMPACT = re.compile(r"(?<![\d])((?:19|20)\d{2})(\d{2})(\d{2})(?![\d])")
_URL_YM = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/")
_URL_YEAR = re.compile(r"/((?:19|20)\d{2})/")


def _month_number(token: str) -> int | None:
    if token.isdigit():
        n = int(token)
        return n if 1 <= n <= 12 else None
    return months().get(token.lower().rstrip("."))


def date_in_url(url: str) -> tuple[date | None, int | None]:
    """(date, year) found in a URL's path; either may be None."""
    if not url:
        return None, None
    path = re.sub(r"^[a-z]+://[^/]+", "", url.strip(), flags=re.IGNORECASE)[:500]
    for m in _URL_YMD.finditer(path):
        mo = _month_number(m[2])
        if mo and (d := _valid(int(m[1]), mo, int(m[3]))):
            return d, d.year
    for m in _URL_COMPACT.finditer(path):
        if d := _valid(int(m[1]), int(m[2]), int(m[3])):
            return d, d.year
    if m := _URL_YM.search(path):
        if 1 <= int(m[2]) <= 12:
            return None, int(m[1])
    if m := _URL_YEAR.search(path):
        return None, int(m[1])
    return None, None


_MONTH_WORD = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_NAME_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_. ]?(\d{2})[-_. ]?(\d{2})(?!\d)")
_NAME_DMY_WORD = re.compile(
    rf"(?<![\da-z])(\d{{1,2}})[-_. ]?({_MONTH_WORD})[-_. ,]*((?:19|20)\d{{2}})(?!\d)", re.IGNORECASE
)
_NAME_MDY_WORD = re.compile(
    rf"(?<![a-z])({_MONTH_WORD})[-_. ]?(\d{{1,2}})(?:st|nd|rd|th)?[-_. ,]+((?:19|20)\d{{2}})(?!\d)",
    re.IGNORECASE,
)
_NAME_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def date_in_filename(name: str) -> tuple[date | None, int | None]:
    """(date, year) in a file name: "2025-06-05 trade call.txt", "reuters_20250605.html"."""
    stem = name.rsplit("/", 1)[-1]
    for m in _NAME_YMD.finditer(stem):
        if d := _valid(int(m[1]), int(m[2]), int(m[3])):
            return d, d.year
    for m in _NAME_DMY_WORD.finditer(stem):
        mo = _month_number(m[2])
        if mo and (d := _valid(int(m[3]), mo, int(m[1]))):
            return d, d.year
    for m in _NAME_MDY_WORD.finditer(stem):
        mo = _month_number(m[1])
        if mo and (d := _valid(int(m[3]), mo, int(m[2]))):
            return d, d.year
    years = {int(y) for y in _NAME_YEAR.findall(stem)}
    if len(years) == 1:
        return None, years.pop()
    return None, None


@dataclass(frozen=True)
class Dateline:
    place: str
    agency: str  # outlet name from "(Reuters)", or ""
    month: int | None
    day: int | None
    year: int | None
    end: int  # offset just past the dash, in the text searched


# A place in capitals (one to four words, "WASHINGTON", "HONG KONG", "ST. LOUIS"),
# optionally ", D.C." / ", Calif." / ", China"; then an optional date and/or an
# agency in parentheses; then a dash. Bounded repetitions keep it linear.
_PLACE = r"[A-Z][A-Z.'’\-]{1,30}(?:[ \-][A-Z][A-Z.'’\-]{0,30}){0,3}"
_MONTH_CI = rf"(?i:{_MONTH_WORD})"
_REGION = r"(?:,\s{0,3}(?!" + _MONTH_CI + r"\b)[A-Z][A-Za-z.]{1,20}(?:\s[A-Z][A-Za-z.]{1,20})?)?"
_DATE = (
    rf"(?:,?\s{{0,3}}(?P<month>{_MONTH_CI})\.?\s{{1,3}}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:,?\s{{1,3}}(?P<year>(?:19|20)\d{{2}}))?)?"
)
_AGENCY = r"(?:\s{0,3}\((?P<agency>[A-Za-z][A-Za-z .&'-]{0,38})\))?"
_DASH = r"\s{0,3}(?:—|–|-{1,2}|:)\s"
_DATE2 = _DATE
for _g in ("month", "day", "year"):
    _DATE2 = _DATE2.replace(f"?P<{_g}>", f"?P<{_g}2>")
# Both "WASHINGTON, May 30 (Reuters) -" and "BEIJING (AP) May 30 -" orders occur.
_DATELINE = re.compile(rf"(?P<place>{_PLACE}){_REGION}{_DATE}{_AGENCY}{_DATE2}{_DASH}")


def find_dateline(text: str) -> Dateline | None:
    """The dateline opening the article text, if any (searched in its first lines)."""
    head = text[:600]
    # The dateline opens the first paragraph; allow a couple of short lines before it
    # (a deck, a byline) but nothing further.
    starts = [0] + [m.end() for m in re.finditer(r"\n\s*", head)][:4]
    for start in starts:
        m = _DATELINE.match(head, start)
        if not m:
            continue
        place = m["place"].strip()
        if len(place) < 3 or not any(c.isalpha() for c in place) or place.upper() != place:
            continue
        month_s = m["month"] or m["month2"]
        day_s = m["day"] or m["day2"]
        year_s = m["year"] or m["year2"]
        agency_raw = (m["agency"] or "").strip()
        agency = agencies().get(agency_raw.lower(), "")
        if not month_s and not agency_raw:
            # "WASHINGTON — " alone: a dateline, but it carries no date or outlet.
            return Dateline(place, "", None, None, None, m.end())
        if agency_raw and not agency and not month_s:
            continue  # "(ABC)" after capitals, not a known agency and no date: unsure
        month = _month_number(month_s) if month_s else None
        day = int(day_s) if day_s else None
        year = int(year_s) if year_s else None
        return Dateline(place, agency or agency_raw, month, day, year, m.end())
    return None


@dataclass
class Evidence:
    """Collected date evidence for one article, in the order of trust."""

    metadata: date | None = None
    header: date | None = None
    header_year: int | None = None
    dateline: Dateline | None = None
    url: date | None = None
    url_year: int | None = None
    filename: date | None = None
    filename_year: int | None = None
    email: date | None = None

    def choose(self) -> tuple[date | None, str]:
        """(date, origin) from the best evidence; (None, "") when there is none."""
        if self.metadata:
            return self.metadata, "metadata"
        if self.header:
            return self.header, "header"
        if d := self._dateline_date():
            return d, "dateline"
        if self.url:
            return self.url, "url"
        if self.filename:
            return self.filename, "filename"
        if self.email:
            return self.email, "email"
        return None, ""

    def _dateline_date(self) -> date | None:
        dl = self.dateline
        if dl is None or dl.month is None or dl.day is None:
            return None
        if dl.year is not None:
            return _valid(dl.year, dl.month, dl.day)
        # The year must come from other evidence. A full date elsewhere also tells
        # which side of New Year the dateline falls on: take the year that puts the
        # dateline closest to it.
        anchors = [d for d in (self.url, self.filename, self.email) if d]
        if anchors:
            ref = anchors[0]
            options = [_valid(ref.year + k, dl.month, dl.day) for k in (-1, 0, 1)]
            valid = [o for o in options if o]
            return min(valid, key=lambda o: abs((o - ref).days)) if valid else None
        for year in (self.header_year, self.url_year, self.filename_year):
            if year:
                return _valid(year, dl.month, dl.day)
        return None
