"""Ingest off the UI thread.

The worker opens its own connection to the project file (SQLite connections
belong to one thread) and reports each file as it is stored. Everything the
window shows is read here too, with the worker's connection: the timeline so far
every half second or so (``partial``), and, once the last file is stored, the
whole view (``loaded``, just before ``finished``), so the window only swaps rows
and arrays in and never queries a growing project on its UI thread.
"""

from __future__ import annotations

import gc
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from viewer.ui.worker_thread import end_thread, start_in_thread
from viewer.workflow import FileOutcome, IngestReport, TimelineFeed, ingest_paths, open_project, read_view


class QuietCollector:
    """Keeps the cyclic garbage collector's long pauses off the window while an ingest runs.

    A collection holds the interpreter on whichever thread allocates: a full one scans
    every object of the process (the window's, the extraction rules'), tens of milliseconds
    the UI thread cannot run. So what exists when an ingest starts is frozen out of
    collections, automatic collection waits until the first file (which loads the rules)
    is done, and after each file the young generations are collected (a bounded, short
    pass) and what survives is frozen too: every collection during the ingest scans about
    one file's objects. At the end everything is unfrozen and collectable as before.
    """

    def __init__(self) -> None:
        self._was_enabled: bool | None = None

    def begin(self) -> None:
        if self._was_enabled is None:
            self._was_enabled = gc.isenabled()
        gc.disable()
        gc.freeze()

    def after_file(self, first: bool) -> None:
        if not first:
            gc.collect(1)
        gc.freeze()
        if first and self._was_enabled:
            gc.enable()

    def end(self) -> None:
        gc.unfreeze()
        if self._was_enabled:
            gc.enable()
        self._was_enabled = None


class IngestWorker(QObject):
    progress = Signal(int, int, str)  # done, total, current file
    partial = Signal(object, object)  # Columns, counts: the timeline so far
    finished = Signal(object, object)  # IngestReport, ProjectView (None when it could not be read)

    def __init__(self, project_path: Path, paths: list[str], collector: QuietCollector | None = None) -> None:
        super().__init__()
        self.project_path = project_path
        self.paths = paths
        self._cancel = threading.Event()
        self._collector = collector

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        report, view = IngestReport(), None
        try:
            project = open_project(self.project_path)
            try:
                feed = TimelineFeed(project)

                def progress(done: int, total: int, current: str) -> None:
                    if done and self._collector is not None:
                        self._collector.after_file(first=done == 1)
                    self.progress.emit(done, total, current)
                    update = feed.poll()
                    if update is not None:
                        self.partial.emit(*update)

                report = ingest_paths(project, self.paths, progress, self._cancel.is_set)
                try:
                    view = read_view(project)
                except Exception:  # noqa: BLE001 - the window then reads the project itself
                    view = None
            finally:
                project.close()
        except Exception as exc:  # noqa: BLE001 - reported to the user, never lost in a thread
            report.outcomes.append(FileOutcome(str(self.project_path), "refused", f"ingest stopped: {exc}"))
        self.finished.emit(report, view)


class IngestRunner(QObject):
    """Owns one worker thread at a time; queued drops wait for the current one."""

    progress = Signal(int, int, str)
    partial = Signal(object, object)  # Columns, counts
    loaded = Signal(object)  # ProjectView or None, emitted just before finished
    finished = Signal(object)  # IngestReport

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: IngestWorker | None = None
        self._queue: list[tuple[Path, list[str]]] = []
        self._collector = QuietCollector()

    def busy(self) -> bool:
        return self._thread is not None

    def start(self, project_path: Path, paths: list[str]) -> None:
        # The worker is pure Python most of the time; hand the interpreter back to the UI thread
        # every millisecond instead of every 5 so that painting and input never wait long.
        sys.setswitchinterval(0.001)
        if self._thread is not None:
            self._queue.append((project_path, paths))
            return
        self._collector.begin()
        worker = IngestWorker(project_path, paths, self._collector)
        worker.progress.connect(self.progress)
        worker.partial.connect(self.partial)
        self._worker = worker
        self._thread = start_in_thread(worker, self._on_finished)

    def cancel(self) -> None:
        self._queue.clear()
        if self._worker is not None:
            self._worker.cancel()

    def wait(self, ms: int = 30000) -> None:
        if self._thread is not None:
            self._thread.wait(ms)
            if self._thread.isFinished():
                # a window closing waits here and may be gone before the finished signal arrives
                self._collector.end()

    def _on_finished(self, report: IngestReport, view) -> None:
        thread = self._thread
        self._thread, self._worker = None, None
        end_thread(thread)
        self.loaded.emit(view)
        self.finished.emit(report)
        if self._queue:
            self.start(*self._queue.pop(0))
        elif self._thread is None:
            self._collector.end()
