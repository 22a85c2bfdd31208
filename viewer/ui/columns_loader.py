"""A big project read on another thread: the panels' rows and the timeline's columns.

At a million events reading everything the window shows takes a second or more (the
columns from their cache, a hundred thousand articles, the actors' dates), and more when
the columnar cache must be rebuilt; the window asks for it here and keeps showing what
it has (or "Loading…") until the view arrives. The thread opens its own connection
(SQLite connections belong to one thread).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from viewer.store.project import Project, ProjectError
from viewer.workflow import ProjectView, read_view


class ViewLoader(QObject):
    """``load(path, prepare)`` returns a request number; ``loaded(number, view, prepared)`` follows on
    the UI thread: the :class:`~viewer.workflow.ProjectView` read (None: it could not be read) and
    what ``prepare(view, project)`` returned, run on the reading thread too with the thread's
    project still open (e.g. the rows sorted as the panels show them, the timeline and its lanes).

    Only the newest request matters to the window: it drops answers to older ones.
    """

    loaded = Signal(int, object, object)  # request number, ProjectView or None, prepare's result

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._requests = 0
        self._threads: list[threading.Thread] = []

    def load(self, path: Path, prepare: Callable[[ProjectView, Project], Any] | None = None) -> int:
        self._requests += 1
        thread = threading.Thread(target=self._run, args=(Path(path), self._requests, prepare), daemon=True,
                                  name=f"view-{self._requests}")
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return self._requests

    def busy(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def wait(self, seconds: float = 30.0) -> None:
        """Let running reads end (a window closing: the project file is about to be closed too)."""
        for t in self._threads:
            t.join(seconds)

    def _run(self, path: Path, number: int, prepare: Callable[[ProjectView, Project], Any] | None) -> None:
        view, prepared = None, None
        try:
            project = Project(path)
            try:
                try:
                    view = read_view(project)
                except sqlite3.OperationalError:  # the cache could not be written (an ingest holds the file)
                    view = read_view(project, use_cache=False)
                if prepare is not None:
                    prepared = prepare(view, project)
            finally:
                project.close()
        except (ProjectError, OSError, sqlite3.Error):
            view, prepared = None, None
        try:
            self.loaded.emit(number, view, prepared)
        except RuntimeError:  # the window, and this loader with it, is gone
            pass
