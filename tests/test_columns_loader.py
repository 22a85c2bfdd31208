"""The loader's thread reads a project's rows with the cyclic garbage collector paused and freezes
them out of later collections (viewer/ui/columns_loader.py ``_long_lived``)."""

from __future__ import annotations

import gc

import viewer.ui.columns_loader as columns_loader
from tests.test_stable_ids import fill
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
