"""From decoded text to an Article: header block, front matter, title, byline,
page furniture, dateline and the choice of publication date.

Every format ends here: plain text and markdown directly; Word, e-mail, RTF and
PDF after their own extraction; HTML after trafilatura (with the header-block and
first-line-title steps off, as the page's metadata already gave those).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from viewer.core.model import Article
from viewer.core.resources import load_json
from viewer.ingest.base import IngestError
from viewer.ingest.dates import (
    Evidence,
    date_in_filename,
    date_in_url,
    find_dateline,
    months,
    parse_date,
    parse_year,
)


@dataclass
class Meta:
    """What a reader learnt about an article besides its text."""

    title: str = ""
    source: str = ""
    url: str = ""
    author: str = ""
    evidence: Evidence = field(default_factory=Evidence)


# --- resources -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _furniture() -> tuple[int, re.Pattern[str]]:
    data = load_json("ingest/furniture.json")
    alternatives = "|".join(f"(?:{p})" for p in data["line_patterns"])
    return int(data["max_line_chars"]), re.compile(alternatives, re.IGNORECASE)


@lru_cache(maxsize=1)
def _header_keys() -> tuple[dict[str, str], frozenset[str]]:
    data = load_json("ingest/header_keys.json")
    fields = {_norm_key(k): f for f, keys in data["fields"].items() for k in keys}
    return fields, frozenset(_norm_key(k) for k in data["ignored"])


def _norm_key(key: str) -> str:
    return re.sub(r"[\s_\-]+", " ", key.strip().lower())


def is_furniture(line: str) -> bool:
    """True when ``line`` is page furniture ("Also Read: ...", "Subscribe to ...")."""
    limit, pattern = _furniture()
    s = line.strip().strip("*_#>|[]•·-–— ").strip()
    if not s or len(s) > limit:
        return False
    return pattern.fullmatch(s) is not None


# --- text normalisation -------------------------------------------------------------


def normalise(text: str) -> str:
    """Unix line ends, no trailing spaces, at most one blank line in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    lines = [ln.rstrip() for ln in text.split("\n")]
    out: list[str] = []
    for ln in lines:
        if not ln.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(ln)
    return "\n".join(out).strip("\n")


# --- header block and front matter -----------------------------------------------------

_KEY_LINE = re.compile(r"^\s{0,3}([A-Za-z][A-Za-z _\-]{0,30}?)\s{0,3}:\s{0,5}(.*?)\s*$")


def _apply_field(meta: Meta, fields: dict[str, str], key: str, value: str) -> None:
    name = fields.get(key)
    value = value.strip().strip('"').strip("'").strip()
    if not name or not value:
        return
    if name == "published":
        value = first_date_part(value)
        if meta.evidence.header is None:
            meta.evidence.header = parse_date(value)
        if meta.evidence.header_year is None:
            meta.evidence.header_year = parse_year(value)
    elif name == "url":
        meta.url = meta.url or value.strip("<>")
    elif not getattr(meta, name):
        setattr(meta, name, value)


def take_header_block(lines: list[str], meta: Meta) -> list[str]:
    """Consume a leading "Key: value" block whose keys are known; return the rest."""
    fields, ignored = _header_keys()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    found = 0
    pending: list[tuple[str, str]] = []
    while i < len(lines) and lines[i].strip():
        m = _KEY_LINE.match(lines[i])
        if not m:
            break
        key = _norm_key(m[1])
        if key not in fields and key not in ignored:
            break
        if key in fields:
            found += 1
        pending.append((key, m[2]))
        i += 1
    if found == 0:
        return lines
    # A header block is a block: it ends at a blank line or the text starts right
    # after it. Either way the lines consumed are the header.
    for key, value in pending:
        _apply_field(meta, fields, key, value)
    return lines[i:]


def take_front_matter(lines: list[str], meta: Meta) -> list[str]:
    """Markdown front matter between '---' (YAML) or '+++' (TOML) fences."""
    if not lines or lines[0].strip() not in ("---", "+++"):
        return lines
    fence = lines[0].strip()
    for j in range(1, min(len(lines), 200)):
        if lines[j].strip() in (fence, "...") and j > 1:
            break
    else:
        return lines
    fields, _ignored = _header_keys()
    for ln in lines[1:j]:
        m = re.match(r"^([A-Za-z][\w \-]{0,30}?)\s*[:=]\s*(.*)$", ln)
        if m:
            _apply_field(meta, fields, _norm_key(m[1]), m[2])
            if fields.get(_norm_key(m[1])) == "published" and meta.evidence.header:
                # Front matter is the file's own metadata.
                meta.evidence.metadata = meta.evidence.metadata or meta.evidence.header
                meta.evidence.header = None
    return lines[j + 1 :]


# --- markdown ------------------------------------------------------------------------

_MD_IMAGE = re.compile(r"!\[([^\]\n]{0,300})\]\([^)\n]{0,1000}\)")
_MD_LINK = re.compile(r"\[([^\]\n]{1,500})\]\([^)\n]{0,1000}\)")
_MD_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]{1,100}\]:\s*\S+.*$")
_MD_EMPH = re.compile(r"(\*\*|__)(?=\S)(.{1,500}?)(?<=\S)\1")
_MD_EM = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]{1,500}?)(?<=\S)\*(?!\w)")
_MD_CODE = re.compile(r"`([^`\n]{1,500})`")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")
_MD_BULLET = re.compile(r"^(\s{0,6})[*+-]\s+")
_MD_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_MD_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,15}(?:\s[^<>\n]{0,500})?/?>")


def markdown_to_text(lines: list[str], meta: Meta) -> list[str]:
    """Plain text of markdown lines; the first level-1 heading becomes the title."""
    out: list[str] = []
    in_code = False
    for ln in lines:
        if ln.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if in_code:
            out.append(ln)
            continue
        if _MD_RULE.match(ln) or _MD_REF_DEF.match(ln):
            out.append("")
            continue
        if m := _MD_HEADING.match(ln):
            heading = _inline_md(m[2])
            if len(m[1]) == 1 and not meta.title and not any(s.strip() for s in out):
                meta.title = heading
                continue
            out.append("")
            out.append(heading)
            out.append("")
            continue
        ln = _MD_QUOTE.sub("", ln)
        ln = _MD_BULLET.sub(r"\1", ln)
        out.append(_inline_md(ln))
    return out


def _inline_md(s: str) -> str:
    s = _MD_IMAGE.sub(lambda m: m[1], s)
    s = _MD_LINK.sub(lambda m: m[1], s)
    s = _MD_CODE.sub(lambda m: m[1], s)
    s = _MD_EMPH.sub(lambda m: m[2], s)
    s = _MD_EM.sub(lambda m: m[1], s)
    s = _MD_HTML.sub("", s)
    return s


# --- title and byline -----------------------------------------------------------------

_BYLINE_RE = re.compile(
    r"^\s*(?:by|written by|words by|reporting by)\s+([A-Z][^\n]{1,100}?)\s*$", re.IGNORECASE
)
# Lower-case words a byline may hold ("Jane Roe and John Doe in Beijing, with ...").
_BYLINE_GLUE = frozenset("and in with of de da del van von der la le for the at from".split())


class _Byline:
    """A byline: "By" and names, not a sentence that starts with "By"."""

    @staticmethod
    def match(line: str) -> re.Match[str] | None:
        m = _BYLINE_RE.match(line)
        if not m or m[1].endswith((".", "?", "!")) and not re.search(r"\b[A-Z]\.$", m[1]):
            return None
        words = re.findall(r"[^\s,;|&/]+", m[1])
        if len(words) > 12:
            return None
        if all(w[:1].isupper() or w.lower() in _BYLINE_GLUE or not w[:1].isalpha() for w in words):
            return m
        return None


_BYLINE = _Byline()
_DATE_ONLY = re.compile(r"^[\d\s,./:\-–—]*$|^[\W\d]*(?:\d{1,4}[\s,./\-]+){1,3}\d{1,4}[\W]*$")


_DATE_LINE = re.compile(
    r"^\s*(?:(published|posted|first published|updated|last updated|modified)\b\s*(?:on|at)?\s*:?\s*)?"
    r"(.{6,60}?)\s*$",
    re.IGNORECASE,
)
_DATE_WORDS = frozenset(
    "a m p am pm at on of the utc gmt et est edt pt pst pdt bst cet cest jst hkt sgt cst ist".split()
    + "monday tuesday wednesday thursday friday saturday sunday".split()
    + "mon tue tues wed thu thur thurs fri sat sun".split()
)


_UPDATE_PART = re.compile(r"\s*(?:[|·•,;–—-]\s*)?\(?\b(?:updated|last updated|modified|edited)\b.*$", re.I)


def first_date_part(value: str) -> str:
    """The publication part of "June 5, 2025 | Updated June 6, 2025"."""
    return _UPDATE_PART.sub("", value).strip(" |·•;–—-")


def date_line(line: str) -> tuple[str, object] | None:
    """("published"|"updated", date) when ``line`` is nothing but a (labelled) date."""
    if len(line) > 120:
        return None
    first = first_date_part(line)
    if first and first != line.strip():
        line = first
    m = _DATE_LINE.match(line)
    if not m or len(line) > 90:
        return None
    words = re.findall(r"[A-Za-z]+", m[2])
    month_names = months()
    if not all(w.lower() in _DATE_WORDS or w.lower() in month_names for w in words):
        return None
    d = parse_date(m[2])
    if d is None:
        return None
    label = (m[1] or "published").lower()
    return ("updated" if "updated" in label or "modified" in label else "published"), d


def looks_like_title(line: str) -> bool:
    s = line.strip()
    if not 3 <= len(s) <= 250:
        return False
    words = s.split()
    if len(words) > 30 or not any(c.isalpha() for c in s):
        return False
    if s.endswith((".", ",", ";", ":")) and not s.endswith("..."):
        return False
    if re.match(r"^(?:https?://|www\.)", s) or _DATE_ONLY.match(s) or date_line(s) is not None:
        return False
    if _BYLINE.match(s) or is_furniture(s):
        return False
    if find_dateline(s + "\n") is not None and re.search(r"[—–-]\s", s):
        return False
    return True


def _next_is_date(lines: list[str], k: int) -> bool:
    nxt = next((ln for ln in lines[k + 1 : k + 4] if ln.strip()), "")
    return bool(nxt) and date_line(nxt) is not None


def _site_suffix(title: str, line: str) -> tuple[str, str] | None:
    t, first = title.strip(), line.strip()
    if len(first) < 10 or not t.lower().startswith(first.lower()):
        return None
    m = re.fullmatch(r"\s*[|\-–—:·•]\s*(.{2,60})", t[len(first) :])
    return (first, m[1].strip()) if m else None


def _same(a: str, b: str) -> bool:
    def norm(x: str) -> str:
        return re.sub(r"\W+", " ", x).strip().lower()

    return norm(a) == norm(b) != ""


# --- putting it together ------------------------------------------------------------------


def outlet_from_url(url: str) -> str:
    """The host of ``url`` without 'www.', as a last-resort outlet name."""
    try:
        host = urlsplit(url if "://" in url else f"http://{url}").hostname or ""
    except ValueError:
        return ""
    return re.sub(r"^(?:www\d?|m|amp|edition|mobile)\.", "", host)


def build_article(
    text: str,
    path: Path,
    meta: Meta | None = None,
    *,
    header_block: bool = True,
    markdown: bool = False,
    first_line_title: bool = True,
) -> Article:
    """Turn a reader's text and metadata into an Article (raises IngestError if empty)."""
    meta = meta or Meta()
    text = normalise(text)
    lines = text.split("\n")
    if header_block or markdown:
        lines = take_front_matter(lines, meta)
    # Furniture goes before the header block is read: a "Forwarded message" or
    # "View in browser" line must not hide the block under it.
    lines = [ln for ln in lines if not is_furniture(ln)]
    if header_block:
        lines = take_header_block(lines, meta)
    if markdown:
        lines = markdown_to_text(lines, meta)
        lines = [ln for ln in lines if not is_furniture(ln)]
    # Drop leading blank lines, then the title line: repeated from metadata, or the
    # first line when it looks like a headline and text follows it.
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and meta.title and _same(lines[0], meta.title):
        lines.pop(0)
    elif lines and meta.title and (split := _site_suffix(meta.title, lines[0])):
        # "Headline - Outlet" as the document title, "Headline" as the first line
        # (a page printed to PDF by a browser): the line is the title, the rest
        # names the outlet.
        meta.title = split[0]
        meta.source = meta.source or split[1]
        lines.pop(0)
    elif first_line_title and not meta.title and len(lines) > 1 and looks_like_title(lines[0]):
        meta.title = lines.pop(0).strip()
    # A byline or a date line right under the title ("By Jane Doe", "June 5, 2025")
    # is metadata, not text. An "Updated ..." date is dropped, never used: the
    # publication date is the original one.
    k = taken = 0
    while k < min(4, len(lines)) and len(lines) > 1 and taken < 3:
        if not lines[k].strip():
            k += 1
            continue
        if m := _BYLINE.match(lines[k]):
            meta.author = meta.author or m[1].strip()
            lines.pop(k)
            taken += 1
            continue
        if (dl := date_line(lines[k])) and not _next_is_date(lines, k):
            # One date line is the article's date; a run of them is content.
            if dl[0] == "published" and meta.evidence.header is None:
                meta.evidence.header = dl[1]  # type: ignore[assignment]
            lines.pop(k)
            taken += 1
            continue
        break
    body = normalise("\n".join(lines))
    if not body.strip():
        raise IngestError(path, "no article text found")
    ev = meta.evidence
    dl = find_dateline(body)
    if dl is not None:
        ev.dateline = dl
        if not meta.source and dl.agency:
            meta.source = dl.agency
    if meta.url:
        ev.url, ev.url_year = date_in_url(meta.url)
    ev.filename, ev.filename_year = date_in_filename(path.name)
    published, origin = ev.choose()
    if not meta.source and meta.url:
        meta.source = outlet_from_url(meta.url)
    return Article(
        text=body,
        title=re.sub(r"\s+", " ", meta.title).strip(),
        source=meta.source.strip(),
        url=meta.url.strip(),
        published=published,
        published_origin=origin,
        path=str(path),
        author=re.sub(r"\s+", " ", meta.author).strip(),
    )
