"""What cross-article merging costs on import, and how many reports it groups.

Synthetic articles (no real news): each reports K events drawn from a pool of
"happenings" (a day, two actors, an issue, a wording) spread over two years, so a
happening is reported by several articles, each with its own wording variant,
plus unrelated events sharing the days and actors. One happening in five is a
company's closing share price on one of two exchanges (an organization, a venue):
two of those on one day share the exchange and most words, not the company.
Each article goes in through ``Project.add_article`` (one transaction, merging included) into a project file on
disk; the same articles are inserted a second time with merging switched off.

Prints the import time per article with and without merging (ms), the merge share,
and the grouping found against the known happenings: reports merged, pairs of
reports of one happening put in one group (recall) and pairs put in one group that
are different happenings (precision).

Usage: .venv/bin/python benchmarks/merge_bench.py [--articles 2000] [--events 10] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import viewer.store.project as project_module  # noqa: E402
from viewer.core.model import (  # noqa: E402
    Actor,
    Article,
    Event,
    Extraction,
    Issue,
    Origin,
    Precision,
    TimePoint,
)
from viewer.store.project import Project  # noqa: E402

ISSUES = [Issue(f"issue{i}", f"Issue {i}", "#336699") for i in range(12)]
ACTORS = [f"Actor {chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(60)]
VERBS = "sign agree announce raise cut extend suspend impose lift review open close visit meet call".split()
OBJECTS = ("port fees pact|export licences|soybean purchases|steel quotas|chip controls|rare earth permits|"
           "shipping levies|currency band|investment screening|tariff truce|auto parts duties|fishing rights|"
           "patent pool|data rules|grain reserve|solar panel probe").split("|")
PLACES = "Valmo Ostra Kettering Brisa Lund Marrow Tessel Arden".split()
COMPANIES = [f"{w} Corp." for w in "Rivex Korvan Altamir Bexley Cordale Dunmore Elvara Fenwick Galvo Hestia".split()]
EXCHANGES = ["Valmo Stock Exchange", "Ostra Stock Exchange"]
KINDS = {**{c: "company" for c in COMPANIES}, **{x: "organization" for x in EXCHANGES}}


def _happenings(n: int, rng: random.Random) -> list[dict]:
    start = date(2024, 1, 1)
    out = []
    for _ in range(n):
        if rng.random() < 0.2:
            out.append({"day": start + timedelta(days=rng.randrange(730)), "company": rng.choice(COMPANIES),
                        "venue": rng.choice(EXCHANGES), "price": f"{rng.randrange(5, 90)}.{rng.randrange(100):02d}",
                        "issue": None})
            continue
        a, b = rng.sample(ACTORS, 2)
        out.append({"day": start + timedelta(days=rng.randrange(730)), "actors": [a, b],
                    "issue": rng.choice(ISSUES).id, "verb": rng.choice(VERBS), "obj": rng.choice(OBJECTS),
                    "place": rng.choice(PLACES)})
    return out


def _report(h: dict, rng: random.Random) -> tuple[str, str, list[str]]:
    """A title and a sentence for a happening, worded one of several ways."""
    if "company" in h:
        c, v, short = h["company"], h["venue"], h["company"].split()[0]
        title = f"{short} shares close at ${h['price']}"
        sentence = rng.choice([f"In {v} composite trading, {short} shares closed at ${h['price']}",
                               f"{c} shares closed at ${h['price']} in {v} trading"]) + f" on {h['day']:%d %B}."
        return title, sentence, [v, c]
    a, b = h["actors"] if rng.random() < 0.5 else h["actors"][::-1]
    title = f"{a} and {b} {h['verb']} {h['obj']}"
    lead = rng.choice(["", "Officials said ", "On the record, ", "In a statement, "])
    tail = rng.choice(["", f" in {h['place']}", f" after talks in {h['place']}", ", a spokesperson said"])
    sentence = f"{lead}{a} and {b} {h['verb']} the {h['obj']}{tail} on {h['day']:%d %B}."
    actors = [a, b] if rng.random() < 0.8 else [a]
    return title, sentence, actors


def _articles(n_articles: int, per: int, rng: random.Random) -> list[tuple[Article, Extraction, list[int]]]:
    happenings = _happenings(max(1, n_articles * per // 4), rng)
    out = []
    for k in range(n_articles):
        chosen = rng.sample(range(len(happenings)), per)
        text, events = "", []
        for hi in chosen:
            h = happenings[hi]
            title, sentence, actors = _report(h, rng)
            s = len(text)
            text += sentence + " "
            when = TimePoint(h["day"], h["day"], Precision.DAY, Origin.EXPLICIT, h["day"].isoformat())
            d = sentence.index(" on ") + 4
            events.append(Event(title, when, sentence, s, s + len(sentence), actors, [h["issue"]] if h["issue"] else [],
                                f"{h['day']:%d %B}", s + d, s + len(sentence) - 1))
        names = sorted({a for e in events for a in e.actors})
        ex = Extraction(events=events, actors=[Actor(n, KINDS.get(n, "government")) for n in names], issues=ISSUES)
        out.append((Article(text, f"Article {k}", "Bench", published=date(2026, 1, 1)), ex, chosen))
    return out


def _load(articles, path: Path) -> tuple[list[float], Project]:
    p = Project(path)
    p.sync_issues(ISSUES)
    times = []
    for art, ex, _ in articles:
        t = time.perf_counter()
        p.add_article(art, ex)
        times.append(time.perf_counter() - t)
    return times, p


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--events", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    articles = _articles(args.articles, args.events, random.Random(args.seed))
    with tempfile.TemporaryDirectory() as tmp:
        merged_times, p = _load(articles, Path(tmp) / "merged.dateline")
        real = project_module.merge_report
        project_module.merge_report = lambda conn, eid: None
        try:
            plain_times, q = _load(articles, Path(tmp) / "plain.dateline")
        finally:
            project_module.merge_report = real
        q.close()
        # grouping against the known happenings, as pairs of reports
        rows = p.db.conn.execute("select id, coalesce(merged_into, id) from events order by id").fetchall()
        truth = [hi for _, _, chosen in articles for hi in chosen]  # events rows in insertion order
        group = [g for _, g in rows]
        same_truth = same_group = both = 0
        by_truth: dict[int, list[int]] = {}
        for i, hi in enumerate(truth):
            by_truth.setdefault(hi, []).append(i)
        for idx in by_truth.values():
            same_truth += len(idx) * (len(idx) - 1) // 2
            both += sum(1 for x, y in combinations(idx, 2) if group[x] == group[y])
        by_group: dict[int, list[int]] = {}
        for i, g in enumerate(group):
            by_group.setdefault(g, []).append(i)
        for idx in by_group.values():
            same_group += len(idx) * (len(idx) - 1) // 2
        n_events = len(rows)
        leaders = p.counts()["events"]
        p.close()

    def ms(xs: list[float]) -> str:
        xs = sorted(xs)
        return f"median {1000 * statistics.median(xs):.2f} ms, p95 {1000 * xs[int(0.95 * (len(xs) - 1))]:.2f} ms"

    total_m, total_p = sum(merged_times), sum(plain_times)
    print(f"{args.articles} articles x {args.events} events = {n_events} reports")
    print(f"import per article with merging:    {ms(merged_times)}  (total {total_m:.1f} s)")
    print(f"import per article without merging: {ms(plain_times)}  (total {total_p:.1f} s)")
    print(f"merging share of import time: {100 * (total_m - total_p) / total_m:.0f} %")
    print(f"timeline events: {leaders} ({n_events - leaders} reports merged into another)")
    print(f"pairs of reports of one happening grouped: {both}/{same_truth} "
          f"(recall {both / same_truth if same_truth else 1:.3f})")
    print(f"pairs grouped that are one happening: {both}/{same_group} "
          f"(precision {both / same_group if same_group else 1:.3f})")


if __name__ == "__main__":
    main()
