"""A big project read on another thread: the timeline's columns, then the panels' rows.

At a million events the timeline's columns take about a second to read (more when the
columnar cache must be rebuilt), the panels' rows several more (hundreds of thousands of
quotes, articles, the actors' counts); the window asks for them here, draws the timeline
when its columns come and keeps showing what it has (or "Loading…") in the panels until
their rows follow. The thread opens its own connection
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

from viewer.store.columns import Columns, ColumnsError
from viewer.store.project import Project, ProjectError
from viewer.workflow import ProjectView, read_columns, read_view

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


class _Threads(QObject):
    """Numbered requests, each run on a thread of its own; the window drops answers to old ones."""

    thread_name = "work"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._requests = 0
        self._threads: list[threading.Thread] = []

    def _start(self, run: Callable[..., None], *args: Any) -> int:
        self._requests += 1
        thread = threading.Thread(target=run, args=(*args, self._requests), daemon=True,
                                  name=f"{self.thread_name}-{self._requests}")
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return self._requests

    def busy(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def wait(self, seconds: float = 30.0) -> None:
        """Let running work end (a window closing: the project file is about to be closed too)."""
        for t in self._threads:
            t.join(seconds)

    @staticmethod
    def _emit(signal, *args) -> bool:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window, and this object with it, is gone
            return False
        return True


class ProjectJob(_Threads):
    """``run(path, job)`` returns a request number; ``done(number, result)`` brings what
    ``job(project)`` returned, run on another thread with the project at ``path`` opened there
    (None: it failed). A big project's lanes are arranged anew this way when the window's lane
    mode changes, and a filter's events are worked out (by actor at a million events: 0.3-0.45 s
    each that the window would otherwise stand still).
    """

    done = Signal(int, object)  # request number, job's result or None
    thread_name = "project-job"

    def run(self, path: Path, job: Callable[[Project], Any]) -> int:
        return self._start(self._run, Path(path), job)

    def _run(self, path: Path, job: Callable[[Project], Any], number: int) -> None:
        result, project = None, None
        try:
            project = Project(path)
            result = job(project)
        except _FAILURES:
            result = None
        finally:
            if project is not None:
                project.close()
        self._emit(self.done, number, result)


class ViewLoader(_Threads):
    """``load(path, first, prepare)`` returns a request number. The thread reads the timeline's
    columns first (a second at a million events, where the panels' rows may take several more):
    ``columns_read(number, (version, columns), first_result)`` brings them to the UI thread with what
    ``first(columns, project)`` returned, run on the reading thread with its project open (the
    timeline and its lanes; None: it failed), so that the timeline is drawn while the rest is read.
    Then ``loaded(number, view, prepared)``: the :class:`~viewer.workflow.ProjectView` read (None: it
    could not be read; no ``columns_read`` came before either when the columns could not be read)
    and what ``prepare(view, project)`` returned (e.g. the rows sorted as the panels show them).

    Only the newest request matters to the window: it drops answers to older ones.
    """

    columns_read = Signal(int, object, object)  # request number, (data version, Columns), first's result or None
    loaded = Signal(int, object, object)  # request number, ProjectView or None, prepare's result
    thread_name = "view"

    def load(self, path: Path, first: Callable[[Columns, Project], Any] | None = None,
             prepare: Callable[[ProjectView, Project], Any] | None = None) -> int:
        return self._start(self._run, Path(path), first, prepare)

    def _run(self, path: Path, first: Callable[[Columns, Project], Any] | None,
             prepare: Callable[[ProjectView, Project], Any] | None, number: int) -> None:
        view, prepared, project = None, None, None
        try:
            try:
                project = Project(path)
                with _long_lived():
                    try:
                        columns = read_columns(project)
                    except sqlite3.OperationalError:  # the cache could not be written (an ingest holds the file)
                        columns = read_columns(project, use_cache=False)
                    early = None
                    if first is not None:
                        try:
                            early = first(columns[1], project)
                        except _FAILURES:
                            early = None
                    if not self._emit(self.columns_read, number, columns, early):
                        return
                    view = read_view(project, columns=columns)
                    if prepare is not None:
                        prepared = prepare(view, project)
            except _FAILURES:
                view, prepared = None, None
            self._emit(self.loaded, number, view, prepared)
        finally:
            if project is not None:
                project.close()
