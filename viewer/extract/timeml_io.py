"""TimeML in and out: run the temporal tagger over TempEval-3 style documents.

``convert_dir`` reads every ``.tml`` / ``.TE3input`` file of a folder, takes the
document creation time (the DCT's TIMEX3 value) as the anchor and the content of
<TEXT> with all tags removed as the text, tags it, and writes a TimeML file of the
same name whose TEXT is the original TEXT byte for byte (entities such as &amp;
included) apart from the inserted <TIMEX3 tid type value> tags. Everything before
<TEXT> (DOCID, DCT with t0, TITLE ...) is kept; annotations after </TEXT> that refer
to gold entities (MAKEINSTANCE, TLINK ...) are dropped.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path

from viewer.extract.temporal import Timex, tag
from viewer.extract.temporal_rules import load_rules

_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_DCT = re.compile(r"<DCT>\s*<TIMEX3[^>]*\bvalue=\"([^\"]*)\"", re.S)
_TEXT_OPEN = re.compile(r"<TEXT>")
_TEXT_CLOSE = re.compile(r"</TEXT>")
SUFFIXES = (".tml", ".TE3input")


@dataclass(frozen=True)
class TimeMLDoc:
    source: str  # the whole file
    text_start: int  # offset of TEXT content in source
    text_end: int
    raw: str  # TEXT content with tags removed and entities decoded
    offsets: list[int]  # offsets[i] = position in source of raw[i]; one extra entry = end
    dct: dt.date | None


def parse_dct(value: str) -> dt.date | None:
    """'1998-01-08', '1998-08-07T06:18', '19980108' -> date; anything else -> None."""
    m = re.match(r"(\d{4})-?(\d{2})-?(\d{2})", value.strip())
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def read_timeml(source: str) -> TimeMLDoc:
    """Split a TimeML document into its raw TEXT (with a map back to the file) and DCT."""
    open_m = _TEXT_OPEN.search(source)
    close_m = _TEXT_CLOSE.search(source, open_m.end()) if open_m else None
    if not open_m or not close_m:
        raise ValueError("no <TEXT> element")
    start, end = open_m.end(), close_m.start()
    raw_chars: list[str] = []
    offsets: list[int] = []
    i = start
    while i < end:
        ch = source[i]
        if ch == "<":
            close = source.find(">", i, end)
            i = close + 1 if close >= 0 else end
            continue
        if ch == "&":
            em = _ENTITY.match(source, i, end)
            if em:
                decoded = html.unescape(em.group(0))
                for c in decoded:
                    raw_chars.append(c)
                    offsets.append(i)
                i = em.end()
                continue
        raw_chars.append(ch)
        offsets.append(i)
        i += 1
    offsets.append(end)
    dct_m = _DCT.search(source)
    dct = parse_dct(dct_m.group(1)) if dct_m else None
    return TimeMLDoc(source, start, end, "".join(raw_chars), offsets, dct)


def _source_end(doc: TimeMLDoc, raw_end: int) -> int:
    """Source offset just after raw character raw_end - 1 (entities kept whole)."""
    last = doc.offsets[raw_end - 1]
    if doc.source[last] == "&":
        em = _ENTITY.match(doc.source, last)
        if em:
            return em.end()
    # Skip tags that sit right after the character so the TIMEX3 closes before them.
    return last + 1


_RANGE_SPLIT = re.compile(r"^(.*?\S)\s*(?:-|–|\bto\b|\bthrough\b|\band\b|\buntil\b|\btill\b)\s*(\S.*)$")


def _tags_for(tx: Timex) -> list[tuple[int, int, str, str, str]]:
    """TimeML marks the two ends of a range separately ("between <1994> and <1997>");
    the tagger gives one expression with an end_value: split it back."""
    if tx.end_value and tx.type in ("DATE", "TIME"):  # "two to three weeks" stays one duration
        m = _RANGE_SPLIT.match(tx.text)
        if m:
            first_end = tx.start + m.end(1)
            second_start = tx.start + m.start(2)
            return [
                (tx.start, first_end, tx.type, tx.value, tx.mod),
                (second_start, tx.end, tx.type, tx.end_value, ""),
            ]
    return [(tx.start, tx.end, tx.type, tx.value, tx.mod)]


def write_timeml(doc: TimeMLDoc, timexes: list[Timex]) -> str:
    """The document with TEXT = original TEXT minus old tags plus our TIMEX3 tags.

    Old tags inside TEXT are removed first; entity references stay as written.
    """
    pieces: list[str] = [doc.source[: doc.text_start]]
    # Rebuild TEXT from the source with the old tags dropped and the new ones inserted.
    inserts: dict[int, list[str]] = {}
    tags = [tag_ for tx in timexes for tag_ in _tags_for(tx)]
    for n, (start, end, type_, value, mod) in enumerate(tags, start=1):
        attrs = f'tid="t{n}" type="{type_}" value="{html.escape(value, quote=True)}"'
        if mod:
            attrs += f' mod="{mod}"'
        inserts.setdefault(doc.offsets[start], []).append(f"<TIMEX3 {attrs}>")
        inserts.setdefault(_source_end(doc, end), []).insert(0, "</TIMEX3>")
    i = doc.text_start
    src = doc.source
    while i < doc.text_end:
        if i in inserts:
            pieces.extend(inserts.pop(i))
        ch = src[i]
        if ch == "<":
            close = src.find(">", i, doc.text_end)
            i = close + 1 if close >= 0 else doc.text_end
            continue
        pieces.append(ch)
        i += 1
    if doc.text_end in inserts:
        pieces.extend(inserts.pop(doc.text_end))
    pieces.append("</TEXT>\n\n</TimeML>\n")
    return "".join(pieces)


def convert_file(path: Path, out_path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    doc = read_timeml(source)
    out_path.write_text(write_timeml(doc, tag(doc.raw, doc.dct)), encoding="utf-8")


def convert_dir(in_dir: Path, out_dir: Path) -> int:
    """Tag every .tml / .TE3input file under in_dir into out_dir/<same relative path>; return the count."""
    in_dir, out_dir = Path(in_dir), Path(out_dir)
    load_rules()  # a broken rule file must fail loudly here, not be skipped as a bad document
    out_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    # Corpora come in sub-folders (TimeBank/, AQUAINT/): walk them and mirror the layout.
    for path in sorted(in_dir.rglob("*")):
        if not path.is_file() or not path.name.endswith(SUFFIXES):
            continue
        target = out_dir / path.relative_to(in_dir)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            convert_file(path, target)
        except (OSError, UnicodeDecodeError, ValueError):
            continue  # not a TimeML document we can read: skip it, convert the rest
        written += 1
    return written
