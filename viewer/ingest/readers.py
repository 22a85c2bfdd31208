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


READERS: dict[str, Callable[[Path], Article]] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
}
