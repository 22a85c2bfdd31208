"""What migration 005 (AUTOINCREMENT ids, viewer/store/workflow_schema.py) costs on a big project.

Builds (once, cached in benchmarks/.cache/) a project file as Dateline made it before 005, with
N events and, in proportion, articles (with text), quotes, mentions, actors and links, every
search index and the timeline cache's triggers. Then, ``--repeat`` times, copies it and opens
the copy (which runs the migration), printing the wall and CPU time of the open and of the same
open on an already migrated file (the part that is not the migration), median and max.

Usage: .venv/bin/python benchmarks/migration_bench.py [--events 100000] [--repeat 3] [--rebuild]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from viewer.store import project as project_mod  # noqa: E402
from viewer.store.columns import load_columns  # noqa: E402
from viewer.store.project import Project, day_seconds  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache"
WORDS = ("the of and to in a on for with said officials talks trade tariff export controls chips soybean "
         "minister commerce treasury agreement truce deal meeting statement announced raised extended "
         "review duties steel licences market port fees currency sanctions negotiators framework").split()
MIGRATION = "005_stable_ids"


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(WORDS, k=n)).capitalize() + "."


def build(path: Path, n_events: int, seed: int = 11) -> None:
    """A project file made by the migrations before 005, filled through plain SQL."""
    rng = random.Random(seed)
    if path.exists():
        path.unlink()
    saved = project_mod.MIGRATIONS
    project_mod.MIGRATIONS = [m for m in saved if m[0] < MIGRATION]
    try:
        p = Project(path)
    finally:
        project_mod.MIGRATIONS = saved
    load_columns(p)  # the timeline cache's triggers, as a project shown once has them
    conn = p.db.conn
    n_articles, n_actors = max(1, n_events // 50), max(1, n_events // 100)
    issues = ["tariffs", "chips", "soybeans", "shipping", "currency", "minerals"]
    base = day_seconds(date(2018, 1, 1))
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("insert into issues (id, label, colour, parent, position) values (?, ?, '#888888', null, ?)",
                     [(i, i.title(), n) for n, i in enumerate(issues)])
    conn.executemany("insert into articles (id, title, source, url, published, text, text_hash) "
                     "values (?, ?, 'bench', '', '2025-06-01', ?, ?)",
                     [(a, _sentence(rng, 8), " ".join(_sentence(rng, 18) for _ in range(25)), f"h{a}")
                      for a in range(1, n_articles + 1)])
    conn.executemany("insert into actors (id, name, kind, country, role) values (?, ?, 'person', 'US', '')",
                     [(a, f"Actor {a}") for a in range(1, n_actors + 1)])
    conn.executemany("insert into actor_aliases (actor_id, alias) values (?, ?)",
                     [(a, f"A. {a}") for a in range(1, n_actors + 1)])
    events, links, tags, mentions, quotes = [], set(), [], [], []
    for e in range(1, n_events + 1):
        day, art = rng.randrange(0, 8 * 365), rng.randrange(1, n_articles + 1)
        issue = rng.choice(issues)
        events.append((e, art, _sentence(rng, 7), f"d{day}", base + day * 86400, base + (day + 1) * 86400,
                       _sentence(rng, 22), 0, 140, issue))
        tags.append((e, issue))
        for a in rng.sample(range(1, n_actors + 1), 2):
            links.add((e, a))
            mentions.append((art, a, rng.randrange(0, 3000), f"Actor {a}"))
        if e % 3 == 0:
            quotes.append((art, _sentence(rng, 10), rng.randrange(1, n_actors + 1), e))
    conn.executemany("insert into events (id, article_id, title, date_value, t0, t1, evidence, start_offset, "
                     "end_offset, issue_id, precision, origin) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'day', "
                     "'relative')", events)
    conn.executemany("insert into event_actors (event_id, actor_id) values (?, ?)", sorted(links))
    conn.executemany("insert into event_issues (event_id, issue_id) values (?, ?)", tags)
    conn.executemany("insert into mentions (article_id, actor_id, start_offset, end_offset, text) "
                     "values (?, ?, ?, ? + 8, ?)", [(a, b, s, s, t) for a, b, s, t in mentions])
    conn.executemany("insert into quotes (article_id, text, start_offset, end_offset, speaker_id, event_id) "
                     "values (?, ?, 0, 10, ?, ?)", quotes)
    conn.execute("COMMIT")
    load_columns(p)
    p.checkpoint()
    p.close()


def _open(path: Path) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    p = Project(path)
    took = time.perf_counter() - wall, time.process_time() - cpu
    p.close()
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    old = CACHE / f"before-005-{args.events}.dateline"
    if args.rebuild or not old.exists():
        t = time.perf_counter()
        build(old, args.events)
        print(f"built {old.name} in {time.perf_counter() - t:.1f} s")
    work = CACHE / "migrating.dateline"
    migrating, migrated = [], []
    for _ in range(args.repeat):
        for f in (work, work.with_name(work.name + "-wal"), work.with_name(work.name + "-shm")):
            f.unlink(missing_ok=True)
        shutil.copy(old, work)
        migrating.append(_open(work))
        migrated.append(_open(work))
    conn = sqlite3.connect(work)
    counts = {t: conn.execute(f"select count(*) from {t}").fetchone()[0]
              for t in ("articles", "events", "event_actors", "quotes", "mentions", "actors")}
    conn.close()
    # the rebuilt tables' old pages stay in the file as free pages, reused by later writes
    size, after = old.stat().st_size / 2**20, work.stat().st_size / 2**20
    print(f"project: {size:.0f} MiB ({after:.0f} MiB migrated), " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    for label, runs in (("open + migration 005", migrating), ("open, already migrated", migrated)):
        walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
        print(f"{label:24s} wall median {statistics.median(walls):6.2f} s  max {max(walls):6.2f} s   "
              f"cpu median {statistics.median(cpus):6.2f} s  max {max(cpus):6.2f} s")
    work.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
