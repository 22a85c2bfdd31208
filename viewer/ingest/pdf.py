"""PDF articles with pypdf: text in reading order, running headers/footers and page
numbers removed, hyphenation undone, wrapped lines joined into paragraphs.

Encrypted PDFs are opened when they have an empty user password (owner-only
restrictions are common and do not hide the text); otherwise refused. A PDF with
pages but no text layer is a scan: refused with the advice to OCR it.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from pathlib import Path

from viewer.core.model import Article
from viewer.ingest.base import CONTROL_CHARS, IngestError, read_bytes, sniff
from viewer.ingest.text import Meta, build_article

# A news article is a few pages; a report a few hundred. Beyond this the file is
# not an article, and reading it would take minutes.
MAX_PAGES = 1000
# Reading stops (and the file is refused) past this many seconds: a hostile or
# broken PDF must not hold the ingest queue.
TIME_BUDGET_S = 60.0
# Lines examined at the top and the bottom of each page for running heads/feet.
_EDGE_LINES = 3

_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?\d{1,4}(?:\s*(?:/|of|von|de)\s*\d{1,4})?$|^[-–—]\s*\d{1,4}\s*[-–—]$", re.IGNORECASE
)
_URL = re.compile(r"https?://[^\s<>\"']{4,500}")
_SENTENCE_END = re.compile(r"[.!?:;\"”’)\]]$")


def _edge_key(line: str) -> str:
    # Page numbers and dates inside a running head change from page to page.
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.strip().lower()))


def strip_running_lines(pages: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """Remove lines repeated at the top or bottom of most pages, and page numbers.

    Returns the cleaned pages and the removed repeated lines (they can carry the
    article's URL when a browser printed the page).
    """
    n = len(pages)
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = {_edge_key(ln) for ln in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:] if ln.strip()}
        counts.update(edge)
    threshold = max(2, (n + 1) // 2)
    repeated = {k for k, c in counts.items() if c >= threshold} if n >= 2 else set()
    removed: list[str] = []
    out: list[list[str]] = []
    for lines in pages:
        keep = list(lines)
        for idx in list(range(min(_EDGE_LINES, len(keep)))) + list(
            range(max(0, len(keep) - _EDGE_LINES), len(keep))
        ):
            s = keep[idx].strip()
            if not s:
                continue
            if _edge_key(s) in repeated or _PAGE_NUMBER.match(s):
                removed.append(s)
                keep[idx] = ""
        out.append([ln for ln in keep if ln != ""])
    return out, removed


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines into paragraphs; undo end-of-line hyphenation."""
    real = [ln.strip() for ln in lines]
    lengths = sorted(len(s) for s in real if s)
    if not lengths:
        return ""
    full = lengths[int(len(lengths) * 0.9) - 1 if len(lengths) > 1 else 0]
    out: list[str] = []
    buf = ""
    for i, s in enumerate(real):
        if not s:
            if buf:
                out.append(buf)
                buf = ""
            continue
        if not buf:
            buf = s
        elif buf.endswith("-") and len(buf) > 1 and buf[-2].isalpha() and s[:1].islower():
            buf = buf[:-1] + s  # "nego-" + "tiations"
        elif buf.endswith(("-", "–", "—", "/")):
            buf = buf + s  # "US-" + "China": a real hyphen at the line end
        else:
            buf = buf + " " + s
        nxt = real[i + 1] if i + 1 < len(real) else ""
        # A line that ends a sentence and stops well short of the full width
        # ends its paragraph.
        starts_new = bool(nxt) and (nxt[:1].isupper() or nxt[:1].isdigit() or nxt[:1] in "\"“'‘(—–-•")
        ends_sentence = _SENTENCE_END.search(s) is not None and len(s) < 0.85 * full
        # A short line with no closing punctuation before a capital is a heading.
        heading = len(s) < 0.75 * full and not s.endswith((",", "-", "–", "—")) and nxt[:1].isupper()
        if starts_new and (ends_sentence or heading):
            out.append(buf)
            buf = ""
    if buf:
        out.append(buf)
    return "\n".join(out)


def _has_images(page: object) -> bool:
    try:
        resources = page["/Resources"]  # type: ignore[index]
        xobjects = resources.get("/XObject") if resources else None
        if not xobjects:
            return False
        xobjects = xobjects.get_object()
        return any(xobjects[k].get_object().get("/Subtype") == "/Image" for k in xobjects)
    except Exception:  # noqa: BLE001 - a malformed resource dictionary just means "no"
        return False


def _info_text(value: object) -> str:
    s = str(value or "").strip()
    # Generator junk rather than a headline: "Microsoft Word - draft3.docx", "untitled".
    if re.search(r"\.(?:docx?|pdf|txt|html?|indd|qxp)$|^untitled$|^microsoft word\b", s, re.IGNORECASE):
        return ""
    return s


def read_pdf(path: Path) -> Article:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    data = read_bytes(path)
    if b"%PDF" not in data[:1024]:
        kind = sniff(data)
        raise IngestError(path, f"not a PDF document: it is {kind}" if kind else "not a PDF document")
    started = time.monotonic()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                raise IngestError(path, f"encrypted PDF that cannot be opened here ({exc})") from None
            if not ok:
                raise IngestError(
                    path, "encrypted PDF (password-protected): open it and save an unprotected copy"
                )
        n = len(reader.pages)
    except FileNotDecryptedError:
        raise IngestError(
            path, "encrypted PDF (password-protected): open it and save an unprotected copy"
        ) from None
    except PdfReadError as exc:
        raise IngestError(path, f"damaged or truncated PDF ({str(exc)[:160]})") from None
    if n == 0:
        raise IngestError(path, "damaged or truncated PDF (no pages found)")
    if n > MAX_PAGES:
        raise IngestError(path, f"PDF too long for an article ({n} pages; the limit is {MAX_PAGES})")
    pages: list[list[str]] = []
    images = 0
    for page in reader.pages:
        if time.monotonic() - started > TIME_BUDGET_S:
            raise IngestError(path, f"PDF took too long to read (over {TIME_BUDGET_S:.0f} s)")
        try:
            raw = page.extract_text() or ""
        except FileNotDecryptedError:
            raise IngestError(path, "encrypted PDF (password-protected)") from None
        except PdfReadError as exc:
            raise IngestError(path, f"damaged or truncated PDF ({str(exc)[:160]})") from None
        lines = [ln.rstrip() for ln in raw.replace("\r", "\n").split("\n")]
        pages.append(lines)
        images += _has_images(page)
    visible = sum(len(re.sub(r"\s", "", "".join(p))) for p in pages)
    if visible < 20:
        if images:
            raise IngestError(path, "image-only PDF (scanned pages, no text layer): run OCR on it first")
        raise IngestError(path, "PDF holds no text")
    everything = "".join("".join(p) for p in pages)
    unreadable = sum(1 for ch in everything if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff")
    if unreadable > 0.2 * len(re.sub(r"\s", "", everything)):
        raise IngestError(
            path, "the PDF's text layer is unreadable (fonts without a character map); run OCR on it"
        )
    pages = [[CONTROL_CHARS.sub("", ln) for ln in lines] for lines in pages]
    pages, removed = strip_running_lines(pages)
    meta = Meta()
    try:
        info = reader.metadata or {}
    except Exception:  # noqa: BLE001 - a broken info dictionary is only missing metadata
        info = {}
    meta.title = _info_text(info.get("/Title"))
    # The creation date is when the PDF was made (often the day a page was saved),
    # not the publication date: it is not used. The running lines a browser prints
    # carry the page's URL.
    for line in removed:
        if m := _URL.search(line):
            meta.url = m[0].rstrip(".,;)")
            break
    text = "\n".join(join_lines(lines) for lines in pages)
    # Pages break mid-sentence: a paragraph cut by a page break is joined again.
    text = re.sub(r"([a-z,;])\n([a-z])", r"\1 \2", text)
    return build_article(text, path, meta)
