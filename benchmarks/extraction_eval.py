"""Extraction benchmark on the hand-annotated gold set (benchmarks/gold/*.json).

Reads the documents at run time (the sample from resources/samples, TimeML stories
from ../shared/eval/timeml, with their DCT as the publication date), runs
viewer.extract.pipeline.extract and prints:

- event-date recall: gold events whose evidence sentence holds the gold string and
  whose date label (YYYY-MM-DD / YYYY-MM / YYYY / YYYY-Www / YYYY-SU) is the gold date;
- quote recall and speaker accuracy (null gold speaker = no speaker must be given);
- actor precision / recall / F1 (names normalised; a duplicate record of an already
  matched actor is a false positive: the same actor must be one record);
- invented dates: events with a non-explicit date when the article has no date (the
  gold documents are re-run with no publication date);
- throughput of the whole extract() in KB/s on one core;
- the worst misses, then one final JSON line with the figures.

Usage: .venv/bin/python benchmarks/extraction_eval.py [--shared ../shared] [--verbose]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from viewer.core.model import Article, Origin  # noqa: E402
from viewer.extract import temporal  # noqa: E402
from viewer.extract.pipeline import extract, warm_up  # noqa: E402

GOLD = ROOT / "benchmarks" / "gold"

# CPU seconds spent inside the date tagger, to report the split of extract() between
# tag() and the rest (actors, issues, quotes, events); the pipeline calls temporal.tag
_TAG_CPU = [0.0]
_real_tag = temporal.tag


def _timed_tag(*args, **kwargs):  # type: ignore[no-untyped-def]
    c = time.process_time()
    try:
        return _real_tag(*args, **kwargs)
    finally:
        _TAG_CPU[0] += time.process_time() - c


temporal.tag = _timed_tag


def read_timeml(path: Path) -> tuple[str, date]:
    raw = path.read_text(encoding="utf-8")
    dct = re.search(r"<DCT>.*?value=\"(\d{4}-\d{2}-\d{2})", raw, re.S)
    body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
    if not dct or not body:
        raise ValueError(f"{path}: no DCT or TEXT")
    text = html.unescape(re.sub(r"<[^>]+>", "", body.group(1)))
    return text, date.fromisoformat(dct.group(1))


def load_doc(ref: str, shared: Path) -> tuple[str, date | None]:
    kind, _, rel = ref.partition(":")
    if kind == "sample":
        return (ROOT / "resources" / "samples" / rel).read_text(encoding="utf-8"), None
    if kind == "timeml":
        return read_timeml(shared / "eval" / "timeml" / rel)
    if kind == "text":  # our own synthetic articles, stored beside the gold (benchmarks/gold/...)
        return (GOLD / rel).read_text(encoding="utf-8"), None
    raise ValueError(ref)


_SUFFIX = {"jr", "sr", "ii", "iii", "inc", "corp", "co", "cos", "ltd", "sa", "the", "plc", "llc", "us", "u s"}


def norm(name: str) -> list[str]:
    s = name.lower().replace("’", "'").replace("-", " ").replace("&", " and ")
    s = re.sub(r"[^\w' ]", " ", s)
    s = re.sub(r"'s\b", "", s)
    return [t for t in s.split() if t not in _SUFFIX]


def name_match(system: str, gold: str) -> bool:
    a, b = norm(system), norm(gold)
    if not a or not b:
        return False
    if a == b:
        return True
    sa, sb = set(a), set(b)
    return (sa <= sb or sb <= sa) and a[-1] == b[-1]


def text_norm(s: str) -> str:
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", s).strip()


def evaluate(shared: Path, verbose: bool = False, gold_dir: Path = GOLD) -> dict:
    gold_files = sorted(gold_dir.glob("*.json"))
    warm_up()  # one-time loading of all resources, as the app does at start-up
    ev_total = ev_hit = 0
    q_total = q_hit = sp_total = sp_hit = 0
    a_tp = a_fp = a_fn = 0
    sys_events = sys_events_matched = 0
    invented = 0
    misses: list[tuple[str, str, str]] = []
    texts: list[tuple[str, date | None]] = []
    first_cpu = 0.0  # CPU time of each article's first extraction (cold caches included)
    first_tag = 0.0
    for gf in gold_files:
        g = json.loads(gf.read_text(encoding="utf-8"))
        text, dct = load_doc(g["doc"], shared)
        published = date.fromisoformat(g["published"]) if g.get("published") else dct
        texts.append((text, published))
        c_first = time.process_time()
        t_first = _TAG_CPU[0]
        x = extract(Article(text=text, published=published))
        first_cpu += time.process_time() - c_first
        first_tag += _TAG_CPU[0] - t_first
        doc = gf.stem
        # events
        used = set()
        for ge in g["events"]:
            ev_total += 1
            m = text_norm(ge["match"])
            ok = False
            for i, ev in enumerate(x.events):
                if m in text_norm(ev.evidence) and ev.when.label() == ge["date"]:
                    ok = True
                    used.add(i)
                    break
            if ok:
                ev_hit += 1
            else:
                got = [ev.when.label() for ev in x.events if m in text_norm(ev.evidence)]
                misses.append((doc, "event", f"{ge['match']!r} {ge['date']} (got {got or 'no event'})"))
        sys_events += len(x.events)
        sys_events_matched += len(used)
        if verbose:
            for i, ev in enumerate(x.events):
                if i not in used:
                    print(f"  [{doc}] extra event {ev.when.label()} {ev.title!r}")
        # quotes
        for gq in g["quotes"]:
            q_total += 1
            m = text_norm(gq["match"])
            found = next((q for q in x.quotes if m in text_norm(q.text)), None)
            if found is None:
                misses.append((doc, "quote", repr(gq["match"])))
                continue
            q_hit += 1
            sp_total += 1
            gs = gq["speaker"]
            if gs is None:
                ok = found.speaker is None
            else:
                ok = found.speaker is not None and any(name_match(found.speaker, alt) for alt in gs)
            if ok:
                sp_hit += 1
            else:
                misses.append((doc, "speaker", f"{gq['match']!r}: got {found.speaker!r}, want {gs}"))
        # actors
        matched_gold: set[int] = set()
        for a in x.actors:
            names = [a.name, *a.aliases]
            hit = None
            # the canonical name decides first; aliases only when it matches nothing
            for pool in ([a.name], names):
                for gi, alts in enumerate(g["actors"]):
                    if gi not in matched_gold and any(name_match(n, alt) for n in pool for alt in alts):
                        hit = gi
                        break
                if hit is not None:
                    break
            if hit is None:
                for gi, alts in enumerate(g["actors"]):
                    if any(name_match(n, alt) for n in names for alt in alts):
                        hit = gi
                        break
            if hit is None or hit in matched_gold:
                a_fp += 1
                misses.append((doc, "actor FP", f"{a.name} ({a.kind})" + (" duplicate" if hit is not None else "")))
            else:
                matched_gold.add(hit)
                a_tp += 1
        for gi, alts in enumerate(g["actors"]):
            if gi not in matched_gold:
                a_fn += 1
                misses.append((doc, "actor FN", alts[0]))
        # no anchor: no invented date
        y = extract(Article(text=text, published=None))
        for ev in y.events:
            if ev.when.origin != Origin.EXPLICIT:
                invented += 1
                misses.append((doc, "invented", f"{ev.when.label()} {ev.title!r}"))

    # throughput: the whole extract() over every gold text, repeated. CPU time of this
    # process is the figure (one core); wall time is printed too, since the machine
    # may be shared and wall time then measures the neighbours as well.
    total_bytes = sum(len(t.encode("utf-8")) for t, _ in texts)
    reps = 5
    w0, c0 = time.perf_counter(), time.process_time()
    tag0 = _TAG_CPU[0]
    for _ in range(reps):
        for t, p in texts:
            extract(Article(text=t, published=p))
    wall = time.perf_counter() - w0
    cpu = time.process_time() - c0
    tag_cpu = _TAG_CPU[0] - tag0
    kb = total_bytes * reps / 1024
    rest_kbps = kb / (cpu - tag_cpu) if cpu > tag_cpu else 0.0
    tag_kbps = kb / tag_cpu if tag_cpu else 0.0
    first_rest = first_cpu - first_tag
    kbps = total_bytes * reps / 1024 / cpu
    wall_kbps = total_bytes * reps / 1024 / wall
    first_kbps = total_bytes / 1024 / first_cpu if first_cpu else 0.0

    p = a_tp / (a_tp + a_fp) if a_tp + a_fp else 0.0
    r = a_tp / (a_tp + a_fn) if a_tp + a_fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    res = {
        "documents": len(gold_files),
        "event_date_recall": round(ev_hit / ev_total, 3) if ev_total else 0.0,
        "event_precision_vs_gold": round(sys_events_matched / sys_events, 3) if sys_events else 0.0,
        "quote_recall": round(q_hit / q_total, 3) if q_total else 0.0,
        "speaker_accuracy": round(sp_hit / sp_total, 3) if sp_total else 0.0,
        "actor_precision": round(p, 3),
        "actor_recall": round(r, 3),
        "actor_f1": round(f1, 3),
        "invented_dates": invented,
        "throughput_kb_s": round(kbps, 1),
        "throughput_wall_kb_s": round(wall_kbps, 1),
        "throughput_first_pass_kb_s": round(first_kbps, 1),
        "throughput_tag_kb_s": round(tag_kbps, 1),
        "throughput_rest_kb_s": round(rest_kbps, 1),
        "first_pass_tag_share": round(first_tag / first_cpu, 3) if first_cpu else 0.0,
        "counts": {
            "events": ev_total,
            "quotes": q_total,
            "actors_tp": a_tp,
            "actors_fp": a_fp,
            "actors_fn": a_fn,
        },
    }
    print(f"documents            {len(gold_files)}")
    print(f"event-date recall    {res['event_date_recall']:.3f}  ({ev_hit}/{ev_total})")
    print(f"event precision*     {res['event_precision_vs_gold']:.3f}  ({sys_events_matched}/{sys_events}; *vs gold)")
    print(f"quote recall         {res['quote_recall']:.3f}  ({q_hit}/{q_total})")
    print(f"speaker accuracy     {res['speaker_accuracy']:.3f}  ({sp_hit}/{sp_total})")
    print(f"actors P/R/F1        {p:.3f} / {r:.3f} / {f1:.3f}  (tp {a_tp}, fp {a_fp}, fn {a_fn})")
    print(f"invented dates       {invented}")
    print(
        f"throughput           {kbps:.0f} KB/s CPU, one core ({total_bytes / 1024:.1f} KB x {reps} in {cpu:.2f} s);"
        f" wall {wall_kbps:.0f} KB/s; first pass {first_kbps:.0f} KB/s (after warm_up; includes rules compiled lazily)"
    )
    print(
        f"  split (steady)     tag() {tag_kbps:.0f} KB/s = {tag_cpu / cpu:.0%} of CPU; actors+issues+quotes+events"
        f" {rest_kbps:.0f} KB/s"
    )
    print(
        f"  split (first pass) tag() {first_tag:.2f} s = {first_tag / first_cpu if first_cpu else 0:.0%};"
        f" the rest {first_rest:.2f} s ({total_bytes / 1024 / first_rest if first_rest > 0 else 0:.0f} KB/s)"
    )
    order = {"invented": 0, "event": 1, "speaker": 2, "quote": 3, "actor FN": 4, "actor FP": 5}
    print("\nworst misses:")
    limit = None if verbose else 40
    for doc, kind, what in sorted(misses, key=lambda m: order.get(m[1], 9))[:limit]:
        print(f"  [{kind:8}] {doc}: {what}")
    print(json.dumps(res))
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument(
        "--heldout",
        action="store_true",
        help="score benchmarks/gold/heldout/ (annotated after the rules were written, never tuned on)",
    )
    args = ap.parse_args()
    evaluate(Path(args.shared), args.verbose, GOLD / "heldout" if args.heldout else GOLD)


if __name__ == "__main__":
    main()
