"""Command line: the same pipeline as the window, without one.

    dateline [PATHS...] [--project FILE]          open the window (and ingest PATHS)
    dateline ingest --project FILE PATHS...       ingest; one line per file; exit 1 if any failed
    dateline export --project FILE --png OUT.png  render the timeline without a display (or --svg, --csv,
                                                  --timelinejs, --ics)
    dateline extract FILE [--published DATE] --json [--text]
    dateline timeml IN_DIR OUT_DIR                tag TimeML documents (evaluation)
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

COMMANDS = ("ingest", "export", "extract", "timeml")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dateline", description="Dateline: news timelines from article files.")
    sub = p.add_subparsers(dest="command")

    ing = sub.add_parser("ingest", help="ingest article files or folders into a project")
    ing.add_argument("--project", required=True, help="project file (.dateline); created if missing")
    ing.add_argument("paths", nargs="+", help="files or folders")

    exp = sub.add_parser("export", help="export the timeline as PNG without a display")
    exp.add_argument("--project", required=True)
    exp.add_argument("--png", help="output PNG path")
    exp.add_argument("--svg", help="output SVG path")
    exp.add_argument("--csv", help="events as CSV (one row per event, sources and quotes joined)")
    exp.add_argument("--timelinejs", help="events as TimelineJS3 JSON")
    exp.add_argument("--ics", help="events as an ICS calendar")
    exp.add_argument("--width", type=int, default=1600)
    exp.add_argument("--height", type=int, default=900)
    exp.add_argument("--scale", type=float, default=1.0, help="1 or 2 (pixel density)")
    exp.add_argument("--from", dest="date_from", type=_date, help="first day shown (default: whole range)")
    exp.add_argument("--to", dest="date_to", type=_date, help="last day shown")
    exp.add_argument("--lanes", choices=["issue", "actor", "article"], default="issue")

    ext = sub.add_parser("extract", help="print what extraction finds in one file")
    ext.add_argument("file")
    ext.add_argument("--published", type=_date, help="the article's publication date (as a user would set it)")
    ext.add_argument("--json", action="store_true", help="print one JSON object (the only output form)")
    ext.add_argument("--text", action="store_true", help="add the article text the offsets index")

    tml = sub.add_parser("timeml", help="tag TimeML documents for evaluation")
    tml.add_argument("in_dir")
    tml.add_argument("out_dir")
    return p


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "ingest":
        return cmd_ingest(args)
    if args.command == "export":
        return cmd_export(args)
    if args.command == "extract":
        return cmd_extract(args)
    if args.command == "timeml":
        return cmd_timeml(args)
    raise SystemExit(2)


def cmd_ingest(args: argparse.Namespace) -> int:
    from viewer.store.project import ProjectError
    from viewer.workflow import ingest_paths, open_project

    try:
        project = open_project(args.project)
    except ProjectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = ingest_paths(project, args.paths)
    for outcome in report.outcomes:
        print(outcome.line(), flush=True)
    print(report.summary())
    project.close()
    return 1 if report.failed else 0


def cmd_export(args: argparse.Namespace) -> int:
    from viewer.store.exchange import export_file
    from viewer.store.project import ProjectError, day_seconds
    from viewer.ui.headless import export_project_png, export_project_svg
    from viewer.workflow import open_project, why_no_timeline

    if not Path(args.project).exists():
        print(f"error: {args.project}: no such project file", file=sys.stderr)
        return 2
    try:
        project = open_project(args.project)
    except ProjectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    t0 = day_seconds(args.date_from) if args.date_from else None
    t1 = day_seconds(args.date_to) + 86400 if args.date_to else None
    if t0 is not None and t1 is not None and t1 <= t0:
        print("error: --to must not be before --from", file=sys.stderr)
        return 2
    outputs = [args.png, args.svg, args.csv, args.timelinejs, args.ics]
    if not any(outputs):
        print("error: say what to write: --png, --svg, --csv, --timelinejs or --ics", file=sys.stderr)
        return 2
    status = 0
    empty = why_no_timeline(project) if args.png or args.svg else None
    for out in (args.png, args.svg):
        if out and empty:  # an image of an empty timeline would show a hint meant for the window
            print(f"error: {out} not written: {args.project} has no event to draw: {empty}", file=sys.stderr)
            status = 2
    if args.png and not empty:
        export_project_png(project, args.png, args.width, args.height, args.scale, t0, t1, args.lanes)
        print(f"wrote {args.png}")
    if args.svg and not empty:
        export_project_svg(project, args.svg, args.width, args.height, t0, t1, args.lanes)
        print(f"wrote {args.svg}")
    for fmt, out in (("csv", args.csv), ("timelinejs", args.timelinejs), ("ics", args.ics)):
        if out:
            n = export_file(project, out, fmt)
            print(f"wrote {out} ({n} events)")
    return status


def extraction_json(path: str, published: date | None, with_text: bool) -> dict:
    """The JSON object of ``extract --json`` (field names are a public contract)."""
    from viewer.extract.pipeline import extract
    from viewer.ingest import read_article

    article = read_article(path)
    if published is not None:
        article.published = published
        article.published_origin = "user"
    ex = extract(article)
    out = {
        "article": {
            "title": article.title, "source": article.source, "url": article.url,
            "published": article.published.isoformat() if article.published else None,
            "published_origin": article.published_origin or None,
        },
        "events": [
            {
                "date": e.when.label(), "end": e.when.end.isoformat() if e.when.end != e.when.start else None,
                "precision": e.when.precision.value, "title": e.title, "evidence": e.evidence,
                "start_offset": e.start, "end_offset": e.end, "actors": e.actors, "issues": e.issues,
                "date_text": e.date_text, "origin": e.when.origin.value,
            }
            for e in ex.events
        ],
        "actors": [{"name": a.name, "kind": a.kind, "country": a.country, "role": a.role, "aliases": a.aliases}
                   for a in ex.actors],
        "issues": [{"id": i.id, "label": i.label} for i in ex.issues],
        "quotes": [
            # "event" is the index into "events" of the happening the quote belongs to (null: none)
            {"text": q.text, "speaker": q.speaker, "start_offset": q.start, "end_offset": q.end,
             "sentence_start": q.sentence_start, "sentence_end": q.sentence_end, "event": q.event_index}
            for q in ex.quotes
        ],
        "unresolved": [
            {"text": u.text, "value": u.value, "start_offset": u.start, "end_offset": u.end}
            for u in ex.unresolved
        ],
    }
    if with_text:
        out["text"] = article.text
    return out


def cmd_extract(args: argparse.Namespace) -> int:
    from viewer.ingest import IngestError

    try:
        out = extraction_json(args.file, args.published, args.text)
    except IngestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    json.dump(out, sys.stdout, ensure_ascii=False, indent=None if not sys.stdout.isatty() else 2)
    sys.stdout.write("\n")
    return 0


def cmd_timeml(args: argparse.Namespace) -> int:
    from viewer.extract.timeml_io import convert_dir

    in_dir, out_dir = Path(args.in_dir), Path(args.out_dir)
    if not in_dir.is_dir():
        print(f"error: {in_dir}: not a folder", file=sys.stderr)
        return 2
    n = convert_dir(in_dir, out_dir)
    print(f"wrote {n} files to {out_dir}")
    return 0
