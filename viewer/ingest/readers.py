"""The table of readers by file suffix, and the plain-text readers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from viewer.core.model import Article
from viewer.ingest.base import decode_text, read_bytes
from viewer.ingest.text import build_article


def read_text(path: Path) -> Article:
    """.txt / .text: encoding detected; header block, title line, furniture handled."""
    text = decode_text(read_bytes(path), path)
    return build_article(text, path)


def read_markdown(path: Path) -> Article:
    """.md / .markdown: as text, plus front matter, headings and inline markup."""
    text = decode_text(read_bytes(path), path)
    return build_article(text, path, markdown=True)


def _html(path: Path) -> Article:
    from viewer.ingest.html import read_html

    return read_html(path)


def _mhtml(path: Path) -> Article:
    from viewer.ingest.html import read_mhtml

    return read_mhtml(path)


def _pdf(path: Path) -> Article:
    from viewer.ingest.pdf import read_pdf

    return read_pdf(path)


def _docx(path: Path) -> Article:
    from viewer.ingest.office import read_docx

    return read_docx(path)


def _eml(path: Path) -> Article:
    from viewer.ingest.office import read_eml

    return read_eml(path)


def _rtf(path: Path) -> Article:
    from viewer.ingest.office import read_rtf

    return read_rtf(path)


# The heavy libraries (trafilatura, pypdf, python-docx) are imported on first use,
# so that reading text files, and importing this package, stays fast.
READERS: dict[str, Callable[[Path], Article]] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": _html,
    ".htm": _html,
    ".xhtml": _html,
    ".mhtml": _mhtml,
    ".mht": _mhtml,
    ".pdf": _pdf,
    ".docx": _docx,
    ".eml": _eml,
    ".rtf": _rtf,
}


# what the readers import on first use, heaviest first (trafilatura brings lxml, justext, courlan)
_LIBRARIES = ("trafilatura", "htmldate", "pypdf", "docx", "charset_normalizer", "striprtf.striprtf")


def warm_up_readers() -> list[str]:
    """Import the readers' libraries now (a second or so), e.g. on a thread while the window
    is idle, so that the first dropped page or PDF does not pay for it. Returns those that
    could not be imported (their reader will say so for each file)."""
    import importlib

    missing = []
    for name in _LIBRARIES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a broken optional library fails its files, not the app
            missing.append(name)
    return missing
