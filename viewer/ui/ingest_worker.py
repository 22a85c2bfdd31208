"""Ingest off the UI thread.

The worker opens its own connection to the project file (SQLite connections
belong to one thread) and reports each file as it is stored, so the window can
refresh while the rest is still being read.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal

from viewer.workflow import IngestReport, ingest_paths, open_project


class IngestWorker(QObject):
    progress = Signal(int, int, str)  # done, total, current file
    finished = Signal(object)  # IngestReport

    def __init__(self, project_path: Path, paths: list[str]) -> None:
        super().__init__()
        self.project_path = project_path
        self.paths = paths
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        report = IngestReport()
        try:
            project = open_project(self.project_path)
            try:
                report = ingest_paths(project, self.paths, self.progress.emit, self._cancel.is_set)
            finally:
                project.close()
        except Exception as exc:  # noqa: BLE001 - reported to the user, never lost in a thread
            from viewer.workflow import FileOutcome

            report.outcomes.append(FileOutcome(str(self.project_path), "refused", f"ingest stopped: {exc}"))
        self.finished.emit(report)


class IngestRunner(QObject):
    """Owns one worker thread at a time; queued drops wait for the current one."""

    progress = Signal(int, int, str)
    finished = Signal(object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: IngestWorker | None = None
        self._queue: list[tuple[Path, list[str]]] = []

    def busy(self) -> bool:
        return self._thread is not None

    def start(self, project_path: Path, paths: list[str]) -> None:
        # The worker is pure Python most of the time; hand the interpreter back to the UI thread
        # every millisecond instead of every 5 so that painting and input never wait long.
        sys.setswitchinterval(0.001)
        if self._thread is not None:
            self._queue.append((project_path, paths))
            return
        thread = QThread()
        worker = IngestWorker(project_path, paths)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self.progress)
        worker.finished.connect(self._on_finished)
        # Quit the thread's loop from the worker's own thread: a queued quit would need the UI
        # thread, which may be the one blocked in wait() (closing the window during an ingest).
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread, self._worker = thread, worker
        thread.start()

    def cancel(self) -> None:
        self._queue.clear()
        if self._worker is not None:
            self._worker.cancel()

    def wait(self, ms: int = 30000) -> None:
        if self._thread is not None:
            self._thread.wait(ms)

    def _on_finished(self, report: IngestReport) -> None:
        thread = self._thread
        self._thread, self._worker = None, None
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        self.finished.emit(report)
        if self._queue:
            self.start(*self._queue.pop(0))
