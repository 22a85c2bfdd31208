"""Ids are never given twice in a project: an undo that brings a deleted row back by its id
cannot overwrite a row made since (viewer/store/workflow_schema.py ``STABLE_ID_TABLES``,
migration 005), and projects made before that are rebuilt with their rows, ids, indexes,
triggers and search intact."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from workflow_fixtures import ISSUES, TEXT_A, TEXT_B, actor_id, dump, event_id, extraction_a, extraction_b

from viewer.core.model import (
    Actor,
    ActorMention,
    Article,
    Event,
    Extraction,
    Origin,
    Precision,
    Quote,
    TimePoint,
    UnresolvedDate,
)
from viewer.store import edits, search
from viewer.store import project as project_mod
from viewer.store.columns import load_columns
from viewer.store.edits import apply_change
from viewer.store.project import MIGRATIONS, Project
from viewer.store.workflow_schema import STABLE_ID_TABLES

ROOT = Path(__file__).resolve().parent.parent
STABLE = "005_stable_ids"

# a third article, written for these tests: its own actors, day and quote, so that storing it
# touches no row of the first two (nothing merges with their events, no actor gains an alias)
TEXT_C = ("The European Commission opened a review of steel imports on Wednesday. "
          "Its trade commissioner called the surge “a serious threat” and promised a decision by spring.")


def _span(text: str, needle: str) -> tuple[int, int]:
    i = text.index(needle)
    return i, i + len(needle)


def extraction_c() -> Extraction:
    end0 = TEXT_C.index(".") + 1
    day = date(2024, 1, 10)
    review = Event("European Commission opens steel import review",
                   TimePoint(day, day, Precision.DAY, Origin.RELATIVE, day.isoformat()), TEXT_C[:end0], 0, end0,
                   ["European Commission"], ["tariffs"], "Wednesday", *_span(TEXT_C, "Wednesday"))
    q0, q1 = _span(TEXT_C, "a serious threat")
    return Extraction(
        events=[review],
        actors=[Actor("European Commission", "organization", "EU", ["Commission"]),
                Actor("EU trade commissioner", "person", "EU")],
        actor_mentions=[
            ActorMention(*_span(TEXT_C, "The European Commission"), "The European Commission",
                         "European Commission", "organization", "EU"),
            ActorMention(*_span(TEXT_C, "trade commissioner"), "trade commissioner", "EU trade commissioner",
                         "person", "EU", "trade commissioner"),
        ],
        issues=[ISSUES[0]],
        quotes=[Quote("a serious threat", q0, q1, "EU trade commissioner", end0 + 1, len(TEXT_C), 0)],
        unresolved=[UnresolvedDate("spring", *_span(TEXT_C, "spring"), "XXXX-SP")],
    )


def add_a(p: Project):
    return p.add_article(Article(TEXT_A, "Bessent in Geneva", "Wire One", "https://example.org/a",
                                 date(2025, 5, 13), "header", "/tmp/a.txt"), extraction_a())


def add_b(p: Project):
    return p.add_article(Article(TEXT_B, "Soybeans and talks", "Daily Two", "https://example.org/b",
                                 date(2025, 6, 20), "metadata", "/tmp/b.txt"), extraction_b())


def add_c(p: Project):
    return p.add_article(Article(TEXT_C, "Steel review", "Wire Three", "https://example.org/c",
                                 date(2024, 1, 11), "header", "/tmp/c.txt"), extraction_c())


def fill(p: Project) -> Project:
    p.sync_issues(ISSUES)
    add_a(p)
    add_b(p)
    return p


def _replayed(now: dict, came: dict, went: dict) -> dict:
    """``now`` with the rows of ``went`` taken out and those of ``came`` put in, table by table:
    what replaying a change from ``went`` to ``came`` must leave when nothing else it touched moved."""
    out = {}
    for table, rows in now.items():
        gone, back = Counter(went[table]) - Counter(came[table]), Counter(came[table]) - Counter(went[table])
        left = Counter(rows) - gone
        assert sum(left.values()) == len(rows) - sum(gone.values()), f"{table}: a replayed row is not there"
        out[table] = sorted((left + back).elements(), key=repr)
    return out


def _newest(p: Project, table: str) -> int:
    return p.db.conn.execute(f"select max(id) from {table}").fetchone()[0]


# ---------------------------------------------------------------- undo after a new article

@pytest.mark.parametrize("name, edit, emptied", [
    ("the newest event deleted", lambda p: edits.delete_events(p, [_newest(p, "events")]), ["events"]),
    ("the newest actor merged away",
     lambda p: edits.merge_actors(p, actor_id(p, "China"), [_newest(p, "actors")]), ["actors"]),
    ("the newest article removed", lambda p: edits.remove_article(p, _newest(p, "articles")),
     ["articles", "events", "quotes", "mentions"]),
])
def test_undo_after_an_import_restores_the_deleted_rows_beside_the_new_ones(name, edit, emptied):
    p = fill(Project())
    start = dump(p)
    tops = {t: _newest(p, t) for t in emptied}
    change = edit(p)
    edited = dump(p)
    for table, top in tops.items():
        assert p.db.conn.execute(f"select count(*) from {table} where id = ?", [top]).fetchone()[0] == 0, name
    add_c(p)
    imported = dump(p)
    apply_change(p, change, "before")
    assert dump(p) == _replayed(imported, start, edited)
    # the new article's rows got ids of their own, above every id the project ever gave
    for table, top in tops.items():
        assert p.db.conn.execute(f"select min(id) from {table} where id > ?", [top]).fetchone()[0] > top
    apply_change(p, change, "after")
    assert dump(p) == imported
    assert p.db.conn.execute("pragma foreign_key_check").fetchall() == []


def test_the_quotes_of_a_removed_article_and_of_a_new_one_both_stay_whole():
    p = fill(Project())
    removed = p.db.conn.execute("select * from quotes where article_id = 2").fetchall()
    assert removed and max(r[0] for r in removed) == _newest(p, "quotes")
    change = edits.remove_article(p, 2)
    new_id = add_c(p).article_id
    new = p.db.conn.execute("select * from quotes where article_id = ?", [new_id]).fetchall()
    apply_change(p, change, "before")
    assert p.db.conn.execute("select * from quotes where article_id = 2").fetchall() == removed
    assert p.db.conn.execute("select * from quotes where article_id = ?", [new_id]).fetchall() == new
    assert {r[0] for r in new}.isdisjoint(r[0] for r in removed)
    assert search.search(p, "serious threat").quote_ids == [r[0] for r in new]
    assert search.search(p, "good start").quote_ids == [r[0] for r in removed]


def test_redo_after_an_import_puts_back_the_added_event_beside_the_new_ones():
    p = fill(Project())
    start = dump(p)
    change = edits.add_manual_event(p, "Typed by hand", "2025-09-01", actors=["Someone New"], issues=["chips"])
    added = dump(p)
    apply_change(p, change, "before")
    assert dump(p) == start
    add_c(p)
    imported = dump(p)
    assert p.db.conn.execute("select count(*) from events where id = ?", [change.result]).fetchone()[0] == 0
    apply_change(p, change, "after")
    assert dump(p) == _replayed(imported, added, start)
    assert p.event(change.result).title == "Typed by hand"


def test_undone_links_are_named_by_their_keys_not_by_rowids_given_again():
    # event_actors and event_issues have no integer id: SQLite gives the rowids of the newest
    # event's links, deleted here, to the new article's links; the undo must not take those
    p = fill(Project())
    soy = event_id(p, "China announces soybean purchases", article=2)
    links = {t: set(p.db.conn.execute(f"select * from {t} where event_id = ?", [soy])) for t in
             ("event_actors", "event_issues")}
    assert all(links.values())
    change = edits.edit_event(p, soy, actors=[], issues=[])
    add_c(p)
    imported = dump(p)
    apply_change(p, change, "before")
    for table, rows in links.items():
        assert set(dump(p)[table]) == set(imported[table]) | rows, table


# ---------------------------------------------------------------- the schema

def _integer_id_tables(conn) -> dict[str, str]:
    """Every table with a single INTEGER PRIMARY KEY, but FTS5's own and the timeline cache's."""
    fts = {r[0] for r in conn.execute("select name from sqlite_master where sql like 'CREATE VIRTUAL TABLE%'")}
    out = {}
    for name, sql in conn.execute("select name, sql from sqlite_master where type = 'table'"):
        if name.startswith(("sqlite_", "_")) or any(name.startswith(f + "_") for f in fts):
            continue
        pks = [r for r in conn.execute(f"pragma table_info([{name}])") if r[5]]
        if len(pks) == 1 and pks[0][2].upper() == "INTEGER":
            out[name] = sql
    return out


def test_every_integer_id_of_a_new_project_is_autoincrement():
    p = fill(Project())
    tables = _integer_id_tables(p.db.conn)
    assert set(tables) == set(STABLE_ID_TABLES)
    for name, sql in tables.items():
        assert "AUTOINCREMENT" in sql.upper(), name
    assert p.db.conn.execute("pragma foreign_keys").fetchone()[0] == 1


@contextmanager
def _before_005(monkeypatch) -> Iterator[None]:
    """Within it, Project opens and makes files as Dateline did before migration 005."""
    with monkeypatch.context() as m:
        m.setattr(project_mod, "MIGRATIONS", [mig for mig in MIGRATIONS if mig[0] != STABLE])
        yield


def _old_project(path: Path, monkeypatch) -> None:
    """A project file as Dateline made it before migration 005, with rows in every table."""
    with _before_005(monkeypatch):
        p = fill(Project(path))
        load_columns(p)  # the timeline cache's triggers live on events and event_actors
        edits.add_pattern(p, "chips", "wafers?")
        edits.delete_events(p, [event_id(p, "US raises tariffs on Chinese semiconductors")])
        edits.split_event(p, event_id(p, "Bessent meets Chinese officials in Geneva"))
        add_c(p)
        p.db.conn.execute("insert into unresolved (article_id, text, start_offset, end_offset, value) "
                          "values (1, 'some day', 0, 8, 'XXXX-XX-XX')")
        p.db.conn.commit()
        edits.remove_article(p, 3)  # the top ids of articles, events, quotes and mentions are free again
        p.close()


def _schema(conn) -> set[tuple[str, str, str]]:
    return {tuple(r) for r in conn.execute("select type, name, tbl_name from sqlite_master where type != 'table'")}


def _extras_sql(conn) -> dict[str, str]:
    return dict(conn.execute("select name, sql from sqlite_master where type in ('index', 'trigger', 'view') "
                             "and sql is not null"))


def test_an_old_project_is_migrated_with_rows_ids_indexes_triggers_and_search(tmp_path, monkeypatch):
    path = tmp_path / "old.dateline"
    _old_project(path, monkeypatch)
    with _before_005(monkeypatch):
        old = Project(path)
    before, schema, extras = dump(old), _schema(old.db.conn), _extras_sql(old.db.conn)
    assert not any("AUTOINCREMENT" in s.upper() for s in _integer_id_tables(old.db.conn).values())
    assert STABLE not in {r["name"] for r in old.db["_migrations"].rows}
    queries = ["Geneva", "tariffs", "productive", "soybean", "good start", "serious threat", "steel"]
    found = {q: search.search(old, q) for q in queries}
    top_event, top_article = _newest(old, "events"), _newest(old, "articles")
    old.close()

    p = Project(path)
    assert STABLE in {r["name"] for r in p.db["_migrations"].rows}
    assert dump(p) == before
    assert _schema(p.db.conn) == schema
    assert _extras_sql(p.db.conn) == extras
    for name, sql in _integer_id_tables(p.db.conn).items():
        assert "AUTOINCREMENT" in sql.upper(), name
        seq = p.db.conn.execute("select seq from sqlite_sequence where name = ?", [name]).fetchone()
        top = _newest(p, name)
        assert (seq[0] if seq else None) == top, name
    assert {q: search.search(p, q) for q in queries} == found
    assert found["Geneva"].event_ids and found["good start"].quote_ids and found["steel"].article_ids == []
    assert p.db.conn.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert p.db.conn.execute("pragma foreign_key_check").fetchall() == []
    assert p.db.conn.execute("pragma foreign_keys").fetchone()[0] == 1

    # the search triggers work on the rebuilt tables, and a deleted top id is never given again
    change = edits.delete_events(p, [top_event])
    res = add_c(p)
    assert res.article_id > top_article
    assert p.db.conn.execute("select min(id) from events where article_id = ?", [res.article_id]).fetchone()[0] \
        > top_event
    assert search.search(p, "steel").article_ids == [res.article_id]
    apply_change(p, change, "before")
    assert p.db.conn.execute("select id from events where id = ?", [top_event]).fetchone() == (top_event,)
    assert search.search(p, "steel").event_ids == [r[0] for r in p.db.conn.execute(
        "select id from events where article_id = ?", [res.article_id])]
    # the timeline cache, patched through the triggers on the rebuilt tables, is what a query gives
    cached, queried = load_columns(p), load_columns(p, use_cache=False)
    assert cached.ids.tolist() == queried.ids.tolist()
    def pairs(c):
        return sorted(zip(c.ids[c.actor_event].tolist(), c.actor_id.tolist(), strict=True))

    assert pairs(cached) == pairs(queried)
    p.close()
    assert Project(path).db.conn.execute("select count(*) from _migrations where name = ?", [STABLE]).fetchone()[0] == 1


def _stored(path: Path) -> tuple[list, dict[str, list]]:
    """The file's schema and every row of every table, read through a connection of its own."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
        schema = conn.execute("select type, name, tbl_name, sql from sqlite_master order by name").fetchall()
        rows = {name: sorted(conn.execute(f"select * from [{name}]").fetchall(), key=repr)
                for kind, name, _tbl, _sql in schema if kind == "table"}
        return schema, rows
    finally:
        conn.close()


def test_a_migration_that_fails_half_way_leaves_the_old_schema(tmp_path, monkeypatch):
    path = tmp_path / "old.dateline"
    _old_project(path, monkeypatch)
    before = _stored(path)
    # the last table is not there: every rebuild before it ran, then the migration fails
    monkeypatch.setattr("viewer.store.workflow_schema.STABLE_ID_TABLES", (*STABLE_ID_TABLES, "no_such_table"))
    with pytest.raises(ValueError, match="no_such_table"):
        Project(path)
    assert _stored(path) == before


_KILLED = """
import os, signal, sys
from viewer.store import workflow_schema
from viewer.store.project import Project
rebuild, done = workflow_schema.autoincrement, []
def dying(conn, table):
    rebuild(conn, table)
    done.append(table)
    if len(done) == 5:
        os.kill(os.getpid(), signal.SIGKILL)
workflow_schema.autoincrement = dying
Project(sys.argv[1])
"""


def test_a_process_killed_mid_migration_leaves_the_old_schema_and_the_next_open_finishes(tmp_path, monkeypatch):
    path = tmp_path / "old.dateline"
    _old_project(path, monkeypatch)
    before = _stored(path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _KILLED, str(path)], env=env, cwd=ROOT, capture_output=True,
                          timeout=120, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    assert _stored(path) == before
    p = Project(path)
    assert all("AUTOINCREMENT" in s.upper() for s in _integer_id_tables(p.db.conn).values())
    assert search.search(p, "Geneva").event_ids


def test_projects_opened_at_once_on_an_old_file_each_migrate_or_find_it_migrated(tmp_path, monkeypatch):
    # the window and the ingest worker may open the file together: the one that waited for the
    # write lock finds 005 done by the other instead of running it again
    path = tmp_path / "old.dateline"
    _old_project(path, monkeypatch)
    start, errors, opened = threading.Barrier(4), [], []

    def open_it() -> None:
        start.wait()
        try:
            Project(path).close()
            opened.append(True)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(opened) == 4
    conn = sqlite3.connect(path)
    assert conn.execute("select count(*) from _migrations where name = ?", [STABLE]).fetchone() == (1,)
    conn.close()
