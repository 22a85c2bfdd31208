"""Timeline columns from the project store: ordered arrays, lanes per mode, cache, bulk loads."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from viewer.core.model import Actor, Article, Event, Extraction, Issue, Origin, Precision, TimePoint
from viewer.core.timeline_data import PRECISIONS, build_lanes
from viewer.store import columns
from viewer.store.columns import (
    BulkEvent,
    ColumnsError,
    event_details,
    event_titles,
    insert_actors_bulk,
    insert_articles_bulk,
    insert_events_bulk,
    load_timeline,
)
from viewer.store.project import Project, day_seconds

ISSUES = [Issue("tariffs", "Tariffs", "#E69F00"), Issue("rare-earths", "Rare earths", "#0072B2")]


def tp(d: date, end: date | None = None, precision: Precision = Precision.DAY) -> TimePoint:
    return TimePoint(d, end or d, precision, Origin.EXPLICIT, d.isoformat())


@pytest.fixture
def project():
    p = Project()
    p.sync_issues(ISSUES)
    ex = Extraction(
        events=[
            Event("Call between leaders", tp(date(2025, 6, 5)), "They spoke.", 0, 11,
                  actors=["Donald Trump", "Xi Jinping"], issues=["tariffs"]),
            Event("Geneva agreement", tp(date(2025, 5, 1), date(2025, 5, 31), Precision.MONTH),
                  "In May they agreed.", 12, 31, actors=["Xi Jinping"], issues=["rare-earths", "tariffs"]),
            Event("Undated talk", tp(date(2025, 6, 1)), "Talks.", 32, 38),
        ],
        actors=[Actor("Donald Trump", "person"), Actor("Xi Jinping", "person")],
    )
    p.add_article(Article("They spoke. In May they agreed. Talks.", title="Trade call"), ex)
    yield p
    p.close()


def test_columns_sorted_with_codes(project):
    data = load_timeline(project, "issue")
    assert len(data) == 3
    assert np.all(np.diff(data.t0) >= 0)
    assert data.t0[0] == day_seconds(date(2025, 5, 1))
    assert data.t1[0] == day_seconds(date(2025, 6, 1))  # month span, exclusive end
    assert PRECISIONS[data.precision[0]] == Precision.MONTH
    assert data.issue_ids == ["tariffs", "rare-earths"]
    # primary issue (first listed) colours the event; no issue: -1
    assert data.issue.tolist() == [1, -1, 0]


@pytest.mark.parametrize(
    "mode, lanes",
    [
        ("issue", [("Rare earths", 1), ("Tariffs", 1), ("(no issue)", 1)]),
        ("actor", [("Xi Jinping", 2), ("Donald Trump", 1), ("(no actor)", 1)]),
        ("article", [("Trade call", 3)]),
    ],
)
def test_lanes_per_mode(project, mode, lanes):
    data = load_timeline(project, mode)
    idx = build_lanes(data)
    got = [(data.lane_labels[i], int(n)) for i, n in zip(idx.order, idx.counts, strict=True)]
    assert got == lanes
    with pytest.raises(ColumnsError):
        load_timeline(project, "weather")


def _same(a, b) -> None:
    for name in ("ids", "t0", "t1", "precision", "issue", "article"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.issue_ids == b.issue_ids
    pa = sorted(zip(a.ids[a.actor_event].tolist(), a.actor_id.tolist(), strict=True))
    pb = sorted(zip(b.ids[b.actor_event].tolist(), b.actor_id.tolist(), strict=True))
    assert pa == pb


def test_cache_used_until_data_changes(project, monkeypatch):
    first = load_timeline(project)
    calls = []
    real = columns._query_columns
    monkeypatch.setattr(columns, "_query_columns", lambda p: calls.append(1) or real(p))
    again = load_timeline(project)
    assert calls == [] and np.array_equal(first.ids, again.ids)
    aid = insert_articles_bulk(project, ["Bulk"])[0]
    insert_events_bulk(project, [BulkEvent(aid, "New", day_seconds(date(2025, 7, 1)),
                                           day_seconds(date(2025, 7, 2)), "day", "tariffs")])
    fresh = load_timeline(project)
    assert calls == [1] and len(fresh) == 4  # a bulk load asks for a rebuild
    # an edit through plain SQL is seen too, and patched in without a full query
    project.db.execute("update events set t0 = t0 - 86400 where title = 'New'")
    project.db.conn.commit()
    moved = load_timeline(project)
    assert calls == [1] and moved.t0[-1] == day_seconds(date(2025, 6, 30))
    # a change to the issues' order shifts issue indices: mapped to the new order, no rebuild
    project.db.execute("update issues set position = -1 where id = 'rare-earths'")
    project.db.conn.commit()
    reordered = load_timeline(project)
    assert calls == [1] and reordered.issue_ids == ["rare-earths", "tariffs"]
    assert reordered.issue.tolist() == load_timeline(project, use_cache=False).issue.tolist()


def test_patched_cache_equals_a_rebuild(project, monkeypatch):
    load_timeline(project)  # cache it
    conn = project.db.conn
    aid = conn.execute("select id from articles").fetchone()[0]
    xi = conn.execute("select id from actors where name = 'Xi Jinping'").fetchone()[0]
    ids = [r[0] for r in conn.execute("select id from events order by id")]
    # insert, move, delete, and relink actors: every kind of change the triggers must log
    conn.execute("insert into events (article_id, title, t0, t1, precision, issue_id) values (?, 'Added', ?, ?, "
                 "'day', 'tariffs')", [aid, day_seconds(date(2024, 1, 2)), day_seconds(date(2024, 1, 3))])
    new_id = conn.execute("select max(id) from events").fetchone()[0]
    conn.execute("insert into event_actors (event_id, actor_id) values (?, ?)", [new_id, xi])
    conn.execute("update events set t0 = t0 + 40 * 86400, t1 = t1 + 40 * 86400 where id = ?", [ids[0]])
    conn.execute("delete from event_actors where event_id = ?", [ids[1]])
    conn.execute("delete from events where id = ?", [ids[2]])
    conn.commit()
    patched = columns.load_columns(project)
    rebuilt = columns.load_columns(project, use_cache=False)
    _same(patched, rebuilt)
    assert new_id in patched.ids.tolist() and ids[2] not in patched.ids.tolist()
    # a few changes: the cache and the log stay, the next load patches them again
    logged = conn.execute("select count(*) from _timeline_changes").fetchone()[0]
    assert logged > 0
    _same(columns.load_columns(project), rebuilt)
    # many: the patched columns are written back and the log is trimmed
    monkeypatch.setattr(columns, "PATCH_KEEP_LOG", 0)
    _same(columns.load_columns(project), rebuilt)
    assert conn.execute("select count(*) from _timeline_changes").fetchone()[0] == 0
    monkeypatch.setattr(columns, "_patch", None)  # current now: read as it is
    _same(columns.load_columns(project), rebuilt)


@pytest.mark.parametrize("seed", range(6))
def test_a_patch_inserting_rows_into_the_cached_order_equals_a_rebuild(seed, monkeypatch):
    # many events share an instant (day precision: hundreds a day in a busy story), so rows moved,
    # added and linked again land among equal starts, before, after and between the cached rows
    rng = np.random.default_rng(seed)
    p = Project()
    p.sync_issues(ISSUES)
    aid = insert_articles_bulk(p, ["Bulk"])[0]
    actors = insert_actors_bulk(p, [(f"Actor {i}", "person") for i in range(5)])
    days = [day_seconds(date(2025, 1, 1)) + 86400.0 * d for d in range(6)]
    insert_events_bulk(p, [BulkEvent(aid, f"E{i}", t, t + 86400.0, "day", "tariffs" if i % 3 else None,
                                     tuple(int(a) for a in rng.choice(actors, int(rng.integers(0, 3)),
                                                                      replace=False)))
                           for i in range(300) for t in [days[int(rng.integers(0, len(days)))]]])
    columns.load_columns(p)  # cached
    conn = p.db.conn
    for keep_log in (columns.PATCH_KEEP_LOG, 0, columns.PATCH_KEEP_LOG):  # patched, written back, patched
        ids = [r[0] for r in conn.execute("select id from events")]
        for eid in rng.choice(ids, 12, replace=False).tolist():
            what = int(rng.integers(0, 5))
            if what == 0:
                conn.execute("delete from events where id = ?", [eid])
                conn.execute("delete from event_actors where event_id = ?", [eid])
            elif what == 1:
                t = days[int(rng.integers(0, len(days)))] - 86400.0 * int(rng.integers(0, 2))
                conn.execute("update events set t0 = ?, t1 = ? + 86400 where id = ?", [t, t, eid])
            elif what == 2:
                conn.execute("insert or ignore into event_actors (event_id, actor_id) values (?, ?)",
                             [eid, int(rng.choice(actors))])
            elif what == 3:
                conn.execute("update events set title = 'edited', issue_id = 'rare-earths' where id = ?", [eid])
            else:
                t = days[int(rng.integers(0, len(days)))]
                conn.execute("insert into events (article_id, title, t0, t1, precision) values (?, 'new', ?, ?, "
                             "'day')", [aid, t, t + 86400.0])
                new_id = conn.execute("select max(id) from events").fetchone()[0]
                conn.execute("insert into event_actors (event_id, actor_id) values (?, ?)", [new_id, int(actors[0])])
        conn.commit()
        sorts: list[int] = []
        monkeypatch.setattr(columns, "_assemble", lambda *a, sorts=sorts, real=columns._assemble:
                            sorts.append(1) or real(*a))
        monkeypatch.setattr(columns, "PATCH_KEEP_LOG", keep_log)
        patched = columns.load_columns(p)
        monkeypatch.undo()
        assert sorts == []  # inserted, not sorted again
        rebuilt = columns.load_columns(p, use_cache=False)
        _same(patched, rebuilt)
        assert np.array_equal(patched.id_order(), np.argsort(patched.ids, kind="stable"))
        assert patched.actor_event.dtype == np.int32 and patched.actor_id.dtype == np.int64
        # and the next load, of the blob written back or of the cache patched again, is the same
        _same(columns.load_columns(p), rebuilt)
    p.close()


def test_bulk_insert_links_and_validation(project):
    aid = insert_articles_bulk(project, ["A1"])[0]
    actors = insert_actors_bulk(project, [("Scott Bessent", "person"), ("Xi Jinping", "person")])
    n = insert_events_bulk(project, (
        BulkEvent(aid, f"E{i}", day_seconds(date(2024, 1, 1)) + i * 86400,
                  day_seconds(date(2024, 1, 1)) + (i + 1) * 86400, "day", "rare-earths", tuple(actors))
        for i in range(100)))
    assert n == 100
    data = load_timeline(project, "actor")
    idx = build_lanes(data)
    assert data.lane_labels[idx.order[0]] == "Xi Jinping" and idx.counts[0] == 102
    before = project.counts()["events"]
    with pytest.raises(ColumnsError, match="precision"):
        insert_events_bulk(project, [BulkEvent(aid, "ok", 0, 86400, "day"), BulkEvent(aid, "bad", 0, 1, "era")])
    with pytest.raises(ColumnsError, match="not after"):
        insert_events_bulk(project, [BulkEvent(aid, "bad", 10, 10, "day")])
    assert project.counts()["events"] == before  # all or nothing


def test_lazy_titles_and_details(project):
    data = load_timeline(project, "issue")
    ids = [int(i) for i in data.ids]
    titles = event_titles(project, ids)
    assert set(titles.values()) == {"Call between leaders", "Geneva agreement", "Undated talk"}
    assert data.titles(ids[:1]) == {ids[0]: "Geneva agreement"}
    call = next(i for i, t in titles.items() if t == "Call between leaders")
    info = event_details(project, call)
    assert info["actors"] == ["Donald Trump", "Xi Jinping"]
    assert info["start"] == "2025-06-05" and info["article"] == "Trade call" and info["sources"] == 1
    assert event_details(project, 999_999) == {}


# ---------------------------------------------------------------- projects from other Dateline versions

def _older_dateline_edits(conn) -> None:
    """What a Dateline without these triggers leaves behind: none of ours, an older cache layout."""
    for (name,) in conn.execute("select name from sqlite_master where type = 'trigger' and name like '\\_tl%' "
                                "escape '\\'").fetchall():
        conn.execute(f'drop trigger "{name}"')
    conn.execute("create table if not exists _timeline_version (v integer)")
    conn.execute("create trigger _tl1_events_insert after insert on events begin "
                 "update _timeline_version set v = v + 1; end")
    conn.commit()


def _move_first_event_a_year(project) -> tuple[int, float]:
    conn = project.db.conn
    eid, t0 = conn.execute("select id, t0 from events order by t0 limit 1").fetchone()
    conn.execute("update events set t0 = t0 + 31536000, t1 = t1 + 31536000 where id = ?", [eid])
    conn.commit()
    return eid, t0 + 31536000


def test_cache_changed_by_an_older_dateline_is_not_trusted(project):
    load_timeline(project, "issue")  # cache written
    _older_dateline_edits(project.db.conn)
    eid, moved = _move_first_event_a_year(project)  # no trigger saw this
    data = load_timeline(project, "issue")
    assert data.t0[data.index_of([eid])[0]] == moved
    # and the triggers are back: the next change is seen again
    eid2, moved2 = _move_first_event_a_year(project)
    data = load_timeline(project, "issue")
    assert data.t0[data.index_of([eid2])[0]] == moved2


@pytest.mark.parametrize("damage", [
    "drop table _timeline_columns",
    "drop table _timeline_state",
    "delete from _timeline_state",
    "alter table _timeline_columns drop column mark",
    "update _timeline_columns set data = x'00ff'",
    "update _timeline_columns set data = null",
])
def test_missing_or_stale_cache_tables_are_rebuilt(project, damage):
    fresh = load_timeline(project, "issue", use_cache=False)
    load_timeline(project, "issue")
    conn = project.db.conn
    if "drop table" in damage or "drop column" in damage or damage.startswith("delete"):
        # a Dateline that did not know the cache would not keep triggers pointing at missing tables
        for (name,) in conn.execute("select name from sqlite_master where type = 'trigger' and name like "
                                    "'\\_tl%' escape '\\'").fetchall():
            conn.execute(f'drop trigger "{name}"')
    conn.execute(damage)
    conn.commit()
    data = load_timeline(project, "issue")
    assert data.ids.tolist() == fresh.ids.tolist() and data.t0.tolist() == fresh.t0.tolist()
    assert columns.data_version(project) >= 0
    eid, moved = _move_first_event_a_year(project)
    assert load_timeline(project, "issue").t0[load_timeline(project, "issue").index_of([eid])[0]] == moved


def _columns(ids, t0, pairs=((0, 7),), issue_ids=("tariffs",)) -> columns.Columns:
    ids, t0 = np.asarray(ids, np.int64), np.asarray(t0, float)
    n = ids.size
    return columns.Columns(ids, t0, t0 + 1.0, np.ones(n, np.int8), np.zeros(n, np.int16),
                           np.arange(n, dtype=np.int64) - 1, np.array([e for e, _a in pairs], np.int32),
                           np.array([a for _e, a in pairs], np.int64), list(issue_ids))


@pytest.mark.parametrize("big", [False, True])
def test_cache_blob_round_trip(big):
    # ids beyond 32 bits (a project of imported ids) keep their width; small ones are stored narrow
    base = (1 << 40) if big else 0
    cols = _columns([base + 30, base + 10, base + 20], [1.0, 2.0, 3.0], pairs=((0, base + 5), (2, 9)))
    blob = cols.to_bytes()
    back = columns.Columns.from_bytes(blob)
    assert back is not None
    for name in ("ids", "t0", "t1", "precision", "issue", "article", "actor_event", "actor_id"):
        a, b = getattr(cols, name), getattr(back, name)
        assert a.dtype == b.dtype and a.tolist() == b.tolist(), name
    assert back.issue_ids == ["tariffs"]
    assert back._id_order is not None and back.id_order().tolist() == [1, 2, 0]  # stored, not sorted again
    assert all(getattr(back, name).base is None for name in ("ids", "t0", "actor_id"))  # the blob is let go
    wide = _columns([(1 << 40) + i for i in range(100)], np.arange(100.0)).to_bytes()
    narrow = _columns(list(range(100)), np.arange(100.0)).to_bytes()
    assert len(wide) - len(narrow) >= 4 * 100 - 64  # ids in 32 bits (give or take an alignment pad)


@pytest.mark.parametrize("damage", ["truncated", "out of range", "other format", "npz of format 2", "empty"])
def test_a_damaged_or_foreign_cache_blob_is_not_used(damage):
    cols = _columns([3, 1, 2], [1.0, 2.0, 3.0], pairs=((0, 5), (2, 9)))
    blob = cols.to_bytes()
    if damage == "truncated":
        blob = blob[:-9]
    elif damage == "out of range":
        blob = replace_bytes(blob, np.array([0, 2], np.int32).tobytes(), np.array([0, 3], np.int32).tobytes())
    elif damage == "other format":
        blob = blob.replace(b'"fmt": 3', b'"fmt": 9')
    elif damage == "npz of format 2":
        import io
        buf = io.BytesIO()
        np.savez(buf, ids=cols.ids, fmt=np.array([2]))
        blob = buf.getvalue()
    else:
        blob = b""
    assert columns.Columns.from_bytes(blob) is None


def replace_bytes(blob: bytes, old: bytes, new: bytes) -> bytes:
    assert blob.count(old) == 1
    return blob.replace(old, new)


def test_a_project_whose_cache_blob_is_damaged_rebuilds_it(project):
    fresh = load_timeline(project, "issue", use_cache=False)
    load_timeline(project, "issue")
    conn = project.db.conn
    blob = conn.execute("select data from _timeline_columns").fetchone()[0]
    conn.execute("update _timeline_columns set data = ?", [blob[:len(blob) // 2]])
    conn.commit()
    data = load_timeline(project, "issue")
    assert data.ids.tolist() == fresh.ids.tolist() and data.index_of(fresh.ids).tolist() == [0, 1, 2]
    assert columns.Columns.from_bytes(conn.execute("select data from _timeline_columns").fetchone()[0]) is not None


# ---------------------------------------------------------------- issues: only their list and order matter

ISSUE_CHANGES = [
    ("a colour", "update issues set colour = '#000000' where id = 'tariffs'", False),
    ("a parent", "update issues set parent = 'tariffs' where id = 'rare-earths'", False),
    ("a user's mark", "update issues set user_edited = 1 where id = 'tariffs'", False),
    ("the order", "update issues set position = -1 where id = 'rare-earths'", True),
    ("a label (it orders issues of one position)", "update issues set label = 'Aaa', position = 0", True),
    ("an issue added first", "insert into issues (id, label, colour, position) values ('chips', 'Chips', "
     "'#111111', -5)", True),
    ("an issue removed", "delete from issues where id = 'tariffs'", True),
    ("an id changed", "update issues set id = 'duties' where id = 'tariffs'", True),
]


@pytest.mark.parametrize("what, sql, seen", ISSUE_CHANGES, ids=[c[0] for c in ISSUE_CHANGES])
def test_a_change_to_the_issues_never_rebuilds_the_columns(project, monkeypatch, what, sql, seen):
    columns.load_columns(project)
    version = columns.data_version(project)
    calls = []
    real = columns._query_columns
    monkeypatch.setattr(columns, "_query_columns", lambda p: calls.append(1) or real(p))
    project.db.execute(sql)
    project.db.conn.commit()
    assert (columns.data_version(project) != version) == seen, what
    got = columns.load_columns(project)
    assert calls == [], what
    _same(got, columns.load_columns(project, use_cache=False))


def test_an_event_whose_issue_is_added_later_gets_its_number(project):
    conn = project.db.conn
    conn.execute("update events set issue_id = 'chips' where title = 'Undated talk'")
    conn.commit()
    eid = conn.execute("select id from events where title = 'Undated talk'").fetchone()[0]
    before = columns.load_columns(project)
    assert before.issue[before.ids.tolist().index(eid)] == -1  # no such issue yet
    conn.execute("insert into issues (id, label, colour, position) values ('chips', 'Chips', '#111111', 0)")
    conn.commit()
    after = columns.load_columns(project)
    _same(after, columns.load_columns(project, use_cache=False))
    assert after.issue_ids[after.issue[after.ids.tolist().index(eid)]] == "chips"


def test_issue_triggers_of_an_older_dateline_are_replaced_and_its_cache_kept(project, monkeypatch):
    columns.load_columns(project)
    conn = project.db.conn
    # as an older Dateline made them: any update of an issue asked for a rebuild
    for op in ("insert", "update", "delete"):
        conn.execute(f"drop trigger _tl{columns.SCHEMA_TAG}_issues_{op}")
        conn.execute(f"create trigger _tl{columns.SCHEMA_TAG}_issues_{op} after {op} on issues begin update "
                     "_timeline_state set version = version + 1, structure = structure + 1 where id = 1; end")
    conn.commit()
    version = columns.data_version(project)  # the store looks at its triggers
    assert "update of id, position, label" in conn.execute(
        "select sql from sqlite_master where name = ?", [f"_tl{columns.SCHEMA_TAG}_issues_update"]).fetchone()[0]
    calls = []
    real = columns._query_columns
    monkeypatch.setattr(columns, "_query_columns", lambda p: calls.append(1) or real(p))
    conn.execute("update issues set colour = '#000000'")
    conn.execute("insert into issues (id, label, colour, position) values ('chips', 'Chips', '#111111', 9)")
    conn.commit()
    got = columns.load_columns(project)
    assert calls == [] and columns.data_version(project) == version + 1  # the insert only
    _same(got, columns.load_columns(project, use_cache=False))
