"""A heartbeat on the UI thread: how long the window could not react, for the benchmarks.

A QTimer ticks every few milliseconds on the UI thread; the gap between two ticks is a
time the event loop could not run (no input, no paint). On a shared machine a gap also
counts the time the process waited for a core (or the UI thread for the interpreter lock),
so the UI thread's own CPU time within each gap is kept beside it: the work the window did,
whatever the machine's load. Work done before the first tick (a window's constructor) is
part of the first gap: ``start()`` before it begins. A collection of the cyclic garbage
collector holds the interpreter on whichever thread runs it: each one is timed too (``gc_ms``).
"""

from __future__ import annotations

import gc
import statistics
import time

from PySide6.QtCore import QElapsedTimer, QTimer


class Heartbeat:
    """``start()``, run the event loop, ``stop()``; then ``gaps`` (ms), ``gap_cpu`` (ms) and
    ``gap_ends`` (ms since start) describe every interval between two ticks; ``gc_ms`` (ms) and
    ``gc_at`` (ms since start) every garbage collection meanwhile, on any thread."""

    def __init__(self, interval_ms: int = 5) -> None:
        self.gaps: list[float] = []
        self.gap_cpu: list[float] = []
        self.gap_ends: list[int] = []
        self.clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0
        self._last_cpu = 0.0
        self.gc_ms: list[float] = []
        self.gc_at: list[int] = []
        self._gc_start = 0.0

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            self.gc_ms.append((time.perf_counter() - self._gc_start) * 1000)
            self.gc_at.append(self.clock.elapsed())

    def start(self) -> None:
        self.clock.start()
        self._last, self._last_cpu = 0, time.thread_time()
        gc.callbacks.append(self._on_gc)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)

    def elapsed(self) -> int:
        """Milliseconds since ``start()``."""
        return self.clock.elapsed()

    def _tick(self) -> None:
        now, cpu = self.clock.elapsed(), time.thread_time()
        self.gaps.append(now - self._last)
        self.gap_cpu.append((cpu - self._last_cpu) * 1000)
        self.gap_ends.append(now)
        self._last, self._last_cpu = now, cpu

    def longest(self) -> float | None:
        return max(self.gaps) if self.gaps else None

    def longest_cpu(self) -> float | None:
        return round(max(self.gap_cpu), 1) if self.gap_cpu else None

    def over(self, ms: float, cpu: bool = False) -> int:
        """How many gaps (or gaps' UI-thread CPU times) were longer than ``ms``."""
        return sum(1 for g in (self.gap_cpu if cpu else self.gaps) if g > ms)

    def median(self) -> float | None:
        return statistics.median(self.gaps) if self.gaps else None

    def worst(self, n: int) -> list[int]:
        """The indices of the ``n`` longest gaps, longest first."""
        return sorted(range(len(self.gaps)), key=lambda i: -self.gaps[i])[:n]
