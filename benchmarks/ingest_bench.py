"""Ingest speed and window responsiveness, on 1,000 generated articles of mixed formats.

The articles are written here from templates (a trade dispute's ministries, envoys,
tariffs, export controls, dates and quotes, recombined per article); nothing is
copied from real news. Each is saved as .txt (header block), .md (front matter),
.html (a saved page with navigation, metadata and footer), .pdf (wrapped lines with
a running head), .docx or .eml (a newsletter), in turn.

Two measurements, each into a fresh project:

1. the command-line path: ``python main.py ingest --project P FOLDER`` in a
   subprocess, files per second over the whole run (start-up included);
2. the window: ``MainWindow.ingest(folder)`` offscreen, while a 5 ms QTimer on the
   UI thread records the gaps between its ticks. The longest gap is the longest
   time the window could not react (target: none over 50 ms). The slowest UI-thread
   calls (refresh, progress handler, the timeline update during the ingest) are timed
   too, to name the cause of a stall. On a shared machine a gap also counts the time
   the process waited for a core (or the UI thread for the interpreter lock), so the
   UI thread's own CPU time within each gap is reported beside it: the work the
   window did, whatever the machine's load.

Ends with one JSON line of the figures.

Usage: .venv/bin/python benchmarks/ingest_bench.py [--files 1000] [--skip-cli] [--skip-gui] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FORMATS = ("txt", "md", "html", "pdf", "docx", "eml")

# --- the vocabulary of the generated stories ---------------------------------------------
OUTLETS = ["Harbor Street Journal", "The Meridian Post", "Pacific Ledger", "Global Trade Wire",
           "The Capital Observer", "Northern Business Daily"]
CITIES = [("WASHINGTON", "US"), ("BEIJING", "CN"), ("GENEVA", "CH"), ("SHANGHAI", "CN"),
          ("NEW YORK", "US"), ("BRUSSELS", "EU"), ("TOKYO", "JP")]
US_PEOPLE = [("Treasury Secretary", "Daniel Whitford"), ("Commerce Secretary", "Laura Benning"),
             ("U.S. Trade Representative", "Marcus Ellery"), ("White House spokesperson", "Karen Dole")]
CN_PEOPLE = [("Vice Premier", "Zhou Minghai"), ("Commerce Minister", "Li Qingshan"),
             ("foreign ministry spokesperson", "Chen Yiwen"), ("trade negotiator", "Wang Deli")]
BODIES = ["the Commerce Ministry", "the U.S. Trade Representative's office", "the Treasury Department",
          "China's customs administration", "the European Commission", "the World Trade Organization"]
GOODS = ["semiconductors", "rare earth magnets", "soybeans", "electric vehicles", "steel", "solar panels",
         "pharmaceutical ingredients", "lithium batteries", "machine tools", "pork"]
ACTIONS = ["raise tariffs on", "impose export controls on", "lift restrictions on", "open an investigation into",
           "suspend purchases of", "extend exemptions for", "cap imports of"]
ADJ = ["frank and constructive", "a step in the right direction", "deeply disappointing", "premature",
       "unacceptable", "encouraging", "a good start", "not the end of the matter"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _date_phrase(rng: random.Random, published: date) -> str:
    """A date as reporters write it, relative or absolute, before the publication day."""
    back = published - timedelta(days=rng.randint(1, 40))
    return rng.choice([
        f"on {WEEKDAYS[rng.randrange(5)]}",
        f"on {back:%B} {back.day}",
        f"in {back:%B}",
        f"last {WEEKDAYS[rng.randrange(5)]}",
        f"on {back:%B} {back.day}, {back.year}",
        "earlier this month",
    ])


def make_story(n: int, seed: int = 20250605) -> dict:
    """One article: title, outlet, URL, publication date, dateline and paragraphs (unique per ``n``)."""
    rng = random.Random(seed * 100_003 + n)
    published = date(2024, 1, 1) + timedelta(days=rng.randrange(600))
    city, _ = rng.choice(CITIES)
    us_title, us_name = rng.choice(US_PEOPLE)
    cn_title, cn_name = rng.choice(CN_PEOPLE)
    good, good2 = rng.sample(GOODS, 2)
    action = rng.choice(ACTIONS)
    pct = rng.choice([10, 15, 20, 25, 34, 50, 100])
    body = rng.choice(BODIES)
    subject = rng.choice(["U.S.", "China", "Beijing", "Washington"])
    state = rng.choice(["stall", "resume", "drag on", "near a deadline"])
    title = f"{subject} moves to {action} {good} as talks {state}"
    effective = rng.choice(["in 30 days", "next month", "at the start of the next quarter",
                            f"on {published + timedelta(days=rng.randint(5, 60)):%B %d}"])
    response = rng.choice(["reserved the right to respond", "hoped the United States would reconsider",
                           "would file a complaint with the WTO"])
    verdict = rng.choice(["largely symbolic", "the most significant in years", "likely to be negotiated away",
                          "aimed at domestic audiences"])
    watched = rng.choice(["Beijing", "Washington", "Brussels"])
    when_next = rng.choice(["this week", "in the coming days", "before the summit", "by the end of the month"])
    earlier = published - timedelta(days=rng.randint(30, 90))
    venue = rng.choice(["Geneva", "London", "Stockholm", "Beijing"])
    paras = [
        f"{city}, {published:%B} {published.day} — {us_title} {us_name} said {_date_phrase(rng, published)} "
        f"that Washington would {action} {good} from China, raising the stakes before the next round of talks.",
        f"The announcement followed a meeting with {cn_title} {cn_name} {_date_phrase(rng, published)}, "
        f"which officials on both sides described as “{rng.choice(ADJ)}”.",
        f"{body[0].upper() + body[1:]} said in a statement that duties of {pct}% on {good2} "
        f"would take effect {effective}.",
        f"“We will take every measure necessary to protect our industry,” {cn_name} told reporters, "
        f"adding that Beijing {response}.",
        f"Exporters of {good2} have warned that another escalation would disrupt supply chains; shipments "
        f"fell {rng.randint(3, 40)} percent in {earlier:%B} from a year earlier, according to customs data.",
        f"Analysts said the measures were {verdict}, and that markets would watch for a response from "
        f"{watched} {when_next}.",
        f"{us_name} is expected to travel to {venue} {_date_phrase(rng, published + timedelta(days=45))} "
        f"for a further round of negotiations, a person familiar with the plans said. (Story {n})",
    ]
    middle = paras[2:6]
    rng.shuffle(middle)
    paras[2:6] = middle
    outlet = rng.choice(OUTLETS)
    slug = "-".join(title.lower().replace(".", "").replace(",", "").split()[:8])
    url = f"https://www.{outlet.lower().replace(' ', '')}.example/{published:%Y/%m/%d}/{slug}-{n}"
    author = f"{rng.choice(['Ana', 'Tom', 'Mei', 'Raj', 'Sara'])} {rng.choice(['Quill', 'Marsh', 'Fenn', 'Lowe'])}"
    return {"n": n, "title": title, "outlet": outlet, "url": url, "published": published,
            "author": author, "paragraphs": paras}


def _wrap(text: str, width: int = 86) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        lines.append(cur)
    return lines


def render(story: dict, fmt: str) -> bytes:
    """The story saved as a user would have it in format ``fmt``."""
    from tests.ingest_corpus import make_docx, make_pdf

    t, paras, pub = story["title"], story["paragraphs"], story["published"]
    if fmt == "txt":
        return (f"Title: {t}\nSource: {story['outlet']}\nURL: {story['url']}\nPublished: {pub.isoformat()}\n\n"
                + "\n\n".join(paras) + "\n").encode("utf-8")
    if fmt == "md":
        return (f"---\ntitle: \"{t}\"\ndate: {pub.isoformat()}\nsource: {story['outlet']}\n---\n\n# {t}\n\n"
                + "\n\n".join(paras) + "\n").encode("utf-8")
    if fmt == "html":
        body = "".join(f"<p>{p}</p>" for p in paras)
        return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{t} | {story['outlet']}</title>
<meta property="og:title" content="{t}"><meta property="og:site_name" content="{story['outlet']}">
<meta property="article:published_time" content="{pub.isoformat()}T07:30:00Z">
<meta name="author" content="{story['author']}"><link rel="canonical" href="{story['url']}">
<script>window.analytics = {{}};</script></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/markets">Markets</a></nav>
<main><article><h1>{t}</h1><p class="byline">By {story['author']}</p>{body}</article></main>
<aside><h2>Most read</h2><ul><li><a href="/a">Markets slip on rate fears</a></li></ul></aside>
<footer>Sign up for our newsletter. &copy; {pub.year} {story['outlet']}</footer></body></html>""".encode()
    if fmt == "pdf":
        lines = [t, f"{pub:%B} {pub.day}, {pub.year}", "", *[ln for p in paras for ln in (*_wrap(p), "")], story["url"]]
        head = f"{story['outlet']} - Trade"
        pages = [[head, *lines[i:i + 40]] for i in range(0, len(lines), 40)]
        return make_pdf(pages, title=t)
    if fmt == "docx":
        return make_docx(t, [f"{pub:%B} {pub.day}, {pub.year}", *paras])
    if fmt == "eml":
        msg = EmailMessage()
        msg["From"] = f"{story['outlet']} Briefing <briefing@{story['outlet'].lower().replace(' ', '')}.example>"
        msg["To"] = "reader@example.com"
        msg["Subject"] = t
        msg["Date"] = format_datetime(datetime(pub.year, pub.month, pub.day, 6, 45))
        msg.set_content("View this email in your browser\n\n" + t + "\n\n" + "\n\n".join(paras)
                        + "\n\nUnsubscribe | Manage preferences\n")
        return bytes(msg)
    raise ValueError(fmt)


def write_articles(folder: Path, count: int, formats: tuple[str, ...] = FORMATS,
                   seed: int = 20250605) -> list[Path]:
    """Write ``count`` distinct articles into ``folder`` (formats in turn); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n in range(count):
        fmt = formats[n % len(formats)]
        p = folder / f"story {n:04d}.{fmt}"
        p.write_bytes(render(make_story(n, seed), fmt))
        out.append(p)
    return out


# --- measurements -------------------------------------------------------------------------

def bench_cli(folder: Path, work: Path) -> dict:
    project = work / "cli.dateline"
    t0 = time.perf_counter()
    cmd = [sys.executable, str(ROOT / "main.py"), "ingest", "--project", str(project), str(folder)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "XDG_DATA_HOME": str(work)})
    dt = time.perf_counter() - t0
    lines = proc.stdout.splitlines()
    imported = sum(1 for ln in lines if ln.startswith("imported"))
    refused = [ln for ln in lines if ln.startswith("refused")]
    return {"seconds": round(dt, 2), "files": len(list(folder.iterdir())), "imported": imported,
            "refused": len(refused), "refused_examples": refused[:3], "exit": proc.returncode,
            "files_per_second": round(len(list(folder.iterdir())) / dt, 1)}


def bench_gui(folder: Path, work: Path, cold: bool = False) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["XDG_DATA_HOME"] = str(work)
    os.environ.setdefault("XDG_CONFIG_HOME", str(work / "config"))
    from PySide6.QtWidgets import QApplication

    from benchmarks.ui_heartbeat import Heartbeat
    from viewer.ui.main_window import MainWindow, start_warm_up

    app = QApplication.instance() or QApplication([])
    window = MainWindow(work / "gui.dateline")
    window.show()
    app.processEvents()
    if not cold:
        # as in the app: the window warms the rules and readers up while it waits for a drop
        t = time.perf_counter()
        start_warm_up().join()
        print(f"     warm-up before the drop: {time.perf_counter() - t:.1f} s (--cold skips it)")

    # Wrap the UI-thread handlers to name what a stall was spent on.
    spent: dict[str, list[float]] = {"refresh": [], "progress": [], "update": []}

    def timed(key: str, fn, before=None):
        def run(*a, **k):
            if before is not None:
                before(*a)
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[key].append((time.perf_counter() - t) * 1000)
        return run

    timed_progress = timed("progress", window._on_ingest_progress,
                           lambda *a: ticks_at.append((clock.elapsed(), a[2] if len(a) > 2 else "")))
    window.refresh = timed("refresh", window.refresh)
    window._refresh_during_ingest = timed("update", window._refresh_during_ingest)
    window.runner.progress.disconnect(window._on_ingest_progress)
    window.runner.progress.connect(timed_progress)

    beat = Heartbeat(5)
    clock = beat.clock
    ticks_at: list[tuple[int, str]] = []  # (ms, file the worker was starting)
    reports: list = []
    window.runner.finished.connect(reports.append)
    beat.start()
    t0 = time.perf_counter()
    window.ingest([str(folder)])
    while not reports:
        app.processEvents()
        time.sleep(0.001)  # the event loop's own pacing, as QApplication.exec would idle
    dt = time.perf_counter() - t0
    # the end-of-ingest refresh runs inside the finished handler: let the ticker see it
    end = time.perf_counter() + 0.3
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    beat.stop()
    gc_ms = beat.gc_ms
    report = reports[0]
    window.close()
    gaps, gap_cpu, gap_ends = beat.gaps, beat.gap_cpu, beat.gap_ends
    # name the files the worker was on during the worst stalls (the progress tick before the stall began)
    worst = beat.worst(5)
    busiest = [i for i in sorted(range(len(gaps)), key=lambda i: -gap_cpu[i])[:3] if i not in worst]
    stall_files = []
    for i in worst + busiest:
        began = gap_ends[i] - gaps[i]
        before = [f for t, f in ticks_at if t <= began]
        stall_files.append({"ms": gaps[i], "cpu_ms": round(gap_cpu[i], 1), "at_ms": began,
                            "file": Path(before[-1]).name if before and before[-1]
                            else "(end of ingest: final refresh)"})
    return {
        "seconds": round(dt, 2), "files_per_second": round(report.count("imported") / dt, 1),
        "imported": report.count("imported"), "refused": report.count("refused"),
        "longest_stall_ms": beat.longest(),
        "stalls_over_50ms": beat.over(50), "ticks": len(gaps),
        "longest_stall_cpu_ms": beat.longest_cpu(),
        "stalls_over_50ms_cpu": beat.over(50, cpu=True),
        "median_tick_ms": beat.median(),
        "refresh_calls": len(spent["refresh"]),
        "refresh_ms_max": round(max(spent["refresh"], default=0), 1),
        "refresh_ms_median": round(statistics.median(spent["refresh"]) if spent["refresh"] else 0, 1),
        "update_calls": len(spent["update"]),
        "update_ms_max": round(max(spent["update"], default=0), 1),
        "update_ms_median": round(statistics.median(spent["update"]) if spent["update"] else 0, 1),
        "gc_collections": len(gc_ms), "gc_ms_max": round(max(gc_ms, default=0), 1),
        "gc_over_20ms": sum(1 for g in gc_ms if g > 20),
        "progress_calls": len(spent["progress"]),
        "progress_ms_max": round(max(spent["progress"], default=0), 1),
        "worst_stalls": stall_files,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--skip-cli", action="store_true")
    ap.add_argument("--skip-gui", action="store_true")
    ap.add_argument("--keep", help="write the articles and projects here and keep them")
    ap.add_argument("--cold", action="store_true", help="drop at once, before the window's warm-up")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "articles"
    try:
        if folder.exists():
            shutil.rmtree(folder)
        t = time.perf_counter()
        write_articles(folder, args.files)
        print(f"wrote {args.files} articles ({', '.join(FORMATS)}) in {time.perf_counter() - t:.1f} s")
        out: dict = {"files": args.files}
        if not args.skip_cli:
            cli = bench_cli(folder, work)
            out["cli"] = cli
            print(f"CLI: {cli['files']} files in {cli['seconds']} s = {cli['files_per_second']} files/s "
                  f"({cli['imported']} imported, {cli['refused']} refused, exit {cli['exit']})")
            for ln in cli["refused_examples"]:
                print("  ", ln)
        if not args.skip_gui:
            gui = bench_gui(folder, work, args.cold)
            out["gui"] = gui
            print(f"GUI: {gui['imported']} imported in {gui['seconds']} s = {gui['files_per_second']} files/s")
            print(f"     longest UI-thread stall {gui['longest_stall_ms']} ms "
                  f"({gui['stalls_over_50ms']} over 50 ms; median tick {gui['median_tick_ms']} ms)")
            print(f"     UI-thread CPU time within one gap: longest {gui['longest_stall_cpu_ms']} ms "
                  f"({gui['stalls_over_50ms_cpu']} over 50 ms)")
            print(f"     update during ingest: {gui['update_calls']} calls, max {gui['update_ms_max']} ms, "
                  f"median {gui['update_ms_median']} ms")
            print(f"     garbage collections: {gui['gc_collections']}, longest {gui['gc_ms_max']} ms "
                  f"({gui['gc_over_20ms']} over 20 ms)")
            print(f"     refresh: {gui['refresh_calls']} calls, max {gui['refresh_ms_max']} ms, "
                  f"median {gui['refresh_ms_median']} ms; progress handler max {gui['progress_ms_max']} ms")
            for st in gui["worst_stalls"]:
                print(f"     stall {st['ms']} ms ({st['cpu_ms']} ms CPU) at {st['at_ms']} ms, worker on {st['file']}")
        print(json.dumps(out))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
