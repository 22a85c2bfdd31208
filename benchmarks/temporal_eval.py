"""Score the temporal tagger against gold TimeML with the TempEval-3 entity metrics.

    python benchmarks/temporal_eval.py [GOLD_DIR] [OUT_DIR] [--retag]

GOLD_DIR defaults to ../shared/eval/timeml (TimeBank + AQUAINT). OUT_DIR defaults to
a temporary folder that this script fills with ``convert_dir(GOLD_DIR, OUT_DIR)``; an
OUT_DIR that already holds TimeML files (say from ``python main.py timeml``, or another
tagger) is scored as it is, unless --retag asks to tag the gold texts into it again.

Metrics as in UzZaman et al. (2013), TempEval-3 task A (TIMEX3):
  strict  extent P/R/F1: system and gold spans identical;
  relaxed extent P/R/F1: spans overlap (one-to-one);
  attribute F1 (value, type) = attribute accuracy over the relaxed matches x relaxed F1,
  which is what the TE3 scorer computes (P = correct attribute / |system|,
  R = correct attribute / |gold|).
Spans are compared on the raw TEXT (tags removed, entities decoded), ignoring
surrounding whitespace and trailing punctuation as the TE3 tokenised comparison does.
Prints a per-type breakdown, the worst errors, and a final JSON line with the figures.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from viewer.extract.timeml_io import SUFFIXES, convert_dir, read_timeml  # noqa: E402

_TIMEX_OPEN = re.compile(r"<TIMEX3\b([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    type: str
    value: str


def _trim(raw: str, start: int, end: int) -> tuple[int, int]:
    while start < end and raw[start].isspace():
        start += 1
    while end > start and (raw[end - 1].isspace() or raw[end - 1] in ".,;:"):
        end -= 1
    return start, end


def entities(path: Path) -> tuple[str, list[Entity]]:
    """TIMEX3s inside TEXT, as offsets into the raw TEXT (the DCT t0 is not counted)."""
    doc = read_timeml(path.read_text(encoding="utf-8"))
    src = doc.source
    # Map source positions to raw offsets: raw index of the first raw char at or after pos.
    pos_to_raw: dict[int, int] = {}
    for raw_i, src_i in enumerate(doc.offsets):
        pos_to_raw.setdefault(src_i, raw_i)
    out: list[Entity] = []
    stack: list[tuple[int, dict[str, str]]] = []
    for m in re.finditer(r"<(/?)TIMEX3\b([^>]*)>", src[doc.text_start : doc.text_end]):
        pos = doc.text_start + m.start()
        after = doc.text_start + m.end()
        if not m.group(1):
            stack.append((after, dict(_ATTR.findall(m.group(2)))))
            continue
        if not stack:
            continue
        open_after, attrs = stack.pop()
        start = _raw_at(doc.offsets, open_after)
        end = _raw_at(doc.offsets, pos)
        start, end = _trim(doc.raw, start, end)
        if end > start:
            out.append(Entity(start, end, doc.raw[start:end], attrs.get("type", ""), attrs.get("value", "")))
    return doc.raw, out


def _raw_at(offsets: list[int], pos: int) -> int:
    """Index of the first raw character whose source position is >= pos."""
    lo, hi = 0, len(offsets) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if offsets[mid] < pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _prf(tp: float, n_sys: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_sys if n_sys else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(gold_dir: Path, out_dir: Path) -> dict[str, object]:
    n_gold = n_sys = strict_tp = relaxed_tp = value_ok = type_ok = 0
    per_type: dict[str, Counter[str]] = {}
    errors: list[tuple[str, str, str]] = []
    files = sorted(p for p in gold_dir.rglob("*") if p.name.endswith(SUFFIXES))
    for gold_path in files:
        sys_path = out_dir / gold_path.relative_to(gold_dir)
        _, gold = entities(gold_path)
        if not sys_path.exists():
            n_gold += len(gold)
            continue
        raw, system = entities(sys_path)
        n_gold += len(gold)
        n_sys += len(system)
        used: set[int] = set()
        for g in gold:
            counts = per_type.setdefault(g.type, Counter())
            counts["gold"] += 1
            best, best_overlap = -1, 0
            for j, s in enumerate(system):
                if j in used:
                    continue
                overlap = min(g.end, s.end) - max(g.start, s.start)
                if overlap > best_overlap:
                    best, best_overlap = j, overlap
            if best < 0:
                counts["missed"] += 1
                errors.append(("missed", gold_path.name, f"{g.text!r} {g.type} {g.value}"))
                continue
            used.add(best)
            s = system[best]
            relaxed_tp += 1
            counts["relaxed"] += 1
            if (s.start, s.end) == (g.start, g.end):
                strict_tp += 1
                counts["strict"] += 1
            else:
                errors.append(("extent", gold_path.name, f"gold {g.text!r} system {s.text!r}"))
            if s.value == g.value:
                value_ok += 1
                counts["value"] += 1
            else:
                errors.append(("value", gold_path.name, f"{g.text!r} gold {g.value} system {s.value}"))
            if s.type == g.type:
                type_ok += 1
                counts["type"] += 1
            else:
                errors.append(("type", gold_path.name, f"{g.text!r} gold {g.type} system {s.type}"))
        for j, s in enumerate(system):
            if j not in used:
                per_type.setdefault(s.type, Counter())["spurious"] += 1
                errors.append(("spurious", gold_path.name, f"{s.text!r} {s.type} {s.value}"))
    sp, sr, sf = _prf(strict_tp, n_sys, n_gold)
    rp, rr, rf = _prf(relaxed_tp, n_sys, n_gold)
    value_acc = value_ok / relaxed_tp if relaxed_tp else 0.0
    type_acc = type_ok / relaxed_tp if relaxed_tp else 0.0
    return {
        "files": len(files), "gold": n_gold, "system": n_sys,
        "strict_p": sp, "strict_r": sr, "strict_f1": sf,
        "relaxed_p": rp, "relaxed_r": rr, "relaxed_f1": rf,
        "value_accuracy": value_acc, "value_f1": value_acc * rf,
        "type_accuracy": type_acc, "type_f1": type_acc * rf,
        "per_type": {t: dict(c) for t, c in sorted(per_type.items())},
        "errors": errors,
    }


def main(argv: list[str]) -> int:
    retag = "--retag" in argv
    argv = [a for a in argv if a != "--retag"]
    gold_dir = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "eval" / "timeml"
    if len(argv) > 2:
        out_dir = Path(argv[2])
        if retag or not out_dir.exists() or not any(p.name.endswith(SUFFIXES) for p in out_dir.rglob("*")):
            convert_dir(gold_dir, out_dir)
        else:
            print(f"scoring the files already in {out_dir} (--retag to tag again)")
    else:
        out_dir = Path(tempfile.mkdtemp(prefix="temporal_eval_"))
        convert_dir(gold_dir, out_dir)
    result = evaluate(gold_dir, out_dir)
    errors = result.pop("errors")
    print(f"gold {result['gold']}  system {result['system']}  files {result['files']}")
    for name in ("strict", "relaxed"):
        print(f"{name:8s} P {result[name + '_p']:.3f}  R {result[name + '_r']:.3f}  F1 {result[name + '_f1']:.3f}")
    print(f"value    acc {result['value_accuracy']:.3f}  F1 {result['value_f1']:.3f}")
    print(f"type     acc {result['type_accuracy']:.3f}  F1 {result['type_f1']:.3f}")
    print("per type (gold, missed, relaxed, strict, value, type, spurious):")
    for t, c in result["per_type"].items():  # type: ignore[union-attr]
        print(f"  {t:9s}", {k: c.get(k, 0) for k in ("gold", "missed", "relaxed", "strict", "value", "type",
                                                     "spurious")})
    kinds = Counter(e[0] for e in errors)  # type: ignore[union-attr]
    print("errors by kind:", dict(kinds))
    common = Counter(f"{kind}: {detail}" for kind, _, detail in errors)  # type: ignore[misc]
    print("worst errors (most frequent):")
    for line, n in common.most_common(int(os.environ.get("TEMPORAL_EVAL_SHOW", "40"))):
        print(f"  {n:3d}  {line}")
    print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.items()
                      if k != "per_type"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
