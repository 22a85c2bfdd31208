"""One way to run a worker object on its own QThread (ingest, re-tagging)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread


def start_in_thread(worker: QObject, on_finished: Callable) -> QThread:
    """Run ``worker.run()`` on a new thread; ``worker.finished`` reaches ``on_finished`` on this thread."""
    thread = QThread()
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(on_finished)
    # Quit the thread's loop from the worker's own thread: a queued quit would need the UI
    # thread, which may be the one blocked in wait() (closing the window during a run).
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.start()
    return thread


def end_thread(thread: QThread | None) -> None:
    """Wait for a finished worker's thread to stop, then let Qt delete it."""
    if thread is not None:
        thread.quit()
        thread.wait()
        thread.deleteLater()
