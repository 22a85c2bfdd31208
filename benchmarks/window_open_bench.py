"""Opening a big project in the real window: first paint, panels, timeline, UI-thread stalls, RSS.

    .venv/bin/python benchmarks/window_open_bench.py --events 1000000 [--runs 2] [--first-open OLD.dateline]

The project is the synthetic one of benchmarks/timeline_bench.py (built and cached under
benchmarks/.cache/ by its ``project_path``; its timeline cache is current). Each open runs
in a fresh process, as a user starting Dateline on that project: from ``MainWindow(path)``
(its constructor opens the project) through ``show()`` and the event loop, until the panels
hold every row of the store and the timeline has painted its events. Measured:

- first paint: the window's first paint finished (everything after the constructor);
- panels: when the Actors, Trade issues, Quotes and Articles panels first held as many
  rows as the store has (counted after the run);
- timeline: the first finished paint of the timeline with all its events;
- the longest gap of a 5 ms heartbeat on the UI thread (benchmarks/ui_heartbeat.py), the
  constructor included, with the UI thread's CPU time within that gap, and the longest
  garbage collection (on any thread: it holds the interpreter);
- the longest of those gaps that began once the window had painted ("after paint"): a
  window on screen that does not answer (the constructor's gap is before anything shows);
- RSS at the end.

``--first-open FILE`` first copies FILE (a project written before the latest migrations)
and opens the copy once: that open runs the migrations; the steady-state opens follow on
the same copy; that first open finds the timeline cache stale (the window adds the built-in
trade issues to a project made by the bulk API). Without it, the project is brought to that
state before the opens (``_steady``). Each line says whether the cache was current.

Prints one line per open, then medians, then one JSON line (last line).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TIMEOUT_S = 180.0


def open_once(path: Path) -> dict:
    """Open the real window on ``path`` in this process and measure (see the module's docstring)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from benchmarks.timeline_bench import _rss_mb
    from benchmarks.ui_heartbeat import Heartbeat
    from viewer.store.columns import _state
    from viewer.store.project import MIGRATIONS
    from viewer.ui import main_window
    from viewer.ui.qt_models import IssuesTreeModel, RowTableModel
    from viewer.ui.timeline import TimelineView

    app = QApplication.instance() or QApplication([])
    rss0 = _rss_mb()
    # the cache's state as the window will find it (a read-only look, before the clock starts)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("select s.version = c.version from _timeline_state s, _timeline_columns c "
                           "where c.name = 'columns'").fetchone()
        cache_current = bool(row and row[0])
        migrations = {r[0] for r in conn.execute("select name from _migrations")}
    except sqlite3.Error:
        cache_current, migrations = False, set()
    finally:
        conn.close()
    pending = [name for name, _fn in MIGRATIONS if name not in migrations]

    beat = Heartbeat(5)
    fills: list[tuple[int, str, int]] = []  # (ms, model class, rows) at each set_rows
    shown: list[tuple[int, int]] = []  # (ms, events) at each TimelineView.set_data
    paints: dict[str, int] = {}

    def wrap(cls, name: str, record) -> None:
        original = getattr(cls, name)

        def run(self, *a, **k):
            out = original(self, *a, **k)
            record(self, *a)
            return out

        setattr(cls, name, run)

    wrap(RowTableModel, "set_rows", lambda m, *_: fills.append((beat.elapsed(), type(m).__name__, len(m.rows()))))
    wrap(IssuesTreeModel, "set_rows", lambda m, *_: fills.append((beat.elapsed(), type(m).__name__,
                                                                     len(m.rows()))))
    wrap(TimelineView, "set_data", lambda v, data: shown.append((beat.elapsed(), len(v.data().ids))))

    class Paints(QObject):
        """The end of the window's first paint, and of the timeline's first paint with events:
        a zero timer set at the paint event fires once the whole paint is done."""

        def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget):
                if "window" not in paints and obj.window() is window_ref[0]:
                    paints["window"] = -1
                    QTimer.singleShot(0, lambda: paints.__setitem__("window", beat.elapsed()))
                if "timeline" not in paints and isinstance(obj, TimelineView) and len(obj.data().ids):
                    paints["timeline"] = -1
                    QTimer.singleShot(0, lambda: paints.__setitem__("timeline", beat.elapsed()))
            return False

    window_ref: list = [None]
    watcher = Paints()
    app.installEventFilter(watcher)
    beat.start()
    t_start = time.perf_counter()
    window = main_window.MainWindow(path)
    constructor_ms = (time.perf_counter() - t_start) * 1000
    window_ref[0] = window
    window.resize(1400, 900)
    window.show()
    end = time.perf_counter() + TIMEOUT_S

    def done() -> bool:
        return paints.get("timeline", -1) >= 0 and not window.loading()

    while not done() and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    settle = time.perf_counter() + 0.3
    while time.perf_counter() < settle:
        app.processEvents()
        time.sleep(0.001)
    beat.stop()
    app.removeEventFilter(watcher)
    total_ms = beat.elapsed()
    rss = _rss_mb()
    # what the panels should hold: the store's rows, read now that the clock has stopped
    p = window.project
    want = {"ActorsModel": len(p.actors()), "IssuesTreeModel": len(p.issues()), "QuotesModel": p.counts()["quotes"],
            "ArticlesModel": p.counts()["articles"]}
    events = p.counts()["events"]
    version = _state(p)[0]
    window.close()
    filled_at = {}
    for ms, name, n in fills:
        if name in want and n == want[name] and name not in filled_at:
            filled_at[name] = ms
    panels_ms = max(filled_at.values()) if len(filled_at) == len(want) else None
    full = [ms for ms, n in shown if n == events]
    worst = beat.worst(1)
    shown_at = paints.get("window")
    after_paint = [g for g, end in zip(beat.gaps, beat.gap_ends, strict=True)
                   if shown_at is not None and shown_at >= 0 and end - g >= shown_at]
    return {
        "constructor_ms": round(constructor_ms), "first_paint_ms": paints.get("window"),
        "panels_ms": panels_ms, "timeline_set_ms": full[0] if full else None,
        "timeline_paint_ms": paints.get("timeline"), "longest_stall_ms": beat.longest(),
        "longest_stall_cpu_ms": round(beat.gap_cpu[worst[0]], 1) if worst else None,
        "longest_stall_at_ms": beat.gap_ends[worst[0]] - beat.gaps[worst[0]] if worst else None,
        "stall_after_paint_ms": max(after_paint, default=None),
        "stalls_over_100ms": beat.over(100), "median_tick_ms": beat.median(), "total_ms": total_ms,
        "gc_ms_max": round(max(beat.gc_ms, default=0), 1),
        "gc_ms_max_at": beat.gc_at[beat.gc_ms.index(max(beat.gc_ms))] if beat.gc_ms else None,
        "rss_mb": round(rss), "rss_before_mb": round(rss0), "events": events, "cache_current": cache_current,
        "migrations": pending, "version": version, "rows": want,
    }


def _child(path: Path, work: Path) -> dict:
    """One open in a fresh process (its own interpreter, Qt and page of settings)."""
    env = {**os.environ, "XDG_DATA_HOME": str(work / "data"), "XDG_CONFIG_HOME": str(work / "config"),
           "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, __file__, "--one", str(path)], capture_output=True, text=True, env=env,
                          cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"open of {path} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _steady(path: Path, work: Path) -> None:
    """Open ``path`` as the window will (the built-in trade issues added, which makes the timeline
    cache stale) and bring the cache up to date: what every later opening of it finds."""
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    from viewer.store.columns import load_columns
    from viewer.workflow import open_project

    project = open_project(path)
    try:
        load_columns(project)
    finally:
        project.close()


def _line(label: str, r: dict) -> str:
    def ms(v) -> str:
        return "-" if v is None else f"{v / 1000:.2f}"

    return (f"{label:<14}{ms(r['constructor_ms']):>9}{ms(r['first_paint_ms']):>8}{ms(r['panels_ms']):>8}"
            f"{ms(r['timeline_paint_ms']):>10}{r['longest_stall_ms']:>9}{r['longest_stall_cpu_ms']:>9.0f}"
            f"{'-' if r['stall_after_paint_ms'] is None else r['stall_after_paint_ms']:>13}"
            f"{r['stalls_over_100ms']:>7}{r['rss_mb']:>7}  cache {'current' if r['cache_current'] else 'stale'}"
            + (f", migrations {', '.join(r['migrations'])}" if r["migrations"] else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=2, help="steady-state opens (each in a fresh process)")
    ap.add_argument("--first-open", type=Path, help="an older project file: copy it, open the copy once "
                    "(migrations), then the steady-state opens on the copy")
    ap.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(open_once(args.one)))
        return 0
    from benchmarks.timeline_bench import project_path

    work = Path(tempfile.mkdtemp(prefix="window-open-bench-"))
    try:
        results: list[tuple[str, dict]] = []
        if args.first_open:
            path = work / "project.dateline"
            shutil.copyfile(args.first_open, path)
            results.append(("first open", _child(path, work)))
        else:
            path = project_path(args.events)
            _steady(path, work)
        for n in range(args.runs):
            results.append((f"open {n + 1}", _child(path, work)))
        print(f"Dateline window open: {results[-1][1]['events']:,} events ({path.name}), 1400x900 offscreen, "
              f"{time.strftime('%Y-%m-%d')}; seconds from MainWindow(path)")
        print(f"{'':<14}{'ctor s':>9}{'paint':>8}{'panels':>8}{'timeline':>10}{'stall ms':>9}{'cpu ms':>9}"
              f"{'after paint':>13}{'>100':>7}{'RSS MB':>7}")
        for label, r in results:
            print(_line(label, r))
        steady = [r for label, r in results if label != "first open"]

        def med(key: str):
            vals = [r[key] for r in steady if r[key] is not None]
            return statistics.median(vals) if vals else None

        summary = {k: med(k) for k in ("constructor_ms", "first_paint_ms", "panels_ms", "timeline_paint_ms",
                                       "longest_stall_ms", "longest_stall_cpu_ms", "stall_after_paint_ms",
                                       "rss_mb")}
        print(f"{'median':<14}" + "  ".join(f"{k} {v}" for k, v in summary.items()))
        out = {"events": results[-1][1]["events"], "steady": summary,
               "runs": [{"label": label, **r} for label, r in results]}
        print(json.dumps(out))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
