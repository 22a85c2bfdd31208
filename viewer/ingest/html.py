"""Saved web pages (.html, .htm, .xhtml, .mhtml): trafilatura for the main text and
the page metadata, htmldate for the original publication date.

The page is parsed, never rendered: scripts and styles are dropped by the
extractor and never run. Both libraries are the reference tools of their task
(trafilatura tops the independent main-text extraction benchmarks; htmldate is
its date component and is used here with ``original_date=True`` so that an
"updated" stamp does not replace the first publication date).
"""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from viewer.core.model import Article
from viewer.ingest.base import IngestError, clean_decoded, read_bytes, sniff
from viewer.ingest.dates import parse_date
from viewer.ingest.text import Meta, build_article

# Extraction time grows with the number of elements (about 1 s per 20,000); news
# pages have a few thousand. Past this the file is not an article page, and the
# cap keeps a hostile page from holding the ingest for minutes.
MAX_ELEMENTS = 100_000
_TAG = re.compile(r"<[A-Za-z]")

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]{2,40})""", re.I)


def decode_html(data: bytes, path: Path) -> str:
    """Text of an HTML file: BOM, then the page's declared charset, then detection."""
    kind = sniff(data)
    if kind is not None:
        raise IngestError(path, f"not a web page: it is {kind}")
    from viewer.ingest.base import decode_text

    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        m = _META_CHARSET.search(data[:4096])
        if m:
            try:
                return clean_decoded(data.decode(m[1].decode("ascii")), path)
            except (LookupError, UnicodeDecodeError):
                # An unknown charset name, or a page that does not keep its word
                # (declared UTF-8, saved in cp1252): detect instead.
                pass
    return decode_text(data, path)


# Browsers and archiving extensions note where a page came from: Chrome and IE
# "<!-- saved from url=(0046)https://... -->", SingleFile "<!-- Page saved with
# SingleFile \n url: https://... -->".
_SAVED_FROM = re.compile(
    r"<!--\s*(?:saved from url=\(\d+\)|Page saved with SingleFile\s+url:\s*)(https?://[^\s<>\"']{3,2000})",
    re.IGNORECASE,
)


def saved_from_url(html: str) -> str:
    """The address a saved page was saved from, when the browser noted it."""
    m = _SAVED_FROM.search(html[:20_000])
    return m[1] if m else ""


def _today_plus_one() -> str:
    # Dates in the future are page furniture (event calendars, expiry stamps).
    return (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%d")


def page_date(html: str) -> date | None:
    """The original publication date from the page's own metadata (htmldate, no URL, no text)."""
    from htmldate import find_date

    found = find_date(html, original_date=True, extensive_search=False, max_date=_today_plus_one())
    return parse_date(found) if found else None


def page_date_extensive(html: str) -> date | None:
    """htmldate's broader search (dates in the page's visible text and markup)."""
    from htmldate import find_date

    found = find_date(html, original_date=True, extensive_search=True, max_date=_today_plus_one())
    return parse_date(found) if found else None


def _extract(html: str, url: str | None, recall: bool) -> object:
    from trafilatura import bare_extraction

    return bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        favor_recall=recall,
        # The date comes from page_date(); keep trafilatura's own search cheap.
        date_extraction_params={"original_date": True, "extensive_search": False},
    )


def article_from_html(html: str, path: Path, meta: Meta | None = None, url: str = "") -> Article:
    """Article from the HTML source of a page (also used for HTML e-mail bodies)."""
    meta = meta or Meta()
    if not re.search(r"<[A-Za-z!?/]", html[:200_000]):
        # Not markup at all: a plain-text file saved with an .html name.
        return build_article(html, path, meta)
    if html.count("<") > MAX_ELEMENTS and len(_TAG.findall(html)) > MAX_ELEMENTS:
        raise IngestError(path, f"web page too complex to read (over {MAX_ELEMENTS:,} elements)")
    doc = _extract(html, url or None, recall=False)
    if doc is None or not (getattr(doc, "text", "") or "").strip():
        doc = _extract(html, url or None, recall=True)
    text = (getattr(doc, "text", "") or "") if doc is not None else ""
    if not text.strip():
        raise IngestError(path, "no article text found in the page (only scripts, menus or empty markup?)")
    meta.title = meta.title or (doc.title or "")  # type: ignore[union-attr]
    meta.author = meta.author or (doc.author or "")  # type: ignore[union-attr]
    meta.url = meta.url or (doc.url or url or saved_from_url(html))  # type: ignore[union-attr]
    sitename = (doc.sitename or "").strip()  # type: ignore[union-attr]
    meta.source = meta.source or sitename
    meta.evidence.metadata = page_date(html)
    article = build_article(text, path, meta, header_block=False, first_line_title=False)
    if article.published is None:
        # Last resort before "date needed": htmldate's search of the page's text.
        # It is still the page's own evidence, so it counts as page metadata.
        found = page_date_extensive(html)
        if found is not None:
            article.published, article.published_origin = found, "metadata"
    return article


def read_html(path: Path) -> Article:
    data = read_bytes(path)
    html = decode_html(data, path)
    return article_from_html(html, path)


def read_mhtml(path: Path) -> Article:
    """.mhtml / .mht: a MIME archive; the first text/html part is the page."""
    data = read_bytes(path)
    kind = sniff(data)
    if kind is not None:
        raise IngestError(path, f"not a saved web page: it is {kind}")
    msg = email.message_from_bytes(data, policy=email.policy.default)
    url = str(msg.get("Snapshot-Content-Location", "") or "")
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            assert isinstance(part, EmailMessage)
            try:
                html = part.get_content()
            except (LookupError, ValueError):
                payload = part.get_payload(decode=True) or b""
                html = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
            url = url or str(part.get("Content-Location", "") or "")
            html = clean_decoded(html, path)
            return article_from_html(html, path, url=url)
    if b"<html" in data[:100_000].lower():
        # Not MIME at all: a plain page saved with an .mhtml name.
        return article_from_html(decode_html(data, path), path)
    raise IngestError(path, "not a saved web page: no HTML part found in the archive")
