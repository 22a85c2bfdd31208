"""What the window shows during and after an ingest is exactly what is stored.

The worker reads the timeline so far (``TimelineFeed``) and, once its last file is
stored, the whole view (``read_view``) with its own connection; the window swaps
them in. These tests pin that the rows and arrays it swaps in are the stored ones,
that a stale view (the window wrote meanwhile, or opened another project) is never
shown, and that the worker's helpers leave the process as they found it.
"""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

import numpy as np
import pytest

import viewer.store.columns as columns_mod
import viewer.ui.ingest_worker as ingest_worker
import viewer.ui.main_window as main_window
from tests.conftest import SAMPLE
from tests.test_main_window import drop
from tests.workflow_fixtures import actor_id, make_project
from viewer.store.columns import load_columns, load_timeline
from viewer.store.edits import rename_actor
from viewer.workflow import IngestReport, TimelineFeed, ingest_paths, read_view


def dated_articles(folder: Path, n: int) -> list[Path]:
    """``n`` distinct copies of the sample article, each with its own publication date."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text(encoding="utf-8")
    out = []
    for k in range(n):
        p = folder / f"copy {k}.txt"
        p.write_text(f"Published: 2025-{1 + k % 12:02d}-{10 + k:02d}\n\n{text}\n\nCopy {k}.\n", encoding="utf-8")
        out.append(p)
    return out


def same_columns(a, b) -> None:
    for name in ("ids", "t0", "t1", "precision", "issue", "article", "actor_event", "actor_id"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.issue_ids == b.issue_ids


# ---------------------------------------------------------------- the store side, no Qt

def test_read_view_is_the_projects_own_queries():
    p = make_project()
    v = read_view(p)
    assert v.actors == p.actors() and v.issues == p.issues()
    assert v.quotes == p.quotes() and v.articles == p.articles()
    assert v.counts == p.counts() and v.path == p.path
    same_columns(v.columns, load_columns(p, use_cache=False))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_timeline_feed_reads_only_when_due_and_changed(tmp_path):
    p = make_project()
    clock = Clock()
    feed = TimelineFeed(p, interval=0.5, clock=clock)
    assert feed.poll() is None  # not due yet
    clock.now = 1.0
    assert feed.poll() is None  # due, but nothing changed since the feed began
    ingest_paths(p, dated_articles(tmp_path, 1))
    clock.now = 1.2
    assert feed.poll() is None  # changed, but read half a second ago
    clock.now = 1.6
    cols, counts = feed.poll()
    same_columns(cols, load_columns(p, use_cache=False))
    assert counts == p.counts() and cols.ids.size == counts["events"]
    clock.now = 5.0
    assert feed.poll() is None  # nothing new since that read


def test_timeline_feed_follows_an_ingest_file_by_file(tmp_path):
    p = make_project()
    clock = Clock()
    feed = TimelineFeed(p, interval=0.0, clock=clock)
    seen = []

    def progress(done: int, total: int, current: str) -> None:
        clock.now += 1
        got = feed.poll()
        if got is not None:
            seen.append((got[0].ids.size, got[1]["articles"]))

    ingest_paths(p, dated_articles(tmp_path, 4), progress)
    # one read before each file after the first, and one at the end: each the project at that moment
    assert [a for _e, a in seen] == [3, 4, 5, 6]
    assert [e for e, _a in seen] == sorted(e for e, _a in seen) and seen[-1][0] == p.counts()["events"]


# ---------------------------------------------------------------- the window

def assert_window_shows_the_store(window) -> None:
    p = window.project
    c = p.counts()
    assert len(window.articles_model.rows()) == c["articles"]
    assert len(window.quotes_model.rows()) == c["quotes"]
    assert window.actors_model.rows() and {a.id for a in window.actors_model.rows()} == {a.id for a in p.actors()}
    assert sorted(window.actors_model.rows(), key=lambda a: a.id) == sorted(p.actors(), key=lambda a: a.id)
    assert window.issues_model.rows() == p.issues()
    shown = window.timeline.data()
    stored = load_timeline(p, "issue", use_cache=False)
    assert np.array_equal(shown.ids, stored.ids) and np.array_equal(shown.t0, stored.t0)
    assert len(shown.ids) == c["events"] > 0
    assert window.counts_label.text().startswith(f"{c['articles']} articles · {c['events']} events")


def test_after_a_drop_every_panel_and_the_timeline_show_the_stored_data(qtbot, window, tmp_path, monkeypatch):
    reads = []
    monkeypatch.setattr(main_window, "read_view", lambda p: reads.append(p) or read_view(p))
    report = drop(qtbot, window, dated_articles(tmp_path / "in", 5))
    assert report.count("imported") == 5, report.summary()
    assert reads == []  # the worker's view was swapped in, not read again here
    assert_window_shows_the_store(window)
    assert gc.get_freeze_count() == 0 and gc.isenabled()  # the collector is as the ingest found it
    qtbot.waitUntil(lambda: not window._to_resize)  # columns are sized one panel per event-loop turn
    # the first column (name, quote, title) takes what the columns kept in view leave
    for view, in_view in ((window.actors_view, 4), (window.quotes_view, 3), (window.articles_view, 6)):
        h, vw = view.horizontalHeader(), view.viewport().width()
        assert h.sectionSize(0) == max(150, vw - sum(h.sectionSize(c) for c in range(1, in_view)))


def test_a_stale_view_from_the_worker_is_never_shown(qtbot, window, tmp_path):
    drop(qtbot, window, dated_articles(tmp_path / "in", 2))
    p = window.project
    stale = read_view(p)
    # the window writes after the worker read its view (an edit made during the ingest)
    window._changes_seen = p.db.conn.total_changes
    rename_actor(p, actor_id(p, "Scott Bessent"), "Treasury Secretary Bessent")
    window._on_ingest_loaded(stale)
    window._on_ingest_finished(IngestReport())
    assert "Treasury Secretary Bessent" in {a.name for a in window.actors_model.rows()}
    assert_window_shows_the_store(window)


def test_a_view_of_another_project_is_never_shown(qtbot, window, tmp_path):
    drop(qtbot, window, dated_articles(tmp_path / "in", 2))
    other = read_view(window.project)
    assert window.open_project(tmp_path / "other.dateline")
    window._on_ingest_loaded(other)
    window._on_ingest_finished(IngestReport())
    assert window.articles_model.rows() == [] and len(window.timeline.data().ids) == 0


def test_the_collector_is_restored_when_the_window_closes_during_an_ingest(qtbot, window, tmp_path):
    window.ingest([str(p) for p in dated_articles(tmp_path / "in", 3)])
    assert not gc.isenabled() or gc.get_freeze_count() > 0
    window.close()
    assert gc.get_freeze_count() == 0 and gc.isenabled()


@pytest.fixture
def eager_feed(monkeypatch):
    """The worker reads the timeline before every file instead of twice a second (and not less often
    when a read is slow: on a loaded machine the read's cost stretched the wait past the next files)."""

    class Eager(TimelineFeed):
        def __init__(self, project, **_kw) -> None:
            super().__init__(project, interval=0.0, cost_factor=0.0)

    monkeypatch.setattr(ingest_worker, "TimelineFeed", Eager)


def test_the_timeline_grows_during_an_ingest(qtbot, window, tmp_path, eager_feed):
    partials, shown = [], []
    window.runner.partial.connect(lambda cols, counts: partials.append((cols.ids.size, dict(counts))))
    original = window._refresh_during_ingest

    def spy() -> None:
        original()
        shown.append(len(window.timeline.data().ids))

    window._refresh_during_ingest = spy
    drop(qtbot, window, dated_articles(tmp_path / "in", 4))
    # each read is the project between two files: its columns match its counts
    assert len(partials) >= 3
    assert all(n == counts["events"] for n, counts in partials)
    assert [c["articles"] for _n, c in partials] == sorted(c["articles"] for _n, c in partials)
    # the window showed the latest each time its event loop was free (none if it was busy throughout),
    # never more than is stored
    assert all(n <= window.project.counts()["events"] for n in shown)
    assert_window_shows_the_store(window)


def test_partial_timelines_are_coalesced_to_the_latest(qtbot, window, tmp_path):
    drop(qtbot, window, dated_articles(tmp_path / "in", 3))
    p = window.project
    full = load_columns(p, use_cache=False)
    first = load_columns(p, use_cache=False)
    keep = first.ids[:2]
    for name in ("ids", "t0", "t1", "precision", "issue", "article"):
        setattr(first, name, getattr(first, name)[:2])
    first.actor_event, first.actor_id = first.actor_event[:0], first.actor_id[:0]
    assert keep.size == 2
    calls = []
    original = window._refresh_during_ingest
    window._refresh_during_ingest = lambda: calls.append(1) or original()
    window._on_ingest_partial(first, {"articles": 1, "events": 2})
    window._on_ingest_partial(full, {"articles": 3, "events": int(full.ids.size)})
    qtbot.waitUntil(lambda: window._partial is None)
    assert len(calls) == 1
    assert np.array_equal(window.timeline.data().ids, full.ids)
    assert "importing" in window.counts_label.text()


def test_setting_a_date_after_an_ingest_still_reads_the_store(qtbot, window, tmp_path):
    drop(qtbot, window, [SAMPLE])
    [art] = window.articles_model.rows()
    window.set_article_date(art.id, date(2025, 6, 6))
    assert_window_shows_the_store(window)


# ---------------------------------------------------------------- big projects: read on another thread
# (opening one, and edits during a read: tests/test_big_open.py)

@pytest.fixture
def big(monkeypatch):
    """Every project counts as big: panels and timeline are read on the loader's thread."""
    monkeypatch.setattr(main_window, "BACKGROUND_ABOVE", 0)


def stored_ids(window) -> np.ndarray:
    return load_timeline(window.project, "issue", use_cache=False).ids


def test_a_stale_cache_of_a_big_project_is_read_off_the_ui_thread(qtbot, window, tmp_path, big, monkeypatch):
    drop(qtbot, window, dated_articles(tmp_path / "in", 3))
    p = window.project
    before = window.timeline.data().ids.copy()
    doomed = int(before[0])
    p.db.conn.execute("delete from events where id = ?", [doomed])
    p.db.conn.commit()
    here = []
    monkeypatch.setattr(main_window, "read_view", lambda p: here.append(p) or read_view(p))
    window.refresh()
    # the timeline keeps what it showed until the loader's answer arrives
    assert window.loading() and np.array_equal(window.timeline.data().ids, before)
    qtbot.waitUntil(lambda: not window.loading())
    assert here == []  # nothing was read on the UI thread
    assert np.array_equal(window.timeline.data().ids, stored_ids(window)) and doomed not in window.timeline.data().ids
    # the next reader gets the same columns from the cache (current, or patched from its log), not
    # from a query of every event
    with monkeypatch.context() as m:
        m.setattr(columns_mod, "_query_columns", None)
        assert np.array_equal(load_columns(p).ids, window.timeline.data().ids)
    assert_window_shows_the_store(window)


def test_a_read_overtaken_by_a_change_is_not_shown(qtbot, window, tmp_path, big):
    drop(qtbot, window, dated_articles(tmp_path / "in", 2))
    p = window.project
    # hold the loader's answers (the columns, then the rows) back to deliver them by hand
    answers, first = [], []
    window.view_loader.loaded.disconnect(window._on_view_loaded)
    window.view_loader.loaded.connect(lambda *a: answers.append(a))
    window.view_loader.columns_read.disconnect(window._on_columns_read)
    window.view_loader.columns_read.connect(lambda *a: first.append(a))
    p.db.conn.execute("delete from events where id = ?", [int(window.timeline.data().ids[0])])
    p.db.conn.commit()
    window.refresh()
    qtbot.waitUntil(lambda: len(answers) == 1)
    number, view, prepared = answers[0]
    p.db.conn.execute("delete from events where id = ?", [int(view.columns.ids[0])])
    p.db.conn.commit()
    window.refresh()  # changed after the read began: that read is not shown, the project is read again
    window._on_columns_read(*first[0])
    window._on_view_loaded(number, view, prepared)
    assert not np.array_equal(window.timeline.data().ids, view.columns.ids)
    assert window._view_request is not None and window._view_request.number == number + 1
    qtbot.waitUntil(lambda: len(answers) == 2)
    window._on_view_loaded(number, view, prepared)  # a late answer to the old request: ignored
    assert window._view_request is not None
    window._on_columns_read(*first[1])
    window._on_view_loaded(*answers[1])
    qtbot.waitUntil(lambda: not window.loading())
    assert np.array_equal(window.timeline.data().ids, stored_ids(window))
    assert_window_shows_the_store(window)
