"""Opening a big project: everything the window shows is read on the loader's thread
(viewer/ui/columns_loader.py) and equals the store once it arrives; an edit made while a
read is in flight is never lost to that read's older answer.

The store side first: the actors' first and last dates taken from the timeline columns
(``columns.actor_spans``) are those of the SQL over every report, grouped ones included.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

import viewer.ui.main_window as main_window
from tests.test_ingest_refresh import assert_window_shows_the_store, dated_articles, stored_ids
from tests.test_main_window import drop
from viewer.core.model import Issue
from viewer.store.columns import (
    BulkEvent,
    actor_spans,
    insert_actors_bulk,
    insert_articles_bulk,
    insert_events_bulk,
    load_columns,
)
from viewer.store.project import Project, day_seconds, seconds_to_date
from viewer.ui import undo
from viewer.workflow import read_view

DAY = 86400.0


def grouped_project() -> tuple[Project, list[int]]:
    """Six events, two of them reports grouped under another event (merged_into), with actors that
    only the grouped reports name and dates only they reach."""
    from datetime import date

    p = Project()
    p.sync_issues([Issue("tariffs", "Tariffs", "#CC6677")])
    a, b, c, d = insert_actors_bulk(p, [("A", "person"), ("B", "person"), ("C", "government"), ("D", "person")])
    art = insert_articles_bulk(p, ["one", "two"])
    jun = day_seconds(date(2025, 6, 1))
    insert_events_bulk(p, [
        BulkEvent(art[0], "leader", jun + 10 * DAY, jun + 11 * DAY, "day", "tariffs", (a, b)),
        BulkEvent(art[1], "member, coarser", jun, jun + 30 * DAY, "month", "tariffs", (b, c)),
        BulkEvent(art[0], "alone", jun + 40 * DAY, jun + 41 * DAY, "day", None, (a,)),
        BulkEvent(art[1], "alone too", jun - 5 * DAY, jun - 4 * DAY, "day", None, ()),
        BulkEvent(art[0], "another leader", jun + 50 * DAY, jun + 51 * DAY, "day", None, (d,)),
        BulkEvent(art[1], "its member", jun + 50 * DAY, jun + 51 * DAY, "day", None, (d, c)),
    ])
    ids = [r[0] for r in p.db.conn.execute("select id from events order by id")]
    p.db.conn.execute("update events set merged_into = ? where id = ?", [ids[0], ids[1]])
    p.db.conn.execute("update events set merged_into = ? where id = ?", [ids[4], ids[5]])
    p.db.conn.commit()
    return p, [a, b, c, d]


def test_actor_spans_from_the_columns_are_those_of_every_report():
    p, (a, b, c, d) = grouped_project()
    cols = load_columns(p)
    assert set(cols.ids.tolist()) == {r[0] for r in p.db.conn.execute("select id from events where merged_into "
                                                                      "is null")}  # members are not drawn
    spans = actor_spans(p, cols)
    assert spans == p.actor_spans()
    jun = min(t for t, _ in spans.values())
    # C is named by grouped reports only; B's first day comes from the coarser member report
    assert spans[c][0] == spans[b][0] == jun and c not in set(cols.actor_id.tolist())
    assert p.actors(spans) == p.actors()


def test_actor_spans_with_far_apart_actor_ids():
    p, (a, b, c, d) = grouped_project()
    p.db.conn.execute("update actors set id = 10000000 where id = ?", [b])  # past the dense table
    p.db.conn.execute("update event_actors set actor_id = 10000000 where actor_id = ?", [b])
    p.db.conn.commit()
    assert actor_spans(p, load_columns(p)) == p.actor_spans() and 10000000 in p.actor_spans()


def test_actor_spans_of_a_project_without_links():
    p = Project()
    insert_actors_bulk(p, [("A", "person")])
    assert actor_spans(p, load_columns(p)) == p.actor_spans() == {}
    assert p.actors(actor_spans(p, load_columns(p))) == p.actors()


def test_read_view_of_a_grouped_project_is_the_stores():
    p, _ = grouped_project()
    v = read_view(p)
    assert v.actors == p.actors() and v.articles == p.articles() and v.issues == p.issues()
    assert np.array_equal(v.columns.id_order(), np.argsort(v.columns.ids, kind="stable"))


# ---------------------------------------------------------------- the window

@pytest.fixture
def big(monkeypatch):
    """Every project counts as big: panels and timeline are read on the loader's thread."""
    monkeypatch.setattr(main_window, "BACKGROUND_ABOVE", 0)


@pytest.fixture
def no_ui_reads(monkeypatch):
    """Every read of the whole project the window makes on its own thread."""
    here: list = []
    monkeypatch.setattr(main_window, "read_view", lambda p: here.append(p) or read_view(p))
    return here


def held(window) -> list:
    """The loader's answers, kept back to be delivered by hand."""
    answers: list = []
    window.view_loader.loaded.disconnect(window._on_view_loaded)
    window.view_loader.loaded.connect(lambda *a: answers.append(a))
    return answers


def read_held(qtbot, window, tmp_path, articles: int) -> list:
    """A project of ``articles`` articles read again on the loader's thread, its answer held (``[0]``)."""
    drop(qtbot, window, dated_articles(tmp_path / "in", articles))
    answers = held(window)
    window.refresh()
    qtbot.waitUntil(lambda: len(answers) == 1)
    return answers


def test_opening_a_big_project_shows_the_window_at_once_and_the_store_once_read(qtbot, window, tmp_path, big,
                                                                                no_ui_reads):
    drop(qtbot, window, dated_articles(tmp_path / "in", 3))
    path = window.project_path
    assert window.open_project(tmp_path / "other.dateline")
    qtbot.waitUntil(lambda: not window.loading())
    no_ui_reads.clear()
    answers = held(window)
    assert window.open_project(path)
    # nothing of the other project stays; the panels and the timeline say they are loading
    for view in (window.actors_view, window.issues_view, window.quotes_view, window.articles_view):
        assert view.model().rowCount() == 0 and view.placeholder() == "Loading…"
    assert len(window.timeline.data().ids) == 0 and window.timeline.empty_message()[0] == "Reading the timeline…"
    assert window.counts_label.text() == f"Loading {path.name}…" and window.loading()
    qtbot.waitUntil(lambda: len(answers) == 1)
    window._on_view_loaded(*answers[0])
    assert window.articles_model.rows() and window.articles_view.placeholder() == "" and not window.loading()
    assert no_ui_reads == []
    assert_window_shows_the_store(window)


def test_the_rows_come_sorted_as_the_panels_show_them(qtbot, window, tmp_path, big):
    answers = read_held(qtbot, window, tmp_path, 4)
    # the Articles panel is sorted by title meanwhile: its rows, sorted on the thread by date, are sorted again
    window.articles_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    window._on_view_loaded(*answers[0])
    for model in (window.actors_model, window.quotes_model, window.articles_model):
        assert model.rows() == model._sorted(list(model.rows())), type(model).__name__
    titles = [a.title or a.path for a in window.articles_model.rows()]
    assert titles == sorted(titles, key=str.casefold, reverse=True)
    qtbot.waitUntil(lambda: not window.loading())
    assert_window_shows_the_store(window)


def test_an_edit_during_a_read_wins_over_its_answer(qtbot, window, tmp_path, big):
    answers = read_held(qtbot, window, tmp_path, 2)
    bessent = next(a for a in window.actors_model.rows() if a.name == "Scott Bessent")
    # the rename lands after the read began: its refresh marks that read as old
    assert window.push(undo.RenameActorCommand, bessent.id, "Treasury Secretary Bessent") is not None
    window._on_view_loaded(*answers[0])
    # not shown: read again
    assert window.loading() and window._view_request.number == answers[0][0] + 1
    assert "Scott Bessent" in {a.name for a in window.actors_model.rows()}
    qtbot.waitUntil(lambda: len(answers) == 2)
    window._on_view_loaded(*answers[1])
    qtbot.waitUntil(lambda: not window.loading())
    names = {a.name for a in window.actors_model.rows()}
    assert "Treasury Secretary Bessent" in names and "Scott Bessent" not in names
    assert_window_shows_the_store(window)
    # undo while a read is in flight: the undone name is what stays
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: len(answers) == 3)
    window._on_view_loaded(*answers[2])
    qtbot.waitUntil(lambda: not window.loading())
    assert "Scott Bessent" in {a.name for a in window.actors_model.rows()}
    assert_window_shows_the_store(window)


def test_an_answer_for_another_project_is_never_shown(qtbot, window, tmp_path, big):
    answers = read_held(qtbot, window, tmp_path, 2)
    assert window.open_project(tmp_path / "empty.dateline")  # no events: read at once, here
    assert not window.loading()
    window._on_view_loaded(*answers[0])  # the first project's rows
    assert window.articles_model.rows() == [] and len(window.timeline.data().ids) == 0
    assert window.articles_view.placeholder() == "" and not window.loading()


def test_a_view_swapped_in_from_an_ingest_cancels_an_older_read(qtbot, window, tmp_path, big):
    answers = read_held(qtbot, window, tmp_path, 2)
    window.refresh(view=read_view(window.project))  # e.g. the ingest worker's, read after its last file
    assert not window.loading()
    window._on_view_loaded(*answers[0])  # began before it: dropped
    assert not window.loading()
    assert_window_shows_the_store(window)


def test_lanes_change_from_the_columns_shown_without_reading_again(qtbot, window, tmp_path, big, no_ui_reads):
    drop(qtbot, window, dated_articles(tmp_path / "in", 2))
    window.refresh()
    qtbot.waitUntil(lambda: not window.loading())
    window.lane_combo.setCurrentIndex(window.lane_combo.findData("actor"))
    # arranged on another thread: until then the timeline shows the lanes it had (and answers input)
    assert window.loading() and window.timeline.data().lane_mode == "issue"
    qtbot.waitUntil(lambda: not window.loading())
    assert no_ui_reads == []
    assert window.timeline.data().lane_mode == "actor"
    assert np.array_equal(np.sort(window.timeline.data().ids), np.sort(stored_ids(window)))
    # after a change, the lanes wait for the project to be read again
    window.project.db.conn.execute("delete from events where id = ?", [int(window.timeline.data().ids[0])])
    window.project.db.conn.commit()
    window.lane_combo.setCurrentIndex(window.lane_combo.findData("issue"))
    assert window.loading()
    qtbot.waitUntil(lambda: not window.loading())
    assert_window_shows_the_store(window)


def test_freed_memory_goes_back_once_lanes_or_a_filter_replaced_the_timeline(qtbot, window, tmp_path, big,
                                                                             monkeypatch):
    from viewer.store.filters import Filter

    drop(qtbot, window, dated_articles(tmp_path / "in", 2))
    window.refresh()
    qtbot.waitUntil(lambda: not window.loading())
    trims: list = []
    monkeypatch.setattr(main_window, "release_freed_memory", lambda: trims.append(window.timeline.data().lane_mode))
    qtbot.wait(400)
    trims.clear()
    window.lane_combo.setCurrentIndex(window.lane_combo.findData("actor"))
    qtbot.waitUntil(lambda: trims == ["actor"], timeout=5000)  # after the new lanes are shown, once
    first = min(window.timeline.data().t0.tolist())
    window.filter_bar.filterChanged.emit(Filter().with_range(seconds_to_date(first), seconds_to_date(first)))
    qtbot.waitUntil(lambda: len(trims) == 2 and not window.loading(), timeout=5000)


def test_only_the_lane_mode_chosen_last_is_shown(qtbot, window, tmp_path, big):
    drop(qtbot, window, dated_articles(tmp_path / "in", 2))
    window.refresh()
    qtbot.waitUntil(lambda: not window.loading())
    shown = []
    window.lane_job.done.connect(lambda *_: shown.append(window.timeline.data().lane_mode))
    for mode in ("actor", "article"):
        window.lane_combo.setCurrentIndex(window.lane_combo.findData(mode))
    qtbot.waitUntil(lambda: not window.loading() and len(shown) == 2)
    assert window.timeline.data().lane_mode == "article" and "actor" not in shown
    assert np.array_equal(np.sort(window.timeline.data().ids), np.sort(stored_ids(window)))
    # lanes asked for, then the project read again (an edit elsewhere): the read's lanes stay
    window.lane_combo.setCurrentIndex(window.lane_combo.findData("issue"))
    window.project.db.conn.execute("delete from events where id = ?", [int(window.timeline.data().ids[0])])
    window.project.db.conn.commit()
    window.refresh()
    qtbot.waitUntil(lambda: not window.loading())
    assert window.timeline.data().lane_mode == "issue"
    assert_window_shows_the_store(window)


def test_a_big_projects_filter_is_worked_out_on_another_thread(qtbot, window, tmp_path, big, no_ui_reads):
    from viewer.store.filters import Filter, filtered_leader_ids

    drop(qtbot, window, dated_articles(tmp_path / "in", 3))
    window.refresh()
    qtbot.waitUntil(lambda: not window.loading())
    p = window.project
    issue = p.db.conn.execute("select issue_id from event_issues group by issue_id order by count(*) limit 1"
                              ).fetchone()[0]
    f = Filter().with_issues(frozenset({issue}))
    window.filter_bar.filterChanged.emit(f)
    # until the thread answers, the timeline shows what it showed, and the window answers input
    assert window.loading() and window.timeline.event_filter() is None
    qtbot.waitUntil(lambda: not window.loading())
    assert no_ui_reads == []
    shown = set(window.timeline.event_filter().tolist())
    assert shown == filtered_leader_ids(p, f) and 0 < len(shown) < len(stored_ids(window))
    # two filters in a row: only the last one is shown
    first_day = min(window.timeline.data().t0.tolist())
    g = Filter().with_range(seconds_to_date(first_day), seconds_to_date(first_day))
    window.filter_bar.filterChanged.emit(Filter().with_issues(frozenset({"no such issue"})))
    window.filter_bar.filterChanged.emit(g)
    qtbot.waitUntil(lambda: not window.loading())
    assert set(window.timeline.event_filter().tolist()) == filtered_leader_ids(p, g) != set()

@pytest.fixture
def ui_filter_work(monkeypatch):
    """Filters worked out and filtered lanes built on the UI thread (what a big project's window leaves
    to its threads)."""
    import threading

    import viewer.ui.timeline_paint as timeline_paint

    here: list[str] = []

    def on_ui(name, fn):
        def wrapped(*args, **kwargs):
            if threading.current_thread() is threading.main_thread():
                here.append(name)
            return fn(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(main_window, "filtered_leader_array", on_ui("filter", main_window.filtered_leader_array))
    monkeypatch.setattr(timeline_paint, "filtered_lanes", on_ui("lanes", timeline_paint.filtered_lanes))
    return here


def _shows_the_filter(window, f) -> None:
    from viewer.store.filters import filtered_leader_ids

    want = filtered_leader_ids(window.project, f)
    assert set(window.timeline.event_filter().tolist()) == want != set()
    lanes = window.timeline.scene.lanes
    assert set(window.timeline.data().ids[lanes.idx].tolist()) == want  # the lanes hold those events only


def test_with_a_filter_on_edits_and_lanes_leave_the_filter_to_the_threads(qtbot, window, tmp_path, big,
                                                                          ui_filter_work):
    from viewer.store.filters import Filter

    drop(qtbot, window, dated_articles(tmp_path / "in", 3))
    window.refresh()
    qtbot.waitUntil(lambda: not window.loading())
    lo, hi = window.timeline.data().time_range()
    f = Filter().with_range(seconds_to_date(lo), seconds_to_date((lo + hi) / 2))
    ui_filter_work.clear()
    window.filter_bar.filterChanged.emit(f)
    qtbot.waitUntil(lambda: not window.loading())
    _shows_the_filter(window, f)
    # an edit: the window reads the project again, and the thread works the filter out after the columns
    eid = int(window.timeline.event_filter()[0])
    window.undo_stack.push(undo.EditEventCommand(window.project, eid, title="Renamed while filtered"))
    qtbot.waitUntil(lambda: not window.loading())
    _shows_the_filter(window, f)
    assert window.timeline.scene.title(int(window.timeline.data().index_of([eid])[0])) in ("", "Renamed while filtered")
    # lanes by actor and back, the filter still on: the thread sorts the filtered lanes
    for mode in ("actor", "issue"):
        window.lane_combo.setCurrentIndex(window.lane_combo.findData(mode))
        qtbot.waitUntil(lambda mode=mode: not window.loading() and window.timeline.data().lane_mode == mode)
        _shows_the_filter(window, f)
    assert ui_filter_work == []
    # no filter: the lanes without one, kept from the read, come back as they were
    window.filter_bar.filterChanged.emit(Filter())
    qtbot.waitUntil(lambda: not window.loading())
    assert window.timeline.event_filter() is None and ui_filter_work == []
    assert np.array_equal(np.sort(window.timeline.data().ids[window.timeline.scene.lanes.idx]),
                          np.sort(window.timeline.data().ids[np.unique(window.timeline.data().lane_event)]))


def test_a_filter_read_before_a_change_is_worked_out_again(qtbot, window, tmp_path, big, monkeypatch):
    import threading

    from viewer.store.filters import Filter, filtered_leader_array, filtered_leader_ids

    drop(qtbot, window, dated_articles(tmp_path / "in", 3))
    window.refresh()
    qtbot.waitUntil(lambda: not window.loading())
    p = window.project
    first = min(window.timeline.data().t0.tolist())
    f = Filter().with_range(seconds_to_date(first), seconds_to_date(first))  # the first day
    read, release = threading.Event(), threading.Event()

    def held(project, flt):  # the thread's read, kept back until the project has changed
        got = filtered_leader_array(project, flt)
        if threading.current_thread() is not threading.main_thread():
            read.set()
            release.wait(10)
        return got

    monkeypatch.setattr(main_window, "filtered_leader_array", held)
    window.filter_bar.filterChanged.emit(f)
    assert read.wait(10)
    before = filtered_leader_ids(p, f)
    # every event of that day moved a year later
    p.db.conn.execute("update events set t0 = t0 + 366 * 86400, t1 = t1 + 366 * 86400 where t0 < ?",
                      [first + DAY])
    p.db.conn.commit()
    release.set()
    qtbot.waitUntil(lambda: not window.loading())
    assert before and set(window.timeline.event_filter().tolist()) == filtered_leader_ids(p, f) == set()


def test_an_event_made_during_a_read_is_selected_once_the_timeline_has_it(qtbot, window, tmp_path, big):
    answers = read_held(qtbot, window, tmp_path, 2)
    p = window.project
    art = p.db.conn.execute("select min(id) from articles").fetchone()[0]
    p.db.conn.execute("insert into events (article_id, title, t0, t1, precision) values (?, 'By hand', 0, 86400, "
                      "'day')", [art])
    p.db.conn.commit()
    eid = p.db.conn.execute("select max(id) from events").fetchone()[0]
    window._on_event_created(eid)  # its refresh marks the held read as old
    assert window.timeline.selected_events() == []
    window._on_view_loaded(*answers[0])
    qtbot.waitUntil(lambda: len(answers) == 2)
    window._on_view_loaded(*answers[1])
    qtbot.waitUntil(lambda: not window.loading())
    assert window.timeline.selected_events() == [eid]
    assert_window_shows_the_store(window)


def held_timeline(window) -> list:
    """The loader's first answers (the columns, the timeline built of them), kept back too."""
    answers: list = []
    window.view_loader.columns_read.disconnect(window._on_columns_read)
    window.view_loader.columns_read.connect(lambda *a: answers.append(a))
    return answers


def read_both_held(qtbot, window, tmp_path, articles: int) -> tuple[list, list]:
    """Like ``read_held``, the first answer (the columns) held too."""
    drop(qtbot, window, dated_articles(tmp_path / "in", articles))
    first, answers = held_timeline(window), held(window)
    window.refresh()
    qtbot.waitUntil(lambda: len(answers) == 1 and len(first) == 1)
    return first, answers


def test_the_timeline_is_drawn_before_the_panels_rows_come(qtbot, window, tmp_path, big):
    drop(qtbot, window, dated_articles(tmp_path / "in", 3))
    path = window.project_path
    assert window.open_project(tmp_path / "other.dateline")
    qtbot.waitUntil(lambda: not window.loading())
    first, answers = held_timeline(window), held(window)
    assert window.open_project(path)
    qtbot.waitUntil(lambda: len(answers) == 1 and len(first) == 1)
    number, (version, columns), built = first[0]
    assert number == answers[0][0] and built.timeline.ids is columns.ids
    assert built.issues == window.project.issue_legend() and built.timeline.lane_mode == "issue"
    window._on_columns_read(*first[0])
    # the timeline is drawn from what the thread built; the panels still wait for their rows
    data = window.timeline.data()
    assert data.ids is built.timeline.ids and window.timeline.scene.lanes is built.lanes and len(data.ids)
    assert window.loading() and window.articles_model.rows() == []
    assert window.articles_view.placeholder() == "Loading…"
    # the titles are read through the window's project (the thread's is closed by now)
    p = window.project
    want = dict(p.db.conn.execute("select id, title from events where id in (?, ?, ?)",
                                  [int(i) for i in data.ids[:3]]))
    assert data.titles(data.ids[:3].tolist()) == want and all(want.values())
    window._on_view_loaded(*answers[0])
    assert not window.loading() and window.articles_model.rows()
    # the rows do not draw the timeline again
    assert window.timeline.data() is data and window.timeline.scene.lanes is built.lanes
    assert_window_shows_the_store(window)


def test_lanes_built_on_the_thread_for_another_lane_mode_are_built_again(qtbot, window, tmp_path, big):
    first, answers = read_both_held(qtbot, window, tmp_path, 3)
    window.lane_combo.setCurrentIndex(window.lane_combo.findData("actor"))  # while the read is held
    built = first[0][2]
    assert built.timeline.lane_mode == "issue"
    window._on_columns_read(*first[0])
    window._on_view_loaded(*answers[0])
    assert not window.loading()
    data = window.timeline.data()
    assert data.lane_mode == "actor" and window.timeline.scene.lanes is not built.lanes
    assert window.timeline.scene.lanes.serves(data)
    assert_window_shows_the_store(window)


def test_a_timeline_the_thread_could_not_build_is_built_here(qtbot, window, tmp_path, big):
    first, answers = read_both_held(qtbot, window, tmp_path, 3)
    number, columns, _ = first[0]
    window._on_columns_read(number - 1, columns, None)  # an older request's: not drawn
    assert not window._view_request.drawn
    window._on_columns_read(number, columns, None)
    assert window._view_request.drawn and window.timeline.data().ids is columns[1].ids
    assert window.timeline.scene.lanes.serves(window.timeline.data())
    window._on_view_loaded(*answers[0])
    assert not window.loading()
    assert_window_shows_the_store(window)


def test_columns_of_a_read_the_project_outran_are_not_drawn(qtbot, window, tmp_path, big):
    first, answers = read_both_held(qtbot, window, tmp_path, 2)
    shown = window.timeline.data()
    p = window.project
    p.db.conn.execute("delete from events where id = ?", [int(shown.ids[0])])
    p.db.conn.commit()
    window.refresh()  # e.g. an edit's: the held read is old
    window._on_columns_read(*first[0])
    assert window.timeline.data() is shown and not window._view_request.drawn
    window._on_view_loaded(*answers[0])  # read again
    qtbot.waitUntil(lambda: len(first) == 2 and len(answers) == 2)
    window._on_columns_read(*first[1])
    window._on_view_loaded(*answers[1])
    assert not window.loading() and int(shown.ids[0]) not in set(window.timeline.data().ids.tolist())
    assert_window_shows_the_store(window)
