"""Throughput of the temporal tagger against dateparser on the same texts.

    python benchmarks/temporal_speed.py [GOLD_DIR] [--docs N]

Reads the raw TEXT and DCT of every TimeML document under GOLD_DIR (default
../shared/eval/timeml), then times in CPU seconds of this one process (single core),
``tag(text, dct)`` over all texts (best of 3, after one warm-up pass, so rule
compilation is not counted) and
``dateparser.search.search_dates(text, languages=['en'], settings={'RELATIVE_BASE': dct})``
over the same texts (its fastest fair setting: language fixed, no detection).
dateparser is a benchmark-only extra (pip install dateparser). Prints characters per
second of each, the ratio, and a final JSON line.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from viewer.extract.temporal import tag  # noqa: E402
from viewer.extract.timeml_io import SUFFIXES, read_timeml  # noqa: E402


def load_texts(gold_dir: Path, limit: int | None) -> list[tuple[str, dt.date | None]]:
    docs = []
    for path in sorted(gold_dir.rglob("*")):
        if path.name.endswith(SUFFIXES):
            doc = read_timeml(path.read_text(encoding="utf-8"))
            docs.append((doc.raw, doc.dct))
    return docs[:limit] if limit else docs


# CPU time of this process (one core): wall-clock time on a shared machine also counts
# the time other processes hold the core.
CLOCK = time.process_time


def time_tagger(docs: list[tuple[str, dt.date | None]], repeat: int = 3) -> float:
    for text, dct in docs:  # warm-up: compile rules and per-word matchers
        tag(text, dct)
    best = float("inf")
    for _ in range(repeat):
        start = CLOCK()
        for text, dct in docs:
            tag(text, dct)
        best = min(best, CLOCK() - start)
    return best


def time_dateparser(docs: list[tuple[str, dt.date | None]]) -> float | None:
    try:
        from dateparser.search import search_dates
    except ImportError:
        return None
    search_dates("warm up on 12 May 2025", languages=["en"])
    start = CLOCK()
    for text, dct in docs:
        base = dt.datetime.combine(dct, dt.time()) if dct else dt.datetime(2000, 1, 1)
        search_dates(text, languages=["en"], settings={"RELATIVE_BASE": base})
    return CLOCK() - start


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    limit = None
    if "--docs" in argv:
        limit = int(argv[argv.index("--docs") + 1])
        args = [a for a in args if a != str(limit)]
    gold_dir = Path(args[0]) if args else ROOT.parent / "shared" / "eval" / "timeml"
    docs = load_texts(gold_dir, limit)
    chars = sum(len(text) for text, _ in docs)
    ours = time_tagger(docs)
    theirs = time_dateparser(docs)
    ours_cps = chars / ours
    print(f"{len(docs)} documents, {chars} characters")
    print(f"tag()          {ours:8.3f} s  {ours_cps / 1e6:7.3f} M chars/s")
    result: dict[str, object] = {"docs": len(docs), "chars": chars, "tag_seconds": round(ours, 4),
                                 "tag_chars_per_s": round(ours_cps)}
    if theirs is None:
        print("dateparser not installed (pip install dateparser): no comparison")
    else:
        theirs_cps = chars / theirs
        print(f"search_dates() {theirs:8.3f} s  {theirs_cps / 1e6:7.3f} M chars/s")
        print(f"ratio          {ours_cps / theirs_cps:8.1f} x")
        result.update({"dateparser_seconds": round(theirs, 4), "dateparser_chars_per_s": round(theirs_cps),
                       "ratio": round(ours_cps / theirs_cps, 2)})
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
