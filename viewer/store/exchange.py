"""Project <-> files: export events (CSV, TimelineJS3 JSON or spreadsheet CSV, ICS) and import
TimelineJS JSON/CSV, Dateline CSV and ICS files as events.

An imported file becomes one article in the project (its text is a plain rendering
of the file's events, one paragraph each) and every event points at its paragraph,
so imported events keep a way back to where they came from, a re-import of the
same file is recognised as a duplicate, and removing the article removes them.
The events are marked as the user's, so re-extraction never replaces them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from viewer.core.exchange import (
    ExchangeError,
    ExportEvent,
    ImportedEvent,
    ImportResult,
    QuoteRef,
    SourceRef,
    from_csv,
    from_ics,
    from_timelinejs,
    to_csv,
    to_ics,
    to_timelinejs,
    to_timelinejs_csv,
    validate_timelinejs,
)
from viewer.core.model import Article, Extraction, Origin
from viewer.core.resources import load_json
from viewer.core.timepoint import parse_value
from viewer.store import edits
from viewer.store.project import Project, seconds_to_date

IMPORT_SUFFIXES = (".json", ".csv", ".ics", ".ical", ".ifb", ".icalendar")
EXPORT_FORMATS = ("csv", "timelinejs", "timelinejs-csv", "ics")


def is_event_file(path: str | Path) -> bool:
    """Whether ``ingest`` should hand this file to :func:`import_events_file` rather than read an article."""
    return Path(path).suffix.lower() in IMPORT_SUFFIXES


# ---------------------------------------------------------------- out

def export_events(project: Project, event_ids: Iterable[int] | None = None) -> list[ExportEvent]:
    """The project's events (or the given ones) in time order, with sources, quotes, actors and issues."""
    conn = project.db.conn
    rows = conn.execute(
        "select e.id, e.title, e.date_value, e.date_end_value, e.t0, e.t1, e.precision, e.origin, "
        "coalesce(e.date_text, ''), coalesce(e.evidence, ''), e.verified, coalesce(i.label, ''), "
        "e.article_id, coalesce(e.merged_into, e.id) "
        "from events e left join issues i on i.id = e.issue_id order by e.t0, e.id").fetchall()
    # one exported event per happening: the group's leader, with every report as a source
    leader = {r[0]: r[13] for r in rows}
    wanted = None if event_ids is None else {int(i) for i in event_ids}
    actors: dict[int, list[str]] = {}
    for eid, name in conn.execute("select ea.event_id, a.name from event_actors ea "
                                  "join actors a on a.id = ea.actor_id order by a.name"):
        names = actors.setdefault(leader.get(eid, eid), [])
        if name not in names:
            names.append(name)
    issues: dict[int, list[str]] = {}
    for eid, label in conn.execute("select ei.event_id, i.label from event_issues ei "
                                   "join issues i on i.id = ei.issue_id order by i.position, i.label"):
        labels = issues.setdefault(leader.get(eid, eid), [])
        if label not in labels:
            labels.append(label)
    quotes: dict[int, list[QuoteRef]] = {}
    for eid, text, speaker in conn.execute(
            "select q.event_id, q.text, s.name from quotes q left join actors s on s.id = q.speaker_id "
            "where q.event_id is not null order by q.article_id, q.start_offset"):
        quotes.setdefault(leader.get(eid, eid), []).append(QuoteRef(text, speaker))
    articles = {r[0]: SourceRef(r[1] or r[4] or "", r[2] or "", r[3] or "", r[5] or "")
                for r in conn.execute("select id, title, source, url, path, published from articles")}
    by_group: dict[int, list[tuple[int, str]]] = {}
    for r in rows:
        if r[12] is not None:
            by_group.setdefault(r[13], []).append((r[12], r[9]))
    if wanted is not None:
        wanted = {leader.get(i, i) for i in wanted}
    out = []
    for (eid, title, value, end_value, t0, t1, _precision, origin, date_text, evidence, verified, group,
         article_id, lead) in rows:
        if lead != eid or (wanted is not None and eid not in wanted):
            continue
        when = parse_value(value or "", _origin(origin))
        if when is None or when.start != seconds_to_date(t0):
            # a value the store could place only through t0/t1 (bulk loads): fall back to the days
            start, last = seconds_to_date(t0), seconds_to_date(t1 - 1)
            when = parse_value(start.isoformat(), _origin(origin))
            end = parse_value(last.isoformat(), _origin(origin)) if last > start else None
        else:
            end = parse_value(end_value, _origin(origin)) if end_value else None
        assert when is not None
        sources = []
        if article_id is not None:
            seen = set()
            for aid, ev in sorted(by_group.get(eid, []), key=lambda x: x[0] != article_id):
                if aid in seen or aid not in articles:
                    continue
                seen.add(aid)
                a = articles[aid]
                sources.append(SourceRef(a.title, a.outlet, a.url, a.published, ev))
        out.append(ExportEvent(eid, title or "", when, end, date_text, actors.get(eid, []),
                               issues.get(eid, []), group, bool(verified), evidence, sources,
                               quotes.get(eid, [])))
    return out


def _origin(value: str | None) -> Origin:
    try:
        return Origin(value or "explicit")
    except ValueError:
        return Origin.EXPLICIT


def export_file(project: Project, path: str | Path, fmt: str, event_ids: Iterable[int] | None = None,
                title: str = "") -> int:
    """Write the events in ``fmt`` (one of EXPORT_FORMATS); returns how many were written."""
    if fmt not in EXPORT_FORMATS:
        raise ExchangeError(f"unknown export format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    events = export_events(project, event_ids)
    path = Path(path)
    if fmt == "csv":
        # utf-8-sig: spreadsheet programs then read the accents and dashes right
        path.write_text(to_csv(events), encoding="utf-8-sig", newline="")
    elif fmt == "timelinejs-csv":
        path.write_text(to_timelinejs_csv(events, title), encoding="utf-8", newline="")
    elif fmt == "ics":
        path.write_text(to_ics(events, title or "Dateline"), encoding="utf-8", newline="")
    else:
        doc = to_timelinejs(events, title, f"{len(events)} events, made with Dateline")
        problems = validate_timelinejs(doc)
        if problems:
            raise ExchangeError("the TimelineJS document would be invalid: " + "; ".join(problems[:5]))
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(events)


def format_for_suffix(path: str | Path) -> str:
    """The export format a file name asks for (.csv, .json, .ics)."""
    suffix = Path(path).suffix.lower()
    return {".csv": "csv", ".json": "timelinejs", ".ics": "ics"}.get(suffix, "csv")


# ---------------------------------------------------------------- in

@dataclass
class ImportReport:
    path: str
    status: str  # "imported", "duplicate", "refused"
    article_id: int | None = None
    event_ids: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    message: str = ""

    def line(self) -> str:
        if self.status == "imported":
            extra = f"; {len(self.problems)} skipped" if self.problems else ""
            return f"imported  {self.path}: {len(self.event_ids)} events{extra}"
        if self.status == "duplicate":
            return f"already   {self.path}: already in the project"
        return f"refused   {self.path}: {self.message}"


def read_events_file(path: str | Path) -> tuple[ImportResult, str]:
    """Parse an events file by its suffix; returns the result and a label for its kind."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExchangeError(f"cannot read the file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if suffix == ".json":
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise ExchangeError(f"not valid JSON ({exc})") from exc
        return from_timelinejs(doc), "TimelineJS"
    if suffix == ".csv":
        return from_csv(text), "spreadsheet"
    if suffix in (".ics", ".ical", ".ifb", ".icalendar"):
        return from_ics(text), "calendar"
    raise ExchangeError(f"{suffix or 'no suffix'}: not an events file (.json, .csv, .ics)")


def _render(result: ImportResult) -> tuple[str, list[tuple[int, int]]]:
    """A readable text of the imported events, and each event's paragraph offsets in it."""
    parts: list[str] = []
    spans = []
    pos = 0
    if result.title:
        parts.append(result.title + "\n\n")
        pos += len(parts[-1])
    for ev in result.events:
        when = ev.when.value + (f" – {ev.end.value}" if ev.end else "")
        para = f"{when}: {ev.title}"
        if ev.text:
            para += "\n" + ev.text
        extra = [x for x in (ev.group, ev.credit, ev.url) if x]
        if extra:
            para += "\n(" + ", ".join(extra) + ")"
        spans.append((pos, pos + len(para)))
        parts.append(para + "\n\n")
        pos += len(para) + 2
    return "".join(parts), spans


def _palette() -> list[str]:
    try:
        pal = load_json("issues/taxonomy.json").get("_palette", {})
        colours = [c for c in pal.values() if isinstance(c, str)]
    except Exception:  # noqa: BLE001 - a missing palette only costs the colours
        colours = []
    return colours or ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB"]


def _issue_for_group(project: Project, group: str, cache: dict[str, str]) -> str | None:
    if not group:
        return None
    key = group.casefold()
    if key in cache:
        return cache[key]
    for iid, label in project.db.conn.execute("select id, label from issues"):
        if key in (iid.casefold(), (label or "").casefold()):
            cache[key] = iid
            return iid
    colours = _palette()
    n = project.db.conn.execute("select count(*) from issues").fetchone()[0]
    iid = edits.add_issue(project, group, colours[n % len(colours)]).result
    cache[key] = iid
    return iid


def import_events_file(project: Project, path: str | Path, published: date | None = None) -> ImportReport:
    """Import a TimelineJS JSON / spreadsheet CSV, Dateline CSV or ICS file as events; never raises
    for a bad file (the report says what was refused and which rows were skipped)."""
    path = Path(path)
    try:
        result, kind = read_events_file(path)
    except ExchangeError as exc:
        return ImportReport(str(path), "refused", message=str(exc))
    if not result.events:
        why = "; ".join(result.problems[:3]) if result.problems else "it holds no events"
        return ImportReport(str(path), "refused", problems=result.problems,
                            message=f"no event to import ({why})")
    text, spans = _render(result)
    try:
        mtime = date.fromtimestamp(path.stat().st_mtime)
    except OSError:
        mtime = None
    article = Article(text=text, title=result.title or path.stem, source=f"{kind} import", url="",
                      published=published or mtime, published_origin="user" if published else "file",
                      path=str(path))
    if project.find_duplicate(article) is not None:
        return ImportReport(str(path), "duplicate", project.find_duplicate(article))
    added = project.add_article(article, Extraction())
    report = ImportReport(str(path), "imported", added.article_id, problems=list(result.problems))
    groups: dict[str, str] = {}
    for ev, (a, b) in zip(result.events, spans, strict=True):
        report.event_ids.append(_add_imported(project, added.article_id, ev, text[a:b], a, b, groups))
    return report


def _add_imported(project: Project, article_id: int, ev: ImportedEvent, evidence: str, a: int, b: int,
                  groups: dict[str, str]) -> int:
    issue = _issue_for_group(project, ev.group, groups)
    change = edits.add_manual_event(
        project, ev.title, ev.when.value, ev.end.value if ev.end else None, actors=ev.actors,
        issues=[issue] if issue else [], evidence=evidence, article_id=article_id, start_offset=a,
        end_offset=b, origin=Origin.EXPLICIT)
    return int(change.result)
