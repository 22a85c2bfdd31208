"""Exports and imports: CSV, TimelineJS3 JSON (validated against its field rules), its
spreadsheet CSV template, ICS; pure functions first, then through a project."""

import csv
import io
import json
from datetime import date

import pytest
from workflow_fixtures import make_project

from viewer.core.exchange import (
    CSV_COLUMNS,
    TEMPLATE_COLUMNS,
    ExchangeError,
    ExportEvent,
    QuoteRef,
    SourceRef,
    csv_rows,
    from_csv,
    from_ics,
    from_timelinejs,
    timelinejs_dates,
    to_csv,
    to_ics,
    to_timelinejs,
    to_timelinejs_csv,
    validate_timelinejs,
)
from viewer.core.model import Origin, Precision
from viewer.core.timepoint import parse_value
from viewer.store import edits
from viewer.store.exchange import export_events, export_file, import_events_file, is_event_file


def _tp(value):
    return parse_value(value, Origin.RELATIVE)


def _ev(id_, title, value, end=None, **kw):
    return ExportEvent(id_, title, _tp(value), _tp(end) if end else None, **kw)


EVENTS = [
    _ev(1, "Talks open in Geneva", "2025-05-12", date_text="Monday", actors=["Scott Bessent", "He Lifeng"],
        issues=["Tariffs"], group="Tariffs", verified=True,
        evidence="Talks opened on Monday, officials said.",
        sources=[SourceRef("Talks open", "Wire One", "https://example.org/a", "2025-05-13", "Talks opened."),
                 SourceRef("Geneva round", "Daily Two", "", "2025-05-14", "The round began.")],
        quotes=[QuoteRef("productive, and constructive", "Scott Bessent"), QuoteRef("a start", None)]),
    _ev(2, "Tariffs raised <again> & more", "2025-05", group="Tariffs"),
    _ev(3, "Export controls tightened", "2025-Q3", group="Semiconductors"),
    _ev(4, "Truce", "2025-06-01", "2025-08-31"),
    _ev(5, "Trade war began", "2018"),
    _ev(6, "Week of talks", "2025-W23"),
]


# ---------------------------------------------------------------- CSV out

def test_csv_has_one_row_per_event_with_sources_and_quotes_joined():
    text = to_csv(EVENTS)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(EVENTS) and tuple(rows[0]) == CSV_COLUMNS
    r = rows[0]
    assert r["sources"] == "Talks open (Wire One, 2025-05-13) | Geneva round (Daily Two, 2025-05-14)"
    assert r["source_urls"] == "https://example.org/a"
    assert r["quotes"] == "“productive, and constructive” — Scott Bessent | “a start” — unattributed"
    assert (r["actors"], r["verified"], r["date_as_written"], r["precision"]) == (
        "Scott Bessent; He Lifeng", "yes", "Monday", "day")
    q = rows[2]
    assert (q["date"], q["start_day"], q["last_day"]) == ("2025-Q3", "2025-07-01", "2025-09-30")
    assert (rows[3]["end"], rows[3]["last_day"]) == ("2025-08-31", "2025-08-31")


def test_csv_round_trip_keeps_dates_precisions_titles_and_groups():
    back = from_csv(to_csv(EVENTS))
    assert back.problems == []
    assert [(e.title, e.when.value, e.when.precision, e.end.value if e.end else None, e.group)
            for e in back.events] == [
        (e.title, e.when.value, e.when.precision, e.end.value if e.end else None, e.group) for e in EVENTS]
    assert back.events[0].actors == ["Scott Bessent", "He Lifeng"]
    assert back.events[0].url == "https://example.org/a"


# ---------------------------------------------------------------- TimelineJS out

@pytest.mark.parametrize("value, end, start_date, end_date", [
    ("2025-05-12", None, {"year": 2025, "month": 5, "day": 12}, None),
    ("2025-05", None, {"year": 2025, "month": 5}, None),
    ("2025", None, {"year": 2025}, None),
    ("2025-Q3", None, {"year": 2025, "month": 7}, {"year": 2025, "month": 9}),
    ("2025-W23", None, {"year": 2025, "month": 6, "day": 2}, {"year": 2025, "month": 6, "day": 8}),
    ("199", None, {"year": 1990}, {"year": 1999}),
    ("2025-06-01", "2025-08-31", {"year": 2025, "month": 6, "day": 1}, {"year": 2025, "month": 8, "day": 31}),
    ("2025-06", "2025-08", {"year": 2025, "month": 6}, {"year": 2025, "month": 8}),
])
def test_timelinejs_dates_are_as_precise_as_the_event(value, end, start_date, end_date):
    assert timelinejs_dates(_ev(1, "x", value, end)) == (start_date, end_date)


def test_timelinejs_export_is_valid_and_carries_text_group_media():
    doc = to_timelinejs(EVENTS, "US–China trade", "made by a test")
    assert validate_timelinejs(doc) == []
    s = doc["events"][0]
    assert s["text"]["headline"] == "Talks open in Geneva"
    assert "<blockquote>“productive, and constructive” — Scott Bessent</blockquote>" in s["text"]["text"]
    assert '<a href="https://example.org/a">' in s["text"]["text"]
    assert s["group"] == "Tariffs" and s["display_date"] == "Monday"
    assert s["media"] == {"url": "https://example.org/a", "credit": "Wire One", "caption": "Talks open"}
    assert "media" not in doc["events"][1]  # no URL to show: TimelineJS requires one
    assert doc["events"][1]["text"]["headline"] == "Tariffs raised &lt;again&gt; &amp; more"
    assert doc["title"]["text"]["headline"] == "US–China trade"
    assert len({e["unique_id"] for e in doc["events"]}) == len(EVENTS)
    json.dumps(doc)  # plain JSON types only


def _valid():
    return {"events": [{"start_date": {"year": 2025, "month": 5, "day": 12}, "text": {"headline": "x"}}]}


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.pop("events"), "events: required"),
    (lambda d: d.update(events=[]), "at least one event"),
    (lambda d: d["events"][0].pop("start_date"), "start_date: required"),
    (lambda d: d["events"][0]["start_date"].pop("year"), "year: required"),
    (lambda d: d["events"][0]["start_date"].update(year="2025"), "whole number"),
    (lambda d: d["events"][0]["start_date"].update(month=13), "outside 1–12"),
    (lambda d: d["events"][0]["start_date"].update(day=31, month=6), "has no day 31"),
    (lambda d: d["events"][0]["start_date"].pop("month"), "day: given without month"),
    (lambda d: d["events"][0]["start_date"].update(hour=24), "outside 0–23"),
    (lambda d: d["events"][0].update(end_date={"year": 2024}), "before start_date"),
    (lambda d: d["events"][0].update(media={"credit": "Wire"}), "media.url: required"),
    (lambda d: d["events"][0].update(media={"url": "u", "colour": "red"}), "not a TimelineJS media field"),
    (lambda d: d["events"][0].update(group=3), "group: must be a string"),
    (lambda d: d["events"][0].update(autolink="yes"), "autolink"),
    (lambda d: d["events"][0].update(headline="x"), "not a TimelineJS slide field"),
    (lambda d: d["events"][0].update(text={"title": "x"}), "not a TimelineJS text field"),
    (lambda d: d.update(scale="geological"), "scale"),
    (lambda d: d.update(eras=[{"start_date": {"year": 2025}}]), "eras[0].end_date: required"),
    (lambda d: d["events"].append({**d["events"][0], "unique_id": "a"})
     or d["events"][0].update(unique_id="a"), "used twice"),
    (lambda d: d.update(title={"text": {"headline": 5}}), "title.text.headline: must be a string"),
    (lambda d: d.update(extra=1), "extra: not a TimelineJS field"),
])
def test_validator_enforces_timelinejs_field_rules(mutate, message):
    doc = _valid()
    assert validate_timelinejs(doc) == []
    mutate(doc)
    errors = validate_timelinejs(doc)
    assert any(message in e for e in errors), errors


def test_validator_accepts_a_title_slide_without_date_and_eras():
    doc = _valid()
    doc["title"] = {"text": {"headline": "T", "text": "<p>x</p>"}, "media": {"url": "https://x"}}
    doc["eras"] = [{"start_date": {"year": 2024}, "end_date": {"year": 2025}, "text": {"headline": "era"}}]
    doc["scale"] = "human"
    assert validate_timelinejs(doc) == []
    assert validate_timelinejs([]) == ["the document must be a JSON object"]


# ---------------------------------------------------------------- TimelineJS in

def test_timelinejs_round_trip_keeps_the_intervals():
    doc = json.loads(json.dumps(to_timelinejs(EVENTS, "Story")))
    back = from_timelinejs(doc)
    assert back.title == "Story" and back.problems == []
    for orig, got in zip(EVENTS, back.events, strict=True):
        assert got.title == orig.title
        assert (got.when.start, (got.end or got.when).end) == (orig.when.start, orig.last_day), orig.title
        assert got.group == orig.group
    first = back.events[0]
    assert first.credit == "Wire One" and first.url == "https://example.org/a"
    assert "“productive, and constructive” — Scott Bessent" in first.text
    assert [e.when.precision for e in back.events[:2]] == [Precision.DAY, Precision.MONTH]


def test_timelinejs_import_skips_bad_slides_and_reports_them():
    doc = {"events": [
        {"start_date": {"year": "2025", "month": "6", "day": "5"}, "text": {"headline": "<b>Strings</b> ok"}},
        {"start_date": {"month": 6}, "text": {"headline": "no year"}},
        {"start_date": {"year": 2025, "month": 2, "day": 30}},
        {"start_date": {"year": 2025}, "end_date": {"year": 2024}},
        {"start_date": {"year": -500}, "text": {"headline": "antiquity"}},
        "not a slide",
    ]}
    r = from_timelinejs(doc)
    assert [(e.title, e.when.value) for e in r.events] == [("Strings ok", "2025-06-05")]
    assert len(r.problems) == 5 and r.problems[0].startswith("event 2")
    with pytest.raises(ExchangeError):
        from_timelinejs({"slides": []})


# ---------------------------------------------------------------- spreadsheet template

def test_template_csv_round_trip():
    text = to_timelinejs_csv(EVENTS, "Story")
    assert next(csv.reader(io.StringIO(text))) == list(TEMPLATE_COLUMNS)
    back = from_csv(text)
    assert back.problems == [] and back.title == "Story"
    for orig, got in zip(EVENTS, back.events, strict=True):
        assert (got.title, got.when.start, (got.end or got.when).end, got.group) == (
            orig.title, orig.when.start, orig.last_day, orig.group)


def test_template_csv_as_people_fill_it():
    text = (
        "\ufeffYear,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,"
        "Media Credit,Media Caption,Media Thumbnail,Type,Group,Background\n"
        ",,,,,,,,,A trade story,<p>intro</p>,,,,,title,,\n"
        "2025,4,2,,,,,,,Tariffs announced,<p>Broad <i>tariffs</i>.</p>,https://x.test/1,Wire,,,,Tariffs,\n"
        "2025,,,,2026,,,,,Long dispute,,,,,,,,\n"
        "2024,1,1,,2024,12,31,,,Era row,,,,,,era,,\n"
        ",5,,,,,,,,No year,,,,,,,,\n"
        "2025,13,,,,,,,,Bad month,,,,,,,,\n"
        ",,,,,,,,,,,,,,,,,\n"
    )
    r = from_csv(text)
    assert r.title == "A trade story"
    assert [(e.title, e.when.value, e.end.value if e.end else None, e.group, e.text, e.credit)
            for e in r.events] == [
        ("Tariffs announced", "2025-04-02", None, "Tariffs", "Broad tariffs.", "Wire"),
        ("Long dispute", "2025", "2026", "", "", ""),
    ]
    assert [p.split(":")[0] for p in r.problems] == ["row 5", "row 6", "row 7"]


def test_csv_of_another_shape_is_refused():
    with pytest.raises(ExchangeError, match="not a TimelineJS spreadsheet"):
        from_csv("name,value\na,1\n")
    with pytest.raises(ExchangeError):
        from_csv("")


# ---------------------------------------------------------------- ICS

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nX-WR-CALNAME:Trade calendar\r\n"
    "BEGIN:VEVENT\r\nUID:a@test\r\nDTSTART;VALUE=DATE:20250512\r\nDTEND;VALUE=DATE:20250513\r\n"
    "SUMMARY:Geneva talks\\, day one\r\nDESCRIPTION:Delegations meet\\nin Geneva; folded\r\n  line here\r\n"
    "CATEGORIES:Tariffs,Talks\r\nURL:https://example.org/geneva\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:b@test\r\nDTSTART;TZID=Europe/Paris:20250601T090000\r\n"
    "DTEND;TZID=Europe/Paris:20250603T170000\r\nSUMMARY:Three-day round\r\nLOCATION:London\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nDTSTART:20250701T120000Z\r\nDURATION:PT2H\r\nSUMMARY:Call\r\nRRULE:FREQ=WEEKLY\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20250801\r\nDURATION:P7D\r\nSUMMARY:Week of talks\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nSUMMARY:No date\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nDTSTART:tomorrow\r\nSUMMARY:Bad date\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_ics_import():
    r = from_ics(ICS)
    assert r.title == "Trade calendar"
    got = [(e.title, e.when.value, e.end.value if e.end else None, e.group, e.url, e.uid) for e in r.events]
    assert got == [
        ("Geneva talks, day one", "2025-05-12", None, "Tariffs", "https://example.org/geneva", "a@test"),
        ("Three-day round", "2025-06-01", "2025-06-03", "", "", "b@test"),
        ("Call", "2025-07-01", None, "", "", ""),
        ("Week of talks", "2025-08-01", "2025-08-07", "", "", ""),
    ]
    assert r.events[0].text == "Delegations meet\nin Geneva; folded line here"
    assert r.events[1].text == "London"
    assert [p.split(":")[0] for p in r.problems] == ["event 3", "event 5", "event 6"]
    assert "repeats" in r.problems[0]
    with pytest.raises(ExchangeError, match="iCalendar"):
        from_ics("BEGIN:VEVENT\nEND:VEVENT\n")


def test_ics_round_trip_keeps_each_period_and_folds_long_lines():
    text = to_ics(EVENTS, "Story")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    back = from_ics(text)
    assert back.title == "Story"
    for orig, got in zip(EVENTS, back.events, strict=True):
        assert (got.title, got.when.start, (got.end or got.when).end, got.group) == (
            orig.title, orig.when.start, orig.last_day, orig.group)
    assert "“a start” — unattributed" in back.events[0].text


# ---------------------------------------------------------------- through a project

def test_export_events_from_a_project_has_all_sources_and_quotes():
    p = make_project()
    evs = export_events(p)
    assert [e.title for e in evs][:2] == ["US raises tariffs on Chinese semiconductors",
                                          "Bessent meets Chinese officials in Geneva"]
    geneva = next(e for e in evs if e.id == 1)
    assert [s.outlet for s in geneva.sources] == ["Wire One", "Daily Two"]
    assert geneva.sources[1].evidence.startswith("The Treasury chief")
    assert geneva.quotes == [QuoteRef("productive and constructive", "Scott Bessent")]
    assert geneva.group == "Tariffs" and geneva.actors == ["China", "Scott Bessent"]
    assert [e.id for e in export_events(p, {2, 4})] == [2, 4]
    rows = csv_rows(evs)
    assert rows[1]["sources"].count(" | ") == 1


@pytest.mark.parametrize("fmt, name", [("csv", "e.csv"), ("timelinejs", "e.json"),
                                       ("timelinejs-csv", "t.csv"), ("ics", "e.ics")])
def test_export_then_import_into_a_fresh_project(tmp_path, fmt, name):
    src = make_project()
    edits.add_manual_event(src, "Manual note", "2025-Q4", issues=["chips"])
    path = tmp_path / name
    n = export_file(src, path, fmt, title="Trade story")
    # the two reports of the Geneva meeting are one happening: exported once, with both sources
    assert n == 4
    geneva = [e for e in export_events(src) if len(e.sources) == 2]
    assert len(geneva) == 1
    if fmt == "timelinejs":
        assert validate_timelinejs(json.loads(path.read_text(encoding="utf-8"))) == []
    dst = make_project()
    before = dst.counts()["events"]
    rep = import_events_file(dst, path)
    assert rep.status == "imported" and len(rep.event_ids) == 4 and rep.problems == []
    assert dst.counts()["events"] == before + 4
    orig = {(e.title, e.when.start, e.last_day) for e in export_events(src)}
    got = {(e.title, e.when.start, e.last_day) for e in export_events(dst, set(rep.event_ids))}
    assert got == orig
    # groups map back onto the project's issues by label
    manual = next(e for e in export_events(dst, set(rep.event_ids)) if e.title == "Manual note")
    assert manual.group == "Semiconductors"
    # each imported event points at its paragraph of the imported file's text, and is the user's
    ev = dst.event(manual.id)
    text = dst.article_text(rep.article_id)
    assert text[ev.start_offset:ev.end_offset] == ev.evidence and "Manual note" in ev.evidence
    assert ev.user_edited and ev.when.origin == Origin.EXPLICIT
    art = next(a for a in dst.articles() if a.id == rep.article_id)
    # Dateline's own CSV has no title row: the file name stands in
    assert art.title == ("e" if fmt == "csv" else "Trade story") and art.status == "ok"
    # the same file again is a duplicate, and removing its article removes its events
    assert import_events_file(dst, path).status == "duplicate"
    edits.remove_article(dst, rep.article_id)
    assert dst.counts()["events"] == before


def test_import_makes_unknown_groups_into_issues(tmp_path):
    p = make_project()
    path = tmp_path / "cal.ics"
    path.write_text(ICS, encoding="utf-8")
    rep = import_events_file(p, path, published=date(2025, 9, 1))
    assert rep.status == "imported" and len(rep.event_ids) == 4 and len(rep.problems) == 3
    assert p.event(rep.event_ids[0]).issues == ["tariffs"]  # "Tariffs" matched the existing label
    path.write_text(ICS.replace("CATEGORIES:Tariffs", "CATEGORIES:Port fees"), encoding="utf-8")
    rep2 = import_events_file(p, path)
    assert p.event(rep2.event_ids[0]).issues == ["port_fees"]
    assert {i.id: i.label for i in p.issues()}["port_fees"] == "Port fees"


@pytest.mark.parametrize("name, content, message", [
    ("bad.json", "{not json", "not valid JSON"),
    ("empty.json", '{"events": []}', "no event"),
    ("other.csv", "a,b\n1,2\n", "not a TimelineJS spreadsheet"),
    ("x.ics", "hello", "not an iCalendar"),
    ("all_bad.csv", "Year,Headline\n,x\n", "no event to import"),
])
def test_bad_files_are_refused_with_a_reason(tmp_path, name, content, message):
    p = make_project()
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    rep = import_events_file(p, path)
    assert rep.status == "refused" and message in rep.message, rep.message
    assert rep.line().startswith("refused")
    assert p.counts()["articles"] == 2


def test_missing_file_and_routing(tmp_path):
    rep = import_events_file(make_project(), tmp_path / "gone.json")
    assert rep.status == "refused" and "cannot read" in rep.message
    assert is_event_file("a/B.ICS") and is_event_file("t.json") and not is_event_file("a.txt")
