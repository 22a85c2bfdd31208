"""Word (.docx, python-docx), RTF (striprtf) and e-mail (.eml, stdlib email) readers."""

from __future__ import annotations

import email
import email.policy
import io
import re
import zipfile
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

from viewer.core.model import Article
from viewer.ingest.base import IngestError, clean_decoded, decode_text, human_size, read_bytes, sniff
from viewer.ingest.text import Meta, build_article

# A Word article unpacks to well under 10 MB; 200 MB unpacked (or a two-hundredfold
# compression) is a zip bomb, refused before anything is extracted.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_ZIP_ENTRIES = 5000


def check_zip(data: bytes, path: Path) -> zipfile.ZipFile:
    """Open a .docx as a ZIP after checking its declared sizes (zip-bomb guard)."""
    if not data.startswith(b"PK\x03\x04"):
        kind = sniff(data)
        if kind:
            raise IngestError(path, f"not a Word document: it is {kind}")
        raise IngestError(path, "not a Word document: a .docx is a ZIP archive and this file is not one")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise IngestError(path, f"damaged Word document (broken ZIP archive: {exc})") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise IngestError(path, f"refused as a possible zip bomb ({len(infos)} entries in the archive)")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNZIPPED_BYTES or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise IngestError(
            path,
            f"refused as a possible zip bomb (unpacks to {human_size(total)} from {human_size(len(data))})",
        )
    if "word/document.xml" not in zf.namelist():
        raise IngestError(path, "not a Word document: a ZIP archive without word/document.xml")
    return zf


def read_docx(path: Path) -> Article:
    from docx import Document
    from docx.table import Table

    data = read_bytes(path)
    check_zip(data, path)
    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on broken parts
        raise IngestError(path, f"damaged Word document ({type(exc).__name__}: {str(exc)[:160]})") from None
    meta = Meta()
    lines: list[str] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    t = cell.text.strip()
                    if t and (not cells or cells[-1] != t):  # merged cells repeat their text
                        cells.append(t)
                if cells:
                    lines.append(" | ".join(cells))
            lines.append("")
            continue
        text = block.text
        style = (block.style.name if block.style is not None else "") or ""
        if not meta.title and style.lower() == "title" and text.strip() and not any(s.strip() for s in lines):
            meta.title = text.strip()
            continue
        if style.lower().startswith("heading"):
            lines.extend(["", text, ""])
        else:
            lines.append(text)
    try:
        props = doc.core_properties
        title = (props.title or "").strip()
    except Exception:  # noqa: BLE001 - broken core properties only lose metadata
        title = ""
    # The core title is often empty or stale (a template's); it is used only when
    # the document has no visible title of its own. The core "author" is the person
    # who saved the file, not the article's author, and the core dates are file
    # dates: neither is used.
    text = "\n".join(lines)
    if not meta.title and title:
        first = next((ln for ln in lines if ln.strip()), "")
        if re.sub(r"\W+", "", first).lower() == re.sub(r"\W+", "", title).lower():
            meta.title = title
    return build_article(text, path, meta)


def read_rtf(path: Path) -> Article:
    from striprtf.striprtf import rtf_to_text

    data = read_bytes(path)
    if not data.lstrip().startswith(b"{\\rtf"):
        kind = sniff(data)
        raise IngestError(path, f"not an RTF document: it is {kind}" if kind else "not an RTF document")
    # RTF is 7-bit ASCII; other characters come as escapes that striprtf decodes.
    raw = data.decode("latin-1")
    enc = "cp1252"
    if m := re.search(r"\\ansicpg(\d{3,5})", raw[:2000]):
        enc = f"cp{m[1]}"
        try:
            "".encode(enc)
        except LookupError:
            enc = "cp1252"
    text = rtf_to_text(raw, encoding=enc, errors="replace")
    return build_article(clean_decoded(text, path), path)


_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|wg|tr)\s*:\s*|\[[^\]]{1,40}\]\s*)+", re.IGNORECASE)


def read_eml(path: Path) -> Article:
    """An e-mail (a newsletter): its text part, Subject as title, Date: as date evidence."""
    data = read_bytes(path)
    kind = sniff(data)
    if kind is not None:
        raise IngestError(path, f"not an e-mail message: it is {kind}")
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    if not any(msg.get(h) for h in ("From", "Date", "Subject", "To", "Message-ID")):
        # No e-mail headers at all: a text file saved with an .eml name.
        return build_article(decode_text(data, path), path)
    meta = Meta()
    meta.title = _SUBJECT_PREFIX.sub("", str(msg.get("Subject", "") or "")).strip()
    name, addr = parseaddr(str(msg.get("From", "") or ""))
    meta.source = name.strip() or (addr.split("@")[-1] if "@" in addr else "")
    try:
        sent = parsedate_to_datetime(str(msg.get("Date", "")))
        meta.evidence.email = sent.date() if 1900 <= sent.year <= 2100 else None
    except (TypeError, ValueError, IndexError):
        pass
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is None:
        raise IngestError(path, "e-mail without a text or HTML part")
    try:
        content = body.get_content()
    except (LookupError, ValueError, AssertionError):
        payload = body.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else str(payload)
    if not isinstance(content, str):
        raise IngestError(path, "e-mail whose body is not text")
    content = clean_decoded(content, path)
    if body.get_content_type() == "text/html":
        from viewer.ingest.html import article_from_html

        return article_from_html(content, path, meta)
    return build_article(content, path, meta)
