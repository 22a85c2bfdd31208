"""What a user does to a big open project, in the real window: lanes, filters, quotes searched and sorted.

    .venv/bin/python benchmarks/window_actions_bench.py --events 1000000 [--project FILE] [--runs 2]

Opens ``MainWindow`` on the synthetic project of benchmarks/timeline_bench.py (or on
``--project``), waits until everything is read, then does, one after another: lanes by
actor, by article, by trade issue; a title edited (the window reads the project again);
filters by the busiest trade issue, by the busiest
actor, by a date range at the end of the timeline (its last 60 days), by a year in the
middle and by the whole range (every event passes); lanes by actor and by issue with that
filter on, a title edited with it on (the window reads the project again and filters what it
read), then no filter; then "Search quotes…" typed letter by letter ("t", "ta", "tar") and
cleared; then the quotes sorted by their text and by date; then the busiest trade issue
and the busiest actor selected in their panels (their events highlighted, their quotes
selected). Each action is started from the
event loop, as a click would be, and is done when the window has shown its result (no read,
lane arrangement or filter left) and the timeline has painted after it. Measured per action,
with a 5 ms heartbeat on the UI thread (benchmarks/ui_heartbeat.py): the time until shown, and
the longest time the window could not react (no input, no paint) meanwhile; and the RSS half
a second later (an idle event loop between two clicks) and at the end.

Prints one line per action and run, then one JSON line (last line) with the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TIMEOUT_S = 120.0
IDLE_S = 0.5  # between two actions


def run_actions(path: Path, runs: int) -> dict[str, list[tuple[float, float]]]:
    """Open the window on ``path`` and time every action ``runs`` times: {action: [(shown s, stall ms)]}."""
    from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from benchmarks.timeline_bench import _rss_mb
    from benchmarks.ui_heartbeat import Heartbeat
    from viewer.store.filters import Filter
    from viewer.store.project import seconds_to_date
    from viewer.ui.main_window import MainWindow
    from viewer.ui.undo import EditEventCommand

    app = QApplication.instance() or QApplication([])
    window = MainWindow(path)
    window.resize(1500, 950)
    window.show()
    deadline = time.perf_counter() + TIMEOUT_S
    while window.loading() or not window.actors_model.all_rows():
        app.processEvents()
        time.sleep(0.005)
        if time.perf_counter() > deadline:
            raise SystemExit("the window did not finish reading the project")
    p = window.project
    assert p is not None
    issue = p.db.conn.execute("select issue_id from event_issues group by issue_id order by count(*) desc "
                              "limit 1").fetchone()[0]
    actor = p.db.conn.execute("select actor_id from event_actors group by actor_id order by count(*) desc "
                              "limit 1").fetchone()[0]
    lo, hi = window.timeline.data().time_range()
    last = seconds_to_date(hi)
    middle = seconds_to_date((lo + hi) / 2)

    def lanes(mode: str):
        def act() -> None:
            window.lane_combo.setCurrentIndex(window.lane_combo.findData(mode))

        return act, lambda: window.timeline.data().lane_mode == mode

    def filtered(f: Filter):
        def act() -> None:
            window.filter_bar.filterChanged.emit(f)

        return act, lambda: window.filter_bar.filter() == f

    whole = Filter().with_range(seconds_to_date(lo), last)  # every event passes: the heaviest filter
    eid = int(window.timeline.data().ids[0])

    def edit_title():
        # a title typed in the event's details: one undoable edit, then the window reads the project
        # again (its columns, the panels' rows) and applies the filter of now to them
        titles = iter(range(10**6))

        before = [-1]

        def act() -> None:
            before[0] = window._columns[0] if window._columns else -1
            window.undo_stack.push(EditEventCommand(window.project, eid, title=f"Edited title {next(titles)}"))

        def shown() -> bool:  # the columns of after the edit are drawn
            return window._columns is not None and window._columns[0] != before[0]

        return act, shown

    def select(view, proxy, model, pred):
        # a click on a row of a panel: its events highlighted on the timeline, its quotes selected
        def act() -> None:
            index = proxy.mapFromSource(model.indexes_where(pred)[0])
            view.selectionModel().clearSelection()  # (run 2: the row is still selected from run 1)
            view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                         | QItemSelectionModel.SelectionFlag.Rows)

        return act, lambda: window.timeline.scene.highlight_rows.size > 0

    def search_quotes(text: str):
        def act() -> None:
            window.quotes_model.set_search(text)  # what the "Search quotes…" box does with each letter

        return act, lambda: window.quotes_model._search == text

    def sort_quotes(column: int):
        def act() -> None:
            window.quotes_view.sortByColumn(column, Qt.SortOrder.AscendingOrder)  # a click on its header

        return act, lambda: window.quotes_model.sort_spec() == (column, Qt.SortOrder.AscendingOrder)

    actions = [
        ("lanes by actor", lanes("actor")),
        ("lanes by article", lanes("article")),
        ("lanes by issue", lanes("issue")),
        ("edit a title", edit_title()),
        ("filter: busiest trade issue", filtered(Filter().with_issues(frozenset({issue})))),
        ("filter: busiest actor", filtered(Filter().with_actors({actor}))),
        ("filter: last 60 days", filtered(Filter().with_range(last - timedelta(days=60), last))),
        ("filter: a year in the middle", filtered(Filter().with_range(middle, middle + timedelta(days=365)))),
        ("filter: the whole range", filtered(whole)),
        ("lanes by actor, filtered", lanes("actor")),
        ("lanes by issue, filtered", lanes("issue")),
        ("edit a title, filtered", edit_title()),
        ("filter: none", filtered(Filter())),
        *((f"search quotes: {t!r}", search_quotes(t)) for t in ("t", "ta", "tar", "")),
        ("sort quotes by their text", sort_quotes(0)),
        ("sort quotes by date", sort_quotes(2)),
        ("select the busiest trade issue", select(window.issues_view, window.issues_proxy, window.issues_model,
                                                  lambda i: i.id == issue)),
        ("select the busiest actor", select(window.actors_view, window.actors_proxy, window.actors_model,
                                            lambda a: a.id == actor)),
    ]
    out: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in actions}
    for run in range(runs):
        for name, (act, done) in actions:
            beat = Heartbeat()
            painted: list[float] = []
            original = window.timeline.paintEvent

            def paint(event, original=original, painted=painted):
                original(event)
                painted.append(time.perf_counter())

            window.timeline.paintEvent = paint
            started: list[float] = []
            beat.start()
            QTimer.singleShot(0, lambda act=act, started=started: (started.append(time.perf_counter()), act()))
            deadline = time.perf_counter() + TIMEOUT_S
            shown_at: list[float] = []  # when the window first had the result (the paint follows)
            while not shown_at or not painted or painted[-1] < shown_at[0]:
                app.processEvents()
                time.sleep(0.002)
                if started and not shown_at and not window.loading() and done():
                    shown_at.append(time.perf_counter())
                    window.timeline.update()
                if time.perf_counter() > deadline:
                    raise SystemExit(f"{name}: not shown after {TIMEOUT_S:.0f} s")
            shown = painted[-1] - started[0]
            beat._tick()  # the gap up to now: a stall with no tick after it would be missed
            beat.stop()
            del window.timeline.paintEvent
            stall = beat.longest() or 0.0
            out[name].append((shown, stall))
            # a moment of idle event loop, as between two clicks (the window tidies up in it)
            idle_until = time.perf_counter() + IDLE_S
            while time.perf_counter() < idle_until:
                app.processEvents()
                time.sleep(0.005)
            print(f"run {run + 1}  {name:<30} shown after {shown:6.2f} s, longest stall {stall:5.0f} ms "
                  f"({window.timeline.data().lane_mode} lanes, {window.timeline.scene.lanes.n_events():,} events; "
                  f"RSS {_rss_mb():.0f} MB {IDLE_S} s later)", flush=True)
    print(f"RSS at the end: {_rss_mb():.0f} MB", flush=True)
    window.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--project", type=Path, help="a project file to use instead of the synthetic one")
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args(argv)
    if args.project is not None:
        path = args.project
    else:
        from benchmarks.timeline_bench import project_path

        path = project_path(args.events)
    with tempfile.TemporaryDirectory() as tmp:
        # the bench edits a title: it works on a copy, so the project other benches reuse stays as built
        work = Path(tmp) / path.name
        for suffix in ("", "-wal"):
            if Path(f"{path}{suffix}").exists():
                shutil.copyfile(f"{path}{suffix}", f"{work}{suffix}")
        got = run_actions(work, args.runs)
    print(json.dumps({"project": path.name, "date": date.today().isoformat(), "runs": args.runs, "actions": {
        name: {"shown_s": round(statistics.median(s for s, _ in v), 3),
               "longest_stall_ms": round(statistics.median(g for _, g in v), 1)} for name, v in got.items()}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
