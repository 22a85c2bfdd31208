"""Tagging the project's articles again, off the UI thread (after the trade-issue taxonomy changed).

The same rules as ingest (viewer/ui/ingest_worker.py): the worker opens its own connection to
the project file, since an SQLite connection belongs to one thread, and each article is one
transaction, so the window's reads and edits wait for one article at most, never for the run.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from viewer.store.project import Project
from viewer.ui.worker_thread import end_thread, start_in_thread
from viewer.workflow import retag_project


@dataclass(frozen=True)
class RetagResult:
    """How a run ended: ``done`` of ``total`` articles tagged again; ``error`` when it failed."""

    done: int
    total: int
    cancelled: bool = False
    error: str = ""

    def summary(self) -> str:
        if self.error:
            return f"Tagging stopped: {self.error}"
        if self.cancelled:
            return (f"Tagging cancelled after {self.done} of {self.total} articles; "
                    "“Tag all articles again” finishes it")
        return f"Trade issues tagged again in {self.done} article{'s' if self.done != 1 else ''}"


class RetagWorker(QObject):
    progress = Signal(int, int, str)  # done, total, current article's title
    finished = Signal(object)  # RetagResult

    def __init__(self, project_path: Path) -> None:
        super().__init__()
        self.project_path = project_path
        self._cancel = threading.Event()
        self._total = 0

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, done: int, total: int, title: str) -> None:
        self._total = total
        self.progress.emit(done, total, title)

    def run(self) -> None:
        done, error = 0, ""
        try:
            project = Project(self.project_path)
            try:
                done = retag_project(project, self._progress, self._cancel.is_set)
            finally:
                project.close()
        except Exception as exc:  # noqa: BLE001 - reported to the user, never lost in a thread
            error = f"{type(exc).__name__}: {exc}"
        self.finished.emit(RetagResult(done, self._total, done < self._total and not error, error))


class RetagRunner(QObject):
    """One run at a time. Asked to run while one is under way, it stops that one and starts
    afresh once it has stopped, so the tags end up as the latest taxonomy makes them."""

    progress = Signal(int, int, str)
    finished = Signal(object)  # RetagResult of the last run

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: RetagWorker | None = None
        self._again: Path | None = None

    def busy(self) -> bool:
        return self._thread is not None

    def start(self, project_path: Path) -> None:
        if self._thread is not None:
            self._again = project_path
            assert self._worker is not None
            self._worker.cancel()
            return
        worker = RetagWorker(project_path)
        worker.progress.connect(self.progress)
        self._worker = worker
        self._thread = start_in_thread(worker, self._on_finished)

    def cancel(self) -> None:
        """Stop the run (the articles done so far stay done) and any restart that was waiting."""
        self._again = None
        if self._worker is not None:
            self._worker.cancel()

    def wait(self, ms: int = 30000) -> None:
        if self._thread is not None:
            self._thread.wait(ms)

    def _on_finished(self, result: RetagResult) -> None:
        thread = self._thread
        self._thread, self._worker = None, None
        end_thread(thread)
        again, self._again = self._again, None
        if again is not None:
            self.start(again)
            return
        self.finished.emit(result)
