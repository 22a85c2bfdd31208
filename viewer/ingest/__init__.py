"""File readers: article files of many formats in, :class:`~viewer.core.model.Article` out.

Pure Python, no Qt and no database. The public API::

    read_article(path) -> Article        # raises IngestError, never anything else
    collect_files(paths) -> (files, skipped)
    IngestError, MAX_FILE_BYTES, SUPPORTED_SUFFIXES

Each format has its reader module; :func:`read_article` chooses by suffix and turns
any failure inside a library into an :class:`IngestError` naming the file and why.

Documented limits (each file is bounded in time and memory):

- any file: at most ``MAX_FILE_BYTES`` (50 MB), checked with ``stat`` before reading;
  only regular files are opened (a FIFO or device would block);
- web pages: at most 100,000 elements (``html.MAX_ELEMENTS``);
- PDF: at most 1,000 pages and 60 s of reading (``pdf.MAX_PAGES``, ``pdf.TIME_BUDGET_S``);
- Word: the ZIP may unpack to at most 200 MB, at most 200 times its packed size when
  over 10 MB, with at most 5,000 entries (``office.MAX_UNZIPPED_BYTES`` …), checked
  from the archive's directory before anything is extracted.

Publication date, best evidence first (``Article.published_origin``): "metadata"
(page metadata, markdown front matter), "header" (a "Published:" header block or a
date line under the title), "dateline" (only with a year from other evidence),
"url", "filename", "email" (the Date: header); "" when there is none. The file's
modification time is never used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from viewer.core.model import Article
from viewer.ingest import collect as _collect
from viewer.ingest.base import MAX_FILE_BYTES, IngestError
from viewer.ingest.readers import READERS

__all__ = ["IngestError", "MAX_FILE_BYTES", "SUPPORTED_SUFFIXES", "read_article", "collect_files"]

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(READERS)


def read_article(path: str | Path) -> Article:
    """Read one article file. Raises :class:`IngestError` for any file that cannot be imported."""
    p = Path(path)
    reader: Callable[[Path], Article] | None = READERS.get(p.suffix.lower())
    if reader is None:
        shown = p.suffix or "(no extension)"
        raise IngestError(p, f"unsupported file type {shown}")
    try:
        return reader(p)
    except IngestError:
        raise
    except RecursionError:
        raise IngestError(p, "structure nested too deeply to read") from None
    except MemoryError:
        raise IngestError(p, "not enough memory to read this file") from None
    except Exception as exc:  # noqa: BLE001 - a library's failure on a bad file is a refusal
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise IngestError(p, f"could not be read ({type(exc).__name__}: {detail})") from None


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand files and folders (recursively, sorted) into the supported files to read.

    Returns ``(files, skipped)`` where ``skipped`` lists ``(path, reason)`` for every
    unsupported file, broken link, link loop or unreadable folder met.
    """
    return _collect.collect_files(paths, SUPPORTED_SUFFIXES)
