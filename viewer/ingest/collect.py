"""Expand what the user dropped (files and folders) into the files to read."""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path


def collect_files(
    paths: Iterable[str | Path], supported: frozenset[str]
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(files to read, [(skipped path, reason)]).

    Folders are walked recursively in natural order ("note 2" before "note 10");
    symbolic links are followed, but
    a folder already visited (a link loop, or two links to one folder) is walked
    once. Hidden entries inside folders (".git", ".DS_Store") are passed over
    silently; every other file not read is listed with its reason.
    """
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    seen_files: set[tuple[int, int]] = set()
    seen_dirs: set[tuple[int, int]] = set()

    def add_file(p: Path, st: os.stat_result, explicit: bool) -> None:
        if p.suffix.lower() not in supported:
            if explicit or not p.name.startswith("."):
                shown = p.suffix or "(no extension)"
                skipped.append((p, f"unsupported file type {shown}"))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen_files:
            return  # the same file reached twice (a link, or named twice)
        seen_files.add(key)
        files.append(p)

    def visit(p: Path, explicit: bool) -> None:
        try:
            st = os.stat(p)
        except FileNotFoundError:
            reason = "broken link: its target does not exist" if os.path.islink(p) else "not found"
            skipped.append((p, reason))
            return
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # a link that points to itself, directly or not
                skipped.append((p, "symbolic link loop"))
            else:
                skipped.append((p, f"cannot open ({exc.strerror or exc})"))
            return
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                if os.path.islink(p):
                    skipped.append((p, "folder link already visited (link loop?)"))
                return
            seen_dirs.add(key)
            try:
                with os.scandir(p) as it:
                    entries = sorted(it, key=lambda e: natural_key(e.name))
            except PermissionError:
                skipped.append((p, "permission denied: the folder cannot be listed"))
                return
            except OSError as exc:
                skipped.append((p, f"cannot list folder ({exc.strerror or exc})"))
                return
            pages = {
                e.name.rsplit(".", 1)[0]
                for e in entries
                if e.name.lower().endswith((".html", ".htm", ".xhtml", ".shtml"))
            }
            children: list[Path] = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if _is_page_assets(entry.name, pages) and entry.is_dir():
                    # "Save page as… complete" puts the page's images, scripts and ad
                    # frames (.html files themselves) beside it: not articles.
                    skipped.append((Path(entry.path), "assets folder of a saved web page (not read)"))
                    continue
                children.append(Path(entry.path))
            # An explicit stack, not recursion: a folder tree thousands of levels
            # deep must not exhaust Python's recursion limit.
            stack.extend((c, False) for c in reversed(children))
            return
        if stat.S_ISREG(st.st_mode):
            add_file(p, st, explicit)
            return
        if explicit or not p.name.startswith("."):
            skipped.append((p, "not a regular file (device, pipe or socket)"))

    stack: list[tuple[Path, bool]] = []
    for raw in paths:
        stack.append((Path(raw), True))
        while stack:
            visit(*stack.pop())
    return files, skipped


def natural_key(name: str) -> list[str | int]:
    """Sort key: case-insensitive, numbers by value. Parts alternate str, int, str…"""
    return [int(t) if i % 2 else t.lower() for i, t in enumerate(re.split(r"(\d+)", name))]


# Suffixes browsers give the folder of a saved page's assets ("Page_files").
_ASSET_SUFFIXES = (
    "_files",
    "-Dateien",
    "_fichiers",
    "_archivos",
    "_arquivos",
    "_file",
    "-filer",
    "_bestanden",
)


def _is_page_assets(name: str, pages: set[str]) -> bool:
    return any(name.endswith(suf) and name[: -len(suf)] in pages for suf in _ASSET_SUFFIXES)
