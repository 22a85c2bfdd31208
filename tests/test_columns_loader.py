"""The loader's thread reads a project's rows with the cyclic garbage collector paused and freezes
them out of later collections (viewer/ui/columns_loader.py ``_long_lived``)."""

from __future__ import annotations

import gc
import threading

import viewer.ui.columns_loader as columns_loader
from tests.test_stable_ids import fill
from viewer.store.columns import ColumnsError
from viewer.store.project import Project
from viewer.ui.columns_loader import ViewLoader


def test_rows_are_read_with_the_collector_paused_then_frozen(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "p.dateline"
    fill(Project(path)).close()
    during: list[bool] = []
    read = columns_loader.read_view
    monkeypatch.setattr(columns_loader, "read_view", lambda p, **kw: during.append(gc.isenabled()) or read(p, **kw))
    gc.unfreeze()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    loader = ViewLoader()
    got: list = []
    loader.loaded.connect(lambda number, view, prepared: got.append(view))
    loader.load(path, prepare=lambda view, project: during.append(gc.isenabled()))
    qtbot.waitUntil(lambda: bool(got))
    loader.wait()
    try:
        assert got[0] is not None and got[0].quotes
        assert during == [False, False]  # the read and the panels' sorting
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_columns_come_first_with_what_was_built_of_them_then_the_rows(qtbot, tmp_path):
    path = tmp_path / "p.dateline"
    fill(Project(path)).close()
    got: list = []
    on_thread: list = []
    loader = ViewLoader()
    loader.columns_read.connect(lambda number, columns, built: got.append(("columns", number, columns, built)))
    loader.loaded.connect(lambda number, view, prepared: got.append(("rows", number, view, prepared)))

    def first(columns, project):
        on_thread.append(threading.current_thread().name)
        return ("built", len(columns.ids), project.issue_legend())

    number = loader.load(path, first=first, prepare=lambda view, project: len(view.quotes))
    qtbot.waitUntil(lambda: len(got) == 2)
    loader.wait()
    (kind, n1, (version, columns), built), (kind2, n2, view, prepared) = got
    assert (kind, kind2, n1, n2) == ("columns", "rows", number, number)
    assert on_thread == [f"view-{number}"]
    # the rows' view holds the very columns sent first, read at the same data version
    assert view.columns is columns and view.version == version
    assert built == ("built", len(columns.ids), view_legend(view)) and len(columns.ids)
    assert prepared == len(view.quotes) > 0
    gc.unfreeze()


def test_a_failed_build_still_sends_the_columns(qtbot, tmp_path):
    path = tmp_path / "p.dateline"
    fill(Project(path)).close()
    got: list = []
    loader = ViewLoader()
    loader.columns_read.connect(lambda number, columns, built: got.append(built))
    loader.loaded.connect(lambda number, view, prepared: got.append(view))

    def first(columns, project):
        raise ColumnsError("no such lane mode")

    loader.load(path, first=first)
    qtbot.waitUntil(lambda: len(got) == 2)
    loader.wait()
    assert got[0] is None and got[1] is not None
    gc.unfreeze()


def view_legend(view) -> list[tuple[str, str, str]]:
    return [(i.id, i.label, i.colour) for i in view.issues]


def test_a_project_job_runs_on_its_own_thread_with_its_own_connection(qtbot, tmp_path):
    from viewer.store.project import ProjectError
    from viewer.ui.columns_loader import ProjectJob

    path = tmp_path / "p.dateline"
    fill(Project(path)).close()
    jobs = ProjectJob()
    got: list = []
    jobs.done.connect(lambda number, result: got.append((number, result)))

    def count(project):
        return threading.current_thread().name, project.db.conn.execute("select count(*) from events").fetchone()[0]

    def fails(project):
        raise ProjectError("not readable")

    first = jobs.run(path, count)
    second = jobs.run(path, fails)
    qtbot.waitUntil(lambda: len(got) == 2)
    jobs.wait()
    answers = dict(got)
    assert answers[first][0] == f"project-job-{first}" and answers[first][1] > 0
    assert answers[second] is None  # a job that fails answers None (the window then does it itself)
