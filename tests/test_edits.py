"""The analyst's corrections (viewer/store/edits.py): effects, exact undo and redo, errors."""

from datetime import date

import pytest
from workflow_fixtures import TEXT_A, actor_id, dump, event_id, extraction_a, make_project

from viewer.core.model import Precision
from viewer.store import edits
from viewer.store.edits import EditError, apply_change
from viewer.store.project import day_seconds

GENEVA = "Bessent meets Chinese officials in Geneva"
RAISE = "US raises tariffs on Chinese semiconductors"


@pytest.fixture
def p():
    return make_project()


def _undo_redo_exact(p, change, before):
    after = dump(p)
    assert after != before, "the edit changed nothing"
    apply_change(p, change, "before")
    assert dump(p) == before
    apply_change(p, change, "after")
    assert dump(p) == after
    apply_change(p, change, "before")
    assert dump(p) == before


def _aliases(p, aid):
    rows = p.db.conn.execute("select alias from actor_aliases where actor_id = ?", [aid])
    return sorted(r[0] for r in rows)


# ---------------------------------------------------------------- actors

def test_merge_joins_aliases_and_repoints_events_quotes_mentions(p):
    bessent, china, us = actor_id(p, "Scott Bessent"), actor_id(p, "China"), actor_id(p, "United States")
    change = edits.merge_actors(p, china, [us])
    assert _aliases(p, china) == ["Beijing", "China", "United States", "Washington"]
    assert p.db.conn.execute("select count(*) from actors where id = ?", [us]).fetchone()[0] == 0
    raise_ev = event_id(p, RAISE)
    # the event had both: it keeps one link to the merged actor, not two
    assert p.actor_ids_for_event(raise_ev) == [china]
    assert p.db.conn.execute("select actor_id from mentions where text = 'Washington'").fetchone()[0] == china
    assert {a.name for a in p.actors()} == {"Scott Bessent", "China"}
    assert change.notify and "Merge" in change.label
    assert p.db.conn.execute("select user_edited from actors where id = ?", [china]).fetchone()[0] == 1
    assert bessent in p.actor_ids_for_event(event_id(p, GENEVA))


def test_merge_undo_and_redo_restore_the_exact_rows(p):
    before = dump(p)
    others = [actor_id(p, "China"), actor_id(p, "United States")]
    change = edits.merge_actors(p, actor_id(p, "Scott Bessent"), others)
    assert [a.name for a in p.actors()] == ["Scott Bessent"]
    _undo_redo_exact(p, change, before)


def test_merge_moves_quotes_to_the_kept_actor(p):
    bessent, china = actor_id(p, "Scott Bessent"), actor_id(p, "China")
    edits.merge_actors(p, china, [bessent])
    assert {q.speaker for q in p.quotes()} == {"China"}
    assert p.quote_ids_for_actor(china) == [1, 2]


def test_rename_keeps_the_old_name_as_alias_and_undoes(p):
    before = dump(p)
    bessent = actor_id(p, "Scott Bessent")
    change = edits.rename_actor(p, bessent, "  Scott   K. Bessent ")
    name = p.db.conn.execute("select name from actors where id = ?", [bessent]).fetchone()[0]
    assert name == "Scott K. Bessent"
    assert {"Scott Bessent", "Scott K. Bessent"} <= set(_aliases(p, bessent))
    assert edits.find_actor(p, "scott bessent") == bessent
    _undo_redo_exact(p, change, before)


def test_split_alias_moves_mentions_events_and_quotes_written_that_way(p):
    before = dump(p)
    bessent = actor_id(p, "Scott Bessent")
    change = edits.split_alias(p, bessent, "Bessent", "Bessent (surname)")
    new = change.result
    assert _aliases(p, new) == ["Bessent", "Bessent (surname)"]
    assert "Bessent" not in _aliases(p, bessent)
    moved = [r[0] for r in p.db.conn.execute("select text from mentions where actor_id = ?", [new])]
    assert moved == ["Bessent"]  # "Treasury Secretary Scott Bessent" is the full name, it stays
    # the quote's sentence names him only as "Bessent": it goes with the alias
    assert p.db.conn.execute("select speaker_id, user_edited from quotes where id = 1").fetchone() == (new, 1)
    # the Geneva event's sentence uses the full name: it stays with Scott Bessent
    assert bessent in p.actor_ids_for_event(event_id(p, GENEVA))
    assert new not in p.actor_ids_for_event(event_id(p, GENEVA))
    _undo_redo_exact(p, change, before)


@pytest.mark.parametrize("alias, name, message", [
    ("Scott Bessent", None, "own name"),
    ("Xi", None, "not an alias"),
    ("Bessent", "China", "already exists"),
])
def test_split_refuses(p, alias, name, message):
    with pytest.raises(EditError, match=message):
        edits.split_alias(p, actor_id(p, "Scott Bessent"), alias, name)


def test_kind_and_hide_and_unhide(p):
    before = dump(p)
    china = actor_id(p, "China")
    k = edits.set_actor_kind(p, china, "government")
    assert {a.name: a.kind for a in p.actors()}["China"] == "government"
    h = edits.set_actors_hidden(p, [china])
    assert "China" not in {a.name for a in p.actors()}
    assert china in p.actor_ids_for_event(event_id(p, RAISE))  # hiding keeps its events
    edits.set_actors_hidden(p, [china], hidden=False)
    assert "China" in {a.name for a in p.actors()}
    apply_change(p, h, "before")
    apply_change(p, k, "before")
    assert dump(p) == before


@pytest.mark.parametrize("edit, message", [
    (lambda p: edits.rename_actor(p, actor_id(p, "Scott Bessent"), ""), "empty"),
    (lambda p: edits.rename_actor(p, actor_id(p, "Scott Bessent"), "China"), "merge"),
    (lambda p: edits.merge_actors(p, actor_id(p, "China"), [actor_id(p, "China")]), "at least two"),
    (lambda p: edits.set_actors_hidden(p, []), "no actor"),
    (lambda p: edits.set_actor_kind(p, 999, "person"), "no actor"),
])
def test_actor_edits_refuse(p, edit, message):
    before = dump(p)
    with pytest.raises(EditError, match=message):
        edit(p)
    assert dump(p) == before


# ---------------------------------------------------------------- events

def test_edit_event_title_date_end_actors_issues(p):
    before = dump(p)
    eid = event_id(p, GENEVA)
    change = edits.edit_event(p, eid, title="Geneva talks open", date_value="2025-05-10",
                              end_value="2025-05-11", actors=["Scott Bessent", "He Lifeng"],
                              issues=["chips", "tariffs"])
    ev = p.event(eid)
    assert ev.title == "Geneva talks open"
    assert (ev.when.start, ev.when.end, ev.when.precision, ev.when.origin.value) == (
        date(2025, 5, 10), date(2025, 5, 11), Precision.DAY, "user")
    assert sorted(ev.actors) == ["He Lifeng", "Scott Bessent"]
    assert ev.issues == ["chips", "tariffs"] and ev.issue_id == "tariffs"  # the lane stays while still tagged
    assert ev.user_edited
    row = p.db.conn.execute("select date_end_value, t1 from events where id = ?", [eid]).fetchone()
    assert row == ("2025-05-11", day_seconds(date(2025, 5, 12)))
    assert p.db.conn.execute("select user_edited from actors where name = 'He Lifeng'").fetchone()[0] == 1
    _undo_redo_exact(p, change, before)


def test_edit_event_precision_by_value_and_removing_the_end(p):
    eid = event_id(p, GENEVA)
    edits.edit_event(p, eid, end_value="2025-05-20")
    edits.edit_event(p, eid, date_value=edits.value_with_precision(date(2025, 5, 12), "month"), end_value="")
    ev = p.event(eid)
    assert (ev.when.value, ev.when.precision, ev.when.start, ev.when.end) == (
        "2025-05", Precision.MONTH, date(2025, 5, 1), date(2025, 5, 31))
    assert p.db.conn.execute("select date_end_value from events where id = ?", [eid]).fetchone()[0] == ""


def test_dropping_the_lane_issue_moves_the_event_to_its_next_issue(p):
    eid = event_id(p, RAISE)
    edits.edit_event(p, eid, issues=["chips"])
    assert p.event(eid).issue_id == "chips"
    edits.edit_event(p, eid, issues=[])
    assert p.event(eid).issue_id is None and p.event(eid).issues == []


@pytest.mark.parametrize("kwargs, message", [
    ({"title": "   "}, "needs a title"),
    ({"date_value": "next week"}, "not a date"),
    ({"date_value": "2025-13-01"}, "not a date"),
    ({"end_value": "2024-01-01"}, "before the start"),
    ({"issues": ["nope"]}, "unknown trade issue"),
    ({"actors": ["  "]}, "needs a name"),
])
def test_edit_event_refuses(p, kwargs, message):
    before = dump(p)
    with pytest.raises(EditError, match=message):
        edits.edit_event(p, event_id(p, GENEVA), **kwargs)
    assert dump(p) == before


@pytest.mark.parametrize("day, precision, value", [
    (date(2025, 6, 5), "day", "2025-06-05"),
    (date(2025, 6, 5), "week", "2025-W23"),
    (date(2025, 6, 5), "month", "2025-06"),
    (date(2025, 6, 5), "quarter", "2025-Q2"),
    (date(2025, 6, 5), "half", "2025-H1"),
    (date(2025, 6, 5), "year", "2025"),
    (date(1994, 6, 5), "decade", "199"),
])
def test_value_with_precision(day, precision, value):
    assert edits.value_with_precision(day, precision) == value
    start, _ = edits.resolve_dates(value)
    assert start.start <= day <= start.end


def test_add_manual_event_then_undo_and_redo_keep_its_id(p):
    before = dump(p)
    change = edits.add_manual_event(p, "Truce extended", "2025-08", actors=["China", "Donald Trump"],
                                    issues=["tariffs"])
    eid = change.result
    ev = p.event(eid)
    assert ev.article_id is None and ev.when.origin.value == "user" and ev.user_edited
    assert ev.when.precision == Precision.MONTH and ev.issue_id == "tariffs"
    assert sorted(ev.actors) == ["China", "Donald Trump"]
    _undo_redo_exact(p, change, before)
    apply_change(p, change, "after")
    assert p.event(eid).title == "Truce extended"


def test_delete_event_leaves_a_tombstone_and_unlinks_quotes(p):
    before = dump(p)
    eid = event_id(p, GENEVA)
    change = edits.delete_events(p, [eid])
    assert p.db.conn.execute("select count(*) from events where id = ?", [eid]).fetchone()[0] == 0
    assert p.db.conn.execute("select event_id from quotes where id = 1").fetchone()[0] is None
    assert p.db.conn.execute("select article_id, title from deleted_events").fetchall() == [(1, GENEVA)]
    _undo_redo_exact(p, change, before)


def test_verified(p):
    before = dump(p)
    ids = [event_id(p, GENEVA), event_id(p, RAISE)]
    change = edits.set_verified(p, ids)
    assert all(p.event(i).verified and p.event(i).user_edited for i in ids)
    _undo_redo_exact(p, change, before)


def test_user_edits_survive_re_extraction(p):
    geneva, raise_ = event_id(p, GENEVA), event_id(p, RAISE)
    edits.edit_event(p, geneva, title="Geneva talks (checked)")
    p.set_published(1, date(2025, 5, 14), extraction_a())
    titles = sorted(r[0] for r in p.db.conn.execute("select title from events where article_id = 1"))
    # the edited event is kept; the others are the fresh extraction's, on the rows they had (same ids)
    assert "Geneva talks (checked)" in titles and RAISE in titles
    assert p.event(raise_).title == RAISE and p.event(geneva).title == "Geneva talks (checked)"


# ---------------------------------------------------------------- quotes

def test_quote_speaker_by_name_alias_or_new_actor(p):
    before = dump(p)
    change = edits.set_quote_speaker(p, 2, "Beijing")
    assert p.db.conn.execute("select speaker_id, user_edited from quotes where id = 2").fetchone() == (
        actor_id(p, "China"), 1)
    edits.set_quote_speaker(p, 2, "Wang Wentao")
    assert [q.speaker for q in p.quotes() if q.id == 2] == ["Wang Wentao"]
    edits.set_quote_speaker(p, 2, None)
    assert [q.speaker for q in p.quotes() if q.id == 2] == [None]
    apply_change(p, change, "before")
    # undoing the first edit alone restores its rows; the created actor is left to its own undo
    assert p.db.conn.execute("select speaker_id, user_edited from quotes where id = 2").fetchone() == (
        actor_id(p, "Scott Bessent"), 0)
    assert dump(p)["quotes"] == before["quotes"]


# ---------------------------------------------------------------- articles

def test_remove_article_keeps_events_sourced_elsewhere_and_drops_orphans(p):
    before = dump(p)
    edits.set_verified(p, [event_id(p, GENEVA, 1)])
    before_remove = dump(p)
    change = edits.remove_article(p, 1)
    assert [a.id for a in p.articles()] == [2]
    titles = sorted(r[0] for r in p.db.conn.execute("select title from events"))
    assert titles == ["Bessent meets Chinese officials in Geneva", "China announces soybean purchases"]
    # the copy in article 2 carries the user's verified mark
    assert p.event(event_id(p, GENEVA, 2)).verified
    # the United States was only in article 1
    assert {a.name for a in p.actors()} == {"Scott Bessent", "China"}
    assert p.db.conn.execute("select count(*) from quotes where article_id = 1").fetchone()[0] == 0
    assert p.db.conn.execute("select count(*) from mentions where article_id = 1").fetchone()[0] == 0
    _undo_redo_exact(p, change, before_remove)
    assert dump(p) != before


def test_remove_article_keeps_user_edited_actors(p):
    edits.set_actor_kind(p, actor_id(p, "United States"), "country")
    edits.remove_article(p, 1)
    assert "United States" in {a.name for a in p.actors()}


# ---------------------------------------------------------------- trade issues

def test_issue_colour_rename_add_and_pattern(p):
    before = dump(p)
    c1 = edits.set_issue_colour(p, "tariffs", "#aa4499")
    c2 = edits.rename_issue(p, "tariffs", "Tariffs and duties")
    c3 = edits.add_issue(p, "Rare earths", "#999933", patterns=[r"rare[- ]earths?"])
    c4 = edits.add_issue(p, "Rare earths", "#999933")
    c5 = edits.add_pattern(p, "chips", r"semiconductors?")
    assert (c3.result, c4.result) == ("rare_earths", "rare_earths_2")
    rows = {i.id: i for i in p.issues()}
    assert rows["tariffs"].colour == "#AA4499" and rows["tariffs"].label == "Tariffs and duties"
    assert rows["rare_earths"].label == "Rare earths"
    assert list(rows)[-2:] == ["rare_earths", "rare_earths_2"]  # appended after the taxonomy
    assert edits.issue_patterns(p) == [("rare_earths", "rare[- ]earths?"), ("chips", "semiconductors?")]
    assert edits.issue_patterns(p, "chips") == [("chips", "semiconductors?")]
    for c in (c5, c4, c3, c2, c1):
        apply_change(p, c, "before")
    assert dump(p) == before


@pytest.mark.parametrize("fn, args, message", [
    (edits.set_issue_colour, ("tariffs", "red"), "not a colour"),
    (edits.set_issue_colour, ("nope", "#FFFFFF"), "no trade issue"),
    (edits.rename_issue, ("tariffs", " "), "needs a name"),
    (edits.add_issue, ("X", "#12345"), "not a colour"),
    (edits.add_issue, ("Chips", "#123456", "nope"), "no trade issue"),
    (edits.add_pattern, ("chips", "(unclosed"), "not a valid pattern"),
    (edits.add_pattern, ("chips", "  "), "cannot be empty"),
])
def test_issue_edits_refuse(p, fn, args, message):
    with pytest.raises(EditError, match=message):
        fn(p, *args)


def test_add_issue_with_taken_id_refuses(p):
    with pytest.raises(EditError, match="already exists"):
        edits.add_issue(p, "Chips again", "#123456", issue_id="chips")
    edits.add_pattern(p, "chips", "wafers?")
    with pytest.raises(EditError, match="already a pattern"):
        edits.add_pattern(p, "chips", "wafers?")


# ---------------------------------------------------------------- change bookkeeping

def test_consecutive_edits_of_the_same_rows_merge_into_one_change(p):
    before = dump(p)
    eid = event_id(p, GENEVA)
    a = edits.edit_event(p, eid, title="Geneva")
    b = edits.edit_event(p, eid, title="Geneva talks")
    merged = a.merged_with(b)
    assert merged is not None and merged.label == b.label
    apply_change(p, merged, "before")
    assert dump(p) == before
    apply_change(p, merged, "after")
    assert p.event(eid).title == "Geneva talks"
    other = edits.edit_event(p, event_id(p, RAISE), title="Raise")
    assert b.merged_with(other) is None


def test_listeners_hear_about_edits_and_their_undo(p):
    heard = []
    p.subscribe(heard.append)
    change = edits.set_verified(p, [1])
    apply_change(p, change, "before")
    assert heard == ["events", "events"]


def test_sources_and_quotes_of_an_event(p):
    eid = event_id(p, GENEVA, 1)
    sources = edits.event_sources(p, eid)
    assert [(s.article_id, s.outlet) for s in sources] == [(1, "Wire One"), (2, "Daily Two")]
    s = sources[0]
    assert TEXT_A[s.start_offset:s.end_offset] == s.evidence and TEXT_A[s.date_start:s.date_end] == "Monday"
    assert [(q.text, q.speaker) for q in edits.event_quotes(p, eid)] == [("productive and constructive",
                                                                         "Scott Bessent")]
    assert edits.event_sources(p, 999) == []
