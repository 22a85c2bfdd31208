"""The project store: round trips, duplicates, re-resolution, migrations."""

from datetime import date

import pytest

from viewer.core.model import (
    Actor,
    ActorMention,
    Article,
    Event,
    Extraction,
    Issue,
    Origin,
    Precision,
    Quote,
    TimePoint,
    UnresolvedDate,
)
from viewer.store.columns import load_columns
from viewer.store.project import MIGRATIONS, Project, ProjectError, day_seconds, seconds_to_date


def _tp(d: date, prec=Precision.DAY, end=None, value=None):
    return TimePoint(d, end or d, prec, Origin.RELATIVE, value or d.isoformat())


def _extraction():
    tariffs = Issue("tariffs", "Tariffs", "#E69F00")
    ev1 = Event("Trump and Xi hold phone call", _tp(date(2025, 6, 5)), "They spoke on Thursday.", 0, 23,
                ["Donald Trump", "Xi Jinping"], ["tariffs"], "Thursday", 15, 23)
    ev2 = Event("Deal signed", _tp(date(2025, 5, 1), Precision.MONTH, date(2025, 5, 31), "2025-05"),
                "A deal was signed in May.", 24, 49, ["Donald Trump"], ["tariffs"], "May", 45, 48)
    return Extraction(
        events=[ev1, ev2],
        actors=[Actor("Donald Trump", "person", "US", ["Trump", "Donald Trump"]), Actor("Xi Jinping", "person", "CN")],
        actor_mentions=[ActorMention(0, 4, "They", "Donald Trump", "person")],
        issues=[tariffs],
        quotes=[Quote("total reset", 30, 41, "Donald Trump", 24, 49, 1), Quote("scare", 0, 5, None)],
        unresolved=[UnresolvedDate("Thursday", 15, 23, "XXXX-WXX-4")],
    )


def _article(text="They spoke on Thursday. A deal was signed in May. total reset", **kw):
    return Article(text=text, title="T", path="/x/a.txt", **kw)


def test_round_trip_articles_events_actors_quotes():
    p = Project()
    p.sync_issues([Issue("tariffs", "Tariffs", "#E69F00"), Issue("chips", "Chips", "#0072B2")])
    res = p.add_article(_article(published=date(2025, 6, 6), published_origin="header"), _extraction())
    assert not res.duplicate and res.events == 2 and res.quotes == 2
    [art] = p.articles()
    assert (art.title, art.published, art.published_origin, art.events, art.unresolved) == (
        "T", date(2025, 6, 6), "header", 2, 1)
    actors = {a.name: a for a in p.actors()}
    assert actors["Donald Trump"].events == 2 and actors["Donald Trump"].quotes == 1
    assert actors["Donald Trump"].aliases == ["Donald Trump", "Trump"]
    assert actors["Xi Jinping"].events == 1
    issues = {i.id: i.events for i in p.issues()}
    assert issues == {"tariffs": 2, "chips": 0}
    quotes = p.quotes()
    assert [(q.text, q.speaker) for q in quotes] == [("scare", None), ("total reset", "Donald Trump")]
    assert quotes[1].date == "2025-05"
    cols = load_columns(p)
    assert list(cols.t0) == [day_seconds(date(2025, 5, 1)), day_seconds(date(2025, 6, 5))]
    assert list(cols.t1) == [day_seconds(date(2025, 6, 1)), day_seconds(date(2025, 6, 6))]
    assert [cols.issue_ids[i] for i in cols.issue] == ["tariffs", "tariffs"]
    ev = p.event(int(cols.ids[1]))
    assert ev.title == "Trump and Xi hold phone call" and ev.when.start == date(2025, 6, 5)
    assert ev.when.precision == Precision.DAY and sorted(ev.actors) == ["Donald Trump", "Xi Jinping"]
    month = p.event(int(cols.ids[0]))
    assert month.when.start == date(2025, 5, 1) and month.when.end == date(2025, 5, 31)


def test_same_text_or_url_is_not_added_twice():
    p = Project()
    first = p.add_article(_article(url="https://example.org/a"), Extraction())
    again = p.add_article(_article(text="They  spoke on Thursday.\nA deal was signed in May. total reset"),
                          Extraction())
    by_url = p.add_article(_article(text="other text", url="https://example.org/a"), Extraction())
    assert again.duplicate and again.article_id == first.article_id
    assert by_url.duplicate
    assert p.counts()["articles"] == 1


def test_set_published_replaces_extraction_but_keeps_user_edits():
    p = Project()
    res = p.add_article(_article(), Extraction(unresolved=[UnresolvedDate("Thursday", 15, 23, "XXXX-WXX-4")]))
    assert p.articles()[0].status == "date needed"
    p.db.execute("insert into events (article_id, title, t0, t1, precision, origin, user_edited) "
                 "values (?, 'mine', 0, 86400, 'day', 'user', 1)", [res.article_id])
    p.set_published(res.article_id, date(2025, 6, 6), _extraction())
    [art] = p.articles()
    assert art.status == "ok" and art.published_origin == "user" and art.unresolved == 1
    titles = sorted(r["title"] for r in p.db.query("select title from events"))
    assert titles == ["Deal signed", "Trump and Xi hold phone call", "mine"]
    # a second re-resolution does not pile up events
    p.set_published(res.article_id, date(2025, 6, 6), _extraction())
    assert p.counts()["events"] == 3


def test_failed_article_leaves_nothing(monkeypatch):
    p = Project()
    bad = _extraction()
    bad.quotes.append(Quote("x", 0, 1, "Someone"))
    monkeypatch.setattr(p, "_insert_extraction", lambda *a: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        p.add_article(_article(), bad)
    assert p.counts()["articles"] == 0 and p.counts()["events"] == 0


def test_file_project_reopens_and_migrations_recorded(tmp_path):
    path = tmp_path / "p.dateline"
    p = Project(path)
    p.add_article(_article(published=date(2025, 6, 6)), _extraction())
    p.close()
    q = Project(path)
    assert q.counts()["events"] == 2
    assert [r["name"] for r in q.db["_migrations"].rows] == [n for n, _ in MIGRATIONS]


def test_not_a_project_is_refused_with_its_name(tmp_path):
    junk = tmp_path / "junk.dateline"
    junk.write_bytes(b"\x00garbage" * 1000)
    with pytest.raises(ProjectError, match="junk.dateline"):
        Project(junk)


@pytest.mark.parametrize(
    "d", [date(1, 1, 1), date(1969, 12, 31), date(1970, 1, 1), date(2025, 6, 5), date(9999, 12, 31)]
)
def test_day_seconds_round_trip(d):
    assert seconds_to_date(day_seconds(d)) == d


def test_re_extraction_keeps_user_corrections_without_duplicates():
    from viewer.store import edits

    p = Project()
    p.sync_issues([Issue("tariffs", "Tariffs", "#E69F00")])
    res = p.add_article(_article(published=date(2025, 6, 6)), _extraction())
    ids = {p.event(int(i)).title: int(i) for i in load_columns(p).ids}
    edits.edit_event(p, ids["Trump and Xi hold phone call"], title="Trump and Xi speak by phone")
    edits.delete_events(p, [ids["Deal signed"]])
    trump = edits.find_actor(p, "Donald Trump")
    edits.rename_actor(p, trump, "Donald J. Trump")
    p.set_published(res.article_id, date(2025, 6, 6), _extraction())
    titles = sorted(r["title"] for r in p.db.query("select title from events"))
    assert titles == ["Trump and Xi speak by phone"]
    names = {a.name for a in p.actors()}
    assert "Donald J. Trump" in names and "Donald Trump" not in names


def test_a_failing_migration_leaves_no_half_schema(tmp_path, monkeypatch):
    import sqlite_utils

    from viewer.store import project as project_mod

    def broken(db):
        db["half_done"].create({"id": int}, pk="id")
        db["events"].add_column("never", int)
        raise RuntimeError("power cut")

    path = tmp_path / "p.dateline"
    Project(path).close()
    monkeypatch.setattr(project_mod, "MIGRATIONS", [*project_mod.MIGRATIONS, ("999_broken", broken)])
    with pytest.raises(RuntimeError, match="power cut"):
        Project(path)
    db = sqlite_utils.Database(path)
    assert "half_done" not in db.table_names()
    assert "never" not in db["events"].columns_dict
    assert "999_broken" not in {r["name"] for r in db["_migrations"].rows}


def _ids(p, table):
    return sorted(r[0] for r in p.db.execute(f"select id from {table}"))


def test_re_extraction_updates_in_place_and_replaces_only_what_changed():
    p = Project()
    p.sync_issues([Issue("tariffs", "Tariffs", "#E69F00"), Issue("chips", "Chips", "#0072B2")])
    aid = p.add_article(_article(published=date(2025, 6, 6)), _extraction()).article_id
    before = {t: _ids(p, t) for t in ("events", "quotes", "mentions", "unresolved", "actors")}
    call, deal = (r[0] for r in p.db.execute("select id from events order by start_offset"))
    xi = p.db.execute("select id from actors where name = 'Xi Jinping'").fetchone()[0]
    ex = _extraction()
    ex.events[0].issues = ["chips", "tariffs"]  # re-tagged: its lane changes
    ex.events[1].title = "Deal signed in May"  # reworded: same place, same row
    ex.events[0].actors = ["Donald Trump"]  # Xi is no longer named anywhere in the article
    ex.actors = ex.actors[:1]
    ex.events.append(Event("Tariff talks", _tp(date(2025, 6, 1)), "total reset", 50, 61, ["Donald Trump"],
                           ["tariffs"], "", 0, 0))
    ex.quotes = ex.quotes[:1]  # "scare" is gone
    p.replace_extraction(aid, ex)
    assert sorted(p.event(call).issues) == ["chips", "tariffs"]
    assert p.db.execute("select issue_id from events where id = ?", [call]).fetchone()[0] == "chips"
    assert p.event(deal).title == "Deal signed in May"
    assert p.event(call).actors == ["Donald Trump"]
    [new] = set(_ids(p, "events")) - set(before["events"])
    assert new > deal and p.event(new).title == "Tariff talks"
    assert _ids(p, "quotes") == before["quotes"][:1]
    assert _ids(p, "mentions") == before["mentions"] and _ids(p, "unresolved") == before["unresolved"]
    # the orphan goes once the new extraction is in; an actor still named keeps its id
    assert _ids(p, "actors") == [a for a in before["actors"] if a != xi]
    # the same extraction again touches nothing
    rows = {t: p.db.execute(f"select * from {t} order by 1").fetchall() for t in ("events", "quotes", "actors")}
    p.replace_extraction(aid, ex)
    assert {t: p.db.execute(f"select * from {t} order by 1").fetchall() for t in rows} == rows


def test_user_deleted_hidden_verified_and_tagged_rows_survive_re_extraction():
    from viewer.store import edits

    p = Project()
    p.sync_issues([Issue("tariffs", "Tariffs", "#E69F00"), Issue("chips", "Chips", "#0072B2")])
    aid = p.add_article(_article(published=date(2025, 6, 6)), _extraction()).article_id
    call, deal = (r[0] for r in p.db.execute("select id from events order by start_offset"))
    edits.delete_events(p, [deal])
    edits.set_verified(p, [call])
    edits.edit_event(p, call, issues=["chips"])
    edits.set_actors_hidden(p, [edits.find_actor(p, "Xi Jinping")])
    edited = p.db.execute("select * from events").fetchall()
    for published in (date(2025, 6, 6), date(2025, 6, 13)):
        p.set_published(aid, published, _extraction())
        assert p.db.execute("select * from events").fetchall() == edited  # the deal does not come back
        assert p.event(call).issues == ["chips"] and p.event(call).verified
        assert "Xi Jinping" not in {a.name for a in p.actors()}


def test_the_tooltip_details_carry_the_date_as_written():
    from viewer.store.columns import event_details

    p = Project()
    p.sync_issues([Issue("tariffs", "Tariffs", "#E69F00")])
    p.add_article(_article(published=date(2025, 6, 6)), _extraction())
    written = {event_details(p, r[0])["title"]: (event_details(p, r[0])["written"], event_details(p, r[0])["date"])
               for r in p.db.execute("select id from events")}
    assert written == {"Trump and Xi hold phone call": ("Thursday", "2025-06-05"), "Deal signed": ("May", "2025-05")}


def test_events_at_most_bounds_the_count_and_copy_to_snapshots(tmp_path):
    from viewer.store.edits import delete_events

    p = Project(tmp_path / "a.dateline")
    assert p.events_at_most() == 0
    p.add_article(_article(published=date(2025, 6, 6)), _extraction())
    p.add_article(Article(text="Another text. They met on Friday.", title="U", path="/x/b.txt",
                          published=date(2025, 6, 9)), _extraction())
    count = p.counts()["events"]  # the second article's happenings merge into the first's
    assert count == 2 and p.events_at_most() >= count
    # a deletion lowers the count, never the bound below it
    delete_events(p, [int(load_columns(p).ids[0])], whole_happening=True)
    assert p.counts()["events"] == count - 1 and p.events_at_most() >= count - 1
    p.copy_to(tmp_path / "b.dateline")
    q = Project(tmp_path / "b.dateline")
    assert q.counts() == p.counts()


def test_quotes_by_event_date_then_article_and_offset_with_their_names():
    p = Project()
    p.sync_issues([Issue("chips", "Chips", "#0072B2")])
    db = p.db
    db["articles"].insert_all([{"id": 1, "title": "One", "published": "2025-06-01", "text": "x", "text_hash": "1"},
                               {"id": 2, "title": None, "published": "2025-06-06", "text": "y", "text_hash": "2"}])
    db["actors"].insert({"id": 7, "name": "Wang Wentao", "kind": "person"})
    db["events"].insert_all([
        {"id": 1, "article_id": 1, "t0": 100.0, "date_value": "2025-06-05", "issue_id": "chips"},
        {"id": 2, "article_id": 2, "t0": 100.0, "date_value": "", "issue_id": None},
        {"id": 3, "article_id": 2, "t0": 50.0, "date_value": "2025-05", "issue_id": "chips", "merged_into": 9},
    ])
    quote = {"start_offset": 0, "end_offset": 1, "sentence_start": 0, "sentence_end": 2, "speaker_id": None}
    db["quotes"].insert_all([
        {**quote, "id": 1, "text": "undated, second article", "article_id": 2, "start_offset": 50},
        {**quote, "id": 2, "text": "undated, first article", "article_id": 1, "start_offset": 90, "speaker_id": 7},
        {**quote, "id": 3, "text": "day 100, second article", "article_id": 2, "event_id": 2},
        {**quote, "id": 4, "text": "day 100, first article", "article_id": 1, "event_id": 1, "start_offset": 10},
        {**quote, "id": 5, "text": "day 50, merged report", "article_id": 2, "event_id": 3},
        {**quote, "id": 6, "text": "of no article", "article_id": 99},
    ])
    got = [(q.id, q.speaker, q.article_title, q.event_id, q.date, q.issue, q.issue_id) for q in p.quotes()]
    assert got == [
        (2, "Wang Wentao", "One", None, "2025-06-01", "", ""),
        (1, None, "", None, "2025-06-06", "", ""),
        (5, None, "", 9, "2025-05", "Chips", "chips"),
        (4, None, "One", 1, "2025-06-05", "Chips", "chips"),
        (3, None, "", 2, "2025-06-06", "", ""),  # no date of its own: the article's
    ]
