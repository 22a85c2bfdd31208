"""The timeline's columns read on another thread, for a big project whose columnar cache is not current.

Re-reading a million events (one query, a sort, the cache written back) takes seconds;
the window asks for it here and keeps showing what it has until the columns arrive.
The thread opens its own connection (SQLite connections belong to one thread).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from viewer.store.columns import data_version, load_columns
from viewer.store.project import Project, ProjectError


class ColumnsLoader(QObject):
    """``load(path)`` returns a request number; ``loaded(number, version, columns)`` follows on the UI
    thread, ``version`` being the project's data version (columns.data_version) when the read began.

    Only the newest request matters to the window: it drops answers to older ones.
    """

    loaded = Signal(int, int, object)  # request number, data version read, Columns (None: could not be read)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._requests = 0
        self._threads: list[threading.Thread] = []

    def load(self, path: Path) -> int:
        self._requests += 1
        thread = threading.Thread(target=self._run, args=(Path(path), self._requests), daemon=True,
                                  name=f"columns-{self._requests}")
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return self._requests

    def wait(self, seconds: float = 30.0) -> None:
        """Let running reads end (a window closing: the project file is about to be closed too)."""
        for t in self._threads:
            t.join(seconds)

    def _run(self, path: Path, number: int) -> None:
        cols, version = None, -1
        try:
            project = Project(path)
            try:
                version = data_version(project)
                try:
                    cols = load_columns(project)
                except sqlite3.OperationalError:  # the cache could not be written (an ingest holds the file)
                    cols = load_columns(project, use_cache=False)
            finally:
                project.close()
        except (ProjectError, OSError, sqlite3.Error):
            cols = None
        try:
            self.loaded.emit(number, version, cols)
        except RuntimeError:  # the window, and this loader with it, is gone
            pass
