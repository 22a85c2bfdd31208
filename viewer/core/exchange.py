"""Events in and out of other tools: CSV, TimelineJS3 JSON and its spreadsheet CSV, ICS.

Pure functions over plain records (no Qt, no database): :class:`ExportEvent` goes
out, :class:`ImportedEvent` comes in. ``viewer/store/exchange.py`` moves them
between these functions and a project.

TimelineJS3 rules (https://timeline.knightlab.com/docs/json-format.html) are
checked by :func:`validate_timelinejs`: ``events`` is a list of slides; a slide
needs ``start_date`` (except the title slide); a date needs an integer ``year``,
and ``month``/``day``/``hour``… in range; ``media`` needs a ``url``; eras need
both dates; ``scale`` is "human" or "cosmological"; ``unique_id`` is unique.
"""

from __future__ import annotations

import calendar
import csv
import html
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

from viewer.core.model import Origin, Precision, TimePoint
from viewer.core.timepoint import parse_value


class ExchangeError(ValueError):
    """A file cannot be read as the format it claims; the message says where and why."""


# ---------------------------------------------------------------- records

@dataclass
class SourceRef:
    """An article an event comes from."""

    title: str
    outlet: str = ""
    url: str = ""
    published: str = ""
    evidence: str = ""


@dataclass
class QuoteRef:
    text: str
    speaker: str | None = None


@dataclass
class ExportEvent:
    """One event as exported: its dates, what it is about and where it comes from."""

    id: int
    title: str
    when: TimePoint
    end: TimePoint | None = None  # an explicit end ("from May to July")
    date_text: str = ""
    actors: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)  # labels
    group: str = ""  # the label of the event's lane issue
    verified: bool = False
    evidence: str = ""
    sources: list[SourceRef] = field(default_factory=list)
    quotes: list[QuoteRef] = field(default_factory=list)

    @property
    def last_day(self) -> date:
        return max(self.when.end, self.end.end) if self.end else self.when.end


@dataclass
class ImportedEvent:
    """An event read from a file, ready to become a manual event."""

    title: str
    when: TimePoint
    end: TimePoint | None = None
    text: str = ""  # plain text
    group: str = ""
    actors: list[str] = field(default_factory=list)
    credit: str = ""
    url: str = ""
    uid: str = ""


@dataclass
class ImportResult:
    title: str = ""
    events: list[ImportedEvent] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line per row or slide skipped


# ---------------------------------------------------------------- CSV of events

CSV_COLUMNS = ("id", "date", "end", "start_day", "last_day", "precision", "origin", "date_as_written",
               "title",
               "actors", "issues", "group", "verified", "evidence", "sources", "source_urls", "quotes")
JOIN = " | "


def _source_label(s: SourceRef) -> str:
    bits = [s.title or s.url or "untitled"]
    if s.outlet:
        bits.append(f"({s.outlet}{', ' + s.published if s.published else ''})")
    return " ".join(bits)


def csv_rows(events: Iterable[ExportEvent]) -> list[dict[str, str]]:
    """One row per event; sources, quotes, actors and issues joined into one cell each."""
    rows = []
    for e in events:
        rows.append({
            "id": str(e.id), "date": e.when.value, "end": e.end.value if e.end else "",
            "start_day": e.when.start.isoformat(), "last_day": e.last_day.isoformat(),
            "precision": e.when.precision.value, "origin": e.when.origin.value,
            "date_as_written": e.date_text,
            "title": e.title, "actors": "; ".join(e.actors), "issues": "; ".join(e.issues), "group": e.group,
            "verified": "yes" if e.verified else "no", "evidence": e.evidence,
            "sources": JOIN.join(_source_label(s) for s in e.sources),
            "source_urls": JOIN.join(s.url for s in e.sources if s.url),
            "quotes": JOIN.join(f"“{q.text}” — {q.speaker or 'unattributed'}" for q in e.quotes),
        })
    return rows


def to_csv(events: Iterable[ExportEvent]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    w.writeheader()
    w.writerows(csv_rows(events))
    return buf.getvalue()


# ---------------------------------------------------------------- TimelineJS3 out

def _tl_date(d: date, precision: Precision) -> dict[str, int]:
    if precision in (Precision.YEAR, Precision.DECADE, Precision.CENTURY):
        return {"year": d.year}
    if precision in (Precision.MONTH, Precision.QUARTER, Precision.HALF):
        return {"year": d.year, "month": d.month}
    return {"year": d.year, "month": d.month, "day": d.day}


def timelinejs_dates(e: ExportEvent) -> tuple[dict[str, int], dict[str, int] | None]:
    """start_date and end_date (or None) of an event: as precise as its date, and spanning
    the whole period when a single TimelineJS date cannot say it (a quarter, a week)."""
    p = e.when.precision
    start = _tl_date(e.when.start, p)
    last = e.last_day
    if e.end is not None:
        end_p = e.end.precision
        return start, _tl_date(last, end_p if end_p != Precision.WEEK else Precision.DAY)
    if p in (Precision.WEEK, Precision.QUARTER, Precision.HALF, Precision.DECADE, Precision.CENTURY):
        return start, _tl_date(last, p)
    return start, None


def _html_text(e: ExportEvent) -> str:
    parts = []
    if e.evidence:
        parts.append(f"<p>{html.escape(e.evidence)}</p>")
    for q in e.quotes:
        who = f" — {html.escape(q.speaker)}" if q.speaker else ""
        parts.append(f"<blockquote>“{html.escape(q.text)}”{who}</blockquote>")
    if e.actors:
        parts.append(f"<p><small>Actors: {html.escape(', '.join(e.actors))}</small></p>")
    if e.sources:
        items = []
        for s in e.sources:
            label = html.escape(_source_label(s))
            items.append(f'<li><a href="{html.escape(s.url, quote=True)}">{label}</a></li>' if s.url
                         else f"<li>{label}</li>")
        parts.append(f"<p><small>Sources:</small></p><ul>{''.join(items)}</ul>")
    return "".join(parts)


def to_timelinejs(events: Iterable[ExportEvent], title: str = "", description: str = "") -> dict[str, Any]:
    """A TimelineJS3 document: one slide per event, grouped by trade issue, the source as media credit."""
    slides = []
    for e in events:
        start, end = timelinejs_dates(e)
        slide: dict[str, Any] = {"start_date": start}
        if end is not None:
            slide["end_date"] = end
        if e.date_text or e.when.precision not in (Precision.DAY, Precision.MONTH, Precision.YEAR):
            slide["display_date"] = e.date_text or e.when.value
        slide["text"] = {"headline": html.escape(e.title), "text": _html_text(e)}
        if e.group:
            slide["group"] = e.group
        linked = next((s for s in e.sources if s.url), None)
        if linked is not None:
            # TimelineJS embeds media from its url; a news page shows as a link card with the credit
            slide["media"] = {"url": linked.url, "credit": html.escape(linked.outlet or linked.title),
                              "caption": html.escape(linked.title)}
        slide["unique_id"] = f"dateline-{e.id}"
        slides.append(slide)
    doc: dict[str, Any] = {"events": slides}
    if title:
        doc["title"] = {"text": {"headline": html.escape(title), "text": html.escape(description)}}
    return doc


# ---------------------------------------------------------------- TimelineJS3 rules

_DATE_FIELDS = {"year": None, "month": (1, 12), "day": (1, 31), "hour": (0, 23), "minute": (0, 59),
                "second": (0, 59), "millisecond": (0, 999)}
_DATE_TEXT = {"display_date", "format"}
_SLIDE_KEYS = {"start_date", "end_date", "text", "media", "group", "display_date", "background", "autolink",
               "unique_id"}
_MEDIA_KEYS = {"url", "caption", "credit", "thumbnail", "alt", "title", "link", "link_target"}
_TOP_KEYS = {"events", "title", "eras", "scale"}


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_date(d: Any, where: str, errors: list[str]) -> tuple | None:
    if not isinstance(d, dict):
        errors.append(f"{where}: must be an object with at least a year")
        return None
    for key in d:
        if key not in _DATE_FIELDS and key not in _DATE_TEXT:
            errors.append(f"{where}.{key}: not a TimelineJS date field")
    if "year" not in d:
        errors.append(f"{where}.year: required")
    for key, bounds in _DATE_FIELDS.items():
        if key not in d:
            continue
        v = d[key]
        if not _is_int(v):
            errors.append(f"{where}.{key}: must be a whole number, not {v!r}")
            continue
        if bounds and not bounds[0] <= v <= bounds[1]:
            errors.append(f"{where}.{key}: {v} is outside {bounds[0]}–{bounds[1]}")
    for key in _DATE_TEXT:
        if key in d and not isinstance(d[key], str):
            errors.append(f"{where}.{key}: must be a string")
    # smaller units need the larger ones: a day without a month is meaningless
    order = ["year", "month", "day", "hour", "minute", "second", "millisecond"]
    for a, b in zip(order, order[1:], strict=False):
        if b in d and a not in d:
            errors.append(f"{where}.{b}: given without {a}")
    y, m, day = d.get("year"), d.get("month"), d.get("day")
    if _is_int(y) and _is_int(m) and _is_int(day) and 1 <= m <= 12 and 1 <= y <= 9999:
        if day > calendar.monthrange(y, m)[1]:
            errors.append(f"{where}: {y:04d}-{m:02d} has no day {day}")
    if not all(_is_int(d.get(k, 0)) for k in order):
        return None
    return tuple(d.get(k, 0 if k != "month" and k != "day" else 1) for k in order)


def _check_text(t: Any, where: str, errors: list[str]) -> None:
    if not isinstance(t, dict):
        errors.append(f"{where}: must be an object with headline and/or text")
        return
    for key, v in t.items():
        if key not in ("headline", "text"):
            errors.append(f"{where}.{key}: not a TimelineJS text field")
        elif not isinstance(v, str):
            errors.append(f"{where}.{key}: must be a string")


def _check_slide(s: Any, where: str, errors: list[str], title: bool = False) -> None:
    if not isinstance(s, dict):
        errors.append(f"{where}: must be an object")
        return
    for key in s:
        if key not in _SLIDE_KEYS:
            errors.append(f"{where}.{key}: not a TimelineJS slide field")
    start = end = None
    if "start_date" in s:
        start = _check_date(s["start_date"], f"{where}.start_date", errors)
    elif not title:
        errors.append(f"{where}.start_date: required")
    if "end_date" in s:
        end = _check_date(s["end_date"], f"{where}.end_date", errors)
    if start and end and end < start:
        errors.append(f"{where}: end_date is before start_date")
    if "text" in s:
        _check_text(s["text"], f"{where}.text", errors)
    if "media" in s:
        m = s["media"]
        if not isinstance(m, dict):
            errors.append(f"{where}.media: must be an object")
        else:
            if not isinstance(m.get("url"), str) or not m.get("url"):
                errors.append(f"{where}.media.url: required")
            for key, v in m.items():
                if key not in _MEDIA_KEYS:
                    errors.append(f"{where}.media.{key}: not a TimelineJS media field")
                elif not isinstance(v, str):
                    errors.append(f"{where}.media.{key}: must be a string")
    for key in ("group", "display_date", "unique_id"):
        if key in s and not isinstance(s[key], str):
            errors.append(f"{where}.{key}: must be a string")
    if "autolink" in s and not isinstance(s["autolink"], bool):
        errors.append(f"{where}.autolink: must be true or false")
    if "background" in s:
        b = s["background"]
        if not isinstance(b, dict) or any(k not in ("url", "color") or not isinstance(v, str)
                                          for k, v in b.items()):
            errors.append(f"{where}.background: must be an object with url and/or color strings")


def validate_timelinejs(doc: Any) -> list[str]:
    """Every way ``doc`` breaks the TimelineJS3 JSON field rules (empty: valid)."""
    errors: list[str] = []
    if not isinstance(doc, dict):
        return ["the document must be a JSON object"]
    for key in doc:
        if key not in _TOP_KEYS:
            errors.append(f"{key}: not a TimelineJS field")
    events = doc.get("events")
    if not isinstance(events, list):
        errors.append("events: required, a list of slides")
        events = []
    elif not events:
        errors.append("events: TimelineJS needs at least one event")
    for n, s in enumerate(events):
        _check_slide(s, f"events[{n}]", errors)
    if "title" in doc:
        _check_slide(doc["title"], "title", errors, title=True)
    if "eras" in doc:
        eras = doc["eras"]
        if not isinstance(eras, list):
            errors.append("eras: must be a list")
        else:
            for n, era in enumerate(eras):
                where = f"eras[{n}]"
                if not isinstance(era, dict):
                    errors.append(f"{where}: must be an object")
                    continue
                for key in ("start_date", "end_date"):
                    if key not in era:
                        errors.append(f"{where}.{key}: required")
                    else:
                        _check_date(era[key], f"{where}.{key}", errors)
                if "text" in era:
                    _check_text(era["text"], f"{where}.text", errors)
    if "scale" in doc and doc["scale"] not in ("human", "cosmological"):
        errors.append(f"scale: must be 'human' or 'cosmological', not {doc['scale']!r}")
    ids = [s.get("unique_id") for s in [*events, doc.get("title") or {}] if isinstance(s, dict)]
    seen: set[str] = set()
    for uid in ids:
        if uid is None:
            continue
        if uid in seen:
            errors.append(f"unique_id {uid!r}: used twice")
        seen.add(uid)
    return errors


# ---------------------------------------------------------------- in: shared helpers

class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("p", "br", "li", "blockquote", "div", "h1", "h2", "h3", "tr"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, blank runs collapsed."""
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    p = _Text()
    p.feed(markup)
    p.close()
    lines = [" ".join(line.split()) for line in "".join(p.parts).split("\n")]
    return "\n".join(line for line in lines if line)


def _point(year: int, month: int | None, day: int | None,
           origin: Origin = Origin.EXPLICIT) -> TimePoint | None:
    if month is None:
        value = f"{year:04d}"
    elif day is None:
        value = f"{year:04d}-{month:02d}"
    else:
        value = f"{year:04d}-{month:02d}-{day:02d}"
    return parse_value(value, origin) if 1 <= year <= 9999 else None


def _int_or_none(v: Any, what: str) -> int | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, bool):
        raise ValueError(f"{what}: {v!r} is not a number")
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    s = str(v).strip()
    if re.fullmatch(r"-?\d+(?:\.0+)?", s):
        return int(float(s))
    raise ValueError(f"{what}: {v!r} is not a number")


def _tl_point(d: Any, what: str) -> TimePoint:
    if not isinstance(d, dict):
        raise ValueError(f"{what}: not a date object")
    y = _int_or_none(d.get("year"), f"{what}.year")
    if y is None:
        raise ValueError(f"{what}: no year")
    m = _int_or_none(d.get("month"), f"{what}.month")
    day = _int_or_none(d.get("day"), f"{what}.day") if m is not None else None
    tp = _point(y, m, day)
    if tp is None:
        raise ValueError(f"{what}: {y}-{m}-{day} is not a date Dateline can place (years 1–9999)")
    return tp


def _end_point(start: TimePoint, end: TimePoint | None) -> TimePoint | None:
    """An end that adds nothing (inside the start's own period) is no end."""
    if end is None or end.end <= start.end:
        return None
    return end


# ---------------------------------------------------------------- TimelineJS3 in

def from_timelinejs(doc: Any) -> ImportResult:
    """Events of a TimelineJS3 document (slides that cannot be placed are listed in ``problems``)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("events"), list):
        raise ExchangeError("not a TimelineJS file: no list of events")
    out = ImportResult()
    title = doc.get("title")
    if isinstance(title, dict) and isinstance(title.get("text"), dict):
        out.title = html_to_text(str(title["text"].get("headline") or ""))
    for n, s in enumerate(doc["events"]):
        try:
            if not isinstance(s, dict):
                raise ValueError("not an object")
            when = _tl_point(s.get("start_date"), "start_date")
            end = _tl_point(s["end_date"], "end_date") if s.get("end_date") else None
            if end is not None and end.end < when.start:
                raise ValueError("end_date is before start_date")
            text = s.get("text") if isinstance(s.get("text"), dict) else {}
            media = s.get("media") if isinstance(s.get("media"), dict) else {}
            headline = html_to_text(str(text.get("headline") or ""))
            body = html_to_text(str(text.get("text") or ""))
            out.events.append(ImportedEvent(
                title=headline or body.split("\n")[0][:120] or when.value, when=when,
                end=_end_point(when, end),
                text=body, group=str(s.get("group") or "").strip(),
                credit=html_to_text(str(media.get("credit") or "")), url=str(media.get("url") or ""),
                uid=str(s.get("unique_id") or "")))
        except ValueError as exc:
            out.problems.append(f"event {n + 1}: {exc}")
    return out


TEMPLATE_COLUMNS = ("Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
                    "Display Date",
                    "Headline", "Text", "Media", "Media Credit", "Media Caption", "Media Thumbnail", "Type",
                    "Group", "Background")


def _key(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).casefold()


def to_timelinejs_csv(events: Iterable[ExportEvent], title: str = "") -> str:
    """The TimelineJS spreadsheet template (a title row, then one row per event) as CSV text.

    Cells are HTML, as in the spreadsheet TimelineJS reads.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(TEMPLATE_COLUMNS)
    if title:
        w.writerow([""] * 9 + [html.escape(title)] + [""] * 5 + ["title", "", ""])
    for e in events:
        start, end = timelinejs_dates(e)
        end = end or {}
        linked = next((s for s in e.sources if s.url), None)
        w.writerow([start.get("year", ""), start.get("month", ""), start.get("day", ""), "",
                    end.get("year", ""), end.get("month", ""), end.get("day", ""), "", e.date_text,
                    html.escape(e.title), _html_text(e), linked.url if linked else "",
                    html.escape(linked.outlet or linked.title) if linked else "",
                    html.escape(linked.title) if linked else "", "", "", html.escape(e.group), ""])
    return buf.getvalue()


def from_csv(text: str) -> ImportResult:
    """Events of a TimelineJS spreadsheet (CSV) or of Dateline's own events CSV (:func:`to_csv`)."""
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise ExchangeError("empty CSV file")
    keys = {_key(f): f for f in reader.fieldnames if f}
    if "year" in keys and "headline" in keys:
        return _from_template(reader, keys)
    if {"date", "title"} <= set(keys):
        return _from_dateline_csv(reader, keys)
    raise ExchangeError("not a TimelineJS spreadsheet (Year, Headline…) "
                        "nor a Dateline events CSV (date, title…)")


def _from_template(reader: csv.DictReader, keys: dict[str, str]) -> ImportResult:
    out = ImportResult()

    def cell(row: dict, name: str) -> str:
        k = keys.get(_key(name))
        return (row.get(k) or "").strip() if k else ""

    for n, row in enumerate(reader, start=2):
        kind = cell(row, "Type").casefold()
        if kind == "title":
            out.title = html_to_text(cell(row, "Headline"))
            continue
        if kind == "era":
            out.problems.append(f"row {n}: an era (a background period), not an event: skipped")
            continue
        if not any(row.values()):
            continue
        try:
            y = _int_or_none(cell(row, "Year"), "Year")
            if y is None:
                raise ValueError("no Year")
            m = _int_or_none(cell(row, "Month"), "Month")
            when = _point(y, m, _int_or_none(cell(row, "Day"), "Day") if m is not None else None)
            if when is None:
                raise ValueError("the date is not a calendar date")
            end = None
            ey = _int_or_none(cell(row, "End Year"), "End Year")
            if ey is not None:
                em = _int_or_none(cell(row, "End Month"), "End Month")
                end_day = _int_or_none(cell(row, "End Day"), "End Day") if em is not None else None
                end = _point(ey, em, end_day)
                if end is None:
                    raise ValueError("the end date is not a calendar date")
                if end.end < when.start:
                    raise ValueError("the end is before the start")
            headline = html_to_text(cell(row, "Headline"))
            body = html_to_text(cell(row, "Text"))
            out.events.append(ImportedEvent(
                headline or body.split("\n")[0][:120] or when.value, when, _end_point(when, end), body,
                html_to_text(cell(row, "Group")), [], html_to_text(cell(row, "Media Credit")),
                cell(row, "Media")))
        except ValueError as exc:
            out.problems.append(f"row {n}: {exc}")
    return out


def _from_dateline_csv(reader: csv.DictReader, keys: dict[str, str]) -> ImportResult:
    out = ImportResult()

    def cell(row: dict, name: str) -> str:
        k = keys.get(_key(name))
        return (row.get(k) or "").strip() if k else ""

    for n, row in enumerate(reader, start=2):
        if not any(row.values()):
            continue
        when = parse_value(cell(row, "date"), Origin.EXPLICIT)
        if when is None:
            out.problems.append(f"row {n}: “{cell(row, 'date')}” is not a date")
            continue
        end = parse_value(cell(row, "end"), Origin.EXPLICIT) if cell(row, "end") else None
        urls = [u.strip() for u in cell(row, "source_urls").split(JOIN.strip()) if u.strip()]
        out.events.append(ImportedEvent(
            cell(row, "title") or when.value, when, _end_point(when, end), cell(row, "evidence"),
            cell(row, "group"),
            [a.strip() for a in cell(row, "actors").split(";") if a.strip()], "", urls[0] if urls else ""))
    return out


# ---------------------------------------------------------------- ICS (RFC 5545) in

_ICS_ESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\"}


def _ics_unescape(v: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ICS_ESCAPES.get(m.group(1), m.group(1)), v)


def _ics_lines(text: str) -> list[tuple[str, dict[str, str], str]]:
    # unfold: a line starting with a space or tab continues the previous one
    unfolded: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and unfolded:
            unfolded[-1] += raw[1:]
        elif raw.strip():
            unfolded.append(raw)
    out = []
    for line in unfolded:
        # the name and parameters end at the first colon outside a quoted parameter value
        in_quote, cut = False, -1
        for i, ch in enumerate(line):
            if ch == '"':
                in_quote = not in_quote
            elif ch == ":" and not in_quote:
                cut = i
                break
        if cut < 0:
            continue
        head, value = line[:cut], line[cut + 1:]
        name, *params = head.split(";")
        pdict = {}
        for p in params:
            k, _, v = p.partition("=")
            pdict[k.upper()] = v.strip('"')
        out.append((name.upper(), pdict, value))
    return out


def _ics_date(value: str, params: dict[str, str]) -> tuple[date, bool]:
    """The calendar date of a DATE or DATE-TIME value as written, and whether it was a whole day."""
    v = value.strip()
    if params.get("VALUE", "").upper() == "DATE" or re.fullmatch(r"\d{8}", v):
        return datetime.strptime(v[:8], "%Y%m%d").date(), True
    m = re.fullmatch(r"(\d{8})T(\d{4,6})Z?", v)
    if not m:
        raise ValueError(f"{v!r} is not an iCalendar date")
    return datetime.strptime(m.group(1), "%Y%m%d").date(), False


def _ics_duration(v: str) -> timedelta:
    m = re.fullmatch(r"([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", v.strip())
    if not m:
        raise ValueError(f"{v!r} is not an iCalendar duration")
    sign = -1 if m.group(1) == "-" else 1
    w, d, h, mi, s = (int(x or 0) for x in m.groups()[1:])
    return sign * timedelta(weeks=w, days=d, hours=h, minutes=mi, seconds=s)


def from_ics(text: str) -> ImportResult:
    """Events (VEVENT) of an iCalendar file; a recurring event is placed at its first date."""
    lines = _ics_lines(text.lstrip("\ufeff"))
    if not any(n == "BEGIN" and v.strip().upper() == "VCALENDAR" for n, _p, v in lines):
        raise ExchangeError("not an iCalendar file: no BEGIN:VCALENDAR")
    out = ImportResult()
    current: dict[str, tuple[dict[str, str], str]] | None = None
    n = 0
    for name, params, value in lines:
        if name == "X-WR-CALNAME" and not out.title:
            out.title = _ics_unescape(value)
        if name == "BEGIN" and value.strip().upper() == "VEVENT":
            current, n = {}, n + 1
            continue
        if name == "END" and value.strip().upper() == "VEVENT" and current is not None:
            try:
                out.events.append(_ics_event(current))
                if "RRULE" in current:
                    out.problems.append(f"event {n}: repeats; only its first date was imported")
            except ValueError as exc:
                out.problems.append(f"event {n}: {exc}")
            current = None
            continue
        if current is not None and name not in current:
            current[name] = (params, value)
    return out


def _ics_event(props: dict[str, tuple[dict[str, str], str]]) -> ImportedEvent:
    if "DTSTART" not in props:
        raise ValueError("no DTSTART")
    start, whole_day = _ics_date(props["DTSTART"][1], props["DTSTART"][0])
    last = start
    if "DTEND" in props:
        end, end_whole = _ics_date(props["DTEND"][1], props["DTEND"][0])
        # an all-day DTEND is exclusive (the day after the last one)
        last = end - timedelta(days=1) if end_whole and whole_day else end
    elif "DURATION" in props:
        dur = _ics_duration(props["DURATION"][1])
        last = start + dur - timedelta(days=1) if whole_day else start + timedelta(days=dur.days)
    last = max(last, start)
    when = parse_value(start.isoformat(), Origin.EXPLICIT)
    assert when is not None
    end_tp = parse_value(last.isoformat(), Origin.EXPLICIT) if last > start else None
    text = _ics_unescape(props.get("DESCRIPTION", ({}, ""))[1])
    location = _ics_unescape(props.get("LOCATION", ({}, ""))[1])
    if location:
        text = f"{text}\n{location}".strip()
    categories = _ics_unescape(props.get("CATEGORIES", ({}, ""))[1]).split(",")
    summary = _ics_unescape(props.get("SUMMARY", ({}, ""))[1]).strip()
    return ImportedEvent(
        summary or text.split("\n")[0][:120] or when.value, when, end_tp, text, categories[0].strip(), [],
        "", _ics_unescape(props.get("URL", ({}, ""))[1]).strip(), props.get("UID", ({}, ""))[1].strip())


def to_ics(events: Sequence[ExportEvent], name: str = "Dateline") -> str:
    """An iCalendar file with one all-day VEVENT per event (its whole period)."""
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")

    def fold(line: str) -> list[str]:
        out, cur = [], line
        while len(cur.encode("utf-8")) > 75:
            cut = 75
            while len(cur[:cut].encode("utf-8")) > 75:
                cut -= 1
            out.append(cur[:cut])
            cur = " " + cur[cut:]
        return [*out, cur]

    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Dateline//Dateline//EN",
             f"X-WR-CALNAME:{esc(name)}"]
    for e in events:
        desc = e.evidence + "".join(f"\n“{q.text}” — {q.speaker or 'unattributed'}" for q in e.quotes)
        lines += ["BEGIN:VEVENT", f"UID:dateline-{e.id}", "DTSTAMP:19700101T000000Z",
                  f"DTSTART;VALUE=DATE:{e.when.start:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{e.last_day + timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{esc(e.title)}"]
        if desc:
            lines.append(f"DESCRIPTION:{esc(desc)}")
        if e.group:
            lines.append(f"CATEGORIES:{esc(e.group)}")
        url = next((s.url for s in e.sources if s.url), "")
        if url:
            lines.append(f"URL:{url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in fold(line)) + "\r\n"
