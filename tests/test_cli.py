"""The command line, run as a user runs it (subprocesses, no display)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from tests.conftest import ROOT, SAMPLE
from viewer.store.project import Project


def run(*args, check=False):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=300, check=check)


def test_extract_json_sample_with_published_date():
    r = run("extract", SAMPLE, "--published", "2025-06-06", "--json", "--text")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) >= {"article", "events", "actors", "issues", "quotes", "text"}
    assert set(out["article"]) >= {"title", "source", "url", "published", "published_origin"}
    assert out["article"]["published"] == "2025-06-06"
    text = out["text"]
    for e in out["events"]:
        assert set(e) >= {"date", "end", "precision", "title", "evidence", "start_offset", "end_offset",
                          "actors", "issues"}
        assert text[e["start_offset"]:e["end_offset"]] == e["evidence"]
    for q in out["quotes"]:
        assert text[q["start_offset"]:q["end_offset"]] == q["text"]
        assert q["sentence_start"] <= q["start_offset"] < q["end_offset"] <= q["sentence_end"]
        assert q["event"] is None or 0 <= q["event"] < len(out["events"])
    # a quote keeps the happening it belongs to: Bessent's "stalled" is his, not the May agreement's
    by_text = {q["text"]: q for q in out["quotes"]}
    assert by_text["stalled"]["event"] is None
    for a in out["actors"]:
        assert set(a) >= {"name", "kind", "country", "role", "aliases"}
        assert not a["role"] or all(a["role"] not in al for al in a["aliases"])  # roles stay out of names
    dates = {(e["date"], e["precision"]) for e in out["events"]}
    assert ("2025-06-05", "day") in dates and ("2025-05", "month") in dates
    assert "Also Read" not in text


def test_extract_json_links_a_quote_to_its_event(tmp_path):
    story = tmp_path / "levy.txt"
    story.write_text("Levy plan\n\n\"We will raise tariffs on steel on Monday,\" President Donald Trump said.\n",
                     encoding="utf-8")
    out = json.loads(run("extract", story, "--published", "2025-06-06", "--json", check=True).stdout)
    (q,) = out["quotes"]
    assert q["speaker"] == "Donald Trump" and q["event"] is not None
    ev = out["events"][q["event"]]
    assert ev["date"] == "2025-06-09" and ev["start_offset"] <= q["start_offset"] < ev["end_offset"]


def test_extract_json_without_date_invents_none():
    out = json.loads(run("extract", SAMPLE, "--json", check=True).stdout)
    assert out["article"]["published"] is None
    assert all(not e["date"].startswith("2025") for e in out["events"])
    speakers = {q["text"]: q["speaker"] for q in out["quotes"]}
    assert speakers.get("stalled") == "Scott Bessent"


def test_ingest_prints_a_line_per_file_and_fails_on_bad_ones(tmp_path):
    proj = tmp_path / "p.dateline"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    r = run("ingest", "--project", proj, SAMPLE, bad)
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert any(SAMPLE.name in ln and ln.startswith("imported") for ln in lines)
    assert any("bad.txt" in ln and ln.startswith("refused") for ln in lines)
    ok = run("ingest", "--project", proj, SAMPLE)
    assert ok.returncode == 0 and "already" in ok.stdout


def test_export_png_without_display(tmp_path):
    proj = tmp_path / "p.dateline"
    dated = tmp_path / "dated.txt"
    dated.write_text("Published: 2025-06-06\n\n" + SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    run("ingest", "--project", proj, dated, check=True)
    png = tmp_path / "out.png"
    r = run("export", "--project", proj, "--png", png, "--width", 900, "--height", 500, "--scale", 2,
            "--from", "2025-05-01", "--to", "2025-06-30")
    assert r.returncode == 0, r.stderr
    img = QImage(str(png))
    assert (img.width(), img.height()) == (1800, 1000)


def test_export_refuses_missing_project(tmp_path):
    r = run("export", "--project", tmp_path / "none.dateline", "--png", tmp_path / "x.png")
    assert r.returncode == 2 and "none.dateline" in r.stderr


def test_export_of_a_project_with_no_event_says_why_and_writes_no_image(tmp_path):
    proj = tmp_path / "p.dateline"
    run("ingest", "--project", proj, SAMPLE)  # the sample has no publication date: no event can be placed
    png, csv = tmp_path / "out.png", tmp_path / "out.csv"
    r = run("export", "--project", proj, "--png", png, "--csv", csv)
    assert r.returncode == 2 and not png.exists()
    assert "out.png" in r.stderr and "publication date" in r.stderr and "Trump and Xi Jinping" in r.stderr
    assert csv.exists()  # the other outputs are still written
    empty = tmp_path / "empty.dateline"
    Project(empty).close()
    r = run("export", "--project", empty, "--svg", tmp_path / "e.svg")
    assert "e.svg" in r.stderr and "no articles yet" in r.stderr and not (tmp_path / "e.svg").exists()


def test_every_cli_command_is_documented_in_the_readme():
    from viewer.cli import COMMANDS

    readme = Path(ROOT / "README.md").read_text(encoding="utf-8")
    for c in COMMANDS:
        assert f"python main.py {c}" in readme, c


def test_export_events_as_csv_timelinejs_ics_and_svg(tmp_path):
    proj = tmp_path / "p.dateline"
    dated = tmp_path / "dated.txt"
    dated.write_text("Published: 2025-06-06\n\n" + SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    run("ingest", "--project", proj, dated, check=True)
    outs = {k: tmp_path / f"out.{k}" for k in ("csv", "json", "ics", "svg")}
    r = run("export", "--project", proj, "--csv", outs["csv"], "--timelinejs", outs["json"], "--ics", outs["ics"],
            "--svg", outs["svg"])
    assert r.returncode == 0, r.stderr
    doc = json.loads(outs["json"].read_text(encoding="utf-8"))
    from viewer.core.exchange import validate_timelinejs

    assert validate_timelinejs(doc) == [] and len(doc["events"]) >= 3
    assert "BEGIN:VCALENDAR" in outs["ics"].read_text(encoding="utf-8")
    assert outs["csv"].read_text(encoding="utf-8").count("\n") >= 4
    assert "<svg" in outs["svg"].read_text(encoding="utf-8")
    # and the timeline comes back in: a TimelineJS file ingests as events
    proj2 = tmp_path / "p2.dateline"
    back = run("ingest", "--project", proj2, outs["json"])
    assert back.returncode == 0 and back.stdout.startswith("imported"), back.stdout + back.stderr
