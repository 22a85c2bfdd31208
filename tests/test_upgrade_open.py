"""A big project made by an older Dateline is migrated off the window's thread, under a busy dialog
(``MainWindow._upgrade``): the window keeps painting instead of freezing for seconds."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

import viewer.ui.main_window as main_window
from tests.test_stable_ids import STABLE, _before_005, fill
from viewer.store import project as project_mod
from viewer.store.project import MIGRATIONS, Project, upgrade_pending


def old_project(path: Path, monkeypatch) -> int:
    """A project as Dateline made it before migration 005; returns its number of events."""
    with _before_005(monkeypatch):
        p = fill(Project(path))
        n = p.db.conn.execute("select count(*) from events").fetchone()[0]
        p.close()
    return n


def applied(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {name for (name,) in conn.execute("select name from _migrations")}
    finally:
        conn.close()


def test_upgrade_pending_only_for_an_old_project_with_more_events_than_asked(tmp_path, monkeypatch):
    path = tmp_path / "old.dateline"
    n = old_project(path, monkeypatch)
    assert n > 1
    assert upgrade_pending(path, n - 1)
    assert not upgrade_pending(path, n)  # small enough to migrate where it is opened
    assert STABLE not in applied(path)  # asking read nothing into the file

    Project(path).close()
    assert not upgrade_pending(path, 0)  # migrated

    assert not upgrade_pending(tmp_path / "new.dateline", 0)  # a new file: nothing to migrate
    text = tmp_path / "notes.dateline"
    text.write_text("not a project")
    assert not upgrade_pending(text, 0)  # opening it says why


@pytest.fixture
def ticking(qtbot):
    """Set while the UI thread's event loop runs: a timer on it sets the event every few ms."""
    ticked = threading.Event()
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(ticked.set)
    timer.start()
    yield ticked
    timer.stop()


def test_an_old_big_project_migrates_on_another_thread_while_the_window_paints(qtbot, window, tmp_path,
                                                                              monkeypatch, ticking):
    path = tmp_path / "old.dateline"
    old_project(path, monkeypatch)
    monkeypatch.setattr(main_window, "BACKGROUND_ABOVE", 0)
    seen: list[tuple[str, bool, bool]] = []
    real = project_mod.migrate

    def watched(db):
        todo = STABLE not in {r["name"] for r in db["_migrations"].rows} if "_migrations" in db.table_names() \
            else True
        if todo:
            ticking.clear()
            # the UI thread's timer fires while this waits only if that thread is free
            ui_free = ticking.wait(5)
            dialog = any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
            seen.append((threading.current_thread().name, ui_free, dialog))
        return real(db)

    monkeypatch.setattr(project_mod, "migrate", watched)
    assert window.open_project(path)
    assert seen and seen[0][:2] == ("upgrade", True)
    assert seen[0][2]  # the busy dialog was up (read from the list of windows: enough for a check)
    assert STABLE in applied(path)
    assert window.project_path == path
    assert not any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
    qtbot.waitUntil(lambda: not window.loading())
    assert window.project.events_at_most() > 0 and len(window.timeline.data().ids) > 0


def test_a_failed_upgrade_names_the_file_and_keeps_the_open_project(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "old.dateline"
    old_project(path, monkeypatch)
    monkeypatch.setattr(main_window, "BACKGROUND_ABOVE", 0)
    before = window.project_path

    def broken(db):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(project_mod, "MIGRATIONS", [(n, broken if n == STABLE else f) for n, f in MIGRATIONS])
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    assert not window.open_project(path)
    assert warned and str(path) in warned[0] and "disk I/O error" in warned[0]
    assert window.project_path == before and window.project is not None
    assert STABLE not in applied(path)  # the migration's transaction was rolled back: the old schema stays
