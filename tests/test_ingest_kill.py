"""A kill at any moment leaves the project consistent; the next run finishes the rest.

``python main.py ingest`` runs on 200 generated articles (six formats) in a
subprocess and is killed with SIGKILL after a random delay, again and again, on
the same project file. After each kill a fresh connection (what the next start of
Dateline sees) checks that the file is sound and that every stored article is
complete: its events, quotes, mentions and unresolved dates are exactly what
extraction makes of its stored text, so no article is half in. A final run must
complete the set: 200 articles, none twice.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.ingest_bench import write_articles
from viewer.store.project import Project

ROOT = Path(__file__).resolve().parents[1]
FILES = 200
KILLS = 12
# A ceiling for one uninterrupted run (a hang guard, not a speed requirement).
RUN_SECONDS = 600


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kill") / "articles"
    write_articles(folder, FILES)
    return folder


def _ingest_cmd(project: Path, folder: Path) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), "ingest", "--project", str(project), str(folder)]


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "PYTHONHASHSEED": "0"}


# What extraction makes of stored articles, computed in a child process with the same
# PYTHONHASHSEED as the ingest runs: the comparison is about atomicity, and must not
# depend on this process' hash seed (set iteration order).
_REFERENCE = """
import json, sys
from viewer.extract.pipeline import extract
from viewer.store.project import Project
wanted = set(json.load(sys.stdin))
project = Project(sys.argv[1])
out = {}
for r in project.db.query("select id, text_hash from articles"):
    if r["text_hash"] in wanted and r["text_hash"] not in out:
        ex = extract(project.article_for_extraction(r["id"]))
        out[r["text_hash"]] = [
            [len(ex.events), len(ex.quotes), len(ex.actor_mentions), len(ex.unresolved)],
            sorted([e.start, e.end, e.title, e.when.value] for e in ex.events),
        ]
project.close()
json.dump(out, sys.stdout)
"""


def reference_extractions(path: Path, hashes: set[str], env: dict[str, str]) -> dict[str, tuple]:
    if not hashes:
        return {}
    done = subprocess.run([sys.executable, "-c", _REFERENCE, str(path)], input=json.dumps(sorted(hashes)),
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=RUN_SECONDS, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return {h: (tuple(c), [tuple(e) for e in evs]) for h, (c, evs) in json.loads(done.stdout).items()}


def check_project(path: Path, expected_cache: dict[str, tuple], env: dict[str, str]) -> int:
    """Integrity, and every stored article complete; returns the number of articles."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        if "events" not in tables:
            # killed while the schema was being made: migrations are all or nothing, so none is
            # recorded and the next open makes the whole schema
            assert "_migrations" not in tables or not conn.execute("select count(*) from _migrations").fetchone()[0]
            assert not tables - {"_migrations"}, f"half a schema: {sorted(tables)}"
        # nothing stored without its article
        for table in ("events", "quotes", "mentions", "unresolved") if "events" in tables else ():
            n = conn.execute(f"select count(*) from [{table}] where article_id not in "
                             "(select id from articles)").fetchone()[0]
            assert n == 0, f"{n} {table} rows without their article"
    finally:
        conn.close()
    project = Project(path)
    try:
        ids = [r["id"] for r in project.db.query("select id from articles order by id")]
        counts = {}
        for table in ("events", "quotes", "mentions", "unresolved"):
            counts[table] = dict(project.db.execute(
                f"select article_id, count(*) from [{table}] group by article_id").fetchall())
        events_of: dict[int, list[tuple]] = {}
        for r in project.db.execute(
                "select article_id, start_offset, end_offset, title, date_value from events"):
            events_of.setdefault(r[0], []).append(tuple(r[1:]))
        hash_of = dict(project.db.execute("select id, text_hash from articles").fetchall())
        expected_cache.update(reference_extractions(path, set(hash_of.values()) - set(expected_cache), env))
        for aid in ids:
            article = project.article_for_extraction(aid)
            h = hash_of[aid]
            got = tuple(counts[t].get(aid, 0) for t in ("events", "quotes", "mentions", "unresolved"))
            want, want_events = expected_cache[h]
            assert got == want, f"article {aid} ({article.path}): stored {got}, extraction gives {want}"
            # the very events, not only as many: same evidence offsets, titles and dates
            assert sorted(events_of.get(aid, [])) == want_events, f"article {aid}: events differ"
        dup = project.db.execute(
            "select count(*) - count(distinct text_hash), count(*) - count(distinct path) from articles"
        ).fetchone()
        assert tuple(dup) == (0, 0), "an article stored twice"
        return len(ids)
    finally:
        project.close()


def final_run(project: Path, articles: Path, env: dict[str, str], cache: dict, already: int) -> None:
    """A run to the end completes the set, and what was in stays once."""
    done = subprocess.run(_ingest_cmd(project, articles), env=env, capture_output=True, text=True,
                          timeout=RUN_SECONDS, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert sum(ln.startswith(("imported", "already")) for ln in lines) == FILES
    assert sum(ln.startswith("already") for ln in lines) == already
    assert check_project(project, cache, env) == FILES


def test_sigkill_at_random_moments_leaves_a_consistent_project(articles: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    rng = random.Random(int(os.environ.get("DATELINE_KILL_SEED", "5")))

    # One uninterrupted run on a scratch project tells how long a whole run lasts,
    # so that the kills fall anywhere from start-up to the last files.
    t0 = time.monotonic()
    first = subprocess.run(_ingest_cmd(tmp_path / "timing.dateline", articles), env=env, capture_output=True,
                           text=True, timeout=RUN_SECONDS, check=False)
    full = time.monotonic() - t0
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]

    cache: dict[str, tuple] = {}
    project, generation = tmp_path / "killed-0.dateline", 0
    stored: list[int] = []
    kills = attempts = 0
    while kills < KILLS and attempts < 3 * KILLS:
        attempts += 1
        delay = rng.uniform(0.2, full)
        proc = subprocess.Popen(_ingest_cmd(project, articles), env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
        if proc.returncode == -signal.SIGKILL:
            kills += 1
        else:
            assert proc.returncode == 0, f"ingest failed on its own (exit {proc.returncode}): {err[-2000:]}"
        if not project.exists():
            continue  # killed before the file was created: nothing to check
        n = check_project(project, cache, env)
        assert not stored or n >= stored[-1], f"articles lost by a kill: {stored[-1]} then {n}"
        stored.append(n)
        if n == FILES:
            # This project is complete: prove a re-run adds nothing, then go on killing
            # runs on a fresh project, so that every kill interrupts real work.
            final_run(project, articles, env, cache, already=FILES)
            generation += 1
            project, stored = tmp_path / f"killed-{generation}.dateline", []
    assert kills >= KILLS, f"only {kills} of {attempts} runs were still working when killed"
    # shown with -s: what the kills left, run after run
    print(f"{kills} kills in {attempts} runs, whole run {full:.1f} s, {generation} projects completed, "
          f"articles after each kill on the last one: {stored}")
    final_run(project, articles, env, cache, already=stored[-1] if stored else 0)
