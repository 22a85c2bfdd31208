"""Search latency at 100k events: what the search box costs per keystroke.

Builds (once, cached in benchmarks/.cache/) a project file with N events whose titles
and evidence are synthetic sentences over a Zipf-distributed vocabulary (so short
prefixes match tens of thousands of rows, as real words do), plus quotes and
articles, all inserted through the normal tables so the FTS5 triggers index them.
Then times, per query typed letter by letter:

- ``search(project, q, limit=200)``: the result lists (events, quotes, articles);
- ``matching_event_ids(project, q)``: every matching event (timeline highlight);
- ``filtered_event_ids`` with the text part and an issue part (the composed filter).

Prints median and p95 in milliseconds per query kind and over all keystrokes.

Usage: .venv/bin/python benchmarks/search_bench.py [--events 100000] [--repeat 15] [--rebuild]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from viewer.store.filters import Filter, filtered_event_ids  # noqa: E402
from viewer.store.project import Project, day_seconds  # noqa: E402
from viewer.store.search import matching_event_ids, search  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache"
# a neutral vocabulary: trade words mixed with filler so that frequencies are skewed
WORDS = (
    "the of and to in a on for with by said at from as officials talks trade tariff tariffs export exports "
    "import imports controls chips semiconductor semiconductors soybean soybeans minister ministry commerce "
    "treasury secretary president government agreement truce deal round meeting meetings call statement "
    "announced announces raised raises cut cuts extended extends suspended review reviews investigation "
    "duties duty levy levies steel aluminium rare earths minerals magnets licences licence entity list "
    "companies company firms market markets shipping port fees vessels currency yuan dollar sanctions "
    "negotiators negotiation negotiations delegation delegations framework phase reciprocal retaliatory "
    "measures measure week month quarter year spokesperson briefing readout summit leaders visit beijing "
    "washington geneva london stockholm madrid kuala lumpur tokyo brussels"
).split()
QUERIES = ["tariffs", "export controls", "rare earths magnets", "negotiat", '"trade truce"', "zzqx"]


def _sentence(rng: random.Random, weights: list[float], n: int) -> str:
    return " ".join(rng.choices(WORDS, weights, k=n)).capitalize() + "."


def build(path: Path, n_events: int, seed: int = 7) -> Project:
    rng = random.Random(seed)
    weights = [1.0 / (i + 1) ** 0.9 for i in range(len(WORDS))]
    if path.exists():
        path.unlink()
    p = Project(path)
    conn = p.db.conn
    n_articles = max(1, n_events // 50)
    issues = ["tariffs", "chips", "soybeans", "shipping", "currency", "minerals"]
    t = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("insert into issues (id, label, colour, parent, position) "
                     "values (?, ?, '#888888', null, ?)", [(i, i.title(), n) for n, i in enumerate(issues)])
    conn.executemany(
        "insert into articles (id, title, source, url, published, text, text_hash) "
        "values (?, ?, 'bench', '', '2025-06-01', ?, ?)",
        [(a + 1, _sentence(rng, weights, 8), " ".join(_sentence(rng, weights, 18) for _ in range(25)),
          f"bench-{a}") for a in range(n_articles)])
    base = day_seconds(date(2018, 1, 1))
    rows, links = [], []
    for e in range(1, n_events + 1):
        day = rng.randrange(0, 8 * 365)
        issue = rng.choice(issues)
        rows.append((e, rng.randrange(1, n_articles + 1), _sentence(rng, weights, 7), base + day * 86400,
                     base + (day + 1) * 86400, _sentence(rng, weights, 22), issue))
        links.append((e, issue))
    conn.executemany(
        "insert into events (id, article_id, title, date_value, date_end_value, t0, t1, precision, origin, "
        "evidence, start_offset, end_offset, issue_id, user_edited, verified) "
        "values (?, ?, ?, '', '', ?, ?, 'day', 'explicit', ?, 0, 0, ?, 0, 0)", rows)
    conn.executemany("insert into event_issues (event_id, issue_id) values (?, ?)", links)
    conn.executemany(
        "insert into quotes (article_id, text, start_offset, end_offset, event_id, sentence_start, "
        "sentence_end, user_edited) values (?, ?, 0, 0, ?, 0, 0, 0)",
        [(rng.randrange(1, n_articles + 1), _sentence(rng, weights, 12), rng.randrange(1, n_events + 1))
         for _ in range(n_events // 5)])
    conn.execute("COMMIT")
    print(f"built {n_events} events, {n_articles} articles, {n_events // 5} quotes "
          f"with FTS triggers in {time.perf_counter() - t:.1f} s -> {path}")
    return p


def keystrokes(query: str) -> list[str]:
    """What the box holds after each key: 't', 'ta', … (phrases typed with their quotes)."""
    return [query[:i] for i in range(1, len(query) + 1) if query[:i].strip()]


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=15, help="timings per keystroke")
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"search_{args.events}.dateline"
    if args.rebuild or not path.exists():
        p = build(path, args.events)
    else:
        p = Project(path)
    n = p.db.conn.execute("select count(*) from events").fetchone()[0]
    kinds = {
        "search(limit=200)": lambda q: search(p, q, limit=200),
        "matching_event_ids": lambda q: matching_event_ids(p, q),
        "filter text+issue": lambda q: filtered_event_ids(p, Filter(issue_ids=frozenset({"tariffs"}),
                                                                    text=q)),
    }
    print(f"{n} events; {args.repeat} timings per keystroke; queries typed letter by letter: {QUERIES}")
    print(f"{'kind':22s} {'median ms':>10s} {'p95 ms':>8s} {'max ms':>8s}  worst keystroke (matches)")
    for name, fn in kinds.items():
        times: list[float] = []
        worst = (0.0, "", 0)
        for query in QUERIES:
            for typed in keystrokes(query):
                fn(typed)  # warm the page cache for this term
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    res = fn(typed)
                    dt = (time.perf_counter() - t) * 1000
                    times.append(dt)
                    if dt > worst[0]:
                        size = len(res.event_ids) if hasattr(res, "event_ids") else len(res)
                        worst = (dt, typed, size)
        print(f"{name:22s} {statistics.median(times):10.2f} {pct(times, 0.95):8.2f} {max(times):8.2f}  "
              f"{worst[1]!r} ({worst[2]})")
    p.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
