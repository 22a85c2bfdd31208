"""DESIGN.md's layering: only viewer/ui imports Qt; core, extract and ingest never touch the database."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "viewer"
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6")
DB = ("sqlite3", "sqlite_utils", "viewer.store", "viewer.ui")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _files(pkg: str):
    return sorted((ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("pkg", ["core", "extract", "store", "ingest"])
def test_no_qt_outside_ui(pkg):
    bad = {f.name: n for f in _files(pkg) for n in _imports(f) if n.split(".")[0] in QT}
    assert not bad, f"Qt imported outside viewer/ui: {bad}"


def test_workflow_and_cli_top_level_are_qt_free():
    for f in (ROOT / "workflow.py", ROOT / "app.py"):
        assert not {n for n in _imports(f) if n.split(".")[0] in QT}


@pytest.mark.parametrize("pkg", ["core", "extract", "ingest"])
def test_core_extract_ingest_never_touch_the_database(pkg):
    bad = {f.name: n for f in _files(pkg) for n in _imports(f) if any(n == d or n.startswith(d + ".") for d in DB)}
    assert not bad, f"database or UI imported from viewer/{pkg}: {bad}"


def test_checker_sees_a_violation(tmp_path):
    f = tmp_path / "x.py"
    f.write_text("from PySide6.QtCore import Qt\nimport sqlite3\n")
    assert {"PySide6.QtCore", "sqlite3"} <= _imports(f)
