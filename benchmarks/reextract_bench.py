"""What re-extracting a stored article costs (``Project.replace_extraction`` and ``set_published``).

Re-extraction runs over every article after a taxonomy change (re-tagging in the background),
so its cost per article matters. The articles are variants of the project's sample article
(resources/samples): a numbered header, a rotating choice of its paragraphs and a publication
date that moves by two days per article, so relative dates resolve to different days and only
some reports of one happening meet. Each variant is extracted with the real extractor once
(not timed); what is timed is the store writing it back, one transaction per article, into a
project file on disk:

- ``same``: the extraction it already has (re-tagging with an unchanged taxonomy);
- ``taxonomy``: with one more trade issue whose pattern matches words of most articles;
- ``back``: the first extraction again (the pattern's undo);
- ``date``: a publication date one week later (``set_published``), relative dates re-resolved.

Prints, per pass, the median and p95 wall time per article (ms) and the process CPU time of
the whole pass (s), plus the rows that kept their ids (events, quotes, mentions, actors).

Usage: .venv/bin/python benchmarks/reextract_bench.py [--articles 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from viewer.core.model import Article  # noqa: E402
from viewer.extract.issues import load_taxonomy  # noqa: E402
from viewer.extract.pipeline import extract  # noqa: E402
from viewer.store.project import Project  # noqa: E402

SAMPLE = ROOT / "resources" / "samples" / "us-china-trade-call.txt"


def _articles(n: int, rng: random.Random) -> list[Article]:
    lines = [x for x in SAMPLE.read_text(encoding="utf-8").splitlines() if x.strip()]
    title, body = lines[0], lines[1:]
    out = []
    for k in range(n):
        chosen = [p for p in body if rng.random() < 0.7] or body[:2]
        text = f"{title} (report {k})\n\n" + "\n".join(chosen)
        day = date(2025, 1, 6) + timedelta(days=2 * k)
        out.append(Article(text, f"{title} ({k})", f"Outlet {k % 7}", published=day))
    return out


def _ids(p: Project) -> dict[str, set[int]]:
    return {t: {r[0] for r in p.db.execute(f"select id from {t}")} for t in ("events", "quotes", "mentions", "actors")}


def _pass(name: str, p: Project, work) -> None:
    before = _ids(p)
    times = []
    cpu = time.process_time()
    for fn in work:
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    cpu = time.process_time() - cpu
    after = _ids(p)
    times.sort()
    kept = ", ".join(f"{t} {len(before[t] & after[t])}/{len(after[t])}" for t in before)
    print(f"{name:9s} median {statistics.median(times):6.2f} ms  p95 {times[int(len(times) * 0.95)]:6.2f} ms  "
          f"CPU {cpu:5.2f} s  ids kept: {kept}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    articles = _articles(args.articles, random.Random(args.seed))
    with tempfile.TemporaryDirectory() as tmp:
        extra = Path(tmp) / "extra.json"
        extra.write_text(json.dumps({"_format": "bench", "issues": [
            {"id": "diplomacy", "label": "Diplomacy", "colour": "#44AA99", "parent": None,
             "patterns": ["call", "talks", "diplomacy"]}]}), encoding="utf-8")
        t = time.perf_counter()
        first = [extract(a) for a in articles]
        tagged = [extract(a, [extra]) for a in articles]
        later = []
        for a in articles:
            moved = Article(a.text, a.title, a.source, published=a.published + timedelta(days=7))
            later.append((moved.published, extract(moved)))
        print(f"{len(articles)} articles, {sum(len(e.events) for e in first)} events; "
              f"extraction (not timed) {time.perf_counter() - t:.1f} s")
        p = Project(Path(tmp) / "bench.dateline")
        p.sync_issues(load_taxonomy((str(extra),)))  # the built-in taxonomy and the extra issue
        ids = [p.add_article(a, ex).article_id for a, ex in zip(articles, first, strict=True)]
        for name, exs in (("same", first), ("taxonomy", tagged), ("back", first)):
            _pass(name, p, [lambda i=i, ex=ex: p.replace_extraction(i, ex) for i, ex in zip(ids, exs, strict=True)])
        _pass("date", p, [lambda i=i, d=d, ex=ex: p.set_published(i, d, ex)
                          for i, (d, ex) in zip(ids, later, strict=True)])
        p.close()


if __name__ == "__main__":
    main()
