"""A big project read on another thread: the panels' rows and the timeline's columns.

At a million events reading everything the window shows takes a second or more (the
columns from their cache, a hundred thousand articles, the actors' dates), and more when
the columnar cache must be rebuilt; the window asks for it here and keeps showing what
it has (or "Loading…") until the view arrives. The thread opens its own connection
(SQLite connections belong to one thread).
"""

from __future__ import annotations

import gc
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from viewer.store.columns import ColumnsError
from viewer.store.project import Project, ProjectError
from viewer.workflow import ProjectView, read_view

#: what a read, or the work on it, may fail with: the window then reads (or builds) on its own thread
_FAILURES = (ProjectError, ColumnsError, OSError, sqlite3.Error)


@contextmanager
def _long_lived() -> Iterator[None]:
    """What is read here lives as long as the window shows it (rows by the hundred thousand):
    no cyclic collection while it is built, each would scan the growing heap again (reading a
    third of a million quotes took twice as long), and frozen out of later ones once built (none
    of it is garbage; when the window drops it, reference counting frees it). The young garbage
    of now is collected first (a short pass), so that little of it is frozen with the rows."""
    was = gc.isenabled()
    gc.collect(1)
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


class ViewLoader(QObject):
    """``load(path, prepare, later)`` returns a request number; ``loaded(number, view, prepared)``
    follows on the UI thread: the :class:`~viewer.workflow.ProjectView` read (None: it could not be
    read) and what ``prepare(view, project)`` returned, run on the reading thread too with the
    thread's project open (e.g. the rows sorted as the panels show them). Then, the view read,
    ``later(view, project)`` runs there as well and ``loaded_later(number, result)`` brings its
    result (None: it failed): work the window needs a moment after the view (the timeline and
    its lanes), so that it does not hold the panels back.

    Only the newest request matters to the window: it drops answers to older ones.
    """

    loaded = Signal(int, object, object)  # request number, ProjectView or None, prepare's result
    loaded_later = Signal(int, object)  # request number, later's result or None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._requests = 0
        self._threads: list[threading.Thread] = []

    def load(self, path: Path, prepare: Callable[[ProjectView, Project], Any] | None = None,
             later: Callable[[ProjectView, Project], Any] | None = None) -> int:
        self._requests += 1
        thread = threading.Thread(target=self._run, args=(Path(path), self._requests, prepare, later), daemon=True,
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

    def _run(self, path: Path, number: int, prepare: Callable[[ProjectView, Project], Any] | None,
             later: Callable[[ProjectView, Project], Any] | None) -> None:
        view, prepared, project = None, None, None
        try:
            try:
                project = Project(path)
                with _long_lived():
                    try:
                        view = read_view(project)
                    except sqlite3.OperationalError:  # the cache could not be written (an ingest holds the file)
                        view = read_view(project, use_cache=False)
                    if prepare is not None:
                        prepared = prepare(view, project)
            except _FAILURES:
                view, prepared = None, None
            if not self._emit(self.loaded, number, view, prepared) or view is None or later is None:
                return
            assert project is not None
            try:
                result = later(view, project)
            except _FAILURES:
                result = None
            self._emit(self.loaded_later, number, result)
        finally:
            if project is not None:
                project.close()

    @staticmethod
    def _emit(signal, *args) -> bool:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window, and this loader with it, is gone
            return False
        return True
