"""Ingest as a user lives it: the whole bad-input corpus and good files dropped on the window at once.

The window must not crash or hang, every refused file must be named in the report
with a reason a user can act on, every good file must be in the project (imported,
or recognised as the same article as one imported in the same drop), and the
project must be consistent afterwards. A second drop of the same article (same
text, or same URL) must not duplicate it and must say it was already there.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

import viewer.workflow as workflow
from tests.conftest import SAMPLE
from tests.ingest_corpus import SMALL_FILES_DIR, VANISHING, html_page, make_corpus
from viewer.ingest import read_article
from viewer.store.project import text_hash
from viewer.ui.main_window import MainWindow

# Ceilings that turn a hang into a failure naming the file being read, not speed
# requirements: the whole drop takes about half a minute, its slowest file (5 MB of
# text) about five seconds. "Each file bounded in time" is the issue's own demand.
HANG_SECONDS = 300
FILE_SECONDS = 60
# The folder of 10,000 small files. Each one is read, extracted and stored
# (about a millisecond each), so the full size stays affordable here; the size is a
# parameter so that a slower machine can shrink it without touching the test.
SMALL_FILES = int(os.environ.get("DATELINE_E2E_SMALL_FILES", "10000"))
_STUCK_THREADS: list = []


def _drop_event(window: MainWindow, paths: list[Path]) -> tuple[QDragEnterEvent, QDropEvent]:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(window.width() / 2, window.height() / 2)
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    # the events keep a reference to the mime data; keep it alive with them
    drop._mime = mime  # type: ignore[attr-defined]
    enter._mime = mime  # type: ignore[attr-defined]
    return enter, drop


def drop_and_wait(qtbot, window: MainWindow, paths: list[Path]) -> workflow.IngestReport:
    """Drop ``paths`` as a file manager would, and wait (bounded) for the report."""
    enter, ev = _drop_event(window, paths)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    reports: list[workflow.IngestReport] = []
    # progress arrives before each file: the time since the last tick is the time spent on one file
    last_tick = [time.monotonic(), ""]

    def on_progress(done: int, total: int, current: str) -> None:
        last_tick[:] = [time.monotonic(), current]

    def finished_or_stuck() -> bool:
        if reports:
            return True
        if time.monotonic() - last_tick[0] > FILE_SECONDS:
            raise TimeoutError(f"one file took over {FILE_SECONDS} s: {last_tick[1]!r}")
        return False

    window.runner.finished.connect(reports.append)
    window.runner.progress.connect(on_progress)
    window.dropEvent(ev)
    try:
        qtbot.waitUntil(finished_or_stuck, timeout=HANG_SECONDS * 1000)
    except (AssertionError, TimeoutError) as exc:
        window.runner.cancel()
        # The worker cannot be interrupted inside one file. Give it a while to end; if it
        # does not, keep its thread alive past the window so that this failure is
        # reported rather than lost in a crash on a destroyed running thread.
        window.runner.wait(120_000)
        if window.runner._thread is not None and window.runner._thread.isRunning():
            _STUCK_THREADS.append(window.runner._thread)
        pytest.fail(f"ingest hung: {exc}; last file started: {last_tick[1]!r}")
    finally:
        window.runner.finished.disconnect(reports.append)
        window.runner.progress.disconnect(on_progress)
    return reports[0]


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> list[tuple[Path, str]]:
    cases = make_corpus(tmp_path / "corpus", small_files=SMALL_FILES)
    # The corpus' "file that disappears during ingest": delete it after the worker
    # has listed the drop and before it reads the file, as a user moving it would.
    original = workflow.collect_files

    def collect_then_remove(paths):
        files, skipped = original(paths)
        for p in files:
            if p.name == VANISHING and p.exists():
                p.unlink()
        return files, skipped

    monkeypatch.setattr(workflow, "collect_files", collect_then_remove)
    yield cases
    for p, _ in cases:  # let tmp_path clean-up remove the unreadable file
        if p.exists() and not p.is_symlink() and p.is_file():
            p.chmod(0o644)


def dated_sample(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "dated sample.txt"
    p.write_text("Published: 2025-06-06\n\n" + SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return p


def check_consistent(window: MainWindow) -> None:
    """The project file is sound and every stored row belongs to a stored article."""
    conn = window.project.db.conn
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    for table in ("events", "quotes", "mentions", "unresolved"):
        orphans = conn.execute(
            f"select count(*) from [{table}] where article_id not in (select id from articles)").fetchone()[0]
        assert orphans == 0, f"{orphans} {table} rows point to no article"
    for table in ("event_actors", "event_issues"):
        orphans = conn.execute(
            f"select count(*) from [{table}] where event_id not in (select id from events)").fetchone()[0]
        assert orphans == 0, f"{orphans} {table} rows point to no event"
    dup_urls = conn.execute(
        "select url, count(*) from articles where coalesce(url, '') != '' group by url having count(*) > 1"
    ).fetchall()
    assert dup_urls == []


def test_drop_whole_bad_corpus_with_good_files(qtbot, window, corpus, tmp_path):
    good_extra = dated_sample(tmp_path / "good")
    dropped = [p for p, _ in corpus] + [good_extra]
    report = drop_and_wait(qtbot, window, dropped)
    assert not report.cancelled

    by_path: dict[str, list[workflow.FileOutcome]] = {}
    for o in report.outcomes:
        by_path.setdefault(o.path, []).append(o)
    project = window.project
    stored_hashes = {r["text_hash"] for r in project.db.query("select text_hash from articles")}
    stored_urls = {r["url"] for r in project.db.query("select url from articles where coalesce(url, '') != ''")}

    failures: list[str] = []
    accounted: set[str] = set()

    def check_one(path: str, expected: str) -> None:
        outs = by_path.get(path)
        if not outs:
            failures.append(f"{path}: not in the report")
            return
        accounted.add(path)
        [o] = outs
        if expected != "ok":
            if o.status != "refused" or expected not in o.message:
                failures.append(f"{Path(path).name}: expected refusal {expected!r}, got {o.status} {o.message!r}")
            return
        if o.status == "imported":
            return
        if o.status == "duplicate":
            # The corpus writes one article in many formats: all but the first are the
            # same article, which must be in the project under its text or its URL.
            art = read_article(path)
            if text_hash(art.text) not in stored_hashes and art.url not in stored_urls:
                failures.append(f"{Path(path).name}: called a duplicate, but no stored article matches")
            return
        failures.append(f"{Path(path).name}: a good file was {o.status}: {o.message}")

    for path, expected in corpus:
        if path.is_dir() and not path.is_symlink():
            inside = [k for k in by_path if k.startswith(str(path) + os.sep)]
            if not inside:
                failures.append(f"{path.name}: nothing of the folder in the report")
            for k in inside:
                outs = by_path[k]
                if outs[0].status == "refused" and "link" in outs[0].message:
                    accounted.add(k)  # links inside a folder that loop or lead nowhere: skipped, named
                    continue
                check_one(k, expected)
            if path.name == SMALL_FILES_DIR:
                imported = sum(1 for k in inside if by_path[k][0].status == "imported")
                assert imported == SMALL_FILES, f"{imported} of {SMALL_FILES} small files imported"
        else:
            check_one(str(path), expected)
    check_one(str(good_extra), "ok")
    assert not failures, "\n".join(failures)
    assert set(by_path) == accounted, f"unexpected report lines: {sorted(set(by_path) - accounted)[:5]}"
    assert all(len(v) == 1 for v in by_path.values()), "a file reported twice"

    # every refusal is a sentence a user can read, on one line
    for o in report.outcomes:
        if o.status == "refused":
            assert o.message.strip() and "\n" not in o.message and "Traceback" not in o.message

    # the project holds exactly what the report says was imported, with its events
    imported = [o for o in report.outcomes if o.status == "imported"]
    assert project.counts()["articles"] == len(imported)
    per_article = dict(project.db.execute("select article_id, count(*) from events group by article_id").fetchall())
    for o in imported:
        assert per_article.get(o.article_id, 0) == o.events, o.path
    sample_id = by_path[str(good_extra)][0].article_id
    assert per_article.get(sample_id, 0) >= 3
    check_consistent(window)

    # the window shows it and tells the user about the refusals
    assert window.articles_model.rowCount() == len(imported)
    assert "refused" in window.statusBar().currentMessage()
    assert window.last_report is report


def test_same_article_twice_is_not_duplicated(qtbot, window, tmp_path):
    folder = tmp_path / "drops"
    folder.mkdir()
    page = folder / "talks.html"
    page.write_text(html_page(), encoding="utf-8")
    first = drop_and_wait(qtbot, window, [page])
    assert [o.status for o in first.outcomes] == ["imported"], first.outcomes

    # the same text under another name, and the same page saved again
    copy = folder / "talks (1).html"
    copy.write_text(html_page(), encoding="utf-8")
    # the same URL with a different text: the page was updated after the first save
    updated = folder / "talks updated.html"
    updated.write_text(
        html_page().replace("Negotiators from the two largest economies met again",
                            "Trade envoys of the two largest economies met once more"),
        encoding="utf-8",
    )
    assert read_article(updated).url == read_article(page).url
    assert text_hash(read_article(updated).text) != text_hash(read_article(page).text)
    again = drop_and_wait(qtbot, window, [page, copy, updated])
    assert {Path(o.path).name: o.status for o in again.outcomes} == {
        "talks.html": "duplicate", "talks (1).html": "duplicate", "talks updated.html": "duplicate",
    }
    assert window.project.counts()["articles"] == 1
    assert window.articles_model.rowCount() == 1
    # told, not silently dropped
    assert "3 already present" in window.statusBar().currentMessage()
    assert all("already in the project" in o.line() for o in again.outcomes)
    check_consistent(window)


def test_closing_the_window_during_an_ingest_stops_it_cleanly(qtbot, window, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(400):
        (folder / f"note {i:03d}.txt").write_text(
            f"Note {i}\n\nOfficials met on Tuesday to discuss tariffs on item {i}.\n", encoding="utf-8")
    started: list[int] = []
    window.runner.progress.connect(lambda done, total, current: started.append(done))
    window.ingest([str(folder)])
    qtbot.waitUntil(lambda: bool(started) and started[-1] >= 5, timeout=HANG_SECONDS * 1000)
    thread = window.runner._thread
    assert thread is not None and thread.isRunning()
    path = window.project_path
    window.close()
    # the worker stopped after its current file and its thread ended inside close(),
    # instead of close() waiting out its timeout and leaving a running thread behind
    assert thread.isFinished()
    reopened = workflow.open_project(path)
    try:
        n = reopened.counts()["articles"]
        assert 5 <= n < 400
        assert reopened.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        reopened.close()
