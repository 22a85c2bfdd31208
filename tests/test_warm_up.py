"""Warming up: the window compiles the rules and imports the readers' libraries while idle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("trafilatura", "htmldate", "pypdf", "docx")


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                       check=True)
    return set(r.stdout.split())


def test_readers_import_their_libraries_only_when_warmed_up() -> None:
    assert _modules_after("import viewer.workflow") == set()  # importing the app stays light
    assert _modules_after("from viewer.workflow import warm_up; warm_up()") == set(HEAVY)


def test_warm_up_readers_reports_no_missing_library() -> None:
    from viewer.ingest.readers import warm_up_readers

    assert warm_up_readers() == []


def test_the_window_warms_up_once_per_process() -> None:
    from viewer.ui.main_window import start_warm_up

    first = start_warm_up()
    assert start_warm_up() is first
    first.join(timeout=120)
    assert not first.is_alive()
