"""Timeline speed: first paint, frame times, memory and PNG export at 10k / 100k / 1M events.

    .venv/bin/python benchmarks/timeline_bench.py --events 1000000

Synthetic projects (bursty in time, 200 actors, 25 issues, mixed precisions, 10 %
spans) are written through the store's own bulk API (viewer.store.columns) and
cached under benchmarks/.cache/. Each run opens the project in a fresh process
state: time from ``Project(path)`` to the first finished paint of a 1920x1080
offscreen TimelineView, then paint times over >= 200 frames at full zoom-out, 1 %
and 0.01 % of the range and along a pan + wheel-zoom sequence (again with the busiest
issue's events highlighted, as when it is selected in its panel), RSS, and PNG
exports of the whole range at 8000x2000 (scale 1 and 2).

Between two timed frames the view gets one idle turn (its zero timer's slice, at most
IDLE_SLICE, timed apart in the "p95 idle ms" column), as the event loop gives it between
two wheel events; ``--no-idle`` leaves labels to each frame's own budget.

Prints a table, then one JSON line (last line) with events, first_paint_s,
p95_frame_ms (worst p95 over zoom levels and the sequence), rss_mb, export_8000_s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache"
START = 1262304000.0  # 2010-01-01
END = 1767225600.0  # 2026-01-01
N_ISSUES, N_ACTORS = 25, 200
OKABE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"]
_VERBS = ["announces", "raises", "cuts", "suspends", "extends", "threatens", "signs", "rejects", "reviews",
          "delays", "confirms", "imposes", "lifts", "proposes", "criticises", "welcomes"]
_OBJECTS = ["tariffs on steel", "export controls", "rare-earth quotas", "chip licences", "soybean purchases",
            "a trade truce", "port fees", "currency talks", "investment screening", "anti-dumping duties",
            "a 90-day pause", "entity-list additions", "shipping rules", "a new agreement", "retaliation"]


def _rss_mb() -> float:
    """Current resident set size (Linux /proc), in MB."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_events(n: int, seed: int = 7) -> dict[str, np.ndarray]:
    """Bursty synthetic timeline: Pareto-sized bursts of days around random centres, plus background."""
    rng = np.random.default_rng(seed)
    n_bg = n // 5
    n_burst = n - n_bg
    n_centres = max(n // 150, 4)
    centres = rng.uniform(START, END, n_centres)
    weights = rng.pareto(1.3, n_centres) + 0.05
    which = rng.choice(n_centres, n_burst, p=weights / weights.sum())
    spread = rng.exponential(4 * 86400, n_centres)[which] + 86400
    t_burst = centres[which] + rng.normal(0, 1, n_burst) * spread
    t = np.concatenate([t_burst, rng.uniform(START, END, n_bg)])
    t = START + np.mod(t - START, END - 86400 * 400 - START)  # wrap, so the edges get no pile-up
    day0 = np.floor(t / 86400) * 86400
    # precisions: 90 % day, spans 10 % (week, month, quarter, year)
    u = rng.random(n)
    prec = np.where(u < 0.9, "day", np.where(u < 0.91, "week", np.where(u < 0.97, "month",
                    np.where(u < 0.98, "quarter", "year"))))
    d = day0.astype("datetime64[s]")
    month = d.astype("datetime64[M]")
    year = d.astype("datetime64[Y]")
    q_month = (month.astype(np.int64) // 3 * 3).astype("datetime64[M]")
    monday = day0 - ((np.floor(day0 / 86400) + 3) % 7) * 86400
    t0 = np.select([prec == "day", prec == "week", prec == "month", prec == "quarter", prec == "year"],
                   [day0, monday, month.astype("datetime64[s]").astype(np.int64).astype(float),
                    q_month.astype("datetime64[s]").astype(np.int64).astype(float),
                    year.astype("datetime64[s]").astype(np.int64).astype(float)])
    t1 = np.select([prec == "day", prec == "week", prec == "month", prec == "quarter", prec == "year"],
                   [day0 + 86400, monday + 7 * 86400,
                    (month + 1).astype("datetime64[s]").astype(np.int64).astype(float),
                    (q_month + 3).astype("datetime64[s]").astype(np.int64).astype(float),
                    (year + 1).astype("datetime64[s]").astype(np.int64).astype(float)])
    # Zipf-like popularity of issues and actors
    iw = 1.0 / np.arange(1, N_ISSUES + 1) ** 0.9
    issue = rng.choice(N_ISSUES, n, p=iw / iw.sum())
    aw = 1.0 / np.arange(1, N_ACTORS + 1) ** 1.0
    n_act = rng.choice([0, 1, 2, 3], n, p=[0.05, 0.45, 0.35, 0.15])
    actors = rng.choice(N_ACTORS, (n, 3), p=aw / aw.sum())
    verb = rng.integers(0, len(_VERBS), n)
    obj = rng.integers(0, len(_OBJECTS), n)
    return {"t0": t0, "t1": t1, "prec": prec, "issue": issue, "n_act": n_act, "actors": actors,
            "verb": verb, "obj": obj}


def build_project(path: Path, n: int) -> None:
    """Write a synthetic project through the store API (bulk path)."""
    from viewer.core.model import Issue
    from viewer.store.columns import BulkEvent, insert_actors_bulk, insert_articles_bulk, insert_events_bulk
    from viewer.store.project import Project

    ev = synthetic_events(n)
    tmp = path.with_suffix(".tmp")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    project = Project(tmp)
    project.sync_issues([Issue(f"issue{i:02d}", f"Issue {i + 1}", OKABE[i % len(OKABE)]) for i in range(N_ISSUES)])
    actor_ids = insert_actors_bulk(project, [(f"Actor {i + 1}", "person") for i in range(N_ACTORS)])
    n_articles = max(n // 10, 1)
    article_ids = insert_articles_bulk(project, (f"Article {i + 1}" for i in range(n_articles)))
    rng = np.random.default_rng(11)
    art = rng.integers(0, n_articles, n)
    issue_ids = [f"issue{i:02d}" for i in range(N_ISSUES)]

    def rows():
        for i in range(n):
            acts = tuple(dict.fromkeys(actor_ids[a] for a in ev["actors"][i, : ev["n_act"][i]]))
            yield BulkEvent(article_ids[art[i]], f"{_OBJECTS[ev['obj'][i]].capitalize()}: ministry "
                            f"{_VERBS[ev['verb'][i]]} measures", float(ev["t0"][i]), float(ev["t1"][i]),
                            str(ev["prec"][i]), issue_ids[ev["issue"][i]], acts)

    insert_events_bulk(project, rows())
    project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    project.close()
    tmp.rename(path)


def project_path(n: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"synthetic-{n}.dateline"
    if not path.exists():
        t = time.perf_counter()
        print(f"building {path.name} ...", file=sys.stderr, flush=True)
        build_project(path, n)
        print(f"  built in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
    # the columnar cache is written on first open (as in the app after an import); do it here so
    # "open -> first paint" measures what every later opening costs
    from viewer.store.columns import load_columns
    from viewer.store.project import Project

    project = Project(path)
    load_columns(project)
    project.close()
    return path


MARKED = "pan + zoom, marked"  # the sequence again with an issue's events highlighted


def machine_check(repeats: int = 15) -> dict[str, float]:
    """How fast this machine runs right now, on work no change to Dateline touches: a pure-Python
    loop (the interpreter) and an 8 MB copy (memory bandwidth), median ms. A shared machine's speed
    drifts by 2x within hours; printed with the frames it says which hour the figures are from."""
    import statistics

    src = np.ones(1 << 21, np.uint32)
    dst = np.empty_like(src)

    def loop() -> None:
        total = 0
        for i in range(100_000):
            total += i

    out = {}
    for name, work in (("py_loop_100k_ms", loop), ("copy_8mb_ms", lambda: np.copyto(dst, src))):
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            work()
            times.append(time.perf_counter() - t)
        out[name] = round(statistics.median(times) * 1000, 3)
    return out


def _stats(times: list[float]) -> tuple[float, float]:
    a = np.array(times) * 1000
    return float(np.median(a)), float(np.percentile(a, 95))


_PARTS = {"density": ["_paint_density"], "span bars": ["_paint_spans"], "marker labels": ["_draw_labels"],
          "markers": ["_blit_sprites"], "axis": ["_paint_axis"],
          "header+overview": ["_paint_header", "_paint_overview"]}


def _ablate(view, seq, n_frames: int) -> dict[str, float]:
    """Mean over the sequence's 48 heaviest frames of each frame's fastest of 5 paints, whole and with
    each part of the painter replaced by a no-op (parts a version lacks are skipped)."""
    import viewer.ui.timeline_paint as tp

    view.fit()
    ranges = []
    for i in range(n_frames):
        seq(i)
        view.render_offscreen(complete=True)
        ranges.append(view.visible_range())
    parts = {"(nothing)": [], **{k: v for k, v in _PARTS.items() if all(hasattr(tp, f) for f in v)}}
    cost = {k: [] for k in parts}
    for v0, v1 in ranges:
        view.set_visible_range(v0, v1)
        t = time.thread_time()
        view.render_offscreen(complete=False)
        cost["(nothing)"].append(time.thread_time() - t)
    heavy = np.argsort(cost["(nothing)"])[-48:]
    best = {k: [] for k in parts}
    for i in heavy.tolist():
        view.set_visible_range(*ranges[i])
        view.render_offscreen(complete=True)
        for k, names in parts.items():
            saved = {f: getattr(tp, f) for f in names}
            for f in names:
                setattr(tp, f, lambda *a, **kw: None)
            times = []
            for _ in range(5):
                t = time.thread_time()
                view.render_offscreen(complete=False)
                times.append(time.thread_time() - t)
            for f, fn in saved.items():
                setattr(tp, f, fn)
            best[k].append(min(times))
    return {k: float(np.mean(v)) * 1000 for k, v in best.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--frames", type=int, default=200)
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--passes", type=int, default=1,
                    help="run every row this many times; also report the p95 of each frame's fastest pass "
                         "(the paint's own cost, less the noise of other jobs on a shared machine)")
    ap.add_argument("--warm", action="store_true",
                    help="render every frame of a row once, completely, before timing it (with room to keep "
                         "every label): all passes then draw the same labels, so two versions compare alike")
    ap.add_argument("--code", type=Path, default=None,
                    help="benchmark the viewer package of another checkout (e.g. an older commit) with this "
                         "same harness and synthetic project")
    ap.add_argument("--ablate", action="store_true",
                    help="after the rows: the pan + wheel-zoom sequence's 48 heaviest frames painted with one "
                         "part switched off at a time (fastest of 5), to show what each part costs")
    ap.add_argument("--no-idle", action="store_true",
                    help="no idle turn between frames (labels then come only from each frame's budget)")
    args = ap.parse_args(argv)
    if args.code is not None:
        sys.path.insert(0, str(args.code.resolve()))
    path = project_path(args.events)

    from PySide6.QtWidgets import QApplication

    from viewer.store.columns import load_timeline
    from viewer.store.project import Project
    from viewer.ui.export import export_png
    from viewer.ui.timeline import TimelineView

    if args.warm:
        import viewer.ui.timeline_paint as timeline_paint

        timeline_paint.LABEL_CACHE_BYTES = 1 << 30  # no label is evicted between the warm-up and the passes
    app = QApplication.instance() or QApplication([])
    machine_before = machine_check()
    rss0 = _rss_mb()
    # -- open -> first paint
    t_open = time.perf_counter()
    project = Project(path)
    data = load_timeline(project, "issue")
    issues = project.issue_legend()  # what the window colours by (without per-issue counts)
    t_loaded = time.perf_counter()
    view = TimelineView()
    view.resize(1920, 1080)
    view.set_issues(issues)
    view.set_data(data)
    view.show()
    view.grab()  # a real, complete paint of the widget into a pixmap
    first_paint = time.perf_counter() - t_open
    load_s = t_loaded - t_open

    lo, hi = data.time_range()
    full = hi - lo
    mid = lo + full * 0.55
    rows: list[tuple[str, float, float]] = []

    cpu_rows: list[tuple[str, float]] = []

    idle_rows: list[tuple[str, float]] = []

    best_rows: dict[str, float] = {}

    def frames(name: str, setup, start=None) -> None:
        # wall time is what a user sees; thread CPU time shows the paint's own cost when other
        # processes compete for the two cores
        passes = []
        if args.warm:
            if start is not None:
                start()
            for i in range(args.frames):
                setup(i)
                view.render_offscreen(complete=True)
        for k in range(max(args.passes, 1)):
            if start is not None:
                start()
            times, cpu, idle = [], [], []
            for i in range(args.frames):
                setup(i)
                t, c = time.perf_counter(), time.thread_time()
                view.render_offscreen(complete=False)  # as on screen: label budget per frame
                times.append(time.perf_counter() - t)
                cpu.append(time.thread_time() - c)
                if not args.no_idle:
                    # one turn of the event loop between frames, as between two wheel events: the view's
                    # zero timer prepares a slice of the labels the frame had no budget for (timed apart)
                    t = time.perf_counter()
                    if view._idle.isActive():
                        view._idle.stop()
                        view._on_idle()
                    idle.append(time.perf_counter() - t)
            passes.append(times)
            if k == 0:  # the first pass is the figure: every frame as a user first sees it
                med, p95 = _stats(times)
                rows.append((name, med, p95))
                cpu_rows.append((name, _stats(cpu)[1]))
                idle_rows.append((name, _stats(idle)[1] if idle else float("nan")))
        if len(passes) > 1:
            best_rows[name] = _stats(list(np.min(np.array(passes), axis=0)))[1]

    view.fit()
    frames("full range", lambda i: view.set_visible_range(*((lo - full * 0.02 + (i % 2) * full * 1e-4),
                                                               hi + full * 0.02)))
    span1 = full * 0.01
    frames("1% of range", lambda i: view.set_visible_range(mid + i * span1 * 0.01, mid + span1 + i * span1 * 0.01))
    span2 = full * 0.0001
    frames("0.01% of range",
           lambda i: view.set_visible_range(mid + i * span2 * 0.01, mid + span2 + i * span2 * 0.01))

    def seq(i: int) -> None:
        # pan right/left and wheel-zoom in then out around a moving anchor, like a user exploring
        phase = i % 100
        v0, v1 = view.visible_range()
        if phase < 40:
            view.zoom(1.15, v0 + (v1 - v0) * 0.6)
        elif phase < 60:
            view.pan(0.05 if (i // 100) % 2 == 0 else -0.05)
        else:
            view.zoom(1 / 1.15, v0 + (v1 - v0) * 0.4)

    frames("pan + wheel-zoom", seq, start=view.fit)
    # the same with a trade issue selected in its panel: the window highlights its events (here the
    # busiest issue's, about a fifth of them), and they stay marked in dense lanes as in sparse ones
    busiest = int(np.bincount(data.issue[data.issue >= 0]).argmax())
    view.set_highlight(data.ids[data.issue == busiest])
    frames(MARKED, seq, start=view.fit)
    view.set_highlight([])
    ablation = _ablate(view, seq, args.frames) if args.ablate else {}
    rss = _rss_mb()
    frame_cpu = {name: cpu for name, cpu in cpu_rows}

    export_s = export2_s = float("nan")
    if not args.no_export:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            export_png(data, issues, Path(tmp) / "a.png", 8000, 2000, scale=1.0)
            export_s = time.perf_counter() - t
            t = time.perf_counter()
            export_png(data, issues, Path(tmp) / "b.png", 8000, 2000, scale=2.0)
            export2_s = time.perf_counter() - t
    rss_after_export = _rss_mb()
    t = time.perf_counter()
    from viewer.store.columns import load_columns

    load_columns(project, use_cache=False)
    rebuild_s = time.perf_counter() - t

    machine_after = machine_check()
    # the issue's figure: the worst p95 of the zoom levels and the pan + zoom sequence (the marked
    # sequence is printed and in "frames", apart)
    p95_worst = max(r[2] for r in rows if r[0] != MARKED)
    print(f"Dateline timeline benchmark: {args.events:,} events, 1920x1080 offscreen, "
          f"{args.frames} frames per row, {time.strftime('%Y-%m-%d')}")
    print(f"{'measure':<28}{'median ms':>12}{'p95 ms':>10}{'p95 cpu ms':>12}{'p95 idle ms':>13}")
    idle_p95 = dict(idle_rows)
    for name, med, p95 in rows:
        print(f"{'paint ' + name:<28}{med:>12.2f}{p95:>10.2f}{frame_cpu[name]:>12.2f}{idle_p95[name]:>13.2f}")
    if best_rows:
        print(f"p95 of each frame's fastest of {args.passes} passes (ms): "
              + ", ".join(f"{name} {v:.2f}" for name, v in best_rows.items()))
    if ablation:
        full_ms = ablation["(nothing)"]
        print(f"48 heaviest pan + zoom frames, {full_ms:.2f} ms; switched off (ms saved): "
              + ", ".join(f"{k} {full_ms - v:.2f}" for k, v in ablation.items() if k != "(nothing)"))
    print(f"{'load columns':<28}{load_s * 1000:>12.0f}")
    print(f"{'open -> first paint':<28}{first_paint * 1000:>12.0f}")
    print(f"{'export 8000x2000 x1 (s)':<28}{export_s:>12.2f}")
    print(f"{'export 8000x2000 x2 (s)':<28}{export2_s:>12.2f}")
    print(f"{'RSS after frames (MB)':<28}{rss:>12.0f}   (before open {rss0:.0f})")
    print(f"{'RSS after exports (MB)':<28}{rss_after_export:>12.0f}")
    print(f"{'columns rebuild, no cache':<28}{rebuild_s * 1000:>12.0f}   (once after a bulk import)")
    print("machine check before / after (median ms): python loop of 100k "
          f"{machine_before['py_loop_100k_ms']:.2f} / {machine_after['py_loop_100k_ms']:.2f}, 8 MB copy "
          f"{machine_before['copy_8mb_ms']:.2f} / {machine_after['copy_8mb_ms']:.2f}")
    print(json.dumps({
        "events": args.events, "first_paint_s": round(first_paint, 3), "p95_frame_ms": round(p95_worst, 2),
        "rss_mb": round(max(rss, rss_after_export), 1), "export_8000_s": round(export_s, 3),
        "export_8000_x2_s": round(export2_s, 3), "load_s": round(load_s, 3),
        "p95_frame_cpu_ms": round(max(v for k, v in frame_cpu.items() if k != MARKED), 2),
        "rebuild_s": round(rebuild_s, 3),
        "frames": {name: {"median_ms": round(m, 2), "p95_ms": round(p, 2)} for name, m, p in rows},
        "machine": {"before": machine_before, "after": machine_after},
        **({"p95_frame_best_of_passes_ms": round(max(best_rows.values()), 2), "passes": args.passes}
           if best_rows else {}),
        **({"ablation_ms": {k: round(v, 2) for k, v in ablation.items()}} if ablation else {}),
    }))
    project.close()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
