"""Cross-article merging (issue 4): the reports of one happening are one timeline event with
all its sources; the user can split a report out again (undoable); groups stay consistent
through re-extraction, removal and deletion.

The articles are written for these tests (invented ports, ministers and pacts).
"""

from __future__ import annotations

import os
from datetime import date

import numpy as np
import pytest

from viewer.core.model import Actor, Article, Event, Extraction, Issue, Origin, Precision, Quote, TimePoint
from viewer.store import edits
from viewer.store.columns import event_details, load_columns, load_timeline
from viewer.store.edits import EditError, apply_change
from viewer.store.filters import Filter, filtered_event_ids, filtered_leader_ids
from viewer.store.project import Project, migrate

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ISSUES = [Issue("shipping", "Shipping", "#44AA99"), Issue("tariffs", "Tariffs", "#CC6677")]

PACT_A = "Ministers of Norland and Estria signed a port-fees pact in Valmo on Tuesday."
PACT_B = "Estria and Norland signed the port fees pact on 9 September in Valmo, officials said."
PACT_C = "Norland and Estria signed a pact on port fees in Valmo this month, the ministry said."
STEEL_B = "Norland raised tariffs on Estrian steel on Tuesday."
TALK_D = "Norland and Estria signed a port-fees pact in Valmo on 16 September."


def _when(day: date | None = None, month: tuple[int, int] | None = None) -> TimePoint:
    if month is not None:
        y, m = month
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        return TimePoint(date(y, m, 1), date.fromordinal(nxt.toordinal() - 1), Precision.MONTH,
                         Origin.RELATIVE, f"{y:04d}-{m:02d}")
    assert day is not None
    return TimePoint(day, day, Precision.DAY, Origin.RELATIVE, day.isoformat())


def _event(text: str, title: str, when: TimePoint, actors: list[str], issues: list[str], date_text: str,
           offset: int = 0) -> Event:
    sentence = text[offset:]
    s = sentence.index(date_text) + offset if date_text in sentence else offset
    return Event(title, when, sentence, offset, len(text), actors, issues, date_text, s, s + len(date_text))


def _extraction(events: list[Event], quotes: list[Quote] = ()) -> Extraction:
    names = sorted({a for e in events for a in e.actors})
    return Extraction(events=list(events), actors=[Actor(n, "country") for n in names], issues=ISSUES,
                      quotes=list(quotes))


TUESDAY = date(2025, 9, 9)


def pact_a() -> Extraction:
    q = PACT_A.index("port-fees pact")
    return _extraction(
        [_event(PACT_A, "Norland and Estria sign port-fees pact", _when(TUESDAY), ["Norland", "Estria"],
                ["shipping"], "Tuesday")],
        [Quote("port-fees pact", q, q + 14, None, 0, len(PACT_A), 0)])


def pact_b() -> Extraction:
    text = PACT_B + " " + STEEL_B
    q = text.index("port fees pact")
    return _extraction(
        [_event(PACT_B, "Estria and Norland sign port fees pact", _when(TUESDAY), ["Estria", "Norland"],
                ["shipping"], "9 September"),
         _event(text, "Norland raises tariffs on Estrian steel", _when(TUESDAY), ["Norland"], ["tariffs"],
                "Tuesday", offset=len(PACT_B) + 1)],
        [Quote("port fees pact", q, q + 14, "Estria", 0, len(PACT_B), 0)])


def _article(text: str, title: str, outlet: str, published: date = date(2025, 9, 10)) -> Article:
    return Article(text, title, outlet, f"https://example.org/{outlet.lower().replace(' ', '-')}", published,
                   "header", f"/tmp/{title}.txt")


def make_pair() -> Project:
    p = Project()
    p.sync_issues(ISSUES)
    p.add_article(_article(PACT_A, "Pact in Valmo", "Harbour Daily"), pact_a())
    p.add_article(_article(PACT_B + " " + STEEL_B, "Ports and steel", "Estria Wire"), pact_b())
    return p


def dump(p: Project) -> dict[str, list[tuple]]:
    tables = ["articles", "actors", "actor_aliases", "events", "event_actors", "event_issues", "quotes",
              "mentions", "deleted_events", "event_splits"]
    return {t: sorted(p.db.conn.execute(f"select * from [{t}]").fetchall(), key=repr) for t in tables}


def _id(p: Project, title: str) -> int:
    return p.db.conn.execute("select id from events where title = ?", [title]).fetchone()[0]


def _leaders(p: Project) -> list[str]:
    return sorted(r[0] for r in p.db.conn.execute("select title from events where merged_into is null"))


PACT_TITLE_A = "Norland and Estria sign port-fees pact"
PACT_TITLE_B = "Estria and Norland sign port fees pact"
STEEL_TITLE = "Norland raises tariffs on Estrian steel"


# ---------------------------------------------------------------- merging on import

def test_two_reports_of_one_happening_are_one_timeline_event_with_two_sources():
    p = make_pair()
    a, b, steel = _id(p, PACT_TITLE_A), _id(p, PACT_TITLE_B), _id(p, STEEL_TITLE)
    assert p.group_event_ids(a) == [a, b] and p.group_event_ids(b) == [a, b]
    tl = load_timeline(p)
    assert sorted(tl.ids.tolist()) == sorted([a, steel])  # one pact on the timeline, the steel event apart
    assert p.counts()["events"] == len(tl.ids) == 2
    assert event_details(p, a)["sources"] == 2 and p.source_count(b) == 2
    assert event_details(p, steel)["sources"] == 1
    sources = edits.event_sources(p, a)
    assert [(s.event_id, s.outlet) for s in sources] == [(a, "Harbour Daily"), (b, "Estria Wire")]
    assert sources[1].evidence == PACT_B
    # the member's view of it: itself first, same sources
    assert [s.event_id for s in edits.event_sources(p, b)] == [b, a]


def test_different_happenings_on_the_same_day_stay_apart():
    p = make_pair()
    steel = _id(p, STEEL_TITLE)
    # same day, an actor in common with the pact, other wording and issue: its own event
    assert p.group_event_ids(steel) == [steel]
    assert _leaders(p) == [PACT_TITLE_A, STEEL_TITLE]


def test_selection_links_follow_the_group():
    p = make_pair()
    a, b, steel = _id(p, PACT_TITLE_A), _id(p, PACT_TITLE_B), _id(p, STEEL_TITLE)
    quotes = {q.text: q for q in p.quotes()}
    # each quote stays on its own article's row, the panels see the timeline event
    assert p.db.conn.execute("select event_id from quotes where text = 'port fees pact'").fetchone()[0] == b
    assert quotes["port fees pact"].event_id == a and quotes["port-fees pact"].event_id == a
    assert sorted(p.quote_ids_for_event(a)) == sorted(p.quote_ids_for_event(b)) == sorted(
        q.id for q in quotes.values())
    estria = p.db.conn.execute("select id from actors where name = 'Estria'").fetchone()[0]
    norland = p.db.conn.execute("select id from actors where name = 'Norland'").fetchone()[0]
    assert p.event_ids_for_actor(estria) == [a]
    assert p.event_ids_for_actor(norland) == sorted([a, steel])
    assert p.event_ids_for_issue("shipping") == [a]
    assert p.event_ids_for_issue("no-such-issue") == [] and p.event_ids_for_actor(-1) == []
    # several at once (a multiple selection in a panel): each leader once, ascending
    both = p.events_of_actors([norland, estria, -1])
    assert both.dtype == np.int64 and both.tolist() == sorted({a, steel})
    issues = [i for (i,) in p.db.conn.execute("select distinct issue_id from event_issues")]
    assert p.events_of_issues(issues).tolist() == sorted({e for i in issues for e in p.event_ids_for_issue(i)})
    assert p.events_of_issues([]).size == 0
    assert p.event_ids_for_article(2) == sorted([a, steel])
    assert p.leader_ids([b, steel]) == {a, steel}
    # a filter shows the timeline event of each report it lets through: the merged report as its leader
    p.db.conn.execute("update events set verified = 1 where id = ?", [b])
    only_b = Filter(verified_only=True)
    assert filtered_event_ids(p, only_b) == {b}
    assert filtered_leader_ids(p, only_b) == p.leader_ids(filtered_event_ids(p, only_b)) and a in \
        filtered_leader_ids(p, only_b) and b not in filtered_leader_ids(p, only_b)
    for f in (Filter(), Filter(issue_ids=frozenset({"shipping"})), Filter(actor_ids=frozenset({norland}))):
        assert filtered_leader_ids(p, f) == p.leader_ids(filtered_event_ids(p, f))
    assert {r.name: r.events for r in p.actors()} == {"Norland": 2, "Estria": 1}
    assert {r.id: r.events for r in p.issues()} == {"shipping": 1, "tariffs": 1}
    assert [x.text for x in edits.event_quotes(p, a)] == ["port-fees pact", "port fees pact"]


def test_the_most_precise_report_leads():
    p = Project()
    p.sync_issues(ISSUES)
    month = _extraction([_event(PACT_C, "Norland and Estria sign pact on port fees", _when(month=(2025, 9)),
                                ["Norland", "Estria"], ["shipping"], "this month")])
    p.add_article(_article(PACT_C, "This month", "Monthly"), month)
    p.add_article(_article(PACT_A, "Pact in Valmo", "Harbour Daily"), pact_a())
    day, coarse = _id(p, PACT_TITLE_A), _id(p, "Norland and Estria sign pact on port fees")
    assert p.group_event_ids(coarse) == [day, coarse]  # the day-precise report is what the timeline shows
    assert load_timeline(p).ids.tolist() == [day]


def test_a_coarse_report_does_not_chain_two_different_days():
    p = Project()
    p.sync_issues(ISSUES)
    month = _extraction([_event(PACT_C, "Norland and Estria sign pact on port fees", _when(month=(2025, 9)),
                                ["Norland", "Estria"], ["shipping"], "this month")])
    p.add_article(_article(PACT_C, "This month", "Monthly"), month)
    p.add_article(_article(PACT_A, "Pact in Valmo", "Harbour Daily"), pact_a())
    later = _extraction([_event(TALK_D, "Norland and Estria sign port-fees pact", _when(date(2025, 9, 16)),
                                ["Norland", "Estria"], ["shipping"], "16 September")])
    p.add_article(_article(TALK_D, "The 16th", "Late Post"), later)
    # the 16th nests in "this month" but not in the 9th: the group of the 9th does not take it
    assert len(load_timeline(p).ids) == 2
    assert p.source_count(_id(p, "Norland and Estria sign pact on port fees")) == 2


def test_reports_of_one_article_are_not_merged_with_each_other():
    p = Project()
    p.sync_issues(ISSUES)
    text = PACT_A + " " + PACT_B
    ex = _extraction([
        _event(text, PACT_TITLE_A, _when(TUESDAY), ["Norland", "Estria"], ["shipping"], "Tuesday"),
        _event(text, PACT_TITLE_B, _when(TUESDAY), ["Estria", "Norland"], ["shipping"], "9 September",
               offset=len(PACT_A) + 1),
    ])
    p.add_article(_article(text, "Twice", "Echo"), ex)
    assert len(load_timeline(p).ids) == 2  # the extractor's own decision inside an article stands


def test_timeline_cache_follows_merges():
    p = Project()
    p.sync_issues(ISSUES)
    p.add_article(_article(PACT_A, "Pact in Valmo", "Harbour Daily"), pact_a())
    assert load_columns(p).ids.size == 1  # cache written
    p.add_article(_article(PACT_B + " " + STEEL_B, "Ports and steel", "Estria Wire"), pact_b())
    cached = load_columns(p)
    fresh = load_columns(p, use_cache=False)
    assert np.array_equal(cached.ids, fresh.ids) and cached.ids.size == 2
    edits.split_event(p, _id(p, PACT_TITLE_B))
    cached = load_columns(p)
    assert np.array_equal(cached.ids, load_columns(p, use_cache=False).ids) and cached.ids.size == 3


# ---------------------------------------------------------------- re-extraction, removal, deletion

@pytest.mark.parametrize("article", [1, 2])
def test_re_extraction_of_either_article_keeps_one_group(article):
    p = make_pair()
    ex = pact_a() if article == 1 else pact_b()
    p.set_published(article, date(2025, 9, 10), ex)
    pacts = [r[0] for r in p.db.conn.execute(
        "select id from events where title in (?, ?) order by id", [PACT_TITLE_A, PACT_TITLE_B])]
    assert len(pacts) == 2
    group = p.group_event_ids(pacts[0])
    assert sorted(group) == pacts  # still one happening with both reports
    assert p.db.conn.execute("select count(*) from events where merged_into is null and id in (?, ?)",
                             pacts).fetchone()[0] == 1
    assert _leaders(p) in ([PACT_TITLE_A, STEEL_TITLE], [PACT_TITLE_B, STEEL_TITLE])
    # no member points at a row that is gone
    assert p.db.conn.execute("select count(*) from events e where merged_into is not null and not exists "
                             "(select 1 from events l where l.id = e.merged_into)").fetchone()[0] == 0


def test_re_extraction_with_another_date_takes_the_report_out():
    p = make_pair()
    moved = pact_b()
    moved.events[0] = _event(PACT_B, PACT_TITLE_B, _when(date(2025, 10, 9)), ["Estria", "Norland"], ["shipping"],
                             "9 September")
    p.set_published(2, date(2025, 10, 10), moved)
    assert _leaders(p) == sorted([PACT_TITLE_A, PACT_TITLE_B, STEEL_TITLE])


def test_removing_the_leading_article_promotes_the_other_report():
    p = make_pair()
    a, b = _id(p, PACT_TITLE_A), _id(p, PACT_TITLE_B)
    edits.set_verified(p, [a])
    before = dump(p)
    change = edits.remove_article(p, 1)
    assert p.db.conn.execute("select merged_into, verified from events where id = ?", [b]).fetchone() == (None, 1)
    assert b in load_timeline(p).ids.tolist() and event_details(p, b)["sources"] == 1
    assert [s.article_id for s in edits.event_sources(p, b)] == [2]
    after = dump(p)
    apply_change(p, change, "before")
    assert dump(p) == before and p.group_event_ids(b) == [a, b]
    apply_change(p, change, "after")
    assert dump(p) == after


def test_removing_the_member_article_leaves_the_leader_alone():
    p = make_pair()
    a = _id(p, PACT_TITLE_A)
    edits.remove_article(p, 2)
    assert p.group_event_ids(a) == [a] and p.source_count(a) == 1


def test_deleting_a_leader_row_alone_promotes_and_the_happening_goes_whole():
    p = make_pair()
    a, b = _id(p, PACT_TITLE_A), _id(p, PACT_TITLE_B)
    edits.delete_events(p, [a])
    assert p.group_event_ids(b) == [b] and b in load_timeline(p).ids.tolist()
    q = make_pair()
    change = edits.delete_events(q, [a], whole_happening=True)
    assert q.db.conn.execute("select count(*) from events where id in (?, ?)", [a, b]).fetchone()[0] == 0
    assert sorted(r[0] for r in q.db.conn.execute("select article_id from deleted_events")) == [1, 2]
    apply_change(q, change, "before")
    assert q.group_event_ids(a) == [a, b]


# ---------------------------------------------------------------- split

@pytest.mark.parametrize("which", [PACT_TITLE_A, PACT_TITLE_B])
def test_split_makes_two_events_and_undoes_exactly(which):
    p = make_pair()
    a, b = _id(p, PACT_TITLE_A), _id(p, PACT_TITLE_B)
    before = dump(p)
    out = _id(p, which)
    change = edits.split_event(p, out)
    assert change.result == out and "Split" in change.label
    assert p.group_event_ids(a) == [a] and p.group_event_ids(b) == [b]
    assert sorted(load_timeline(p).ids.tolist()) == sorted([a, b, _id(p, STEEL_TITLE)])
    after = dump(p)
    assert len(after["event_splits"]) == 1
    apply_change(p, change, "before")
    assert dump(p) == before
    apply_change(p, change, "after")
    assert dump(p) == after


def test_a_split_survives_re_extraction_of_both_articles():
    p = make_pair()
    edits.split_event(p, _id(p, PACT_TITLE_B))
    p.set_published(2, date(2025, 9, 10), pact_b())
    p.set_published(1, date(2025, 9, 10), pact_a())
    assert _leaders(p) == sorted([PACT_TITLE_A, PACT_TITLE_B, STEEL_TITLE])


def test_split_of_a_lone_event_is_refused():
    p = make_pair()
    with pytest.raises(EditError, match="one article"):
        edits.split_event(p, _id(p, STEEL_TITLE))
    with pytest.raises(EditError):
        edits.split_event(p, 999)


# ---------------------------------------------------------------- older project files

def test_migration_groups_the_events_of_an_older_project(tmp_path):
    path = tmp_path / "old.dateline"
    p = Project(path)
    p.sync_issues(ISSUES)
    p.add_article(_article(PACT_A, "Pact in Valmo", "Harbour Daily"), pact_a())
    p.add_article(_article(PACT_B + " " + STEEL_B, "Ports and steel", "Estria Wire"), pact_b())
    # take the project back to before migration 004
    conn = p.db.conn
    for idx in ("idx_events_merged_into", "idx_events_precision_t0"):
        conn.execute(f"drop index if exists {idx}")
    conn.execute("alter table events drop column merged_into")
    conn.execute("drop table event_splits")
    # the migrations after 004 are forgotten too: they run again after it, as on an older file
    conn.execute("delete from _migrations where name >= '004_event_groups'")
    conn.commit()
    p.close()
    again = Project(path)
    assert migrate(again.db) == []  # ran on open
    a = _id(again, PACT_TITLE_A)
    assert again.group_event_ids(a) == [a, _id(again, PACT_TITLE_B)]
    again.close()


# ---------------------------------------------------------------- the real extractor, end to end

def test_end_to_end_with_the_extractor():
    from viewer.extract.pipeline import extract

    one = Article("The trade ministers of Norland and Estria signed a port-fees pact in Valmo on Tuesday.",
                  "Pact", "Harbour Daily", published=date(2025, 9, 12))
    two = Article("Estria and Norland signed a pact on port fees on September 9, 2025, officials in Valmo said. "
                  "Norland raised tariffs on Estrian steel on the same day.", "Ports", "Estria Wire",
                  published=date(2025, 9, 10))
    p = Project()
    for art in (one, two):
        p.add_article(art, extract(art))
    rows = p.db.conn.execute("select id, article_id, merged_into from events order by id").fetchall()
    merged = [r for r in rows if r[2] is not None]
    assert len(merged) == 1 and merged[0][1] == 2  # the second article's pact joins the first's
    assert event_details(p, merged[0][2])["sources"] == 2
    assert p.counts()["events"] == len(rows) - 1


# ---------------------------------------------------------------- the details panel

def test_details_panel_lists_sources_and_splits_with_undo(qtbot):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QUndoStack

    from viewer.ui.event_details import SPLIT_TEXT, EventDetails

    p = make_pair()
    a, b = _id(p, PACT_TITLE_A), _id(p, PACT_TITLE_B)
    stack = QUndoStack()
    w = EventDetails(stack)
    qtbot.addWidget(w)
    w.set_project(p)
    w.show_event(a)
    text = w.sources.toPlainText()
    assert "Harbour Daily" in text and "Estria Wire" in text and "Reported by 2 articles" in text
    assert f'href="split:{b}"' in w._sources_html(p, a, "") and SPLIT_TEXT in text
    with qtbot.waitSignal(w.eventSplit, timeout=1000) as split:
        w.sources.anchorClicked.emit(QUrl(f"split:{b}"))
    assert split.args == [b]
    assert p.group_event_ids(a) == [a] and "Estria Wire" not in w.sources.toPlainText()
    assert SPLIT_TEXT not in w.sources.toPlainText()
    assert stack.count() == 1 and "Split" in stack.undoText()
    stack.undo()
    assert p.group_event_ids(a) == [a, b] and "Estria Wire" in w.sources.toPlainText()
    stack.redo()
    assert p.group_event_ids(a) == [a]
    # a refused split shows its reason and pushes nothing
    w.show_event(_id(p, STEEL_TITLE))
    assert w.split_source(_id(p, STEEL_TITLE)) is None and stack.count() == 1
    assert not w.error.isHidden()


# ---------------------------------------------------------------- merging by hand

def test_merge_by_hand_joins_groups_forgets_the_split_and_survives_re_extraction():
    p = make_pair()
    a, b, steel = _id(p, PACT_TITLE_A), _id(p, PACT_TITLE_B), _id(p, STEEL_TITLE)
    edits.split_event(p, b)
    before = dump(p)
    change = edits.merge_events(p, [b, a])
    assert change.result == a and p.group_event_ids(b) == [a, b]
    assert dump(p)["event_splits"] == []
    after = dump(p)
    apply_change(p, change, "before")
    assert dump(p) == before
    apply_change(p, change, "after")
    assert dump(p) == after
    p.set_published(2, date(2025, 9, 10), pact_b())
    p.set_published(1, date(2025, 9, 10), pact_a())
    assert p.group_event_ids(a) == [a, b]
    # the user's call, even where the rule says no: a tariff rise and the pact
    edits.merge_events(p, [a, steel])
    assert p.group_event_ids(steel) == [a, b, steel] and p.source_count(steel) == 2


def test_merge_by_hand_needs_two_happenings():
    p = make_pair()
    with pytest.raises(EditError, match="two or more"):
        edits.merge_events(p, [_id(p, PACT_TITLE_A), _id(p, PACT_TITLE_B)])
    with pytest.raises(EditError):
        edits.merge_events(p, [_id(p, STEEL_TITLE), 999])


def test_merge_and_split_commands_undo_and_redo(qtbot):
    from PySide6.QtGui import QUndoStack

    from viewer.ui import undo

    p = make_pair()
    a, b, steel = _id(p, PACT_TITLE_A), _id(p, PACT_TITLE_B), _id(p, STEEL_TITLE)
    start = dump(p)
    stack = QUndoStack()
    stack.push(undo.SplitEventCommand(p, b))
    split = dump(p)
    cmd = undo.MergeEventsCommand(p, [a, steel])
    stack.push(cmd)
    assert cmd.result == a and p.group_event_ids(steel) == [a, steel]
    stack.undo()
    assert dump(p) == split
    stack.undo()
    assert dump(p) == start
    stack.redo()
    stack.redo()
    assert p.group_event_ids(a) == [a, steel] and p.group_event_ids(b) == [b]
    # deleting what the timeline shows takes every report of it
    stack.push(undo.DeleteEventsCommand(p, [a]))
    assert p.db.conn.execute("select count(*) from events where id in (?, ?)", [a, steel]).fetchone()[0] == 0
    stack.undo()
    assert p.group_event_ids(a) == [a, steel]


def test_panel_counts_take_a_group_once_even_when_only_a_member_names_the_actor():
    p = Project()
    p.sync_issues(ISSUES)
    only_norland = pact_a()
    only_norland.events[0].actors = ["Norland"]
    p.add_article(_article(PACT_A, "Pact in Valmo", "Harbour Daily"), only_norland)
    p.add_article(_article(PACT_B + " " + STEEL_B, "Ports and steel", "Estria Wire"), pact_b())
    a = _id(p, PACT_TITLE_A)
    assert p.group_event_ids(a) == [a, _id(p, PACT_TITLE_B)]
    assert {r.name: r.events for r in p.actors()} == {"Norland": 2, "Estria": 1}
    assert {r.id: r.events for r in p.issues()} == {"shipping": 1, "tariffs": 1}
    estria = p.db.conn.execute("select id from actors where name = 'Estria'").fetchone()[0]
    assert p.event_ids_for_actor(estria) == [a]
    assert set(p.actor_ids_for_event(a)) == {estria, p.db.conn.execute(
        "select id from actors where name = 'Norland'").fetchone()[0]}
    assert event_details(p, a)["actors"] == ["Estria", "Norland"]


def test_share_prices_of_two_companies_on_one_exchange_stay_apart():
    """Stock-price lines of one day share the exchange and their wording; the companies differ,
    so they are two happenings, while a second report of one company's close joins the first."""
    from viewer.extract.pipeline import extract

    rivex = Article("Rivex Corp. said yesterday it would cut 300 jobs. In New York Stock Exchange composite "
                    "trading yesterday, Rivex shares closed at $34.50, up 25 cents.", "Rivex", "Wire A",
                    published=date(1989, 11, 2))
    korvan = Article("Korvan Industries Inc. said yesterday its quarterly profit rose 12%. In New York Stock "
                     "Exchange composite trading yesterday, Korvan shares closed at $12.25, down 50 cents.",
                     "Korvan", "Wire B", published=date(1989, 11, 2))
    again = Article("Shares of Rivex Corp. closed at $34.50, up 25 cents, in New York Stock Exchange composite "
                    "trading on November 1, 1989.", "Rivex close", "Wire C", published=date(1989, 11, 3))
    p = Project()
    for art in (rivex, korvan, again):
        p.add_article(art, extract(art))
    rows = p.db.conn.execute("select article_id, merged_into is not null from events order by id").fetchall()
    # only the third article's report merges (into the first article's close); Korvan stays alone
    assert [art for art, merged in rows if merged] == [3]
    groups = {tuple(p.group_event_ids(i)) for (i,) in p.db.conn.execute("select id from events")}
    assert sorted(len(g) for g in groups) == [1, 1, 1, 2]
